"""Who hears about progress. (When a course counts as done is trainer.progress's business.)

Services that record progress (a graded exam, a submitted assessment, a decided appeal) call
`notify(user_id, course_id)` after their transaction commits; the certificates package
listens and issues a certificate when everything is done.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class _Listener:
    callback: Callable[[int, int], None]
    relevant: Callable[[int, int], bool] | None


_listeners: list[_Listener] = []


def listen(
    callback: Callable[[int, int], None], relevant: Callable[[int, int], bool] | None = None
) -> None:
    """Call `callback(user_id, course_id)` on progress. `relevant(user_id, course_id)`, when
    given, says cheaply whether the progress can matter to the callback at all: notify()
    skips the callback when it says False."""
    if all(listener.callback is not callback for listener in _listeners):
        _listeners.append(_Listener(callback, relevant))


def notify(user_id: int, course_id: int) -> None:
    """Tell the listeners."""
    for listener in list(_listeners):
        if listener.relevant is not None and not listener.relevant(user_id, course_id):
            continue
        listener.callback(user_id, course_id)
