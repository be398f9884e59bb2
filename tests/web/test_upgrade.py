"""The upgrade path: a database made by the previous release migrates, keeps its data, verifies."""

from __future__ import annotations

import gzip
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from web.live import CLI, SQLITE_SUBPROCESSES, clean_env

pytestmark = SQLITE_SUBPROCESSES

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
RELEASES = sorted(p for p in FIXTURES.glob("release-*") if p.is_dir())

COUNT = """
import os, json
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "depositaire.web.settings")
import django
django.setup()
from django.apps import apps
from depositaire.web.accounts.models import User
from depositaire.web.cases.models import InformationItem, Person
from depositaire.web.crypto import sealed_fields, unseal
from depositaire.web.journal.models import JournalEntry
opened = 0
for sealed in sealed_fields():
    model = apps.get_model(sealed.model_label)
    for obj in model._base_manager.exclude(**{sealed.field: ""}):
        unseal(getattr(obj, sealed.field), context=sealed.context(obj))
        opened += 1
print(json.dumps({"persons": Person.objects.count(), "items": InformationItem.objects.count(),
                  "users": User.objects.count(), "journal_entries": JournalEntry.objects.count(),
                  "opened": opened}))
"""


def install(release: Path, folder: Path) -> None:
    keys = folder / "keys"
    keys.mkdir(parents=True, mode=0o700)
    with (
        gzip.open(release / "depositaire.sqlite3.gz") as src,
        (folder / "depositaire.sqlite3").open("wb") as dst,
    ):
        shutil.copyfileobj(src, dst)
    for key in (release / "keys").iterdir():
        shutil.copyfile(key, keys / key.name)
        (keys / key.name).chmod(0o644 if key.suffix == ".pub" else 0o600)


@pytest.mark.parametrize("release", RELEASES, ids=[p.name for p in RELEASES])
def test_a_database_of_the_previous_release_migrates_and_keeps_its_data_and_journal(
    release: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "data"
    install(release, folder)
    env = clean_env(DEPOSITAIRE_DATA_DIR=str(folder))
    migrated = subprocess.run(
        [*CLI, "migrate"], env=env, capture_output=True, text=True, timeout=300, check=False
    )
    assert migrated.returncode == 0, migrated.stderr
    assert "Base de données à jour" in migrated.stdout
    counted = subprocess.run(
        [sys.executable, "-c", COUNT],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert counted.returncode == 0, counted.stderr
    found = json.loads(counted.stdout.strip().splitlines()[-1])
    expected = json.loads((release / "expected.json").read_text())
    assert {k: found[k] for k in expected} == expected
    assert found["opened"] > 0  # every sealed value of the old database opens
    verified = subprocess.run(
        [*CLI, "journal", "verify"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert f"{expected['journal_entries']} entrées" in " ".join(verified.stdout.split())
