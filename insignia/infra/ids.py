"""Identifiers: time-ordered UUIDs (version 7, RFC 9562).

Time-ordered ids keep B-tree inserts local and make ``ORDER BY id`` creation order, which the
cursor pagination relies on. Within one process ids are strictly increasing: inside the same
millisecond the 12-bit ``rand_a`` field is a counter (RFC 9562, method 1).
"""

from __future__ import annotations

import os
import threading
import time
import uuid


class _Clock:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.last_ms = 0
        self.seq = 0

    def tick(self) -> tuple[int, int]:
        with self.lock:
            millis = time.time_ns() // 1_000_000
            if millis > self.last_ms:
                self.last_ms = millis
                self.seq = int.from_bytes(os.urandom(2), "big") & 0x3FF  # leave room to count up
            else:
                self.seq += 1
                if self.seq > 0xFFF:  # over ~3000 ids in one millisecond: borrow the next one
                    self.last_ms += 1
                    self.seq = 0
            return self.last_ms, self.seq


_clock = _Clock()


def uuid7() -> uuid.UUID:
    """A new UUIDv7: 48 bits of Unix milliseconds, a 12-bit sequence, then 62 random bits."""
    millis, seq = _clock.tick()
    value = (millis & ((1 << 48) - 1)) << 80
    value |= 0x7 << 76  # version
    value |= seq << 64  # rand_a as a counter
    value |= 0b10 << 62  # variant
    value |= int.from_bytes(os.urandom(8), "big") & ((1 << 62) - 1)  # rand_b
    return uuid.UUID(int=value)
