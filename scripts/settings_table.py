"""Print the README's configuration table from `Settings` (keep them in step: tests check)."""

from __future__ import annotations

from assist.settings import Settings


def table() -> str:
    """Markdown rows: variable, default, what it does."""
    rows = ["| Variable | Default | What it does |", "|---|---|---|"]
    for name, field in Settings.model_fields.items():
        default = field.get_default(call_default_factory=True)
        if hasattr(default, "get_secret_value"):
            default = "(development value)"
        elif isinstance(default, list):
            default = ",".join(default)
        shown = "" if default is None else f"`{default}`"
        rows.append(f"| `ASSIST_{name.upper()}` | {shown} | {field.description or ''} |")
    return "\n".join(rows)


if __name__ == "__main__":
    print(table())
