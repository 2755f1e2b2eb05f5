"""The held-out evaluation set (never trained on): loading it, finding near copies in training."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

from assist.dialogue.vocabulary import fold

DEFAULT_HELDOUT_DIR = Path(__file__).resolve().parents[2] / "tests" / "nlu" / "heldout"
SECOND_HELDOUT_DIR = DEFAULT_HELDOUT_DIR.with_name("heldout2")
THIRD_HELDOUT_DIR = DEFAULT_HELDOUT_DIR.with_name("heldout3")
FOURTH_HELDOUT_DIR = DEFAULT_HELDOUT_DIR.with_name("heldout4")
HELDOUT_SETS: tuple[tuple[str, Path], ...] = (
    ("set 1 (written first; its misses were read while tuning)", DEFAULT_HELDOUT_DIR),
    ("set 2 (written independently; never read; one rule chosen on it)", SECOND_HELDOUT_DIR),
    ("set 3 (written independently; never read)", THIRD_HELDOUT_DIR),
    ("set 4 (written independently last; never read)", FOURTH_HELDOUT_DIR),
)
"""Every held-out set, named for the evaluation's tables. Set 1 was written before any
classifier change by the person who then built the safety net, so its figures flatter; sets
2-4 were written afterwards by people who saw neither the training data, the other sets nor
the classifier. Set 2's totals were measured while tuning and chose one cross-check rule (its
lines never read); set 3 was added before a morning's tuning was measured on it and chose
nothing, but its totals were measured after each step of it; set 4 was added later that
day, before anything was measured on it, and measured once, for the final figures."""
NEAR_COPY_JACCARD = 0.8
"""Two lines whose character-trigram sets overlap this much (Jaccard) count as one line."""


@dataclass(frozen=True)
class HeldOut:
    """One held-out utterance with its true intent and the language it is written in."""

    text: str
    intent: str
    language: str


def all_heldout_files() -> list[Path]:
    """Return every held-out file of every set (for hashes and guards)."""
    return [f for _, d in HELDOUT_SETS for f in sorted(d.glob("heldout_*.yml"))]


def load_heldout(path: Path = DEFAULT_HELDOUT_DIR) -> list[HeldOut]:
    """Return every utterance in `path` (one `heldout_*.yml` file, or a directory of them).

    Each file holds `language: xx` and `intents: {intent: [text, ...]}`. Raises
    FileNotFoundError when there is no such file, ValueError when one is malformed.
    """
    root = Path(path)
    files = [root] if root.is_file() else sorted(root.glob("heldout_*.yml"))
    if not files:
        raise FileNotFoundError(f"no held-out files (heldout_*.yml) under {root}")
    out: list[HeldOut] = []
    for file in files:
        try:
            # every scalar a string (BaseLoader builds no objects, so it is safe): YAML 1.1
            # would read a line "no" as False
            doc = yaml.load(file.read_text(encoding="utf-8"), Loader=yaml.BaseLoader) or {}  # noqa: S506
        except yaml.YAMLError as exc:
            raise ValueError(f"{file}: not valid YAML: {exc}") from exc
        language = doc.get("language")
        intents = doc.get("intents")
        if not isinstance(language, str) or not isinstance(intents, dict):
            raise ValueError(f"{file}: needs `language: xx` and `intents: {{name: [text]}}`")
        for intent, texts in intents.items():
            for text in texts or []:
                out.append(HeldOut(str(text).strip(), str(intent), language))
    return out


def trigrams(text: str) -> frozenset[str]:
    """Return the character trigrams of `text` after `fold`, padded with a space each side."""
    padded = f" {fold(text)} "
    return frozenset(padded[i : i + 3] for i in range(len(padded) - 2))


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    """Return |a ∩ b| / |a ∪ b| (0.0 for two empty sets)."""
    union = len(a | b)
    return len(a & b) / union if union else 0.0


def near_copies(
    heldout: Sequence[str], training: Iterable[str], threshold: float = NEAR_COPY_JACCARD
) -> list[tuple[str, str, float]]:
    """Return (held-out line, training line, similarity) for every held-out line that equals a
    training line after `fold`, or whose trigram Jaccard similarity with one is ≥ `threshold`."""
    train = [(t, fold(t), trigrams(t)) for t in training]
    exact = {folded: t for t, folded, _ in train}
    found: list[tuple[str, str, float]] = []
    for line in heldout:
        folded = fold(line)
        if folded in exact:
            found.append((line, exact[folded], 1.0))
            continue
        grams = trigrams(line)
        size = len(grams)
        for text, _, other in train:
            # Jaccard ≥ t needs the smaller set to be at least t times the larger one
            if min(size, len(other)) < threshold * max(size, len(other)):
                continue
            similarity = jaccard(grams, other)
            if similarity >= threshold:
                found.append((line, text, similarity))
                break
    return found


def near_copies_all(
    heldout: Sequence[str], training: Iterable[str], threshold: float = NEAR_COPY_JACCARD
) -> list[tuple[str, str, float]]:
    """Like `near_copies`, but every (held-out line, training line, similarity) pair, not
    only the first training line found for each held-out line."""
    held = [(line, fold(line), trigrams(line)) for line in heldout]
    found: list[tuple[str, str, float]] = []
    for text in training:
        folded, other = fold(text), trigrams(text)
        for line, line_folded, grams in held:
            if folded == line_folded:
                found.append((line, text, 1.0))
                continue
            if min(len(grams), len(other)) < threshold * max(len(grams), len(other)):
                continue
            similarity = jaccard(grams, other)
            if similarity >= threshold:
                found.append((line, text, similarity))
    return found


@dataclass(frozen=True)
class Goal:
    """A target on the held-out set: figure name, bound, and whether higher is better."""

    name: str
    bound: float
    higher_is_better: bool = True

    def met(self, value: float) -> bool:
        """Return True when `value` meets the goal."""
        return value >= self.bound if self.higher_is_better else value <= self.bound


GOALS = (
    Goal("accuracy", 0.90),
    Goal("safeguarding recall", 0.97),
    Goal("person recall", 0.95),
    Goal("out of scope handled", 0.85),
    Goal("p99 ms", 50.0, higher_is_better=False),
)
"""Issue #15's goals for both classifiers on unseen words."""
