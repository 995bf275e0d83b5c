"""The one action that moves a person forward, for the top of their home page.

It is read from trainer.progress (Standing.next_step) over the courses assigned to them
(onboarding first, then the others, most urgent first): the first course where they can act
now wins; when they can only wait, the first wait is shown; when everything is done, their
newest certificate. Nothing here writes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from trainer.hr.plans.training import training_of
from trainer.models import User
from trainer.progress import (
    ATTITUDE,
    CERTIFICATE,
    CONTINUE_EXAM,
    DONE,
    PRACTICAL,
    PREREQUISITE,
    READ,
    RETRAIN,
    TAKE_EXAM,
    WAIT,
    Standing,
)

# What the home page offers: the person can do it now, or can only wait for it.
ACT_NOW = (CONTINUE_EXAM, RETRAIN, READ, TAKE_EXAM, PREREQUISITE)
WAIT_FOR = (WAIT, PRACTICAL, ATTITUDE, CERTIFICATE)


@dataclass(frozen=True)
class NextAction:
    step: str  # a trainer.progress next step, or "browse" when nothing is assigned
    slug: str | None = None
    title: str | None = None
    lesson: int | None = None  # READ / RETRAIN: the lesson to open
    started: bool = False  # READ: some lesson of this cycle is read already
    attempt_id: int | None = None  # CONTINUE_EXAM
    prerequisite_slug: str | None = None  # PREREQUISITE: the course to pass first
    prerequisite_title: str | None = None
    opens_at: object = None  # WAIT: when the next attempt opens
    certificate_id: int | None = None  # DONE: the certificate to download

    @property
    def waiting(self) -> bool:
        return self.step in WAIT_FOR


def _action(standing: Standing) -> NextAction:
    course, step = standing.course, standing.next_step
    base = {"step": step, "slug": course.slug, "title": course.title}
    if step == READ:
        unread = [n for n in course.lesson_numbers if n not in standing.lessons_read]
        return NextAction(
            **base, lesson=unread[0] if unread else None, started=bool(standing.lessons_read)
        )
    if step == RETRAIN:
        return NextAction(**base, lesson=standing.exam.lessons_to_reread[0])
    if step == CONTINUE_EXAM:
        return NextAction(**base, attempt_id=standing.exam.open_attempt_id)
    if step == PREREQUISITE:
        first = standing.exam_gate.prerequisites[0]
        return NextAction(**base, prerequisite_slug=first.slug, prerequisite_title=first.title)
    if step == WAIT:
        return NextAction(**base, opens_at=standing.exam.quiz.opens_at)
    if step == DONE and standing.cycle.certificate is not None:
        return NextAction(**base, certificate_id=standing.cycle.certificate.id)
    return NextAction(**base)


def choose(standings: list[Standing]) -> NextAction:
    """The first course (in the order given) the person can act on now; else the first
    they wait for; else the newest certificate they hold; else: browse the courses."""
    for steps in ((CONTINUE_EXAM,), ACT_NOW, WAIT_FOR):
        for standing in standings:
            if standing.next_step in steps:
                return _action(standing)
    done = [s for s in standings if s.next_step == DONE and s.cycle.certificate is not None]
    if done:
        return _action(max(done, key=lambda s: s.cycle.certificate.issued_at))
    return NextAction("browse")


def next_action(person: User, today: date) -> NextAction:
    """The home page's next step for `person`: onboarding courses first."""
    training = training_of(person, today)
    onboarding = [view.standing for view in training.onboarding]
    others = [
        view.standing
        for view in training.assignments
        if view.course.id not in {s.course_id for s in onboarding}
    ]
    return choose(onboarding + others)
