"""Evaluation figures for one classifier on one set of sentences (`assist nlu evaluate`)."""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field

from assist.dialogue.nlu import Classification
from assist.nlu.fallback import OUT_OF_SCOPE


@dataclass
class Prediction:
    """One evaluated sentence."""

    text: str
    gold: str
    result: Classification
    latency_ms: float


@dataclass
class Report:
    """Evaluation figures for one classifier on one split."""

    name: str
    threshold: float
    predictions: list[Prediction] = field(default_factory=list)

    def _predicted(self, p: Prediction, use_threshold: bool) -> str:
        if use_threshold and p.result.confidence < self.threshold:
            return "(clarify)"
        return p.result.intent

    def per_intent(self, use_threshold: bool = False) -> dict[str, tuple[float, float, float, int]]:
        """Return intent -> (precision, recall, F1, support); with `use_threshold`, answers
        below the threshold count as "not understood" (a miss, but no one else's false hit)."""
        tp: Counter[str] = Counter()
        fp: Counter[str] = Counter()
        fn: Counter[str] = Counter()
        support: Counter[str] = Counter()
        for p in self.predictions:
            predicted = self._predicted(p, use_threshold)
            support[p.gold] += 1
            if predicted == p.gold:
                tp[p.gold] += 1
            else:
                fn[p.gold] += 1
                fp[predicted] += 1
        out = {}
        for intent in sorted(support):
            precision = tp[intent] / (tp[intent] + fp[intent]) if tp[intent] + fp[intent] else 0.0
            recall = tp[intent] / support[intent]
            f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
            out[intent] = (precision, recall, f1, support[intent])
        return out

    def macro_f1(self, use_threshold: bool = False) -> float:
        """Return the unweighted mean F1 over intents."""
        rows = self.per_intent(use_threshold)
        return sum(r[2] for r in rows.values()) / len(rows) if rows else 0.0

    def accuracy(self) -> float:
        """Return the share of sentences whose best intent is right."""
        hits = sum(p.result.intent == p.gold for p in self.predictions)
        return hits / len(self.predictions) if self.predictions else 0.0

    def out_of_scope_handled(self) -> float:
        """Return the share of out-of-scope sentences sent to out_of_scope or to clarification
        (below threshold) rather than to a wrong service."""
        oos = [p for p in self.predictions if p.gold == OUT_OF_SCOPE]
        ok = sum(self._predicted(p, True) in (OUT_OF_SCOPE, "(clarify)") for p in oos)
        return ok / len(oos) if oos else 1.0

    def wrong_service_rate(self) -> float:
        """Return the share of in-scope sentences confidently sent to a wrong intent."""
        ins = [p for p in self.predictions if p.gold != OUT_OF_SCOPE]
        wrong = sum(self._predicted(p, True) not in (p.gold, "(clarify)") for p in ins)
        return wrong / len(ins) if ins else 0.0

    def clarify_rate(self) -> float:
        """Return the share of in-scope sentences answered below the threshold."""
        ins = [p for p in self.predictions if p.gold != OUT_OF_SCOPE]
        low = sum(p.result.confidence < self.threshold for p in ins)
        return low / len(ins) if ins else 0.0

    def safeguarding_recall(self) -> float:
        """Return the share of safeguarding sentences confidently classified as safeguarding."""
        sg = [p for p in self.predictions if p.gold == "safeguarding"]
        ok = sum(self._predicted(p, True) == "safeguarding" for p in sg)
        return ok / len(sg) if sg else 1.0

    def latency(self, q: float) -> float:
        """Return the `q` quantile (0..1) of per-message latency in ms."""
        values = sorted(p.latency_ms for p in self.predictions)
        if not values:
            return 0.0
        return values[min(len(values) - 1, max(0, math.ceil(q * len(values)) - 1))]

    def confusions(self, top: int = 10) -> list[tuple[str, str, int]]:
        """Return the most frequent (gold, predicted) mistakes above the threshold."""
        pairs: Counter[tuple[str, str]] = Counter(
            (p.gold, p.result.intent)
            for p in self.predictions
            if p.result.intent != p.gold and p.result.confidence >= self.threshold
        )
        return [(g, pr, n) for (g, pr), n in pairs.most_common(top)]
