"""An in-process publish/subscribe bus for live updates (queue changes, staff replies).

Within one process; on PostgreSQL `assist.events_pg.PgEventBridge` sets `forward`, so what
is published here also reaches the other instances, whose bridges `deliver` it locally.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import defaultdict
from collections.abc import AsyncIterator, Callable
from typing import Any


class EventBus:
    """Topics are strings such as `session:<id>` or `queue`; events are JSON-ready dicts."""

    def __init__(self, max_queue: int = 200) -> None:
        self._subs: dict[str, set[asyncio.Queue[dict[str, Any]]]] = defaultdict(set)
        self._max = max_queue
        self.forward: Callable[[str, dict[str, Any]], None] | None = None
        """Also told of every event published here (other instances' bridge), if set."""

    def publish(self, topic: str, event: dict[str, Any]) -> int:
        """Deliver to current subscribers (a slow subscriber drops its oldest event) and to
        `forward`; returns how many local subscribers got it."""
        if self.forward is not None:
            self.forward(topic, event)
        return self.deliver(topic, event)

    def deliver(self, topic: str, event: dict[str, Any]) -> int:
        """Deliver to this process's subscribers only (an event from another instance)."""
        n = 0
        for q in list(self._subs.get(topic, ())):
            if q.full():
                with contextlib.suppress(asyncio.QueueEmpty):
                    q.get_nowait()
            q.put_nowait(event)
            n += 1
        return n

    @contextlib.asynccontextmanager
    async def subscribe(self, topic: str) -> AsyncIterator[asyncio.Queue[dict[str, Any]]]:
        """A queue receiving the topic's events until the block ends."""
        q: asyncio.Queue[dict[str, Any]] = asyncio.Queue(self._max)
        self._subs[topic].add(q)
        try:
            yield q
        finally:
            self._subs[topic].discard(q)
            if not self._subs[topic]:
                self._subs.pop(topic, None)
