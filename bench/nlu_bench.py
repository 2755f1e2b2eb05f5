"""The in-process classifier's reading time, short sentences beside long ones, as ratios.

Reads the training sentences of dialogues/rasa (every language) with the fallback
classifier's `predict` (the whole sentence, its clauses when long, the word lists, entities
and language) and prints p50/p99 for short (under 10 words) and long (30 words or more)
sentences. Beside them, measured in the same run on the same sentences:

- a **floor**: folding and tokenising the sentence only, the least any reading costs;
- the **dictionary scorer** the numpy one replaced (posting lists walked in Python), on the
  whole sentence only. It computes only the cosines with every example, while `scores` also
  adds the centroids, the k best per intent and the word lists, so the ratio between them
  understates what the arrays bought.

Figures are ratios against the floor because the machine's load moves absolute times.

    .venv/bin/python bench/nlu_bench.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import math
import statistics
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from assist.nlu.fallback import (  # noqa: E402
    _BLOCKS,
    TfidfClassifier,
    _raw_features,
    _unit_vector,
    load_rasa_examples,
    tokens_text,
)
from bench.summary import pct  # noqa: E402


class DictionaryScorer:
    """The similarity scoring the fallback used before numpy: posting lists of (example,
    weight) walked in Python for every feature of the sentence. Kept here as a baseline."""

    def __init__(self, examples: Sequence[tuple[str, str]]) -> None:
        raw = [_raw_features(t) for t, _ in examples]
        self.labels = [i for _, i in examples]
        self.idf: dict[str, dict[str, float]] = {}
        self.postings: dict[str, dict[str, list[tuple[int, float]]]] = {}
        for block in _BLOCKS:
            df: Counter[str] = Counter()
            for feats in raw:
                df.update(feats[block.name].keys())
            n = len(raw)
            idf = {f: math.log((1 + n) / (1 + c)) + 1.0 for f, c in df.items()}
            self.idf[block.name] = idf
            postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
            for index, feats in enumerate(raw):
                for feature, weight in _unit_vector(feats[block.name], idf).items():
                    postings[feature].append((index, weight))
            self.postings[block.name] = dict(postings)

    def similarities(self, text: str) -> dict[int, float]:
        """Each example's weighted cosine with `text`."""
        raw = _raw_features(text)
        sims: defaultdict[int, float] = defaultdict(float)
        for block in _BLOCKS:
            query = _unit_vector(raw[block.name], self.idf[block.name])
            postings = self.postings[block.name]
            for feature, q in query.items():
                for index, w in postings.get(feature, ()):
                    sims[index] += block.weight * q * w
        return sims


def timings(fn: Callable[[str], object], texts: Sequence[str], repeat: int) -> list[float]:
    """Milliseconds per call of `fn` on each text, `repeat` times over."""
    out: list[float] = []
    for _ in range(repeat):
        for text in texts:
            started = time.perf_counter()
            fn(text)
            out.append((time.perf_counter() - started) * 1000)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="passes over the sentences")
    args = parser.parse_args()
    examples = load_rasa_examples(REPO / "dialogues" / "rasa")
    started = time.perf_counter()
    model = TfidfClassifier(examples)
    trained = time.perf_counter() - started
    baseline = DictionaryScorer([(t, i) for t, i in examples if tokens_text(t)])
    texts = list(dict.fromkeys(t for t, _ in examples))
    groups = {
        "short (< 10 words)": [t for t in texts if len(t.split()) < 10][:300],
        "long (>= 30 words)": [t for t in texts if len(t.split()) >= 30][:300],
    }
    print(f"fallback trained on {len(examples)} sentences in {trained:.2f} s")
    for name, group in groups.items():
        for text in group[:20]:  # warm caches and the allocator
            model.predict(text)
        floor = timings(tokens_text, group, args.repeat)
        predict = timings(model.predict, group, args.repeat)
        numpy_scores = timings(model.scores, group, args.repeat)
        dict_scores = timings(baseline.similarities, group, args.repeat)
        f50 = statistics.median(floor)
        print(f"{name}: {len(group)} sentences x {args.repeat}; floor (tokenise) p50 {f50:.3f} ms")
        for label, values in (("predict", predict), ("numpy scores", numpy_scores),
                              ("dict scores", dict_scores)):  # fmt: skip
            print(
                f"  {label:<13} p50 {pct(values, 0.5):6.2f} ms  p99 {pct(values, 0.99):6.2f} ms"
                f"  = {pct(values, 0.5) / f50:5.1f}x the floor"
            )
        speedup = pct(dict_scores, 0.5) / pct(numpy_scores, 0.5)
        print(f"  numpy scores are {speedup:.1f}x faster at p50")


if __name__ == "__main__":
    main()
