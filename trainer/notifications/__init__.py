"""Notifications: people are told what happened, when it happens.

An event's service calls notify() inside the transaction that records the event, so the
event and its notification are saved together (or neither is). The row keeps a kind and the
facts (params); texts.py writes the sentence in the reader's language when the row is shown
(the notifications page) or sent (the e-mail job, trainer.jobs.tasks.send_notifications,
enqueued once the transaction commits). The nightly reminders (trainer.hr.reminders) write
the same rows and are sent by the same job.
"""

from trainer.notifications.service import (
    Shown,
    hr_who_manage,
    mark_all_read,
    notifications_of,
    notify,
    open_notification,
    path_for,
    unread_count,
)

__all__ = [
    "Shown",
    "hr_who_manage",
    "mark_all_read",
    "notifications_of",
    "notify",
    "open_notification",
    "path_for",
    "unread_count",
]
