"""A tiny in-process metrics registry rendered in the Prometheus text format."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping


class Metrics:
    """Counters with labels, and gauges read when scraped."""

    def __init__(self) -> None:
        self._counters: dict[str, dict[tuple[tuple[str, str], ...], float]] = defaultdict(dict)
        self._help: dict[str, str] = {}
        self._gauges: dict[str, Callable[[], float]] = {}

    def inc(
        self,
        name: str,
        help_text: str = "",
        value: float = 1.0,
        labels: Mapping[str, str] | None = None,
    ) -> None:
        """Add to a counter."""
        key = tuple(sorted((labels or {}).items()))
        series = self._counters[name]
        series[key] = series.get(key, 0.0) + value
        if help_text:
            self._help.setdefault(name, help_text)

    def gauge(self, name: str, help_text: str, read: Callable[[], float]) -> None:
        """Register a gauge read at scrape time."""
        self._gauges[name] = read
        self._help[name] = help_text

    def value(self, name: str, labels: Mapping[str, str] | None = None) -> float:
        """A counter's current value (0 if never incremented)."""
        return self._counters.get(name, {}).get(tuple(sorted((labels or {}).items())), 0.0)

    def render(self, extra_gauges: Mapping[str, tuple[str, float]] | None = None) -> str:
        """The Prometheus exposition text."""
        lines: list[str] = []
        for name, series in sorted(self._counters.items()):
            lines.append(f"# HELP {name} {self._help.get(name, name)}")
            lines.append(f"# TYPE {name} counter")
            for labels, v in sorted(series.items()):
                lab = ",".join(f'{k}="{_esc(val)}"' for k, val in labels)
                lines.append(f"{name}{{{lab}}} {v}" if lab else f"{name} {v}")
        gauges = {n: (self._help[n], f()) for n, f in self._gauges.items()}
        gauges.update(extra_gauges or {})
        for name, (help_text, v) in sorted(gauges.items()):
            lines += [f"# HELP {name} {help_text}", f"# TYPE {name} gauge", f"{name} {v}"]
        return "\n".join(lines) + "\n"


def _esc(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
