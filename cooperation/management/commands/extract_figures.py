import argparse
import datetime
import json
import sys

from django.core.management.base import BaseCommand, CommandError

from cooperation.extraction import extract
from cooperation.extraction.periods import publication_date

COLUMNS = ("text", "value", "value_max", "unit", "qualifier", "kind", "period", "measure", "label")


def iso_date(text):
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"wants a date as YYYY-MM-DD, not {text!r}") from None


class Command(BaseCommand):
    help = (
        "Print every programme quantity found in a report's text (a UTF-8 file, or - for "
        "standard input): one JSON object a line with --format json, else a table. Relative "
        "periods (this year, so far) are read against --published-on, or against the text's "
        "own date header line when it has one."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the report as UTF-8 text, or - to read standard input")
        parser.add_argument("--format", choices=("text", "json"), default="text")
        parser.add_argument(
            "--published-on",
            type=iso_date,
            help="the report's date, YYYY-MM-DD (default: its date header line, if any)",
        )

    def handle(self, *args, file, format, published_on, **options):
        text = self.read(file)
        published_on = published_on or publication_date(text)
        found = extract(text, published_on=published_on)
        if format == "json":
            for item in found:
                self.stdout.write(json.dumps(item.as_json(), ensure_ascii=False))
            return
        rows = [COLUMNS, *(self.row(item.as_json()) for item in found)]
        widths = [max(self.width(row[column]) for row in rows) for column in range(len(COLUMNS))]
        for row in rows:
            cells = (
                cell + " " * (width - self.width(cell))
                for cell, width in zip(row, widths, strict=True)
            )
            self.stdout.write("  ".join(cells).rstrip())
        self.stdout.write(f"{len(found)} quantities found.")

    def read(self, file):
        try:
            if file == "-":
                data = sys.stdin.buffer.read()
            else:
                with open(file, "rb") as stream:
                    data = stream.read()
        except OSError as error:
            raise CommandError(f"cannot read {file}: {error.strerror or error}") from None
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise CommandError(
                f"{file} is not UTF-8 text (byte {error.start} cannot be read); "
                "save it as UTF-8 first."
            ) from None

    @staticmethod
    def row(record):
        period = record["period"]
        return (
            record["text"],
            record["value"],
            record["value_max"] or "",
            record["unit"],
            record["qualifier"],
            record["kind"],
            period["words"] if period else "",
            record["measure"],
            record["label"],
        )

    @staticmethod
    def width(cell):
        """Columns a terminal gives the cell: Chinese characters take two."""
        return sum(2 if ord(character) > 0x2E7F else 1 for character in cell)
