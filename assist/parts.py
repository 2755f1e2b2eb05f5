"""`Parts`: what the top hands each adapter (a channel or the staff console), and no more.

Adapters receive these through FastAPI's `Depends` (see `assist.deps`) or as an argument,
never the whole service, so an adapter can only parse, run a turn and render.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from assist.backend_client.protocol import CouncilServices
from assist.conversations import Conversations
from assist.dialogue.prompts import Prompts
from assist.events import EventBus
from assist.metrics import Metrics
from assist.settings import Settings
from assist.store.base import Store


@dataclass(frozen=True)
class Parts:
    """The shared pieces an adapter may use."""

    settings: Settings
    store: Store
    """Read and written only through the owning components' functions, never raw SQL."""
    conversations: Conversations
    """The turn runner: every citizen turn goes through it."""
    prompts: Prompts
    """Every sentence a citizen or staff member reads or hears."""
    services: CouncilServices
    """The council's services (bin days, reports, service information)."""
    bus: EventBus
    """Live events (queue changes, staff replies, citizens' words)."""
    metrics: Metrics
    wake_outbox: Callable[[], None]
    """Tell the outbox worker there is new work."""
    hours_in_words: Callable[[str, str], str]
    """Opening hours in plain words, in a language: `(lang, hours) -> sentence`."""
