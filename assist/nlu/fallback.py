"""The in-process intent classifier: TF-IDF nearest neighbours over word and character n-grams.

It is trained at start-up (well under a second) from the Rasa-format NLU data in
`dialogues/rasa/data/`, so the same examples teach both classifiers. Text is accent-folded
("żółty" and "zolty" are one word to it) and character n-grams absorb typos and the
inflections of Polish and Lithuanian. Confidence is the softmax share of the best intent,
damped when even the best match is a poor one, so an off-topic sentence scores low.
"""

from __future__ import annotations

import itertools
import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import yaml

from assist.dialogue.entities import extract_entities
from assist.dialogue.harm import risk_cues
from assist.dialogue.language import detect_language, warm_up
from assist.dialogue.nlu import Classification
from assist.dialogue.vocabulary import fold
from assist.nlu.augment import augment as noisy_variants
from assist.nlu.cache import ParseCache
from assist.nlu.safety import most_urgent, safety_net

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
        self.supported_languages = tuple(supported_languages)
        self.k = k
        self.temperature = temperature
        self.full_similarity = full_similarity
        self.centroid_weight = centroid_weight
        self.intents: tuple[str, ...] = tuple(sorted({i for _, i in pairs}))
        self._labels: list[str] = [i for _, i in pairs]
        raw = [_raw_features(t) for t, _ in pairs]
        n = len(raw)
        self._idf: dict[str, dict[str, float]] = {}
        # postings[block][feature] -> list of (example index, weight)
        self._postings: dict[str, dict[str, list[tuple[int, float]]]] = {}
        # centroids[block][feature] -> list of (intent, weight): the L2-normalised mean vector
        self._centroids: dict[str, dict[str, list[tuple[str, float]]]] = {}
        for block in _BLOCKS:
            df: Counter[str] = Counter()
            for feats in raw:
                df.update(feats[block.name].keys())
            idf = {f: math.log((1 + n) / (1 + c)) + 1.0 for f, c in df.items()}
            self._idf[block.name] = idf
            postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
            for index, feats in enumerate(raw):
                for feature, weight in self._vector(feats[block.name], idf).items():
                    postings[feature].append((index, weight))
            self._postings[block.name] = dict(postings)
            sums: defaultdict[str, defaultdict[str, float]] = defaultdict(
                lambda: defaultdict(float)
            )
            for feature, entries in postings.items():
                for index, weight in entries:
                    sums[self._labels[index]][feature] += weight
            centroids: defaultdict[str, list[tuple[str, float]]] = defaultdict(list)
            for intent, vec in sums.items():
                norm = math.sqrt(sum(v * v for v in vec.values()))
                for feature, value in vec.items():
                    centroids[feature].append((intent, value / norm))
            self._centroids[block.name] = dict(centroids)
        self.cache = ParseCache()
        """Readings of short texts already classified (the answer is the same each time)."""
        warm_up()  # load langdetect's profiles now, not on the first citizen's turn

    @classmethod
    def from_rasa_dir(
        cls, path: Path, supported_languages: Sequence[str] = ("en", "pl", "lt", "ro", "pt")
    ) -> TfidfClassifier:
        """Train from the Rasa project (or data directory) at `path`; see `load_rasa_examples`."""
        return cls(load_rasa_examples(path), supported_languages=supported_languages)

    @staticmethod
    def _vector(counts: Counter[str], idf: dict[str, float]) -> dict[str, float]:
        vec = {f: (1.0 + math.log(c)) * idf[f] for f, c in counts.items() if f in idf}
        norm = math.sqrt(sum(v * v for v in vec.values()))
        return {f: v / norm for f, v in vec.items()} if norm else {}

    def scores(self, text: str) -> dict[str, float]:
        """Return each intent's similarity score (0..1) for `text`."""
        raw = _raw_features(text)
        sims: defaultdict[int, float] = defaultdict(float)
        central: defaultdict[str, float] = defaultdict(float)
        for block in _BLOCKS:
            query = self._vector(raw[block.name], self._idf[block.name])
            postings = self._postings[block.name]
            centroids = self._centroids[block.name]
            for feature, q in query.items():
                for index, w in postings.get(feature, ()):
                    sims[index] += block.weight * q * w
                for intent, c in centroids.get(feature, ()):
                    central[intent] += block.weight * q * c
        best: dict[str, list[float]] = defaultdict(list)
        for index, sim in sims.items():
            best[self._labels[index]].append(sim)
        out: dict[str, float] = {}
        for intent in self.intents:
            top = sorted(best.get(intent, ()), reverse=True)[: self.k]
            top += [0.0] * (self.k - len(top))
            # the best match counts double: one close example is strong evidence
            nearest = (2 * top[0] + sum(top[1:])) / (self.k + 1)
            cw = self.centroid_weight
            out[intent] = (1 - cw) * nearest + cw * central[intent]
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
        (`assist.nlu.safety`)."""
        result = safety_net(text, most_urgent(text, self._rank(text), self._rank))
        return replace(
            result,
            entities=extract_entities(text),
            classifier="fallback",
            language=detect_language(text, self.supported_languages),
        )

    async def classify(self, text: str, language: str | None = None) -> Classification:
        """Classify `text`; `language` is a hint and does not change the answer. Short texts
        are read once and then answered from `cache`."""
        cached = self.cache.get(text)
        if cached is not None:
            return cached
        result = self.predict(text)
        self.cache.put(text, None, result)
        return result
