"""A mail catcher for the dev profile and the tests: an SMTP server (aiosmtpd) that keeps
every message it receives in memory, and a small HTTP page where a developer reads them.

    python -m ticketing.stack.mail_catcher --smtp-port 1025 --http-port 1080

``stack:up`` starts one and prints where its page is; the tests start one in their own
process (``MailCatcher``) and read the codes from it.
"""

from __future__ import annotations

import argparse
import asyncio
import html
import re
import sys
import threading
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar

import msgspec
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

from ticketing.stack.servers import ChildServer, free_port

CODE = re.compile(r"\b(\d{6})\b")


class CaughtMail(msgspec.Struct, frozen=True):
    to: str
    subject: str
    text: str

    @property
    def code(self) -> str:
        """The one-time code the mail carries (the first run of six digits)."""
        found = CODE.search(self.text)
        assert found is not None, f"no code in the mail {self.subject!r}: {self.text!r}"
        return found.group(1)


class _Keep:
    def __init__(self, catcher: MailCatcher) -> None:
        self.catcher = catcher

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        message = message_from_bytes(envelope.original_content or b"", policy=policy.default)
        assert isinstance(message, EmailMessage)
        body = message.get_body(("plain",))
        text = body.get_content() if body is not None else ""
        for to in envelope.rcpt_tos:
            self.catcher.add(CaughtMail(to=to.lower(), subject=str(message["Subject"]), text=text))
        return "250 OK"


@dataclass
class MailCatcher:
    """The SMTP server on a free local port, in a thread of this process."""

    port: int = field(default_factory=free_port)
    mails: list[CaughtMail] = field(default_factory=list)
    _lock: threading.Condition = field(default_factory=threading.Condition)
    _controller: Controller | None = None

    def add(self, mail: CaughtMail) -> None:
        with self._lock:
            self.mails.append(mail)
            self._lock.notify_all()

    def start(self) -> MailCatcher:
        self._controller = Controller(_Keep(self), hostname="127.0.0.1", port=self.port)
        self._controller.start()
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()

    def to(self, address: str) -> list[CaughtMail]:
        with self._lock:
            return [mail for mail in self.mails if mail.to == address.lower()]

    def wait_for(self, address: str, count: int = 1, within: float = 10.0) -> CaughtMail:
        """The ``count``-th mail to ``address``, waiting for it to arrive."""
        with self._lock:
            arrived = self._lock.wait_for(lambda: len(self.to(address)) >= count, within)
        assert arrived, f"mail {count} to {address} never came; caught: {self.mails!r}"
        return self.to(address)[count - 1]

    async def next_for(self, address: str, count: int = 1) -> CaughtMail:
        return await asyncio.to_thread(self.wait_for, address, count)

    def page(self) -> str:
        with self._lock:
            rows = "".join(
                f"<article><h2>{html.escape(m.subject)}</h2><p>To: {html.escape(m.to)}</p>"
                f"<pre>{html.escape(m.text)}</pre></article>"
                for m in reversed(self.mails)
            )
        return (
            "<!doctype html><html lang=en><meta charset=utf-8><title>Mail catcher</title>"
            "<meta http-equiv=refresh content=5><h1>Mail caught (newest first)</h1>"
            + (rows or "<p>No mail yet.</p>")
        )


def serve_page(catcher: MailCatcher, port: int) -> ThreadingHTTPServer:
    class Page(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = catcher.page().encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            return None

    server = ThreadingHTTPServer(("127.0.0.1", port), Page)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@dataclass
class MailCatcherProcess(ChildServer):
    """The catcher as its own process; ``port`` is its page's, ``smtp_port`` its server's."""

    TITLE: ClassVar[str] = "mail catcher"
    smtp_port: int = field(default_factory=free_port)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def command(self) -> list[str]:
        return [
            sys.executable,
            "-m",
            "ticketing.stack.mail_catcher",
            "--smtp-port",
            str(self.smtp_port),
            "--http-port",
            str(self.port),
        ]


def configuration(smtp_port: int) -> dict[str, str]:
    """What points the auth service's mail at a catcher on ``smtp_port``."""
    return {"SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(smtp_port), "SMTP_TLS": "none"}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Catch mail over SMTP; read it on a web page.")
    parser.add_argument("--smtp-port", type=int, default=1025)
    parser.add_argument("--http-port", type=int, default=1080)
    args = parser.parse_args(argv)
    catcher = MailCatcher(port=args.smtp_port).start()
    serve_page(catcher, args.http_port)
    print(
        f"mail catcher: SMTP on 127.0.0.1:{args.smtp_port},"
        f" mail at http://127.0.0.1:{args.http_port}/",
        flush=True,
    )
    threading.Event().wait()


if __name__ == "__main__":
    main()
