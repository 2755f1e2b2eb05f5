"""Understanding free words: classification, routing an intent, safeguarding, yes/no, language.

Classification goes to the engine's `IntentClassifier`; a result under the confidence threshold
counts as unsure (two unsure answers go to a person, see `Engine.miss`).
"""

from __future__ import annotations

import logging

from assist.dialogue.commands import Command
from assist.dialogue.nlu import SERVICE_INTENTS, Classification
from assist.dialogue.references import find_postcode
from assist.dialogue.turn import Turn
from assist.dialogue.types import Inbound
from assist.dialogue.vocabulary import LANGUAGE_OF, NO, YES, fold

log = logging.getLogger(__name__)

_INTENT_COMMANDS = {
    "repeat": Command.REPEAT,
    "back": Command.BACK,
    "start_over": Command.START_OVER,
}


async def classify(t: Turn, words: str, count_unsure: bool = True) -> Classification | None:
    """The classification if confident; None (and an unsure count) otherwise."""
    s = t.session
    try:
        c = await t.engine.classifier.classify(words, s.language)
    except Exception:
        log.exception("classifier failed")
        s.degraded = True
        return None
    if c.classifier != "rasa":
        s.degraded = s.degraded or c.classifier == "fallback-degraded"
    if c.confidence < t.engine.config.nlu_threshold:
        if count_unsure:
            s.low_confidence += 1
        return None
    return c


async def route_intent(t: Turn, c: Classification, words: str) -> None:
    """Follow a confident intent: to its flow (keeping entities said), a command or a person."""
    s = t.session
    flows = t.engine.flows
    intent = c.intent
    if intent == "safeguarding":
        await t.goto("care.safeguarding")
    elif intent == "human":
        t.handoff("asked_for_person")
    elif intent in _INTENT_COMMANDS:
        await t.command(_INTENT_COMMANDS[intent])
    elif intent in flows.by_intent:
        s.intent = intent if intent in SERVICE_INTENTS else s.intent
        for key in ("postcode", "reference"):
            if key in c.entities and key not in s.slots:
                s.slots[key] = c.entities[key]
        if "postcode" not in s.slots and (pc := find_postcode(words)):
            s.slots["postcode"] = pc
        flow = flows.by_intent[intent]
        steps = flows.flows[flow].spec.steps
        await t.goto(f"{flow}.{intent}" if intent in steps else flow)
    else:
        await t.miss("common.retry_choice")


async def is_safeguarding(t: Turn, words: str) -> bool:
    """Route to the urgent person queue if free text reveals someone at risk."""
    try:
        c = await t.engine.classifier.classify(words, t.session.language)
    except Exception:
        return False
    if c.intent == "safeguarding" and c.confidence >= t.engine.config.nlu_threshold:
        await t.goto("care.safeguarding")
        return True
    return False


async def yes_no(t: Turn, inbound: Inbound) -> bool | None:
    """True for yes (key 1 or the words), False for no (key 2), None when neither."""
    if inbound.digits:
        return {"1": True, "2": False}.get(inbound.digits.strip())
    if not inbound.words:
        return None
    prompts = t.engine.prompts
    folded = fold(inbound.words)
    if folded in YES or folded == fold(prompts.get(t.lang, "common.yes")):
        return True
    if folded in NO or folded == fold(prompts.get(t.lang, "common.no")):
        return False
    c = await classify(t, inbound.words)
    if c is not None and c.intent in ("affirm", "deny"):
        return c.intent == "affirm"
    return None


def chosen_language(words: str) -> str | None:
    """The language the whole utterance names ("Polski", "in English"), or None."""
    return LANGUAGE_OF.get(fold(words))


def maybe_switch_language(t: Turn, words: str) -> None:
    """Follow the language people write in, until they choose one."""
    s = t.session
    detect = t.engine.detect_language
    if s.language_chosen or detect is None:
        return
    lang = detect(words)
    if lang and lang != s.language and lang in t.engine.config.languages:
        s.language = lang


def set_language(t: Turn, lang: str) -> None:
    """Switch to a language the citizen chose, if offered, and say so in it."""
    s = t.session
    if lang not in t.engine.config.languages:
        return
    s.language, s.language_chosen = lang, True
    t.actions.append(t.say("common.language_set"))
