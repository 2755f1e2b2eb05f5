"""Live events across instances on PostgreSQL: the local `EventBus` joined by LISTEN/NOTIFY.

Each instance's `PgEventBridge` NOTIFYs channel `assist_events` with `{topic, event, origin}`
for every event published on its bus, and LISTENs on one dedicated connection, delivering
other instances' events to its local subscribers (never its own: they were delivered when
published). So a staff reply handled on instance B reaches a citizen's socket on instance A.

Events only say "look again": every subscriber re-reads the store, which is the truth. An
event lost while the connection is down (it reconnects every `RETRY_S`) only delays an
update until the subscriber's next poll. An event over PostgreSQL's payload limit is not
forwarded (logged).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import secrets
from typing import Any

import asyncpg

from assist.events import EventBus

log = logging.getLogger(__name__)

CHANNEL = "assist_events"
MAX_PAYLOAD = 7900
"""NOTIFY payloads must be under 8000 bytes."""
RETRY_S = 1.0
"""Wait before reconnecting after the connection failed."""
PING_S = 5.0
"""With nothing to send, check the connection this often (a dead one is replaced)."""
BACKLOG = 1000
"""Events waiting to be sent while disconnected; the oldest are dropped beyond it."""


class PgEventBridge:
    """Forwards a bus's events to other instances and theirs to it (see the module docstring)."""

    def __init__(self, bus: EventBus, url: str, instance_id: str | None = None) -> None:
        """Bridge `bus` through the PostgreSQL database at `url`; call `attach` then `run`."""
        self.bus = bus
        self.url = url
        self.instance_id = instance_id or secrets.token_hex(8)
        self.listening = asyncio.Event()
        """Set while the LISTEN connection is up (tests wait on it)."""
        self.sent = 0
        self.received = 0
        self.dropped = 0
        self._out: asyncio.Queue[str] = asyncio.Queue(BACKLOG)

    def attach(self) -> None:
        """Forward every event published on the bus from now on."""
        self.bus.forward = self.send

    def send(self, topic: str, event: dict[str, Any]) -> None:
        """Queue one event for the other instances (called by `EventBus.publish`)."""
        payload = json.dumps({"topic": topic, "event": event, "origin": self.instance_id})
        if len(payload.encode()) > MAX_PAYLOAD:
            log.warning("event on %s too large to share with other instances", topic)
            self.dropped += 1
            return
        if self._out.full():
            with contextlib.suppress(asyncio.QueueEmpty):
                self._out.get_nowait()
                self.dropped += 1
        self._out.put_nowait(payload)

    def _on_notify(self, conn: object, pid: int, channel: str, payload: str) -> None:
        try:
            message = json.loads(payload)
            if message.get("origin") == self.instance_id:
                return
            topic, event = str(message["topic"]), message["event"]
        except (ValueError, KeyError, TypeError, AttributeError):
            log.warning("ignored a malformed event on %s", channel)
            return
        if isinstance(event, dict):
            self.received += 1
            self.bus.deliver(topic, event)

    async def run(self, stop: asyncio.Event) -> None:
        """Until `stop` is set: listen and send, reconnecting after any connection trouble."""
        while not stop.is_set():
            try:
                await self._connected(stop)
            except (OSError, TimeoutError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
                log.warning("event bridge: %s; reconnecting", type(exc).__name__)
            self.listening.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=RETRY_S)

    async def _connected(self, stop: asyncio.Event) -> None:
        conn: asyncpg.Connection = await asyncpg.connect(self.url, timeout=10)
        try:
            await conn.add_listener(CHANNEL, self._on_notify)
            self.listening.set()
            while not stop.is_set():
                payload = await self._next(stop)
                if payload is None:
                    await conn.execute("SELECT 1")  # raises when the connection died
                    continue
                await conn.execute("SELECT pg_notify($1, $2)", CHANNEL, payload)
                self.sent += 1
        finally:
            self.listening.clear()
            conn.terminate()

    async def _next(self, stop: asyncio.Event) -> str | None:
        """The next payload to send; None after `PING_S` idle or when stopping."""
        getter = asyncio.ensure_future(self._out.get())
        stopper = asyncio.ensure_future(stop.wait())
        try:
            await asyncio.wait({getter, stopper}, timeout=PING_S, return_when="FIRST_COMPLETED")
        finally:
            stopper.cancel()
            if not getter.done():
                getter.cancel()
        if getter.done() and not getter.cancelled():
            return getter.result()
        return None

    def health(self) -> dict[str, Any]:
        """The bridge's state for /healthz: listening, events sent, received and dropped."""
        return {
            "instance": self.instance_id,
            "listening": self.listening.is_set(),
            "sent": self.sent,
            "received": self.received,
            "dropped": self.dropped,
        }
