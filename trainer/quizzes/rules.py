"""The retake rules and the draw, as plain functions of plain values (no database here).

A round is a run of attempts (attempts_per_round of them, plus any extra ones granted).
When a round is used up without a pass, the learner re-reads every lesson (retraining) and a
new round opens. Between two attempts there is always the course's wait.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from trainer.content import Question
from trainer.content.question_types import type_of

PASSED, IN_PROGRESS, CAN_START, WAIT, RETRAIN = (
    "passed",
    "in_progress",
    "can_start",
    "wait",
    "retrain",
)


@dataclass(frozen=True)
class AttemptSummary:
    round_number: int
    attempt_number: int
    graded_at: datetime | None  # None while the attempt is open
    passed: bool | None
    percent: float | None
    used_grant: bool = False


@dataclass(frozen=True)
class RetakeSettings:
    attempts_per_round: int
    wait_minutes: int
    score_counts: str = "best"  # best | last


@dataclass(frozen=True)
class QuizState:
    kind: str  # PASSED, IN_PROGRESS, CAN_START, WAIT or RETRAIN
    round_number: int  # of the next attempt
    attempt_number: int  # of the next attempt, within its round
    attempts_left: int  # in the current round, extra grants included
    opens_at: datetime | None = None  # WAIT: when the next attempt may start
    uses_grant: bool = False  # the next attempt spends an extra-attempt grant
    counted_percent: float | None = None


def counted_percent(attempts: Sequence[AttemptSummary], rule: str) -> float | None:
    graded = [a for a in attempts if a.graded_at is not None]
    if not graded:
        return None
    if rule == "last":
        return max(graded, key=lambda a: a.graded_at).percent
    return max(a.percent for a in graded)


def quiz_state(
    attempts: Sequence[AttemptSummary],
    settings: RetakeSettings,
    now: datetime,
    unused_grants: int,
    lessons_reread_at: datetime | None,
    first_round: int = 1,
) -> QuizState:
    """What the learner may do next.

    `lessons_reread_at`: when the learner had last read every lesson of the course (the
    oldest of their latest reads), or None if some lesson is unread. `first_round`: the
    number a cycle's first round gets (recertification continues the numbering).
    """
    score = counted_percent(attempts, settings.score_counts)
    if any(a.passed for a in attempts):
        return QuizState(PASSED, 0, 0, 0, counted_percent=score)
    open_attempt = next((a for a in attempts if a.graded_at is None), None)
    if open_attempt is not None:
        return QuizState(
            IN_PROGRESS,
            open_attempt.round_number,
            open_attempt.attempt_number,
            0,
            counted_percent=score,
        )
    if not attempts:
        return QuizState(CAN_START, first_round, 1, settings.attempts_per_round + unused_grants)

    current_round = max(a.round_number for a in attempts)
    in_round = [a for a in attempts if a.round_number == current_round]
    normal_used = sum(1 for a in in_round if not a.used_grant)
    normal_left = max(settings.attempts_per_round - normal_used, 0)
    last_graded_at = max(a.graded_at for a in in_round)
    opens_at = last_graded_at + timedelta(minutes=settings.wait_minutes)

    if normal_left or unused_grants:
        state = QuizState(
            CAN_START,
            current_round,
            len(in_round) + 1,
            normal_left + unused_grants,
            uses_grant=not normal_left,
            counted_percent=score,
        )
    elif lessons_reread_at is not None and lessons_reread_at > last_graded_at:
        state = QuizState(
            CAN_START, current_round + 1, 1, settings.attempts_per_round, counted_percent=score
        )
    else:
        return QuizState(RETRAIN, current_round + 1, 1, 0, counted_percent=score)
    if now < opens_at:
        return QuizState(
            WAIT,
            state.round_number,
            state.attempt_number,
            state.attempts_left,
            opens_at=opens_at,
            uses_grant=state.uses_grant,
            counted_percent=score,
        )
    return state


def draw_questions(
    bank: Sequence[Question], count: int, tag_quotas: dict[str, int], rng: random.Random
) -> list[Question]:
    """Pick `count` questions: first each tag's quota, then at random from the rest."""
    chosen: list[Question] = []
    for tag, quota in sorted(tag_quotas.items()):
        candidates = [q for q in bank if tag in q.tags and q not in chosen]
        chosen.extend(rng.sample(candidates, min(quota, len(candidates))))
    remaining = [q for q in bank if q not in chosen]
    chosen.extend(rng.sample(remaining, max(0, min(count - len(chosen), len(remaining)))))
    rng.shuffle(chosen)
    return chosen[:count]


def freeze_question(question: Question, rng: random.Random) -> dict:
    """How one drawn question is shown in this attempt; kept server-side in the attempt.

    The page only ever sees the tokens, never the keys the bank's answers use.
    """
    return {"id": question.id, **type_of(question).freeze(question, rng)}
