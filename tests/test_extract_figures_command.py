"""`manage.py extract_figures`: JSON Lines or a table of the quantities in a report's text."""

import io
import json
import sys

import pytest
from django.core.management import CommandError, call_command

from tests.test_extraction_article import ARTICLE_COPY


def run(*arguments):
    out = io.StringIO()
    call_command("extract_figures", *arguments, stdout=out)
    return out.getvalue()


def json_lines(output):
    return [json.loads(line) for line in output.splitlines()]


def test_json_lines_of_the_article_read_its_date_header_for_relative_periods():
    records = json_lines(run(str(ARTICLE_COPY), "--format", "json"))
    assert len(records) == 71
    first = records[0]
    assert first == {
        "text": "5名",
        "value": "5",
        "value_max": None,
        "unit": "名",
        "model_unit": "人",
        "qualifier": "exact",
        "kind": "actual",
        "period": {"words": "今年", "kind": "flow", "start": "2023-01-01", "end": "2023-12-31"},
        "sentence": first["sentence"],
        "start": first["start"],
        "end": first["end"],
        "measure": "seconded_cadres",
        "label": "南沙区选派挂职干部",
    }
    text = ARTICLE_COPY.read_text(encoding="utf-8")
    assert all(text[r["start"] : r["end"]] == r["text"] for r in records)
    assert all(r["text"] in r["sentence"] for r in records)
    ranges = [r for r in records if r["value_max"] is not None]
    assert [(r["text"], r["value"], r["value_max"]) for r in ranges] == [("1至2名", "1", "2")]


def test_a_small_file_in_traditional_characters(tmp_path):
    report = tmp_path / "report.txt"
    report.write_text("去年投入帮扶資金2750多萬元；預計年產值3200萬元。\n", encoding="utf-8")
    records = json_lines(run(str(report), "--format", "json", "--published-on", "2023-10-26"))
    assert [(r["text"], r["value"], r["unit"], r["qualifier"], r["kind"]) for r in records] == [
        ("2750多萬元", "27500000", "元", "at_least", "actual"),
        ("3200萬元", "32000000", "元", "exact", "expected"),
    ]
    assert records[0]["period"]["start"] == "2022-01-01"
    assert records[1]["period"] is None


def test_the_text_table_lists_every_quantity(tmp_path):
    report = tmp_path / "report.txt"
    report.write_text("举办培训班14期568人次。", encoding="utf-8")
    lines = run(str(report)).splitlines()
    assert lines[0].split()[:3] == ["text", "value", "value_max"]
    assert lines[1].split()[:2] == ["14期", "14"]
    assert lines[2].split()[:2] == ["568人次", "568"]
    assert lines[-1] == "2 quantities found."


def test_standard_input_is_read_for_a_dash(monkeypatch):
    stdin = io.TextIOWrapper(io.BytesIO("实际到位投资额5.92亿元。".encode()), encoding="utf-8")
    monkeypatch.setattr(sys, "stdin", stdin)
    (record,) = json_lines(run("-", "--format", "json"))
    assert (record["value"], record["period"]) == ("592000000", None)


def test_a_missing_file_is_a_command_error(tmp_path):
    with pytest.raises(CommandError, match="cannot read"):
        run(str(tmp_path / "missing.txt"))


def test_a_directory_is_a_command_error(tmp_path):
    with pytest.raises(CommandError, match="cannot read"):
        run(str(tmp_path))


def test_a_file_that_is_not_utf8_is_a_command_error(tmp_path):
    report = tmp_path / "report.txt"
    report.write_bytes("投入305.65万元".encode("gb18030"))
    with pytest.raises(CommandError, match="not UTF-8"):
        run(str(report))


def test_a_bad_publication_date_is_a_command_error(tmp_path):
    report = tmp_path / "report.txt"
    report.write_text("投入305.65万元", encoding="utf-8")
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        run(str(report), "--published-on", "2023-13-01")
