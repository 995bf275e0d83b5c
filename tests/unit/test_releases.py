"""CHANGELOG.md, pyproject.toml and trainer/releases.py name the same releases and revisions."""

import re
import tomllib
from pathlib import Path

from trainer.releases import RELEASES

ROOT = Path(__file__).resolve().parents[2]
VERSIONS_DIR = ROOT / "trainer" / "migrations" / "versions"

HEADING = re.compile(r"^## \[(?P<version>\d+\.\d+\.\d+)\] - \d{4}-\d{2}-\d{2}$")
REVISION = re.compile(r"^Database migration revision: `(?P<revision>[0-9a-f]{12})`$")


def changelog_releases(text: str) -> dict[str, str | None]:
    """Each released heading → the revision its entry names (None when it names none)."""
    releases: dict[str, str | None] = {}
    current = None
    for line in text.splitlines():
        heading = HEADING.match(line)
        if heading:
            current = heading["version"]
            releases[current] = None
        elif line.startswith("## "):
            current = None  # [Unreleased]
        elif current and (revision := REVISION.match(line)):
            releases[current] = revision["revision"]
    return releases


def migration_revisions() -> set[str]:
    found = set()
    for path in VERSIONS_DIR.glob("*.py"):
        match = re.search(r'^revision(?:: str)? = ["\']([0-9a-f]+)["\']', path.read_text(), re.M)
        if match:
            found.add(match[1])
    return found


def test_changelog_and_releases_module_agree():
    changelog = changelog_releases((ROOT / "CHANGELOG.md").read_text(encoding="utf-8"))
    assert changelog == RELEASES
    # Newest first in the changelog, oldest first in the mapping.
    assert list(changelog) == list(reversed(RELEASES))


def test_first_release_is_0_1_0_at_its_revision():
    assert RELEASES["0.1.0"] == "6ebfbf02976d"


def test_every_release_revision_exists():
    revisions = migration_revisions()
    assert "6ebfbf02976d" in revisions  # the parser reads the files
    assert set(RELEASES.values()) <= revisions


def test_pyproject_names_the_newest_release():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["version"] == list(RELEASES)[-1]


def test_the_changelog_parser_reads_what_it_should():
    text = (
        "# Changelog\n\n## [Unreleased]\n\nDatabase migration revision: `aaaaaaaaaaaa`\n\n"
        "## [0.2.0] - 2027-01-01\n\nDatabase migration revision: `bbbbbbbbbbbb`\n\n"
        "## [0.1.0] - 2026-12-06\n\nNo revision line.\n"
    )
    assert changelog_releases(text) == {"0.2.0": "bbbbbbbbbbbb", "0.1.0": None}
