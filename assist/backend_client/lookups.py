"""A short-lived cache of the council's read-only look-ups: addresses per postcode, bin days.

Addresses and collection days change rarely, but many citizens ask for the same postcode
within a minute (a busy hour, a street that just missed its bins), and each look-up is an
HTTP round trip. An answer is kept for `ttl_s` seconds from when it was *asked for* (so an
answer is never older than the TTL, however slowly it came), then asked for again. Only
successful answers are kept: a failure (NotFound, BackendUnavailable...) is never cached, so
the next citizen asks afresh. Reports and their statuses never pass through here.
"""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

T = TypeVar("T")

LOOKUP_TTL_S = 60.0
"""How long an address list or a bin-day answer is reused (seconds)."""
LOOKUP_MAX_ENTRIES = 4096
"""At most this many answers are kept per kind; the oldest go first."""


class TtlCache(Generic[T]):
    """Answers by key for `ttl_s` seconds of `clock` (monotonic), at most `max_entries`.

    Concurrent misses for one key share one look-up (a burst of citizens with one postcode
    makes one request). A zero or negative TTL turns the cache off.
    """

    def __init__(
        self,
        ttl_s: float = LOOKUP_TTL_S,
        *,
        max_entries: int = LOOKUP_MAX_ENTRIES,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.ttl_s = ttl_s
        self.max_entries = max_entries
        self.clock = clock
        self._kept: OrderedDict[str, tuple[float, T]] = OrderedDict()
        self._asking: dict[str, asyncio.Future[T]] = {}

    def clear(self) -> None:
        """Forget every kept answer."""
        self._kept.clear()

    def __len__(self) -> int:
        return len(self._kept)

    async def get(self, key: str, ask: Callable[[], Awaitable[T]]) -> T:
        """The kept answer for `key` if asked for less than `ttl_s` ago, else `await ask()`
        (kept only when it succeeds)."""
        if self.ttl_s <= 0:
            return await ask()
        now = self.clock()
        kept = self._kept.get(key)
        if kept is not None:
            if now - kept[0] < self.ttl_s:
                return kept[1]
            del self._kept[key]
        pending = self._asking.get(key)
        if pending is not None:
            try:
                return await asyncio.shield(pending)
            except asyncio.CancelledError:
                if not pending.cancelled():
                    raise  # this caller was cancelled
                return await self.get(key, ask)  # the one asking was: ask afresh
        future: asyncio.Future[T] = asyncio.get_running_loop().create_future()
        self._asking[key] = future
        try:
            answer = await ask()
        except asyncio.CancelledError:
            future.cancel()
            raise
        except BaseException as exc:
            future.set_exception(exc)
            future.exception()  # retrieved: nobody else need be waiting
            raise
        finally:
            del self._asking[key]
        future.set_result(answer)
        self._kept[key] = (now, answer)
        while len(self._kept) > self.max_entries:
            self._kept.popitem(last=False)
        return answer
