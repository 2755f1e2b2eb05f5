"""Days nobody answers all day on any channel (bank holidays), from the council's service
information, cached in memory for an hour and failing safe to none when the council is down.

The brief's topic is `bank_holidays`; the reference council answers that path in a shape
the information client cannot read, but lists the same dates under `extra.closed_on` of
every topic, so `opening_hours` is asked next. Dates are read from `extra.closed_on`,
`extra.bank_holidays` or `extra.dates`: a list of `{"date": "YYYY-MM-DD", ...}` or of strings.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import time
import weakref
from collections.abc import Callable
from typing import Any

from assist.backend_client.protocol import BackendError, CouncilServices

log = logging.getLogger(__name__)

TOPICS = ("bank_holidays", "opening_hours")
EXTRA_KEYS = ("closed_on", "bank_holidays", "dates")
CACHE_S = 3600.0
"""How long fetched dates are kept."""
RETRY_S = 300.0
"""After a failure, how long to go on with no closed dates before asking again (a voice
turn must not wait on a council that is down)."""
BUDGET_S = 3.0
"""The most one fetch may take inside a webhook (Twilio allows 15 s for the whole answer)."""


def dates_in(extra: dict[str, Any]) -> frozenset[dt.date]:
    """The closed dates listed in a service information `extra` (unreadable items skipped)."""
    out: set[dt.date] = set()
    for key in EXTRA_KEYS:
        items = extra.get(key)
        if not isinstance(items, list):
            continue
        for item in items:
            text = item.get("date") if isinstance(item, dict) else item
            try:
                out.add(dt.date.fromisoformat(str(text)))
            except ValueError:
                continue
    return frozenset(out)


class ClosedDates:
    """The council's closed dates, fetched at most once an hour (every 5 minutes after a
    failure), one fetch at a time."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self.dates: frozenset[dt.date] = frozenset()
        self.expires: float | None = None
        self.fetches = 0
        self._lock = asyncio.Lock()

    async def get(self, services: CouncilServices) -> frozenset[dt.date]:
        """The closed dates `services` list; none (reason logged) when the council can't say."""
        if self.expires is not None and self.clock() < self.expires:
            return self.dates
        async with self._lock:
            if self.expires is not None and self.clock() < self.expires:
                return self.dates
            self.fetches += 1
            try:
                async with asyncio.timeout(BUDGET_S):
                    self.dates = await self._fetch(services)
                self.expires = self.clock() + CACHE_S
            except (TimeoutError, BackendError) as exc:
                log.warning(
                    "bank holidays unavailable (%s: %s); treating no days as closed for %.0f s",
                    type(exc).__name__,
                    exc,
                    RETRY_S,
                )
                self.dates = frozenset()
                self.expires = self.clock() + RETRY_S
            return self.dates

    async def _fetch(self, services: CouncilServices) -> frozenset[dt.date]:
        last: BackendError | None = None
        for topic in TOPICS:
            try:
                info = await services.service_info(topic)
            except BackendError as exc:
                last = exc
                continue
            return dates_in(info.extra)
        assert last is not None
        raise last


_CACHES: dict[int, ClosedDates] = {}


def closed_dates_for(services: CouncilServices) -> ClosedDates:
    """The one cache for these council services (pass them to its `get`), dropped when they
    are; keyed by identity, as some implementations are unhashable dataclasses."""
    key = id(services)
    cache = _CACHES.get(key)
    if cache is None:
        cache = _CACHES[key] = ClosedDates()
        # Services that cannot be weakly referenced keep their entry (one per object).
        with contextlib.suppress(TypeError):
            weakref.finalize(services, _CACHES.pop, key, None)
    return cache
