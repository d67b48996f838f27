"""The bulk download: every published table as a CSV file, described by a Frictionless Data
Package (datapackage.json), and the same files in one zip.

`manage.py build_open_data` writes them into settings.OPEN_DATA_DIR:

    builds/<stamp>/     one complete build: <table>.csv…, datapackage.json, open-data.zip
    current             a symlink to the newest complete build, replaced atomically
    pending.json        the data version a --if-changed run first saw, and when (--settle)
    build.lock          held while a build runs, so that two never overlap

A build is written into a fresh directory and only then made `current`, so a visitor
never downloads half a set; the previous build is kept until the next one is done.
Rows are streamed from the database in chunks of CHUNK_ROWS and written straight to the
files, so memory does not grow with the number of projects. What is published, and how
each column is described, is in cooperation/opendata_tables.py; the datapackage.json
records the data version (cooperation/counting.py) the build was made from.
"""

import csv
import datetime
import functools
import hashlib
import json
import os
import shutil
import uuid
import zipfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone, translation

from cooperation.counting import data_version
from cooperation.models import Source
from cooperation.spreadsheets import TEXT_MARK, csv_cell

CHUNK_ROWS = 2000
PACKAGE = "datapackage.json"
ZIP = "open-data.zip"
CURRENT = "current"
BUILDS = "builds"
PENDING = "pending.json"
LOCK = "build.lock"

PACKAGE_NAME = "east-west-cooperation"
PACKAGE_TITLE = ("东西部协作公开数据", "East–West cooperation open data")
PACKAGE_DESCRIPTION = (
    "东西部协作信息公开平台已发布的全部数据：协作项目、结对关系、受益对象、数据及其来源原文。"
    "只含已发布的记录；人员只含以公职身份出现的人员。"
    f"以 =、+、-、@、制表符或回车开头的文本前加了 {TEXT_MARK}，以免电子表格把它当作公式执行；"
    f"{TEXT_MARK} 不属于原文。",
    "All data published on the East–West cooperation transparency portal: projects, "
    "pairings, beneficiaries, figures with the sentence of the source they come from. "
    "Published records only; people only where they appear in a public office. "
    f"A text cell that starts with =, +, -, @, a tab or a carriage return is written "
    f"behind an apostrophe ({TEXT_MARK}), so that spreadsheets show it instead of running it "
    "as a formula: the apostrophe is not part of the text.",
)
TEXT_NOTE = (
    f"开头的 {TEXT_MARK} 是为防止电子表格把文本当作公式执行而加的，不属于原文。",
    f"A leading {TEXT_MARK} was added so that spreadsheets show the text instead of running "
    "it as a formula; it is not part of the text.",
)


def bilingual(zh, en):
    """One text for both readers: the Chinese, then the English where it differs."""
    zh, en = str(zh or ""), str(en or "")
    if not en or en == zh:
        return zh
    if not zh:
        return en
    return f"{zh} / {en}"


@dataclass
class Column:
    """A column of a published table: a stable identifier, its Table Schema type, titles
    and descriptions in Chinese and English, and what the queryset reads for it."""

    name: str
    type: str
    title: tuple
    description: tuple = ("", "")
    lookup: object = None  # a field path or an expression for values_list(); default: name
    required: bool = False
    unique: bool = False
    enum: tuple = ()
    references: str = ""  # the table whose `id` this column holds
    text: bool = False  # free text, neutralised for spreadsheets
    convert: object = None  # a function of the value read, e.g. a public path

    def cell(self, value):
        if self.convert is not None and value is not None:
            value = self.convert(value)
        if value is None:
            return ""
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, str):
            return csv_cell(value) if self.text else value
        if isinstance(value, Decimal):
            return format(value, "f")
        if isinstance(value, datetime.datetime):
            return value.astimezone(datetime.UTC).isoformat().replace("+00:00", "Z")
        return str(value)

    def schema(self):
        description = self.description
        if self.text:
            description = tuple(
                f"{part} {note}".strip() for part, note in zip(description, TEXT_NOTE, strict=True)
            )
        entry = {
            "name": self.name,
            "type": self.type,
            "title": bilingual(*self.title),
            "description": bilingual(*description),
        }
        constraints = {}
        if self.required:
            constraints["required"] = True
        if self.unique:
            constraints["unique"] = True
        if self.enum:
            constraints["enum"] = list(self.enum)
        if constraints:
            entry["constraints"] = constraints
        if not entry["description"]:
            del entry["description"]
        return entry


@dataclass
class Table:
    name: str
    title: tuple
    description: tuple
    queryset: object  # a function giving the published rows
    columns: list
    primary_key: tuple = ("id",)

    @property
    def path(self):
        return f"{self.name}.csv"

    def rows(self):
        """Each row's cells, read CHUNK_ROWS at a time."""
        lookups = [column.lookup or column.name for column in self.columns]
        records = self.queryset().order_by(*self.primary_key).values_list(*lookups)
        for values in records.iterator(chunk_size=CHUNK_ROWS):
            yield [column.cell(value) for column, value in zip(self.columns, values, strict=True)]

    def resource(self):
        foreign_keys = [
            {
                "fields": column.name,
                "reference": {
                    "resource": "" if column.references == self.name else column.references,
                    "fields": "id",
                },
            }
            for column in self.columns
            if column.references
        ]
        schema = {
            "fields": [column.schema() for column in self.columns],
            "primaryKey": list(self.primary_key),
        }
        if foreign_keys:
            schema["foreignKeys"] = foreign_keys
        return {
            "name": self.name,
            "path": self.path,
            "profile": "tabular-data-resource",
            "title": bilingual(*self.title),
            "description": bilingual(*self.description),
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
            "schema": schema,
        }


# Writing -----------------------------------------------------------------------------


def write_csv(table, path):
    """Write the table; gives the number of rows, the bytes and their sha256."""
    count = 0
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow([column.name for column in table.columns])
        for row in table.rows():
            writer.writerow(row)
            count += 1
    return count, path.stat().st_size, file_digest(path)


def file_digest(path):
    digest = hashlib.sha256()
    with path.open("rb") as content:
        for block in iter(lambda: content.read(1 << 16), b""):
            digest.update(block)
    return digest.hexdigest()


def package_sources():
    """The Source records, as the package's sources: title, publisher, date and URL only
    where recorded."""
    for source in Source.objects.order_by("pk").iterator(chunk_size=CHUNK_ROWS):
        entry = {"title": source.title}
        if source.title_en:
            entry["title"] = bilingual(source.title, source.title_en)
        if source.publisher:
            entry["publisher"] = source.publisher
        if source.published_on:
            entry["published_on"] = source.published_on.isoformat()
        if source.url:
            entry["path"] = source.url
        yield entry


def licence_entry():
    name, url = settings.OPEN_DATA_LICENSE_NAME, settings.OPEN_DATA_LICENSE_URL
    if not (name or url):
        return None
    entry = {}
    # The spec's `name` is an Open Definition identifier (CC-BY-4.0); anything else is a title.
    if name and all(char.isascii() and (char.isalnum() or char in "-._") for char in name):
        entry["name"] = name
    elif name:
        entry["title"] = name
    if url:
        entry["path"] = url
    return entry


def package_descriptor(tables, stats, version, created):
    descriptor = {
        "profile": "tabular-data-package",
        "name": PACKAGE_NAME,
        "title": bilingual(*PACKAGE_TITLE),
        "description": bilingual(*PACKAGE_DESCRIPTION),
        "created": created.isoformat().replace("+00:00", "Z"),
        "data_version": version,
    }
    licence = licence_entry()
    if licence:
        descriptor["licenses"] = [licence]
    if settings.OPEN_DATA_PUBLISHER:
        descriptor["contributors"] = [{"title": settings.OPEN_DATA_PUBLISHER, "role": "publisher"}]
    descriptor["sources"] = list(package_sources())
    descriptor["resources"] = []
    for table in tables:
        rows, size, digest = stats[table.name]
        resource = table.resource()
        resource |= {"bytes": size, "hash": f"sha256:{digest}", "rows": rows}
        descriptor["resources"].append(resource)
    return descriptor


@contextmanager
def snapshot():
    """On PostgreSQL, one read-only snapshot for the whole build, so that the tables agree
    with each other and with the recorded data version. SQLite reads without a transaction:
    the portal's SQLite transactions take the write lock (settings.SQLITE_OPTIONS)."""
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            yield
    else:
        yield


def build(directory=None):
    """Write a complete new build and make it current; gives its LastBuild."""
    from cooperation.opendata_tables import build_tables

    root = Path(directory or settings.OPEN_DATA_DIR)
    (root / BUILDS).mkdir(parents=True, exist_ok=True)
    created = timezone.now().replace(microsecond=0)
    target = root / BUILDS / f"{created:%Y%m%dT%H%M%SZ}-{uuid.uuid4().hex[:8]}"
    target.mkdir()
    try:
        # Paths are the Chinese pages' (no language prefix) whatever language is active.
        with translation.override(settings.LANGUAGE_CODE), snapshot():
            version = data_version()  # read first: a change during the build is seen next time
            tables = build_tables()
            stats = {table.name: write_csv(table, target / table.path) for table in tables}
            descriptor = package_descriptor(tables, stats, version, created)
        (target / PACKAGE).write_text(
            json.dumps(descriptor, ensure_ascii=False, indent=2), encoding="utf-8"
        )
        with zipfile.ZipFile(target / ZIP, "w", compression=zipfile.ZIP_DEFLATED) as bundle:
            for name in [PACKAGE, *(table.path for table in tables)]:
                bundle.write(target / name, arcname=name)
    except BaseException:
        shutil.rmtree(target, ignore_errors=True)
        raise
    previous = (root / CURRENT).resolve() if (root / CURRENT).is_symlink() else None
    swap_current(root, target)
    for old in (root / BUILDS).iterdir():
        if old.name != target.name and (previous is None or old.name != previous.name):
            shutil.rmtree(old, ignore_errors=True)
    return last_build(root)


def swap_current(root, target):
    link = root / f".{CURRENT}-{uuid.uuid4().hex[:8]}"
    os.symlink(Path(BUILDS) / target.name, link)
    os.replace(link, root / CURRENT)


# Reading the last build ---------------------------------------------------------------


@dataclass
class Download:
    name: str
    size: int
    media_type: str
    rows: int | None = None
    title: str = ""


@dataclass
class LastBuild:
    directory: Path
    descriptor: dict
    files: list = field(default_factory=list)

    @property
    def created(self):
        return datetime.datetime.fromisoformat(self.descriptor["created"].replace("Z", "+00:00"))

    @property
    def data_version(self):
        return self.descriptor.get("data_version", "")

    @property
    def build_id(self):
        return self.directory.name

    def file(self, name):
        """The download of that name, only if this build wrote it."""
        return next((download for download in self.files if download.name == name), None)


def last_build(directory=None):
    """The current build, or None when nothing has been built (or it cannot be read)."""
    link = Path(directory or settings.OPEN_DATA_DIR) / CURRENT
    try:
        build_dir = link.resolve(strict=True)
        written = (build_dir / PACKAGE).stat().st_mtime_ns
    except OSError:
        return None
    return read_build(build_dir, written)


@functools.lru_cache(maxsize=4)
def read_build(build_dir, written):
    """A build's description, read once per build and process (`written` tells builds apart)."""
    try:
        descriptor = json.loads((build_dir / PACKAGE).read_text(encoding="utf-8"))
        files = [
            Download(
                name=resource["path"],
                size=resource["bytes"],
                media_type="text/csv; charset=utf-8",
                rows=resource["rows"],
                title=resource.get("title", ""),
            )
            for resource in descriptor["resources"]
        ]
        files.append(Download(PACKAGE, (build_dir / PACKAGE).stat().st_size, "application/json"))
        files.append(Download(ZIP, (build_dir / ZIP).stat().st_size, "application/zip"))
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return LastBuild(build_dir, descriptor, files)
