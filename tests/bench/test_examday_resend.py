"""The exam-day client resends a request once when the server closed the connection without any
answer (as browsers do on a kept-alive connection), and nothing else."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import requests

from bench.examday.scenario import browser_like_resend, resends_of

ANSWER = b"HTTP/1.1 %d X\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"


@contextmanager
def server(behaviours: list[str]) -> Iterator[tuple[str, list[bytes]]]:
    """One connection per behaviour, in order: "close" reads the request and closes without a
    byte of answer; "200" / "500" answer with that status; "cut" closes in the middle of the
    answer's body.
    Yields the base URL and the requests received (one per connection)."""
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    received: list[bytes] = []

    def serve() -> None:
        for behaviour in behaviours:
            try:
                connection, _ = listener.accept()
            except OSError:
                return
            with connection:
                data = b""
                while b"\r\n\r\n" not in data:
                    data += connection.recv(65536)
                head, _, body = data.partition(b"\r\n\r\n")
                length = next(
                    (
                        int(line.split(b":")[1])
                        for line in head.split(b"\r\n")
                        if line.lower().startswith(b"content-length:")
                    ),
                    0,
                )
                while len(body) < length:
                    body += connection.recv(65536)
                received.append(head.split(b"\r\n")[0] + b" " + body)
                if behaviour == "cut":
                    connection.sendall(b"HTTP/1.1 200 X\r\nContent-Length: 10\r\n\r\nok")
                elif behaviour != "close":
                    connection.sendall(ANSWER % int(behaviour))

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{port}", received
    finally:
        listener.shutdown(socket.SHUT_RDWR)  # wakes an accept() still waiting
        listener.close()
        thread.join(timeout=5)


def session() -> requests.Session:
    client = requests.Session()
    client.get_adapter("http://").max_retries = browser_like_resend()
    return client


def test_a_request_closed_unanswered_is_sent_once_more_with_its_body():
    with server(["close", "200"]) as (base, received):
        response = session().post(base + "/quiz/attempt/7/save", data={"q1": "B"})
    assert response.status_code == 200
    assert resends_of(response) == 1
    assert received == [b"POST /quiz/attempt/7/save HTTP/1.1 q1=B"] * 2


def test_an_answered_request_is_not_resent():
    with server(["200"]) as (base, received):
        response = session().get(base + "/courses/x")
    assert (response.status_code, resends_of(response), len(received)) == (200, 0, 1)


def test_an_error_status_is_an_answer_and_is_not_resent():
    with server(["500", "200"]) as (base, received):
        response = session().post(base + "/quiz/attempt/7/submit", data={"q1": "B"})
    assert (response.status_code, resends_of(response), len(received)) == (500, 0, 1)


def test_a_second_close_is_an_error_after_two_sends():
    with (
        server(["close", "close", "200"]) as (base, received),
        pytest.raises(requests.ConnectionError),
    ):
        session().post(base + "/quiz/attempt/7/save", data={"q1": "B"})
    assert len(received) == 2


def test_an_answer_cut_off_midway_is_an_error_and_is_not_resent():
    with server(["cut", "200"]) as (base, received), pytest.raises(requests.RequestException):
        session().post(base + "/quiz/attempt/7/submit", data={"q1": "B"}).content  # noqa: B018
    assert len(received) == 1


def test_a_refused_connection_is_an_error_at_once():
    with socket.create_server(("127.0.0.1", 0)) as closed_again:  # a port nobody listens on
        port = closed_again.getsockname()[1]
    with pytest.raises(requests.ConnectionError):
        session().get(f"http://127.0.0.1:{port}/auth/login")
