"""Rasa as a managed sidecar: its own Python 3.10 venv, a cached NLU model, a background server.

    python -m assist.nlu.sidecar setup    # .venv-rasa with rasa==3.6.21 (once, ~2 min)
    python -m assist.nlu.sidecar train    # only when dialogues/rasa changed (~35 s)
    python -m assist.nlu.sidecar start    # rasa run --enable-api, waits for /status
    python -m assist.nlu.sidecar ensure   # all three; the usual command
    python -m assist.nlu.sidecar stop | status

Rasa 3.6 runs on Python 3.8-3.10 only, so it never shares Assist's venv. Without a local
Python 3.10, run the official image instead and point ASSIST_RASA_URL at it:
`docker run -p 5005:5005 -v $PWD/dialogues/rasa:/app rasa/rasa:3.6.21-full train nlu` then
`... rasa/rasa:3.6.21-full run --enable-api`.
"""

from __future__ import annotations

import glob
import hashlib
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import typer

from assist.nlu.augment import (
    AUGMENT_VERSION,
    AUGMENTED_FILE,
    augment,
    heldout_lines,
    write_rasa_nlu,
)
from assist.nlu.heldout import all_heldout_files

RASA_VERSION = "3.6.21"
RASA_IMAGE = f"rasa/rasa:{RASA_VERSION}-full"
DEFAULT_URL = "http://127.0.0.1:5005"
_SUPPORTED_PYTHONS = ((3, 10), (3, 9), (3, 8))


class SidecarError(RuntimeError):
    """The sidecar could not be set up, trained or started; the message says what to do."""


@dataclass(frozen=True)
class SidecarPaths:
    """Where the sidecar keeps its things, all under the repository root (git-ignored)."""

    root: Path

    @property
    def project(self) -> Path:
        """The Rasa project: config.yml, domain.yml, data/."""
        return self.root / "dialogues" / "rasa"

    @property
    def venv(self) -> Path:
        """Rasa's own virtual environment."""
        return self.root / ".venv-rasa"

    @property
    def models(self) -> Path:
        """Trained models, one per training-data hash."""
        return self.root / ".cache" / "rasa-models"

    @property
    def logs(self) -> Path:
        """install.log, train.log, server.log and server.pid."""
        return self.root / ".cache" / "rasa"

    @property
    def rasa(self) -> Path:
        """The `rasa` executable inside the venv."""
        return self.venv / "bin" / "rasa"

    @property
    def marker(self) -> Path:
        """Written after a complete install, so a half-finished one is redone."""
        return self.venv / f".assist-rasa-{RASA_VERSION}"

    @property
    def pid_file(self) -> Path:
        """The pid of the server this sidecar started."""
        return self.logs / "server.pid"


def _default_root() -> Path:
    cwd = Path.cwd()
    if (cwd / "dialogues" / "rasa").is_dir():
        return cwd
    return Path(__file__).resolve().parents[2]


def rasa_env(cache: Path | None = None) -> dict[str, str]:
    """Return the environment Rasa runs in: no telemetry, quiet TensorFlow, its cache here."""
    env = dict(os.environ)
    if cache is not None:
        env["RASA_CACHE_DIRECTORY"] = str(cache)  # else Rasa writes .rasa/ into the cwd
    env.update(
        RASA_TELEMETRY_ENABLED="false",
        TF_CPP_MIN_LOG_LEVEL="2",
        PYTHONWARNINGS="ignore",
        SQLALCHEMY_SILENCE_UBER_WARNING="1",
    )
    return env


def _python_version(python: str) -> tuple[int, int] | None:
    try:
        out = subprocess.run(  # noqa: S603 - probing a candidate interpreter
            [python, "-c", "import sys; print(sys.version_info[0], sys.version_info[1])"],
            capture_output=True,
            text=True,
            timeout=20,
            check=True,
        ).stdout.split()
        return int(out[0]), int(out[1])
    except (OSError, subprocess.SubprocessError, ValueError, IndexError):
        return None


def find_python() -> str:
    """Return a Python 3.10 (or 3.9/3.8) interpreter for Rasa.

    Looks at ASSIST_RASA_PYTHON, then pyenv's versions, then python3.10/3.9/3.8 on PATH.
    Raises SidecarError with the container alternative when there is none.
    """
    candidates: list[str] = []
    if os.environ.get("ASSIST_RASA_PYTHON"):
        candidates.append(os.environ["ASSIST_RASA_PYTHON"])
    pyenv_root = os.environ.get("PYENV_ROOT") or str(Path.home() / ".pyenv")
    for major, minor in _SUPPORTED_PYTHONS:
        candidates += sorted(
            glob.glob(f"{pyenv_root}/versions/{major}.{minor}.*/bin/python"), reverse=True
        )
        found = shutil.which(f"python{major}.{minor}")
        if found:
            candidates.append(found)
    for candidate in candidates:
        if _python_version(candidate) in _SUPPORTED_PYTHONS:
            return candidate
    raise SidecarError(
        "Rasa 3.6 needs Python 3.8-3.10 and none was found (set ASSIST_RASA_PYTHON, or "
        "`pyenv install 3.10`). Alternatively run the official container "
        f"`{RASA_IMAGE}` and set ASSIST_RASA_URL to it; Assist keeps answering with its "
        "in-process classifier meanwhile."
    )


def setup(paths: SidecarPaths, echo: Callable[[str], None] = print) -> None:
    """Create `.venv-rasa` and install rasa==3.6.21 into it, unless already done.

    Raises SidecarError (with the log's path) when the install fails.
    """
    if paths.marker.exists() and paths.rasa.exists():
        echo(f"Rasa {RASA_VERSION} already installed in {paths.venv}")
        return
    python = find_python()
    paths.logs.mkdir(parents=True, exist_ok=True)
    log_path = paths.logs / "install.log"
    echo(f"Installing Rasa {RASA_VERSION} into {paths.venv} with {python} (about 2 minutes; "
         f"log: {log_path})")  # fmt: skip
    started = time.monotonic()
    with log_path.open("w") as log:
        steps = [
            [python, "-m", "venv", str(paths.venv)],
            [str(paths.venv / "bin" / "python"), "-m", "pip", "install", "-q", "--upgrade",
             "pip"],
            [str(paths.venv / "bin" / "python"), "-m", "pip", "install", "-q",
             f"rasa=={RASA_VERSION}"],
        ]  # fmt: skip
        for step in steps:
            with subprocess.Popen(  # noqa: S603 - our own venv and pip
                step, stdout=log, stderr=subprocess.STDOUT
            ) as process:
                returncode = _wait_showing_progress(process, "installing Rasa", started, echo)
            if returncode != 0:
                raise SidecarError(f"`{' '.join(step)}` failed; see {log_path}")
    paths.marker.write_text(f"rasa=={RASA_VERSION}\n")
    echo(f"Rasa installed in {time.monotonic() - started:.0f} s")


def data_hash(project: Path) -> str:
    """Return a hash of everything training reads: config, domain, the NLU data files and the
    version of the generator of their noisy variants (`assist.nlu.augment`) and the held-out
    sets those variants are kept unlike."""
    digest = hashlib.sha256(f"rasa=={RASA_VERSION}\naugment=={AUGMENT_VERSION}\n".encode())
    files = [project / "config.yml", project / "domain.yml"]
    files += sorted(p for p in (project / "data").rglob("*") if p.suffix in (".yml", ".yaml"))
    files += all_heldout_files()
    for file in files:
        if file.is_file():
            inside = file.is_relative_to(project)
            name = file.relative_to(project) if inside else Path(file.parent.name, file.name)
            digest.update(str(name).encode() + b"\0")
            digest.update(file.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def build_training_project(project: Path, dest: Path) -> Path:
    """Copy the Rasa `project` (config, domain, data files) to `dest` and add the noisy
    variants of its NLU examples (`assist.nlu.augment`) as `data/nlu_augmented.yml`; return
    `dest`. Rasa trains on this copy, so the variants are never committed; none is a near
    copy of a held-out line."""
    from assist.nlu.fallback import load_rasa_examples

    (dest / "data").mkdir(parents=True, exist_ok=True)
    for name in ("config.yml", "domain.yml"):
        shutil.copyfile(project / name, dest / name)
    data = project / "data"
    for file in sorted(p for p in data.rglob("*") if p.suffix in (".yml", ".yaml")):
        target = dest / "data" / file.relative_to(data)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(file, target)
    noisy = augment(load_rasa_examples(data), avoid=heldout_lines())
    write_rasa_nlu(noisy, dest / "data" / AUGMENTED_FILE)
    return dest


def model_path(paths: SidecarPaths) -> Path:
    """Return where the model for the current training data lives (trained or not)."""
    return paths.models / f"nlu-{data_hash(paths.project)}.tar.gz"


def _launch_rasa(
    paths: SidecarPaths, args: list[str], log_path: Path, *, detach: bool = False
) -> subprocess.Popen[bytes]:
    """Start our own venv's `rasa` with `args` in the logs folder, its output to `log_path`;
    `detach` gives it its own session (a server that outlives this command)."""
    with log_path.open("w") as log:
        return subprocess.Popen(  # noqa: S603 - our own venv's rasa
            [str(paths.rasa), *args],
            stdout=log,
            stderr=subprocess.STDOUT,
            env=rasa_env(paths.logs / "train-cache"),
            cwd=paths.logs,
            start_new_session=detach,
        )


def train(paths: SidecarPaths, force: bool = False, echo: Callable[[str], None] = print) -> Path:
    """Train the NLU model unless one for this training data exists; return its path.

    Raises SidecarError when Rasa is not installed or training fails.
    """
    target = model_path(paths)
    if target.exists() and not force:
        echo(f"Model up to date: {target.name} (training data unchanged)")
        return target
    if not paths.rasa.exists():
        raise SidecarError("Rasa is not installed: run `python -m assist.nlu.sidecar setup`")
    paths.models.mkdir(parents=True, exist_ok=True)
    paths.logs.mkdir(parents=True, exist_ok=True)
    log_path = paths.logs / "train.log"
    echo(f"Training Rasa NLU model {target.name} (about 4 minutes on 2 cores; log: {log_path})")
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="assist-rasa-train-") as tmp:
        project = build_training_project(paths.project, Path(tmp) / "project")
        args = [
            "train", "nlu",
            "--config", str(project / "config.yml"),
            "--domain", str(project / "domain.yml"),
            "--nlu", str(project / "data"),
            "--out", str(paths.models),
            "--fixed-model-name", target.name.removesuffix(".tar.gz"),
        ]  # fmt: skip
        with _launch_rasa(paths, args, log_path) as training:
            returncode = _wait_showing_progress(
                training, "training", started, echo, lambda: _epochs(log_path)
            )
    if returncode != 0 or not target.exists():
        raise SidecarError(f"Rasa training failed; see {log_path}")
    for old in sorted(paths.models.glob("nlu-*.tar.gz"), key=lambda p: p.stat().st_mtime)[:-3]:
        old.unlink()
    echo(f"Trained in {time.monotonic() - started:.0f} s")
    return target


PROGRESS_EVERY_S = 15.0
"""How often a long step (install, training) says it is still going."""
_EPOCHS = re.compile(rb"Epochs:\s+(\d+)%")


def _wait_showing_progress(
    process: subprocess.Popen[bytes],
    what: str,
    started: float,
    echo: Callable[[str], None],
    detail: Callable[[], str] = lambda: "",
) -> int:
    """Wait for `process`, saying every `PROGRESS_EVERY_S` that `what` is still going (with
    `detail()`); return its exit code."""
    last = time.monotonic()
    while True:
        try:
            return process.wait(timeout=1.0)
        except subprocess.TimeoutExpired:
            pass
        if time.monotonic() - last >= PROGRESS_EVERY_S:
            last = time.monotonic()
            extra = detail()
            echo(f"... still {what}, {last - started:.0f} s{f' ({extra})' if extra else ''}")


def _epochs(log_path: Path) -> str:
    """How far Rasa's classifier training has got, from the end of its log ("epochs 40%")."""
    try:
        with log_path.open("rb") as log:
            log.seek(max(0, log_path.stat().st_size - 4096))
            found = _EPOCHS.findall(log.read())
    except OSError:
        return ""
    return f"epochs {int(found[-1])}%" if found else ""


def rasa_status(url: str, timeout_s: float = 2.0) -> dict[str, object] | None:
    """Return Rasa's GET /status answer, or None when nothing answers at `url`."""
    try:
        response = httpx.get(f"{url.rstrip('/')}/status", timeout=timeout_s)
        response.raise_for_status()
        body = response.json()
    except (httpx.HTTPError, ValueError):
        return None
    return body if isinstance(body, dict) else None


def wait_until_ready(
    url: str, timeout_s: float = 180.0, echo: Callable[[str], None] = print
) -> dict[str, object]:
    """Poll GET /status until Rasa answers with a model loaded; print progress every 5 s.

    Raises SidecarError after `timeout_s`.
    """
    started = time.monotonic()
    last_said = 0.0
    while True:
        status = rasa_status(url)
        if status and status.get("model_file"):
            echo(f"Rasa ready at {url} after {time.monotonic() - started:.0f} s")
            return status
        elapsed = time.monotonic() - started
        if elapsed > timeout_s:
            raise SidecarError(f"Rasa did not answer at {url} within {timeout_s:.0f} s")
        if elapsed - last_said >= 5:
            echo(f"Waiting for Rasa at {url} ... {elapsed:.0f} s (usually ready in ~20 s)")
            last_said = elapsed
        time.sleep(0.5)


def _running_pid(paths: SidecarPaths) -> int | None:
    try:
        pid = int(paths.pid_file.read_text().strip())
        os.kill(pid, 0)
    except (OSError, ValueError):
        return None
    return pid


def start(
    paths: SidecarPaths,
    url: str = DEFAULT_URL,
    timeout_s: float = 180.0,
    echo: Callable[[str], None] = print,
) -> dict[str, object]:
    """Start `rasa run --enable-api` on `url`'s host and port with the current model, in the
    background (log: .cache/rasa/server.log), and wait until it answers.

    A server already answering there with the current model is reused; one with an older
    model that this sidecar started is restarted. Raises SidecarError on failure.
    """
    model = model_path(paths)
    if not model.exists():
        raise SidecarError("No model for the current training data: run `... train` first")
    status = rasa_status(url)
    if status is not None:
        if Path(str(status.get("model_file") or "")).name == model.name:
            echo(f"Rasa already running at {url} with {model.name}")
            return status
        if _running_pid(paths) is None:
            raise SidecarError(f"Something else answers at {url} with another model; stop it")
        echo("Rasa is running an older model: restarting it")
        stop(paths, echo)
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 5005
    paths.logs.mkdir(parents=True, exist_ok=True)
    log_path = paths.logs / "server.log"
    args = ["run", "--enable-api", "-i", host, "-p", str(port), "-m", str(model)]
    process = _launch_rasa(paths, args, log_path, detach=True)
    paths.pid_file.write_text(str(process.pid))
    echo(f"Started Rasa (pid {process.pid}) on {url}; log: {log_path}")
    try:
        return wait_until_ready(url, timeout_s, echo)
    except SidecarError:
        if process.poll() is not None:
            raise SidecarError(f"Rasa exited with {process.returncode}; see {log_path}") from None
        raise


def stop(paths: SidecarPaths, echo: Callable[[str], None] = print) -> bool:
    """Stop the server this sidecar started (by its recorded pid); return True if one ran."""
    pid = _running_pid(paths)
    if pid is None:
        echo("No Rasa server started by Assist is running")
        paths.pid_file.unlink(missing_ok=True)
        return False
    os.killpg(pid, signal.SIGTERM)
    for _ in range(100):
        try:
            os.kill(pid, 0)
        except OSError:
            break
        time.sleep(0.1)
    else:
        os.killpg(pid, signal.SIGKILL)
    paths.pid_file.unlink(missing_ok=True)
    echo(f"Stopped Rasa (pid {pid})")
    return True


def ensure(
    paths: SidecarPaths, url: str = DEFAULT_URL, echo: Callable[[str], None] = print
) -> dict[str, object]:
    """Set up, train if the data changed, and start Rasa; return its /status answer."""
    setup(paths, echo)
    train(paths, echo=echo)
    return start(paths, url, echo=echo)


app = typer.Typer(help="Rasa as Assist's sidecar: install, train (cached), start, stop.")

_ROOT = typer.Option(None, help="Repository root (default: the current directory).")
_URL = typer.Option(None, help="Where Rasa listens (default: ASSIST_RASA_URL or :5005).")


def _paths(root: Path | None) -> SidecarPaths:
    return SidecarPaths((root or _default_root()).resolve())


def _url(url: str | None) -> str:
    return url or os.environ.get("ASSIST_RASA_URL") or DEFAULT_URL


def _echo(message: str) -> None:
    typer.echo(message, err=True)


def _run(action: Callable[[], object]) -> None:
    try:
        action()
    except SidecarError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from exc


@app.command("setup")
def setup_command(root: Path | None = _ROOT) -> None:
    """Create .venv-rasa (Python 3.10) and install rasa==3.6.21 into it."""
    _run(lambda: setup(_paths(root), _echo))


@app.command("train")
def train_command(
    root: Path | None = _ROOT, force: bool = typer.Option(False, help="Retrain anyway.")
) -> None:
    """Train the NLU model if dialogues/rasa changed since the cached one."""
    _run(lambda: train(_paths(root), force, _echo))


@app.command("start")
def start_command(root: Path | None = _ROOT, url: str | None = _URL) -> None:
    """Start the Rasa server in the background and wait for it."""
    _run(lambda: start(_paths(root), _url(url), echo=_echo))


@app.command("ensure")
def ensure_command(root: Path | None = _ROOT, url: str | None = _URL) -> None:
    """Set up, train when needed, and start: Rasa is answering when this returns."""
    _run(lambda: ensure(_paths(root), _url(url), _echo))


@app.command("stop")
def stop_command(root: Path | None = _ROOT) -> None:
    """Stop the Rasa server this sidecar started."""
    _run(lambda: stop(_paths(root), _echo))


@app.command("status")
def status_command(root: Path | None = _ROOT, url: str | None = _URL) -> None:
    """Say whether Rasa is installed, trained for the current data, and answering."""
    paths = _paths(root)
    model = model_path(paths)
    status = rasa_status(_url(url))
    typer.echo(f"installed: {paths.marker.exists()} ({paths.venv})")
    typer.echo(f"model:     {model.name} {'trained' if model.exists() else 'NOT trained'}")
    loaded = Path(str(status.get("model_file") or "")).name if status else None
    typer.echo(f"server:    {'answering with ' + str(loaded) if status else 'not answering'}")
    if not status:
        raise typer.Exit(1)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(app())
