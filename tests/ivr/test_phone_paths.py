"""Every phone path says the same (issue 19): Twilio's speech (signed webhooks), the terminal
phone (`assist call`'s `run_call`), the `/try/phone` simulator and self-hosted speech
(`media_turn`, then `/twilio/voice/after-stream`). The first option comes within 30 words in
every language; the language menu offers each language in its own words and voice; and
pressing 0 out of hours (frozen clock, nobody signed in) never promises a person first."""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from assist.app import bind, create_app, open_service
from assist.dialogue.flows import load_flows
from assist.dialogue.lint import SAMPLES
from assist.dialogue.lint_greeting import greeting_words
from assist.dialogue.prompts import Prompts
from assist.dialogue.render import words
from assist.handoff.agents import sign_in
from assist.ivr.media.turns import media_turn
from assist.ivr.speech.turns import CallerInput
from assist.ivr.twilio.phone import PREFIX, SimulatedPhone
from assist.ivr.twilio.terminal import run_call
from assist.service import Service
from assist.store import core
from tests.ivr.twilio.conftest import Clock, make_settings

REPO = Path(__file__).resolve().parents[2]
LANGUAGES = ("en", "pl", "lt", "ro", "pt")
WEDNESDAY_11 = 1_783_504_800.0  # Wednesday 8 July 2026, 11:00 in London
FRIDAY_8PM = 1_783_710_000.0  # Friday 10 July 2026, 20:00 in London
VOICE_LOCALE = {"en": "en-GB", "pl": "pl-PL", "lt": "lt-LT", "ro": "ro-RO", "pt": "pt-PT"}

Path_ = Callable[[Service, FastAPI, str, list[str]], Awaitable[list[list[str]]]]
"""A phone path: dial from a number, press keys; what was said after the dial and each key."""


@pytest.fixture
async def service(
    tmp_path: Path, dialogue: Any, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[Service]:
    monkeypatch.setattr("assist.service.load_dialogue", lambda: dialogue)
    settings = make_settings(tmp_path, opening_hours="Mon-Fri 08:00-18:00")
    rt = await open_service(settings)
    yield rt
    await rt.close()


def at(service: Service, now: float) -> None:
    """Freeze the service's clock at `now`."""
    clock = Clock(now)
    service.conversations.clock = clock
    service.engine.clock = clock


@pytest.fixture
def app(service: Service) -> FastAPI:
    application = create_app(service.settings, service=service)
    bind(application, service)
    return application


async def by_twilio(rt: Service, app: FastAPI, caller: str, keys: list[str]) -> list[list[str]]:
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://t"
    ) as client:
        phone = SimulatedPhone(client, rt.settings, caller)
        heard = [(await phone.dial()).said]
        for key in keys:
            heard.append((await phone.press(key)).said)
    return heard


async def by_terminal(rt: Service, app: FastAPI, caller: str, keys: list[str]) -> list[list[str]]:
    out = io.StringIO()
    stream = io.StringIO("".join(f"{k}\n" for k in keys) + "/hangup\n")
    await run_call(app, rt.store, rt.settings, caller, stream, out, echo=True)
    heard: list[list[str]] = [[]]
    for line in out.getvalue().splitlines():
        if line.startswith("> "):
            heard.append([])
        elif line.startswith("Assist: "):
            heard[-1].append(line.removeprefix("Assist: "))
    return heard[: len(keys) + 1]


async def by_simulator(rt: Service, app: FastAPI, caller: str, keys: list[str]) -> list[list[str]]:
    # The simulator dials from a drama-range number of its own (`caller` is not used).
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://t"
    ) as client:
        dialled = (await client.post("/try/phone/step", json={"action": "dial"})).json()
        heard = [dialled["said"]]
        for key in keys:
            step = {"sim": dialled["sim"], "action": "press", "value": key}
            heard.append((await client.post("/try/phone/step", json=step)).json()["said"])
    return heard


async def by_media(rt: Service, app: FastAPI, caller: str, keys: list[str]) -> list[list[str]]:
    """Self-hosted speech: each turn's spoken texts; when the stream hangs up, what the
    `<Connect>` action (`/twilio/voice/after-stream`) says next joins that turn."""
    sid = "CA" + caller[-6:].rjust(32, "0")
    params = {"From": caller}
    heard = [list((await media_turn(rt.parts, sid, CallerInput("start", parameters=params))).texts)]
    for key in keys:
        reply = await media_turn(
            rt.parts, sid, CallerInput("digits", digits=key, parameters=params)
        )
        said = list(reply.texts)
        if reply.hangup:
            async with httpx.AsyncClient(
                transport=httpx.ASGITransport(app=app), base_url="http://t"
            ) as client:
                phone = SimulatedPhone(client, rt.settings, caller, call_sid=sid)
                document = await phone.post(PREFIX + "/after-stream", phone._params())
            said += [
                " ".join("".join(s.itertext()).split()) for s in ET.fromstring(document).iter("Say")
            ]
        heard.append(said)
    return heard


PATHS: dict[str, Path_] = {
    "twilio": by_twilio,
    "terminal": by_terminal,
    "simulator": by_simulator,
    "media": by_media,
}


async def speaks(rt: Service, caller: str, lang: str) -> None:
    """The caller chose `lang` on an earlier call."""
    if lang != "en":
        async with rt.store.transaction() as tx:
            await core.remember_language(tx, caller, lang, rt.conversations.clock())


def words_before_first_option(said: list[str], prompts: Prompts, lang: str) -> int:
    """Words heard before the first option's key: every sentence before "<label>: press 1."
    and the label."""
    label = prompts.get(lang, "main.opt.bins")
    first = prompts.get(lang, "render.press", label=label, key="1")
    i = said.index(first)
    return sum(words(s) for s in said[:i]) + words(label)


@pytest.mark.parametrize("lang", LANGUAGES)
async def test_every_path_says_the_same_first_answer_within_30_words(
    service: Service, app: FastAPI, prompts: Prompts, lang: str
) -> None:
    """The call cost first, the menu, then the language offer, word for word the same on
    every path, and the first option within 30 words, as the linter measures it."""
    at(service, WEDNESDAY_11)
    said: dict[str, list[str]] = {}
    for n, (name, path) in enumerate(PATHS.items()):
        caller = f"+4477009004{n}{LANGUAGES.index(lang)}"
        await speaks(service, caller, lang)
        if name == "simulator" and lang != "en":
            continue  # it dials from a number of its own, which has chosen no language
        said[name] = (await path(service, app, caller, []))[0]
    first = said["twilio"]
    for name, heard in said.items():
        assert heard == first, f"{name} differs: {heard!r}"
    assert "costs the same as calling an 01 or 02 number" in first[1]
    n = words_before_first_option(first, prompts, lang)
    flows = load_flows(REPO / "dialogues" / "flows")
    samples = {**SAMPLES, "call_cost": service.settings.call_cost_sentence}
    assert n == greeting_words(flows, prompts, lang, samples)
    assert n <= 30
    assert first[-1] == prompts.get(lang, "greeting.languages")  # after the options


@pytest.mark.parametrize("lang", ["en", "pl"])
async def test_the_language_menu_offers_each_language_in_its_own_words_and_voice(
    service: Service, app: FastAPI, prompts: Prompts, lang: str
) -> None:
    """After 6 the question is in the caller's language and each option in its own, from
    that language's prompts, spoken by that language's voice (Twilio) and synthesiser
    (self-hosted speech)."""
    at(service, WEDNESDAY_11)
    caller = f"+44770090051{LANGUAGES.index(lang)}"
    await speaks(service, caller, lang)
    others = [other for other in LANGUAGES if other != lang]
    expected = [
        prompts.get(
            other, "render.press", label=prompts.get(other, "language.name"), key=str(i + 1)
        )
        for i, other in enumerate(others)
    ]
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://t"
    ) as client:
        phone = SimulatedPhone(client, service.settings, caller)
        await phone.dial()
        menu = await phone.press("6")
    assert menu.said[0] == prompts.get(lang, "language.menu")
    assert menu.said[1:5] == expected
    root = ET.fromstring(menu.documents[0])
    voices = {" ".join("".join(s.itertext()).split()): s.get("language") for s in root.iter("Say")}
    assert voices[menu.said[0]] == VOICE_LOCALE[lang]
    for other, sentence in zip(others, expected, strict=True):
        assert voices[sentence] == VOICE_LOCALE[other], sentence
    sid = "CA" + "5" * 32
    media_caller = f"+44770090052{LANGUAGES.index(lang)}"
    await speaks(service, media_caller, lang)
    params = {"From": media_caller}
    await media_turn(service.parts, sid, CallerInput("start", parameters=params))
    reply = await media_turn(
        service.parts, sid, CallerInput("digits", digits="6", parameters=params)
    )
    spoken = dict(zip(reply.texts, reply.text_languages, strict=True))
    assert list(reply.texts[:5]) == menu.said[:5]
    assert spoken[menu.said[0]] == lang
    for other, sentence in zip(others, expected, strict=True):
        assert spoken[sentence] == other


OUT_OF_HOURS_KEYS = {
    "at the greeting": ["0"],
    "in a menu": ["1", "0"],
    "slowed down": ["8", "0"],
    "in Polish": ["6", "1", "0"],
}


@pytest.mark.parametrize("keys", list(OUT_OF_HOURS_KEYS.values()), ids=list(OUT_OF_HOURS_KEYS))
@pytest.mark.parametrize("path", list(PATHS))
async def test_pressing_0_out_of_hours_never_promises_a_person(
    service: Service, app: FastAPI, prompts: Prompts, path: str, keys: list[str]
) -> None:
    """Friday 8pm, nobody signed in: the first thing said after 0 is that people are away
    and when they are back, in the caller's language; never "I'll put you through"."""
    at(service, FRIDAY_8PM)
    caller = f"+4477009006{list(PATHS).index(path)}{list(OUT_OF_HOURS_KEYS.values()).index(keys)}"
    heard = await PATHS[path](service, app, caller, keys)
    lang = "pl" if "6" in keys else "en"
    after_0 = heard[-1]
    promises = {prompts.get(lang, "common.person"), prompts.get("en", "common.person")}
    assert not promises & set(after_0), f"{path}: {after_0!r}"
    assert not any("put you through" in s for s in after_0)
    away = prompts.get(lang, "handoff.closed", reopen="{reopen}").split("{reopen}")[0].strip()
    assert after_0 and after_0[0].startswith(away), f"{path}: {after_0!r}"
    assert re.search(r"\b0?8(am|:00)\b", after_0[0]), after_0[0]


async def test_in_hours_with_staff_the_person_is_still_promised_on_every_path(
    service: Service, app: FastAPI
) -> None:
    """With someone signed in, 0 says "I'll put you through to a person now" on every path
    (the honest answer only replaces it when nobody is answering)."""
    at(service, WEDNESDAY_11)
    async with service.store.transaction() as tx:
        await sign_in(tx, "duty@council.example", [], WEDNESDAY_11)
    for n, (name, path) in enumerate(PATHS.items()):
        heard = await path(service, app, f"+4477009007{n}0", ["0"])
        assert "I'll put you through to a person now." in heard[-1], f"{name}: {heard[-1]!r}"
