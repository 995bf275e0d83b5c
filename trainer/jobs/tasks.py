"""The jobs and the scheduler's timetable.

Each job runs in an app context of its own (a worker has no request). Periodic jobs are
Huey periodic tasks: the worker started with the scheduler (`flask trainer worker`, the
default) enqueues them on time; workers started with --no-scheduler only run jobs.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable

from flask import Flask
from huey import crontab

from trainer.jobs import Jobs

logger = logging.getLogger(__name__)

# Mondays (huey: 0 is Sunday) at 08:40, in the scheduler's time zone: the week's digest of
# overdue people for the managers of departments; a later run that week adds nothing.
MANAGER_DIGEST_SCHEDULE = crontab(minute="40", hour="8", day_of_week="1")


def register(jobs: Jobs, app: Flask) -> None:
    config = app.config
    # A failing job waits JOBS_RETRY_DELAY seconds, then twice as long each time.
    retry = {
        "retries": int(config["JOBS_RETRIES"]),
        "retry_delay": int(config["JOBS_RETRY_DELAY"]),
        "retry_backoff": 2,
    }

    def job(function: Callable, **options) -> None:
        jobs.tasks[function.__name__] = jobs.huey.task(name=function.__name__, **options)(
            _in_app_context(app, function)
        )

    def periodic(function: Callable, schedule) -> None:
        jobs.tasks[function.__name__] = jobs.huey.periodic_task(schedule, name=function.__name__)(
            _in_app_context(app, function)
        )

    job(issue_certificate, **retry)
    job(issue_levels, **retry)
    job(build_certificate_zip, **retry)
    job(build_report_export, **retry)
    job(apply_staff_import, **retry)
    job(send_notifications, **retry)
    job(send_invitations, **retry)
    periodic(close_expired_attempts, crontab(minute="*"))
    periodic(sweep_lost_jobs, crontab(minute="*/5"))
    periodic(career_levels, crontab(minute="15"))
    periodic(recertification_windows, crontab(minute="20"))
    periodic(send_reminders, crontab(minute="30"))
    periodic(manager_digests, MANAGER_DIGEST_SCHEDULE)


def _in_app_context(app: Flask, function: Callable) -> Callable:
    @functools.wraps(function)
    def run(*args):
        from trainer.extensions import db

        with app.app_context():
            try:
                return function(app, *args)
            finally:
                db.session.remove()

    return run


# --- jobs ----------------------------------------------------------------------------------


def issue_certificate(app: Flask, request_id: int) -> str | None:
    """Decide one certificate request (trainer.certificates.issuing)."""
    from trainer.certificates import issuing

    return issuing.process_request(app, request_id)


def issue_levels(app: Flask, user_id: int) -> int:
    """Record the career levels this person has reached as eligible (HR decides), and issue
    the level certificates of the promotions HR approved."""
    from trainer.certificates import issuing

    return len(issuing.issue_levels_of(app, user_id))


def build_certificate_zip(app: Flask, zip_id: int) -> int | None:
    """A department's certificates as one ZIP (trainer.certificates.zips)."""
    from trainer.certificates import zips

    return zips.build(app, zip_id)


def build_report_export(app: Flask, export_id: int) -> int | None:
    """One of HR's reports as CSV or XLSX (trainer.hr.reports.jobs)."""
    from trainer.hr.reports import jobs

    return jobs.build(export_id)


def apply_staff_import(app: Flask, batch_id: int) -> dict | None:
    """A staff file HR confirmed, applied in one transaction (trainer.hr.staff.importer)."""
    from trainer.clock import local_today
    from trainer.hr.staff.importer import apply_requested

    return apply_requested(batch_id, local_today())


def send_notifications(app: Flask) -> int:
    """Send the e-mails waiting in the outbox (notifications of events, reminders), each in
    its reader's language; nothing when SMTP is not configured (they stay in the app)."""
    from trainer.hr.reminders.service import MailSettings, deliver

    config = app.config
    report = deliver(
        MailSettings.from_config(config),
        site_name=config["SITE_NAME"],
        default_locale=config["BABEL_DEFAULT_LOCALE"],
        base_url=config["BASE_URL"],
    )
    for error in report.errors:
        logger.warning("notifications: %s", error)
    return report.sent


def send_invitations(app: Flask, batch_id: int) -> int | None:
    """HR's invitations to a group: links by e-mail and the printable sheets
    (trainer.hr.invitations.service)."""
    from trainer.hr.invitations import service

    return service.build(app, batch_id)


# --- the scheduler's timetable -------------------------------------------------------------


def close_expired_attempts(app: Flask) -> int:
    """Grade every exam attempt whose time ran out."""
    from trainer.quizzes.service import close_expired

    closed = close_expired()
    if closed:
        logger.info("closed %d expired attempt(s)", closed)
    return closed


def sweep_lost_jobs(app: Flask) -> int:
    """Enqueue again the requests no job has finished (lost or crashed jobs: the rows of
    certificate_requests, certificate_zips and report_exports still open, staff imports
    confirmed but not applied, e-mails of notifications not sent); forget ZIPs and report
    exports built long ago."""
    from trainer.certificates import issuing, zips
    from trainer.hr.invitations import service as invitations
    from trainer.hr.reports import jobs as report_exports
    from trainer.hr.staff.importer import requeue_lost_applies
    from trainer.notifications.service import requeue_lost_emails

    zips.forget_old()
    report_exports.forget_old()
    invitations.forget_old()
    return (
        issuing.requeue_stale_requests()
        + zips.requeue_stale()
        + report_exports.requeue_stale()
        + invitations.requeue_stale()
        + requeue_lost_applies()
        + requeue_lost_emails()
    )


def career_levels(app: Flask) -> int:
    """Levels whose waiting time is over (nothing else happens on the day it ends) become
    eligible; approved promotions whose certificate job was lost are taken up again."""
    from trainer.certificates import issuing

    return issuing.enqueue_ready_levels(app)


def recertification_windows(app: Flask) -> int:
    """Tell holders whose recertification window has opened (in the app, and by e-mail)."""
    from trainer.clock import local_today
    from trainer.hr.reminders.service import queue_recertification_notices

    queued = queue_recertification_notices(local_today())
    send_notifications(app)
    return queued


def send_reminders(app: Flask) -> int:
    """Reminders that are due: in the app, and by e-mail when SMTP is configured."""
    from trainer.clock import local_today
    from trainer.hr.reminders.service import MailSettings
    from trainer.hr.reminders.service import send_reminders as send

    config = app.config
    report = send(
        MailSettings.from_config(config),
        local_today(),
        config["REMINDER_DAYS"],
        config["BABEL_DEFAULT_LOCALE"],
        config["SITE_NAME"],
        config["BASE_URL"],
    )
    for error in report.errors:
        logger.warning("reminders: %s", error)
    return report.queued


def manager_digests(app: Flask) -> int:
    """The weekly digest of each managed department's overdue people, to its manager (in the
    app, and by e-mail when SMTP is configured)."""
    from trainer.clock import local_today
    from trainer.hr.reminders.service import queue_manager_digests

    queued = queue_manager_digests(local_today())
    send_notifications(app)
    return queued
