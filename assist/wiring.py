"""Explicit wiring: builds the engine, store, queue and workers from one `Settings`."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from assist.backend_client import reports as reports_table
from assist.backend_client.protocol import CouncilServices
from assist.chat.sms.store import MIGRATIONS as SMS_MIGRATIONS
from assist.conversations import Conversations, HandoffQueue
from assist.dialogue.engine import Engine, EngineConfig
from assist.dialogue.flows import FlowSet, load_flows
from assist.dialogue.language import detect_language
from assist.dialogue.nlu import IntentClassifier
from assist.dialogue.prompts import Prompts
from assist.handoff import MIGRATIONS as HANDOFF_MIGRATIONS
from assist.ivr import calls as voice_store
from assist.nlu.fallback import TfidfClassifier
from assist.notify.schema import MIGRATIONS as NOTIFY_MIGRATIONS
from assist.settings import Settings
from assist.store import Migration, SQLiteStore
from assist.store import core as core_store

REPO_ROOT = Path(__file__).resolve().parent.parent
DIALOGUES = REPO_ROOT / "dialogues"


def dialogues_dir() -> Path:
    """Where flows, prompts and NLU data live (the repository's dialogues/)."""
    return DIALOGUES


def all_migrations() -> list[Migration]:
    """Every component's migrations, applied by the store at start-up."""
    return [
        *core_store.MIGRATIONS,
        *HANDOFF_MIGRATIONS,
        *reports_table.MIGRATIONS,
        *voice_store.MIGRATIONS,
        *SMS_MIGRATIONS,
        *NOTIFY_MIGRATIONS,
    ]


def engine_config(settings: Settings) -> EngineConfig:
    """The engine's view of the settings."""
    return EngineConfig(
        languages=tuple(settings.languages),
        nlu_threshold=settings.nlu_threshold,
        council_name=settings.council_name,
        call_cost_sentence=settings.call_cost_sentence,
        phone=settings.phone_number_display,
        hours=settings.opening_hours,
    )


@dataclass
class Dialogue:
    """Flows, prompts and the in-process classifier, loaded once per process."""

    flows: FlowSet
    prompts: Prompts
    fallback: TfidfClassifier


def load_dialogue(directory: Path | None = None) -> Dialogue:
    """Load flows, prompts and train the fallback classifier from `dialogues/`."""
    d = directory or dialogues_dir()
    return Dialogue(
        load_flows(d / "flows"),
        Prompts.load(d / "prompts"),
        TfidfClassifier.from_rasa_dir(d / "rasa"),
    )


def build_engine(
    settings: Settings, dialogue: Dialogue, classifier: IntentClassifier, services: CouncilServices
) -> Engine:
    """The conversation engine for these settings."""
    languages = tuple(settings.languages)
    return Engine(
        dialogue.flows,
        dialogue.prompts,
        classifier,
        services,
        engine_config(settings),
        detect_language=lambda text: detect_language(text, languages),
    )


def build_conversations(
    settings: Settings, store: SQLiteStore, engine: Engine, queue: HandoffQueue
) -> Conversations:
    """The turn runner."""
    return Conversations(store, engine, queue, resume_window_s=settings.session_resume_minutes * 60)
