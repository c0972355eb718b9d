"""Outbound HTTP to addresses that tenants choose (webhooks): bounded and SSRF-guarded.

Requests are time-limited, never follow redirects, read at most ``MAX_RESPONSE_BYTES`` of the
answer, and, unless private addresses are allowed (development and tests), refuse hosts that
resolve to loopback, private, link-local, multicast or reserved addresses. The address checked is
the address connected to, so a DNS answer that changes between check and use cannot slip past.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx

MAX_RESPONSE_BYTES = 64 * 1024


class OutboundRefused(Exception):
    """The destination is not allowed (scheme, host or address)."""


@dataclass(frozen=True)
class OutboundResult:
    status: int
    latency_ms: int
    body_excerpt: str


_NAT64 = ipaddress.ip_network("64:ff9b::/96")


def _forbidden(address: str) -> bool:
    ip: ipaddress.IPv4Address | ipaddress.IPv6Address = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address):
        # IPv4 wrapped in IPv6 (mapped, 6to4, Teredo, NAT64) is judged by the IPv4 address inside.
        embedded = ip.ipv4_mapped or ip.sixtofour or (ip.teredo[1] if ip.teredo else None)
        if embedded is None and ip in _NAT64:
            embedded = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        if embedded is not None and (not embedded.is_global or embedded.is_multicast):
            return True
    return not ip.is_global or ip.is_multicast


def check_url(url: str, *, require_https: bool) -> None:
    """Syntax checks that need no network: scheme, host, no credentials."""
    parts = urlsplit(url)
    allowed = ("https",) if require_https else ("http", "https")
    if parts.scheme not in allowed:
        raise OutboundRefused(f"the URL must use {' or '.join(allowed)}")
    if not parts.hostname:
        raise OutboundRefused("the URL has no host")
    if parts.username or parts.password:
        raise OutboundRefused("the URL must not contain credentials")


async def resolve_allowed(host: str, port: int, allow_private: bool) -> str:
    """Resolve ``host`` and return an address to connect to, refusing non-public ones in production."""
    loop = asyncio.get_running_loop()
    try:
        infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise OutboundRefused(f"cannot resolve {host}: {exc.strerror}") from None
    addresses = [str(info[4][0]) for info in infos]
    if not allow_private:
        bad = [a for a in addresses if _forbidden(a)]
        if bad:
            raise OutboundRefused(f"{host} resolves to a non-public address ({bad[0]})")
    return addresses[0]


@dataclass(frozen=True)
class OutboundResponse:
    status: int
    latency_ms: int
    headers: httpx.Headers
    body: bytes


async def send(
    method: str,
    url: str,
    *,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
    timeout: float,  # noqa: ASYNC109 - httpx applies it per phase (connect, read, write)
    allow_private: bool,
    max_bytes: int = MAX_RESPONSE_BYTES,
) -> OutboundResponse:
    """One request to a tenant-chosen URL; reads at most ``max_bytes`` of the answer. Redirects are
    not followed (a 3xx is returned as it is)."""
    check_url(url, require_https=not allow_private)
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    host = parts.hostname or ""
    address = await resolve_allowed(host, port, allow_private)
    # Connect to the vetted address; TLS still verifies the certificate for the real host name.
    extensions = {"sni_hostname": host} if parts.scheme == "https" else {}
    netloc_ip = f"[{address}]" if ":" in address else address
    target = parts._replace(netloc=f"{netloc_ip}:{port}").geturl()
    started = time.perf_counter()
    async with httpx.AsyncClient(timeout=timeout, follow_redirects=False, trust_env=False) as client:
        request = client.build_request(
            method,
            target,
            content=body,
            headers={**(headers or {}), "Host": parts.netloc.split("@")[-1]},
            extensions=extensions,
        )
        response = await client.send(request, stream=True)
        try:
            received = bytearray()
            async for chunk in response.aiter_bytes():
                received.extend(chunk[: max_bytes - len(received)])
                if len(received) >= max_bytes:
                    break
        finally:
            await response.aclose()
    latency = int((time.perf_counter() - started) * 1000)
    return OutboundResponse(response.status_code, latency, response.headers, bytes(received))


async def post(
    url: str,
    body: bytes,
    headers: dict[str, str],
    *,
    timeout: float,  # noqa: ASYNC109 - httpx applies it per phase (connect, read, write)
    allow_private: bool,
) -> OutboundResult:
    """POST ``body``; returns the status and latency (3xx counts as a failure: redirects are not followed)."""
    answer = await send("POST", url, body=body, headers=headers, timeout=timeout, allow_private=allow_private)
    return OutboundResult(answer.status, answer.latency_ms, answer.body[:500].decode(errors="replace"))
