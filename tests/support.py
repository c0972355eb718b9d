"""Real peers for job tests: an HTTP webhook receiver and an SMTP server on 127.0.0.1, and a way to
run the outbox in this process until something has happened."""

from __future__ import annotations

import asyncio
import json
import socket
import threading
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

from insignia.infra.db import Database
from insignia.infra.settings import Settings
from insignia.workers.dispatch import InlineDispatcher
from insignia.workers.relay import Relay
from insignia.workers.runtime import build_processor


@dataclass
class ReceivedRequest:
    headers: dict[str, str]
    body: bytes

    @property
    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class WebhookReceiver:
    """Answers with the scripted statuses in order (then ``default_status``), recording every request."""

    statuses: list[int] = field(default_factory=list)
    default_status: int = 200
    delay_first: float = 0.0
    requests: list[ReceivedRequest] = field(default_factory=list)
    server: ThreadingHTTPServer | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def url(self) -> str:
        assert self.server is not None
        return f"http://127.0.0.1:{self.server.server_address[1]}/hook"

    def start(self) -> WebhookReceiver:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                with receiver.lock:
                    first = not receiver.requests
                    receiver.requests.append(ReceivedRequest(dict(self.headers.items()), body))
                    status = receiver.statuses.pop(0) if receiver.statuses else receiver.default_status
                if first and receiver.delay_first:
                    time.sleep(receiver.delay_first)
                self.send_response(status)
                self.send_header("Content-Type", "text/plain")
                self.end_headers()
                self.wfile.write(b"ok" if status < 300 else b"nope")

            def log_message(self, *_args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()

    def for_event_type(self, event_type: str) -> list[ReceivedRequest]:
        return [r for r in self.requests if r.headers.get("Insignia-Event-Type") == event_type]


class _Collector:
    def __init__(self) -> None:
        self.messages: list[tuple[Envelope, Message]] = []

    async def handle_DATA(self, _server: SMTP, _session: Session, envelope: Envelope) -> str:
        content = envelope.content if isinstance(envelope.content, bytes) else str(envelope.content).encode()
        self.messages.append((envelope, message_from_bytes(content)))
        return "250 Message accepted for delivery"


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class SmtpServer:
    """A real SMTP server (aiosmtpd) on 127.0.0.1 that keeps what it receives."""

    def __init__(self) -> None:
        self.collector = _Collector()
        self.port = free_port()
        self.controller = Controller(self.collector, hostname="127.0.0.1", port=self.port)

    def start(self) -> SmtpServer:
        self.controller.start()
        return self

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def to(self, address: str) -> list[Message]:
        return [m for env, m in self.collector.messages if address in env.rcpt_tos]

    def stop(self) -> None:
        self.controller.stop()


async def run_jobs_until(
    settings: Settings,
    database: Database,
    done: Callable[[], Awaitable[bool]],
    within_seconds: float = 30.0,
) -> None:
    """Run the real relay and processor in this process until ``done()`` holds."""
    dispatcher = InlineDispatcher(build_processor(settings, database), concurrency=4)
    relay = Relay(
        database, dispatcher, batch=500, visibility_seconds=settings.job_visibility_seconds, poll_seconds=0.05
    )
    deadline = time.monotonic() + within_seconds
    while True:
        await relay.run_once()
        await dispatcher.drain()
        if await done():
            return
        if time.monotonic() > deadline:
            raise AssertionError("jobs did not get there in time")
        await asyncio.sleep(0.05)
