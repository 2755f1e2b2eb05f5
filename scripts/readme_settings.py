"""Rewrite the configuration table in README.md from `Settings`."""

from __future__ import annotations

import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from settings_table import table  # noqa: E402

readme = Path(__file__).resolve().parent.parent / "README.md"
text = readme.read_text(encoding="utf-8")
new = re.sub(r"(<!-- settings-table:start -->\n).*?(<!-- settings-table:end -->)",
             lambda m: m.group(1) + table() + "\n" + m.group(2), text, flags=re.S)
readme.write_text(new, encoding="utf-8")
