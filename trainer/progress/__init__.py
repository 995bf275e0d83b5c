"""One truth of progress: where each person stands on each course.

Ask for one person (`standing_of`) or for many at once (`standings`, a fixed number of
queries whatever the number of people); both give the same frozen `Standing`: lessons read
in the current certification cycle, the theory exam, the practical and attitude parts, the
certificate (with its cycle, expiry and revocation) and what the person must do next.

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
    READ,
    RETRAIN,
    TAKE_EXAM,
    WAIT,
    AssessedState,
    AttemptState,
    CertificateState,
    Cycle,
    ExamState,
    LiveCourse,
    Part,
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
    "READ",
    "RETRAIN",
    "TAKE_EXAM",
    "WAIT",
    "AssessedState",
    "AttemptState",
    "CertificateState",
    "Cycle",
    "ExamState",
    "LiveCourse",
    "Part",
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
    ):
        self.courses = courses
        self.now = now
        self._histories = found
        self._standings: dict[tuple[int, int], Standing] = {}
        self._blanks: dict[int, Standing] = {}

    def __getitem__(self, key: tuple[int, int]) -> Standing:
        """The standing of (user id, course id); KeyError when the course is not live."""
        known = self._standings.get(key)
        if known is None:
            user_id, course_id = key
            course = self.courses[course_id]
            history = self._histories.get(key)
            if history is None:  # nothing recorded: the course's blank standing, theirs
                known = replace(self._blank(course), user_id=user_id)
            else:
                known = rules.standing(user_id, course, history, self.now)
            self._standings[key] = known
        return known

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
        return list(self._histories)


def standings(
    people: People, course_ids: Iterable[int] | None = None, now: datetime | None = None
) -> Standings:
    """Standings of everyone in `people` (user ids, or a SELECT of user ids) on the live
    courses (all of them, or those in `course_ids`): eight queries, however many people."""
    courses = live_courses(course_ids)
    return Standings(courses, histories(people, courses), now or utcnow())


def standing_of(user_id: int, course_id: int, now: datetime | None = None) -> Standing | None:
    """Where one person stands on one course; None when the course has no live version."""
    return standings([user_id], [course_id], now).get(user_id, course_id)
