"""When a course counts as done, per certification cycle, and who hears about progress.

A cycle starts when a learner first takes a course; it ends when their certificate's
recertification window opens (N days before expiry) or when the certificate is revoked.
Quiz attempts and assessments from before the current cycle's start do not count again.

Services that record progress (a graded exam, a submitted assessment, a decided appeal) tell
the listeners: `record_progress(user_id, course_id)` inside the transaction that records it,
or `notify(user_id, course_id)` right after that transaction commits. A listener only writes
an outbox row there (the certificates package: a certificate request); the slow work runs
in a background job once the transaction has committed (trainer.jobs).
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager, ExitStack
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa

from trainer.database import write_transaction
from trainer.extensions import db
from trainer.models import Certificate, CourseVersion


@dataclass(frozen=True)
class _Listener:
    callback: Callable[[int, int], None]
    relevant: Callable[[int, int], bool] | None


_listeners: list[_Listener] = []


def listen(callback: Callable[[int, int], None],
           relevant: Callable[[int, int], bool] | None = None) -> None:
    """Call `callback(user_id, course_id)` on progress, inside the transaction that records
    it. `relevant(user_id, course_id)`, when given, says cheaply whether committed progress
    can matter to the callback at all: notify() skips the callback when it says False."""
    if all(listener.callback is not callback for listener in _listeners):
        _listeners.append(_Listener(callback, relevant))


def record_progress(user_id: int, course_id: int) -> None:
    """Inside the transaction that records progress: every listener writes its outbox rows
    there, so the progress and what it sets off are committed together or not at all.
    `relevant` is not asked: it may not see this transaction's own, uncommitted rows."""
    for listener in list(_listeners):
        listener.callback(user_id, course_id)


def notify(user_id: int, course_id: int,
           within: Callable[[], AbstractContextManager] | None = None) -> None:
    """Progress already committed: tell the relevant listeners, in a write transaction of
    their own. `within` makes a context to run them in (the submit shortcut gives them a
    request there); it is entered only when a listener is to run."""
    relevant = [listener for listener in list(_listeners)
                if listener.relevant is None or listener.relevant(user_id, course_id)]
    if not relevant:
        return
    with ExitStack() as entered:
        if within is not None:
            entered.enter_context(within())
        with write_transaction():
            for listener in relevant:
                listener.callback(user_id, course_id)


@dataclass(frozen=True)
class Cycle:
    since: datetime | None  # count only progress made at or after this moment
    certificate: Certificate | None  # the latest course certificate, if any
    certified: bool  # holds a valid certificate now
    window_opens_at: datetime | None  # when recertification opens (None: no certificate)

    @property
    def recertifying(self) -> bool:
        return self.certificate is not None and self.since is not None


def current_cycle(user_id: int, course_id: int, now: datetime) -> Cycle:
    latest = db.session.scalar(
        sa.select(Certificate)
        .where(Certificate.user_id == user_id, Certificate.course_id == course_id,
               Certificate.kind == "course")
        .order_by(Certificate.issued_at.desc(), Certificate.id.desc()).limit(1))
    if latest is None:
        return Cycle(None, None, False, None)
    if latest.revoked_at is not None:
        return Cycle(latest.revoked_at, latest, False, None)
    if latest.expires_at is None:
        return Cycle(None, latest, True, None)
    window_days = recertify_window_days(latest.version_id)
    opens_at = latest.expires_at - timedelta(days=window_days)
    if now < opens_at:
        return Cycle(None, latest, True, opens_at)
    # Progress that led to the current certificate never counts for the next one.
    since = max(opens_at, latest.issued_at)
    return Cycle(since, latest, now < latest.expires_at, opens_at)


def recertify_window_days(version_id: int | None) -> int:
    if version_id is None:
        return 0
    settings = db.session.scalar(sa.select(CourseVersion.settings)
                                 .where(CourseVersion.id == version_id))
    return int((settings or {}).get("certificate", {}).get("recertify_window_days", 0))
