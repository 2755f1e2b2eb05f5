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


class IntentClassifier(Protocol):
    """Anything that classifies free text or speech into an intent."""

    async def classify(self, text: str, language: str | None = None) -> Classification:
        """Classify `text`; never raises for ordinary input (returns low confidence instead)."""
        ...
