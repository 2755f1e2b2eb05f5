"""Web chat load benchmark: concurrent WebSocket conversations vs a bare echo socket.

Starts the app (create_app + the web chat router + a bare `/bench/echo` socket) on a real
uvicorn in a child process on 127.0.0.1, then drives N concurrent chat sockets through a
bin-day conversation (a free-text question, a typed postcode and buttons) and, in the
same run, N echo sockets with the same number of round trips; then the same at 10
sockets (latency without queueing). Prints p50/p99 reply latency for each. Bounded: each
phase stops at its time budget and the whole run ends inside 60 s.

    .venv/bin/python bench/chat_bench.py [--clients 200] [--seconds 12] [--distinct]

--distinct makes every free-text question new, so each one is read by the classifier (Rasa
when it is up) rather than the cache of repeated short texts.

If a Rasa server answers on http://127.0.0.1:5005/status it is put in the loop
(ASSIST_RASA_URL) and the output says so; otherwise the in-process classifier is used.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
RASA = "http://127.0.0.1:5005"
LIGHT = 10
"""Sockets in the light-load phase (latency without queueing)."""
LIGHT_SECONDS = 4.0
# One round of the conversation: (message to send, the reply type that ends the turn).
SCRIPT: list[dict[str, str]] = [
    {"type": "message", "text": "when are my bins collected"},  # free text: NLU
    {"type": "message", "text": "CB1 2AD"},  # typed postcode
    {"type": "choose", "key": "1"},  # 12 Mill Road -> the collection days
    {"type": "choose", "key": "2"},  # no reminder thanks
    {"type": "choose", "key": "1"},  # anything else? yes -> main menu
]


def serve(port: int, data: str, rasa: bool) -> None:
    """Child process: run the app with the web chat and a bare echo socket."""
    sys.path.insert(0, str(REPO))
    import uvicorn
    from fastapi import WebSocket, WebSocketDisconnect
    from starlette.routing import WebSocketRoute

    from assist.app import create_app
    from assist.settings import Settings

    # The limits are raised: this measures capacity, not the per-citizen limiter. Rasa (with
    # the in-process fallback) answers when it is up, as in `assist serve`.
    settings = Settings(
        data_dir=Path(data),
        public_url=f"http://127.0.0.1:{port}",
        rasa_url=RASA if rasa else "",
        web_chat_messages_per_window=10_000,
        web_chat_window_s=1.0,
        web_chat_connections_per_ip=100_000,
        _env_file=None,  # type: ignore[call-arg]
    )
    app = create_app(settings)

    async def echo(ws: WebSocket) -> None:
        await ws.accept()
        with contextlib.suppress(WebSocketDisconnect):
            while True:
                await ws.send_text(await ws.receive_text())

    # A plain Starlette route (no dependency injection): the cheapest socket the server has.
    app.router.routes.append(WebSocketRoute("/bench/echo", echo))

    from bench.profiling import profiled

    with profiled("chat"):
        uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", ws="websockets-sansio")


def rasa_up() -> bool:
    """True when a Rasa server answers its status endpoint."""
    try:
        with urllib.request.urlopen(RASA + "/status", timeout=1) as r:
            return bool(r.status == 200)
    except OSError:
        return False


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def wait_ready(url: str, deadline: float) -> None:
    import httpx

    async with httpx.AsyncClient() as client:
        while time.monotonic() < deadline:
            with contextlib.suppress(httpx.HTTPError):
                if (await client.get(url + "/healthz")).status_code in (200, 503):
                    return
            await asyncio.sleep(0.1)
    raise SystemExit("the app did not start")


async def degraded_turns(base: str) -> float:
    """Turns the server answered with a fallback (NLU or council unavailable), /metrics."""
    import httpx

    async with httpx.AsyncClient() as client:
        text = (await client.get(base + "/metrics")).text
    return sum(
        float(line.rsplit(" ", 1)[1])
        for line in text.splitlines()
        if line.startswith("assist_degraded_turns_total")
    )


async def recv_until(ws: Any, kind: str) -> dict[str, Any]:
    while True:
        msg: dict[str, Any] = json.loads(await ws.recv())
        if msg["type"] == kind:
            return msg
        if msg["type"] == "error":
            raise RuntimeError(msg["text"])


DISTINCT = itertools.count(1)
"""With --distinct, each free-text question carries a new number ("... at number 17"), so no
reading comes from a cache and every one goes to the classifier (Rasa when it is up)."""


def free_text(step: dict[str, str], distinct: bool) -> dict[str, str]:
    """The script's step, its free text made unique when `distinct`."""
    if not distinct or step is not SCRIPT[0]:
        return step
    return {**step, "text": f"{step['text']} at number {next(DISTINCT)}"}


async def chat_client(
    url: str,
    origin: str,
    stop_at: float,
    out: list[float],
    nlu: list[float],
    errors: list[str],
    distinct: bool = False,
) -> None:
    """One citizen: hello, then the script in a loop; free-text turns also go to `nlu`."""
    import websockets

    try:
        async with websockets.connect(
            url, additional_headers={"Origin": origin}, open_timeout=20, max_queue=None
        ) as ws:
            t0 = time.perf_counter()
            await ws.send(json.dumps({"type": "hello", "chat_id": None, "language": "en"}))
            await recv_until(ws, "ask")
            out.append(time.perf_counter() - t0)
            while time.monotonic() < stop_at:
                for step in SCRIPT:
                    if time.monotonic() >= stop_at:
                        return
                    t0 = time.perf_counter()
                    await ws.send(json.dumps(free_text(step, distinct)))
                    await recv_until(ws, "ask")
                    took = time.perf_counter() - t0
                    out.append(took)
                    if step is SCRIPT[0]:
                        nlu.append(took)
    except Exception as exc:  # a benchmark reports failures rather than stopping
        errors.append(f"{type(exc).__name__}: {exc}")


async def echo_client(
    url: str, rounds: int, stop_at: float, out: list[float], errors: list[str]
) -> None:
    import websockets

    payload = json.dumps({"type": "message", "text": "CB1 2AD"})
    try:
        async with websockets.connect(url, open_timeout=20, max_queue=None) as ws:
            for _ in range(rounds):
                if time.monotonic() >= stop_at:
                    return
                t0 = time.perf_counter()
                await ws.send(payload)
                await ws.recv()
                out.append(time.perf_counter() - t0)
    except Exception as exc:
        errors.append(f"{type(exc).__name__}: {exc}")


def summary_line(name: str, xs: list[float], wall: float, errors: list[str]) -> str:
    if not xs:
        return f"{name:<34} no replies ({len(errors)} errors: {errors[:2]})"
    xs = sorted(xs)
    p50 = statistics.median(xs) * 1000
    p99 = xs[min(len(xs) - 1, int(0.99 * len(xs)))] * 1000
    return (
        f"{name:<34} replies {len(xs):>6}  p50 {p50:8.1f} ms  p99 {p99:8.1f} ms  "
        f"{len(xs) / wall:8.0f}/s  errors {len(errors)}"
    )


async def run(
    clients: int,
    seconds: float,
    use_rasa: bool = True,
    summary: str | None = None,
    distinct: bool = False,
) -> int:
    rasa = use_rasa and rasa_up()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory(prefix="assist-bench-") as data:
        env = dict(os.environ, PYTHONPATH=str(REPO))
        child = subprocess.Popen(
            [sys.executable, __file__, "--serve", str(port), "--data", data]
            + (["--rasa"] if rasa else []),
            env=env,
        )
        try:
            await wait_ready(base, time.monotonic() + 20)
            ws_base = base.replace("http://", "ws://")
            results = []
            for clients_now, budget in ((clients, seconds), (LIGHT, LIGHT_SECONDS)):
                chat_lat: list[float] = []
                nlu_lat: list[float] = []
                chat_err: list[str] = []
                t0 = time.monotonic()
                await asyncio.gather(
                    *(
                        chat_client(
                            ws_base + "/chat/ws",
                            base,
                            t0 + budget,
                            chat_lat,
                            nlu_lat,
                            chat_err,
                            distinct,
                        )
                        for _ in range(clients_now)
                    )
                )
                chat_wall = time.monotonic() - t0
                rounds = max(1, len(chat_lat) // clients_now)
                echo_lat: list[float] = []
                echo_err: list[str] = []
                t0 = time.monotonic()
                await asyncio.gather(
                    *(
                        echo_client(
                            ws_base + "/bench/echo", rounds, t0 + budget, echo_lat, echo_err
                        )
                        for _ in range(clients_now)
                    )
                )
                echo_wall = time.monotonic() - t0
                results.append(
                    (
                        clients_now,
                        chat_lat,
                        nlu_lat,
                        chat_wall,
                        chat_err,
                        echo_lat,
                        echo_wall,
                        echo_err,
                    )
                )
            degraded = await degraded_turns(base)
        finally:
            child.terminate()
            try:
                child.wait(10)
            except subprocess.TimeoutExpired:
                child.kill()
    print(
        f"web chat benchmark: one uvicorn worker, SQLite (WAL, durable group commit), NLU: "
        f"{'Rasa at ' + RASA if rasa else 'in-process fallback'}"
        + ("; every free text new (no cached readings)" if distinct else "")
    )
    if use_rasa and not rasa:
        print(f"  (Rasa is not running at {RASA}: Rasa-in-the-loop figures skipped)")
    if rasa:
        print(f"  turns answered by the in-process fallback (Rasa slow or down): {degraded:g}")
    ok = True
    for n, chat_lat, nlu_lat, chat_wall, chat_err, echo_lat, echo_wall, echo_err in results:
        print(f"-- {n} concurrent sockets")
        print(summary_line("chat turn, all (send -> question)", chat_lat, chat_wall, chat_err))
        print(summary_line("  of which free text (NLU)", nlu_lat, chat_wall, []))
        print(summary_line("bare echo WebSocket (same server)", echo_lat, echo_wall, echo_err))
        ok = ok and bool(chat_lat) and not chat_err
        if summary:
            from bench.summary import record

            section = f"saturation: web chat, closed loop, {'Rasa' if rasa else 'fallback'}"
            if distinct:
                section += ", every free text new"
            echo = f"{n} sockets: bare echo WebSocket"
            for name, xs, wall, errs, base in (
                (f"{n} sockets: chat turns", chat_lat, chat_wall, chat_err, echo),
                (f"{n} sockets: free-text turns", nlu_lat, chat_wall, [], None),
                (echo, echo_lat, echo_wall, echo_err, None),
            ):
                record(summary, section=section, name=name, latencies=xs,
                       rate=len(xs) / wall, errors=len(errs), baseline=base)  # fmt: skip
    return 0 if ok else 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument(
        "--seconds",
        type=float,
        default=12.0,
        help="time budget of each loaded phase (chat, then echo)",
    )
    parser.add_argument("--no-rasa", action="store_true", help="use the in-process classifier")
    parser.add_argument("--summary", help="append the figures to this file (bench/summary.py)")
    parser.add_argument(
        "--distinct", action="store_true", help="a new free text each time (no cached reading)"
    )
    parser.add_argument("--serve", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--data", help=argparse.SUPPRESS)
    parser.add_argument("--rasa", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve, args.data, args.rasa)
        return
    seconds = min(args.seconds, 20.0)  # keeps the whole run under 60 s
    sys.path.insert(0, str(REPO))
    raise SystemExit(
        asyncio.run(run(args.clients, seconds, not args.no_rasa, args.summary, args.distinct))
    )


if __name__ == "__main__":
    main()
