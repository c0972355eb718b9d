"""uvicorn's HTTP protocol with TCP_NODELAY set on every accepted connection.

With ``--workers`` above 1, uvicorn hands its listening socket to the worker processes through
``socket.fromfd``, whose ``proto`` is 0, so asyncio does not recognise the accepted connections
as TCP and never sets TCP_NODELAY on them (uvicorn issue #3149). A response written in two
parts (headers, then body) then waits for the client's delayed ACK: about 40 ms on every
keep-alive request after the first. ``insignia serve`` passes this class as uvicorn's ``http``.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket

from uvicorn.protocols.http.h11_impl import H11Protocol


def set_nodelay(transport: asyncio.BaseTransport) -> None:
    sock = transport.get_extra_info("socket")
    if sock is not None and sock.family in (socket.AF_INET, socket.AF_INET6):
        with contextlib.suppress(OSError):  # not a TCP socket after all
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


class NoDelayH11Protocol(H11Protocol):
    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        set_nodelay(transport)
        super().connection_made(transport)
