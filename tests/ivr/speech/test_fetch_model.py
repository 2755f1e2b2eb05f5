"""`assist voice fetch-model`: download from a local server, verify, unpack, report."""

from __future__ import annotations

import hashlib
import http.server
import threading
import zipfile
from collections.abc import Iterator
from functools import partial
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assist.ivr.speech.cli import voice_app
from assist.ivr.speech.model_fetch import KNOWN_MODELS


def make_model_zip(path: Path, name: str = "vosk-model-test-0.1", *, evil: bool = False) -> str:
    """A zip shaped like a small Vosk model; returns its SHA-256."""
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr(f"{name}/am/final.mdl", b"acoustic model")
        zf.writestr(f"{name}/graph/Gr.fst", b"grammar")
        zf.writestr(f"{name}/graph/HCLr.fst", b"lexicon")
        zf.writestr(f"{name}/conf/mfcc.conf", b"--use-energy=false\n")
        if evil:
            zf.writestr("../escaped.txt", b"outside")
    return hashlib.sha256(path.read_bytes()).hexdigest()


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Serves files without logging to stderr."""

    def log_message(self, format: str, *args: object) -> None:
        """Say nothing."""


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """A real HTTP server on 127.0.0.1 serving a directory; yields (base URL, directory)."""
    root = tmp_path / "site"
    root.mkdir()
    httpd = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), partial(QuietHandler, directory=str(root))
    )
    thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", root
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join()


def run(*args: str) -> tuple[int, str, str]:
    """Invoke the voice CLI; returns (exit code, stdout, stderr)."""
    result = CliRunner().invoke(voice_app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_verified_download_unpacks_and_prints_the_setting(
    server: tuple[str, Path], tmp_path: Path
) -> None:
    """With the right --sha256 the model is unpacked and ASSIST_VOSK_MODEL_PATH printed."""
    base, root = server
    digest = make_model_zip(root / "vosk-model-test-0.1.zip")
    dest = tmp_path / "models"
    code, out, err = run(
        "fetch-model", "en", "--url", f"{base}/vosk-model-test-0.1.zip",
        "--sha256", digest.upper(), "--dest", str(dest),
    )  # fmt: skip
    assert code == 0, err
    model = (dest / "vosk-model-test-0.1").resolve()
    assert f"ASSIST_VOSK_MODEL_PATH={model}" in out
    assert "ASSIST_VOICE_SPEECH=vosk" in out
    assert "SHA-256 verified" in err
    assert (model / "am" / "final.mdl").read_bytes() == b"acoustic model"
    assert not list(dest.glob("*.zip*"))  # archive removed after unpacking


def test_a_wrong_checksum_is_refused_and_nothing_is_kept(
    server: tuple[str, Path], tmp_path: Path
) -> None:
    """A checksum mismatch exits 1, says so, and leaves neither archive nor model."""
    base, root = server
    make_model_zip(root / "m.zip")
    dest = tmp_path / "models"
    code, out, err = run(
        "fetch-model", "en", "--url", f"{base}/m.zip", "--sha256", "0" * 64, "--dest", str(dest)
    )
    assert code == 1
    assert "checksum mismatch" in err
    assert "ASSIST_VOSK_MODEL_PATH" not in out
    assert list(dest.iterdir()) == []


def test_without_a_checksum_the_computed_one_is_printed_as_unverified(
    server: tuple[str, Path], tmp_path: Path
) -> None:
    """No --sha256 (and none known): the model is unpacked and its SHA-256 printed, marked
    NOT verified."""
    base, root = server
    digest = make_model_zip(root / "m.zip")
    code, out, err = run("fetch-model", "pl", "--url", f"{base}/m.zip", "--dest", str(tmp_path))
    assert code == 0, err
    assert digest in err and "NOT verified" in " ".join(err.split())
    assert "ASSIST_VOSK_MODEL_PATH=" in out


def test_an_archive_escaping_the_destination_is_refused(
    server: tuple[str, Path], tmp_path: Path
) -> None:
    """A zip with a `../` entry is not unpacked."""
    base, root = server
    digest = make_model_zip(root / "evil.zip", evil=True)
    dest = tmp_path / "models"
    code, _, err = run(
        "fetch-model", "en", "--url", f"{base}/evil.zip", "--sha256", digest, "--dest", str(dest)
    )
    assert code == 1 and "unsafe path" in err
    assert not (tmp_path / "escaped.txt").exists()


def test_a_missing_file_is_a_clear_error(server: tuple[str, Path], tmp_path: Path) -> None:
    """An HTTP 404 exits 1 naming the status; no partial file is left."""
    base, _ = server
    code, _, err = run("fetch-model", "en", "--url", f"{base}/nope.zip", "--dest", str(tmp_path))
    assert code == 1 and "404" in err
    assert list(tmp_path.glob("*.part")) == []


def test_a_language_without_a_known_model_needs_a_url(tmp_path: Path) -> None:
    """Lithuanian has no known Vosk model: the command says so and exits 2."""
    code, _, err = run("fetch-model", "lt", "--dest", str(tmp_path))
    assert code == 2 and "No known Vosk model" in err


def test_known_models_point_at_the_vosk_site() -> None:
    """The table's URLs are alphacephei.com/vosk/models/<name>.zip, with English present."""
    assert KNOWN_MODELS["en"].url == (
        "https://alphacephei.com/vosk/models/vosk-model-small-en-us-0.15.zip"
    )
    assert all(m.url.endswith(f"/{m.name}.zip") for m in KNOWN_MODELS.values())
