"""Understanding free words: classification, routing an intent, safeguarding, yes/no, language.

Classification goes to the engine's `IntentClassifier`; a result under the confidence threshold
counts as unsure (two unsure answers go to a person, see `Engine.miss`).
"""

from __future__ import annotations

import logging

from assist.dialogue.commands import Command
from assist.dialogue.details import remember_what_was_said
from assist.dialogue.nlu import SERVICE_INTENTS, Classification
from assist.dialogue.references import find_postcode
from assist.dialogue.turn import Turn
from assist.dialogue.types import Ask, Inbound, Option
from assist.dialogue.vocabulary import COMMON_WORDS, LANGUAGE_OF, NO, YES, fold

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
    s.degraded = s.degraded or c.degraded
    if c.confidence < t.engine.config.nlu_threshold:
        if count_unsure:
            s.low_confidence += 1
        return None
    return c


LONG_WORDS = 12
"""An utterance this long is confirmed before its flow is entered (long rambles mislead)."""
CLOSE_MARGIN = 0.15
"""A runner-up this close to the best intent makes the best one unsure."""
SURE = 0.6
"""Under this confidence (but over the threshold) an intent is confirmed before it is followed."""
SURE_WHEN_LONG = 0.9
"""A long utterance is followed without asking only at this confidence or more."""


def is_unsure(t: Turn, c: Classification, words: str) -> bool:
    """Whether to ask "It sounds like this is about ... Is that right?" before following `c`.

    Low-margin (a close runner-up), low-confidence and long not-quite-sure utterances are
    confirmed; safeguarding and
    asking for a person never are (they go straight on), nor are intents without a topic.
    """
    if c.intent == "safeguarding" or c.intent not in SERVICE_INTENTS:
        return False
    if not t.engine.prompts.has(t.lang, f"unsure.topic.{c.intent}"):
        return False
    runner_up = next((conf for name, conf in c.ranking if name != c.intent), 0.0)
    if c.confidence - runner_up <= CLOSE_MARGIN or c.confidence < SURE:
        return True
    return len(words.split()) >= LONG_WORDS and c.confidence < SURE_WHEN_LONG


async def confirm_intent(t: Turn, c: Classification, words: str) -> None:
    """Ask whether the citizen means `c`'s service; the answer is `unsure_choice` in steps."""
    s = t.session
    s.slots["_unsure"] = {
        "intent": c.intent,
        "entities": {k: v for k, v in c.entities.items() if isinstance(v, str)},
        "words": words,
        "from": s.position,
    }
    s.flow, s.step = "_unsure", "confirm"
    topic = t.engine.prompts.get(t.lang, f"unsure.topic.{c.intent}")
    t.actions.append(t.yes_no_ask(t.engine.prompts.get(t.lang, "unsure.ask", topic=topic)))


async def route_intent(t: Turn, c: Classification, words: str, confirmed: bool = False) -> None:
    """Follow a confident intent: to its flow (keeping entities said), a command or a person.

    An unsure one (`is_unsure`) is confirmed first unless already `confirmed`.
    """
    s = t.session
    flows = t.engine.flows
    intent = c.intent
    if not confirmed and intent in flows.by_intent and is_unsure(t, c, words):
        await confirm_intent(t, c, words)
        return
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
        remember_what_was_said(t, flow, words)
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


MIN_SENTENCE_WORDS = 3
"""Fewer words than this never change the language ("adult social care", a typo)."""
MIN_COMMON_WORDS = 2
"""A sentence offers a language only with this many of its common words ("nie", "jest")."""


def sentence_language(t: Turn, words: str) -> str | None:
    """The supported language `words` are clearly a sentence in, if not the conversation's.

    Clear means: at least `MIN_SENTENCE_WORDS` words; the language detector and the
    language's common words agree (or, when the detector is unsure, one more common word);
    and more of that language's common words than of the conversation's.
    """
    s = t.session
    tokens = fold(words).split()
    if len(tokens) < MIN_SENTENCE_WORDS:
        return None
    languages = t.engine.config.languages
    counts = {
        lang: sum(token in COMMON_WORDS.get(lang, ()) for token in tokens) for lang in languages
    }
    detect = t.engine.detect_language
    detected = detect(words) if detect is not None else None
    if detected is None:
        best = max(counts, key=lambda lang: counts[lang])
        if counts[best] >= MIN_COMMON_WORDS + 1 and len(tokens) > MIN_SENTENCE_WORDS:
            detected = best
    if detected is None or detected == s.language or detected not in languages:
        return None
    if counts[detected] < MIN_COMMON_WORDS or counts[detected] <= counts.get(s.language, 0):
        return None
    return detected


def maybe_offer_language(t: Turn, inbound: Inbound, words: str) -> bool:
    """Offer to carry on in the language of a clear sentence in another one; True if offered.

    The conversation's language (the browser's or the number's) holds until the citizen
    chooses: the offer is asked in the new language ("Chcesz rozmawiać po polsku? 1 Tak,
    2 No, English") and what they wrote is answered after their choice.
    """
    s = t.session
    if s.language_chosen or s.flow.startswith("_"):
        return False
    lang = sentence_language(t, words)
    if lang is None:
        return False
    prompts = t.engine.prompts
    s.slots["_offer_language"] = lang
    s.slots["_offer_from"] = s.position
    s.slots["_offer_text"] = inbound.text
    s.slots["_offer_speech"] = inbound.speech
    s.flow, s.step = "_offer", "language"
    t.actions.append(
        Ask(
            prompts.get(lang, "language.offer"),
            options=(
                Option("1", prompts.get(lang, "language.offer_yes"), language=lang),
                Option("2", prompts.get(s.language, "language.keep")),
            ),
            expect="yes_no",
            step="_offer.language",
        )
    )
    return True


def set_language(t: Turn, lang: str) -> None:
    """Switch to a language the citizen chose, if offered, and say so in it."""
    s = t.session
    if lang not in t.engine.config.languages:
        return
    s.language, s.language_chosen = lang, True
    t.actions.append(t.say("common.language_set"))
