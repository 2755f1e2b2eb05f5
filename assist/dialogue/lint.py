"""The humane linter: checks flows and prompts against HUMANE.md, one line per problem.

Checks: menus of more than 4 options; more than 2 menus in a row without an explicit person
option; spoken prompts over 25 words; text renderings over one SMS segment (160 GSM-7 or 70
UCS-2 characters, after the SMS channel's diacritic folding); banned hollow phrases;
unreachable and dead-end steps; SERVICES.md intents without a flow; missing translations of
the required prompts (top menu, the person route, the safeguarding message); prompt keys
that do not exist; placeholders that differ between languages; a phone greeting with more
than 30 words before the first option, in any language (`lint_greeting.py`).
"""

from __future__ import annotations

import re
from collections import deque
from pathlib import Path

import yaml

from assist.dialogue.flows import FlowError, FlowProblem, FlowSet, load_flows
from assist.dialogue.gsm import as_sent, sms_encoding, sms_length, sms_segments
from assist.dialogue.lint_greeting import check_greeting
from assist.dialogue.nlu import CONVERSATION_INTENTS, SERVICE_INTENTS
from assist.dialogue.prompts import MissingTranslation, Prompts
from assist.dialogue.render import words
from assist.dialogue.types import Ask, Option

MAX_OPTIONS = 4
MAX_MENU_DEPTH = 2
MAX_WORDS = 25
MAX_OPTION_WORDS = 10
REQUIRED_LANGUAGES = ("en", "pl", "lt", "ro", "pt")
REQUIRED_PROMPTS = (
    "main.menu",
    "common.person",
    "common.opt.person",
    "render.person_reply",
    "render.press",
    "care.safeguarding",
    "common.not_understood",
)
BANNED = (
    r"your call is important",
    r"your business is important",
    r"we value your call",
    r"please listen carefully",
    r"options have (recently )?changed",
    r"visit our website",
    r"go online",
    r"due to (the )?high (call )?volumes?",
    r"high (volume|number) of calls",
    r"experiencing (a )?high",
    r"unusually busy",
    r"all (of )?our (agents|advisors|operators) are (currently )?busy",
    r"thank you for your patience",
    r"please continue to hold",
    r"please hold the line",
)
SAMPLES = {
    "address": "12 Mill Road, Cambridge",
    "postcode": "CB1 2AD",
    "bin": "black",
    "location": "Mill Road near the library",
    "description": "a deep pothole by the bus stop",
    "reference": "AS-7K3QF2",
    "ref": "AS-7K3QF2",
    "ref_spoken": "A S, 7, K, 3, Q, F, 2",
    "council": "Cambridgeshire councils",
    "call_cost": "This call costs the same as calling an 01 or 02 number.",
    "phone": "0345 045 5200",
    "hours": "Mon-Fri 08:00-18:00",
    "number": "+447700900123",
    "service_name": "a pothole",
    "status": "open",
    "notes": "Repair booked",
    "collections": "black bin Thursday 3 December; blue bin Thursday 10 December",
    "day": "Thursday 3 December",
    "doing": "reporting a pothole",
    "position": "3",
    "wait": "about 5 minutes",
    "reopen": "tomorrow at 8am",
    "usual": "Monday",
    "url": "https://example.gov.uk/bb",
    "label": "Bins",
    "key": "1",
    "name": "Polski",
    "weekday": "Thursday",
    "month": "December",
    "summary": "",
}
TEXT_ONLY = ("sms.", "notify.")
"""Prompts only ever sent as texts: held to one SMS segment instead of a word count."""
NOT_SPOKEN = (
    "render.reply",
    "render.reply_intro",
    "render.person_reply",
    "info.link",
    "language.name",
    "language.opt",
    "render.yes_no_text",
)


def lint_dialogues(directory: Path) -> list[FlowProblem]:
    """Every problem in a dialogues/ directory (flows/ and prompts/), sorted by file and line."""
    flows_dir, prompts_dir = directory / "flows", directory / "prompts"
    try:
        flows = load_flows(flows_dir)
    except FlowError as exc:
        return exc.problems
    prompts = Prompts.load(prompts_dir)
    problems: list[FlowProblem] = []
    lines = _prompt_lines(prompts_dir)
    problems += check_menus(flows)
    problems += check_reachability(flows)
    problems += check_intents(flows, flows_dir)
    problems += check_prompt_keys(flows, prompts)
    problems += check_prompt_texts(prompts, lines, prompts_dir)
    problems += check_translations(prompts, lines, prompts_dir)
    problems += check_sms(flows, prompts)
    problems += check_greeting(flows, prompts, lines, prompts_dir, SAMPLES)
    return sorted(problems, key=lambda p: (p.file, p.line, p.message))


def _prompt_lines(prompts_dir: Path) -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = {}
    for path in sorted(prompts_dir.glob("*.yaml")):
        node = yaml.compose(path.read_text(encoding="utf-8"))
        out[path.stem] = {}
        if isinstance(node, yaml.MappingNode):
            for k, _v in node.value:
                out[path.stem][str(k.value)] = k.start_mark.line + 1
    return out


def check_menus(flows: FlowSet) -> list[FlowProblem]:
    """Menus over 4 options; more than 2 menus in a row without a person option."""
    problems = []
    for lf in flows.flows.values():
        for name, step in lf.spec.steps.items():
            if step.type == "menu" and len(step.options) > MAX_OPTIONS:
                problems.append(
                    FlowProblem(
                        lf.file,
                        lf.line_of("steps", name),
                        name,
                        f"menu has {len(step.options)} options (at most {MAX_OPTIONS})",
                    )
                )
            if step.type == "menu" and not step.options:
                problems.append(
                    FlowProblem(
                        lf.file, lf.line_of("steps", name), name, "menu has no options (dead end)"
                    )
                )
            keys = [o.key for o in step.options]
            if len(set(keys)) != len(keys):
                problems.append(
                    FlowProblem(lf.file, lf.line_of("steps", name), name, "two options share a key")
                )
    # Depth: consecutive menus from the top; a task step (collect, action...) resets it.
    start = ("main", flows.flows["main"].spec.start)
    depth = {start: 1}
    todo = deque([start])
    while todo:
        flow, name = todo.popleft()
        step = flows.step(flow, name)
        for target in step.targets():
            nxt = flows.resolve(flow, target)
            nstep = flows.step(*nxt)
            d = (
                depth[(flow, name)] + 1
                if nstep.type == "menu" and step.type == "menu"
                else (1 if nstep.type == "menu" else 0)
            )
            if nxt not in depth or d < depth[nxt]:
                depth[nxt] = d
                todo.append(nxt)
    for (flow, name), d in depth.items():
        step = flows.step(flow, name)
        if step.type == "menu" and d > MAX_MENU_DEPTH and not any(o.handoff for o in step.options):
            lf = flows.flows[flow]
            problems.append(
                FlowProblem(
                    lf.file,
                    lf.line_of("steps", name),
                    name,
                    f"menu is {d} levels deep without a person option",
                )
            )
    return problems


def check_reachability(flows: FlowSet) -> list[FlowProblem]:
    """Steps nothing leads to, and steps that lead nowhere without ending or handing off."""
    seen: set[tuple[str, str]] = set()
    todo = deque([("main", flows.flows["main"].spec.start)])
    for lf in flows.flows.values():
        for intent in lf.spec.intents:
            steps = lf.spec.steps
            todo.append((lf.spec.flow, intent if intent in steps else lf.spec.start))
    while todo:
        key = todo.popleft()
        if key in seen:
            continue
        seen.add(key)
        step = flows.step(*key)
        for target in step.targets():
            todo.append(flows.resolve(key[0], target))
    problems = []
    for lf in flows.flows.values():
        for name, step in lf.spec.steps.items():
            line = lf.line_of("steps", name)
            if (lf.spec.flow, name) not in seen:
                problems.append(FlowProblem(lf.file, line, name, "step is unreachable"))
            needs = {
                "collect": step.next,
                "address": step.next,
                "say": step.next,
                "action": step.next,
                "confirm": step.next,
            }
            if step.type in needs and not needs[step.type]:
                problems.append(
                    FlowProblem(lf.file, line, name, f"{step.type} step leads nowhere (dead end)")
                )
            if step.type in ("confirm", "address") and not step.on_no:
                problems.append(
                    FlowProblem(lf.file, line, name, f"{step.type} step has no `on_no` (dead end)")
                )
            if step.type == "action" and not step.on_error:
                problems.append(FlowProblem(lf.file, line, name, "action step has no `on_error`"))
            if (
                step.type in ("menu", "collect", "confirm", "say", "handoff", "end", "address")
                and not step.prompt
            ):
                problems.append(FlowProblem(lf.file, line, name, "step has no prompt"))
            if step.type == "collect" and not (step.slot and step.expect):
                problems.append(
                    FlowProblem(lf.file, line, name, "collect step needs `slot` and `expect`")
                )
            if step.type == "action" and not step.call:
                problems.append(FlowProblem(lf.file, line, name, "action step needs `call`"))
            for o in step.options:
                if not o.goto and not o.handoff:
                    problems.append(
                        FlowProblem(lf.file, line, name, f"option {o.key} leads nowhere")
                    )
    return problems


def check_intents(flows: FlowSet, flows_dir: Path) -> list[FlowProblem]:
    """Every SERVICES.md intent has a flow (engine-handled ones excepted)."""
    return [
        FlowProblem(str(flows_dir), 1, "", f"intent {intent!r} has no flow")
        for intent in sorted(SERVICE_INTENTS | CONVERSATION_INTENTS)
        if intent not in flows.by_intent
    ]


def check_prompt_keys(flows: FlowSet, prompts: Prompts) -> list[FlowProblem]:
    """Prompt keys used by flows must exist in English."""
    problems = []
    for lf in flows.flows.values():
        for name, step in lf.spec.steps.items():
            keys = [step.prompt] if step.prompt else []
            keys += [o.label for o in step.options]
            for key in keys:
                if key and not prompts.has("en", key):
                    problems.append(
                        FlowProblem(
                            lf.file,
                            lf.line_of("steps", name),
                            name,
                            f"prompt {key!r} is not in prompts/en.yaml",
                        )
                    )
    return problems


def _sample(prompts: Prompts, lang: str, key: str) -> str:
    return prompts.get(lang, key, **SAMPLES)


def banned_phrase(text: str) -> str | None:
    """The banned hollow phrase in `text`, if any (HUMANE.md 11)."""
    low = text.lower()
    for pattern in BANNED:
        m = re.search(pattern, low)
        if m:
            return m.group()
    return None


def check_prompt_texts(
    prompts: Prompts, lines: dict[str, dict[str, int]], prompts_dir: Path
) -> list[FlowProblem]:
    """Spoken length and banned phrases, for every prompt in every language."""
    problems = []
    for lang, table in prompts.by_language.items():
        file = str(prompts_dir / f"{lang}.yaml")
        for key in table:
            text = _sample(prompts, lang, key)
            line = lines.get(lang, {}).get(key, 1)
            if key.startswith(TEXT_ONLY):
                if not sms_fits(text):
                    problems.append(
                        FlowProblem(
                            file,
                            line,
                            key,
                            f"text is {_too_long(text)}",
                        )
                    )
            elif key not in NOT_SPOKEN:
                limit = MAX_OPTION_WORDS if ".opt." in key else MAX_WORDS
                n = words(text)
                if n > limit:
                    problems.append(
                        FlowProblem(
                            file, line, key, f"spoken prompt has {n} words (at most {limit})"
                        )
                    )
            phrase = banned_phrase(text)
            if phrase:
                problems.append(FlowProblem(file, line, key, f"banned phrase {phrase!r}"))
    return problems


def check_translations(
    prompts: Prompts, lines: dict[str, dict[str, int]], prompts_dir: Path
) -> list[FlowProblem]:
    """Required prompts present in every language; placeholders the same as English."""
    problems = []
    for lang in REQUIRED_LANGUAGES:
        file = str(prompts_dir / f"{lang}.yaml")
        if lang not in prompts.by_language:
            problems.append(FlowProblem(file, 1, "", f"no prompts for language {lang!r}"))
            continue
        for key in REQUIRED_PROMPTS:
            if not prompts.has(lang, key):
                problems.append(
                    FlowProblem(file, 1, key, f"required prompt {key!r} is not translated")
                )
    for lang, table in prompts.by_language.items():
        if lang == "en":
            continue
        file = str(prompts_dir / f"{lang}.yaml")
        for key in table:
            if not prompts.has("en", key):
                problems.append(
                    FlowProblem(file, lines[lang].get(key, 1), key, "key is not in en.yaml")
                )
            elif prompts.placeholders(lang, key) != prompts.placeholders("en", key):
                problems.append(
                    FlowProblem(
                        file, lines[lang].get(key, 1), key, "placeholders differ from en.yaml"
                    )
                )
    return problems


def sms_measure(text: str) -> tuple[str, str, int]:
    """The text as the SMS channel sends it (`gsm.as_sent`), its encoding and segment count."""
    sent = as_sent(text)
    return sent, sms_encoding(sent), sms_segments(sent)


def sms_fits(text: str) -> bool:
    """True when the text fits one SMS segment as the SMS channel would send it."""
    return sms_measure(text)[2] == 1


def _too_long(text: str) -> str:
    sent, encoding, _ = sms_measure(text)
    return f"{sms_length(sent)} {encoding} characters, more than one SMS: {sent!r}"


def check_sms(flows: FlowSet, prompts: Prompts) -> list[FlowProblem]:
    """Each question, as a text with its numbered options, fits one SMS segment."""
    from assist.dialogue.render import sms_text

    problems = []
    for lang in prompts.languages:
        for lf in flows.flows.values():
            for name, step in lf.spec.steps.items():
                if step.type not in ("menu", "collect", "confirm") or not step.prompt:
                    continue
                try:
                    if step.type == "confirm":
                        opts: tuple[Option, ...] = (
                            Option("1", "", prompts.short(lang, "common.yes")),
                            Option("2", "", prompts.short(lang, "common.no")),
                        )
                    else:
                        opts = tuple(
                            Option(o.key, prompts.get(lang, o.label), prompts.short(lang, o.label))
                            for o in step.options
                        )
                    text = sms_text(
                        prompts, lang, Ask(_sample(prompts, lang, step.prompt), options=opts)
                    )
                except MissingTranslation:
                    continue
                if not sms_fits(text):
                    problems.append(
                        FlowProblem(
                            lf.file,
                            lf.line_of("steps", name),
                            name,
                            f"[{lang}] text is {_too_long(text)}",
                        )
                    )
    return problems
