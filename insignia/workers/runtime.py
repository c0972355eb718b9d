"""Running jobs: dramatiq workers on Redis or RabbitMQ, or in-process for the embedded default.

``insignia worker`` runs dramatiq worker threads plus the relay and the scheduler. With no
``BROKER_URL`` the same relay hands events straight to an in-process processor (this is also
what ``insignia serve`` does on the embedded default).
"""

from __future__ import annotations

import asyncio
import logging
import signal
import uuid
from collections.abc import Callable

import dramatiq
from dramatiq.middleware import AgeLimit, AsyncIO, ShutdownNotifications, TimeLimit

from insignia.infra.db import Database, create_engine
from insignia.infra.outbox import Processor, RetryPolicy, release
from insignia.infra.settings import Settings
from insignia.workers.dispatch import ACTOR_NAME, BrokerDispatcher, Dispatcher, InlineDispatcher
from insignia.workers.handlers import build_handlers
from insignia.workers.relay import Relay
from insignia.workers.scheduler import default_tasks, run_scheduler

logger = logging.getLogger(__name__)
# A handler that runs longer than this is stopped (dramatiq TimeLimit); the event is retried.
ACTOR_TIME_LIMIT_MS = 5 * 60 * 1000


def retry_policy(settings: Settings) -> RetryPolicy:
    return RetryPolicy(
        max_attempts=settings.job_max_attempts,
        base_seconds=settings.job_retry_base_seconds,
        max_seconds=settings.job_retry_max_seconds,
    )


def build_processor(settings: Settings, database: Database) -> Processor:
    return Processor(database, build_handlers(settings), retry_policy(settings))


def build_broker(url: str) -> dramatiq.Broker:
    """A dramatiq broker for ``url``; RabbitMQ publishes with delivery confirmation."""
    # No Retries middleware: retries, backoff and dead events are the outbox's job.
    middleware = [AgeLimit(), TimeLimit(time_limit=ACTOR_TIME_LIMIT_MS), ShutdownNotifications(), AsyncIO()]
    broker: dramatiq.Broker
    if url.startswith(("redis://", "rediss://")):
        from dramatiq.brokers.redis import RedisBroker

        broker = RedisBroker(url=url, middleware=middleware, namespace="insignia")  # type: ignore[no-untyped-call]
    else:
        from dramatiq.brokers.rabbitmq import RabbitmqBroker

        broker = RabbitmqBroker(url=url, confirm_delivery=True, middleware=middleware)
    return broker


def declare_actor(broker: dramatiq.Broker, settings: Settings, app_url: str) -> dramatiq.Actor[[str, str], None]:
    """The one actor: process an outbox event. Its engine lives on the AsyncIO middleware's loop."""
    processors: list[Processor] = []

    async def process(tenant_id: str, event_id: str) -> None:
        if not processors:  # no await between check and append: one processor per worker process
            engine = create_engine(app_url, pool_size=settings.worker_threads, pre_ping=False)
            processors.append(build_processor(settings, Database(engine)))
        await processors[0].process(uuid.UUID(tenant_id), uuid.UUID(event_id))

    decorate = dramatiq.actor(
        actor_name=ACTOR_NAME,
        queue_name=settings.queue_name,
        broker=broker,
        time_limit=ACTOR_TIME_LIMIT_MS,
    )
    return decorate(process)


async def run_relay_and_scheduler(
    settings: Settings, database: Database, dispatcher: Dispatcher, stop: asyncio.Event
) -> None:
    relay = Relay(
        database,
        dispatcher,
        batch=settings.relay_batch,
        visibility_seconds=settings.job_visibility_seconds,
        poll_seconds=settings.relay_poll_seconds,
    )
    await asyncio.gather(relay.run(stop), run_scheduler(default_tasks(database, settings), stop))


class InlineJobs:
    """Jobs inside an API process (no broker): relay, processor and scheduler as background tasks."""

    def __init__(self, settings: Settings, database: Database) -> None:
        self.settings = settings
        self.database = database
        self.dispatcher = InlineDispatcher(build_processor(settings, database), concurrency=settings.worker_threads)
        self.stop = asyncio.Event()
        self.task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self.task = asyncio.create_task(
            run_relay_and_scheduler(self.settings, self.database, self.dispatcher, self.stop)
        )

    async def close(self, grace_seconds: float | None = None) -> None:
        """Stop taking jobs: running ones finish (within ``grace_seconds``), claimed ones not
        started go back to the queue at once for another process."""
        await stop_jobs(self.database, self.dispatcher, self.stop, self.task, grace_seconds)


async def stop_jobs(
    database: Database,
    dispatcher: InlineDispatcher,
    stop: asyncio.Event,
    task: asyncio.Future[None] | None,
    grace_seconds: float | None,
) -> None:
    stop.set()
    dispatcher.closing = True
    if task is not None:
        try:
            await task
        except asyncio.CancelledError:
            if not task.cancelled():
                raise
            # A forced stop cancelled the relay along with everything else: nothing to wait for.
    stopped = await dispatcher.drain(grace_seconds)
    released = 0
    if dispatcher.unstarted:
        try:
            released = await release(database, dispatcher.unstarted)
        except Exception as exc:  # noqa: BLE001 - they come back after the visibility timeout anyway
            logger.warning("could not release claimed jobs", extra={"error": repr(exc)})
        dispatcher.unstarted.clear()
    if stopped or released:
        logger.info("jobs stopped", extra={"interrupted": stopped, "released": released})


def run_worker(settings: Settings, app_url: str) -> None:
    """Block running workers until SIGINT/SIGTERM."""

    async def main(dispatcher_factory: Callable[[Database], Dispatcher]) -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        database = Database(create_engine(app_url, pool_size=settings.worker_threads + 2, pre_ping=False))
        dispatcher = dispatcher_factory(database)
        try:
            if isinstance(dispatcher, InlineDispatcher):
                running = asyncio.ensure_future(run_relay_and_scheduler(settings, database, dispatcher, stop))
                await stop.wait()
                await stop_jobs(database, dispatcher, stop, running, settings.shutdown_grace_seconds)
            else:
                await run_relay_and_scheduler(settings, database, dispatcher, stop)
        finally:
            await database.dispose()

    if settings.broker_url is None:
        logger.info("worker running jobs in-process (no BROKER_URL)")
        asyncio.run(
            main(lambda db: InlineDispatcher(build_processor(settings, db), concurrency=settings.worker_threads))
        )
        return

    broker = build_broker(settings.broker_url)
    declare_actor(broker, settings, app_url)
    broker.declare_queue(settings.queue_name)
    worker = dramatiq.Worker(broker, queues={settings.queue_name}, worker_threads=settings.worker_threads)
    worker.start()
    logger.info("worker started", extra={"queue": settings.queue_name, "threads": settings.worker_threads})
    try:
        asyncio.run(main(lambda _db: BrokerDispatcher(broker, settings.queue_name)))
    finally:
        worker.stop()
        broker.close()
