"""A real SMTP server (aiosmtpd) in the test process, the percolator index, and helpers."""

from __future__ import annotations

import email
import email.policy
import socket
import threading

import pytest
from aiosmtpd.controller import Controller

from tests.conftest import delete_test_indices


class Mailbox:
    """What the SMTP server received, parsed."""

    def __init__(self) -> None:
        self.messages: list[email.message.EmailMessage] = []
        self._lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self._lock:
            self.messages.append(message)
        return "250 OK"

    def bodies(self, message) -> tuple[str, str]:
        text = message.get_body(("plain",)).get_content()
        html = message.get_body(("html",)).get_content()
        return text, html


@pytest.fixture
def mailbox(settings):
    box = Mailbox()
    with socket.socket() as probe:  # a free port (aiosmtpd checks its server by connecting)
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    settings.ALERTS_EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.ALERTS_SITE_URL = "https://ctsearch.example"
    yield box
    controller.stop()


@pytest.fixture
def alerts_engine(search_index):
    """Fresh articles index (search_index) and a fresh percolator query index."""
    from articles.search.percolator import ensure_queries_index

    delete_test_indices(search_index, "alert_queries")
    ensure_queries_index()
    yield search_index
    delete_test_indices(search_index, "alert_queries")
