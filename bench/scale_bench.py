"""Scaling benchmark: one `assist serve` on SQLite beside 1, 2 and 3 on one PostgreSQL.

For each set-up, real `assist serve` processes (each on its own port, the in-process
classifier, ASSIST_RASA_URL empty) are driven, sockets and callers spread round robin over
the instances as nginx would, by:

- saturation: --clients chat sockets (closed loop, bench/chat_bench.py's conversation) for
  --sat-seconds: chat turns/s and their p99;
- the busy hour: bench/busy_hour.py's open-loop web chats and phone callers, the same total
  load whatever the number of instances, for --seconds: the time to answer's p99.

Then one table: each set-up's figures, its turns/s against one PostgreSQL instance and
against SQLite, and the CPU each part used while saturated (the instances, PostgreSQL, this
load generator), which says where the next bottleneck is. PostgreSQL is a throwaway cluster
(tests/pg.py); a fresh migrated database per set-up.

    .venv/bin/python bench/scale_bench.py [--instances 3] [--seconds 15] [--sat-seconds 10]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.busy_hour import chat_user, phone_caller, settings_for  # noqa: E402
from bench.chat_bench import chat_client, free_port, wait_ready  # noqa: E402
from bench.run_all import load  # noqa: E402
from bench.summary import percentiles  # noqa: E402
from tests import pg  # noqa: E402

TICK = os.sysconf("SC_CLK_TCK")


@dataclass
class Result:
    """One set-up's figures."""

    label: str
    turns_per_s: float = 0.0
    sat_p99_ms: float = float("nan")
    chat_p99_ms: float = float("nan")
    phone_p99_ms: float = float("nan")
    errors: list[str] = field(default_factory=list)
    cpu: dict[str, float] = field(default_factory=dict)
    """Cores used while saturated, per part (CPU seconds per wall second)."""


def cpu_seconds(pid: int, children: bool = False) -> float:
    """CPU seconds a process has used (with its reaped children's when `children`)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    ticks = int(fields[11]) + int(fields[12])  # utime, stime
    if children:
        ticks += int(fields[13]) + int(fields[14])  # cutime, cstime
    return ticks / TICK


def postgres_cpu(cluster: pg.Cluster) -> float:
    """CPU seconds used by the cluster: the postmaster, its live backends, the reaped ones."""
    pid_file = cluster.data / "postmaster.pid"
    try:
        master = int(pid_file.read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return 0.0
    total = cpu_seconds(master, children=True)
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError, IndexError, ValueError):
                if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == master:
                    total += cpu_seconds(int(entry.name))
    return total


def instance_env(port: int, data: Path, url: str | None) -> dict[str, str]:
    """An instance's environment: busy_hour's settings (limits raised, always open), no Rasa,
    the store at `url` (SQLite in `data` when None); no ASSIST_ variable inherited."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ASSIST_")}
    env.update(
        ASSIST_DATA_DIR=str(data),
        ASSIST_PORT=str(port),
        ASSIST_PUBLIC_URL=f"http://127.0.0.1:{port}",
        ASSIST_RASA_URL="",
        ASSIST_OPENING_HOURS="Mon-Sun 00:00-23:59",
        ASSIST_WEB_CHAT_MESSAGES_PER_WINDOW="10000",
        ASSIST_WEB_CHAT_WINDOW_S="1",
        ASSIST_WEB_CHAT_CONNECTIONS_PER_IP="100000",
        ASSIST_LOG_LEVEL="WARNING",
        PYTHONPATH=str(REPO),
    )
    if url:
        env["ASSIST_DATABASE_URL"] = url
    return env


@contextlib.asynccontextmanager
async def instances(n: int, data: Path, url: str | None) -> AsyncIterator[list[tuple[int, int]]]:
    """`n` `assist serve` processes sharing `data` and the store at `url`; yields their
    (port, pid) once each answers /healthz, and stops them afterwards."""
    procs: list[subprocess.Popen[bytes]] = []
    ports = [free_port() for _ in range(n)]
    try:
        with (data / "serve.log").open("ab") as log:
            for port in ports:
                procs.append(
                    subprocess.Popen(
                        [sys.executable, "-m", "assist.cli", "serve"],
                        cwd=data,  # no .env from the repository
                        env=instance_env(port, data, url),
                        stdout=log,
                        stderr=subprocess.STDOUT,
                    )
                )
        deadline = time.monotonic() + 60
        await asyncio.gather(*(wait_ready(f"http://127.0.0.1:{p}", deadline) for p in ports))
        yield [(port, proc.pid) for port, proc in zip(ports, procs, strict=True)]
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                proc.kill()


async def saturate(ports: list[int], clients: int, seconds: float, result: Result) -> None:
    """Closed loop: `clients` chat sockets, round robin over the instances."""
    lat: list[float] = []
    stop_at = time.monotonic() + seconds
    t0 = time.monotonic()
    bases = [f"http://127.0.0.1:{p}" for p in ports]
    await asyncio.gather(
        *(
            chat_client(
                bases[i % len(bases)].replace("http://", "ws://") + "/chat/ws",
                bases[i % len(bases)],
                stop_at,
                lat,
                [],
                result.errors,
            )
            for i in range(clients)
        )
    )
    result.turns_per_s = len(lat) / (time.monotonic() - t0)
    result.sat_p99_ms = percentiles(lat)["p99"]


async def busy_hour(
    ports: list[int], data: Path, chats: int, callers: int, seconds: float, result: Result
) -> None:
    """Open loop: busy_hour's chat users and phone callers, round robin over the instances."""
    chat_lat: list[float] = []
    phone_lat: list[float] = []
    rng = random.Random(18)
    stop_at = time.monotonic() + seconds
    bases = [f"http://127.0.0.1:{p}" for p in ports]
    settings = [settings_for(p, str(data), False) for p in ports]  # to sign the webhooks
    await asyncio.gather(
        *(
            chat_user(
                bases[i % len(bases)].replace("http://", "ws://") + "/chat/ws",
                bases[i % len(bases)],
                stop_at,
                random.Random(rng.random()),
                chat_lat,
                result.errors,
            )
            for i in range(chats)
        ),
        *(
            phone_caller(
                bases[n % len(bases)],
                settings[n % len(bases)],
                n,
                stop_at,
                random.Random(rng.random()),
                phone_lat,
                result.errors,
                {},
            )
            for n in range(callers)
        ),
    )
    result.chat_p99_ms = percentiles(chat_lat)["p99"]
    result.phone_p99_ms = percentiles(phone_lat)["p99"]


async def measure(
    label: str,
    n: int,
    data: Path,
    url: str | None,
    args: argparse.Namespace,
    pg_cpu: Callable[[], float],
) -> Result:
    """Start `n` instances, saturate them (measuring CPU per part), then the busy hour."""
    result = Result(label)
    async with instances(n, data, url) as running:
        ports = [port for port, _ in running]
        pids = [pid for _, pid in running]
        before = ([cpu_seconds(p) for p in pids], pg_cpu(), time.process_time(), time.monotonic())
        await saturate(ports, args.clients, args.sat_seconds, result)
        wall = time.monotonic() - before[3]
        result.cpu = {
            "instances": sum(cpu_seconds(p) - c for p, c in zip(pids, before[0], strict=True))
            / wall,
            "postgres": (pg_cpu() - before[1]) / wall,
            "load gen": (time.process_time() - before[2]) / wall,
        }
        await busy_hour(ports, data, args.chats, args.callers, args.seconds, result)
    print(f"   {label}: done ({load()})", flush=True)
    return result


async def migrated_template(cluster: pg.Cluster) -> str:
    """A database migrated once by `assist db migrate`; each set-up copies it."""
    url = await pg.create_database(cluster)
    env = {k: v for k, v in os.environ.items() if not k.startswith("ASSIST_")}
    env.update(ASSIST_DATABASE_URL=url, PYTHONPATH=str(REPO))
    with tempfile.TemporaryDirectory(prefix="assist-scale-") as tmp:
        subprocess.run(
            [sys.executable, "-m", "assist.cli", "db", "migrate"],
            cwd=tmp,
            env=env,
            check=True,
            capture_output=True,
        )
    return url.rsplit("/", 1)[-1]


def ratio(x: float, base: float) -> str:
    return f"{x / base:5.2f}x" if base > 0 else "   - "


def report(results: list[Result], loads: list[str]) -> None:
    """The table, the machine and the caveat."""
    cores = os.cpu_count() or 1
    sqlite, pg1 = results[0], (results[1] if len(results) > 1 else None)
    print()
    print("== scaling: instances, chat turns/s at saturation and busy-hour p99 (one run)")
    print("   " + "; ".join(loads))
    print(
        f"   {'set-up':<22}{'turns/s':>8}{'sat p99':>10}{'vs 1 PG':>9}{'vs SQLite':>10}"
        f"{'busy chat p99':>15}{'phone p99':>11}{'errors':>8}   cores used (assist/pg/load gen)"
        "   CPU ms per turn (assist+pg)"
    )
    for r in results:
        cpu = " / ".join(f"{r.cpu.get(k, 0):.2f}" for k in ("instances", "postgres", "load gen"))
        per_turn = [
            1000 * r.cpu.get(k, 0) / (r.turns_per_s or 1) for k in ("instances", "postgres")
        ]
        print(
            f"   {r.label:<22}{r.turns_per_s:8.0f}{r.sat_p99_ms:8.0f}ms"
            f"{ratio(r.turns_per_s, pg1.turns_per_s if pg1 else 0):>9}"
            f"{ratio(r.turns_per_s, sqlite.turns_per_s):>10}"
            f"{r.chat_p99_ms:13.0f}ms{r.phone_p99_ms:9.0f}ms{len(r.errors):>8}   {cpu}"
            f"{'':>17}{per_turn[0]:.1f}+{per_turn[1]:.1f}"
        )
        if r.errors:
            print(f"      first errors: {r.errors[:2]}")
    print(
        f"   This machine has {cores} cores. Every instance, PostgreSQL and this load generator "
        f"share them, so the scaling ratio cannot exceed what {cores} cores allow"
        + (
            ": on a 2-core machine more instances mostly share the same two cores, and the "
            "ratio says how much one process left idle, not how far the service scales."
            if cores <= 2
            else "."
        )
    )
    print(
        "   'cores used' is CPU seconds per second while saturated: a part near a whole core "
        "is the bottleneck (an instance is one Python process, one core at most); the sum "
        f"near {cores} means the machine itself is."
    )


async def run(args: argparse.Namespace) -> int:
    loads = [f"before: {load()}"]
    print(
        f"scale benchmark: {args.clients} saturating sockets for {args.sat_seconds:g} s, then the "
        f"busy hour ({args.chats} chats, {args.callers} callers) for {args.seconds:g} s, per "
        "set-up; in-process classifier",
        flush=True,
    )
    results: list[Result] = []
    with tempfile.TemporaryDirectory(prefix="assist-scale-") as tmp:
        data = Path(tmp) / "sqlite"
        data.mkdir()
        results.append(await measure("SQLite, 1 instance", 1, data, None, args, lambda: 0.0))
        try:
            cluster = pg.start_cluster()
        except RuntimeError as exc:  # no PostgreSQL here: say so, and keep `make bench` going
            print(f"   PostgreSQL set-ups skipped: {exc}")
            report(results, [*loads, f"after: {load()}"])
            return 0
        try:
            template = await migrated_template(cluster)
            for n in range(1, args.instances + 1):
                data = Path(tmp) / f"pg{n}"
                data.mkdir()
                url = await pg.create_database(cluster, template)
                label = f"PostgreSQL, {n} instance{'s' if n > 1 else ''}"
                results.append(
                    await measure(label, n, data, url, args, lambda: postgres_cpu(cluster))
                )
                await pg.drop_database(cluster, url)
        finally:
            cluster.stop()
    loads.append(f"after: {load()}")
    report(results, loads)
    return 0 if all(r.turns_per_s > 0 and not r.errors for r in results) else 1


def main(argv: list[str] | None = None) -> int:
    """Parse the flags, run every set-up, print the table; 1 when any set-up failed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--instances", type=int, default=3, help="PostgreSQL instances, up to")
    parser.add_argument("--clients", type=int, default=100, help="saturating chat sockets")
    parser.add_argument("--sat-seconds", type=float, default=10.0)
    parser.add_argument("--seconds", type=float, default=15.0, help="length of the busy hour")
    parser.add_argument("--chats", type=int, default=150)
    parser.add_argument("--callers", type=int, default=50)
    args = parser.parse_args(argv)
    return asyncio.run(run(args))


if __name__ == "__main__":
    raise SystemExit(main())
