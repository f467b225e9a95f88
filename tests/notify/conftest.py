"""Real receivers on 127.0.0.1, started per test: an HTTP sink and an SMTP server that accepts one login."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import ThreadingHTTPServer
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session

from notify.receivers import HttpSink, SmtpHandler, SmtpSink, free_port, handler


@pytest.fixture
def http_sink() -> Iterator[HttpSink]:
    sink = HttpSink()
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler(sink))
    sink.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield sink
    server.shutdown()
    server.server_close()


@pytest.fixture
def smtp_sink() -> Iterator[SmtpSink]:
    sink = SmtpSink(free_port())

    def authenticate(server: SMTP, session: Session, envelope: Envelope, mechanism: str, data: Any) -> AuthResult:
        ok = isinstance(data, LoginPassword) and (data.login, data.password) == (b"alerts", b"s3cret")
        if ok:
            sink.logins.append(data.login.decode())
        return AuthResult(success=ok)

    controller = Controller(
        SmtpHandler(sink),
        hostname="127.0.0.1",
        port=sink.port,
        authenticator=authenticate,
        auth_require_tls=False,
    )
    controller.start()
    yield sink
    controller.stop()
