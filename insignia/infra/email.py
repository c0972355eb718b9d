"""Email: Jinja2 templates with text and HTML parts, in the recipient's language and brand, sent by
SMTP or written to a folder.

Each message's ``Message-ID`` derives from the job that sends it, so a message sent twice (at
least once delivery) is recognisably the same message, and the folder transport overwrites
rather than duplicates.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formataddr, formatdate, parseaddr
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import aiosmtplib
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from insignia.infra import i18n
from insignia.infra.metrics import record_email

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates" / "email"


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    text: str
    html: str


# How an email looks when the caller gives no brand (the platform's own colours).
DEFAULT_LOOK: dict[str, Any] = {
    "color": "#1f6feb",
    "on_color": "#ffffff",
    "link": "#1a5fcc",
    "text": "#1f2933",
    "background": "#ffffff",
    "font": '"Open Sans", "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif',
    "logo_url": None,
    "footer": None,
    "support_url": None,
}


class TemplateRenderer:
    """Renders ``<name>.subject.txt``, ``<name>.txt`` and ``<name>.html`` in a locale: strings are
    translated through the locale's gettext catalogue (``{% trans %}``, ``_()``), dates and numbers
    formatted for it (``|date``, ``|number``, ``|percent``); the HTML part wears ``look`` (the
    recipient's brand: colours, type, logo, footer, support link)."""

    def __init__(self, directory: Path = TEMPLATES_DIR) -> None:
        self.directory = directory
        self._envs: dict[str, Environment] = {}
        self.env = self._env(i18n.DEFAULT)

    def _env(self, locale: str) -> Environment:
        env = self._envs.get(locale)
        if env is None:
            env = Environment(
                loader=FileSystemLoader(self.directory),
                autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=False),
                undefined=StrictUndefined,
                keep_trailing_newline=True,
                extensions=["jinja2.ext.i18n"],
            )
            language = i18n.Language(locale)
            env.install_gettext_translations(i18n.translations(locale), newstyle=True)  # type: ignore[attr-defined]
            env.filters["date"] = language.date
            env.filters["number"] = language.number
            env.filters["percent"] = language.percent
            env.filters["quoted"] = language.quote
            self._envs[locale] = env
        return env

    def render(
        self, name: str, context: dict[str, Any], locale: str = i18n.DEFAULT, look: dict[str, Any] | None = None
    ) -> RenderedEmail:
        env = self._env(i18n.normalise(locale) or i18n.DEFAULT)
        values = {**context, "lang": locale, "brand": {**DEFAULT_LOOK, **(look or {})}}
        subject = " ".join(env.get_template(f"{name}.subject.txt").render(values).split())
        return RenderedEmail(
            subject=subject,
            text=env.get_template(f"{name}.txt").render(values).rstrip() + "\n",
            html=env.get_template(f"{name}.html").render({**values, "subject": subject}),
        )


def build_message(
    sender: str, to: str, rendered: RenderedEmail, message_id: str, *, reply_to: str | None = None
) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    if reply_to:
        message["Reply-To"] = reply_to
    message["Subject"] = rendered.subject
    message["Date"] = formatdate(localtime=False, usegmt=True)
    message["Message-ID"] = message_id
    message.set_content(rendered.text)
    message.add_alternative(rendered.html, subtype="html")
    return message


def sender_with_name(sender: str, name: str | None) -> str:
    """The platform's sender address under the organisation's display name, if it has one."""
    if not name:
        return sender
    _old, address = parseaddr(sender)
    return formataddr((name, address)) if address else sender


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
