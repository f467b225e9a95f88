"""Receivers for notification tests: an HTTP sink recording every POST, and what an SMTP server received."""

from __future__ import annotations

import json
import socket
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler
from typing import Any

from aiosmtpd.smtp import SMTP, Envelope, Session


@dataclass
class Post:
    """One request the sink received."""

    path: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class HttpSink:
    """Records every POST; answers 200 with `reply`, or `status` for the first `failures[path]` posts to a path."""

    url: str = ""
    posts: list[Post] = field(default_factory=list)
    failures: dict[str, int] = field(default_factory=dict)
    reply: bytes = b"ok"
    status: int = 503

    def fail(self, path: str, times: int) -> None:
        """Answer the next `times` posts to `path` with an error (a big number: always)."""
        self.failures[path] = times

    def to(self, path: str) -> list[Post]:
        return [p for p in self.posts if p.path.split("?")[0] == path]


def handler(sink: HttpSink) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            sink.posts.append(Post(self.path, dict(self.headers.items()), body))
            path = self.path.split("?")[0]
            if sink.failures.get(path, 0) > 0:
                sink.failures[path] -= 1
                self.send_response(sink.status)
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("Content-Length", str(len(sink.reply)))
            self.end_headers()
            self.wfile.write(sink.reply)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler


@dataclass
class SmtpSink:
    """The mails an aiosmtpd server received, and the logins it accepted."""

    port: int
    messages: list[EmailMessage] = field(default_factory=list)
    envelopes: list[tuple[str, list[str]]] = field(default_factory=list)
    logins: list[str] = field(default_factory=list)


class SmtpHandler:
    def __init__(self, sink: SmtpSink) -> None:
        self.sink = sink

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        content = envelope.original_content or b""
        self.sink.messages.append(message_from_bytes(content, policy=policy.default))  # type: ignore[arg-type]
        self.sink.envelopes.append((str(envelope.mail_from), list(envelope.rcpt_tos)))
        return "250 Message accepted for delivery"


def free_port() -> int:
    # aiosmtpd's Controller cannot start on port 0: pick a free port first.
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])
