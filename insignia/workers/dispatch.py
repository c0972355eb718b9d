"""How claimed events reach a processor: through a dramatiq broker, or in this very process."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Sequence
from typing import Protocol

import dramatiq

from insignia.infra.outbox import ClaimedEvent, Processor

logger = logging.getLogger(__name__)
ACTOR_NAME = "outbox.process"


class Dispatcher(Protocol):
    async def dispatch(self, events: Sequence[ClaimedEvent]) -> None: ...


class BrokerDispatcher:
    """Sends one dramatiq message per event; the message id is the event id."""

    def __init__(self, broker: dramatiq.Broker, queue_name: str) -> None:
        self.broker = broker
        self.queue_name = queue_name

    def _send(self, events: Sequence[ClaimedEvent]) -> None:
        now = int(time.time() * 1000)
        for event in events:
            self.broker.enqueue(
                dramatiq.Message(
                    queue_name=self.queue_name,
                    actor_name=ACTOR_NAME,
                    args=(str(event.tenant_id), str(event.id)),
                    kwargs={},
                    options={},
                    message_id=str(event.id),
                    message_timestamp=now,
                )
            )

    async def dispatch(self, events: Sequence[ClaimedEvent]) -> None:
        # Broker clients block; keep the relay's event loop free.
        await asyncio.to_thread(self._send, events)


class InlineDispatcher:
    """Processes events as tasks of this process (the embedded default: no broker to run).

    Nothing is lost if the process dies: unfinished events are still in the outbox and are
    claimed again after the visibility timeout.
    """

    def __init__(self, processor: Processor, concurrency: int) -> None:
        self.processor = processor
        self.slots = asyncio.Semaphore(concurrency)
        self.tasks: set[asyncio.Task[None]] = set()
        # Set when the process stops: claimed events not started yet are kept here, to be released.
        self.closing = False
        self.unstarted: list[ClaimedEvent] = []

    async def dispatch(self, events: Sequence[ClaimedEvent]) -> None:
        for index, event in enumerate(events):
            if not self.closing:
                await self.slots.acquire()
                if self.closing:
                    self.slots.release()
            if self.closing:
                self.unstarted.extend(events[index:])
                return
            task = asyncio.create_task(self._run(event))
            self.tasks.add(task)
            task.add_done_callback(self.tasks.discard)

    async def _run(self, event: ClaimedEvent) -> None:
        try:
            await self.processor.process(event.tenant_id, event.id)
        except Exception:
            logger.exception("processing failed", extra={"event_id": str(event.id)})
        finally:
            self.slots.release()

    async def drain(self, grace_seconds: float | None = None) -> int:
        """Wait for the running jobs (at most ``grace_seconds``); returns how many were still
        running then and were stopped (their events come back after the visibility timeout)."""
        if not self.tasks:
            return 0
        _done, pending = await asyncio.wait(set(self.tasks), timeout=grace_seconds)
        for task in pending:
            task.cancel()
        if pending:
            await asyncio.gather(*pending, return_exceptions=True)
        return len(pending)
