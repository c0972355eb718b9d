"""The relay: claims due outbox events of every tenant and dispatches them."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from insignia.infra.db import Database
from insignia.infra.outbox import claim_due
from insignia.workers.dispatch import Dispatcher

logger = logging.getLogger(__name__)


class Relay:
    def __init__(
        self, database: Database, dispatcher: Dispatcher, *, batch: int, visibility_seconds: float, poll_seconds: float
    ) -> None:
        self.database = database
        self.dispatcher = dispatcher
        self.batch = batch
        self.visibility_seconds = visibility_seconds
        self.poll_seconds = poll_seconds
        self.wakeup = asyncio.Event()

    async def run_once(self) -> int:
        """Claim and dispatch one batch; returns how many events were dispatched."""
        async with self.database.session() as session:
            claimed = await claim_due(session, self.batch, self.visibility_seconds)
            await session.commit()
        if claimed:
            # If dispatching fails, the claimed events reappear after the visibility timeout.
            await self.dispatcher.dispatch(claimed)
        return len(claimed)

    async def run(self, stop: asyncio.Event) -> None:
        failures = 0
        while not stop.is_set():
            try:
                count = await self.run_once()
                failures = 0
            except Exception as exc:  # noqa: BLE001 - the relay must outlive database and broker outages
                failures += 1
                count = 0
                level = logging.ERROR if failures in (1, 10) or failures % 100 == 0 else logging.DEBUG
                logger.log(
                    level, "relay cannot dispatch (will retry)", extra={"error": f"{exc.__class__.__name__}: {exc}"}
                )
            if count >= self.batch:
                continue
            delay = self.poll_seconds if failures == 0 else min(5.0, self.poll_seconds * 2 ** min(failures, 4))
            self.wakeup.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(_first(stop, self.wakeup), timeout=delay)


async def _first(*events: asyncio.Event) -> None:
    waiters = [asyncio.create_task(e.wait()) for e in events]
    try:
        await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for waiter in waiters:
            waiter.cancel()
