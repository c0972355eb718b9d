"""Token-bucket rate limiting, kept in this process, in PostgreSQL or in Redis.

A bucket holds up to ``burst`` points and refills at ``per_second`` points a second. A request
takes its cost in points from every bucket that applies to it (for a GraphQL request: the
caller's and the tenant's) at once, or from none: if one bucket lacks the points, nothing is
taken and the request is refused with the time after which it would pass. A request costing
more than a bucket's burst takes the whole burst (it is never refused for ever).

The stores share one contract, so a deployment picks one by configuration:

- ``memory``: this process only (the embedded default, one API process).
- ``postgres``: the ``insignia_rate_limit_take`` function over an unlogged table (migration
  0014); every API process shares the buckets, one round trip per take.
- ``redis://...``: a Lua script; every API process shares the buckets, one round trip per take.

Answers carry the ``RateLimit-Policy`` and ``RateLimit`` fields of the IETF httpapi draft
(``"person";q=100;w=10`` and ``"person";r=97;t=1``) and, when refused, ``Retry-After``.
"""

from __future__ import annotations

import ipaddress
import json
import logging
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.types import ASGIApp, Message, Receive, Scope, Send

logger = logging.getLogger(__name__)


class LimitFormatError(ValueError):
    """A limit is not ``BURST/PER_SECOND`` or ``off``."""


@dataclass(frozen=True)
class Limit:
    """A token bucket: ``burst`` points at most, refilled at ``per_second`` points a second."""

    burst: float
    per_second: float

    @property
    def window(self) -> float:
        """Seconds an empty bucket takes to fill up again."""
        return self.burst / self.per_second

    def __str__(self) -> str:
        return f"{self.burst:g}/{self.per_second:g}"


def parse_limit(raw: str) -> Limit | None:
    """``"100/10"`` (a burst of 100 points, 10 a second) or ``"off"`` (None)."""
    value = raw.strip().lower()
    if value in ("off", "none", "0"):
        return None
    burst, sep, rate = value.partition("/")
    try:
        limit = Limit(float(burst), float(rate)) if sep else None
    except ValueError:
        limit = None
    if limit is None or not (0 < limit.burst < 1e12 and 0 < limit.per_second < 1e12):
        raise LimitFormatError(f"expected BURST/PER_SECOND such as 100/10, or off; got {raw!r}")
    return limit


@dataclass(frozen=True)
class Bucket:
    """One bucket a request draws from: ``policy`` names it in the answer's headers."""

    policy: str
    key: str
    limit: Limit


@dataclass(frozen=True)
class Decision:
    allowed: bool
    buckets: tuple[Bucket, ...]
    # Points left in each bucket (after the take when allowed, as they are when refused).
    levels: tuple[float, ...]
    # Seconds until the refused request would pass; 0 when allowed.
    retry_after: float = 0.0
    refused_by: Bucket | None = None

    def headers(self) -> dict[str, str]:
        """``RateLimit-Policy`` and ``RateLimit`` for every bucket, plus ``Retry-After`` when refused."""
        if not self.buckets:
            return {}
        policies, states = [], []
        for bucket, level in zip(self.buckets, self.levels, strict=True):
            limit = bucket.limit
            remaining = max(0, math.floor(level))
            until_full = max(0, math.ceil((limit.burst - max(level, 0.0)) / limit.per_second))
            policies.append(f'"{bucket.policy}";q={math.floor(limit.burst)};w={max(1, math.ceil(limit.window))}')
            states.append(f'"{bucket.policy}";r={remaining};t={until_full}')
        headers = {"RateLimit-Policy": ", ".join(policies), "RateLimit": ", ".join(states)}
        if not self.allowed:
            headers["Retry-After"] = str(max(1, math.ceil(self.retry_after)))
        return headers


ALLOW_ALL = Decision(allowed=True, buckets=(), levels=())


class Store(Protocol):
    async def take(self, buckets: Sequence[Bucket], cost: float, peek: bool) -> tuple[bool, list[float]]:
        """Take ``cost`` from every bucket, or from none; ``peek`` only looks. Returns whether the
        points were there and each bucket's level (after the take, or as it is)."""
        ...

    async def close(self) -> None: ...


def _charge(cost: float, limit: Limit) -> float:
    return min(cost, limit.burst)


class MemoryStore:
    """Buckets of this process. One event loop, no awaits inside a take: no lock needed."""

    _SWEEP_EVERY = 10_000

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self.buckets: dict[str, tuple[float, float]] = {}
        self.operations = 0

    async def take(self, buckets: Sequence[Bucket], cost: float, peek: bool) -> tuple[bool, list[float]]:
        now = self.clock()
        levels: list[float] = []
        allowed = True
        for bucket in buckets:
            tokens, updated = self.buckets.get(bucket.key, (bucket.limit.burst, now))
            level = min(bucket.limit.burst, tokens + max(0.0, now - updated) * bucket.limit.per_second)
            levels.append(level)
            allowed = allowed and level >= _charge(cost, bucket.limit)
        if allowed and not peek:
            for index, bucket in enumerate(buckets):
                levels[index] -= _charge(cost, bucket.limit)
                self.buckets[bucket.key] = (levels[index], now)
        self.operations += 1
        if self.operations % self._SWEEP_EVERY == 0:
            self._sweep(now)
        return allowed, levels

    def _sweep(self, now: float) -> None:
        # A bucket untouched for an hour is full again for any sane limit: forget it.
        stale = [key for key, (_tokens, updated) in self.buckets.items() if now - updated > 3600]
        for key in stale:
            del self.buckets[key]

    async def close(self) -> None:
        self.buckets.clear()


class PostgresStore:
    """Buckets in PostgreSQL, shared by every API process (``insignia_rate_limit_take``).

    Takes run on their own small pool, outside the request's transaction: a row lock held until
    a request commits would serialise every request of a tenant."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine

    async def take(self, buckets: Sequence[Bucket], cost: float, peek: bool) -> tuple[bool, list[float]]:
        # Sorted keys: concurrent takes lock the same rows in the same order, so never deadlock.
        ordered = sorted(range(len(buckets)), key=lambda i: buckets[i].key)
        async with self.engine.connect() as conn:
            row = (
                await conn.execute(
                    text("SELECT insignia_rate_limit_take(:keys, :bursts, :rates, :cost, :peek)"),
                    {
                        "keys": [buckets[i].key for i in ordered],
                        "bursts": [buckets[i].limit.burst for i in ordered],
                        "rates": [buckets[i].limit.per_second for i in ordered],
                        "cost": cost,
                        "peek": peek,
                    },
                )
            ).scalar_one()
            await conn.commit()
        levels = [0.0] * len(buckets)
        for position, index in enumerate(ordered):
            levels[index] = float(row[position + 1])
        return bool(row[0]), levels

    async def close(self) -> None:
        await self.engine.dispose()


# KEYS: the buckets; ARGV: cost, peek, then burst and rate of each bucket. Redis's own clock, so
# API processes with skewed clocks agree. Returns the outcome and each level (as strings: Redis
# truncates Lua numbers to integers).
_TAKE_SCRIPT = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local cost = tonumber(ARGV[1])
local peek = ARGV[2] == '1'
local levels = {}
local ok = 1
for i = 1, #KEYS do
  local burst = tonumber(ARGV[1 + 2 * i])
  local rate = tonumber(ARGV[2 + 2 * i])
  local v = redis.call('HMGET', KEYS[i], 't', 'u')
  local tokens = tonumber(v[1])
  local updated = tonumber(v[2])
  if tokens == nil or updated == nil then
    tokens = burst
    updated = now
  end
  local level = math.min(burst, tokens + math.max(0, now - updated) * rate)
  levels[i] = level
  if level < math.min(cost, burst) then ok = 0 end
end
if ok == 1 and not peek then
  for i = 1, #KEYS do
    local burst = tonumber(ARGV[1 + 2 * i])
    local rate = tonumber(ARGV[2 + 2 * i])
    levels[i] = levels[i] - math.min(cost, burst)
    redis.call('HSET', KEYS[i], 't', tostring(levels[i]), 'u', tostring(now))
    redis.call('PEXPIRE', KEYS[i], math.ceil(burst / rate * 1000) + 1000)
  end
end
local out = {ok}
for i = 1, #KEYS do out[i + 1] = tostring(levels[i]) end
return out
"""


class RedisStore:
    """Buckets in Redis, shared by every API process; one script call per take. Keys carry the
    tenant as a hash tag, so a request's buckets live in one slot of a Redis cluster."""

    def __init__(self, url: str) -> None:
        import redis.asyncio as redis

        self.client: Any = redis.Redis.from_url(url)
        self.script: Any = self.client.register_script(_TAKE_SCRIPT)

    async def take(self, buckets: Sequence[Bucket], cost: float, peek: bool) -> tuple[bool, list[float]]:
        args: list[Any] = [cost, "1" if peek else "0"]
        for bucket in buckets:
            args += [bucket.limit.burst, bucket.limit.per_second]
        result = await self.script(keys=[f"insignia:rl:{b.key}" for b in buckets], args=args)
        return int(result[0]) == 1, [float(v) for v in result[1:]]

    async def close(self) -> None:
        await self.client.aclose()


class RateLimiter:
    """Takes points from buckets; a store that fails lets requests through (and says so in the
    log) rather than taking the API down with it."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._failing = False

    async def take(self, buckets: Sequence[Bucket], cost: float = 1.0) -> Decision:
        return await self._decide(buckets, cost, peek=False)

    async def peek(self, buckets: Sequence[Bucket], cost: float = 1.0) -> Decision:
        """Whether ``cost`` points are there, taking nothing (a cheap check before real work)."""
        return await self._decide(buckets, cost, peek=True)

    async def _decide(self, buckets: Sequence[Bucket], cost: float, peek: bool) -> Decision:
        if not buckets:
            return ALLOW_ALL
        try:
            allowed, levels = await self.store.take(buckets, cost, peek)
        except Exception as exc:  # noqa: BLE001 - an outage of the shared store must not stop the API
            if not self._failing:
                logger.error("rate limit store unavailable; letting requests through", extra={"error": repr(exc)})
            self._failing = True
            return ALLOW_ALL
        if self._failing:
            logger.warning("rate limit store available again")
            self._failing = False
        if allowed:
            return Decision(True, tuple(buckets), tuple(levels))
        waits = [
            ((_charge(cost, b.limit) - level) / b.limit.per_second, b)
            for b, level in zip(buckets, levels, strict=True)
            if level < _charge(cost, b.limit)
        ]
        wait, refused_by = max(waits, key=lambda pair: pair[0])
        return Decision(False, tuple(buckets), tuple(levels), retry_after=wait, refused_by=refused_by)

    async def close(self) -> None:
        await self.store.close()


def build_store(kind: str, engine_factory: Callable[[], AsyncEngine]) -> Store:
    """The store named by ``INSIGNIA_RATE_LIMIT_STORE``: ``memory``, ``postgres`` or a Redis URL."""
    if kind == "memory":
        return MemoryStore()
    if kind == "postgres":
        return PostgresStore(engine_factory())
    return RedisStore(kind)


def client_ip(scope: Scope) -> str:
    """The caller's address as the server saw it (behind a proxy, uvicorn rewrites it from
    ``X-Forwarded-For`` for the addresses in ``FORWARDED_ALLOW_IPS``). IPv6 callers are grouped
    by /64, the block one subscriber usually holds."""
    client = scope.get("client")
    host = client[0] if client else "unknown"
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return host
    if address.version == 6:
        return str(ipaddress.ip_network(f"{address}/64", strict=False).network_address)
    return host


def too_many_requests_body(decision: Decision, message: str) -> bytes:
    refused = decision.refused_by.policy if decision.refused_by else None
    return json.dumps(
        {
            "errors": [
                {
                    "message": message,
                    "extensions": {
                        "code": "RATE_LIMITED",
                        "policy": refused,
                        "retryAfter": max(1, math.ceil(decision.retry_after)),
                    },
                }
            ]
        }
    ).encode()


class IpRateLimitMiddleware:
    """A per-address limit on the paths ``applies`` selects (public pages and documents)."""

    def __init__(
        self,
        app: ASGIApp,
        limiter: RateLimiter,
        limit: Limit | None,
        applies: Callable[[str], bool],
        on_refused: Callable[[str], None] | None = None,
    ) -> None:
        self.app = app
        self.limiter = limiter
        self.limit = limit
        self.applies = applies
        self.on_refused = on_refused

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or self.limit is None or not self.applies(scope["path"]):
            await self.app(scope, receive, send)
            return
        decision = await self.limiter.take([Bucket("ip", f"ip:{client_ip(scope)}", self.limit)])
        extra = [(k.lower().encode(), v.encode()) for k, v in decision.headers().items()]
        if not decision.allowed:
            if self.on_refused is not None:
                self.on_refused("ip")
            body = too_many_requests_body(
                decision, f"Too many requests from this address; retry after {decision.headers()['Retry-After']} s."
            )
            await send(
                {
                    "type": "http.response.start",
                    "status": 429,
                    "headers": [(b"content-type", b"application/json"), *extra],
                }
            )
            await send({"type": "http.response.body", "body": body})
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        await self.app(scope, receive, with_headers)
