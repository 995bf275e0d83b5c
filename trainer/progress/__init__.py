"""One truth of progress: where each person stands on each course.

Ask for one person (`standing_of`) or for many at once (`standings`, a fixed number of
queries whatever the number of people); both give the same frozen `Standing`: lessons read
in the current certification cycle, the theory exam, the practical and attitude parts, the
certificate (with its cycle, expiry and revocation), what is still missing before the exam
opens (`Standing.exam_gate`: unread lessons, prerequisites not passed) and what the person
must do next.

The course page, the training page, plans, reports, reminders, career levels and the
certificate-issuing decision all read from here. Nothing here writes.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import replace
from datetime import datetime

from trainer.models import utcnow
from trainer.progress import rules
from trainer.progress.model import (
    ATTITUDE,
    CERTIFICATE,
    CONTINUE_EXAM,
    DONE,
    FAILED,
    PASSED,
    PENDING,
    PRACTICAL,
    PREREQUISITE,
    READ,
    RETRAIN,
    TAKE_EXAM,
    WAIT,
    AssessedState,
    AttemptState,
    CertificateState,
    Cycle,
    ExamGate,
    ExamState,
    LiveCourse,
    Part,
    PrerequisiteState,
    Standing,
)
from trainer.progress.queries import People, histories, live_courses

__all__ = [
    "ATTITUDE",
    "CERTIFICATE",
    "CONTINUE_EXAM",
    "DONE",
    "FAILED",
    "PASSED",
    "PENDING",
    "PRACTICAL",
    "PREREQUISITE",
    "READ",
    "RETRAIN",
    "TAKE_EXAM",
    "WAIT",
    "AssessedState",
    "AttemptState",
    "CertificateState",
    "Cycle",
    "ExamGate",
    "ExamState",
    "LiveCourse",
    "Part",
    "PrerequisiteState",
    "Standing",
    "Standings",
    "live_courses",
    "standing_of",
    "standings",
]


class Standings:
    """The standings of many people on many courses; each is worked out when first asked."""

    def __init__(
        self,
        courses: dict[int, LiveCourse],
        found: dict[tuple[int, int], rules.History],
        now: datetime,
        prerequisite_courses: dict[int, LiveCourse] | None = None,
    ):
        self.courses = courses
        self.now = now
        # Prerequisites are looked up by slug among the courses asked for and the others
        # loaded for their sake (whose standings are not part of this answer).
        self._by_slug = {
            course.slug: course
            for course in (*(prerequisite_courses or {}).values(), *courses.values())
        }
        self._histories = found
        self._standings: dict[tuple[int, int], Standing] = {}
        self._passed: dict[tuple[int, int], bool] = {}  # prerequisites, by (user, course)
        self._blanks: dict[int, Standing] = {}

    def __getitem__(self, key: tuple[int, int]) -> Standing:
        """The standing of (user id, course id); KeyError when the course is not live."""
        known = self._standings.get(key)
        if known is None:
            user_id, course_id = key
            course = self.courses[course_id]
            history = self._histories.get(key)
            missing = self._missing_prerequisites(user_id, course)
            if history is None and not missing:  # nothing recorded: the blank standing, theirs
                known = replace(self._blank(course), user_id=user_id)
            else:
                known = rules.standing(user_id, course, history or rules.EMPTY, self.now, missing)
            self._standings[key] = known
        return known

    def _missing_prerequisites(
        self, user_id: int, course: LiveCourse
    ) -> tuple[PrerequisiteState, ...]:
        """The course's prerequisites this person has not passed; a prerequisite without a
        live course is left out (nobody could pass it)."""
        if not (course.theory_required and course.exam_requires_prerequisites):
            return ()
        missing = []
        for slug in course.prerequisites:
            prerequisite = self._by_slug.get(slug)
            if prerequisite is None:
                continue
            if not self._prerequisite_passed(user_id, prerequisite):
                missing.append(PrerequisiteState(prerequisite.id, slug, prerequisite.title))
        return tuple(missing)

    def _prerequisite_passed(self, user_id: int, prerequisite: LiveCourse) -> bool:
        key = (user_id, prerequisite.id)
        passed = self._passed.get(key)
        if passed is None:
            history = self._histories.get(key, rules.EMPTY)
            # Passing a course never depends on its own exam gate: no recursion needed.
            found = rules.standing(user_id, prerequisite, history, self.now)
            passed = self._passed[key] = rules.prerequisite_passed(found)
        return passed

    def _blank(self, course: LiveCourse) -> Standing:
        blank = self._blanks.get(course.id)
        if blank is None:
            blank = self._blanks[course.id] = rules.standing(0, course, rules.EMPTY, self.now)
        return blank

    def get(self, user_id: int, course_id: int) -> Standing | None:
        if course_id not in self.courses:
            return None
        return self[(user_id, course_id)]

    def of_person(self, user_id: int) -> Iterator[Standing]:
        """One person's standings, in catalogue order."""
        for course_id in self.courses:
            yield self[(user_id, course_id)]

    def touched(self, user_id: int, course_id: int) -> bool:
        """Whether anything at all is recorded for this person on this course."""
        return (user_id, course_id) in self._histories

    def touched_keys(self) -> list[tuple[int, int]]:
        """(user id, course id) of every pair with anything recorded."""
        return [key for key in self._histories if key[1] in self.courses]


def standings(
    people: People, course_ids: Iterable[int] | None = None, now: datetime | None = None
) -> Standings:
    """Standings of everyone in `people` (user ids, or a SELECT of user ids) on the live
    courses (all of them, or those in `course_ids`): eight queries (ten when prerequisites
    outside `course_ids` are read), however many people."""
    courses = live_courses(course_ids)
    # The exam gate needs the prerequisites' standings too (two more queries when some
    # prerequisite is not among the courses asked for).
    needed = {
        slug
        for course in courses.values()
        if course.theory_required and course.exam_requires_prerequisites
        for slug in course.prerequisites
    } - {course.slug for course in courses.values()}
    extra = live_courses(slugs=needed) if needed and course_ids is not None else {}
    found = histories(people, {**courses, **extra})
    return Standings(courses, found, now or utcnow(), extra)


def standing_of(user_id: int, course_id: int, now: datetime | None = None) -> Standing | None:
    """Where one person stands on one course; None when the course has no live version."""
    return standings([user_id], [course_id], now).get(user_id, course_id)
