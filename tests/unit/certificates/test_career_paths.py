"""Career-path rules over the fixture paths (tests/fixtures/paths): requirements that depend on
the person's position, a level of another track held for some months, and what the path
checker says about courses that do not exist."""

from __future__ import annotations

import shutil
from datetime import datetime
from pathlib import Path

import pytest

from trainer.certificates.service import _levels
from trainer.content.paths import load_paths
from trainer.models import Certificate

FIXTURE_PATHS = Path(__file__).resolve().parents[2] / "fixtures" / "paths"
COURSES = {
    "onboarding",
    "service-standards",
    "reception-sop",
    "sales-seven-steps",
    "tour-guide-basics",
    "tour-guide",
    "communication-listening",
    "service-mindset",
    "rostering-planning",
}
NOW = datetime(2026, 12, 7, 9, 0)


@pytest.fixture
def catalogue():
    loaded = load_paths(FIXTURE_PATHS, COURSES)
    assert loaded.problems == []
    return loaded


def level_of(tracks, level_id):
    return next(p for levels in tracks for p in levels if p.level.id == level_id)


def certified(*slugs):
    return dict.fromkeys(slugs, object())


def held(level_id, issued_at):
    return {level_id: Certificate(level_id=level_id, issued_at=issued_at)}


# --- requirements by position --------------------------------------------------------------


def test_receptionist_needs_the_reception_sop_and_not_the_store_course(catalogue):
    tracks = _levels(catalogue, {}, certified("onboarding", "service-standards"), NOW, "front-desk")
    junior = level_of(tracks, "junior-specialist")

    assert junior.missing == ("reception-sop",)
    assert not junior.complete
    tracks = _levels(
        catalogue,
        {},
        certified("onboarding", "service-standards", "reception-sop"),
        NOW,
        "front-desk",
    )
    assert level_of(tracks, "junior-specialist").complete


def test_sales_associate_needs_the_seven_steps_and_not_the_reception_sop(catalogue):
    tracks = _levels(
        catalogue,
        {},
        certified("onboarding", "service-standards", "reception-sop"),
        NOW,
        "sales-associate",
    )
    junior = level_of(tracks, "junior-specialist")

    assert junior.done == ("onboarding", "service-standards")
    assert junior.missing == ("sales-seven-steps",)
    assert not junior.complete


def test_a_position_with_two_own_courses_needs_both(catalogue):
    tracks = _levels(
        catalogue,
        {},
        certified("onboarding", "service-standards", "tour-guide-basics"),
        NOW,
        "tour-guide",
    )

    assert level_of(tracks, "junior-specialist").missing == ("tour-guide",)


@pytest.mark.parametrize("position", [None, "station-agent"])
def test_a_person_without_a_position_the_track_names_is_told_to_ask_hr(catalogue, position):
    tracks = _levels(
        catalogue, {}, certified("onboarding", "service-standards", "reception-sop"), NOW, position
    )
    junior = level_of(tracks, "junior-specialist")

    assert junior.position_missing
    assert not junior.complete and not junior.ready
    # A level that does not depend on the position is not affected.
    assert not level_of(tracks, "team-leader").position_missing


# --- a level of another track, held for six months -----------------------------------------

MID_SINCE = datetime(2026, 1, 15, 9, 0)
TEAM_LEADER_COURSES = certified("service-mindset", "communication-listening")


@pytest.mark.parametrize(
    ("now", "eligible"),
    [
        (datetime(2026, 7, 14, 9, 0), False),  # 5 months 29 days as 中级服务专员
        (datetime(2026, 7, 15, 8, 59), False),  # a minute short of 6 months
        (datetime(2026, 7, 15, 9, 0), True),  # 6 months exactly
        (datetime(2026, 7, 16, 9, 0), True),
    ],
)
def test_team_leader_needs_six_months_as_mid_specialist(catalogue, now, eligible):
    tracks = _levels(catalogue, held("mid-specialist", MID_SINCE), TEAM_LEADER_COURSES, now)
    leader = level_of(tracks, "team-leader")

    assert leader.complete is eligible
    assert leader.eligible_from == datetime(2026, 7, 15, 9, 0)


def test_team_leader_courses_alone_in_the_first_week_are_not_enough(catalogue):
    tracks = _levels(catalogue, {}, TEAM_LEADER_COURSES, NOW)
    leader = level_of(tracks, "team-leader")

    assert leader.missing == () and not leader.months_ok and not leader.complete


# --- the path checker ------------------------------------------------------------------------


def test_a_course_that_does_not_exist_is_a_clear_error_and_the_track_is_not_used(tmp_path):
    shutil.copytree(FIXTURE_PATHS, tmp_path, dirs_exist_ok=True)

    loaded = load_paths(tmp_path, COURSES - {"reception-sop", "rostering-planning"})

    codes = {(p.file, p.code) for p in loaded.problems}
    assert codes == {
        ("paths/specialist.md", "path-position-course-missing"),
        ("paths/management.md", "path-course-missing"),
    }
    reception = next(p for p in loaded.problems if p.code == "path-position-course-missing")
    assert reception.line == 5  # front-desk: [reception-sop]
    assert "reception-sop" in reception.message("zh") and "不存在" in reception.message("zh")
    # A track with an error is not used; the management track also needs mid-specialist,
    # which now no loaded track has.
    assert [track.slug for track in loaded.tracks] == []


def test_a_required_level_no_track_has_is_an_error(tmp_path):
    (tmp_path / "paths").mkdir()
    shutil.copy(FIXTURE_PATHS / "paths" / "management.md", tmp_path / "paths")

    loaded = load_paths(tmp_path, COURSES)

    [problem] = loaded.problems
    assert (problem.code, problem.line) == ("path-required-level-missing", 8)
    assert "mid-specialist" in problem.message("en")
    assert loaded.tracks == ()


def test_own_position_courses_without_a_mapping_is_an_error(tmp_path):
    (tmp_path / "paths").mkdir()
    text = (FIXTURE_PATHS / "paths" / "specialist.md").read_text(encoding="utf-8")
    mapping = text[text.index("position_courses:") : text.index("levels:")]
    (tmp_path / "paths" / "specialist.md").write_text(text.replace(mapping, ""), encoding="utf-8")

    loaded = load_paths(tmp_path, COURSES)

    assert [p.code for p in loaded.problems] == ["path-position-courses-missing"]


def test_an_unknown_position_code_is_a_warning(tmp_path):
    (tmp_path / "paths").mkdir()
    text = (FIXTURE_PATHS / "paths" / "specialist.md").read_text(encoding="utf-8")
    text = text.replace("  front-desk: [reception-sop]", "  reception: [reception-sop]")
    (tmp_path / "paths" / "specialist.md").write_text(text, encoding="utf-8")

    loaded = load_paths(tmp_path, COURSES)

    [problem] = loaded.problems
    assert (problem.code, problem.severity) == ("path-position-unknown", "warning")
    assert [track.slug for track in loaded.tracks] == ["specialist"]


# --- the shipped tracks ----------------------------------------------------------------------

SHIPPED = Path(__file__).resolve().parents[3] / "content"
# The courses the shipped tracks name (some are written in parallel and may not be in
# content/courses yet): the structure is checked here, the slugs by `content check`.
SHIPPED_SLUGS = {
    "onboarding", "service-standards", "appearance-courtesy", "service-smile",
    "communication-listening", "first-asked-responsibility", "complaint-sop",
    "emotions-stress", "reception-sop", "sales-seven-steps", "property-service",
    "tour-guide", "tour-guide-basics", "station-duty-officer", "phone-online-etiquette",
    "service-mindset", "service-quality-improvement", "service-process-design",
    "rostering-planning", "violations-appeals", "coaching-demonstration", "quality-safety",
}  # fmt: skip


def test_shipped_tracks_follow_the_rules():
    loaded = load_paths(SHIPPED, SHIPPED_SLUGS)

    assert loaded.problems == []
    specialist = next(t for t in loaded.tracks if t.track == "specialist")
    management = next(t for t in loaded.tracks if t.track == "management")
    assert [level.id for level in specialist.levels] == [
        "junior-specialist",
        "mid-specialist",
        "senior-specialist",
        "service-mentor",
    ]
    assert [level.id for level in management.levels] == ["team-leader", "supervisor", "manager"]
    senior = specialist.level("senior-specialist")
    receptionist = specialist.requirements(senior, "front-desk")
    assert "reception-sop" in receptionist and "sales-seven-steps" not in receptionist
    assert specialist.requirements(senior, "tour-guide")[-2:] == ("tour-guide-basics", "tour-guide")
    assert specialist.level("service-mentor").requires == ("coaching-demonstration",)
    leader = management.level("team-leader")
    assert (leader.requires_level, leader.min_months_in_required_level) == ("mid-specialist", 6)
    no_site_courses = {"reception-sop", "sales-seven-steps", "property-service", "tour-guide"}
    assert not no_site_courses & set(management.level("manager").requires)


def test_a_track_left_out_leaves_out_the_tracks_that_require_its_levels(tmp_path):
    folder = tmp_path / "paths"
    folder.mkdir()
    level = (
        "  - id: {id}\n    title: {id}\n    requires: [onboarding]\n    requires_level: {needs}\n"
    )
    for name, level_id, needs in (("a", "a-1", "b-1"), ("b", "b-1", "c-1")):
        (folder / f"{name}.md").write_text(
            f"---\ntitle: {name}\ntrack: management\nlevels:\n"
            + level.format(id=level_id, needs=needs)
            + "---\n",
            encoding="utf-8",
        )

    loaded = load_paths(tmp_path, COURSES)

    assert loaded.tracks == ()
    assert sorted((p.file, p.params["required"]) for p in loaded.problems) == [
        ("paths/a.md", "b-1"),
        ("paths/b.md", "c-1"),
    ]
