"""What several instances on one PostgreSQL database add to a service: shared live events.

`open_service` calls `join_instances` when the store is PostgreSQL; on SQLite (one process)
nothing here runs. The pieces live in their own modules: `assist.events_pg`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from assist.events_pg import PgEventBridge

if TYPE_CHECKING:
    from assist.service import Service


@dataclass
class Instances:
    """This instance's links to the others."""

    bridge: PgEventBridge
    """Events published here reach the other instances' buses, and theirs reach this one."""

    def health(self) -> dict[str, Any]:
        """For /healthz: the event bridge's state."""
        return {"events": self.bridge.health()}


def join_instances(service: Service, url: str) -> Instances:
    """Bridge the service's event bus through the database at `url` (a background job)."""
    bridge = PgEventBridge(service.bus, url)
    bridge.attach()
    service.jobs.append(("events", bridge.run))
    return Instances(bridge)
