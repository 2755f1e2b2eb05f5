"""Phone line benchmark: concurrent simulated callers walking the menus over real HTTP.

Two real uvicorn servers on 127.0.0.1, each in a child process of its own (so the load
generator does not share their interpreter lock): the phone line
(`create_app`: signed webhooks, the engine, SQLite, the handoff queue) and a bare
FastAPI endpoint returning fixed TwiML (the floor: HTTP + form parsing only). N callers at
once each walk scripted journeys (pothole report, bin day, into the queue and a callback)
as Twilio would, signing every request; the baseline gets the same number of concurrent
clients posting signed forms. Prints p50/p99 webhook latency and turns per second for both.
Bounded: each phase stops after --seconds (default 8); the whole run stays under 60 s.

Run: .venv/bin/python bench/voice_bench.py [--callers 20] [--seconds 8]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import os
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import httpx
import uvicorn
from fastapi import FastAPI, Request, Response

from assist.app import create_app
from assist.ivr.twilio.phone import SimulatedPhone
from assist.settings import Settings
from assist.twilio.webhooks import sign

FIXED = (
    '<?xml version="1.0" encoding="UTF-8"?><Response><Gather input="dtmf speech" '
    'action="/twilio/voice/turn" actionOnEmptyResult="true"><Say>Hello.</Say></Gather>'
    "</Response>"
)
JOURNEYS: list[list[tuple[str, str]]] = [
    [
        ("press", "2"),
        ("press", "1"),
        ("say", "Mill Road, Cambridge"),
        ("say", "A deep pothole by the bus stop"),
        ("press", "1"),
        ("press", "2"),
    ],
    [
        ("press", "1"),
        ("press", "1"),
        ("say", "CB1 2AD"),
        ("press", "1"),
        ("press", "2"),
        ("press", "2"),
    ],
    [("press", "0"), ("hold", ""), ("hold", ""), ("press", "1")],
]


def bare_app() -> FastAPI:
    """The floor: one endpoint that reads the form and answers fixed TwiML."""
    app = FastAPI()

    @app.post("/twilio/voice")
    async def voice(request: Request) -> Response:
        await request.form()
        return Response(FIXED, media_type="text/xml")

    return app


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def bench_settings(data_dir: str) -> Settings:
    return Settings(
        _env_file=None,
        data_dir=Path(data_dir),
        rasa_url="",  # type: ignore[call-arg]
        public_url="https://assist.example.org",
        opening_hours="Mon-Sun 00:00-23:59",
    )


def serve(kind: str, port: int, data_dir: str) -> None:
    """Child process: run one app on 127.0.0.1:port until terminated."""
    from bench.profiling import profiled

    app = create_app(bench_settings(data_dir)) if kind == "phone" else bare_app()
    with profiled(kind):
        uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)


@contextlib.contextmanager
def serving(kind: str, data_dir: str) -> Iterator[str]:
    """Start `serve(kind)` in a child process; yields its base URL; stops it afterwards."""
    port = free_port()
    child = subprocess.Popen(
        [sys.executable, __file__, "--serve", kind, "--port", str(port), "--data-dir", data_dir]
    )
    try:
        deadline = time.time() + 30
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                    break
            except OSError:
                if time.time() > deadline or child.poll() is not None:
                    raise RuntimeError(f"{kind} server did not start") from None
                time.sleep(0.05)
        yield f"http://127.0.0.1:{port}"
    finally:
        child.terminate()
        try:
            child.wait(timeout=10)
        except subprocess.TimeoutExpired:
            child.kill()


def timed_client(base_url: str, latencies: list[float]) -> httpx.AsyncClient:
    """An HTTP client that records each request's latency (seconds)."""

    async def start(request: httpx.Request) -> None:
        request.extensions["t0"] = time.perf_counter()

    async def stop(response: httpx.Response) -> None:
        latencies.append(time.perf_counter() - response.request.extensions["t0"])

    return httpx.AsyncClient(
        base_url=base_url,
        timeout=20,
        limits=httpx.Limits(max_connections=200),
        event_hooks={"request": [start], "response": [stop]},
    )


async def until(deadline: float, work: Callable[[], Awaitable[int]]) -> int:
    done = 0
    while time.perf_counter() < deadline:
        done += await work()
    return done


async def phone_phase(
    url: str, settings: Settings, callers: int, seconds: float
) -> tuple[list[float], int, float]:
    latencies: list[float] = []
    numbers = itertools.count(1)
    async with timed_client(url, latencies) as client:

        async def walk() -> int:
            n = next(numbers)
            phone = SimulatedPhone(client, settings, f"+4477009{n % 100000:05d}")
            await phone.dial()
            for kind, value in JOURNEYS[n % len(JOURNEYS)]:
                if kind == "press":
                    heard = await phone.press(value)
                elif kind == "say":
                    heard = await phone.say(value)
                elif phone.state == "queued":
                    heard = await phone.hold(30)
                else:  # nobody is answering: the callback offer is listening instead
                    continue
                if heard.state == "ended":
                    break
            if phone.state != "ended":
                await phone.hang_up()
            return phone.requests

        started = time.perf_counter()
        deadline = started + seconds
        counts = await asyncio.gather(*(until(deadline, walk) for _ in range(callers)))
        elapsed = time.perf_counter() - started
    return latencies, sum(counts), elapsed


async def bare_phase(
    url: str, settings: Settings, callers: int, seconds: float
) -> tuple[list[float], int, float]:
    latencies: list[float] = []
    form = {
        "CallSid": "CA" + "0" * 32,
        "From": "+447700900001",
        "To": "+441223000000",
        "AccountSid": "AC" + "0" * 32,
        "CallStatus": "ringing",
    }
    headers = {"X-Twilio-Signature": sign(settings, settings.public_url + "/twilio/voice", form)}
    async with timed_client(url, latencies) as client:

        async def one() -> int:
            r = await client.post("/twilio/voice", data=form, headers=headers)
            r.raise_for_status()
            return 1

        started = time.perf_counter()
        deadline = started + seconds
        counts = await asyncio.gather(*(until(deadline, one) for _ in range(callers)))
        elapsed = time.perf_counter() - started
    return latencies, sum(counts), elapsed


def summary(name: str, latencies: list[float], requests: int, elapsed: float) -> str:
    ms = sorted(x * 1000 for x in latencies)
    p50 = statistics.median(ms)
    p99 = ms[min(len(ms) - 1, int(len(ms) * 0.99))]
    return (
        f"{name:<34} {requests:>7} {requests / elapsed:>10.1f} {p50:>9.1f} {p99:>9.1f}"
        f" {max(ms):>9.1f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--callers", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--summary", help="append the figures to this file (bench/summary.py)")
    parser.add_argument("--serve", choices=["phone", "bare"], help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--data-dir", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve, args.port, args.data_dir)
        return
    seconds = min(args.seconds, 20.0)
    with tempfile.TemporaryDirectory() as tmp:
        settings = bench_settings(tmp)
        print(
            f"voice_bench: {args.callers} concurrent callers, {seconds:.0f} s per phase, "
            f"Python {platform.python_version()}, {os.cpu_count()} CPUs, SQLite WAL"
        )
        with serving("phone", tmp) as phone_url, serving("bare", tmp) as bare_url:
            bare = asyncio.run(bare_phase(bare_url, settings, args.callers, seconds))
            phone = asyncio.run(phone_phase(phone_url, settings, args.callers, seconds))
    print(f"{'':<34} {'requests':>7} {'per second':>10} {'p50 ms':>9} {'p99 ms':>9} {'max ms':>9}")
    print(summary("bare FastAPI, fixed TwiML", *bare))
    print(summary("phone line (signed, engine, SQLite)", *phone))
    print(
        "Twilio's budget for a webhook is 15 s (10 s to connect); the line should stay far "
        "below it."
    )
    if args.summary:
        from bench.summary import record

        section = f"saturation: phone webhooks, {args.callers} callers, closed loop, fallback"
        base = "bare FastAPI, fixed TwiML"
        for name, (latencies, requests, elapsed), baseline in (
            ("phone line (signed, engine, SQLite)", phone, base),
            (base, bare, None),
        ):
            record(args.summary, section=section, name=name, latencies=latencies,
                   rate=requests / elapsed, baseline=baseline)  # fmt: skip


if __name__ == "__main__":
    main()
