"""Words a citizen or staff member reads or hears live in dialogues/prompts/*.yaml, not in Python.

The checker walks every assist/**/*.py with `ast` and flags string literals that look like
words for people: any literal with letters special to Polish, Lithuanian, Romanian or
Portuguese, and any English-looking sentence (a capital first, at least 4 words, ending in
. ? or !). Not flagged: docstrings and other bare string statements, arguments to logging
calls, exception messages (`raise X("...")`), `help=`/`description=` texts (CLI and API
documentation), output of the command-line modules (`cli.py`), and SQL.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "assist"

_SPECIAL_LOWER = "ąćęłńóśźżėįšųūžčăâîșțşţãõçáéíóúàêô"
SPECIAL_LETTERS = frozenset(_SPECIAL_LOWER + _SPECIAL_LOWER.upper())
"""Letters of pl/lt/ro/pt (and accented letters they share) that English words do not use."""
_SENTENCE = re.compile(r"^[A-Z].*[.?!]$", re.DOTALL)
_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")
_SQL = re.compile(r"^\s*(SELECT|INSERT|UPDATE|DELETE|CREATE|ALTER|DROP|WITH|PRAGMA)\b", re.I)
_LOGGERS = frozenset({"log", "logger", "logging", "_log"})
_LOG_METHODS = frozenset({"debug", "info", "warning", "error", "exception", "critical", "log"})
_DOC_KEYWORDS = frozenset({"help", "description"})
_CLI_OUTPUT = frozenset({"echo", "secho", "print"})

ALLOWED: dict[str, str] = {
    "assist/dialogue/gsm.py": "the GSM 03.38 character tables: characters, not words",
    "assist/twilio/fake.py": "the fake Twilio's own error messages and GSM table, as Twilio "
    "words them",
    "assist/council/": "the embedded reference council back end: its service catalogue and "
    "errors are the council's Open311 data, not Assist's prompts",
    "assist/dialogue/vocabulary.py": "the one table of words people say (recognised, not said) "
    "and of language names as people type them",
    "assist/dialogue/lint.py": "SAMPLES: example values the linter fills into prompts to "
    "measure them",
    "assist/settings.py": "the default call_cost sentence is council configuration, set per "
    "deployment (field descriptions are excluded by rule)",
}
"""Path (file, or folder ending in /) relative to the repository -> why its words may stay."""


@dataclass(frozen=True)
class Offender:
    """A string literal that reads like words for a citizen or staff member."""

    path: str
    line: int
    text: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.text!r}"


def _nodes_under(node: ast.AST) -> set[int]:
    return {id(n) for n in ast.walk(node)}


def _excluded(tree: ast.AST, cli_module: bool) -> set[int]:
    """ids of the nodes whose strings are not for citizens or staff."""
    skip: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant | ast.JoinedStr):
            skip |= _nodes_under(node.value)  # docstrings and other bare strings
        elif isinstance(node, ast.Raise) and node.exc is not None:
            skip |= _nodes_under(node.exc)
        elif isinstance(node, ast.JoinedStr):
            skip |= {id(v) for v in node.values}  # checked as a whole f-string
        elif isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            is_log = (
                isinstance(func, ast.Attribute)
                and name in _LOG_METHODS
                and isinstance(func.value, ast.Name)
                and func.value.id in _LOGGERS
            )
            if is_log or (cli_module and name in _CLI_OUTPUT):
                for arg in [*node.args, *(k.value for k in node.keywords)]:
                    skip |= _nodes_under(arg)
            for keyword in node.keywords:
                if keyword.arg in _DOC_KEYWORDS:
                    skip |= _nodes_under(keyword.value)
    return skip


def _text_of(node: ast.AST) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value if isinstance(v, ast.Constant) else "{}" for v in node.values)
    return None


def reads_like_words(text: str) -> bool:
    """True for a pl/lt/ro/pt word or an English user-facing sentence (not SQL)."""
    text = text.strip()
    if len(text) < 2 or _SQL.match(text):
        return False
    if SPECIAL_LETTERS & set(text):
        return True
    return bool(_SENTENCE.match(text)) and len(_WORD.findall(text)) >= 4


def offenders_in(source: str, path: str = "<source>") -> list[Offender]:
    """The string literals in `source` that read like words for people, in line order."""
    tree = ast.parse(source)
    skip = _excluded(tree, cli_module=Path(path).name == "cli.py")
    found = []
    for node in ast.walk(tree):
        text = _text_of(node)
        if text is None or id(node) in skip or not reads_like_words(text):
            continue
        found.append(Offender(path, getattr(node, "lineno", 0), " ".join(text.split())))
    return sorted(found, key=lambda o: (o.path, o.line))


def _allowed(relative: str) -> bool:
    return any(
        relative == path or (path.endswith("/") and relative.startswith(path)) for path in ALLOWED
    )


def test_the_checker_flags_words_in_python() -> None:
    """`say("Dziękuję")` and an English sentence are flagged; docs, logs, errors and SQL not."""
    source = '''
"""A module docstring. It has several words in it."""
import logging
log = logging.getLogger(__name__)

def reply(say, tx, typer):
    """Say thank you to the caller, please."""
    say("Dziękuję")
    say(f"You are number {n} in the queue.")
    log.info("Could not reach the council just now, retrying.")
    typer.Option(help="Speak the prompts out loud, please.")
    tx.execute("SELECT id FROM sessions WHERE a = ? AND b = ?.")
    say("ok")
    raise ValueError("That postcode is outside the area we serve.")
'''
    found = offenders_in(source, "assist/example.py")
    assert [o.text for o in found] == ["Dziękuję", "You are number {} in the queue."]
    assert str(found[0]) == "assist/example.py:8: 'Dziękuję'"


def test_cli_output_is_not_flagged_in_cli_modules_only() -> None:
    """`typer.echo` text is CLI output in a cli.py module, and words anywhere else."""
    source = 'typer.echo("Give a number or a chat id, please.")\n'
    assert offenders_in(source, "assist/cli.py") == []
    assert len(offenders_in(source, "assist/chat/web/router.py")) == 1


def test_allowlist_entries_exist() -> None:
    """Every allowlisted path exists and has a reason, so the list cannot rot."""
    for path, reason in ALLOWED.items():
        assert (ROOT / path).exists(), path
        assert reason.strip(), path


def test_no_words_for_people_in_python() -> None:
    """No module outside the allowlist holds words a citizen or staff member reads or hears."""
    offenders: list[Offender] = []
    for file in sorted(PACKAGE.rglob("*.py")):
        relative = file.relative_to(ROOT).as_posix()
        if not _allowed(relative):
            offenders += offenders_in(file.read_text(encoding="utf-8"), relative)
    report = "\n".join(f"  {o}" for o in offenders)
    assert not offenders, (
        "Words for people belong in dialogues/prompts/*.yaml (use Prompts.get), not in "
        f"Python:\n{report}"
    )
