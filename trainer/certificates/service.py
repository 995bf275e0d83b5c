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
from sqlalchemy.orm import selectinload

from trainer.audit import service as audit
from trainer.auth.authority import Refused, check_manage, may_manage
from trainer.content import settings_of
from trainer.content.paths import Level, PathCatalogue, Track, load_paths
from trainer.courses.service import live_course
from trainer.database import write_transaction
from trainer.extensions import db
from trainer.jobs import enqueue_after_commit
from trainer.models import (
    Certificate,
    CertificateSerial,
    CourseRecord,
    CourseVersion,
    LevelPromotion,
    Position,
    User,
    utcnow,
)
from trainer.notifications import notify, path_for
from trainer.progress import CertificateState, standing_of, standings

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
    return moment.replace(year=year, month=month, day=min(moment.day, monthrange(year, month)[1]))


# --- completion -------------------------------------------------------------------------


def may_be_complete(user_id: int, course_id: int) -> bool:
    """False when the course certainly is not done for this learner now."""
    standing = standing_of(user_id, course_id)
    return standing is not None and standing.may_issue


def issue_if_complete(
    app: Flask, user: User, record: CourseRecord, now: datetime | None = None
) -> Certificate | None:
    """Issue the course certificate when everything is done; exactly once per cycle (the
    achievement course:<id>:<cycle> is unique per person). Slow (a PDF): run it in a job,
    trainer.certificates.issuing, never in a request."""
    now = now or utcnow()
    version = record.current_version
    if version is None:
        return None
    completion = standing_of(user.id, record.id, now)
    if completion is None or not completion.may_issue:
        return None
    cycle_number = 1 + db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Certificate)
        .where(Certificate.user_id == user.id, Certificate.course_id == record.id)
    )
    months = settings_of(version).certificate.validity_months
    certificate = _issue(
        app,
        user,
        kind="course",
        achievement=f"course:{record.id}:{cycle_number}",
        title=version.title,
        course_id=record.id,
        version_id=version.id,
        expires_at=add_months(now, months) if months else None,
        now=now,
        template_extra={
            "practical": completion.practical is not None,
            "attitude": completion.attitude is not None,
        },
    )
    return certificate


def _issue(
    app: Flask,
    user: User,
    *,
    kind: str,
    achievement: str,
    title: str,
    now: datetime,
    expires_at: datetime | None,
    course_id: int | None = None,
    version_id: int | None = None,
    level_id: str | None = None,
    template_extra: dict | None = None,
) -> Certificate:
    """Insert one certificate with its PDF, or return the one issued for this achievement
    already. The (user, achievement) unique constraint decides between two concurrent issues:
    the loser returns the winner's certificate. The PDF is rendered before the write
    transaction, which is only the INSERT: on SQLite, no other writer waits for a render."""
    from trainer.certificates.pdf import render_pdf

    existing = _by_achievement(user.id, achievement)
    if existing is not None:
        return existing
    certificate = Certificate(
        serial=take_serial(now.year),
        code=new_code(),
        kind=kind,
        achievement=achievement,
        user_id=user.id,
        holder_name=user.display_name,
        course_id=course_id,
        version_id=version_id,
        level_id=level_id,
        title=title,
        issued_at=now,
        expires_at=expires_at,
    )
    db.session.commit()  # no transaction stays open during the render
    certificate.pdf, certificate.pdf_sha256 = render_pdf(
        app, _template_for(certificate), pdf_context(app, certificate, template_extra or {})
    )
    try:
        with write_transaction():
            db.session.add(certificate)
            db.session.flush()
            audit.record(
                None,
                "certificate.issued",
                "certificate",
                certificate.id,
                serial=certificate.serial,
                user=user.employee_no,
                title=title,
            )
            notify(
                db.session(),
                user,
                "certificate_issued",
                {"title": title, "serial": certificate.serial},
                path_for("certificates.mine"),
                subject=("certificate", certificate.id),
            )
    except IntegrityError:
        # Issued meanwhile by another job: that certificate stands (its serial number is
        # used, this one stays a gap). Anything else is an error, and the job is retried.
        winner = _by_achievement(user.id, achievement)
        if winner is None:
            raise
        return winner
    return certificate


def take_serial(year: int) -> str:
    """The next serial number of `year`, TRN-<year>-<number>: one UPDATE ... RETURNING on the
    year's counter, which the database runs one at a time (see CertificateSerial)."""
    for _ in range(2):  # the year's counter row may be inserted concurrently, once
        try:
            with write_transaction():
                number = db.session.scalar(
                    sa.update(CertificateSerial)
                    .where(CertificateSerial.year == year)
                    .values(last_number=CertificateSerial.last_number + 1)
                    .returning(CertificateSerial.last_number)
                    .execution_options(synchronize_session=False)
                )
                if number is None:  # the year's first: continue after any issued before
                    number = _highest_serial_number(year) + 1
                    db.session.add(CertificateSerial(year=year, last_number=number))
            return f"TRN-{year}-{number:06d}"
        except IntegrityError:
            continue
    raise RuntimeError(f"could not take a serial number for {year}")


def _highest_serial_number(year: int) -> int:
    """The highest number of `year` among certificates issued before the year's counter
    existed (installations that issued certificates before this counter was added)."""
    prefix = f"TRN-{year}-"
    serials = db.session.scalars(
        sa.select(Certificate.serial).where(Certificate.serial.like(f"{prefix}%"))
    )
    numbers = [int(serial[len(prefix) :]) for serial in serials if serial[len(prefix) :].isdigit()]
    return max(numbers, default=0)


def _by_achievement(user_id: int, achievement: str) -> Certificate | None:
    return db.session.scalar(
        sa.select(Certificate).where(
            Certificate.user_id == user_id, Certificate.achievement == achievement
        )
    )


def _template_for(certificate: Certificate) -> str:
    return "pdf/level_certificate.html" if certificate.kind == "level" else "pdf/certificate.html"


def pdf_context(
    app: Flask, certificate: Certificate, extra: dict, revoked: str | None = None
) -> dict:
    """A plain dict: the PDF template sees nothing but these values."""
    logo = app.config.get("CERTIFICATE_LOGO")
    logo_path = Path(app.static_folder) / logo if logo else None
    verify_url = f"{app.config['BASE_URL']}/verify/{certificate.code_display}"
    from trainer.certificates.pdf import qr_svg_data_uri

    return {
        "company": app.config["COMPANY_NAME"],
        "logo": logo_path.as_uri() if logo_path and logo_path.is_file() else None,
        "holder": certificate.holder_name,
        "title": certificate.title,
        "serial": certificate.serial,
        "code": certificate.code_display,
        "issued": certificate.issued_at.strftime("%Y-%m-%d"),
        "expires": certificate.expires_at.strftime("%Y-%m-%d") if certificate.expires_at else "",
        "qr": qr_svg_data_uri(verify_url),
        "verify_url": verify_url,
        "track": extra.get("track", ""),
        "practical": extra.get("practical", False),
        "attitude": extra.get("attitude", False),
        "revoked": revoked,
    }


def statement_of(app: Flask, certificate: Certificate) -> dict:
    """What the certificate states beyond its title, as when it was issued: for a course,
    whether its version required a practical and an attitude assessment; for a level, its
    career track."""
    if certificate.kind == "level":
        found = career_paths(app).level(certificate.level_id or "")
        return {"track": found[0].title if found else ""}
    version = (
        db.session.get(CourseVersion, certificate.version_id) if (certificate.version_id) else None
    )
    if version is None:
        return {}
    settings = settings_of(version)
    return {"practical": settings.practical_required, "attitude": settings.attitude_required}


def pdf_for_download(app: Flask, certificate: Certificate) -> bytes:
    """The stored PDF, unchanged; a revoked one is re-rendered with REVOKED across it."""
    if certificate.revoked_at is None:
        return certificate.pdf
    from trainer.certificates.pdf import render_pdf

    extra = statement_of(app, certificate)
    pdf, _ = render_pdf(
        app,
        _template_for(certificate),
        pdf_context(app, certificate, extra, revoked=certificate.revoked_at.strftime("%Y-%m-%d")),
    )
    return pdf


# --- finding, verifying, revoking --------------------------------------------------------


def find_by_code(typed: str) -> Certificate | None:
    code = normalise_code(typed)
    if code is None:
        return None
    return db.session.scalar(sa.select(Certificate).where(Certificate.code == code))


def certificates_of(user: User) -> list[Certificate]:
    return list(
        db.session.scalars(
            sa.select(Certificate)
            .where(Certificate.user_id == user.id)
            .order_by(Certificate.issued_at.desc())
        )
    )


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
        audit.record(
            by,
            "certificate.revoked",
            "certificate",
            certificate.id,
            serial=certificate.serial,
            reason=reason,
            user=certificate.user.employee_no,
            holder_name=certificate.holder_name,
        )


# --- career levels -----------------------------------------------------------------------


def career_paths(app: Flask) -> PathCatalogue:
    content_dir = Path(app.config["CONTENT_DIR"])
    files = tuple(
        sorted((p.name, p.stat().st_mtime_ns) for p in (content_dir / "paths").glob("*.md"))
    )
    course_slugs = frozenset(db.session.scalars(sa.select(CourseRecord.slug)))
    return _cached_paths(content_dir, files, course_slugs)


@lru_cache(maxsize=8)
def _cached_paths(content_dir: Path, _files: tuple, course_slugs: frozenset) -> PathCatalogue:
    # Keyed by the files' names and modification times: an edited path file reloads.
    return load_paths(content_dir, course_slugs)


def valid_course_certificates(user: User, now: datetime) -> dict[str, CertificateState]:
    """Slug → the person's valid certificate, for every course they are certified in."""
    return certified_courses([user.id], now).get(user.id, {})


def certified_courses(people, now: datetime) -> dict[int, dict[str, CertificateState]]:
    """Per person: slug → valid course certificate (trainer.progress), for many at once."""
    found = standings(people, now=now)
    certified: dict[int, dict[str, CertificateState]] = {}
    for user_id, course_id in found.touched_keys():
        standing = found[(user_id, course_id)]
        if standing.certified:
            certified.setdefault(user_id, {})[standing.course.slug] = standing.cycle.certificate
    return certified


# A declined promotion is recorded as eligible again, if the person still meets the level's
# requirements, this many months after HR's decision: a decision stands for a while, but
# does not close the level for good.
RECONSIDER_AFTER_MONTHS = 3


@dataclass(frozen=True)
class LevelProgress:
    track: Track
    level: Level
    held: Certificate | None
    done: tuple[str, ...]  # required course slugs with a valid certificate
    missing: tuple[str, ...]
    months_ok: bool
    eligible_from: datetime | None  # when every time-in-level rule is met
    # The level requires the person's own position's courses, and the person has no
    # position this track names: HR has to set it before anything else can count.
    position_missing: bool = False
    promotion: LevelPromotion | None = None  # the latest eligibility and HR's decision
    reconsider_from: datetime | None = None  # after a decline: when it may be eligible again
    may_reconsider: bool = False  # that time has come

    @property
    def percent(self) -> int:
        total = len(self.done) + len(self.missing)
        return round(100 * len(self.done) / total) if total else 100

    @property
    def complete(self) -> bool:
        """Every requirement met and not held yet: the person is eligible for promotion."""
        return (
            self.held is None and not self.missing and self.months_ok and not self.position_missing
        )

    @property
    def awaiting_decision(self) -> bool:
        return (
            self.held is None and self.promotion is not None and self.promotion.status == "eligible"
        )

    @property
    def approved(self) -> bool:
        """Approved by HR, its certificate not issued yet (the job is on its way)."""
        return (
            self.held is None
            and self.promotion is not None
            and self.promotion.status == "approved"
            and self.promotion.certificate_id is None
        )

    @property
    def declined(self) -> bool:
        return (
            self.held is None and self.promotion is not None and self.promotion.status == "declined"
        )

    @property
    def ready(self) -> bool:
        """Complete, and no eligibility recorded yet (or a decline old enough to reconsider):
        the scheduler's job records it."""
        if not self.complete:
            return False
        return self.promotion is None or self.may_reconsider


def level_progress(
    app: Flask, user: User, now: datetime | None = None
) -> list[list[LevelProgress]]:
    """Per track, every level with what is done and what is missing."""
    return levels_of(app, [user.id], now)[user.id]


def levels_of(
    app: Flask, user_ids: list[int], now: datetime | None = None
) -> dict[int, list[list[LevelProgress]]]:
    """level_progress of many people, in a fixed number of queries."""
    now = now or utcnow()
    held_by: dict[int, dict[str, Certificate]] = {}
    for certificate in db.session.scalars(
        sa.select(Certificate).where(
            Certificate.user_id.in_(user_ids),
            Certificate.kind == "level",
            Certificate.revoked_at.is_(None),
        )
    ):
        held_by.setdefault(certificate.user_id, {})[certificate.level_id] = certificate
    promotions_by: dict[int, dict[str, LevelPromotion]] = {}
    for promotion in db.session.scalars(
        sa.select(LevelPromotion)
        .where(LevelPromotion.user_id.in_(user_ids))
        .order_by(LevelPromotion.eligible_at, LevelPromotion.id)
    ):  # the latest row of each level wins
        promotions_by.setdefault(promotion.user_id, {})[promotion.level_id] = promotion
    positions = dict(
        db.session.execute(
            sa.select(User.id, Position.code)
            .join(Position, User.position_id == Position.id)
            .where(User.id.in_(user_ids))
        ).all()
    )
    certified = certified_courses(user_ids, now)
    catalogue = career_paths(app)
    return {
        user_id: _levels(
            catalogue,
            held_by.get(user_id, {}),
            certified.get(user_id, {}),
            now,
            positions.get(user_id),
            promotions_by.get(user_id, {}),
        )
        for user_id in user_ids
    }


def _levels(
    catalogue: PathCatalogue,
    held: dict[str, Certificate],
    courses: dict[str, CertificateState],
    now: datetime,
    position_code: str | None = None,
    promotions: dict[str, LevelPromotion] | None = None,
) -> list[list[LevelProgress]]:
    promotions = promotions or {}
    tracks = []
    for track in catalogue.tracks:
        levels = []
        for level in track.levels:
            required = track.requirements(level, position_code)
            position_missing = required is None
            required = required if required is not None else level.requires
            done = tuple(slug for slug in required if slug in courses)
            missing = tuple(slug for slug in required if slug not in courses)
            months_ok, eligible_from = True, None
            for needed, months in (
                (level.after, level.min_months_in_previous),
                (level.requires_level, level.min_months_in_required_level),
            ):
                if needed is None:
                    continue
                previous = held.get(needed)
                if previous is None:
                    months_ok = False
                    continue
                since = add_months(previous.issued_at, months)
                eligible_from = max(eligible_from or since, since)
                months_ok = months_ok and now >= since
            promotion = promotions.get(level.id)
            reconsider_from = None
            if promotion is not None and promotion.status == "declined" and promotion.decided_at:
                reconsider_from = add_months(promotion.decided_at, RECONSIDER_AFTER_MONTHS)
            levels.append(
                LevelProgress(
                    track,
                    level,
                    held.get(level.id),
                    done,
                    missing,
                    months_ok,
                    eligible_from,
                    position_missing,
                    promotion,
                    reconsider_from,
                    reconsider_from is not None and now >= reconsider_from,
                )
            )
        tracks.append(levels)
    return tracks


class PromotionError(Exception):
    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def _insert_promotion():
    if db.session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(LevelPromotion)


def record_eligibility(app: Flask, user: User, now: datetime | None = None) -> list[str]:
    """Record the person as eligible for every level whose requirements are now all met
    (ids of the levels newly recorded). Eligible, not promoted: HR decides."""
    now = now or utcnow()
    ready = [p for levels in level_progress(app, user, now) for p in levels if p.ready]
    recorded = []
    if not ready:
        return recorded
    with write_transaction():
        for progress in ready:
            promotion_id = db.session.scalar(
                _insert_promotion()
                .values(
                    user_id=user.id, level_id=progress.level.id, status="eligible", eligible_at=now
                )
                .on_conflict_do_nothing()
                .returning(LevelPromotion.id)
            )
            if promotion_id is None:  # recorded meanwhile by another job
                continue
            audit.record(
                None,
                "promotion.eligible",
                "level_promotion",
                promotion_id,
                user=user.employee_no,
                level=progress.level.id,
            )
            recorded.append(progress.level.id)
    return recorded


def issue_approved_levels(app: Flask, user: User, now: datetime | None = None) -> list[Certificate]:
    """Issue the level certificate of every promotion HR approved (exactly once: the
    achievement level:<id> is unique per person)."""
    now = now or utcnow()
    approved = db.session.scalars(
        sa.select(LevelPromotion)
        .where(
            LevelPromotion.user_id == user.id,
            LevelPromotion.status == "approved",
            LevelPromotion.certificate_id.is_(None),
        )
        .order_by(LevelPromotion.id)
    ).all()
    catalogue = career_paths(app)
    issued = []
    for promotion in approved:
        found = catalogue.level(promotion.level_id)
        if found is None:  # the level left the path files after approval: nothing to issue
            continue
        track, level = found
        certificate = _issue(
            app,
            user,
            kind="level",
            achievement=f"level:{level.id}",
            title=level.title,
            level_id=level.id,
            expires_at=None,
            now=now,
            template_extra={"track": track.title},
        )
        with write_transaction():
            db.session.execute(
                sa.update(LevelPromotion)
                .where(LevelPromotion.id == promotion.id)
                .values(certificate_id=certificate.id)
                .execution_options(synchronize_session=False)
            )
        issued.append(certificate)
    return issued


def issue_levels(app: Flask, user: User, now: datetime | None = None) -> list[Certificate]:
    """The level job: record newly reached levels as eligible, and issue the certificates of
    the promotions HR approved."""
    record_eligibility(app, user, now)
    return issue_approved_levels(app, user, now)


@dataclass(frozen=True)
class PromotionToDecide:
    promotion: LevelPromotion
    person: User
    track_title: str
    level_title: str


def promotions_to_decide(app: Flask, actor: User) -> list[PromotionToDecide]:
    """Eligible promotions waiting for a decision, of the people the actor manages (the
    who-manages-whom rule of trainer.auth.authority), oldest first."""
    catalogue = career_paths(app)
    rows = []
    for promotion in db.session.scalars(
        sa.select(LevelPromotion)
        .where(LevelPromotion.status == "eligible")
        .options(selectinload(LevelPromotion.user).selectinload(User.role_rows))
        .order_by(LevelPromotion.eligible_at, LevelPromotion.id)
    ):
        person = promotion.user
        if not person.active or not may_manage(actor, person):
            continue
        found = catalogue.level(promotion.level_id)
        track_title, level_title = (
            (found[0].title, found[1].title) if found else ("", promotion.level_id)
        )
        rows.append(PromotionToDecide(promotion, person, track_title, level_title))
    return rows


def decide_promotion(
    actor: User, promotion_id: int, approve: bool, reason: str, now: datetime | None = None
) -> LevelPromotion:
    """HR approves or declines an eligible promotion, with a reason; audited. An approval
    has the level job issue the certificate once this transaction commits."""
    reason = (reason or "").strip()
    if not reason:
        raise PromotionError("reason-missing")
    now = now or utcnow()
    with write_transaction():
        promotion = db.session.get(LevelPromotion, promotion_id, populate_existing=True)
        if promotion is None:
            raise PromotionError("not-found")
        try:
            check_manage(actor, promotion.user)
        except Refused as refused:
            raise PromotionError("not-allowed") from refused
        if promotion.status != "eligible":
            raise PromotionError("already-decided")
        promotion.status = "approved" if approve else "declined"
        promotion.decided_at = now
        promotion.decided_by_id = actor.id
        promotion.reason = reason
        audit.record(
            actor,
            "promotion.approved" if approve else "promotion.declined",
            "level_promotion",
            promotion.id,
            user=promotion.user.employee_no,
            level=promotion.level_id,
            reason=reason,
        )
        if approve:
            enqueue_after_commit(db.session(), "issue_levels", promotion.user_id)
    return promotion


def live_record(slug: str) -> CourseRecord | None:
    found = live_course(slug)
    return found[0] if found else None
