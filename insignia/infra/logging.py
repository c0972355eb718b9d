"""Structured JSON logs carrying the request id, tenant and principal of the current context."""

from __future__ import annotations

import contextvars
import json
import logging
import sys
from datetime import UTC, datetime
from typing import Any

from insignia.infra import tracing

# The id of the HTTP request being served (set by ``insignia.infra.http.RequestIdMiddleware`` and
# answered in ``X-Request-ID``); None in jobs, the scheduler and commands. Services read it through
# ``current_request_id`` (the audit log records it) rather than having it passed down.
request_id_var: contextvars.ContextVar[str | None] = contextvars.ContextVar("request_id", default=None)
tenant_var: contextvars.ContextVar[str | None] = contextvars.ContextVar("tenant", default=None)
principal_var: contextvars.ContextVar[str | None] = contextvars.ContextVar("principal", default=None)


def current_request_id() -> str | None:
    """The id of the HTTP request this code runs for, if any."""
    return request_id_var.get()


_RESERVED = set(logging.LogRecord("", 0, "", 0, "", (), None).__dict__) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
        }
        for key, var in (("request_id", request_id_var), ("tenant", tenant_var), ("principal", principal_var)):
            value = var.get()
            if value is not None:
                entry[key] = value
        ids = tracing.current_ids()
        if ids is not None:
            entry["trace_id"], entry["span_id"] = ids
        for key, value in record.__dict__.items():
            if key not in _RESERVED and not key.startswith("_"):
                entry[key] = value
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


def configure_logging(level: str = "INFO") -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
