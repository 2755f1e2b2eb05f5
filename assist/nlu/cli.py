"""`assist nlu parse` and `assist nlu evaluate`: the understanding layer from the command line."""

from __future__ import annotations

import asyncio
import json
import random
import socket
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path

import typer

from assist.dialogue.nlu import Classification
from assist.nlu.augment import AUGMENTED_FILE, augment, heldout_lines, write_rasa_nlu
from assist.nlu.fallback import TfidfClassifier, load_rasa_examples
from assist.nlu.heldout import HELDOUT_SETS, HeldOut, load_heldout
from assist.nlu.heldout_report import render_heldout
from assist.nlu.rasa import DEFAULT_RASA_DIR, RasaClassifier
from assist.nlu.replicas import classifier_from_settings
from assist.nlu.report import Prediction, Report
from assist.settings import get_settings

app = typer.Typer(help="Understanding free text: parse sentences, evaluate the classifiers.")

Example = tuple[str, str]


def stratified_folds(examples: Sequence[Example], k: int, seed: int) -> list[list[Example]]:
    """Split `examples` into `k` folds, each intent spread evenly across them."""
    by_intent: defaultdict[str, list[Example]] = defaultdict(list)
    for example in examples:
        by_intent[example[1]].append(example)
    rng = random.Random(seed)
    folds: list[list[Example]] = [[] for _ in range(k)]
    offset = 0
    for intent in sorted(by_intent):
        items = sorted(by_intent[intent])
        rng.shuffle(items)
        for i, item in enumerate(items):
            folds[(i + offset) % k].append(item)
        offset += len(items)
    return folds


async def _predict_all(
    classify: Callable[[str], Awaitable[Classification]], test: Sequence[Example]
) -> list[Prediction]:
    out = []
    for text, gold in test:
        started = time.perf_counter()
        result = await classify(text)
        out.append(Prediction(text, gold, result, (time.perf_counter() - started) * 1000))
    return out


def evaluate_fallback(
    examples: Sequence[Example], k: int, seed: int, threshold: float, languages: Sequence[str]
) -> Report:
    """Return the fallback classifier's k-fold cross-validation report."""
    folds = stratified_folds(examples, k, seed)
    report = Report(f"fallback ({k}-fold)", threshold)
    for i, test in enumerate(folds):
        train = [e for j, fold in enumerate(folds) if j != i for e in fold]
        classifier = TfidfClassifier(train, supported_languages=languages)
        report.predictions += asyncio.run(_predict_all(classifier.classify, test))
    return report


def _write_rasa_project(examples: Sequence[Example], project: Path, source: Path) -> None:
    """Write a Rasa project training on `examples` and their noisy variants, as the sidecar
    does (`assist.nlu.sidecar.build_training_project`), with `source`'s config and domain."""
    (project / "data").mkdir(parents=True, exist_ok=True)
    for name in ("config.yml", "domain.yml"):
        (project / name).write_text((source / name).read_text(encoding="utf-8"))
    for extra in (source / "data").glob("*.yml"):
        if not extra.name.startswith("nlu_") or extra.name == "nlu_regex.yml":
            (project / "data" / extra.name).write_text(extra.read_text(encoding="utf-8"))
    write_rasa_nlu(examples, project / "data" / "nlu_train.yml")
    write_rasa_nlu(augment(examples, avoid=heldout_lines()), project / "data" / AUGMENTED_FILE)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def evaluate_rasa(
    train: Sequence[Example],
    test: Sequence[Example],
    threshold: float,
    languages: Sequence[str],
    rasa_dir: Path,
    root: Path,
    echo: Callable[[str], None],
    fallback: TfidfClassifier,
) -> list[Report]:
    """Train Rasa on `train` (cached by content), serve it on a spare port, parse `test`;
    return two reports: Rasa alone, and Rasa cross-checked by `fallback` (trained on the same
    `train`), which is how a conversation turn uses it.

    Raises SidecarError when Rasa is not installed, does not start or fails to answer.
    """
    from assist.nlu import sidecar as sidecar

    paths = sidecar.SidecarPaths(root)
    if not paths.rasa.exists():
        raise sidecar.SidecarError("Rasa is not installed: `python -m assist.nlu.sidecar setup`")
    with tempfile.TemporaryDirectory(prefix="assist-rasa-eval-") as tmp:
        project = Path(tmp) / "project"
        _write_rasa_project(train, project, rasa_dir)
        model = root / ".cache" / "rasa-eval" / f"eval-{sidecar.data_hash(project)}.tar.gz"
        if not model.exists():
            model.parent.mkdir(parents=True, exist_ok=True)
            echo(f"Training an evaluation model on {len(train)} sentences (log in {tmp})")
            log = (Path(tmp) / "train.log").open("w")
            with log:
                subprocess.run(  # noqa: S603 - our own venv's rasa, our own paths
                    [str(paths.rasa), "train", "nlu", "--config", str(project / "config.yml"),
                     "--domain", str(project / "domain.yml"), "--nlu", str(project / "data"),
                     "--out", str(model.parent), "--fixed-model-name",
                     model.name.removesuffix(".tar.gz")],
                    stdout=log, stderr=subprocess.STDOUT, cwd=tmp, check=False,
                    env=sidecar.rasa_env(Path(tmp) / "cache"),
                )  # fmt: skip
            if not model.exists():
                raise sidecar.SidecarError("training the evaluation model failed")
        url = f"http://127.0.0.1:{_free_port()}"
        server_log = (Path(tmp) / "server.log").open("w")
        process = subprocess.Popen(  # noqa: S603 - our own venv's rasa, our own paths
            [str(paths.rasa), "run", "--enable-api", "-i", "127.0.0.1", "-p",
             url.rsplit(":", 1)[1], "-m", str(model)],
            stdout=server_log, stderr=subprocess.STDOUT, cwd=tmp,
            env=sidecar.rasa_env(Path(tmp) / "cache"),
            start_new_session=True,
        )  # fmt: skip
        try:
            sidecar.wait_until_ready(url, 180.0, echo)

            async def run(cross_check: bool) -> list[Prediction]:
                rasa = RasaClassifier(
                    url, 5.0, fallback, supported_languages=languages, cross_check=cross_check
                )
                try:
                    return await _predict_all(rasa.classify, test)
                finally:
                    await rasa.aclose()

            reports = [
                Report("rasa alone (held-out)", threshold, asyncio.run(run(False))),
                Report("rasa + cross-check (held-out)", threshold, asyncio.run(run(True))),
            ]
        finally:
            process.terminate()
            process.wait(30)
            server_log.close()
    # Rasa must answer every sentence itself: a fallback answer is counted as a failure
    degraded = sum(p.result.classifier != "rasa" for r in reports for p in r.predictions)
    if degraded:
        raise sidecar.SidecarError(f"{degraded} evaluation sentences were not answered by Rasa")
    return reports


def render(reports: Sequence[Report], per_intent: bool = True) -> str:
    """Return the reports as Markdown (summary table, then per-intent and confusion tables)."""
    lines = ["| classifier | sentences | accuracy | macro-F1 | macro-F1 at threshold "
             "| out-of-scope handled | wrong service | clarify | safeguarding recall "
             "| p50 ms | p99 ms |",
             "|---|---|---|---|---|---|---|---|---|---|---|"]  # fmt: skip
    for r in reports:
        lines.append(
            f"| {r.name} | {len(r.predictions)} | {r.accuracy():.3f} | {r.macro_f1():.3f} "
            f"| {r.macro_f1(True):.3f} | {r.out_of_scope_handled():.3f} "
            f"| {r.wrong_service_rate():.3f} | {r.clarify_rate():.3f} "
            f"| {r.safeguarding_recall():.3f} | {r.latency(0.5):.1f} | {r.latency(0.99):.1f} |"
        )
    if not per_intent:
        return "\n".join(lines)
    names = " | ".join(f"{r.name} P / R / F1" for r in reports)
    lines += ["", f"| intent | n | {names} |", "|---|---|" + "---|" * len(reports)]
    tables = [r.per_intent() for r in reports]
    for intent in sorted(tables[0]):
        cells = " | ".join(
            "{:.2f} / {:.2f} / {:.2f}".format(*t[intent][:3]) if intent in t else "-"
            for t in tables
        )
        lines.append(f"| {intent} | {tables[0][intent][3]} | {cells} |")
    for r in reports:
        lines += ["", f"Most frequent confusions, {r.name} (true -> predicted, above threshold):"]
        lines += [f"- {gold} -> {pred}: {n}" for gold, pred, n in r.confusions()] or ["- none"]
    return "\n".join(lines)


@app.command()
def parse(
    texts: list[str] = typer.Argument(None, help="Sentences; one per line on stdin if none."),
    rasa_url: str | None = typer.Option(None, help="Override ASSIST_RASA_URL ('' = none)."),
    rasa_dir: Path = typer.Option(DEFAULT_RASA_DIR, help="Rasa project with the NLU data."),
) -> None:
    """Print one JSON object per sentence: text, intent, confidence, language, entities,
    classifier (rasa, or fallback when Rasa is not reachable, exactly as a turn would)."""
    settings = get_settings()
    if rasa_url is not None:
        settings = settings.model_copy(update={"rasa_url": rasa_url or None})
    lines = texts or [line.rstrip("\n") for line in sys.stdin]

    async def run() -> None:
        classifier = classifier_from_settings(settings, rasa_dir)
        try:
            for text in lines:
                if not text.strip():
                    continue
                r = await classifier.classify(text)
                record = {"text": text, "intent": r.intent, "confidence": r.confidence,
                          "language": r.language, "entities": r.entities,
                          "classifier": r.classifier}  # fmt: skip
                typer.echo(json.dumps(record, ensure_ascii=False))
        finally:
            close = getattr(classifier, "aclose", None)
            if close is not None:
                await close()

    asyncio.run(run())


@app.command()
def evaluate(
    folds: int = typer.Option(5, help="Folds for the fallback's cross-validation."),
    seed: int = typer.Option(7, help="Shuffling seed (the split is deterministic)."),
    rasa: bool = typer.Option(True, help="Also evaluate Rasa on a held-out fold."),
    rasa_dir: Path = typer.Option(DEFAULT_RASA_DIR, help="Rasa project with the NLU data."),
    root: Path = typer.Option(Path("."), help="Repository root holding .venv-rasa."),
    threshold: float | None = typer.Option(None, help="Override ASSIST_NLU_THRESHOLD."),
    heldout: list[Path] | None = typer.Option(
        None, help="A held-out set (heldout_*.yml; repeat for several). Default: every set."
    ),
    cross_validate: bool = typer.Option(True, help="Also the k-fold figures on training data."),
) -> None:
    """Evaluate both classifiers on the shipped NLU data and print Markdown tables.

    The fallback is cross-validated over `folds` folds; Rasa (slow to train) is trained once
    on all folds but one and tested on the held-out fold, against which the fallback is also
    measured, so the rows on that fold compare like with like. Rasa is reported alone and
    with the cross-check a conversation turn uses.

    First, both classifiers, trained once on all the training data, read every held-out set
    (never trained on): for each set, the goals, accuracy per intent and per language.
    """
    settings = get_settings()
    limit = settings.nlu_threshold if threshold is None else threshold
    examples = load_rasa_examples(rasa_dir)
    sets = [(str(p), p) for p in heldout] if heldout else list(HELDOUT_SETS)
    per_set = [(name, load_heldout(path)) for name, path in sets]
    lines = [line for _, mine in per_set for line in mine]
    held_reports = _evaluate_heldout(examples, lines, limit, rasa, rasa_dir, root)
    for name, mine in per_set:
        texts = {line.text for line in mine}
        reports = [
            Report(r.name, r.threshold, [p for p in r.predictions if p.text in texts])
            for r in held_reports
        ]
        typer.echo(f"## Held-out {name}\n\n" + render_heldout(reports, mine) + "\n")
    if not cross_validate:
        return
    reports = [evaluate_fallback(examples, folds, seed, limit, settings.languages)]
    if rasa:
        split = stratified_folds(examples, folds, seed)
        test = split[0]
        train = [e for fold in split[1:] for e in fold]
        held = TfidfClassifier(train, supported_languages=settings.languages)
        fallback_held = Report("fallback (held-out)", limit)
        fallback_held.predictions = asyncio.run(_predict_all(held.classify, test))
        reports.append(fallback_held)
        try:
            rasa_reports = evaluate_rasa(
                train, test, limit, settings.languages, rasa_dir, root.resolve(),
                lambda m: typer.echo(m, err=True), held,
            )  # fmt: skip
            reports += rasa_reports
        except RuntimeError as exc:
            typer.echo(f"Rasa not evaluated: {exc}", err=True)
    typer.echo(f"Threshold {limit}; {len(examples)} sentences in {rasa_dir}\n")
    typer.echo(render(reports))


def _evaluate_heldout(
    examples: Sequence[Example],
    lines: Sequence[HeldOut],
    limit: float,
    rasa: bool,
    rasa_dir: Path,
    root: Path,
) -> list[Report]:
    """Return the fallback's and (when `rasa`) Rasa's reports on the held-out `lines`."""
    settings = get_settings()
    test = [(line.text, line.intent) for line in lines]
    fallback = TfidfClassifier(examples, supported_languages=settings.languages)
    reports = [Report("fallback", limit, asyncio.run(_predict_all(fallback.classify, test)))]
    if rasa:
        try:
            alone, crossed = evaluate_rasa(
                examples, test, limit, settings.languages, rasa_dir, root.resolve(),
                lambda m: typer.echo(m, err=True), fallback,
            )  # fmt: skip
            alone.name, crossed.name = "rasa alone", "rasa + cross-check (as turns use it)"
            reports += [alone, crossed]
        except RuntimeError as exc:
            typer.echo(f"Rasa not evaluated on the held-out set: {exc}", err=True)
    return reports


if __name__ == "__main__":  # pragma: no cover
    app()
