"""Flow steps: entering a step (say, ask, call, hand off) and handling the answer to one.

`enter` runs steps that do not wait (say, action, handoff, end) straight on to the next;
`INPUT` maps the step types that wait for the citizen (menu, collect, address, confirm) to the
handler of their answer. The engine's own menus (`_language`, `_offer`, `_unsure`, `_resume`) have
handlers here too.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from assist.backend_client.protocol import Address, BackendError, NotFound, OutsideArea
from assist.dialogue import calls
from assist.dialogue.commands import Command
from assist.dialogue.details import HEARD, forget_what_was_said, remember_what_was_said
from assist.dialogue.flows import StepSpec
from assist.dialogue.nlu import SERVICE_INTENTS, Classification
from assist.dialogue.references import find_postcode, find_reference
from assist.dialogue.turn import Turn, restore
from assist.dialogue.types import Ask, Channel, End, Inbound, Option, Priority, Status
from assist.dialogue.understanding import (
    classify,
    is_safeguarding,
    route_intent,
    set_language,
    yes_no,
)
from assist.dialogue.vocabulary import fold
from assist.phones import looks_like_a_number, uk_mobile

log = logging.getLogger(__name__)

MAX_CHAIN = 12
"""Most steps entered one after another without waiting (a longer chain is a flow loop)."""

Go = Callable[[str | None], Awaitable[None]]


# ---------------------------------------------------------------------- answers to steps
async def on_menu(t: Turn, step: StepSpec, inbound: Inbound) -> None:
    """An option by key, label or words; else the intent of free words; else try again."""
    s = t.session
    chosen = None
    if inbound.digits:
        chosen = next((o for o in step.options if o.key == inbound.digits.strip()), None)
    words = inbound.words
    if chosen is None and words:
        folded = fold(words)
        for o in step.options:
            label = fold(t.engine.prompts.get(t.lang, o.label))
            if folded in {fold(w) for w in o.words} | {label, o.key}:
                chosen = o
                break
    if chosen is None and words:
        c = await classify(t, words)
        if c is not None:
            chosen = next((o for o in step.options if c.intent in o.intents), None)
            if chosen is None:
                await route_intent(t, c, words)
                return
            if chosen.goto:
                flow, _ = t.engine.flows.resolve(s.flow, chosen.goto)
                if flow != s.flow:
                    remember_what_was_said(t, flow, words)
    if chosen is None:
        await t.miss("common.retry_choice")
        return
    heard = s.slots.get(HEARD, [])
    for key, value in chosen.set.items():
        # the citizen's own words stay in the report, after the option's summary
        said = s.slots.get(key) if key in heard else None
        s.slots[key] = f"{value}: {said}" if said and said != value else value
    if chosen.handoff:
        t.handoff("asked_for_person")
    elif chosen.goto:
        await goto(t, chosen.goto)


async def on_collect(t: Turn, step: StepSpec, inbound: Inbound) -> None:
    """Keep the value asked for (postcode, reference, text) in the step's slot and go on."""
    s = t.session
    words = inbound.words
    value: str | None = None
    if step.expect == "postcode" and words:
        value = find_postcode(words)
    elif step.expect == "reference":
        raw = inbound.digits if inbound.digits else words
        value = find_reference(raw) if raw else None
    elif step.expect == "text" and words and len(fold(words)) >= 2:
        value = words
    elif step.expect == "mobile":
        raw = inbound.digits or words or ""
        value = uk_mobile(raw)
        if value is None and looks_like_a_number(raw):
            await t.miss("common.retry_mobile")  # a number, but not a UK mobile: say why
            return
        if value is None and await yes_no(t, inbound) is False:  # "no", "I haven't got one"
            t.actions.append(t.say("reminders.no_mobile"))
            await goto(t, step.on_no or "main.anything_else")
            return
    if value is None and words:
        # Not the value asked for: maybe they want something else entirely.
        c = await classify(t, words, count_unsure=False)
        if (
            c is not None
            and c.intent in SERVICE_INTENTS | {"human", "goodbye"}
            and c.intent not in t.engine.flows.flows[s.flow].spec.intents
        ):
            await route_intent(t, c, words)
            return
    if value is None:
        retry = {
            "postcode": "common.retry_postcode",
            "reference": "common.retry_reference",
            "mobile": "common.retry_mobile",
        }
        await t.miss(retry.get(step.expect or "", "common.retry_text"))
        return
    if step.expect == "text" and await is_safeguarding(t, words or ""):
        return
    assert step.slot is not None
    s.slots[step.slot] = value
    assert step.next is not None
    await goto(t, step.next)


async def on_confirm(t: Turn, step: StepSpec, inbound: Inbound) -> None:
    """Yes goes on; no goes back to ask again."""
    answer = await yes_no(t, inbound)
    if answer is None:
        await t.miss("common.retry_choice")
    elif answer:
        assert step.next is not None
        await goto(t, step.next)
    else:
        assert step.on_no is not None
        forget_what_was_said(t)
        await goto(t, step.on_no, clear=True)


async def on_address(t: Turn, step: StepSpec, inbound: Inbound) -> None:
    """Pick an address among those offered (yes/no, a number, or words that narrow them)."""
    s = t.session
    found: list[dict[str, Any]] = s.slots.get("_addresses", [])
    mode = s.slots.get("_addr_mode")
    new_postcode = find_postcode(inbound.words) if inbound.words else None
    if new_postcode and new_postcode != s.slots.get("postcode"):
        s.slots["postcode"] = new_postcode
        await enter(t, s.flow, s.step, record=False)
        return
    pick: dict[str, Any] | None = None
    if mode == "one":
        answer = await yes_no(t, inbound)
        if answer is None:
            await t.miss("common.retry_choice")
            return
        if not answer:
            assert step.on_no is not None
            await goto(t, step.on_no, clear=True)
            return
        pick = found[0]
    elif mode == "pick":
        key = (inbound.digits or "").strip()
        if inbound.words:
            key = key or fold(inbound.words)
            for i, a in enumerate(found):
                if fold(inbound.words) in fold(a["line"]) and fold(inbound.words):
                    key = str(i + 1)
                    break
        if key.isdigit() and 1 <= int(key) <= len(found):
            pick = found[int(key) - 1]
    elif mode == "filter" and inbound.words:
        needle = fold(inbound.words)
        matches = [a for a in found if _house_matches(needle, a["line"])]
        if matches:
            s.misses = 0
            await offer_addresses(t, step, matches)
            return
    if pick is None:
        await t.miss("common.retry_choice")
        return
    s.slots["address"] = pick["line"]
    s.slots["address_id"] = pick["id"]
    s.slots["_address"] = pick
    for k in ("_addresses", "_addr_mode"):
        s.slots.pop(k, None)
    assert step.next is not None
    await goto(t, step.next)


INPUT: dict[str, Callable[[Turn, StepSpec, Inbound], Awaitable[None]]] = {
    "menu": on_menu,
    "collect": on_collect,
    "address": on_address,
    "confirm": on_confirm,
}
"""The handler of the answer, for each step type that waits for one."""


async def language_choice(t: Turn, inbound: Inbound) -> None:
    """The answer to the language menu: switch if a listed key, then ask the step again."""
    s = t.session
    options: list[str] = s.slots.get("_language_options", [])
    key = (inbound.digits or "").strip()
    back = s.slots.pop("_language_from", "main.menu")
    if key.isdigit() and 1 <= int(key) <= len(options):
        set_language(t, options[int(key) - 1])
    s.flow, s.step = back.split(".", 1)
    await reask(t)


async def language_offer_choice(t: Turn, inbound: Inbound) -> None:
    """The answer to "carry on in Polish?": switch or keep the language, then answer what the
    citizen wrote at the step they were at. Any other answer is taken as an answer there."""
    s = t.session
    lang = s.slots.pop("_offer_language", None)
    back = s.slots.pop("_offer_from", "main.menu")
    said = Inbound(
        inbound.channel,
        inbound.sender,
        text=s.slots.pop("_offer_text", None),
        speech=s.slots.pop("_offer_speech", None),
    )
    s.flow, s.step = back.split(".", 1)
    answer = await yes_no(t, inbound)
    if answer is None:
        await t.engine.answer(t, inbound)
        return
    if answer and lang:
        set_language(t, lang)
    else:
        s.language_chosen = True  # "No, English": a choice, never offered again
    await t.engine.answer(t, said)


async def unsure_choice(t: Turn, inbound: Inbound) -> None:
    """The answer to "It sounds like this is about a missed bin. Is that right?": yes follows
    it with what was said; no offers the menu and a person; anything else is answered at the
    step the citizen was at."""
    s = t.session
    unsure: dict[str, Any] = s.slots.pop("_unsure", {})
    back = unsure.get("from", "main.menu")
    s.flow, s.step = back.split(".", 1)
    answer = await yes_no(t, inbound)
    if answer is None or not unsure:
        await t.engine.answer(t, inbound)
    elif answer:
        c = Classification(unsure["intent"], 1.0, dict(unsure.get("entities", {})))
        await route_intent(t, c, unsure.get("words", ""), confirmed=True)
    else:
        t.actions.append(t.say("unsure.no"))
        await enter(t, "main", t.engine.flows.flows["main"].spec.start, record=False)


async def resume_choice(t: Turn, inbound: Inbound) -> None:
    """The answer to "carry on?" after a dropped conversation: carry on, or start again."""
    s = t.session
    answer = await yes_no(t, inbound)
    back = s.slots.pop("_resume_from", "main.menu")
    s.flow, s.step = back.split(".", 1)
    if answer is False:
        await t.command(Command.START_OVER)
    elif s.status == Status.QUEUED:
        t.actions.append(t.say("voice.already_queued"))
    else:
        await reask(t)


# ---------------------------------------------------------------------- entering steps
async def goto(t: Turn, target: str, clear: bool = False) -> None:
    """Enter a target (`step`, `flow.step` or `flow`); `clear` forgets its slot first."""
    flows = t.engine.flows
    flow, step = flows.resolve(t.session.flow, target)
    if clear:
        spec = flows.step(flow, step)
        if spec.slot:
            t.session.slots.pop(spec.slot, None)
    await enter(t, flow, step)


async def enter(t: Turn, flow: str, step_name: str, record: bool = True, depth: int = 0) -> None:
    """Make `flow.step` current and do what it does; raises RuntimeError on a flow loop."""
    s = t.session
    flows = t.engine.flows
    if depth > MAX_CHAIN:
        raise RuntimeError(f"flow loop at {flow}.{step_name}")
    if record and s.step and not s.flow.startswith("_") and (s.flow, s.step) != (flow, step_name):
        s.history.append(s.position)
        del s.history[:-20]
    s.flow, s.step, s.misses, s.low_confidence = flow, step_name, 0, 0
    step = flows.step(flow, step_name)
    if flow in flows.by_intent.values() and flows.flows[flow].spec.intents:
        s.intent = (
            step_name if step_name in SERVICE_INTENTS else (flows.flows[flow].spec.intents[0])
        )

    async def go(target: str | None) -> None:
        assert target is not None
        nf, ns = flows.resolve(flow, target)
        await enter(t, nf, ns, record=False, depth=depth + 1)

    if step.type == "menu":
        heard = s.slots.get(HEARD, [])
        known = next(
            (
                o
                for o in step.options
                if o.set
                and o.goto
                and all(k in heard and s.slots.get(k) == v for k, v in o.set.items())
            ),
            None,
        )
        if known is not None:
            await go(known.goto)  # already said ("my green bin"): never ask twice
            return
        t.actions.append(t.menu_ask(step))
    elif step.type == "collect":
        if step.expect == "mobile" and s.channel in (Channel.VOICE, Channel.SMS):
            assert step.slot is not None
            s.slots[step.slot] = s.sender  # the phone already has the citizen's number
        if step.slot and s.slots.get(step.slot):
            await go(step.next)  # never ask twice
            return
        t.actions.append(
            Ask(t.text(step.prompt), expect=step.expect or "text", entry=True, step=s.position)
        )
    elif step.type == "address":
        await lookup_addresses(t, step, go)
    elif step.type == "confirm":
        t.actions.append(t.yes_no_ask(t.text(step.prompt)))
    elif step.type == "say":
        t.actions.append(t.say(step.prompt or ""))
        await go(step.next)
    elif step.type == "action":
        ok = await calls.run(t, step)
        await go(step.next if ok else step.on_error)
    elif step.type == "handoff":
        priority = Priority[step.priority.upper()]
        t.handoff(
            step.reason or "flow", priority=priority, skill=step.skill, prompt_key=step.prompt
        )
    elif step.type == "end":
        t.actions.append(t.say(step.prompt or "main.goodbye"))
        t.actions.append(End())
        s.status = Status.ENDED


def address_dict(a: Address) -> dict[str, Any]:
    """An address as the engine keeps it in a session (and puts in report payloads)."""
    return {
        "id": a.id,
        "line": a.line,
        "postcode": a.postcode,
        "district": a.district,
        "lat": a.lat,
        "long": a.long,
    }


async def lookup_addresses(t: Turn, step: StepSpec, go: Go) -> None:
    """Look up the addresses at the postcode collected and offer them (or say why not)."""
    s = t.session
    postcode = s.slots.get("postcode", "")
    try:
        found = await t.engine.services.find_addresses(postcode)
    except OutsideArea:
        t.actions.append(t.say("common.outside_area", postcode=postcode))
        t.handoff("outside_area", prompt_key=None)
        return
    except NotFound:
        t.actions.append(t.say("common.no_address", postcode=postcode))
        s.slots.pop("postcode", None)
        misses = int(s.slots.get("_postcode_misses", 0)) + 1
        s.slots["_postcode_misses"] = misses
        await go(step.on_no)
        if misses >= 2:
            t.drop_asks()
            t.handoff("address_not_found")
        return
    except BackendError as exc:
        log.warning("address lookup failed: %s", type(exc).__name__)
        s.degraded = True
        await go("common.unavailable")
        return
    await offer_addresses(t, step, [address_dict(a) for a in found])


async def offer_addresses(t: Turn, step: StepSpec, found: list[dict[str, Any]]) -> None:
    """Ask about the addresses: yes/no for one, a numbered list up to four, else a filter."""
    s = t.session
    s.slots["_addresses"] = found
    if len(found) == 1:
        s.slots["_addr_mode"] = "one"
        t.actions.append(
            t.yes_no_ask(
                t.engine.prompts.get(t.lang, "common.one_address", address=found[0]["line"])
            )
        )
    elif len(found) <= 4:
        s.slots["_addr_mode"] = "pick"
        t.actions.append(
            Ask(
                t.text(step.prompt),
                options=tuple(Option(str(i + 1), a["line"]) for i, a in enumerate(found)),
                step=s.position,
            )
        )
    else:
        s.slots["_addr_mode"] = "filter"
        t.actions.append(
            Ask(
                t.engine.prompts.get(t.lang, "common.too_many_addresses"),
                expect="text",
                entry=True,
                step=s.position,
            )
        )


async def reask(t: Turn, keep_counts: bool = False) -> None:
    """Ask the current step's question again."""
    s = t.session
    misses, unsure = s.misses, s.low_confidence
    if s.flow.startswith("_"):
        t.actions.extend(a for a in restore(s.last_actions) if isinstance(a, Ask))
        return
    step = t.engine.flows.step(s.flow, s.step)
    if step.type == "address" and s.slots.get("_addresses"):
        await offer_addresses(t, step, s.slots["_addresses"])
    else:
        await enter(t, s.flow, s.step, record=False)
    if keep_counts:
        s.misses, s.low_confidence = misses, unsure


async def miss(t: Turn, retry_key: str) -> None:
    """Not understood: say it differently once; the second time, a person."""
    s = t.session
    s.misses += 1
    if s.misses >= 2 or s.low_confidence >= 2:
        t.drop_asks()
        t.handoff("not_understood", prompt_key="common.not_understood")
        return
    prompts = t.engine.prompts
    if s.channel == Channel.WEB and prompts.has(t.lang, retry_key + "_chat"):
        retry_key += "_chat"  # the chat shows buttons: no "reply with a number"
    elif s.channel != Channel.VOICE and prompts.has(t.lang, retry_key + "_text"):
        retry_key += "_text"
    t.actions.append(t.say(retry_key))
    await reask(t, keep_counts=True)


def _house_matches(needle: str, line: str) -> bool:
    first = fold(line).split(" ")
    return bool(needle) and (needle in first[:3] or fold(line).startswith(needle))
