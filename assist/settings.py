"""Configuration: one `Settings` object, read from `ASSIST_*` environment variables and `.env`."""

from __future__ import annotations

import re
import tempfile
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationInfo, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from assist.backend_client.protocol import REPORT_SERVICES
from assist.hours import parse_hours

if TYPE_CHECKING:
    from assist.store import Store

DEV_COUNCIL_API_KEY = "dev-council-key"
SUPPORTED_LANGUAGES = ("en", "pl", "lt", "ro", "pt")
MIN_SECRET_CHARS = 16
"""Production refuses a cookie secret or Twilio token shorter than this."""
_HHMM = re.compile(r"^([01]?\d|2[0-3]):[0-5]\d$")
_LOG_LEVELS = ("CRITICAL", "ERROR", "WARNING", "INFO", "DEBUG")


class Settings(BaseSettings):
    """Everything Assist can be told; with nothing set it runs the embedded defaults.

    Every field is documented in README.md ("Configuration"); a meta-test keeps the two in step.
    """

    model_config = SettingsConfigDict(
        env_prefix="ASSIST_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    environment: Literal["development", "production"] = Field(
        "development", description="`production` refuses development defaults for secrets."
    )
    data_dir: Path = Field(Path("./data"), description="Where the SQLite store and caches live.")
    database_url: SecretStr | None = Field(
        None,
        description="`postgresql://user:password@host:port/database` to keep the store in "
        "PostgreSQL (several instances may share it); unset for SQLite in the data directory.",
    )
    host: str = Field("127.0.0.1", description="Address `assist serve` listens on.")
    port: int = Field(8000, ge=1, le=65535, description="Port `assist serve` listens on.")
    public_url: str = Field(
        "http://127.0.0.1:8000",
        description="The URL the public (and Twilio) use to reach this service; webhook "
        "signatures are checked against it, so set it when behind a proxy.",
    )
    log_level: str = Field("INFO", description="Python logging level.")
    forwarded_allow_ips: str = Field(
        "127.0.0.1",
        description="Proxies trusted for X-Forwarded-For (comma separated), so rate limits "
        "see the citizen's address rather than the proxy's.",
    )

    # Twilio
    twilio_account_sid: str | None = Field(None, description="Twilio Account SID (AC...).")
    twilio_auth_token: SecretStr | None = Field(
        None, description="Twilio Auth Token: signs webhooks and authenticates REST calls."
    )
    twilio_phone_number: str | None = Field(
        None, description="The Twilio number texts and callbacks come from (E.164)."
    )
    twilio_api_base_url: str | None = Field(
        None, description="Override Twilio's REST base URL (tests point it at a local fake)."
    )
    voice_speech: Literal["twilio", "vosk"] = Field(
        "twilio", description="Who recognises speech on calls: Twilio's <Gather> or local Vosk."
    )
    vosk_model_path: Path | None = Field(None, description="Directory of a Vosk model.")
    vosk_model_language: str = Field("en", description="Language of the Vosk model.")
    voice_agent_targets: dict[str, str] = Field(
        default_factory=dict,
        description="Where staff answer calls, as JSON: agent id to E.164 number or "
        '`client:<identity>` (default `client:<agent id>`), e.g. `{"alice": "+441223000001"}`.',
    )

    # Understanding
    rasa_url: str | None = Field(
        "http://127.0.0.1:5005",
        description="Rasa server base URL, or several separated by commas (replicas: turns "
        "are spread over them, each with its own breaker); empty to use only the in-process "
        "classifier.",
    )
    rasa_timeout_s: float = Field(0.8, gt=0, description="How long one Rasa parse may take.")
    nlu_threshold: float = Field(
        0.45, ge=0, le=1, description="Below this confidence an utterance counts as not understood."
    )

    # Council back end
    council_open311_url: str | None = Field(
        None,
        description="Open311 GeoReport v2 base URL for every service; empty uses the embedded "
        "reference council mounted at /council/.",
    )
    county_open311_url: str | None = Field(
        None, description="Open311 base URL for county services (overrides council_open311_url)."
    )
    district_open311_url: str | None = Field(
        None,
        description="Open311 base URL for district services (overrides council_open311_url).",
    )
    county_jurisdiction: str = Field("cambridgeshire", description="County jurisdiction_id.")
    district_jurisdiction: str = Field("cambridge", description="District jurisdiction_id.")
    council_api_key: SecretStr = Field(
        SecretStr(DEV_COUNCIL_API_KEY),
        description="Open311 api_key for POSTs (and the reference back end's own key).",
    )
    waste_api_url: str | None = Field(
        None, description="Waste (bin day) API base URL; empty uses the embedded one."
    )
    info_url: str | None = Field(
        None, description="Service information API base URL; empty uses the embedded one."
    )
    backend_timeout_s: float = Field(5.0, gt=0, description="Timeout for one council request.")

    # What citizens hear
    council_name: str = Field("Cambridgeshire councils", description="Who callers have reached.")
    call_cost_sentence: str | None = Field(
        "This call costs the same as calling an 01 or 02 number.",
        description="Said in the first prompt; empty to leave it out.",
    )
    phone_number_display: str = Field(
        "0345 045 5200", description="The number citizens can ring, as spoken and texted."
    )
    opening_hours: str = Field(
        "Mon-Fri 08:00-18:00",
        description="When people answer: `Mon-Fri 08:00-18:00`, or several as `Mon-Fri "
        "08:00-18:00; Sat 09:00-12:00`.",
    )
    timezone: str = Field("Europe/London", description="Time zone of the opening hours.")
    emergency_duty_number: str | None = Field(
        None,
        description="Out-of-hours social care (emergency duty team) number, said to anyone "
        "worried about someone's safety when the line is closed; empty to leave it out.",
    )
    languages: Annotated[list[str], NoDecode] = Field(
        default_factory=lambda: list(SUPPORTED_LANGUAGES),
        description="Languages offered, comma separated (en always first).",
    )
    default_handle_time_s: float = Field(
        360.0, gt=0, description="Assumed handle time when the queue has no history yet."
    )
    hold_music_url: str | None = Field(
        None, description="Hold music on the phone; empty for silence with reassurance."
    )

    # Texts and notifications
    notify_quiet_hours: str = Field(
        "21:00-08:00",
        description="No notification texts in this local window; they wait until it ends.",
    )
    bin_reminder_time: str = Field(
        "18:00", description="Local time, the evening before collection, bin reminders go."
    )
    report_poll_interval_s: float = Field(
        900.0, gt=0, description="How often open reports are checked with the council."
    )
    sms_per_number_per_hour: int = Field(10, ge=1, description="Most texts to one number per hour.")
    sms_send_rate_per_s: float = Field(
        1.0, gt=0, description="Overall send pace, kept under the Twilio number's limit."
    )

    # Web chat protection
    web_chat_messages_per_window: int = Field(
        20, ge=1, description="Messages one web chat connection may send per window."
    )
    web_chat_window_s: float = Field(10.0, gt=0, description="The web chat rate-limit window.")
    web_chat_connections_per_ip: int = Field(
        60, ge=1, description="Open web chat sockets allowed from one address."
    )
    abandon_after_s: float = Field(
        120.0,
        gt=0,
        description="A phone caller on hold or an open web chat not heard from for this long"
        " is treated as gone: out of the queue and the estimate, place kept 30 minutes.",
    )
    queue_per_source: int = Field(
        5,
        ge=0,
        description="Places in the person queue one address or number may hold; more are"
        " suspected floods, served after everyone else and flagged to staff (0: no limit).",
    )

    # Sessions and privacy
    session_resume_minutes: int = Field(
        30, ge=0, description="A dropped conversation resumes within."
    )
    retention_days: int = Field(
        90, ge=1, description="Personal data is deleted after this many days."
    )
    secret_key: SecretStr = Field(
        SecretStr("dev-secret-key-change-me"),
        description="Signs staff console cookies; must be set in production.",
    )

    closed_conversations: Literal["handler_and_supervisors", "supervisors"] = Field(
        "handler_and_supervisors",
        description="Who may read a closed conversation in the console: "
        "`handler_and_supervisors` (the agent who handled it, and supervisors) or "
        "`supervisors`; every read is audited.",
    )

    # Operations
    metrics_public: bool | None = Field(
        None,
        description="Whether `/metrics` answers anyone; default: yes in development, no in "
        "production (where Prometheus sends `ASSIST_METRICS_TOKEN` as a bearer token).",
    )
    metrics_token: SecretStr | None = Field(
        None,
        description="Bearer token that reads `/metrics` when it is not public (Prometheus: "
        "`authorization: {credentials: <token>}` in the scrape config).",
    )
    api_docs_public: bool | None = Field(
        None,
        description="Whether `/docs`, `/redoc` and `/openapi.json` are served; default: in "
        "development only.",
    )

    # A council's own Open311 server (issue 14)
    service_codes: Annotated[dict[str, str], NoDecode] = Field(
        default_factory=dict,
        description="Each report type's service_code on the council's Open311 server, e.g. "
        "`report_pothole=RD-01,report_streetlight=SL-01,report_flytipping=FT-01,"
        "missed_bin=WS-01` (all four, or none for the reference council's codes); checked "
        "against the server's `services` at start.",
    )
    open311_format: Literal["json", "xml"] = Field(
        "json", description="The format Assist asks the Open311 server for: `json` or `xml`."
    )
    open311_save_wait_s: float = Field(
        30.0,
        ge=0,
        description="How long the Open311 server may take to save a report; after a POST "
        "with no answer, no new POST is sent until this plus the timeout has passed and a "
        "search has not found the report.",
    )
    report_alert_after: int = Field(
        6,
        ge=1,
        description="Server errors (5xx, timeouts) in a row on one report before staff are "
        "alerted; it keeps being retried.",
    )
    held_report_retry_s: float = Field(
        1800.0,
        gt=0,
        description="How often reports held for a configuration fix (bad key, code or "
        "jurisdiction) are tried again; they are also tried at every start.",
    )

    @field_validator("languages", mode="before")
    @classmethod
    def _split_languages(cls, v: object) -> object:
        if isinstance(v, str):
            v = [p.strip() for p in v.split(",") if p.strip()]
        return v

    @field_validator("service_codes", mode="before")
    @classmethod
    def _split_service_codes(cls, v: object) -> object:
        if isinstance(v, str):
            if v.strip().startswith("{"):
                return v  # JSON: pydantic reads it
            pairs = [p.strip() for p in v.split(",") if p.strip()]
            if any("=" not in p for p in pairs):
                raise ValueError("ASSIST_SERVICE_CODES is `report_type=CODE,...`")
            return {k.strip(): c.strip() for k, c in (p.split("=", 1) for p in pairs)}
        return v

    @field_validator("service_codes", mode="after")
    @classmethod
    def _check_service_codes(cls, v: dict[str, str]) -> dict[str, str]:
        if not v:
            return v
        unknown = sorted(set(v) - set(REPORT_SERVICES))
        missing = sorted(set(REPORT_SERVICES) - set(v))
        empty = sorted(k for k, c in v.items() if not c)
        if unknown or missing or empty:
            raise ValueError(
                "ASSIST_SERVICE_CODES must give a code for every report type "
                f"({', '.join(sorted(REPORT_SERVICES))}); unknown: {unknown or 'none'}, "
                f"missing: {missing or 'none'}, empty: {empty or 'none'}"
            )
        return v

    @field_validator(
        "rasa_url",
        "council_open311_url",
        "county_open311_url",
        "district_open311_url",
        "waste_api_url",
        "info_url",
        "call_cost_sentence",
        "hold_music_url",
        "emergency_duty_number",
        mode="before",
    )
    @classmethod
    def _empty_is_none(cls, v: object) -> object:
        return None if v == "" else v

    @field_validator("database_url", mode="before")
    @classmethod
    def _database_url(cls, v: object) -> object:
        raw = v.get_secret_value() if isinstance(v, SecretStr) else v
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            return None
        parts = urlsplit(str(raw).strip())
        try:
            _ = parts.port
        except ValueError:
            raise ValueError("must be a postgresql:// URL with a valid port") from None
        if parts.scheme not in ("postgresql", "postgres") or not parts.path.strip("/"):
            raise ValueError("must be postgresql://user@host:port/database (unset for SQLite)")
        return str(raw).strip()

    @field_validator("twilio_auth_token", mode="before")
    @classmethod
    def _empty_token_is_none(cls, v: object, info: ValidationInfo) -> object:
        raw = v.get_secret_value() if isinstance(v, SecretStr) else v
        if isinstance(raw, str) and not raw.strip():
            if info.data.get("environment") == "production":
                raise ValueError("must not be empty in production: leave it unset or give it")
            return None
        return v

    @field_validator(
        "public_url",
        "council_open311_url",
        "county_open311_url",
        "district_open311_url",
        "waste_api_url",
        "info_url",
        "twilio_api_base_url",
    )
    @classmethod
    def _is_url(cls, v: str | None) -> str | None:
        if v is None:
            return v
        parts = urlsplit(v)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError("must be an http:// or https:// URL with a host")
        try:
            _ = parts.port
        except ValueError:
            raise ValueError("must be an http:// or https:// URL with a valid port") from None
        return v

    @field_validator("rasa_url")
    @classmethod
    def _rasa_urls(cls, v: str | None) -> str | None:
        if v is None:
            return v
        urls = [u.strip() for u in v.split(",")]
        for url in urls:
            cls._is_url(url)
        if len(set(urls)) != len(urls):
            raise ValueError("names the same Rasa server twice")
        return ",".join(urls)

    @property
    def rasa_urls(self) -> list[str]:
        """The Rasa replicas' base URLs (`rasa_url` split at commas; none when empty)."""
        return self.rasa_url.split(",") if self.rasa_url else []

    @field_validator("log_level")
    @classmethod
    def _log_level(cls, v: str) -> str:
        if v.upper() not in _LOG_LEVELS:
            raise ValueError(f"must be one of {', '.join(_LOG_LEVELS)}")
        return v.upper()

    @field_validator("timezone")
    @classmethod
    def _timezone(cls, v: str) -> str:
        try:
            ZoneInfo(v)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError("must be an IANA time zone such as Europe/London") from None
        return v

    @field_validator("opening_hours")
    @classmethod
    def _opening_hours(cls, v: str) -> str:
        try:
            windows = parse_hours(v)
        except ValueError as exc:
            raise ValueError(f"{exc}; write e.g. `Mon-Fri 08:00-18:00; Sat 09:00-12:00`") from None
        if not windows:
            raise ValueError("must name at least one window, e.g. `Mon-Fri 08:00-18:00`")
        return v

    @field_validator("notify_quiet_hours")
    @classmethod
    def _quiet_hours(cls, v: str) -> str:
        start, dash, end = v.strip().partition("-")
        if v.strip() and not (dash and _HHMM.match(start.strip()) and _HHMM.match(end.strip())):
            raise ValueError("must be `HH:MM-HH:MM` (e.g. 21:00-08:00), or empty for none")
        return v

    @field_validator("bin_reminder_time")
    @classmethod
    def _reminder_time(cls, v: str) -> str:
        if not _HHMM.match(v.strip()):
            raise ValueError("must be a time `HH:MM` such as 18:00")
        return v

    @field_validator("data_dir")
    @classmethod
    def _data_dir(cls, v: Path) -> Path:
        existing = v
        while not existing.exists() and existing != existing.parent:
            existing = existing.parent
        try:
            with tempfile.TemporaryFile(dir=existing):
                pass
        except OSError:
            raise ValueError(f"must be a directory Assist can write ({existing} is not)") from None
        return v

    @model_validator(mode="after")
    def _check(self) -> Settings:
        unknown = [lang for lang in self.languages if lang not in SUPPORTED_LANGUAGES]
        if unknown:
            raise ValueError(f"unsupported languages {unknown}; choose from {SUPPORTED_LANGUAGES}")
        if "en" not in self.languages:
            self.languages.insert(0, "en")
        if self.environment == "production":
            if self.council_api_key.get_secret_value() == DEV_COUNCIL_API_KEY:
                raise ValueError("ASSIST_COUNCIL_API_KEY must be set in production")
            secret = self.secret_key.get_secret_value()
            if secret.startswith("dev-"):
                raise ValueError("ASSIST_SECRET_KEY must be set in production")
            if len(secret.strip()) < MIN_SECRET_CHARS:
                raise ValueError(
                    f"ASSIST_SECRET_KEY must be at least {MIN_SECRET_CHARS} characters "
                    "in production"
                )
            if not self.council_api_key.get_secret_value().strip():
                raise ValueError("ASSIST_COUNCIL_API_KEY must not be empty in production")
            token = self.twilio_auth_token
            if token is None and self.voice_speech == "vosk":
                raise ValueError(
                    "ASSIST_TWILIO_AUTH_TOKEN must be set in production with "
                    "ASSIST_VOICE_SPEECH=vosk (media streams are checked with it)"
                )
            if token is not None and len(token.get_secret_value()) < MIN_SECRET_CHARS:
                raise ValueError(
                    f"ASSIST_TWILIO_AUTH_TOKEN must be at least {MIN_SECRET_CHARS} characters "
                    "in production (Twilio's are 32)"
                )
        self.public_url = self.public_url.rstrip("/")
        return self

    @property
    def metrics_open(self) -> bool:
        """True when `/metrics` answers without the bearer token."""
        if self.metrics_public is None:
            return self.environment != "production"
        return self.metrics_public

    @property
    def api_docs_open(self) -> bool:
        """True when the OpenAPI document and its pages are served."""
        if self.api_docs_public is None:
            return self.environment != "production"
        return self.api_docs_public

    @property
    def uses_embedded_council(self) -> bool:
        """True when no council endpoint is configured: the reference council answers."""
        return not any(
            (
                self.council_open311_url,
                self.county_open311_url,
                self.district_open311_url,
                self.waste_api_url,
                self.info_url,
            )
        )

    @property
    def db_path(self) -> Path:
        """The SQLite store's file."""
        return self.data_dir / "assist.db"

    def store(self) -> Store:
        """The store these settings choose, not yet opened: PostgreSQL at `database_url`
        when it is set, else SQLite at `db_path`."""
        from assist.store import make_store

        url = self.database_url.get_secret_value() if self.database_url else None
        return make_store(url, self.db_path)


@lru_cache
def get_settings() -> Settings:
    """The process's settings, read once (tests build their own `Settings` instead)."""
    return Settings()
