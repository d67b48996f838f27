"""Uploaded reports are read into text within limits, and refused with a reason otherwise."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cooperation import intake_files
from cooperation.intake_files import Refused, read_upload

SENTENCE = "今年南沙区选派5名挂职干部、43名专业技术人才到紫云县开展帮扶工作。"
WORD_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def upload(name, content):
    return SimpleUploadedFile(name, content)


def document_xml(*paragraphs, prolog=""):
    body = "".join(f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p>" for text in paragraphs)
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>{prolog}'
        f'<w:document xmlns:w="{WORD_NS}"><w:body>{body}</w:body></w:document>'
    ).encode()


def docx(document=None, members=None):
    """A .docx as Word writes its essentials: a zip with word/document.xml."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        if document is not None:
            archive.writestr("word/document.xml", document)
        for name, content in (members or {}).items():
            archive.writestr(name, content)
    return buffer.getvalue()


def refusal(name, content):
    with pytest.raises(Refused) as refused:
        read_upload(upload(name, content))
    return str(refused.value)


def test_utf8_text_is_read_without_its_byte_order_mark():
    assert read_upload(upload("r.txt", ("\ufeff" + SENTENCE).encode())) == SENTENCE


def test_gb18030_text_is_read_when_it_is_not_utf8():
    assert read_upload(upload("r.txt", SENTENCE.encode("gb18030"))) == SENTENCE


def test_utf16_text_with_its_mark_is_read():
    assert read_upload(upload("r.txt", SENTENCE.encode("utf-16"))) == SENTENCE


def test_binary_disguised_as_text_is_refused():
    assert "二进制" in refusal("r.txt", b"PK\x03\x04\x00\x00binary")


def test_bytes_of_no_known_encoding_are_refused():
    assert "编码" in refusal("r.txt", b"\x81\x30\xff\xfe\x80")


def test_windows_line_breaks_and_control_characters_become_plain_text():
    text = read_upload(upload("r.txt", "第一段\x07。\r\n\r\n\r\n\r\n第二段。\r\n".encode()))
    assert text == "第一段。\n\n第二段。"


def test_an_upload_over_the_limit_is_refused_before_it_is_read(settings):
    settings.INTAKE_UPLOAD_MAX_BYTES = 100
    assert "文件太大" in refusal("r.txt", b"a" * 101)
    assert read_upload(upload("r.txt", b"a" * 100)) == "a" * 100


def test_a_text_over_the_character_limit_is_refused(settings):
    settings.INTAKE_TEXT_MAX_CHARACTERS = 10
    assert "正文太长" in refusal("r.txt", "紫".encode() * 11)


def test_an_empty_file_and_a_blank_text_are_refused():
    assert "空" in refusal("r.txt", b"")
    assert "没有读到" in refusal("r.txt", b" \n\t\n")


def test_other_kinds_of_file_are_refused():
    assert ".docx" in refusal("r.pdf", b"%PDF-1.7")
    assert ".docx" in refusal("r.doc", b"\xd0\xcf\x11\xe0")


def test_docx_paragraphs_become_lines():
    content = docx(document_xml("南沙区与紫云县结对。", SENTENCE))
    assert read_upload(upload("r.docx", content)) == f"南沙区与紫云县结对。\n{SENTENCE}"


def test_docx_line_breaks_and_tabs_inside_a_paragraph_are_kept():
    document = (
        f'<w:document xmlns:w="{WORD_NS}"><w:body><w:p><w:r><w:t>甲</w:t><w:tab/>'
        "<w:t>乙</w:t><w:br/><w:t>丙</w:t></w:r></w:p></w:body></w:document>"
    )
    assert read_upload(upload("r.DOCX", docx(document.encode()))) == "甲\t乙\n丙"


def test_a_docx_that_unpacks_far_beyond_its_size_is_refused_as_a_zip_bomb():
    bomb = docx(document_xml("紫" * 10) + b" " * 3_000_000)
    assert len(bomb) < 10_000
    assert "压缩炸弹" in refusal("bomb.docx", bomb)


def test_a_docx_whose_members_unpack_past_the_total_limit_is_refused(monkeypatch):
    monkeypatch.setattr(intake_files, "DOCX_MAX_UNCOMPRESSED", 50_000)
    members = {f"word/media/image{n}.bin": bytes(range(256)) * 100 for n in range(3)}
    assert "压缩炸弹" in refusal("big.docx", docx(document_xml(SENTENCE), members))


def test_a_docx_body_over_the_size_limit_is_refused_at_any_ratio(monkeypatch):
    monkeypatch.setattr(intake_files, "DOCX_MAX_UNCOMPRESSED", 2_000)
    monkeypatch.setattr(intake_files, "DOCX_MAX_RATIO", 10**9)
    content = docx(document_xml("紫" * 900))
    archive = zipfile.ZipFile(io.BytesIO(content))
    assert archive.getinfo("word/document.xml").file_size > 2_000
    assert "压缩炸弹" in refusal("r.docx", content)


def test_a_file_named_docx_that_is_not_a_zip_is_refused():
    assert "无法打开" in refusal("r.docx", b"<html>not a docx</html>")


def test_a_docx_without_its_body_is_refused():
    assert "缺少正文" in refusal("r.docx", docx(None, {"word/styles.xml": "<styles/>"}))


def test_a_docx_with_a_broken_body_is_refused():
    assert "已损坏" in refusal("r.docx", docx(b"<w:document><w:body><w:p>"))


def test_a_docx_body_with_entities_is_refused_and_never_expanded():
    laughs = (
        '<!DOCTYPE w:document [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">'
        '<!ENTITY ext SYSTEM "http://example.invalid/x">]>'
    )
    content = docx(document_xml("&lol2;&ext;", prolog=laughs))
    assert "已损坏" in refusal("r.docx", content)


def test_a_saved_page_loses_its_scripts_styles_and_head():
    page = (
        "<!DOCTYPE html><html><head><title>页面标题</title><style>p{color:red}</style>"
        "<script>var secret = 1;</script></head><body><nav>首页</nav>"
        "<h1>南沙与紫云</h1><!-- 注释 --><p>第一段<b>加粗</b>。</p>"
        "<script>alert('x')</script><div>第二段&amp;续<br>换行</div>"
        '<p onclick="steal()">第三段<img src=x onerror="steal()"></p>'
        "<noscript>请启用脚本</noscript></body></html>"
    )
    text = read_upload(upload("page.html", page.encode()))
    assert text == "首页\n南沙与紫云\n\n第一段加粗。\n\n第二段&续\n换行\n\n第三段"
    for hidden in ("secret", "alert", "steal", "页面标题", "color", "注释", "请启用脚本", "<"):
        assert hidden not in text


def test_a_saved_page_in_gb18030_is_read():
    page = f'<html><head><meta charset="gb18030"></head><body><p>{SENTENCE}</p></body></html>'
    assert read_upload(upload("page.htm", page.encode("gb18030"))) == SENTENCE
