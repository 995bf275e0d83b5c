"""Issuing, finding, verifying and revoking certificates; career levels."""

from __future__ import annotations

import re
import secrets
from calendar import monthrange
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path

import sqlalchemy as sa
from flask import Flask
from sqlalchemy.exc import IntegrityError

from trainer.audit import service as audit
from trainer.completion import Cycle, current_cycle
from trainer.content.paths import Level, PathCatalogue, Track, load_paths
from trainer.courses.service import live_course
from trainer.database import write_transaction
from trainer.extensions import db
from trainer.hotpath import LeanQuery
from trainer.models import Certificate, CourseRecord, CourseVersion, User, utcnow
from trainer.quizzes.service import quiz_passed

# Crockford's base32: no I, L, O or U, so a code read aloud or typed is not mistaken.
CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 20  # 100 random bits
_CODE_FIXES = str.maketrans({"O": "0", "I": "1", "L": "1"})


class CertificateError(Exception):
    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(typed: str) -> str | None:
    """What a person typed (any case, spaces, dashes, O for 0) → the stored code, or None."""
    code = re.sub(r"[\s\-_.]", "", (typed or "").upper()).translate(_CODE_FIXES)
    if len(code) != CODE_LENGTH or any(ch not in CODE_ALPHABET for ch in code):
        return None
    return code


def add_months(moment: datetime, months: int) -> datetime:
    month_index = moment.month - 1 + months
    year, month = moment.year + month_index // 12, month_index % 12 + 1
    return moment.replace(year=year, month=month,
                          day=min(moment.day, monthrange(year, month)[1]))


# --- completion -------------------------------------------------------------------------

@dataclass(frozen=True)
class Completion:
    cycle: Cycle
    quiz_passed: bool
    practical: str | None  # None when the course does not require it; else passed/failed/…
    attitude: str | None

    @property
    def complete(self) -> bool:
        return self.quiz_passed and self.practical in (None, "passed") and \
            self.attitude in (None, "passed")


def course_completion(user: User, record: CourseRecord, version: CourseVersion,
                      now: datetime | None = None) -> Completion:
    from trainer.assessments.service import attitude_outcome, practical_outcome

    now = now or utcnow()
    cycle = current_cycle(user.id, record.id, now)
    settings = version.settings
    practical = (practical_outcome(user, version, since=cycle.since)
                 if settings.get("practical_required") else None)
    attitude = (attitude_outcome(user, version, since=cycle.since)
                if settings.get("attitude_required") else None)
    return Completion(cycle, quiz_passed(user, record.id, cycle.since), practical, attitude)


def _submitted_assessments_query() -> LeanQuery:
    from trainer.models import Assessment

    def submitted(kind: str):
        # Kind and status written into the SQL, not bound: SQLite prepares a statement
        # again on every run when a bound value meets a partial index's condition
        # (uq_assessments_one_draft: status = 'draft'), which made this query ten times
        # slower.
        return sa.exists().where(Assessment.learner_id == sa.bindparam("user_id"),
                                 Assessment.course_id == CourseRecord.id,
                                 Assessment.kind == sa.literal_column(f"'{kind}'"),
                                 Assessment.status == sa.literal_column("'submitted'"))

    return LeanQuery(
        sa.select(CourseVersion.settings, submitted("practical"), submitted("attitude"))
        .select_from(CourseRecord)
        .join(CourseVersion, CourseVersion.id == CourseRecord.current_version_id)
        .where(CourseRecord.id == sa.bindparam("course_id")),
        typed=True,
    )


_SUBMITTED_ASSESSMENTS = _submitted_assessments_query()


def may_be_complete(user_id: int, course_id: int) -> bool:
    """False when the course certainly is not done: it requires a practical or attitude
    assessment of which this learner has no submitted result at all. One lean query, so a
    passed exam on a course still waiting for its assessment costs almost nothing more;
    True means: ask course_completion()."""
    row = _SUBMITTED_ASSESSMENTS.first(user_id=user_id, course_id=course_id)
    if row is None:
        return False  # no live version: nothing to issue
    settings, has_practical, has_attitude = row
    settings = settings or {}
    return not ((settings.get("practical_required") and not has_practical)
                or (settings.get("attitude_required") and not has_attitude))


def issue_if_complete(app: Flask, user: User, record: CourseRecord,
                      now: datetime | None = None) -> Certificate | None:
    """Issue the course certificate when everything is done; exactly once per cycle."""
    now = now or utcnow()
    version = record.current_version
    if version is None:
        return None
    completion = course_completion(user, record, version, now)
    if not completion.complete or (completion.cycle.certified
                                   and not completion.cycle.recertifying):
        return None
    cycle_number = 1 + db.session.scalar(
        sa.select(sa.func.count()).select_from(Certificate)
        .where(Certificate.user_id == user.id, Certificate.course_id == record.id))
    months = int(version.settings.get("certificate", {}).get("validity_months", 24))
    certificate = _issue(app, user, kind="course", achievement=f"course:{record.id}:{cycle_number}",
                         title=version.title, course_id=record.id, version_id=version.id,
                         expires_at=add_months(now, months) if months else None, now=now,
                         template_extra={"practical": bool(completion.practical),
                                         "attitude": bool(completion.attitude)})
    if certificate is not None:
        issue_levels(app, user, now)
    return certificate


def _issue(app: Flask, user: User, *, kind: str, achievement: str, title: str, now: datetime,
           expires_at: datetime | None, course_id: int | None = None,
           version_id: int | None = None, level_id: str | None = None,
           template_extra: dict | None = None) -> Certificate | None:
    """Insert one certificate with its PDF. The (user, achievement) unique constraint makes a
    concurrent second issue fail; the loser returns the certificate that won."""
    for _ in range(3):
        existing = _by_achievement(user.id, achievement)
        if existing is not None:
            return existing
        try:
            return _insert_certificate(app, user, kind, achievement, title, now, expires_at,
                                       course_id, version_id, level_id, template_extra or {})
        except IntegrityError:
            # Either the same achievement was issued meanwhile (returned above on the next
            # pass) or two issues took the same serial number (the next pass takes another).
            db.session.rollback()
    return _by_achievement(user.id, achievement)


def _insert_certificate(app, user, kind, achievement, title, now, expires_at, course_id,
                        version_id, level_id, template_extra) -> Certificate:
    from trainer.certificates.pdf import render_pdf

    with write_transaction():
        year = now.year
        count = db.session.scalar(sa.select(sa.func.count()).select_from(Certificate)
                                  .where(Certificate.serial.like(f"TRN-{year}-%")))
        certificate = Certificate(
            serial=f"TRN-{year}-{count + 1:06d}", code=new_code(), kind=kind,
            achievement=achievement, user_id=user.id, holder_name=user.display_name,
            course_id=course_id, version_id=version_id, level_id=level_id, title=title,
            issued_at=now, expires_at=expires_at, pdf=b"", pdf_sha256="")
        certificate.pdf, certificate.pdf_sha256 = render_pdf(
            app, _template_for(certificate), pdf_context(app, certificate, template_extra))
        db.session.add(certificate)
        db.session.flush()
        audit.record(None, "certificate.issued", "certificate", certificate.id,
                     serial=certificate.serial, user=user.employee_no, title=title)
    return certificate


def _by_achievement(user_id: int, achievement: str) -> Certificate | None:
    return db.session.scalar(sa.select(Certificate).where(
        Certificate.user_id == user_id, Certificate.achievement == achievement))


def _template_for(certificate: Certificate) -> str:
    return "pdf/level_certificate.html" if certificate.kind == "level" else "pdf/certificate.html"


def pdf_context(app: Flask, certificate: Certificate, extra: dict,
                revoked: str | None = None) -> dict:
    """A plain dict: the PDF template sees nothing but these values."""
    logo = app.config.get("CERTIFICATE_LOGO")
    logo_path = Path(app.static_folder) / logo if logo else None
    verify_url = f"{app.config['BASE_URL']}/verify/{certificate.code_display}"
    from trainer.certificates.pdf import qr_svg_data_uri

    return {
        "company": app.config["COMPANY_NAME"],
        "logo": logo_path.as_uri() if logo_path and logo_path.is_file() else None,
        "holder": certificate.holder_name, "title": certificate.title,
        "serial": certificate.serial, "code": certificate.code_display,
        "issued": certificate.issued_at.strftime("%Y-%m-%d"),
        "expires": certificate.expires_at.strftime("%Y-%m-%d") if certificate.expires_at else "",
        "qr": qr_svg_data_uri(verify_url), "verify_url": verify_url,
        "track": extra.get("track", ""), "practical": extra.get("practical", False),
        "attitude": extra.get("attitude", False), "revoked": revoked,
    }


def pdf_for_download(app: Flask, certificate: Certificate) -> bytes:
    """The stored PDF, unchanged; a revoked one is re-rendered with REVOKED across it."""
    if certificate.revoked_at is None:
        return certificate.pdf
    from trainer.certificates.pdf import render_pdf

    # The parts it was issued for: those the course version required (all passed at issue).
    version = certificate.version_id and db.session.get(CourseVersion, certificate.version_id)
    settings = (version.settings if version else None) or {}
    extra = {"practical": bool(settings.get("practical_required")),
             "attitude": bool(settings.get("attitude_required"))}
    pdf, _ = render_pdf(app, _template_for(certificate), pdf_context(
        app, certificate, extra, revoked=certificate.revoked_at.strftime("%Y-%m-%d")))
    return pdf


# --- finding, verifying, revoking --------------------------------------------------------

def find_by_code(typed: str) -> Certificate | None:
    code = normalise_code(typed)
    if code is None:
        return None
    return db.session.scalar(sa.select(Certificate).where(Certificate.code == code))


def certificates_of(user: User) -> list[Certificate]:
    return list(db.session.scalars(sa.select(Certificate).where(Certificate.user_id == user.id)
                                   .order_by(Certificate.issued_at.desc())))


def revoke(certificate: Certificate, by: User, reason: str, now: datetime | None = None) -> None:
    reason = (reason or "").strip()
    if not reason:
        raise CertificateError("reason-missing")
    with write_transaction():
        db.session.refresh(certificate)
        if certificate.revoked_at is not None:
            raise CertificateError("already-revoked")
        certificate.revoked_at = now or utcnow()
        certificate.revoked_by_id = by.id
        certificate.revoke_reason = reason
        audit.record(by, "certificate.revoked", "certificate", certificate.id,
                     serial=certificate.serial, reason=reason)


# --- career levels -----------------------------------------------------------------------

def career_paths(app: Flask) -> PathCatalogue:
    content_dir = Path(app.config["CONTENT_DIR"])
    files = tuple(sorted((p.name, p.stat().st_mtime_ns)
                         for p in (content_dir / "paths").glob("*.md")))
    course_slugs = frozenset(db.session.scalars(sa.select(CourseRecord.slug)))
    return _cached_paths(content_dir, files, course_slugs)


@lru_cache(maxsize=8)
def _cached_paths(content_dir: Path, _files: tuple, course_slugs: frozenset) -> PathCatalogue:
    # Keyed by the files' names and modification times: an edited path file reloads.
    return load_paths(content_dir, course_slugs)


def valid_course_certificates(user: User, now: datetime) -> dict[str, Certificate]:
    rows = db.session.execute(
        sa.select(CourseRecord.slug, Certificate)
        .join(Certificate, Certificate.course_id == CourseRecord.id)
        .where(Certificate.user_id == user.id, Certificate.kind == "course",
               Certificate.revoked_at.is_(None))
    ).all()
    return {slug: cert for slug, cert in rows if cert.status(now) == "valid"}


@dataclass(frozen=True)
class LevelProgress:
    track: Track
    level: Level
    held: Certificate | None
    done: tuple[str, ...]  # required course slugs with a valid certificate
    missing: tuple[str, ...]
    months_ok: bool
    eligible_from: datetime | None  # when the time-in-previous-level rule is met

    @property
    def percent(self) -> int:
        total = len(self.done) + len(self.missing)
        return round(100 * len(self.done) / total) if total else 100

    @property
    def ready(self) -> bool:
        return self.held is None and not self.missing and self.months_ok


def level_progress(app: Flask, user: User, now: datetime | None = None
                   ) -> list[list[LevelProgress]]:
    """Per track, every level with what is done and what is missing."""
    now = now or utcnow()
    held = {c.level_id: c for c in db.session.scalars(
        sa.select(Certificate).where(Certificate.user_id == user.id, Certificate.kind == "level",
                                     Certificate.revoked_at.is_(None)))}
    courses = valid_course_certificates(user, now)
    tracks = []
    for track in career_paths(app).tracks:
        levels = []
        for level in track.levels:
            done = tuple(slug for slug in level.requires if slug in courses)
            missing = tuple(slug for slug in level.requires if slug not in courses)
            previous = held.get(level.after) if level.after else None
            eligible_from = None
            if level.after is None:
                months_ok = True
            elif previous is None:
                months_ok = False
            else:
                eligible_from = add_months(previous.issued_at, level.min_months_in_previous)
                months_ok = now >= eligible_from
            levels.append(LevelProgress(track, level, held.get(level.id), done, missing,
                                        months_ok, eligible_from))
        tracks.append(levels)
    return tracks


def issue_levels(app: Flask, user: User, now: datetime | None = None) -> list[Certificate]:
    """Issue every level certificate whose requirements are now met (lowest levels first)."""
    now = now or utcnow()
    issued = []
    for _ in range(10):  # a new level can make the next one eligible (no time rule)
        ready = [p for levels in level_progress(app, user, now) for p in levels if p.ready]
        if not ready:
            break
        for progress in ready:
            certificate = _issue(app, user, kind="level", achievement=f"level:{progress.level.id}",
                                 title=progress.level.title, level_id=progress.level.id,
                                 expires_at=None, now=now,
                                 template_extra={"track": progress.track.title})
            if certificate is not None:
                issued.append(certificate)
    return issued


def live_record(slug: str) -> CourseRecord | None:
    found = live_course(slug)
    return found[0] if found else None
