"""`assist call`: ring the phone line from the terminal, with no phone and no Twilio account.

Each line you type is one thing you do on the call: keys (`2`, `123#`) are pressed, an
empty line is silence, other words are what the phone heard you say, `/hold` lets 30
seconds pass on hold, `/hangup` puts the phone down. What the line says is printed (and
spoken with espeak-ng with `--speak`), and any text message it sends you is shown.
The requests are signed and sent to the same webhooks Twilio calls, in-process.
"""

from __future__ import annotations

import shutil
import subprocess
from typing import TextIO

import anyio.to_thread
import httpx
from starlette.types import ASGIApp

from assist.ivr.twilio.phone import Heard, PhoneError, SimulatedPhone
from assist.settings import Settings
from assist.store import core
from assist.store.base import Store

KEYS = set("0123456789*#")


def describe(heard: Heard) -> list[str]:
    """Lines to print for one step of the call."""
    lines = [f"Assist: {s}" for s in heard.said]
    if heard.state == "queued":
        lines.append("  [on hold: /hold lets 30 seconds pass; 1 asks for a callback]")
    elif heard.state == "connected":
        lines.append(f"  [put through to staff: {heard.dialled}]")
    elif heard.state == "ended":
        lines.append("  [the call has ended]")
    elif heard.gather is not None:
        how = "one key" if heard.gather.num_digits == 1 else "keys then #, or words"
        lines.append(f"  [listening for {how}, {heard.gather.timeout} s]")
    return lines


async def _texts(store: Store, number: str, seen: int) -> list[str]:
    async with store.transaction() as tx:
        return (await core.texts_queued_for(tx, number))[seen:]


async def _speak(lines: list[str], language: str) -> None:
    espeak = shutil.which("espeak-ng")
    if espeak is None:
        return
    voice = {"en-GB": "en-gb", "pl-PL": "pl", "lt-LT": "lt", "ro-RO": "ro", "pt-PT": "pt"}.get(
        language, "en-gb"
    )

    def say(text: str) -> None:
        # A fixed program with our own prompt text as one argument (no shell).
        subprocess.run([espeak, "-v", voice, text], check=False, capture_output=True)  # noqa: S603

    for line in lines:
        await anyio.to_thread.run_sync(say, line)


async def run_call(
    phone_app: ASGIApp,
    store: Store,
    settings: Settings,
    caller: str,
    stream: TextIO,
    out: TextIO,
    speak: bool = False,
    echo: bool = False,
) -> int:
    """Play one call from `stream` (one action per line) against `phone_app`'s webhooks,
    printing to `out`; returns 0. The caller opens the service behind the app."""
    seen = 0

    def show(heard: Heard) -> None:
        for line in describe(heard):
            print(line, file=out, flush=True)

    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=phone_app), base_url="http://assist-call"
    ) as client:
        phone = SimulatedPhone(client, settings, caller)
        print(f"(Calling {settings.council_name} from {caller})", file=out, flush=True)
        heard = await phone.dial()
        show(heard)
        while heard.state in ("listening", "queued"):
            if speak:
                await _speak(heard.said, heard.gather.language if heard.gather else "en-GB")
            raw = await anyio.to_thread.run_sync(stream.readline)
            if not raw:
                await phone.hang_up()
                break
            line = raw.strip()
            if echo:
                print(f"> {line}", file=out, flush=True)
            try:
                if line in ("/hangup", "/quit"):
                    await phone.hang_up()
                    print("  [you hung up]", file=out, flush=True)
                    break
                if line in ("/hold", "/wait"):
                    heard = await phone.hold(30)
                elif not line:
                    heard = await phone.silence()
                elif set(line) <= KEYS:
                    heard = await phone.press(line)
                else:
                    heard = await phone.say(line)
            except PhoneError as exc:
                print(f"  [{exc}]", file=out, flush=True)
                continue
            show(heard)
            for text in await _texts(store, caller, seen):
                seen += 1
                print(f"  [text message to you] {text}", file=out, flush=True)
    return 0
