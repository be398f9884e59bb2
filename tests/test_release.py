"""Releases: the package version is the CHANGELOG's last release, and releases are tagged."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

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
    text = (ROOT / "docs/deploy.md").read_text(encoding="utf-8")
    assert "git tag -a v" in text and "Unreleased" in text
