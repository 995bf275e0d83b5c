"""What people read when an assessment action is refused, and labels of codes."""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l

from trainer.assessments.errors import AssessmentError
from trainer.i18n import format_moment

OUTCOME_LABELS = {
    "passed": _l("Passed"),
    "failed": _l("Not passed"),
    "pending": _l("Not assessed yet"),
}
MESSAGES = {
    "self": _l("You cannot assess yourself. Another assessor must do it."),
    "inactive": _l("%(name)s's account is deactivated, so they cannot be assessed."),
    "out-of-scope": _l(
        "%(name)s is not in the departments you assess. If you should assess "
        "them, ask HR to assign you to their department."
    ),
    "no-checklist": _l("This course has no checklist of that kind."),
    "bad-choice": _l("Choose the checklist and how it was observed from the lists."),
    "place-missing": _l("Write where it was observed, e.g. the store and the area."),
    "too-long": _l("That text is too long: at most %(num)d characters."),
    "future-date": _l("The date observed cannot be in the future."),
    "retake-wait": _l(
        "The last result was a fail; the next assessment is possible from %(opens_at)s."
    ),
    "not-your-draft": _l("This assessment belongs to another assessor."),
    "already-submitted": _l(
        "This result has been submitted and can no longer be changed. If "
        "it is wrong, the learner can appeal; a correction is kept as a "
        "new record."
    ),
    "invalid-score": _l("These items have a score that is not on their scale: %(items)s."),
    "missing-scores": _l("Score every item before you submit. Not scored yet: %(items)s."),
    "not-your-result": _l("Only the learner whose result this is can appeal it."),
    "not-submitted": _l("This result has not been submitted yet."),
    "appeal-open": _l("There is already an open appeal on this result; wait for its decision."),
    "appeal-decided": _l("The appeal on this result has been decided; the decision is final."),
    "nothing-to-appeal": _l("This result is a pass; there is nothing to appeal."),
    "appeal-too-late": _l("The time to appeal this result ended on %(deadline)s."),
    "reason-missing": _l("Write why you appeal."),
    "appeal-closed": _l("This appeal has already been decided."),
    "own-assessment": _l("You scored this result, so someone else must decide its appeal."),
    "own-appeal": _l("You cannot decide your own appeal."),
    "not-allowed": _l(
        "Only HR or an assessor responsible for this learner can decide this appeal."
    ),
    "decision-reason-missing": _l("Write the reasons for the decision."),
    "not-an-assessor": _l("%(name)s does not have the assessor role."),
    "already-assigned": _l("%(name)s already assesses %(department)s."),
}
# Refusals about who is acting, not what they typed.
FORBIDDEN = {
    "self",
    "inactive",
    "out-of-scope",
    "not-your-draft",
    "not-your-result",
    "own-assessment",
    "own-appeal",
    "not-allowed",
}
# Refusals because of where the record stands (submitted, decided, too late).
CONFLICT = {
    "already-submitted",
    "already-assigned",
    "appeal-open",
    "appeal-decided",
    "appeal-closed",
    "appeal-too-late",
    "nothing-to-appeal",
    "not-submitted",
    "retake-wait",
}


def message(error: AssessmentError) -> str:
    params = {}
    for key, value in error.params.items():
        if isinstance(value, datetime):
            value = format_moment(value)
        elif isinstance(value, list | tuple):
            value = "、".join(str(part) for part in value)
        params[key] = value
    text = MESSAGES.get(error.code, _l("That is not possible right now."))
    return text % params if params else str(text)


def status_for(error: AssessmentError) -> int:
    if error.code in FORBIDDEN:
        return 403
    return 409 if error.code in CONFLICT else 400
