"""Who hears about progress: completion.listen / notify."""

import pytest

from trainer import completion


@pytest.fixture
def listeners(monkeypatch):
    monkeypatch.setattr(completion, "_listeners", [])
    return completion._listeners


def test_a_listener_whose_predicate_says_no_is_not_called(app, listeners):
    heard = []
    completion.listen(lambda user, course: heard.append(("all", user, course)))
    completion.listen(
        lambda user, course: heard.append(("even", user, course)),
        relevant=lambda user, course: course % 2 == 0,
    )
    completion.notify(7, 3)
    completion.notify(7, 4)
    assert heard == [("all", 7, 3), ("all", 7, 4), ("even", 7, 4)]


def test_a_callback_is_registered_once(listeners):
    def callback(user, course):
        pass

    completion.listen(callback)
    completion.listen(callback)
    assert len(listeners) == 1
