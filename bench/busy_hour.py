"""Busy-hour benchmark: web chats and phone callers at once, open loop, realistic think times.

One real uvicorn server (create_app: every channel, SQLite, the embedded council) in a child
process. 150 web chat users each send their next message about every 5 s, and 50 phone
callers each press a key or speak about every 4 s (think times drawn from an exponential
distribution, so arrivals bunch as real ones do), for --seconds (default 30). Open loop: a
user's next message is due on their own schedule, not when the server gets round to them;
a late reply only delays that user's next step. Prints p50/p99/max of the time a citizen
waits for each answer, per channel.

    .venv/bin/python bench/busy_hour.py [--chats 150] [--callers 50] [--seconds 30]

If a Rasa server answers on http://127.0.0.1:5005/status it is put in the loop; otherwise the
in-process classifier answers and the output says so (--no-rasa forces that).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.chat_bench import RASA, SCRIPT, free_port, rasa_up, recv_until, wait_ready  # noqa: E402
from bench.summary import percentiles, record  # noqa: E402

CHAT_THINK_S = 5.0
PHONE_THINK_S = 4.0


def settings_for(port: int, data: str, rasa: bool) -> Any:
    """The server's settings (also used by the callers to sign their webhooks)."""
    from assist.settings import Settings

    return Settings(
        _env_file=None,
        data_dir=Path(data),
        public_url=f"http://127.0.0.1:{port}",
        rasa_url=RASA if rasa else "",
        opening_hours="Mon-Sun 00:00-23:59",
        web_chat_messages_per_window=10_000,
        web_chat_window_s=1.0,
        web_chat_connections_per_ip=100_000,
    )


def serve(port: int, data: str, rasa: bool) -> None:
    """Child process: the whole service on 127.0.0.1:port."""
    import uvicorn

    from assist.app import create_app
    from bench.profiling import profiled, stalls_watched

    app = create_app(settings_for(port, data, rasa))
    with profiled("busy"), stalls_watched("busy"):
        uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)


async def chat_user(
    ws_url: str,
    origin: str,
    stop_at: float,
    rng: random.Random,
    out: list[float],
    errors: list[str],
) -> None:
    """One web chat user: opens the chat, then sends the script's next step when due."""
    import websockets

    await asyncio.sleep(rng.uniform(0, CHAT_THINK_S))
    try:
        async with websockets.connect(
            ws_url, additional_headers={"Origin": origin}, open_timeout=20, max_queue=None
        ) as ws:
            due = time.monotonic()
            t0 = time.perf_counter()
            await ws.send(json.dumps({"type": "hello", "chat_id": None, "language": "en"}))
            await recv_until(ws, "ask")
            out.append(time.perf_counter() - t0)
            while True:
                for step in SCRIPT:
                    due += rng.expovariate(1 / CHAT_THINK_S)
                    if due >= stop_at:
                        return
                    await asyncio.sleep(max(0.0, due - time.monotonic()))
                    t0 = time.perf_counter()
                    await ws.send(json.dumps(step))
                    await recv_until(ws, "ask")
                    out.append(time.perf_counter() - t0)
    except Exception as exc:  # a benchmark reports failures rather than stopping
        errors.append(f"{type(exc).__name__}: {exc}")


async def phone_caller(
    base: str, settings: Any, n: int, stop_at: float, rng: random.Random, out: list[float],
    errors: list[str], by_step: dict[str, list[float]],
) -> None:  # fmt: skip
    """One phone line: rings, walks a journey (a key or words about every 4 s), hangs up,
    rings again; records how long each answer took (redirects included)."""
    import httpx

    from assist.ivr.twilio.phone import SimulatedPhone
    from bench.voice_bench import JOURNEYS

    await asyncio.sleep(rng.uniform(0, PHONE_THINK_S))
    async with httpx.AsyncClient(base_url=base, timeout=30) as client:
        call = 0
        due = time.monotonic()
        while True:
            phone = SimulatedPhone(client, settings, f"+4477009{n:02d}{call % 1000:03d}")
            call += 1
            try:
                t0 = time.perf_counter()
                await phone.dial()
                out.append(time.perf_counter() - t0)
                by_step.setdefault("ring", []).append(out[-1])
                for kind, value in JOURNEYS[(n + call) % len(JOURNEYS)]:
                    due += rng.expovariate(1 / PHONE_THINK_S)
                    if due >= stop_at:
                        return
                    await asyncio.sleep(max(0.0, due - time.monotonic()))
                    t0 = time.perf_counter()
                    if kind == "press":
                        heard = await phone.press(value)
                    elif kind == "say":
                        heard = await phone.say(value)
                    elif phone.state == "queued":
                        heard = await phone.hold(30)
                    else:
                        continue
                    out.append(time.perf_counter() - t0)
                    by_step.setdefault(f"{kind} {value}".strip(), []).append(out[-1])
                    if heard.state == "ended":
                        break
                if phone.state != "ended":
                    await phone.hang_up()
            except Exception as exc:
                errors.append(f"{type(exc).__name__}: {exc}")
                return


def line(name: str, xs: list[float], errors: list[str]) -> str:
    """One channel's figures."""
    if not xs:
        return f"{name:<28} no answers ({len(errors)} errors: {errors[:2]})"
    p = percentiles(xs)
    return (
        f"{name:<28} answers {len(xs):>6}  p50 {p['p50']:7.1f} ms  p99 {p['p99']:7.1f} ms  "
        f"max {p['max']:7.1f} ms  errors {len(errors)}"
    )


async def run(
    chats: int,
    callers: int,
    seconds: float,
    use_rasa: bool,
    summary: str | None,
    detail: bool = False,
) -> int:
    rasa = use_rasa and rasa_up()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    chat_lat: list[float] = []
    phone_lat: list[float] = []
    chat_err: list[str] = []
    phone_err: list[str] = []
    phone_steps: dict[str, list[float]] = {}
    with tempfile.TemporaryDirectory(prefix="assist-busy-") as data:
        settings = settings_for(port, data, rasa)
        child = subprocess.Popen(
            [sys.executable, __file__, "--serve", str(port), "--data", data]
            + (["--rasa"] if rasa else []),
            env=dict(os.environ, PYTHONPATH=str(REPO)),
        )
        try:
            await wait_ready(base, time.monotonic() + 30)
            rng = random.Random(18)
            stop_at = time.monotonic() + seconds
            ws_url = base.replace("http://", "ws://") + "/chat/ws"
            await asyncio.gather(
                *(
                    chat_user(
                        ws_url, base, stop_at, random.Random(rng.random()), chat_lat, chat_err
                    )
                    for _ in range(chats)
                ),
                *(
                    phone_caller(
                        base,
                        settings,
                        n,
                        stop_at,
                        random.Random(rng.random()),
                        phone_lat,
                        phone_err,
                        phone_steps,
                    )
                    for n in range(callers)
                ),
            )
        finally:
            child.terminate()
            try:
                child.wait(15)
            except subprocess.TimeoutExpired:
                child.kill()
    nlu = f"Rasa at {RASA}" if rasa else "in-process classifier"
    print(
        f"busy hour: {chats} web chats (a message every ~{CHAT_THINK_S:g} s) and {callers} "
        f"phone callers (a key or words every ~{PHONE_THINK_S:g} s) at once for {seconds:g} s, "
        f"open loop; NLU: {nlu}"
    )
    if use_rasa and not rasa:
        print(f"  (Rasa is not running at {RASA}: Rasa-in-the-loop figures skipped)")
    print(line("web chat, time to answer", chat_lat, chat_err))
    print(line("phone, time to answer", phone_lat, phone_err))
    if detail:
        for step, xs in sorted(phone_steps.items(), key=lambda kv: -max(kv[1])):
            print(line(f"  phone: {step}", xs, []))
    if summary:
        for name, xs, errs in (("chat", chat_lat, chat_err), ("phone", phone_lat, phone_err)):
            record(
                summary,
                section="busy hour (open loop)",
                name=f"{name}, {'Rasa' if rasa else 'fallback'}",
                latencies=xs,
                rate=len(xs) / seconds,
                errors=len(errs),
            )
    return 0 if chat_lat and phone_lat and not chat_err and not phone_err else 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chats", type=int, default=150)
    parser.add_argument("--callers", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--no-rasa", action="store_true", help="use the in-process classifier")
    parser.add_argument("--summary", help="append the figures to this file (bench/summary.py)")
    parser.add_argument("--detail", action="store_true", help="phone figures per journey step")
    parser.add_argument("--serve", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--data", help=argparse.SUPPRESS)
    parser.add_argument("--rasa", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve, args.data, args.rasa)
        return
    code = asyncio.run(
        run(args.chats, args.callers, args.seconds, not args.no_rasa, args.summary, args.detail)
    )
    raise SystemExit(code)


if __name__ == "__main__":
    main()
