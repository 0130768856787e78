"""Mail to people: the ``EmailSender`` port, its SMTP implementation, and the messages.

In the dev profile the stack runs a mail catcher (``stack/mail_catcher.py``) where SMTP_HOST
and SMTP_PORT point by default; the production profile refuses that default.
"""

from __future__ import annotations

import asyncio
import smtplib
import ssl
from email.message import EmailMessage
from typing import Literal, Protocol

import msgspec

Tls = Literal["none", "starttls", "tls"]


class Mail(msgspec.Struct, frozen=True):
    to: str
    subject: str
    text: str


class EmailSender(Protocol):
    async def send(self, mail: Mail) -> None: ...


class SmtpSender:
    """Sends through an SMTP server: plain (a local catcher), STARTTLS or implicit TLS, with a
    login when a username is configured. smtplib blocks, so each message goes from a thread."""

    def __init__(
        self,
        host: str,
        port: int,
        tls: Tls,
        sender: str,
        username: str | None = None,
        password: str | None = None,
        timeout: float = 10.0,
    ) -> None:
        self.host, self.port, self.tls, self.sender = host, port, tls, sender
        self.username, self.password, self.timeout = username, password, timeout
        # Built once: loading the CA certificates costs more CPU than sending a mail.
        self._tls = ssl.create_default_context() if tls != "none" else None

    async def send(self, mail: Mail) -> None:
        await asyncio.to_thread(self._send, mail)

    def _send(self, mail: Mail) -> None:
        message = EmailMessage()
        message["From"], message["To"], message["Subject"] = self.sender, mail.to, mail.subject
        message.set_content(mail.text)
        smtp = (
            smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout, context=self._tls)
            if self.tls == "tls"
            else smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        )
        with smtp:
            if self.tls == "starttls":
                smtp.starttls(context=self._tls)
            if self.username:
                smtp.login(self.username, self.password or "")
            smtp.send_message(message)


def verification_mail(to: str, code: str, minutes: int) -> Mail:
    return Mail(
        to=to,
        subject="Your Ticketing verification code",
        text=f"Your code to verify this address is {code}.\n\n"
        f"It works once, for {minutes} minutes. If you did not ask for it, ignore this mail.\n",
    )


def recovery_mail(to: str, code: str, minutes: int) -> Mail:
    return Mail(
        to=to,
        subject="Your Ticketing recovery code",
        text=f"Your code to choose a new password is {code}.\n\n"
        f"It works once, for {minutes} minutes; using it signs you out everywhere.\n"
        "If you did not ask for it, ignore this mail: your password stays as it is.\n",
    )
