"""The released versions and the database migration revision each one ships with.

One truth: CHANGELOG.md names the same revision under each release (a test checks that they
agree and that every revision exists in trainer/migrations/versions), and the upgrade test
fills a database at each release's revision and upgrades it to head. Add a release here, in
order, oldest first, when it is named in pyproject.toml and CHANGELOG.md.
"""

RELEASES: dict[str, str] = {
    "0.1.0": "6ebfbf02976d",
}
