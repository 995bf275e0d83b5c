"""Each audit event as one sentence in the reader's language: who did what to whom.

One renderer per action (``RENDERERS``); an action without one gets ``_fallback``, a plain
sentence with the facts written as "name: value", never raw JSON. A renderer returns a
``Sentence``: a translated template with %(name)s places and the parts that fill them. The
page shows it as HTML (each person, certificate, course or plan a link to its page); the
exports write it as plain text.

The names and titles come from ``Directory``, which the service fills for a page of events in
a few queries (templates never query the database). Facts stored in the event (names as they
were then) are the fallback when a row has since gone.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from markupsafe import Markup, escape

from trainer.models import AuditEvent, User


@dataclass(frozen=True)
class Part:
    """A filled place in a sentence: the words, and the page they link to if any."""

    label: str
    url: str | None = None

    def html(self) -> Markup:
        if self.url:
            return Markup('<a href="{}">{}</a>').format(self.url, self.label)
        return Markup("<strong>{}</strong>").format(self.label)


@dataclass(frozen=True)
class Sentence:
    template: str
    parts: dict[str, Part | str | int] = field(default_factory=dict)

    def html(self) -> Markup:
        values = {
            name: value.html() if isinstance(value, Part | Nested) else value
            for name, value in self.parts.items()
        }
        # The template is escaped first; Markup's % escapes every value not already Markup.
        return Markup(escape(self.template)) % values  # noqa: S704

    def text(self) -> str:
        return self.template % {
            name: value.label if isinstance(value, Part | Nested) else value
            for name, value in self.parts.items()
        }


@dataclass(frozen=True)
class Nested:
    """A whole sentence placed inside another, keeping its links."""

    sentence: Sentence

    @property
    def label(self) -> str:
        return self.sentence.text()

    def html(self) -> Markup:
        return self.sentence.html()


@dataclass
class Directory:
    """What the sentences of one page of events name, looked up in bulk by the service."""

    users: dict[int, User] = field(default_factory=dict)
    users_by_number: dict[str, User] = field(default_factory=dict)
    certificates: dict[int, tuple[str, str, int]] = field(
        default_factory=dict
    )  # serial, code, holder
    promotions: dict[int, int] = field(default_factory=dict)  # promotion id -> person id
    appeals: dict[int, int] = field(default_factory=dict)  # appeal id -> learner id
    course_titles: dict[str, str] = field(default_factory=dict)  # slug -> current title
    plan_names: dict[int, str] = field(default_factory=dict)
    level_titles: dict[str, str] = field(default_factory=dict)

    # --- parts ---------------------------------------------------------------------------

    def person(self, user: User | None, number: str | None = None, name: str | None = None) -> Part:
        if user is None and number:
            user = self.users_by_number.get(number)
        if user is not None:
            return Part(
                user.display_name,
                url_for("training.person", employee_no=user.employee_no),
            )
        if number:
            return Part(f"{name} ({number})" if name else number)
        return Part(name or _("someone no longer on file"))

    def person_by_id(self, user_id: int | None, number: str | None = None, name=None) -> Part:
        return self.person(self.users.get(user_id) if user_id else None, number, name)

    def actor(self, event: AuditEvent) -> Part:
        if event.actor_id is None:
            return Part(_("The system"))
        return self.person_by_id(event.actor_id)

    def course(self, slug: str | None, title: str | None = None) -> Part:
        if not slug:
            return Part(title or _("a course"))
        return Part(
            self.course_titles.get(slug) or title or slug, url_for("courses.course", slug=slug)
        )

    def plan(self, plan_id: int | None, name: str | None = None) -> Part:
        label = self.plan_names.get(plan_id or 0) or name or _("a plan")
        if plan_id and plan_id in self.plan_names:
            return Part(label, url_for("plans.detail", plan_id=plan_id))
        return Part(label)

    def certificate(self, certificate_id: int | None, serial: str | None) -> Part:
        found = self.certificates.get(certificate_id or 0)
        if found is None:
            return Part(serial or _("a certificate"))
        return Part(found[0], url_for("certificates.verify", code=found[1]))

    def level(self, level_id: str | None) -> Part:
        return Part(self.level_titles.get(level_id or "", level_id or _("a career level")))


Renderer = Callable[[AuditEvent, dict, Directory], Sentence]
RENDERERS: dict[str, Renderer] = {}


def renders(*actions: str) -> Callable[[Renderer], Renderer]:
    def register(renderer: Renderer) -> Renderer:
        for action in actions:
            RENDERERS[action] = renderer
        return renderer

    return register


def sentence_for(event: AuditEvent, directory: Directory) -> Sentence:
    details = event.details if isinstance(event.details, dict) else {}
    renderer = RENDERERS.get(event.action, _fallback)
    try:
        return renderer(event, details, directory)
    except (KeyError, TypeError, ValueError):
        # An older event stored fewer facts: still a readable sentence, never an error page.
        return _fallback(event, details, directory)


def _subject_person(event: AuditEvent, details: dict, d: Directory) -> Part:
    return d.person_by_id(
        event.subject_id if event.subject_type == "user" else None,
        details.get("person"),
        details.get("person_name"),
    )


def _role_list(roles) -> str:
    from trainer.navigation import ROLE_LABELS

    return _list([str(ROLE_LABELS.get(role, role)) for role in roles or []]) or _("no role")


def _list(words: list[str]) -> str:
    return _(", ").join(words) if words else ""


def _kind(kind: str | None) -> str:
    return {
        "practical": _("practical assessment"),
        "attitude": _("attitude evaluation"),
    }.get(kind or "", _("assessment"))


def _with_import_row(sentence: Sentence, details: dict) -> Sentence:
    if "row" not in details:
        return sentence
    return Sentence(
        _("%(sentence)s From the staff import %(source)s, row %(row)s."),
        {
            "sentence": Nested(sentence),
            "source": details.get("source") or "",
            "row": details["row"],
        },
    )


# --- sign-in and accounts --------------------------------------------------------------------


@renders("account.locked")
def _locked(event, details, d):
    return Sentence(
        ngettext(
            "Sign-in to the account of %(person)s was blocked after %(num)d wrong password.",
            "Sign-in to the account of %(person)s was blocked after %(num)d wrong passwords.",
            int(details.get("failures", 0)),
            # Flask-Babel fills the template at once: the person's place is kept for later.
            person="%(person)s",
        ),
        {"person": _subject_person(event, details, d)},
    )


@renders("person.invited")
def _invited(event, details, d):
    template = (
        _("%(actor)s sent %(person)s a sign-in invitation by e-mail.")
        if details.get("email")
        else _("%(actor)s made a printed sign-in code for %(person)s.")
    )
    return Sentence(
        template, {"actor": d.actor(event), "person": _subject_person(event, details, d)}
    )


@renders("person.invitation_used")
def _invitation_used(event, details, d):
    return Sentence(
        _("%(person)s used an invitation and chose a password."),
        {"person": _subject_person(event, details, d)},
    )


@renders("person.password_reset")
def _reset(event, details, d):
    template = (
        _("%(actor)s sent %(person)s a password reset link by e-mail.")
        if details.get("kind") == "link"
        else _("%(actor)s gave %(person)s a one-time password reset code.")
    )
    return Sentence(
        template, {"actor": d.actor(event), "person": _subject_person(event, details, d)}
    )


@renders("person.password_reset_used")
def _reset_used(event, details, d):
    return Sentence(
        _("%(person)s used a password reset and chose a new password."),
        {"person": _subject_person(event, details, d)},
    )


@renders("person.deactivated")
def _deactivated(event, details, d):
    sentence = Sentence(
        _("%(actor)s deactivated the account of %(person)s."),
        {"actor": d.actor(event), "person": _subject_person(event, details, d)},
    )
    return _with_import_row(sentence, details)


@renders("person.reactivated")
def _reactivated(event, details, d):
    sentence = Sentence(
        _("%(actor)s reactivated the account of %(person)s."),
        {"actor": d.actor(event), "person": _subject_person(event, details, d)},
    )
    return _with_import_row(sentence, details)


@renders("person.roles_changed")
def _roles_changed(event, details, d):
    sentence = Sentence(
        _("%(actor)s changed the roles of %(person)s from %(old)s to %(new)s."),
        {
            "actor": d.actor(event),
            "person": _subject_person(event, details, d),
            "old": _role_list(details.get("old")),
            "new": _role_list(details.get("new")),
        },
    )
    return _with_import_row(sentence, details)


@renders("person.created")
def _created(event, details, d):
    sentence = Sentence(
        _("%(actor)s added %(person)s with the roles %(roles)s."),
        {
            "actor": d.actor(event),
            "person": _subject_person(event, details, d),
            "roles": _role_list(details.get("roles")),
        },
    )
    return _with_import_row(sentence, details)


FIELD_LABELS = {
    "name": lambda: _("name"),
    "email": lambda: _("e-mail"),
    "department": lambda: _("department"),
    "position": lambda: _("position"),
    "hire_date": lambda: _("hire date"),
    "active": lambda: _("status"),
}


@renders("person.updated")
def _updated(event, details, d):
    changes = details.get("changes") or {}
    fields = [FIELD_LABELS[name]() if name in FIELD_LABELS else str(name) for name in changes]
    sentence = Sentence(
        _("%(actor)s changed the %(fields)s of %(person)s."),
        {
            "actor": d.actor(event),
            "person": _subject_person(event, details, d),
            "fields": _list(fields) or _("details"),
        },
    )
    return _with_import_row(sentence, details)


@renders("staff.imported")
def _imported(event, details, d):
    return Sentence(
        _(
            "%(actor)s imported the staff file %(source)s: %(created)s added, %(updated)s "
            "changed, %(deactivated)s deactivated, %(reactivated)s reactivated."
        ),
        {
            "actor": d.actor(event),
            "source": Part(str(details.get("source") or "")),
            "created": int(details.get("create", 0)),
            "updated": int(details.get("update", 0)),
            "deactivated": int(details.get("deactivate", 0)),
            "reactivated": int(details.get("reactivate", 0)),
        },
    )


# --- organisation ------------------------------------------------------------------------


@renders("department.added")
def _department_added(event, details, d):
    return Sentence(
        _("%(actor)s added the department %(name)s."),
        {"actor": d.actor(event), "name": Part(str(details["name"]))},
    )


@renders("department.renamed", "position.renamed")
def _renamed(event, details, d):
    template = (
        _("%(actor)s renamed the department %(old)s to %(new)s.")
        if event.action.startswith("department")
        else _("%(actor)s renamed the position %(old)s to %(new)s.")
    )
    return Sentence(
        template,
        {
            "actor": d.actor(event),
            "old": Part(str(details["old"])),
            "new": Part(str(details["new"])),
        },
    )


@renders("department.moved")
def _department_moved(event, details, d):
    return Sentence(
        _("%(actor)s moved a department to another place in the organisation."),
        {"actor": d.actor(event)},
    )


@renders("department.archived", "department.restored", "position.archived", "position.restored")
def _archived_or_restored(event, details, d):
    templates = {
        "department.archived": _("%(actor)s archived the department %(name)s."),
        "department.restored": _("%(actor)s restored the department %(name)s."),
        "position.archived": _("%(actor)s archived the position %(name)s."),
        "position.restored": _("%(actor)s restored the position %(name)s."),
    }
    # Events written before the position's name was stored carry only its code.
    name = details.get("name") or details.get("code") or ""
    return Sentence(templates[event.action], {"actor": d.actor(event), "name": Part(str(name))})


@renders("position.added")
def _position_added(event, details, d):
    return Sentence(
        _("%(actor)s added the position %(name)s."),
        {"actor": d.actor(event), "name": Part(str(details["name"]))},
    )


@renders("position.manages_department")
def _position_manages(event, details, d):
    template = (
        _("%(actor)s marked the position %(name)s as managing its department.")
        if details.get("manages")
        else _("%(actor)s marked the position %(name)s as not managing its department.")
    )
    return Sentence(template, {"actor": d.actor(event), "name": Part(str(details["name"]))})


# --- plans -------------------------------------------------------------------------------


def _plan_sentence(template: str, event, details, d, **parts) -> Sentence:
    return Sentence(
        template,
        {"actor": d.actor(event), "plan": d.plan(event.subject_id, details.get("name")), **parts},
    )


@renders("plan.created")
def _plan_created(event, details, d):
    return _plan_sentence(_("%(actor)s created the plan %(plan)s."), event, details, d)


@renders("plan.updated")
def _plan_updated(event, details, d):
    return _plan_sentence(_("%(actor)s edited the plan %(plan)s."), event, details, d)


@renders("plan.archived")
def _plan_archived(event, details, d):
    return _plan_sentence(_("%(actor)s archived the plan %(plan)s."), event, details, d)


@renders("plan.restored")
def _plan_restored(event, details, d):
    return _plan_sentence(_("%(actor)s restored the plan %(plan)s."), event, details, d)


@renders("plan.item_added")
def _plan_item_added(event, details, d):
    return _plan_sentence(
        _("%(actor)s added the course %(course)s to the plan %(plan)s."),
        event,
        details,
        d,
        course=d.course(details.get("course")),
    )


@renders("plan.item_removed")
def _plan_item_removed(event, details, d):
    return _plan_sentence(
        _("%(actor)s removed the course %(course)s from the plan %(plan)s."),
        event,
        details,
        d,
        course=d.course(details.get("course")),
    )


@renders("plan.target_added")
def _plan_target_added(event, details, d):
    return _plan_sentence(
        _("%(actor)s added a group of people to the plan %(plan)s."), event, details, d
    )


@renders("plan.target_removed")
def _plan_target_removed(event, details, d):
    return _plan_sentence(
        _("%(actor)s removed a group of people from the plan %(plan)s."), event, details, d
    )


@renders("plan.synced")
def _plan_synced(event, details, d):
    counts = {
        "added": int(details.get("added", 0)),
        "withdrawn": int(details.get("withdrawn", 0)),
        "restored": int(details.get("restored", 0)),
    }
    if event.subject_id is None:
        return Sentence(
            _(
                "%(actor)s brought every plan up to date: %(added)s assignments added, "
                "%(withdrawn)s withdrawn, %(restored)s restored."
            ),
            {"actor": d.actor(event), **counts},
        )
    return _plan_sentence(
        _(
            "%(actor)s brought the plan %(plan)s up to date: %(added)s assignments added, "
            "%(withdrawn)s withdrawn, %(restored)s restored."
        ),
        event,
        details,
        d,
        **counts,
    )


# --- exams, assessments, appeals ---------------------------------------------------------


@renders("quiz.extra_attempt_granted")
def _extra_attempt(event, details, d):
    return Sentence(
        _("%(actor)s granted %(person)s an extra exam attempt on %(course)s. Reason: %(reason)s"),
        {
            "actor": d.actor(event),
            "person": d.person_by_id(event.subject_id),
            "course": d.course(details.get("course")),
            "reason": str(details.get("reason") or "—"),
        },
    )


def _learner(details, d) -> Part:
    return d.person(None, details.get("learner"), details.get("learner_name"))


@renders("assessment.started")
def _assessment_started(event, details, d):
    return Sentence(
        _("%(actor)s started a %(kind)s of %(person)s on %(course)s."),
        {
            "actor": d.actor(event),
            "kind": _kind(details.get("kind")),
            "person": _learner(details, d),
            "course": d.course(details.get("course")),
        },
    )


@renders("assessment.submitted")
def _assessment_submitted(event, details, d):
    template = (
        _("%(actor)s scored the %(kind)s of %(person)s on %(course)s: %(percent)s%%, passed.")
        if details.get("passed")
        else _(
            "%(actor)s scored the %(kind)s of %(person)s on %(course)s: %(percent)s%%, not passed."
        )
    )
    return Sentence(
        template,
        {
            "actor": d.actor(event),
            "kind": _kind(details.get("kind")),
            "person": _learner(details, d),
            "course": d.course(details.get("course")),
            "percent": f"{float(details.get('percent') or 0):g}",
        },
    )


@renders("appeal.lodged")
def _appeal_lodged(event, details, d):
    return Sentence(
        _("%(person)s appealed the result of the %(kind)s on %(course)s. Reason: %(reason)s"),
        {
            "person": _learner(details, d),
            "kind": _kind(details.get("kind")),
            "course": d.course(details.get("course")),
            "reason": str(details.get("reason") or "—"),
        },
    )


@renders("appeal.upheld", "appeal.overturned")
def _appeal_decided(event, details, d):
    template = (
        _(
            "%(actor)s upheld the appeal of %(person)s on %(course)s: the result stands. "
            "Reason: %(reason)s"
        )
        if event.action == "appeal.upheld"
        else _(
            "%(actor)s overturned the result of %(person)s on %(course)s on appeal. "
            "Reason: %(reason)s"
        )
    )
    return Sentence(
        template,
        {
            "actor": d.actor(event),
            "person": _learner(details, d),
            "course": d.course(details.get("course")),
            "reason": str(details.get("reason") or "—"),
        },
    )


@renders("assessor.assigned")
def _assessor_assigned(event, details, d):
    return Sentence(
        _("%(actor)s made %(person)s an assessor for %(department)s."),
        {
            "actor": d.actor(event),
            "person": d.person(None, details.get("assessor"), details.get("assessor_name")),
            "department": Part(str(details.get("department") or "")),
        },
    )


@renders("assessor.unassigned")
def _assessor_unassigned(event, details, d):
    return Sentence(
        _("%(actor)s took %(department)s away from the assessor %(person)s."),
        {
            "actor": d.actor(event),
            "person": d.person(None, details.get("assessor"), details.get("assessor_name")),
            "department": Part(str(details.get("department") or "")),
        },
    )


# --- certificates, career levels, courses --------------------------------------------------


def _holder(event, details, d) -> Part:
    found = d.certificates.get(event.subject_id or 0)
    return d.person_by_id(
        found[2] if found else None,
        details.get("user") or details.get("holder"),
        details.get("holder_name"),
    )


@renders("certificate.issued")
def _certificate_issued(event, details, d):
    return Sentence(
        _("%(person)s was awarded the certificate %(certificate)s: %(title)s."),
        {
            "person": _holder(event, details, d),
            "certificate": d.certificate(event.subject_id, details.get("serial")),
            "title": str(details.get("title") or ""),
        },
    )


@renders("certificate.revoked")
def _certificate_revoked(event, details, d):
    return Sentence(
        _("%(actor)s revoked the certificate %(certificate)s of %(person)s. Reason: %(reason)s"),
        {
            "actor": d.actor(event),
            "certificate": d.certificate(event.subject_id, details.get("serial")),
            "person": _holder(event, details, d),
            "reason": str(details.get("reason") or "—"),
        },
    )


def _promoted_person(event, details, d) -> Part:
    return d.person_by_id(d.promotions.get(event.subject_id or 0), details.get("user"))


@renders("promotion.eligible")
def _promotion_eligible(event, details, d):
    return Sentence(
        _("%(person)s became eligible for the career level %(level)s."),
        {"person": _promoted_person(event, details, d), "level": d.level(details.get("level"))},
    )


@renders("promotion.approved", "promotion.declined")
def _promotion_decided(event, details, d):
    template = (
        _("%(actor)s approved the promotion of %(person)s to %(level)s.")
        if event.action == "promotion.approved"
        else _("%(actor)s declined the promotion of %(person)s to %(level)s. Reason: %(reason)s")
    )
    return Sentence(
        template,
        {
            "actor": d.actor(event),
            "person": _promoted_person(event, details, d),
            "level": d.level(details.get("level")),
            "reason": str(details.get("reason") or "—"),
        },
    )


@renders("course.version_published")
def _course_published(event, details, d):
    source = details.get("source", "folder")
    parts = {
        "actor": d.actor(event),
        "course": d.course(details.get("course"), details.get("title")),
        "number": details.get("number") or "—",
        "author": str(details.get("author") or "—"),
        "reviewer": str(details.get("reviewer") or "—"),
        "message": str(details.get("message") or "—"),
    }
    if source == "browser" and details.get("reviewer"):
        template = _(
            "%(actor)s published version %(number)s of the course %(course)s, written by "
            "%(author)s and reviewed by %(reviewer)s. Message: %(message)s"
        )
    elif source == "browser":
        template = _(
            "%(actor)s published version %(number)s of the course %(course)s, written by "
            "%(author)s without review. Message: %(message)s"
        )
    elif source == "rollback":
        template = _(
            "%(actor)s published an earlier version of the course %(course)s again, as version "
            "%(number)s. Reason: %(message)s"
        )
    elif details.get("outcome") == "new":
        template = _("%(actor)s published the course %(course)s.")
    else:
        template = _("%(actor)s published a new version of the course %(course)s.")
    return Sentence(template, parts)


def _draft(details: dict) -> Part:
    slug = details.get("course") or "?"
    title = details.get("title")
    return Part(f"{title} ({slug})" if title else slug)


DRAFT_STARTS = {
    "new": _l("%(actor)s started the new course %(draft)s from the starter template."),
    "edit": _l("%(actor)s started a draft of the course %(draft)s."),
    "duplicate": _l("%(actor)s copied the course %(source)s as the new draft %(draft)s."),
}


@renders("course.draft_started")
def _draft_started(event, details, d):
    template = DRAFT_STARTS.get(details.get("how"), DRAFT_STARTS["edit"])
    return Sentence(
        str(template),
        {
            "actor": d.actor(event),
            "draft": _draft(details),
            "source": d.course(details.get("copied_from")),
        },
    )


@renders("course.draft_submitted")
def _draft_submitted(event, details, d):
    return Sentence(
        _("%(actor)s submitted the draft %(draft)s for review. Message: %(message)s"),
        {
            "actor": d.actor(event),
            "draft": _draft(details),
            "message": str(details.get("message") or "—"),
        },
    )


@renders("course.draft_sent_back")
def _draft_sent_back(event, details, d):
    template = (
        _("%(actor)s withdrew the draft %(draft)s from review.")
        if details.get("withdrawn")
        else _("%(actor)s sent the draft %(draft)s back for changes: %(message)s")
    )
    return Sentence(
        template,
        {
            "actor": d.actor(event),
            "draft": _draft(details),
            "message": str(details.get("message") or "—"),
        },
    )


@renders(
    "course.draft_commented",
    "course.draft_imported",
    "course.draft_rebased",
    "course.draft_discarded",
    "course.folder_version_declined",
)
def _draft_event(event, details, d):
    templates = {
        "course.draft_commented": _("%(actor)s commented on the draft %(draft)s."),
        "course.draft_imported": _(
            "%(actor)s replaced the files of the draft %(draft)s with an uploaded zip."
        ),
        "course.draft_rebased": _(
            "%(actor)s continued the draft %(draft)s on top of the new live version."
        ),
        "course.draft_discarded": _("%(actor)s discarded the draft %(draft)s."),
        "course.folder_version_declined": _(
            "%(actor)s kept the version of %(course)s published in the browser over the "
            "content folder's files."
        ),
    }
    return Sentence(
        templates[event.action],
        {
            "actor": d.actor(event),
            "draft": _draft(details),
            "course": d.course(details.get("course")),
        },
    )


# --- anything else --------------------------------------------------------------------------


def _plain(value: object) -> str:
    if isinstance(value, list | tuple):
        return _list([_plain(part) for part in value])
    if isinstance(value, dict):
        return "; ".join(f"{key}: {_plain(part)}" for key, part in value.items())
    if value is None:
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return str(value)


def _fallback(event: AuditEvent, details: dict, d: Directory) -> Sentence:
    facts = _plain(details) if details else ""
    subject = (
        _subject_person(event, details, d)
        if event.subject_type == "user"
        else Part(f"{event.subject_type} {event.subject_id or ''}".strip())
    )
    if facts:
        return Sentence(
            _("%(actor)s: %(action)s, about %(subject)s (%(facts)s)."),
            {"actor": d.actor(event), "action": event.action, "subject": subject, "facts": facts},
        )
    return Sentence(
        _("%(actor)s: %(action)s, about %(subject)s."),
        {"actor": d.actor(event), "action": event.action, "subject": subject},
    )


# --- names of the kinds, for the kind filter and the exports ---------------------------------

KIND_LABELS = {
    "account.locked": _l("Sign-in blocked"),
    "person.invited": _l("Invitation sent"),
    "person.invitation_used": _l("Invitation used"),
    "person.password_reset": _l("Password reset"),
    "person.password_reset_used": _l("Password reset used"),
    "person.created": _l("Person added"),
    "person.updated": _l("Person edited"),
    "person.deactivated": _l("Account deactivated"),
    "person.reactivated": _l("Account reactivated"),
    "person.roles_changed": _l("Roles changed"),
    "staff.imported": _l("Staff import"),
    "department.added": _l("Department added"),
    "department.renamed": _l("Department renamed"),
    "department.moved": _l("Department moved"),
    "department.archived": _l("Department archived"),
    "department.restored": _l("Department restored"),
    "position.added": _l("Position added"),
    "position.archived": _l("Position archived"),
    "position.restored": _l("Position restored"),
    "position.renamed": _l("Position renamed"),
    "position.manages_department": _l("Managing position changed"),
    "plan.created": _l("Plan created"),
    "plan.updated": _l("Plan edited"),
    "plan.archived": _l("Plan archived"),
    "plan.restored": _l("Plan restored"),
    "plan.item_added": _l("Course added to a plan"),
    "plan.item_removed": _l("Course removed from a plan"),
    "plan.target_added": _l("Group added to a plan"),
    "plan.target_removed": _l("Group removed from a plan"),
    "plan.synced": _l("Plan brought up to date"),
    "quiz.extra_attempt_granted": _l("Extra exam attempt"),
    "assessment.started": _l("Assessment started"),
    "assessment.submitted": _l("Assessment scored"),
    "appeal.lodged": _l("Appeal lodged"),
    "appeal.upheld": _l("Appeal upheld"),
    "appeal.overturned": _l("Result overturned on appeal"),
    "assessor.assigned": _l("Assessor assigned"),
    "assessor.unassigned": _l("Assessor unassigned"),
    "certificate.issued": _l("Certificate issued"),
    "certificate.revoked": _l("Certificate revoked"),
    "promotion.eligible": _l("Eligible for promotion"),
    "promotion.approved": _l("Promotion approved"),
    "promotion.declined": _l("Promotion declined"),
    "course.version_published": _l("Course published"),
    "course.draft_started": _l("Course draft started"),
    "course.draft_submitted": _l("Course draft submitted for review"),
    "course.draft_sent_back": _l("Course draft sent back"),
    "course.draft_commented": _l("Comment on a course draft"),
    "course.draft_imported": _l("Course draft imported from a zip"),
    "course.draft_rebased": _l("Course draft continued on the live version"),
    "course.draft_discarded": _l("Course draft discarded"),
    "course.folder_version_declined": _l("Folder version of a course declined"),
}


def kind_label(action: str) -> str:
    return str(KIND_LABELS.get(action, action))
