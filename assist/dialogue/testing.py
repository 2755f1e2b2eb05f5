"""Test doubles for the dialogue contracts, public so every component's tests can use them."""

from __future__ import annotations

from dataclasses import dataclass, field

from assist.dialogue.nlu import Classification
from assist.dialogue.vocabulary import fold


@dataclass
class TableClassifier:
    """An `IntentClassifier` answering from a table of phrases (substring match, folded).

    Anything not in the table is `out_of_scope` with low confidence, so tests exercise the
    "not understood" paths honestly.
    """

    table: dict[str, str] = field(default_factory=dict)
    confidence: float = 0.95
    calls: list[str] = field(default_factory=list)

    async def classify(self, text: str, language: str | None = None) -> Classification:
        self.calls.append(text)
        folded = fold(text)
        for phrase, intent in sorted(self.table.items(), key=lambda kv: -len(kv[0])):
            if fold(phrase) in folded:
                return Classification(intent, self.confidence, classifier="table")
        return Classification("out_of_scope", 0.1, classifier="table")
