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
import functools
import json
import os
import random
import ssl
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
    import signal

    import uvicorn

    from assist.app import create_app
    from bench.profiling import RequestTimer, profiled, stalls_watched

    app = create_app(settings_for(port, data, rasa))
    timer = RequestTimer(app)
    times = os.environ.get("BENCH_SERVER_TIMES")

    def leave(signum: int, frame: object) -> None:
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, leave)  # uvicorn re-raises it after its shutdown
    try:
        with profiled("busy"), stalls_watched("busy"):
            uvicorn.run(timer, host="127.0.0.1", port=port, log_level="warning", access_log=False)
    finally:
        if times:
            timer.dump(times)


class TimedClient:
    """An httpx client whose `post` records each request's round trip (the simulated phone
    posts one webhook per request; a step may take several)."""

    def __init__(self, client: Any, out: list[float]) -> None:
        self.client = client
        self.out = out

    async def post(self, *args: Any, **kwargs: Any) -> Any:
        t0 = time.perf_counter()
        response = await self.client.post(*args, **kwargs)
        self.out.append(time.perf_counter() - t0)
        return response


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
    errors: list[str], by_step: dict[str, list[float]], requests: list[float] | None = None,
    timeline: list[tuple[float, str, float]] | None = None,
) -> None:  # fmt: skip
    """One phone line: rings, walks a journey (a key or words about every 4 s), hangs up,
    rings again; records how long each answer took (redirects included)."""
    import httpx

    from assist.ivr.twilio.phone import SimulatedPhone
    from bench.voice_bench import JOURNEYS

    await asyncio.sleep(rng.uniform(0, PHONE_THINK_S))
    # One keep-alive connection per line, as Twilio would hold. The SSL context is shared:
    # building one per client loads the CA bundle (~30 ms with the loop blocked), which
    # stalled every other caller in the benchmark's first seconds.
    async with httpx.AsyncClient(base_url=base, timeout=30, verify=_ssl_context()) as http:
        client: Any = TimedClient(http, [] if requests is None else requests)
        timeline = [] if timeline is None else timeline
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
                timeline.append((t0, "ring", out[-1]))
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
                    timeline.append((t0, f"{kind} {value}".strip(), out[-1]))
                    if heard.state == "ended":
                        break
                if phone.state != "ended":
                    await phone.hang_up()
            except Exception as exc:
                errors.append(f"{type(exc).__name__}: {exc}")
                return


@functools.cache
def _ssl_context() -> ssl.SSLContext:
    """The callers' one SSL context (the server is plain HTTP; httpx wants one anyway)."""
    return ssl.create_default_context()


def line(name: str, xs: list[float], errors: list[str]) -> str:
    """One channel's figures."""
    if not xs:
        return f"{name:<28} no answers ({len(errors)} errors: {errors[:2]})"
    p = percentiles(xs)
    return (
        f"{name:<28} answers {len(xs):>6}  p50 {p['p50']:7.1f} ms  p99 {p['p99']:7.1f} ms  "
        f"max {p['max']:7.1f} ms  errors {len(errors)}"
    )


async def drive(
    kinds: str, port: int, data: str, rasa: bool, chats: int, callers: int, seconds: float,
    start_at: float,
) -> dict[str, Any]:  # fmt: skip
    """Run the users of `kinds` ("chat", "phone" or "chat,phone") from `start_at` (wall
    clock) for `seconds`; returns their latencies, errors and this loop's lag. Each user's
    schedule comes from the same seeds whichever process drives it."""
    from bench.profiling import LoopLag

    base = f"http://127.0.0.1:{port}"
    settings = settings_for(port, data, rasa)
    rng = random.Random(18)
    seeds = [rng.random() for _ in range(chats + callers)]
    got: dict[str, Any] = {
        "chat": [], "phone": [], "chat_err": [], "phone_err": [], "steps": {}, "requests": [],
        "timeline": [],
    }  # fmt: skip
    lag = LoopLag()
    # imported before the start, or the first user's import would stall every other user
    import httpx  # noqa: F401
    import websockets  # noqa: F401

    import assist.ivr.twilio.phone  # noqa: F401
    import bench.voice_bench  # noqa: F401

    _ssl_context()

    await asyncio.sleep(max(0.0, start_at - time.time()))
    lag.start()
    stop_at = time.monotonic() + seconds
    ws_url = base.replace("http://", "ws://") + "/chat/ws"
    users = []
    if "chat" in kinds:
        users += [
            chat_user(ws_url, base, stop_at, random.Random(seeds[i]), got["chat"], got["chat_err"])
            for i in range(chats)
        ]
    if "phone" in kinds:
        users += [
            phone_caller(
                base,
                settings,
                n,
                stop_at,
                random.Random(seeds[chats + n]),
                got["phone"],
                got["phone_err"],
                got["steps"],
                got["requests"],
                got["timeline"],
            )
            for n in range(callers)
        ]
    began = time.perf_counter()
    await asyncio.gather(*users)
    got["timeline"] = [(t - began, step, took) for t, step, took in got["timeline"]]
    got["lag_" + kinds.replace(",", "_")] = lag.lags
    return got


def lag_line(name: str, lags: list[float]) -> str:
    """An event loop's lag: how late it came round to ready work."""
    p = percentiles(lags)
    return (
        f"{name:<28} loop lag p50 {p['p50']:6.1f} ms  p99 {p['p99']:7.1f} ms  "
        f"max {p['max']:7.1f} ms"
    )


async def run(
    chats: int,
    callers: int,
    seconds: float,
    use_rasa: bool,
    summary: str | None,
    detail: bool = False,
    split: bool = True,
) -> int:
    rasa = use_rasa and rasa_up()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    got: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="assist-busy-") as data:
        times = str(Path(data) / "server-times.json")
        child = subprocess.Popen(
            [sys.executable, __file__, "--serve", str(port), "--data", data]
            + (["--rasa"] if rasa else []),
            env=dict(os.environ, PYTHONPATH=str(REPO), BENCH_SERVER_TIMES=times),
        )
        try:
            await wait_ready(base, time.monotonic() + 30)
            start_at = time.time() + (2.0 if split else 0.0)
            if split:
                # Each channel's clients in their own process (own loop and core share):
                # a busy chat client loop must not add its lag to the phone's figures.
                drivers = []
                for kinds in ("chat", "phone"):
                    out = str(Path(data) / f"driver-{kinds}.json")
                    args = [
                        sys.executable, __file__, "--drive", kinds, "--port", str(port),
                        "--data", data, "--out", out, "--chats", str(chats),
                        "--callers", str(callers), "--seconds", f"{seconds}",
                        "--start-at", f"{start_at}",
                    ] + (["--rasa"] if rasa else [])  # fmt: skip
                    drivers.append((out, await asyncio.create_subprocess_exec(
                        *args, env=dict(os.environ, PYTHONPATH=str(REPO))
                    )))  # fmt: skip
                for out, proc in drivers:
                    await proc.wait()
                    for k, v in json.loads(Path(out).read_text()).items():
                        if isinstance(v, dict):
                            got.setdefault(k, {}).update(v)
                        elif isinstance(v, list):
                            got.setdefault(k, []).extend(v)
            else:
                got = await drive("chat,phone", port, data, rasa, chats, callers, seconds,
                                  start_at)  # fmt: skip
        finally:
            child.terminate()
            try:
                child.wait(15)
            except subprocess.TimeoutExpired:
                child.kill()
        server = json.loads(Path(times).read_text()) if Path(times).exists() else {}
    chat_lat, chat_err = got.get("chat", []), got.get("chat_err", [])
    phone_lat, phone_err = got.get("phone", []), got.get("phone_err", [])
    phone_steps: dict[str, list[float]] = got.get("steps", {})
    nlu = f"Rasa at {RASA}" if rasa else "in-process classifier"
    print(
        f"busy hour: {chats} web chats (a message every ~{CHAT_THINK_S:g} s) and {callers} "
        f"phone callers (a key or words every ~{PHONE_THINK_S:g} s) at once for {seconds:g} s, "
        f"open loop; NLU: {nlu}; clients {'in two processes' if split else 'in one process'}"
    )
    if use_rasa and not rasa:
        print(f"  (Rasa is not running at {RASA}: Rasa-in-the-loop figures skipped)")
    print(line("web chat, time to answer", chat_lat, chat_err))
    print(line("phone, time to answer", phone_lat, phone_err))
    print(line("  phone, each webhook (client)", got.get("requests", []), []))
    served = [x for xs in server.get("requests", {}).values() for x in xs]
    print(line("  phone, each webhook (server)", served, []))
    for key in sorted(k for k in got if k.startswith("lag_")):
        print(lag_line(f"  client loop ({key[4:].replace('_', '+')})", got[key]))
    print(lag_line("  server loop", server.get("loop_lag", [])))
    for gen in (0, 1, 2):
        pauses = [took for g, took in server.get("gc", []) if g == gen]
        if pauses:
            print(
                f"  server GC generation {gen}: {len(pauses)} collections, "
                f"max {max(pauses) * 1000:.1f} ms, total {sum(pauses) * 1000:.0f} ms"
            )
    if detail:
        for step, xs in sorted(phone_steps.items(), key=lambda kv: -max(kv[1])):
            print(line(f"  phone: {step}", xs, []))
        for path, xs in sorted(server.get("requests", {}).items()):
            print(line(f"  server: {path}", xs, []))
        slowest = sorted(got.get("timeline", []), key=lambda x: -x[2])[:8]
        print("  slowest phone answers: " + ", ".join(
            f"{step} at {t:.1f} s {took * 1000:.0f} ms" for t, step, took in slowest
        ))  # fmt: skip
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
        record(
            summary,
            section="busy hour (open loop)",
            name=f"phone webhook, server's own time, {'Rasa' if rasa else 'fallback'}",
            latencies=served,
            rate=len(served) / seconds,
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
    parser.add_argument(
        "--one-process", action="store_true", help="both channels' clients in one process"
    )
    parser.add_argument("--drive", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    parser.add_argument("--start-at", type=float, help=argparse.SUPPRESS)
    parser.add_argument("--serve", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--data", help=argparse.SUPPRESS)
    parser.add_argument("--rasa", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve, args.data, args.rasa)
        return
    if args.drive:
        got = asyncio.run(
            drive(args.drive, args.port, args.data, args.rasa, args.chats, args.callers,
                  args.seconds, args.start_at)
        )  # fmt: skip
        Path(args.out).write_text(json.dumps(got))
        return
    code = asyncio.run(
        run(args.chats, args.callers, args.seconds, not args.no_rasa, args.summary, args.detail,
            split=not args.one_process)
    )  # fmt: skip
    raise SystemExit(code)


if __name__ == "__main__":
    main()
