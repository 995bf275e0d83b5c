"""The audit log: every event as a sentence, filtered, paged, exported as CSV or XLSX."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import Blueprint, Response, abort, render_template, request
from flask_babel import gettext as _
from flask_babel import to_user_timezone
from flask_login import current_user

from trainer.audit import service
from trainer.audit.sentences import KIND_LABELS, kind_label
from trainer.auth.access import role_required
from trainer.extensions import db
from trainer.hr.reports.exports import Table, to_csv, to_xlsx
from trainer.hr.reports.jobs import MIMETYPES
from trainer.security import db_int

bp = Blueprint("audit", __name__, url_prefix="/audit")
READERS = ("hr", "admin")
PAGE_SIZE = 50
EXPORT_LIMIT = 100_000


@dataclass
class Asked:
    """The filters as typed, what they matched, and what was wrong with them."""

    person: str
    actor: str
    kind: str
    first: str
    last: str
    filters: service.LogFilters
    people: list
    actors: list
    problems: list[str]

    def args(self) -> dict[str, str]:
        return {
            "person": self.person,
            "actor": self.actor,
            "kind": self.kind,
            "from": self.first,
            "to": self.last,
        }


def _day(text: str, problems: list[str], message: str) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        problems.append(message)
        return None


def _asked() -> Asked:
    args = request.args
    person = (args.get("person") or "").strip()[:100]
    actor = (args.get("actor") or "").strip()[:100]
    kind = (args.get("kind") or "").strip()[:60]
    first = (args.get("from") or "").strip()[:10]
    last = (args.get("to") or "").strip()[:10]
    problems: list[str] = []
    first_day = _day(first, problems, _("The first day is not a date like 2026-12-31."))
    last_day = _day(last, problems, _("The last day is not a date like 2026-12-31."))
    if first_day and last_day and last_day < first_day:
        problems.append(_("The last day comes before the first day."))
    people = service.find_people(person) if person else []
    actors = service.find_people(actor) if actor else []
    filters = service.LogFilters(
        people=tuple(p.id for p in people) if person else None,
        actors=tuple(p.id for p in actors) if actor else None,
        kind=kind or None,
        first_day=first_day,
        last_day=last_day,
    )
    return Asked(person, actor, kind, first, last, filters, people, actors, problems)


@bp.get("/")
@role_required(*READERS)
def index():
    asked = _asked()
    page = max(request.args.get("page", 1, type=db_int) or 1, 1)
    pagination = db.paginate(
        service.log_query(asked.filters, current_user),
        page=page,
        per_page=PAGE_SIZE,
        error_out=False,
    )
    kinds = sorted(set(KIND_LABELS) | set(service.recorded_kinds()), key=kind_label)
    return render_template(
        "audit/index.html",
        asked=asked,
        pagination=pagination,
        lines=service.log_lines(list(pagination.items)),
        kinds=[(kind, kind_label(kind)) for kind in kinds],
    )


@bp.get("/events.<fmt>")
@role_required(*READERS)
def export(fmt: str):
    """The filtered log as a file, built while the reader waits: events are small rows."""
    if fmt not in MIMETYPES:
        abort(404)
    asked = _asked()
    table = Table(
        title=_("Audit log"),
        headers=[_("When"), _("Who"), _("Kind"), _("Event")],
        rows=[
            [
                to_user_timezone(line.event.at).replace(tzinfo=None),
                line.actor_name,
                line.kind,
                line.sentence.text(),
            ]
            for line in service.export_lines(asked.filters, current_user, EXPORT_LIMIT)
        ],
    )
    body = to_csv(table) if fmt == "csv" else to_xlsx(table)
    return Response(
        body,
        mimetype=MIMETYPES[fmt],
        headers={
            "Content-Disposition": f'attachment; filename="audit-log.{fmt}"',
            "Cache-Control": "private, no-store",
        },
    )
