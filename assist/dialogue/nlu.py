"""The understanding contract: an `IntentClassifier` turns words into an intent and entities."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol


@dataclass(frozen=True)
class Classification:
    """What a classifier made of one utterance."""

    intent: str
    """One of the fixed intent names in SERVICES.md (or `out_of_scope`)."""
    confidence: float
    """0..1; below the configured threshold the engine treats it as not understood."""
    entities: dict[str, Any] = field(default_factory=dict)
    """Extracted values: `postcode`, `reference`, `bin_colour`, ..."""
    ranking: tuple[tuple[str, float], ...] = ()
    """Other candidate intents with confidences, best first."""
    classifier: str = "fallback"
    """Which classifier answered: `rasa` or `fallback`."""
    language: str | None = None
    """Language detected in the text, when trustworthy."""
    degraded: bool = False
    """The in-process classifier answered because Rasa could not (down, slow or busy)."""


SERVICE_INTENTS = frozenset(
    {
        "bin_day",
        "missed_bin",
        "report_pothole",
        "report_flytipping",
        "report_streetlight",
        "request_status",
        "council_tax",
        "blue_badge",
        "school_transport",
        "adult_social_care",
        "safeguarding",
        "library",
        "opening_hours",
        "reminders",
    }
)
"""The council services citizens ask for (SERVICES.md); each has a flow."""
CONVERSATION_INTENTS = frozenset({"human", "goodbye", "out_of_scope"})
"""Intents about the conversation that flows also route (a person, goodbye, not ours)."""
ENGINE_INTENTS = frozenset({"repeat", "back", "start_over", "affirm", "deny"})
"""Intents the engine handles itself at every step, so they need no flow."""


class IntentClassifier(Protocol):
    """Anything that classifies free text or speech into an intent."""

    async def classify(self, text: str, language: str | None = None) -> Classification:
        """Classify `text`; never raises for ordinary input (returns low confidence instead)."""
        ...
