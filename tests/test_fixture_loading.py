"""Loading the fixtures: all at once, again without change, and never half of a bad file."""

import json
import re
import shutil
from collections import Counter
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.management import CommandError, call_command

from cooperation.models import Project

FIXTURE_DIR = Path(settings.BASE_DIR) / "fixtures"
FIXTURES = sorted(str(path) for path in FIXTURE_DIR.glob("*.json"))
LAST_FILE = "05_figures_indicators_events.json"


def row_counts():
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


def article_rows():
    """Every row of the domain app, serialised, to compare whole databases."""
    rows = []
    for model in apps.get_app_config("cooperation").get_models():
        rows.append(serializers.serialize("json", model._default_manager.order_by("pk")))
    return rows


def load(*paths):
    call_command("loaddata", *paths, verbosity=0)


def objects_in_files():
    counts = Counter()
    for path in FIXTURES:
        for obj in json.loads(Path(path).read_text(encoding="utf-8")):
            counts[obj["model"]] += 1
    return counts


def broken_copy(tmp_path, breakage):
    """The fixtures copied to tmp_path, the last object of the last file broken."""
    for path in FIXTURES:
        shutil.copy(path, tmp_path)
    last = tmp_path / LAST_FILE
    objects = json.loads(last.read_text(encoding="utf-8"))
    assert objects[-1]["model"] == "cooperation.event"
    objects[-1]["fields"].update(breakage)
    last.write_text(json.dumps(objects, ensure_ascii=False), encoding="utf-8")
    return sorted(str(path) for path in tmp_path.glob("*.json")), last, objects[-1]["pk"]


def test_fixtures_are_split_by_area():
    assert [Path(path).name for path in FIXTURES] == [
        "01_sources_regions.json",
        "02_organizations_people.json",
        "03_pairings.json",
        "04_projects.json",
        LAST_FILE,
    ]


def test_one_call_loads_every_object_of_the_files(db):
    load(*FIXTURES)
    for label, count in objects_in_files().items():
        model = apps.get_model(label)
        assert model._default_manager.count() == count, label


def test_loading_again_changes_nothing(db):
    load(*FIXTURES)
    counts, rows = row_counts(), article_rows()
    load(*FIXTURES)
    assert row_counts() == counts
    assert article_rows() == rows


BREAKAGES = {
    "a value that is not a date": {"date": "2023-13-45"},
    "a date the database refuses": {"date": "1999-12-31"},
    "a reference that is not a key": {"project": "教育帮扶"},
}


@pytest.mark.parametrize("breakage", BREAKAGES.values(), ids=BREAKAGES.keys())
def test_broken_fixture_is_refused_naming_file_and_object(db, tmp_path, breakage):
    paths, broken_file, pk = broken_copy(tmp_path, breakage)
    before = row_counts()
    with pytest.raises(Exception) as refusal:
        load(*paths)
    message = str(refusal.value)
    assert str(broken_file) in message
    assert "cooperation.event" in message.lower()
    assert f"pk={pk}" in message
    assert row_counts() == before


def test_broken_fixture_leaves_loaded_data_exactly_as_it_was(db, tmp_path):
    load(*FIXTURES)
    counts, rows = row_counts(), article_rows()
    paths, broken_file, _pk = broken_copy(tmp_path, {"date": "2023-13-45"})
    # Before the broken object come changed and new objects, in its file and in others.
    objects = json.loads(broken_file.read_text(encoding="utf-8"))
    objects[0]["fields"]["note"] = "改过的说明"
    figure = next(obj for obj in objects if obj["model"] == "cooperation.figure")
    objects.insert(-1, {**figure, "pk": 9999})
    broken_file.write_text(json.dumps(objects, ensure_ascii=False), encoding="utf-8")
    first = tmp_path / "01_sources_regions.json"
    sources = json.loads(first.read_text(encoding="utf-8"))
    sources[0]["fields"]["title"] = "改过的标题"
    first.write_text(json.dumps(sources, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(Exception, match=re.escape(str(broken_file))):
        load(*paths)
    assert row_counts() == counts
    assert article_rows() == rows


def test_dangling_reference_is_refused_naming_file_and_object(db, tmp_path):
    paths, broken_file, pk = broken_copy(tmp_path, {"project": 999999})
    before = row_counts()
    with pytest.raises(CommandError) as refusal:
        load(*paths)
    message = str(refusal.value)
    assert str(broken_file) in message
    assert f"cooperation.event(pk={pk})" in message
    assert "cooperation.project(pk=999999)" in message
    assert row_counts() == before


def test_make_run_loads_the_fixtures_into_an_empty_database_only(db, capsys):
    call_command("load_fixtures", verbosity=0)
    assert Project.objects.exists()
    project = Project.objects.first()
    project.title = "管理员改过的标题"
    project.save()
    counts = row_counts()

    call_command("load_fixtures")

    assert "not reloaded" in capsys.readouterr().out
    assert row_counts() == counts
    project.refresh_from_db()
    assert project.title == "管理员改过的标题"
