"""Periodic work (sweeps now; reminders and expiry in later areas), each on its own interval."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from insignia.infra.db import Database
from insignia.infra.outbox import housekeeping

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class PeriodicTask:
    name: str
    interval_seconds: float
    run: Callable[[], Awaitable[None]]


def default_tasks(database: Database) -> list[PeriodicTask]:
    async def sweep() -> None:
        async with database.session() as session:
            keys, events = await housekeeping(session)
            await session.commit()
        if keys or events:
            logger.info("housekeeping", extra={"idempotency_keys_removed": keys, "events_removed": events})

    return [PeriodicTask("housekeeping", 600.0, sweep)]


async def run_scheduler(tasks: list[PeriodicTask], stop: asyncio.Event) -> None:
    """Run each task now and then every ``interval_seconds``; every task is safe to run concurrently."""
    loop = asyncio.get_running_loop()
    due = {task.name: loop.time() for task in tasks}
    while not stop.is_set():
        now = loop.time()
        for task in tasks:
            if now >= due[task.name]:
                due[task.name] = now + task.interval_seconds
                try:
                    await task.run()
                except Exception:
                    logger.exception("periodic task failed", extra={"task": task.name})
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=max(0.5, min(due.values()) - loop.time()))
