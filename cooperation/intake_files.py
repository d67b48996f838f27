"""Uploaded reports read into plain text, without trusting the file.

An intake (cooperation/intake.py) takes a report as pasted text or as a file: .txt, .docx
or a web page saved as .html. Each file is read only up to the limits below, and anything
that is not what it says it is refused with a message the admin shows beside the form,
never a server error:

- every upload: at most settings.INTAKE_UPLOAD_MAX_BYTES (2 MB unless set), read with a
  bounded read whatever size the client declared;
- .txt: UTF-8 (a byte-order mark is dropped), else GB18030, which covers GBK and GB2312;
  NUL bytes mean it is not text;
- .docx: a zip archive of which only word/document.xml is read. The archive is refused when
  its members declare more than DOCX_MAX_UNCOMPRESSED bytes together, or compress better
  than DOCX_MAX_RATIO to one (a zip bomb), and the XML itself is read with a bounded read
  (a member's declared size may lie) and parsed by defusedxml, which refuses DTDs and
  entities, so nothing is expanded or fetched;
- .html: sanitised by nh3 to a few structural tags (scripts, styles and the head dropped
  with their content), then reduced to text with a line break at each block element.

Every text ends at most settings.INTAKE_TEXT_MAX_CHARACTERS long.
"""

import html.parser
import io
import re
import unicodedata
import zipfile
from pathlib import PurePath
from xml.etree.ElementTree import ParseError

import nh3
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring
from django.conf import settings
from django.utils.translation import gettext as _

UPLOAD_MAX_BYTES = 2 * 1024 * 1024
TEXT_MAX_CHARACTERS = 300_000
DOCX_MAX_UNCOMPRESSED = 20 * 1024 * 1024
DOCX_MAX_RATIO = 100
DOCX_MAX_MEMBERS = 2000
DOCX_DOCUMENT = "word/document.xml"
WORD = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"

# Elements after which a saved page's text breaks its line.
BLOCKS = {
    "p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre",
    "section", "article", "header", "footer", "table", "ul", "ol", "dt", "dd", "hr",
    "figcaption", "caption", "td", "th",
}  # fmt: skip
KEPT_TAGS = BLOCKS | {"span", "b", "strong", "i", "em", "a", "tbody", "thead", "sub", "sup"}
DROPPED_WITH_CONTENT = {
    "script", "style", "head", "title", "noscript", "template", "iframe", "object",
    "svg", "math", "textarea", "select", "button",
}  # fmt: skip


class Refused(ValueError):
    """A file or text the intake does not take, with the reason for the admin."""


def upload_limit():
    return getattr(settings, "INTAKE_UPLOAD_MAX_BYTES", UPLOAD_MAX_BYTES)


def text_limit():
    return getattr(settings, "INTAKE_TEXT_MAX_CHARACTERS", TEXT_MAX_CHARACTERS)


def read_upload(upload):
    """The text of an uploaded file (a Django UploadedFile), or Refused."""
    limit = upload_limit()
    if upload.size is not None and upload.size > limit:
        raise too_big(limit)
    content = upload.read(limit + 1)
    if len(content) > limit:
        raise too_big(limit)
    suffix = PurePath(upload.name or "").suffix.lower()
    readers = {".txt": text_of_txt, ".docx": text_of_docx, ".html": text_of_html}
    readers[".htm"] = text_of_html
    if suffix not in readers:
        raise Refused(_("只能上传 .txt、.docx 或 .html 文件。"))
    if not content:
        raise Refused(_("上传的文件是空的。"))
    return checked_text(readers[suffix](content))


def too_big(limit):
    return Refused(
        _("文件太大：上传的文件不能超过 %(size)s。") % {"size": f"{limit / 1024 / 1024:g} MB"}
    )


def checked_text(text):
    """Plain text with its line breaks made plain, control characters removed, and the
    length limit applied; Refused when nothing is left or it is too long."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = "".join(
        char for char in text if char in "\n\t" or unicodedata.category(char) not in ("Cc", "Cs")
    )
    text = "\n".join(line.rstrip() for line in text.split("\n"))
    text = re.sub(r"\n{3,}", "\n\n", text).strip("\n")
    if not text.strip():
        raise Refused(_("没有读到任何文字。"))
    if len(text) > text_limit():
        raise Refused(
            _("正文太长：最多 %(count)d 个字符，请分成几份录入。") % {"count": text_limit()}
        )
    return text


def decoded(content):
    """Bytes as text: UTF-8 (or UTF-16 with its mark), else GB18030."""
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return content.decode("utf-16")
        except UnicodeDecodeError:
            pass
    elif b"\x00" in content:
        raise Refused(_("这不是文本文件（含有二进制内容）。"))
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise Refused(_("无法识别文件的编码：请存为 UTF-8 或 GB18030（GBK）编码的文本。"))


def text_of_txt(content):
    return decoded(content)


def text_of_docx(content):
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError):
        raise Refused(_("这不是有效的 .docx 文件（无法打开）。")) from None
    unpacked = sum(member.file_size for member in members)
    packed = sum(member.compress_size for member in members)
    if (
        len(members) > DOCX_MAX_MEMBERS
        or unpacked > DOCX_MAX_UNCOMPRESSED
        or unpacked > DOCX_MAX_RATIO * max(packed, 1)
    ):
        raise Refused(_("这个 .docx 文件解压后过大，已拒绝（可能是压缩炸弹）。"))
    if DOCX_DOCUMENT not in {member.filename for member in members}:
        raise Refused(_("这不是有效的 .docx 文件（缺少正文部分）。"))
    try:
        with archive.open(DOCX_DOCUMENT) as document:
            xml = document.read(DOCX_MAX_UNCOMPRESSED + 1)
    except (zipfile.BadZipFile, NotImplementedError, ValueError, OSError, EOFError):
        raise Refused(_("这不是有效的 .docx 文件（正文无法解压）。")) from None
    if len(xml) > DOCX_MAX_UNCOMPRESSED:
        raise Refused(_("这个 .docx 文件解压后过大，已拒绝（可能是压缩炸弹）。"))
    try:
        root = fromstring(xml, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except (ParseError, DefusedXmlException, ValueError):
        raise Refused(_("这不是有效的 .docx 文件（正文已损坏）。")) from None
    return "\n".join(paragraph_text(paragraph) for paragraph in root.iter(f"{WORD}p"))


def paragraph_text(paragraph):
    parts = []
    for element in paragraph.iter():
        if element.tag == f"{WORD}t":
            parts.append(element.text or "")
        elif element.tag == f"{WORD}tab":
            parts.append("\t")
        elif element.tag in (f"{WORD}br", f"{WORD}cr"):
            parts.append("\n")
    return "".join(parts)


def text_of_html(content):
    return text_of_markup(decoded(content))


def text_of_markup(markup):
    """A web page's visible text: sanitised first, so that nothing a page hides (scripts,
    styles, comments) reaches the text, then a line break at each block element."""
    cleaned = nh3.clean(
        markup, tags=KEPT_TAGS, clean_content_tags=DROPPED_WITH_CONTENT, attributes={}
    )
    reader = _TextReader()
    reader.feed(cleaned)
    reader.close()
    lines = ("".join(reader.parts)).split("\n")
    return "\n".join(re.sub(r"[ \t\u00a0]+", " ", line).strip() for line in lines)


class _TextReader(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts = []

    def handle_starttag(self, tag, attrs):
        if tag in BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data):
        self.parts.append(data.replace("\n", " "))
