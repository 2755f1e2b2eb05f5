"""The in-process intent classifier: TF-IDF nearest neighbours over word and character n-grams.

It is trained at start-up (about a second) from the Rasa-format NLU data in
`dialogues/rasa/data/`, so the same examples teach both classifiers. Text is accent-folded
("żółty" and "zolty" are one word to it) and character n-grams absorb typos and the
inflections of Polish and Lithuanian. Confidence is the softmax share of the best intent,
damped when even the best match is a poor one, so an off-topic sentence scores low. The
examples' vectors are kept in numpy arrays, so reading a long sentence and its clauses takes a
few milliseconds.
"""

from __future__ import annotations

import itertools
import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import numpy.typing as npt
import yaml

from assist.dialogue.entities import extract_entities
from assist.dialogue.harm import risk_cues
from assist.dialogue.language import detect_language, warm_up
from assist.dialogue.memo import one_turn, remembered
from assist.dialogue.nlu import Classification
from assist.dialogue.vocabulary import fold
from assist.nlu.augment import augment as noisy_variants
from assist.nlu.cache import ParseCache
from assist.nlu.safety import MIN_WORDS_ALONE, most_urgent, safety_net
from assist.nlu.safety import alone as safety_alone

OUT_OF_SCOPE = "out_of_scope"
SAFEGUARDING = "safeguarding"
RISK_BOOST = 0.08
"""Added to safeguarding's score when the text has words of harm (see `risk_cues`)."""

_NON_WORD = re.compile(r"[^0-9a-z]+")
_ANNOTATION = re.compile(r"\[([^\]]+)\](?:\([^)]*\)|\{[^}]*\})")


# Text-message spellings (after `fold`) and the words they stand for, so "wen r u" and "when
# are you" are one sentence to the classifier; and the fillers speech recognisers write down
# ("erm", "yyy", "ee"), which say nothing about what the citizen wants.
_SMS = {
    "u": "you", "r": "are", "ur": "your", "yr": "your", "4": "for", "2": "to", "pls": "please",
    "plz": "please", "plis": "please", "wen": "when", "whn": "when", "wat": "what",
    "wot": "what", "wots": "whats", "wats": "whats", "wiv": "with", "cos": "because",
    "coz": "because", "cuz": "because", "thx": "thanks", "tmrw": "tomorrow",
    "2moro": "tomorrow", "wk": "week", "nxt": "next", "b4": "before", "abt": "about",
    "cld": "could", "wud": "would", "shud": "should", "ppl": "people", "msg": "message",
    "txt": "text", "sum1": "someone", "some1": "someone", "any1": "anyone", "hv": "have",
    "gd": "good", "dnt": "dont", "yeh": "yes", "yea": "yes", "ya": "you",
    "qdo": "quando", "qd": "quando", "pq": "porque", "tb": "tambem", "vc": "voce",
}  # fmt: skip
_FILLERS = frozenset(
    {"erm", "um", "umm", "er", "err", "uh", "uhm", "ah", "eh", "hmm", "hm", "mm", "yy", "yyy",
     "ee", "eee", "aa", "aaa", "ehm", "mmm"}
)  # fmt: skip


def _normal_words(text: str) -> list[str]:
    words = _NON_WORD.sub(" ", fold(text)).split()
    return [_SMS.get(w, w) for w in words if w not in _FILLERS]


def tokens_text(text: str) -> str:
    """`text` as the classifier's tokens: `assist.dialogue.vocabulary.fold`, then only Latin
    letters and digits kept (underscores and other scripts become spaces).

    Stricter than `fold` because the training examples are all Latin-script: a word in
    another script, or an underscore, would be a feature no example shares, which only
    dilutes the similarity of the words that do match.
    Text-message spellings become the words they stand for and speech fillers are dropped.
    """
    return " ".join(_normal_words(text))


def _word_features(words: list[str]) -> Counter[str]:
    feats: Counter[str] = Counter(words)
    feats.update(f"{a} {b}" for a, b in itertools.pairwise(words))
    return feats


def _char_features(words: list[str]) -> Counter[str]:
    feats: Counter[str] = Counter()
    for word in words:
        padded = f" {word} "
        for n in (3, 4, 5):
            if len(padded) < n:
                continue
            feats.update(padded[i : i + n] for i in range(len(padded) - n + 1))
    return feats


@dataclass(frozen=True)
class _Block:
    """One feature family (words or characters) with its weight in the combined similarity."""

    name: str
    weight: float


_BLOCKS = (_Block("word", 0.2), _Block("char", 0.8))


def _raw_features(text: str) -> dict[str, Counter[str]]:
    words = tokens_text(text).split()
    return {"word": _word_features(words), "char": _char_features(words)}


def load_rasa_examples(path: Path) -> list[tuple[str, str]]:
    """Return (text, intent) pairs from `path` (one NLU file) or every `nlu*.yml` file under it
    (a Rasa project or its data directory); `[CB1 2AD](postcode)` annotations keep their text.

    Raises FileNotFoundError when there is no NLU file, ValueError on malformed YAML.
    """
    root = Path(path)
    if root.is_file():
        files = [root]
    else:
        files = sorted(root.rglob("nlu*.yml")) + sorted(root.rglob("nlu*.yaml"))
    if not files:
        raise FileNotFoundError(f"no Rasa NLU files (nlu*.yml) under {root}")
    pairs: list[tuple[str, str]] = []
    for file in files:
        try:
            doc = yaml.safe_load(file.read_text(encoding="utf-8")) or {}
        except yaml.YAMLError as exc:
            raise ValueError(f"{file}: not valid YAML: {exc}") from exc
        for item in doc.get("nlu") or []:
            intent = item.get("intent") if isinstance(item, dict) else None
            if not intent:
                continue
            for line in str(item.get("examples") or "").splitlines():
                line = line.strip()
                if line.startswith("- "):
                    text = _ANNOTATION.sub(r"\1", line[2:]).strip()
                    if text:
                        pairs.append((text, str(intent)))
    return pairs


def new_readings(pairs: Sequence[tuple[str, str]]) -> list[tuple[str, str]]:
    """Return the noisy variants of `pairs` (`assist.nlu.augment`) that still read as new
    words after `tokens_text`: most SMS spellings, fillers and accents are undone by it, and
    a reading with the same words (a word said twice) would only crowd an example's nearest
    neighbours."""
    known = {frozenset(tokens_text(t).split()) for t, _ in pairs}
    out: list[tuple[str, str]] = []
    for text, intent in noisy_variants(pairs):
        tokens = frozenset(tokens_text(text).split())
        if tokens and tokens not in known:
            known.add(tokens)
            out.append((text, intent))
    return out


def _intent_slices(labels: Sequence[str], intents: Sequence[str]) -> list[tuple[int, int]]:
    """The [start, end) range of each intent's examples in `labels`, which is sorted."""
    slices: list[tuple[int, int]] = []
    start = 0
    for intent in intents:
        end = start
        while end < len(labels) and labels[end] == intent:
            end += 1
        slices.append((start, end))
        start = end
    return slices


def _unit_vector(counts: Counter[str], idf: dict[str, float]) -> dict[str, float]:
    """`counts` as an L2-normalised TF-IDF vector over the features `idf` knows."""
    vec = {f: (1.0 + math.log(c)) * idf[f] for f, c in counts.items() if f in idf}
    norm = math.sqrt(sum(v * v for v in vec.values()))
    return {f: v / norm for f, v in vec.items()} if norm else {}


@dataclass(frozen=True)
class _Index:
    """One feature family's trained vectors, laid out feature by feature (compressed sparse
    columns) so that a sentence's similarity to every example is one gather and one
    `numpy.bincount`, not a Python loop over tens of thousands of postings."""

    block: _Block
    idf: dict[str, float]
    columns: dict[str, int]
    starts: npt.NDArray[np.int64]
    """Feature `c`'s postings are `rows[starts[c]:starts[c + 1]]` and the same `values`."""
    rows: npt.NDArray[np.int64]
    values: npt.NDArray[np.float64]
    centroids: npt.NDArray[np.float64]
    """One row per feature, one column per intent: each intent's L2-normalised mean vector."""

    @classmethod
    def build(
        cls, block: _Block, counts: Sequence[Counter[str]], slices: Sequence[tuple[int, int]]
    ) -> _Index:
        """Index the examples' feature `counts` (in the order of `slices`' intents)."""
        df: Counter[str] = Counter()
        for feats in counts:
            df.update(feats.keys())
        n = len(counts)
        idf = {f: math.log((1 + n) / (1 + c)) + 1.0 for f, c in df.items()}
        columns = {feature: column for column, feature in enumerate(df)}
        cols: list[int] = []
        rows: list[int] = []
        values: list[float] = []
        for row, feats in enumerate(counts):
            for feature, weight in _unit_vector(feats, idf).items():
                cols.append(columns[feature])
                rows.append(row)
                values.append(weight)
        col_array = np.array(cols, dtype=np.int64)
        order = np.argsort(col_array, kind="stable")
        starts = np.zeros(len(columns) + 1, dtype=np.int64)
        np.cumsum(np.bincount(col_array, minlength=len(columns)), out=starts[1:])
        row_array = np.array(rows, dtype=np.int64)
        value_array = np.array(values, dtype=np.float64)
        intent_of_row = np.empty(n, dtype=np.int64)
        for position, (lo, hi) in enumerate(slices):
            intent_of_row[lo:hi] = position
        centroids = np.zeros((len(columns), len(slices)))
        np.add.at(centroids, (col_array, intent_of_row[row_array]), value_array)
        norms = np.sqrt((centroids * centroids).sum(axis=0))
        centroids /= np.where(norms > 0, norms, 1.0)
        return cls(block, idf, columns, starts, row_array[order], value_array[order], centroids)

    def add_similarities(
        self,
        counts: Counter[str],
        sims: npt.NDArray[np.float64],
        central: npt.NDArray[np.float64],
    ) -> None:
        """Add this family's weighted cosine with every example to `sims`, and with every
        intent's centroid to `central`, for a sentence with feature `counts`."""
        query = _unit_vector(counts, self.idf)
        if not query:
            return
        cols = np.fromiter((self.columns[f] for f in query), dtype=np.int64, count=len(query))
        q = np.fromiter(query.values(), dtype=np.float64, count=len(query)) * self.block.weight
        starts = self.starts[cols]
        lengths = self.starts[cols + 1] - starts
        total = int(lengths.sum())
        # the positions of every posting of the query's features, in one array
        first = np.cumsum(lengths) - lengths
        positions = np.arange(total) - np.repeat(first - starts, lengths)
        sims += np.bincount(
            self.rows[positions],
            weights=self.values[positions] * np.repeat(q, lengths),
            minlength=len(sims),
        )
        central += q @ self.centroids[cols]


class TfidfClassifier:
    """An `IntentClassifier` that needs nothing but the training examples, in-process.

    Similarity is a weighted sum of word and character-n-gram TF-IDF cosines. An intent's
    score blends its `k` nearest examples (one close example is strong evidence) with its
    centroid (the words that mark the intent as a whole), weighted by `centroid_weight`.
    """

    def __init__(
        self,
        examples: Iterable[tuple[str, str]],
        *,
        supported_languages: Sequence[str] = ("en", "pl", "lt", "ro", "pt"),
        k: int = 4,
        temperature: float = 0.03,
        full_similarity: float = 0.3,
        centroid_weight: float = 0.5,
        augment: bool = False,
    ) -> None:
        """Train on (text, intent) pairs, and (when `augment`) on their noisy variants that
        still read differently after `tokens_text` (`assist.nlu.augment`). Off by default:
        `tokens_text` already undoes most of the noise, the held-out figures were the same
        with it, and it moved some confidences across the threshold. Raises ValueError when
        there are none."""
        pairs = [(t, i) for t, i in examples if tokens_text(t)]
        if augment:
            pairs += new_readings(pairs)
        if not pairs:
            raise ValueError("no training examples")
        # grouped by intent, so each intent's examples are one slice of the similarity array
        pairs.sort(key=lambda pair: pair[1])
        self.supported_languages = tuple(supported_languages)
        self.k = k
        self.temperature = temperature
        self.full_similarity = full_similarity
        self.centroid_weight = centroid_weight
        self.intents: tuple[str, ...] = tuple(sorted({i for _, i in pairs}))
        self._labels: list[str] = [i for _, i in pairs]
        self._slices = _intent_slices(self._labels, self.intents)
        raw = [_raw_features(t) for t, _ in pairs]
        self._indexes = tuple(
            _Index.build(block, [feats[block.name] for feats in raw], self._slices)
            for block in _BLOCKS
        )
        self.cache = ParseCache()
        """Readings of short texts already classified (the answer is the same each time)."""
        warm_up()  # load langdetect's profiles now, not on the first citizen's turn

    @classmethod
    def from_rasa_dir(
        cls, path: Path, supported_languages: Sequence[str] = ("en", "pl", "lt", "ro", "pt")
    ) -> TfidfClassifier:
        """Train from the Rasa project (or data directory) at `path`; see `load_rasa_examples`."""
        return cls(load_rasa_examples(path), supported_languages=supported_languages)

    def scores(self, text: str) -> dict[str, float]:
        """Return each intent's similarity score (0..1) for `text`."""
        raw = _raw_features(text)
        sims = np.zeros(len(self._labels))
        central = np.zeros(len(self.intents))
        for index in self._indexes:
            index.add_similarities(raw[index.block.name], sims, central)
        cw = self.centroid_weight
        k = self.k
        out: dict[str, float] = {}
        for position, (intent, (lo, hi)) in enumerate(zip(self.intents, self._slices, strict=True)):
            group = sims[lo:hi]
            if len(group) > k:
                group = np.partition(group, len(group) - k)[len(group) - k :]
            top = sorted(group.tolist(), reverse=True) + [0.0] * max(0, k - len(group))
            # the best match counts double: one close example is strong evidence
            nearest = (2 * top[0] + sum(top[1:])) / (k + 1)
            out[intent] = (1 - cw) * nearest + cw * float(central[position])
        if SAFEGUARDING in out and risk_cues(text):
            out[SAFEGUARDING] += RISK_BOOST
        return out

    def _rank(self, text: str) -> Classification:
        """Classify `text` alone: intent, confidence and ranking, no entities or language."""
        scores = self.scores(text)
        top_score = max(scores.values())
        exps = {i: math.exp((s - top_score) / self.temperature) for i, s in scores.items()}
        total = sum(exps.values())
        damp = min(1.0, top_score / self.full_similarity)
        ranking = sorted(
            ((i, round(e / total * damp, 4)) for i, e in exps.items()),
            key=lambda pair: pair[1],
            reverse=True,
        )
        intent, confidence = ranking[0]
        if top_score <= 0.0:
            intent, confidence = OUT_OF_SCOPE, 0.0
        return Classification(intent, confidence, {}, tuple(ranking[:5]), "fallback", None)

    def predict(self, text: str) -> Classification:
        """Classify `text` synchronously (pure CPU, a few milliseconds): the whole sentence,
        its clauses when it is long (the most urgent confident one wins), then the safety net
        (`assist.nlu.safety`). This is the reading Rasa's cross-check weighs against Rasa's;
        `classify` (answering alone) adds `assist.nlu.safety.alone`. Each finding about the
        words is worked out once per turn (`assist.dialogue.memo`)."""
        with one_turn():
            result = safety_net(text, most_urgent(text, self._whole(text), self._rank))
            return replace(
                result,
                entities=extract_entities(text),
                classifier="fallback",
                language=detect_language(text, self.supported_languages),
            )

    def _whole(self, text: str) -> Classification:
        """The reading of the whole of `text`, made once per turn."""
        return remembered(f"fallback-whole-{id(self)}", text, self._rank)

    def alone(self, text: str, reading: Classification) -> Classification:
        """`reading` (from `predict`) as the answer when no other classifier weighs in: harm
        with a real share of a long sentence's reading goes to safeguarding
        (`assist.nlu.safety.alone`). The share is only worked out for a sentence long enough
        for it to count."""
        if len(text.split()) < MIN_WORDS_ALONE:
            return reading
        with one_turn():
            share = dict(self._whole(text).ranking).get(SAFEGUARDING, 0.0)
            return safety_alone(text, reading, share)

    async def partner_reading(self, text: str, language: str | None = None) -> Classification:
        """The reading Rasa's cross-check weighs (`predict`), without what `alone` adds; short
        texts are read once and then answered from `cache`."""
        cached = self.cache.get(text)
        if cached is not None:
            return cached
        result = self.predict(text)
        self.cache.put(text, None, result)
        return result

    async def classify(self, text: str, language: str | None = None) -> Classification:
        """Classify `text` as the only classifier: `alone` over `partner_reading`; `language`
        is a hint and does not change the answer."""
        with one_turn():
            return self.alone(text, await self.partner_reading(text, language))
