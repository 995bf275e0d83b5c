"""Who hears about progress. (When a course counts as done is trainer.progress's business.)

Services that record progress (a graded exam, a submitted assessment, a decided appeal) tell
the listeners: `record_progress(user_id, course_id)` inside the transaction that records it,
or `notify(user_id, course_id)` right after that transaction commits. A listener only writes
an outbox row there (the certificates package: a certificate request); the slow work runs
in a background job once the transaction has committed (trainer.jobs).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from trainer.database import write_transaction


@dataclass(frozen=True)
class _Listener:
    callback: Callable[[int, int], None]
    relevant: Callable[[int, int], bool] | None


_listeners: list[_Listener] = []


def listen(
    callback: Callable[[int, int], None], relevant: Callable[[int, int], bool] | None = None
) -> None:
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


def notify(user_id: int, course_id: int) -> None:
    """Progress already committed: tell the relevant listeners, in a write transaction of
    their own."""
    relevant = [
        listener
        for listener in list(_listeners)
        if listener.relevant is None or listener.relevant(user_id, course_id)
    ]
    if not relevant:
        return
    with write_transaction():
        for listener in relevant:
            listener.callback(user_id, course_id)
