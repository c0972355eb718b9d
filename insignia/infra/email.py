"""Email: Jinja2 templates with text and HTML parts, sent by SMTP or written to a folder.

Each message's ``Message-ID`` derives from the job that sends it, so a message sent twice (at
least once delivery) is recognisably the same message, and the folder transport overwrites
rather than duplicates.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import aiosmtplib
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from insignia.infra.metrics import record_email

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates" / "email"


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    text: str
    html: str


class TemplateRenderer:
    def __init__(self, directory: Path = TEMPLATES_DIR) -> None:
        self.env = Environment(
            loader=FileSystemLoader(directory),
            autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=False),
            undefined=StrictUndefined,
            keep_trailing_newline=True,
        )

    def render(self, name: str, context: dict[str, Any]) -> RenderedEmail:
        subject = self.env.get_template(f"{name}.subject.txt").render(context).strip()
        return RenderedEmail(
            subject=" ".join(subject.split()),
            text=self.env.get_template(f"{name}.txt").render(context),
            html=self.env.get_template(f"{name}.html").render(context),
        )


def build_message(sender: str, to: str, rendered: RenderedEmail, message_id: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = rendered.subject
    message["Date"] = formatdate(localtime=False, usegmt=True)
    message["Message-ID"] = message_id
    message.set_content(rendered.text)
    message.add_alternative(rendered.html, subtype="html")
    return message


class Mailer:
    """Sends by SMTP (``smtp://`` with optional ``?starttls=true``, or ``smtps://``) or into a folder."""

    def __init__(self, smtp_url: str | None, folder: Path | None, timeout: float = 15.0) -> None:
        if smtp_url is None and folder is None:
            raise ValueError("either an SMTP URL or a folder is needed")
        self.smtp_url = smtp_url
        self.folder = folder
        self.timeout = timeout

    async def send(self, message: EmailMessage, file_stem: str) -> None:
        transport = "file" if self.smtp_url is None else "smtp"
        try:
            await self._send(message, file_stem)
        except Exception:
            record_email(transport, "failed")
            raise
        record_email(transport, "sent")

    async def _send(self, message: EmailMessage, file_stem: str) -> None:
        if self.smtp_url is None:
            assert self.folder is not None
            await asyncio.to_thread(self._write, message, file_stem)
            return
        parts = urlsplit(self.smtp_url)
        query = parse_qs(parts.query)
        await aiosmtplib.send(
            message,
            hostname=parts.hostname or "localhost",
            port=parts.port or (465 if parts.scheme == "smtps" else 25),
            username=unquote(parts.username) if parts.username else None,
            password=unquote(parts.password) if parts.password else None,
            use_tls=parts.scheme == "smtps",
            start_tls=query.get("starttls", ["false"])[0].lower() == "true",
            timeout=self.timeout,
        )

    def _write(self, message: EmailMessage, file_stem: str) -> None:
        assert self.folder is not None
        self.folder.mkdir(parents=True, exist_ok=True)
        target = self.folder / f"{file_stem}.eml"
        partial = target.with_suffix(".eml.partial")
        partial.write_bytes(bytes(message))
        partial.replace(target)
