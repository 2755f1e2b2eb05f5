"""The linter's greeting rule: a caller hears the first option within 30 words.

The phone's first answer is measured as every phone path renders it (`render.phone_turn`),
in the shape the engine gives it (`greeting.greeting_shape`), with the linter's sample
values (its 12-word call-cost sentence), in every language: the words before the first
option sentence and that option's label count ("Hello, you've reached ... Bins and
recycling"), the key and its "press" do not.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from assist.dialogue.flows import FlowProblem, FlowSet
from assist.dialogue.greeting import (
    MAX_WORDS_BEFORE_FIRST_OPTION,
    GreetingShape,
    greeting_shape,
)
from assist.dialogue.prompts import MissingTranslation, Prompts
from assist.dialogue.render import phone_turn, words_before_first_option
from assist.dialogue.types import Action, Ask, Channel, Option, Say


def phone_greeting(
    flows: FlowSet,
    prompts: Prompts,
    lang: str,
    samples: Mapping[str, object],
    shape: GreetingShape | None = None,
) -> list[Action]:
    """The actions of a call's first answer in `lang` (the top menu between the greeting's
    before and after prompts); raises MissingTranslation when a prompt is missing."""
    shape = shape or greeting_shape(Channel.VOICE, call_cost=True, languages=len(prompts.languages))
    main = flows.flows["main"].spec
    menu = main.steps[main.start]
    actions: list[Action] = [Say(prompts.get(lang, k, **samples)) for k in shape.before_menu]
    actions.append(
        Ask(
            prompts.get(lang, menu.prompt or "", **samples),
            options=tuple(Option(o.key, prompts.get(lang, o.label)) for o in menu.options),
        )
    )
    actions += [Say(prompts.get(lang, k, **samples)) for k in shape.after_menu]
    return actions


def greeting_words(
    flows: FlowSet,
    prompts: Prompts,
    lang: str,
    samples: Mapping[str, object],
    shape: GreetingShape | None = None,
) -> int | None:
    """Words a caller hears in `lang` before the first option's key (None: no options)."""
    actions = phone_greeting(flows, prompts, lang, samples, shape)
    return words_before_first_option(phone_turn(prompts, lang, actions))


def check_greeting(
    flows: FlowSet,
    prompts: Prompts,
    lines: Mapping[str, Mapping[str, int]],
    prompts_dir: Path,
    samples: Mapping[str, object],
    shape: GreetingShape | None = None,
) -> list[FlowProblem]:
    """One problem per language whose phone greeting has more than 30 words before the
    first option (languages missing a greeting prompt are left to the translation check)."""
    problems = []
    for lang in prompts.languages:
        try:
            n = greeting_words(flows, prompts, lang, samples, shape)
        except MissingTranslation:
            continue
        if n is not None and n > MAX_WORDS_BEFORE_FIRST_OPTION:
            problems.append(
                FlowProblem(
                    str(prompts_dir / f"{lang}.yaml"),
                    lines.get(lang, {}).get("greeting.hello", 1),
                    "greeting",
                    f"the phone greeting has {n} words before the first option "
                    f"(at most {MAX_WORDS_BEFORE_FIRST_OPTION})",
                )
            )
    return problems
