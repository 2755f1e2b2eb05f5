"""What several instances on one PostgreSQL database add to a service: shared live events
and one turn at a time per sender across instances.

`open_service` calls `join_instances` when the store is PostgreSQL; on SQLite (one process)
nothing here runs. The pieces live in their own modules: `assist.events_pg` and
`assist.store.pg_turns`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from assist.events_pg import PgEventBridge
from assist.store.pg_turns import PgTurnLocks

if TYPE_CHECKING:
    from assist.service import Service


@dataclass
class Instances:
    """This instance's links to the others."""

    bridge: PgEventBridge
    """Events published here reach the other instances' buses, and theirs reach this one."""
    locks: PgTurnLocks
    """Held for each turn, so a sender's turns never overlap whichever instance runs them."""

    def health(self) -> dict[str, Any]:
        """For /healthz: the event bridge's state."""
        return {"events": self.bridge.health()}


async def join_instances(service: Service, url: str) -> Instances:
    """Bridge the service's event bus through the database at `url` (a background job) and
    make its turns take the sender's lock there; raises StoreUnavailable when it cannot."""
    locks = PgTurnLocks(url)
    await locks.open()
    service.closers.append(locks.close)
    service.conversations.turn_lock = locks.hold
    bridge = PgEventBridge(service.bus, url)
    bridge.attach()
    service.jobs.append(("events", bridge.run))
    return Instances(bridge, locks)
