"""Releases: the package version is the CHANGELOG's last release, and releases are tagged."""

from __future__ import annotations

import re
import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
RELEASE = re.compile(r"^## (\d+\.\d+\.\d+) — (\d{4}-\d{2}-\d{2})$", re.MULTILINE)


def test_the_package_version_is_the_last_release_of_the_changelog():
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    releases = RELEASE.findall(changelog)
    assert releases, "no '## X.Y.Z — YYYY-MM-DD' heading in CHANGELOG.md"
    version = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"][
        "version"
    ]
    assert version == releases[0][0]
    # Newest first, each release once, versions going down.
    numbers = [tuple(int(p) for p in v.split(".")) for v, _ in releases]
    assert numbers == sorted(set(numbers), reverse=True)


def test_the_changelog_has_only_an_unreleased_section_above_the_last_release():
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    headings = re.findall(r"^## (.+)$", changelog, re.MULTILINE)
    first_release = next(i for i, h in enumerate(headings) if RELEASE.match(f"## {h}"))
    assert headings[:first_release] in ([], ["Unreleased"])


def test_the_release_policy_is_written_down():
    text = (ROOT / "docs/release.md").read_text(encoding="utf-8")
    assert "git tag -a vX.Y.Z" in text and "Unreleased" in text
    assert "release.md" in (ROOT / "docs/deploy.md").read_text(encoding="utf-8")


def _git(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["git", "-C", str(ROOT), *args], capture_output=True, text=True, check=False
    )


def test_every_release_tag_is_on_a_commit_whose_changelog_names_that_release():
    if shutil.which("git") is None or _git("rev-parse", "--git-dir").returncode != 0:
        pytest.skip("not a git checkout")
    tags = [t for t in _git("tag", "--list", "v*").stdout.split() if t]
    if not tags:
        pytest.skip("no release tag in this clone (docs/release.md says how they are made)")
    for tag in tags:
        assert re.fullmatch(r"v\d+\.\d+\.\d+", tag), f"{tag}: tags are vX.Y.Z"
        assert _git("cat-file", "-t", tag).stdout.strip() == "tag", f"{tag} is not annotated"
        changelog = _git("show", f"{tag}:CHANGELOG.md").stdout
        releases = RELEASE.findall(changelog)
        assert releases and releases[0][0] == tag[1:], f"{tag}: its CHANGELOG's newest release"
