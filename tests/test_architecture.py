"""The house shows the architecture: these rules are checked on every run.

- No import circle between modules at run time.
- Nothing below the top (`assist.app`, `assist.cli`) imports a channel package
  (`assist.chat`, `assist.ivr`, `assist.twilio`) or the top itself; a channel package
  imports no other channel package except the shared Twilio edge (`assist.twilio`).
- The dialogue engine imports no web framework, Twilio or speech library.
- SQL on a table runs only in the component that creates it.
- No module outside the store (and the embedded council, a separate system) imports sqlite3.
- No module in assist/ is longer than 600 lines.
"""

from __future__ import annotations

import ast
import re
from collections import defaultdict
from pathlib import Path

ASSIST = Path(__file__).resolve().parent.parent / "assist"
TOP = {"assist.app", "assist.cli"}
CHANNELS = ("assist.chat", "assist.ivr", "assist.twilio")
MAX_LINES = 600


def _modules() -> dict[str, Path]:
    out: dict[str, Path] = {}
    for path in ASSIST.rglob("*.py"):
        parts = path.relative_to(ASSIST.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        out[name] = path
    return out


MODULES = _modules()


def _imports(name: str, path: Path) -> set[str]:
    """Every assist module `name` imports at run time, anywhere in the file (lazy imports
    count; imports under `if TYPE_CHECKING:` are for type hints only and do not)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    tree = ast.parse(path.read_text(encoding="utf-8"))
    typing_only = {
        id(inner)
        for node in ast.walk(tree)
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)
        for inner in ast.walk(node)
    }
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module or ""
            found.add(module)
            found.update(f"{module}.{a.name}" for a in node.names)
    return {m for m in found if m in MODULES and m != name}


GRAPH = {name: _imports(name, path) for name, path in MODULES.items()}


def _in(module: str, packages: tuple[str, ...] | set[str]) -> bool:
    return any(module == p or module.startswith(p + ".") for p in packages)


def test_no_import_circle() -> None:
    """No module reaches itself through its imports (lazy imports included)."""
    state: dict[str, int] = {}
    stack: list[str] = []
    circles: list[list[str]] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(GRAPH[node]):
            if state.get(nxt) == 1:
                circles.append([*stack[stack.index(nxt) :], nxt])
            elif nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = 2

    for name in sorted(GRAPH):
        if name not in state:
            visit(name)
    assert circles == [], "import circles:\n" + "\n".join(" -> ".join(c) for c in circles)


def test_only_the_top_imports_channels() -> None:
    """Core components never import a channel package or the top."""
    bad = [
        f"{name} imports {target}"
        for name, targets in GRAPH.items()
        if name not in TOP and not _in(name, CHANNELS)
        for target in targets
        if _in(target, CHANNELS) or target in TOP
    ]
    assert bad == []


def test_channels_do_not_import_each_other() -> None:
    """Web chat, SMS and the phone line share only the core and the Twilio edge."""
    families = ("assist.chat.web", "assist.chat.sms", "assist.ivr", "assist.chat.terminal")
    bad = []
    for name, targets in GRAPH.items():
        own = next((f for f in families if _in(name, (f,))), None)
        if own is None:
            continue
        bad += [
            f"{name} imports {t}"
            for t in targets
            if (_in(t, families) and not _in(t, (own,))) or t in TOP
        ]
    assert bad == []


def test_the_engine_imports_no_framework() -> None:
    """assist.dialogue imports no FastAPI, Starlette, Twilio or speech library."""
    banned = re.compile(r"^\s*(from|import)\s+(fastapi|starlette|twilio|vosk|pyttsx3)\b", re.M)
    bad = [
        str(p.relative_to(ASSIST.parent))
        for p in (ASSIST / "dialogue").rglob("*.py")
        if banned.search(p.read_text(encoding="utf-8"))
    ]
    assert bad == []


def test_no_sqlite3_outside_the_store() -> None:
    """Components use the store's types; only store/ (and the separate embedded council)
    know SQLite is behind it."""
    bad = [
        str(p.relative_to(ASSIST.parent))
        for p in ASSIST.rglob("*.py")
        if re.search(r"^\s*import sqlite3|^\s*from sqlite3", p.read_text(encoding="utf-8"), re.M)
        and not _in(_name(p), ("assist.store", "assist.council"))
    ]
    assert bad == []


def _name(path: Path) -> str:
    parts = path.relative_to(ASSIST.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _component(name: str) -> str:
    """The component a module belongs to: its package below assist, or the module itself."""
    parts = name.split(".")
    return (
        ".".join(parts[:3])
        if len(parts) > 3 and parts[1] in ("chat", "ivr")
        else ".".join(parts[:2])
    )


# The outbox worker delivers the core's outbox rows; the core creates the table.
SHARED_OWNERS = {("outbox", "assist.outbox"): "the outbox worker is the core's own"}


def test_sql_on_a_table_runs_in_its_owner() -> None:
    """Each table's SQL lives with the component that creates it; others call its functions."""
    texts = {_name(p): p.read_text(encoding="utf-8") for p in ASSIST.rglob("*.py")}
    owner: dict[str, str] = {}
    for name, text in texts.items():
        if name.startswith("assist.council"):
            continue  # a separate system with its own database
        for m in re.finditer(r"CREATE TABLE(?: IF NOT EXISTS)?\s+(\w+)", text):
            owner[m.group(1)] = _component(name)
    strangers: dict[str, set[str]] = defaultdict(set)
    for name, text in texts.items():
        if name.startswith("assist.council"):
            continue
        for table, own in owner.items():
            if _component(name) == own or (table, name) in SHARED_OWNERS:
                continue
            if re.search(rf"\b(FROM|INTO|UPDATE|JOIN)\s+{table}\b", text):
                strangers[name].add(f"{table} (owned by {own})")
    assert dict(strangers) == {}


def test_no_module_is_too_long() -> None:
    """Modules stay small enough to read in one sitting."""
    long = {
        str(p.relative_to(ASSIST.parent)): n
        for p in ASSIST.rglob("*.py")
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert long == {}
