"""Pure ASGI middleware that knows nothing of the domain: request ids and body size limits."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import re
import time
import uuid

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from insignia.infra import tracing
from insignia.infra.logging import request_id_var

logger = logging.getLogger("insignia.http")
_REQUEST_ID_RE = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


def bearer_credential(request: Request) -> str | None:
    """The credential of ``Authorization: Bearer <credential>``; None for anything else."""
    scheme, _, value = request.headers.get("authorization", "").partition(" ")
    return (value.strip() or None) if scheme.lower() == "bearer" else None


class RequestIdMiddleware:
    """Tags each request with an id (a sane incoming ``X-Request-ID`` or a new one) and logs it."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = dict(scope["headers"]).get(b"x-request-id", b"").decode("latin-1")
        request_id = incoming if _REQUEST_ID_RE.match(incoming) else uuid.uuid4().hex
        token = request_id_var.set(request_id)
        tracing.annotate({"insignia.request_id": request_id})
        started = time.perf_counter()
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], (b"x-request-id", request_id.encode())]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            logger.info(
                "request",
                extra={
                    "method": scope["method"],
                    "path": scope["path"],
                    "status": status,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 2),
                },
            )
            request_id_var.reset(token)


class ForcedStopMiddleware:
    """A second Ctrl-C makes uvicorn stop at once and cancel the requests still running. Answer
    those with 503 (if nothing was sent yet) and a warning, rather than an error traceback: the
    process is going down on purpose, and their transactions roll back."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except asyncio.CancelledError:
            task = asyncio.current_task()
            if task is None or not task.cancelling():
                raise
            logger.warning("request cut short by a forced stop", extra={"path": scope.get("path")})
            if not started:
                with contextlib.suppress(Exception):
                    await send({"type": "http.response.start", "status": 503, "headers": [(b"connection", b"close")]})
                    await send({"type": "http.response.body", "body": b""})


class BodySizeLimitMiddleware:
    """Refuses request bodies over ``max_bytes`` with 413, whether declared or streamed."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            await _too_large(send, self.max_bytes)
            return
        received = 0
        response_started = False

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise _BodyTooLarge
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal response_started
            if message["type"] == "http.response.start":
                response_started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except _BodyTooLarge:
            if not response_started:
                await _too_large(send, self.max_bytes)


class _BodyTooLarge(Exception):
    """Raised from ``receive`` to stop reading a body that went over the limit."""


async def _too_large(send: Send, limit: int) -> None:
    body = json.dumps(
        {"errors": [{"message": f"Request body over {limit} bytes.", "extensions": {"code": "PAYLOAD_TOO_LARGE"}}]}
    ).encode()
    await send({"type": "http.response.start", "status": 413, "headers": [(b"content-type", b"application/json")]})
    await send({"type": "http.response.body", "body": body})
