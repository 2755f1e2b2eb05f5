"""Held-out figures for `assist nlu evaluate`: goals, per intent and per language, as Markdown."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from assist.nlu.heldout import GOALS, HeldOut
from assist.nlu.report import Prediction, Report

SAFEGUARDING = "safeguarding"
HUMAN = "human"


def _confident(report: Report, p: Prediction) -> str:
    return p.result.intent if p.result.confidence >= report.threshold else "(clarify)"


def recall(report: Report, intent: str) -> float:
    """Return the share of `intent`'s sentences confidently classified as `intent`."""
    own = [p for p in report.predictions if p.gold == intent]
    return sum(_confident(report, p) == intent for p in own) / len(own) if own else 1.0


def precision(report: Report, intent: str) -> float:
    """Return the share of confident `intent` answers whose sentence really is `intent`."""
    said = [p for p in report.predictions if _confident(report, p) == intent]
    return sum(p.gold == intent for p in said) / len(said) if said else 1.0


def figures(report: Report) -> dict[str, float]:
    """Return the held-out figures the goals name, plus safeguarding precision and p50."""
    return {
        "accuracy": report.accuracy(),
        "safeguarding recall": recall(report, SAFEGUARDING),
        "safeguarding precision": precision(report, SAFEGUARDING),
        "person recall": recall(report, HUMAN),
        "out of scope handled": report.out_of_scope_handled(),
        "p50 ms": report.latency(0.5),
        "p99 ms": report.latency(0.99),
    }


def _cell(name: str, value: float) -> str:
    text = f"{value:.1f}" if name.endswith("ms") else f"{value:.2f}"
    goal = next((g for g in GOALS if g.name == name), None)
    return text if goal is None or goal.met(value) else f"**{text}** ✗"


def render_heldout(reports: Sequence[Report], lines: Sequence[HeldOut]) -> str:
    """Return the held-out tables: the goals per classifier (a miss in bold with ✗), then
    accuracy per intent and per language for each classifier."""
    language = {line.text: line.language for line in lines}
    names = list(figures(reports[0])) if reports else []
    goals = " · ".join(f"{g.name} {'≥' if g.higher_is_better else '≤'} {g.bound:g}" for g in GOALS)
    out = [f"held-out set: {len(lines)} utterances, never trained on; goals: {goals}", ""]
    out += ["| classifier | " + " | ".join(names) + " |", "|---|" + "---|" * len(names)]
    for r in reports:
        values = figures(r)
        out.append(f"| {r.name} | " + " | ".join(_cell(n, values[n]) for n in names) + " |")
    header = " | ".join(r.name for r in reports)
    out += ["", "Accuracy per intent (top intent right):", ""]
    out += [f"| intent | n | {header} |", "|---|---|" + "---|" * len(reports)]
    golds: defaultdict[str, int] = defaultdict(int)
    for p in reports[0].predictions if reports else []:
        golds[p.gold] += 1
    for intent in sorted(golds):
        cells = []
        for r in reports:
            own = [p for p in r.predictions if p.gold == intent]
            cells.append(f"{sum(p.result.intent == intent for p in own) / len(own):.2f}")
        out.append(f"| {intent} | {golds[intent]} | " + " | ".join(cells) + " |")
    out += ["", "Per language (accuracy / safeguarding recall / person recall):", ""]
    out += [f"| language | n | {header} |", "|---|---|" + "---|" * len(reports)]
    for lang in sorted({line.language for line in lines}):
        cells = []
        count = 0
        for r in reports:
            mine = [p for p in r.predictions if language.get(p.text) == lang]
            sub = Report(r.name, r.threshold, mine)
            count = len(sub.predictions)
            cells.append(
                f"{sub.accuracy():.2f} / {recall(sub, SAFEGUARDING):.2f} / {recall(sub, HUMAN):.2f}"
            )
        out.append(f"| {lang} | {count} | " + " | ".join(cells) + " |")
    return "\n".join(out)
