"""A real DNS server on 127.0.0.1 (dnslib) that answers TXT records the test sets, for custom-domain
verification through the platform's real resolver (dnspython)."""

from __future__ import annotations

import threading
from typing import Any

from dnslib import QTYPE, RR, TXT, DNSRecord
from dnslib.server import BaseResolver, DNSServer

from tests.support import free_port


class _Records(BaseResolver):  # type: ignore[misc]
    def __init__(self) -> None:
        self.txt: dict[str, list[str]] = {}
        self.lock = threading.Lock()
        self.asked: list[str] = []

    def resolve(self, request: DNSRecord, handler: Any) -> DNSRecord:
        reply = request.reply()
        name = str(request.q.qname).rstrip(".").lower()
        with self.lock:
            self.asked.append(name)
            values = list(self.txt.get(name, []))
        if request.q.qtype == QTYPE.TXT:
            for value in values:
                reply.add_answer(RR(request.q.qname, QTYPE.TXT, rdata=TXT(value), ttl=1))
        return reply


class LocalDns:
    """``set_txt(name, value)``, then resolve against ``nameserver`` (``127.0.0.1:<port>``)."""

    def __init__(self) -> None:
        self.records = _Records()
        self.port = free_port()
        self.server = DNSServer(self.records, address="127.0.0.1", port=self.port)

    @property
    def nameserver(self) -> str:
        return f"127.0.0.1:{self.port}"

    def set_txt(self, name: str, *values: str) -> None:
        with self.records.lock:
            self.records.txt[name.lower()] = list(values)

    def start(self) -> LocalDns:
        self.server.start_thread()
        return self

    def stop(self) -> None:
        self.server.stop()
        self.server.server.server_close()
