"""A throwaway PostgreSQL for the tests: Debian's initdb into a temporary directory, a free port.

Started once per test session (only when a test asks for PostgreSQL), stopped at its end.
`initdb` refuses to run as root, so as root the server runs as the unprivileged `postgres`
user the Debian package creates (through `runuser`). Each test gets its own database, copied
from a migrated template (`CREATE DATABASE ... TEMPLATE`), and dropped afterwards.
"""

from __future__ import annotations

import glob
import itertools
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import asyncpg

INSTALL_HINT = (
    "PostgreSQL's server binaries (initdb, pg_ctl) were not found in /usr/lib/postgresql/*/bin"
    " or on PATH. Install them: `sudo apt-get install postgresql` (Debian/Ubuntu; "
    "`scripts/setup.sh --test` does this when run as root), or set ASSIST_TEST_PG_BIN to the"
    " directory holding initdb."
)
RUN_AS = "postgres"


def find_bin_dir() -> Path | None:
    """The directory holding initdb and pg_ctl (newest Debian version first), or None."""
    given = os.environ.get("ASSIST_TEST_PG_BIN")
    candidates = [given] if given else []
    candidates += sorted(
        glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(p.split("/")[-2]), reverse=True
    )
    on_path = shutil.which("initdb")
    if on_path:
        candidates.append(str(Path(on_path).parent))
    for c in candidates:
        if (Path(c) / "initdb").exists() and (Path(c) / "pg_ctl").exists():
            return Path(c)
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Cluster:
    """A running throwaway cluster; `url(name)` addresses one of its databases."""

    bin_dir: Path
    root: Path
    port: int
    as_user: str | None
    _names: Iterator[int] = field(default_factory=lambda: itertools.count(1))

    @property
    def data(self) -> Path:
        return self.root / "data"

    def url(self, database: str = "postgres") -> str:
        """A `postgresql://` URL for a database of this cluster (trust auth, user postgres)."""
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def new_name(self) -> str:
        """A database name not used before in this session."""
        return f"t{next(self._names)}_{os.getpid()}"

    def _run(self, *args: str) -> None:
        cmd = list(args)
        if self.as_user:
            cmd = ["runuser", "-u", self.as_user, "--", *cmd]
        done = subprocess.run(cmd, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            server_log = self.root / "server.log"
            log = server_log.read_text() if server_log.exists() else ""
            raise RuntimeError(f"{' '.join(args[:2])} failed: {done.stderr}{done.stdout}\n{log}")

    def start(self) -> None:
        """initdb and start the server; raises RuntimeError with its output on failure."""
        self._run(
            str(self.bin_dir / "initdb"), "-D", str(self.data), "-U", "postgres",
            "--auth=trust", "-E", "UTF8", "--no-sync", "--locale=C",
        )  # fmt: skip
        options = (
            f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off"
            " -c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
        )
        self._run(
            str(self.bin_dir / "pg_ctl"), "-D", str(self.data), "-l", str(self.root / "server.log"),
            "-w", "start", "-o", options,
        )  # fmt: skip

    def stop(self) -> None:
        """Stop the server at once and remove its directory."""
        try:
            self._run(str(self.bin_dir / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)


def start_cluster() -> Cluster:
    """Start a throwaway cluster; raises RuntimeError (with `INSTALL_HINT`) without binaries."""
    bin_dir = find_bin_dir()
    if bin_dir is None:
        raise RuntimeError(INSTALL_HINT)
    as_user = None
    root = Path(tempfile.mkdtemp(prefix="assist-pg-"))
    if os.geteuid() == 0:
        try:
            entry = pwd.getpwnam(RUN_AS)
        except KeyError:
            raise RuntimeError(
                f"running as root, initdb needs an unprivileged `{RUN_AS}` user: "
                f"`useradd --system {RUN_AS}` (the Debian package creates it)"
            ) from None
        os.chown(root, entry.pw_uid, entry.pw_gid)
        os.chmod(root, 0o700)
        as_user = RUN_AS
    cluster = Cluster(bin_dir, root, _free_port(), as_user)
    cluster.start()
    return cluster


async def create_database(cluster: Cluster, template: str = "template0") -> str:
    """A new empty (or copied from `template`) database; returns its URL."""
    name = cluster.new_name()
    conn = await asyncpg.connect(cluster.url())
    try:
        await conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    finally:
        await conn.close()
    return cluster.url(name)


async def drop_database(cluster: Cluster, url: str) -> None:
    """Drop a test's database, closing any connection a test left open."""
    name = url.rsplit("/", 1)[-1]
    conn = await asyncpg.connect(cluster.url())
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()
