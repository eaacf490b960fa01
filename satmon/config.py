"""Settings: one class, read from the environment (and an optional .env file).

The seed's variable names are kept so its .env files work unchanged. A service
whose variable is unset runs embedded: SQLite, in-process queues and caches.
"""

from __future__ import annotations

import os
from functools import cached_property
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit, urlunsplit

from pydantic import AliasChoices, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


def default_data_dir() -> Path:
    xdg = os.environ.get("XDG_DATA_HOME")
    base = Path(xdg) if xdg else Path.home() / ".local" / "share"
    return base / "satmon"


class Settings(BaseSettings):
    """Effective configuration of a satmon process.

    Every field documents its default; `satmon config` prints them all.
    """

    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", frozen=True
    )

    # --- services (unset = embedded) -------------------------------------------------
    kafka_bootstrap_servers: str | None = Field(
        None, description="Kafka brokers, host:port[,host:port]; unset = in-process bus"
    )
    victoria_metrics_url: str | None = Field(
        None, description="VictoriaMetrics base URL; unset = SQLite time-series store"
    )
    database_url: SecretStr | None = Field(
        None, description="SQLAlchemy URL of the results database; overrides POSTGRES_*"
    )
    postgres_host: str | None = Field(None, description="PostgreSQL host; unset = SQLite")
    postgres_port: int = Field(5432, description="PostgreSQL port")
    postgres_user: str = Field("satmon", description="PostgreSQL role")
    postgres_password: SecretStr = Field(SecretStr(""), description="PostgreSQL password")
    postgres_db: str = Field("satmon", description="PostgreSQL database")
    celery_broker_url: SecretStr | None = Field(
        None, description="Celery broker (RabbitMQ) URL; unset = local executor"
    )
    celery_result_backend: SecretStr | None = Field(
        None, description="Celery result backend (Redis) URL"
    )
    triton_server_url: str | None = Field(
        None, description="Triton host:port; unset = models run in-process"
    )
    triton_in_flight: int = Field(
        4,
        ge=0,
        validation_alias=AliasChoices("SATMON_TRITON_IN_FLIGHT", "triton_in_flight"),
        description=(
            "Triton requests a process keeps out at once; concurrent calls beyond them "
            "share requests; 0 = one request per call"
        ),
    )
    redis_url: SecretStr | None = Field(None, description="Redis URL; unset = in-process cache")
    elasticsearch_url: str | None = Field(
        None, description="Elasticsearch URL; unset = SQLite FTS5 search"
    )
    search_index: str = Field(
        "satmon-jobs",
        validation_alias=AliasChoices("SATMON_SEARCH_INDEX", "search_index"),
        description="Elasticsearch index of finished jobs",
    )

    # --- embedded storage and the API --------------------------------------------------
    data_dir: Path = Field(
        default_factory=default_data_dir,
        validation_alias=AliasChoices("SATMON_DATA_DIR", "data_dir"),
        description="Folder of the embedded stores (SQLite files)",
    )
    api_host: str = Field(
        "127.0.0.1",
        validation_alias=AliasChoices("SATMON_HOST", "api_host"),
        description="Address the API listens on",
    )
    api_port: int = Field(
        8000,
        validation_alias=AliasChoices("SATMON_PORT", "api_port"),
        description="Port the API listens on",
    )
    log_level: str = Field(
        "INFO",
        validation_alias=AliasChoices("SATMON_LOG_LEVEL", "log_level"),
        description="Logging level",
    )

    # --- topics ---------------------------------------------------------------------------
    telemetry_topic: str = Field(
        "satellite-telemetry",
        validation_alias=AliasChoices("SATMON_TELEMETRY_TOPIC", "telemetry_topic"),
        description="Topic of telemetry frames",
    )
    results_topic: str = Field(
        "inference.results",
        validation_alias=AliasChoices("SATMON_RESULTS_TOPIC", "results_topic"),
        description="Topic of finished inference jobs",
    )
    dead_letter_topic: str = Field(
        "satellite-telemetry.dlq",
        validation_alias=AliasChoices("SATMON_DLQ_TOPIC", "dead_letter_topic"),
        description="Topic of frames that failed validation",
    )

    topic_partitions: int = Field(
        4,
        ge=1,
        validation_alias=AliasChoices("SATMON_TOPIC_PARTITIONS", "topic_partitions"),
        description="Partitions of the topics satmon creates (one satellite stays in one)",
    )

    # --- analysis --------------------------------------------------------------------------
    window_size: int = Field(
        20,
        ge=2,
        validation_alias=AliasChoices("SATMON_WINDOW_SIZE", "window_size"),
        description="Steps of history a model sees",
    )
    forecast_horizon: int = Field(
        10,
        ge=1,
        validation_alias=AliasChoices("SATMON_FORECAST_HORIZON", "forecast_horizon"),
        description="Steps a model forecasts",
    )
    default_model: str = Field(
        "transformer_timeseries",
        validation_alias=AliasChoices("SATMON_DEFAULT_MODEL", "default_model"),
        description="Model used for triggered jobs and manual jobs that name none",
    )
    trigger_periodic_rate: float = Field(
        0.1,
        ge=0.0,
        le=1.0,
        validation_alias=AliasChoices("SATMON_TRIGGER_PERIODIC_RATE", "trigger_periodic_rate"),
        description="Probability that a frame triggers a periodic check",
    )
    trigger_cooldown_s: float = Field(
        300.0,
        ge=0.0,
        validation_alias=AliasChoices("SATMON_TRIGGER_COOLDOWN_S", "trigger_cooldown_s"),
        description="Seconds before the same rule may fire again for a satellite",
    )
    trigger_seed: int | None = Field(
        None,
        validation_alias=AliasChoices("SATMON_TRIGGER_SEED", "trigger_seed"),
        description="Seed of the periodic check's choice of frames (unset = 0)",
    )
    trigger_rules: str | None = Field(
        None,
        validation_alias=AliasChoices("SATMON_TRIGGER_RULES", "trigger_rules"),
        description="Rules added to the seed's: a JSON list, or the path of a JSON file",
    )
    task_queue: str = Field(
        "inference",
        validation_alias=AliasChoices("SATMON_TASK_QUEUE", "task_queue"),
        description="Celery queue of the inference tasks",
    )
    task_max_retries: int = Field(
        8,
        ge=0,
        validation_alias=AliasChoices("SATMON_TASK_MAX_RETRIES", "task_max_retries"),
        description="Retries of a task whose model server or database is unavailable",
    )
    task_retry_backoff_s: float = Field(
        1.0,
        gt=0.0,
        validation_alias=AliasChoices("SATMON_TASK_RETRY_BACKOFF_S", "task_retry_backoff_s"),
        description="First retry delay; it doubles per retry",
    )
    task_retry_backoff_max_s: float = Field(
        30.0,
        gt=0.0,
        validation_alias=AliasChoices(
            "SATMON_TASK_RETRY_BACKOFF_MAX_S", "task_retry_backoff_max_s"
        ),
        description="Longest retry delay",
    )
    task_time_limit_s: float = Field(
        120.0,
        gt=0.0,
        validation_alias=AliasChoices("SATMON_TASK_TIME_LIMIT_S", "task_time_limit_s"),
        description="Seconds a task may run; it is told to stop 10 % earlier",
    )
    analysis_workers: int = Field(
        2,
        ge=1,
        validation_alias=AliasChoices("SATMON_ANALYSIS_WORKERS", "analysis_workers"),
        description="Threads of the embedded analysis executor",
    )
    cache_ttl_s: float = Field(
        5.0,
        ge=0.0,
        validation_alias=AliasChoices("SATMON_CACHE_TTL_S", "cache_ttl_s"),
        description="Seconds an API read stays cached",
    )

    @cached_property
    def results_database_url(self) -> str:
        """The SQLAlchemy URL of the results store, PostgreSQL or the embedded SQLite."""
        if self.database_url is not None:
            return self.database_url.get_secret_value()
        if self.postgres_host:
            password = quote(self.postgres_password.get_secret_value(), safe="")
            auth = (
                f"{quote(self.postgres_user, safe='')}:{password}"
                if password
                else quote(self.postgres_user, safe="")
            )
            return (
                f"postgresql+psycopg://{auth}@{self.postgres_host}:{self.postgres_port}"
                f"/{self.postgres_db}"
            )
        return f"sqlite:///{self.data_dir / 'results.sqlite'}"

    @property
    def tsdb_path(self) -> Path:
        return self.data_dir / "tsdb.sqlite"

    @property
    def search_path(self) -> Path:
        return self.data_dir / "search.sqlite"

    def effective(self) -> dict[str, Any]:
        """Every setting with its environment name and value, secrets masked."""
        rows: dict[str, Any] = {}
        for name, field in type(self).model_fields.items():
            alias = field.validation_alias
            env_name = alias.choices[0] if isinstance(alias, AliasChoices) else name
            rows[str(env_name).upper()] = _masked(getattr(self, name))
        rows["(results database)"] = mask_url(self.results_database_url)
        return rows


def mask_url(url: str) -> str:
    """Replace the password in a URL's userinfo with ***."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    if parts.port is not None:
        host = f"{host}:{parts.port}"
    netloc = f"{parts.username}:***@{host}" if parts.username else f":***@{host}"
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


def _masked(value: Any) -> Any:
    if isinstance(value, SecretStr):
        secret = value.get_secret_value()
        if not secret:
            return ""
        return mask_url(secret) if "://" in secret else "***"
    if isinstance(value, Path):
        return str(value)
    return value


def get_settings(**overrides: Any) -> Settings:
    return Settings(**overrides)
