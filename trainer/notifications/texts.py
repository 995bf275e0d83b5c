"""What each kind of notification says, written from its params in the current language
(the reader's: the page runs in their language, the e-mail job forces it)."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import ngettext


def _part(kind: str) -> str:
    return _("practical assessment") if kind == "practical" else _("attitude evaluation")


def title_and_body(kind: str, params: dict) -> tuple[str, str]:
    """(title, body) of a notification of `kind` about `params`."""
    if kind == "due_soon":
        return (
            _("Training due on %(date)s: %(course)s", date=params["date"], course=params["course"]),
            ngettext(
                "The course %(course)s of the plan %(plan)s is due on %(date)s, in %(num)d "
                "day. Open My training to continue.",
                "The course %(course)s of the plan %(plan)s is due on %(date)s, in %(num)d "
                "days. Open My training to continue.",
                params["days"],
                course=params["course"],
                plan=params["plan"],
                date=params["date"],
            ),
        )
    if kind == "overdue":
        return (
            _("Overdue training: %(course)s", course=params["course"]),
            _(
                "The course %(course)s of the plan %(plan)s was due on %(date)s and is not "
                "passed yet. Open My training to finish it.",
                course=params["course"],
                plan=params["plan"],
                date=params["date"],
            ),
        )
    if kind == "certificate_expiring":
        return (
            _(
                "Your certificate for %(course)s expires on %(date)s",
                course=params["course"],
                date=params["date"],
            ),
            _(
                "Certificate %(serial)s for %(course)s is valid until %(date)s. Recertification "
                "is open: pass the course again before then to get a new certificate.",
                serial=params["serial"],
                course=params["course"],
                date=params["date"],
            ),
        )
    if kind == "assessment_result":
        outcome = _("passed") if params["passed"] else _("not passed")
        return (
            _(
                "Your %(part)s result for %(course)s is ready",
                part=_part(params["kind"]),
                course=params["course"],
            ),
            _(
                "Result: %(outcome)s. Open the result to read the assessor's comments.",
                outcome=outcome,
            ),
        )
    if kind == "cleared_for_duty":
        if params.get("to_self"):
            return (
                _("You are cleared to take up your post"),
                _("You have passed every part of your onboarding training: 可以正式上岗."),
            )
        return (
            _(
                "%(name)s (%(no)s) is cleared to take up the post",
                name=params["name"],
                no=params["no"],
            ),
            _("%(name)s has passed every part of the onboarding training.", name=params["name"]),
        )
    if kind == "appeal_lodged":
        return (
            _("New appeal from %(name)s: %(course)s", name=params["name"], course=params["course"]),
            _(
                "%(name)s (%(no)s) appealed against their %(part)s result for %(course)s. "
                "Open it to decide.",
                name=params["name"],
                no=params["no"],
                part=_part(params["kind"]),
                course=params["course"],
            ),
        )
    if kind == "appeal_decided":
        if params["overturned"]:
            outcome = _("passed") if params["passed"] else _("not passed")
            body = _("Your appeal was accepted: the result is now %(outcome)s.", outcome=outcome)
        else:
            body = _("Your appeal was not accepted: the result stands.")
        return (
            _(
                "Your appeal against the %(part)s result for %(course)s was decided",
                part=_part(params["kind"]),
                course=params["course"],
            ),
            body,
        )
    if kind == "certificate_issued":
        return (
            _("Your certificate for %(title)s is issued", title=params["title"]),
            _(
                "Certificate %(serial)s is ready: open My certificates to download it.",
                serial=params["serial"],
            ),
        )
    if kind == "extra_attempt":
        return (
            _("You have an extra exam attempt for %(course)s", course=params["course"]),
            _(
                "%(name)s granted you one more attempt at the exam. Open the course to take it.",
                name=params["granted_by"],
            ),
        )
    if kind == "assessor_assigned":
        return (
            _("You now assess the staff of %(department)s", department=params["department"]),
            _(
                "You were assigned to assess the staff of %(department)s. Open Assessments "
                "to see who is waiting.",
                department=params["department"],
            ),
        )
    if kind == "team_overdue":
        people = params["people"]
        lines = [
            _(
                "%(name)s (%(no)s), %(department)s: %(courses)s",
                name=person["name"],
                no=person["no"],
                department=person["department"],
                courses=_("; ").join(
                    _("%(course)s (due %(date)s)", course=late["course"], date=late["date"])
                    for late in person["courses"]
                ),
            )
            for person in people
        ]
        return (
            ngettext(
                "%(num)d person with overdue training in %(department)s",
                "%(num)d people with overdue training in %(department)s",
                len(people),
                department=params["department"],
            ),
            "\n".join(lines),
        )
    raise ValueError(f"unknown notification kind {kind!r}")
