"""A real SMTP server on 127.0.0.1 (aiosmtpd) that keeps what it receives."""

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from email import message_from_bytes
from email.header import decode_header, make_header

from aiosmtpd.controller import Controller

from trainer.hr.reminders.service import MailSettings


class Inbox:
    def __init__(self):
        self.messages = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        with self.lock:
            self.messages.append((envelope.rcpt_tos, message_from_bytes(envelope.content)))
        return "250 OK"

    def subjects(self) -> list[str]:
        return sorted(str(make_header(decode_header(m["Subject"]))) for _to, m in self.messages)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def running_smtp_server() -> Iterator[tuple[Inbox, MailSettings]]:
    """(inbox, MailSettings pointing at the server) while the server runs."""
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield (
            inbox,
            MailSettings("127.0.0.1", controller.port, None, None, False, "training@example.com"),
        )
    finally:
        controller.stop()


def parts_of(message) -> dict[str, str]:
    """The text of each part of a received e-mail, by content type (text/plain, text/html)."""
    return {
        part.get_content_type(): part.get_payload(decode=True).decode(
            part.get_content_charset() or "utf-8"
        )
        for part in message.walk()
        if not part.is_multipart()
    }
