"""Configuration: environment variables and an optional YAML file, validated once at start.

Every key has an environment variable (``PANTAU_`` + the key in upper case, except the two
backend addresses, which keep their conventional names ``KAFKA_BOOTSTRAP_SERVERS`` and
``ELASTICSEARCH_URL``) and the same key in lower case in the YAML file named by
``PANTAU_CONFIG``. The environment wins over the file. A bad value stops the program with
:class:`ConfigError`, whose message names the key, the environment variable and the fix.

Secrets (passwords, API keys) are :class:`pydantic.SecretStr`: they print as ``**********``, and
each can instead be read from a file (``..._file`` keys), for Docker and Kubernetes secrets.
"""

from __future__ import annotations

import os
from datetime import datetime, timezone
from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, SecretStr, ValidationError, model_validator
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict
from pydantic_settings import YamlConfigSettingsSource

ENV_PREFIX = "PANTAU_"
CONFIG_FILE_ENV = "PANTAU_CONFIG"
_UNPREFIXED = {"kafka_bootstrap_servers": "KAFKA_BOOTSTRAP_SERVERS", "elasticsearch_url": "ELASTICSEARCH_URL"}


class ConfigError(ValueError):
    """Bad configuration: the message names the key and the fix (the CLI exits with code 2)."""


def env_name(key: str) -> str:
    """The environment variable that sets configuration ``key``."""
    return _UNPREFIXED.get(key, ENV_PREFIX + key.upper())


def _alias(key: str) -> AliasChoices:
    return AliasChoices(_UNPREFIXED[key], key)


# Why each key's fix is worded as it is: the message must let an operator act without the docs.
_FIXES = {
    "kafka_bootstrap_servers": "give host:port pairs separated by commas, e.g. kafka:9092",
    "elasticsearch_url": "give a URL such as http://localhost:9200 or https://user@es:9200",
    "kafka_security_protocol": "use one of PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL",
    "kafka_sasl_mechanism": "use one of PLAIN, SCRAM-SHA-256, SCRAM-SHA-512",
    "topic_partitions": "give a whole number from 1 to 1000",
    "topic_replication_factor": "give a whole number from 1 to 10",
    "topic_prefix": "use letters, digits, '.', '_' or '-' only",
    "index_prefix": "use lower-case letters, digits, '_' or '-' only",
    "posts_retention_days": "give whole days from 1 to 36500 (ILM deletes a month of posts that long after it began)",
    "metrics_port": "give a port number from 1 to 65535, or 0 for no metrics endpoint",
    "connectors_metrics_port": "give a port number from 1 to 65535, or 0 for no metrics endpoint",
    "narrative_refresh_seconds": "give seconds above 0, at most 3600",
    "narrative_max_posts": "give a whole number from 100 to 1000000",
    "narrative_min_posts": "give a whole number from 1 to 1000",
    "claims_file": "give the path of a JSON Lines claim catalogue (see data/claims/README.md)",
    "trend_rules_file": "give the path of a YAML rules file (see rules.example.yaml)",
    "trend_window_seconds": "give seconds from 60 to 86400",
    "trend_hop_seconds": "give seconds from 10 to 86400, at most the window",
    "trend_lateness_seconds": "give seconds from 0 to 86400",
    "alerters_file": "give the path of a YAML list of alerters (see the README's Trend alerts section)",
    "alert_webhook_timeout_seconds": "give seconds above 0, at most 120",
    "alert_webhook_max_attempts": "give a whole number from 1 to 20",
    "worker_instance_id": "use letters, digits, '.', '_' or '-', unique per worker (or 'hostname')",
}


class Settings(BaseSettings):
    """All of pantau's settings; see README.md "Configuration" for the reference table."""

    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, extra="forbid", case_sensitive=False)

    # Backends. Unset means: start the local noida-db backend (pantau.local_backend).
    kafka_bootstrap_servers: str | None = Field(None, validation_alias=_alias("kafka_bootstrap_servers"))
    kafka_security_protocol: Literal["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"] = "PLAINTEXT"
    kafka_sasl_mechanism: Literal["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"] = "PLAIN"
    kafka_sasl_username: str | None = None
    kafka_sasl_password: SecretStr | None = None
    kafka_sasl_password_file: Path | None = None
    kafka_ssl_cafile: Path | None = None
    # Pause after a fetch that brought nothing; only for brokers that do not long-poll (noida-db).
    kafka_fetch_idle_backoff_ms: int = Field(0, ge=0, le=5000)

    elasticsearch_url: str | None = Field(None, validation_alias=_alias("elasticsearch_url"))
    elasticsearch_api_key: SecretStr | None = None
    elasticsearch_api_key_file: Path | None = None
    elasticsearch_username: str | None = None
    elasticsearch_password: SecretStr | None = None
    elasticsearch_password_file: Path | None = None
    elasticsearch_ca_certs: Path | None = None
    elasticsearch_verify_certs: bool = True

    kibana_url: str = "http://localhost:5601"

    # Topics and indices.
    topic_prefix: str = Field("", pattern=r"^[A-Za-z0-9._-]*$")
    topic_partitions: int = Field(4, ge=1, le=1000)
    topic_replication_factor: int = Field(1, ge=1, le=10)
    index_prefix: str = Field("pantau-", pattern=r"^[a-z0-9_-]*$")
    # Where the cluster has ILM, a monthly posts index is deleted this many days after its month began.
    posts_retention_days: int = Field(365, ge=1, le=36_500)

    # Batching and retries.
    enrich_batch_size: int = Field(1000, ge=1, le=100_000)
    index_batch_size: int = Field(1000, ge=1, le=100_000)
    batch_within_seconds: float = Field(0.2, gt=0, le=60)
    index_max_retries: int = Field(6, ge=0, le=50)
    index_initial_backoff_seconds: float = Field(0.5, gt=0, le=60)
    index_max_backoff_seconds: float = Field(30.0, gt=0, le=3600)
    consumer_group: str = Field("pantau", min_length=1)
    # Static group membership: a worker restarted with the same id gets its partitions back at
    # once instead of after a rebalance. "hostname" means this machine's or container's name.
    worker_instance_id: str | None = Field(None, pattern=r"^[A-Za-z0-9._-]+$")
    metrics_port: int = Field(0, ge=0, le=65535, description="Prometheus endpoint port; 0 = off")

    # Narratives and known claims.
    # At most one spread-summary refresh per narrative per this many seconds (per worker).
    narrative_refresh_seconds: float = Field(15.0, gt=0, le=3600)
    # Posts read per refresh; a larger narrative's summary is built from its earliest posts
    # (counts stay exact) and says "sampled".
    narrative_max_posts: int = Field(50_000, ge=100, le=1_000_000)
    # Narratives with fewer posts get no summary in the narratives index (singletons are most posts).
    narrative_min_posts: int = Field(2, ge=1, le=1000)
    claims_file: Path | None = None  # None: the catalogue shipped in data/claims/catalogue.jsonl

    # Trend alerts.
    trend_rules_file: Path | None = None  # None: rules.example.yaml, shipped beside this README
    trend_window_seconds: int = Field(600, ge=60, le=86_400)
    trend_hop_seconds: int = Field(300, ge=10, le=86_400)
    trend_lateness_seconds: int = Field(300, ge=0, le=86_400)
    alerters_file: Path | None = None  # YAML list of webhook destinations; None: alerts go to Kafka and ES only
    alert_webhook_timeout_seconds: float = Field(5.0, gt=0, le=120)
    alert_webhook_max_attempts: int = Field(6, ge=1, le=20)  # then the leader's timer resubmits, up to 3 times

    # Ingest connectors (pantau connectors ...).
    connectors_file: Path = Path("connectors.yaml")
    connectors_state_dir: Path = Path(".pantau/connectors")
    connectors_metrics_port: int = Field(0, ge=0, le=65535, description="Prometheus endpoint port; 0 = off")

    # Local backend (used only when the two addresses above are unset).
    local_data_dir: Path = Path(".pantau/noida")

    @model_validator(mode="after")
    def _secrets_from_files(self) -> "Settings":
        for key in ("kafka_sasl_password", "elasticsearch_api_key", "elasticsearch_password"):
            path = getattr(self, key + "_file")
            if path is not None:
                try:
                    setattr(self, key, SecretStr(Path(path).read_text().strip()))
                except OSError as exc:
                    raise ValueError(f"{key}_file: cannot read {path}: {exc.strerror}") from None
        if self.kafka_security_protocol.startswith("SASL") and not (
            self.kafka_sasl_username and self.kafka_sasl_password
        ):
            raise ValueError(
                f"kafka_security_protocol: {self.kafka_security_protocol} needs "
                f"{env_name('kafka_sasl_username')} and {env_name('kafka_sasl_password')} "
                f"(or {env_name('kafka_sasl_password_file')}). Fix: set them"
            )
        if self.trend_window_seconds % self.trend_hop_seconds:
            raise ValueError(
                f"trend_hop_seconds: the window ({self.trend_window_seconds} s) must be a whole number of hops "
                f"(got {self.trend_hop_seconds} s). Fix: give {env_name('trend_hop_seconds')} a divisor of "
                f"{env_name('trend_window_seconds')}, e.g. {self.trend_window_seconds // 2}"
            )
        if bool(self.elasticsearch_username) != bool(self.elasticsearch_password):
            raise ValueError(
                f"elasticsearch_username: basic auth needs both {env_name('elasticsearch_username')} "
                f"and {env_name('elasticsearch_password')}. Fix: set both or neither"
            )
        return self

    @classmethod
    def settings_customise_sources(
        cls, settings_cls, init_settings, env_settings, dotenv_settings, file_secret_settings
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        sources: list[PydanticBaseSettingsSource] = [init_settings, env_settings]
        config_file = os.environ.get(CONFIG_FILE_ENV)
        if config_file:
            sources.append(YamlConfigSettingsSource(settings_cls, yaml_file=config_file))
        return tuple(sources)

    # Derived names, so that no other module builds them by hand.
    def topic(self, name: str) -> str:
        """Full topic name for ``posts.raw``, ``posts.enriched``, ``alerts`` or ``dlq``."""
        return f"{self.topic_prefix}{name}"

    def index(self, name: str) -> str:
        """Full Elasticsearch index name for ``posts``, ``narratives``, ``alerts`` ...

        ``posts`` names the alias over the monthly posts indices: search it, but write to
        :meth:`posts_index_for`.
        """
        return f"{self.index_prefix}{name}"

    def posts_index_for(self, created_at: str | None) -> str:
        """The monthly posts index, ``<prefix>posts-YYYY.MM.01``, of a post created at ``created_at``.

        ``created_at`` is ISO 8601, taken as UTC unless it says otherwise; the month is the UTC
        month. When it is missing or cannot be parsed, this is the current UTC month's index
        (Elasticsearch then refuses a post whose date it cannot read, and it is dead-lettered).
        Readers search the alias ``index("posts")``; writes by id go here, since a post's
        month never changes.
        """
        try:
            when = datetime.fromisoformat(created_at)
            when = when.astimezone(timezone.utc) if when.tzinfo else when
        except (TypeError, ValueError, OverflowError):
            when = datetime.now(timezone.utc)
        return f"{self.index_prefix}posts-{when.year:04d}.{when.month:02d}.01"

    @property
    def uses_local_backend(self) -> bool:
        return not (self.kafka_bootstrap_servers and self.elasticsearch_url)


def _explain(error: ValidationError) -> str:
    lines = []
    for err in error.errors():
        key = str(err["loc"][0]).lower() if err["loc"] else ""
        msg = err["msg"].removeprefix("Value error, ")
        if not key:  # a model-level check names its key first and its own fix
            key, _, msg = msg.partition(": ")
            lines.append(f"{key} [{env_name(key)}]: {msg}")
            continue
        key = {v.lower(): k for k, v in _UNPREFIXED.items()}.get(key, key)
        if err["type"] == "extra_forbidden":
            lines.append(f"{key}: unknown key. Fix: remove it or check its spelling in README.md")
            continue
        given = f" (got {err['input']!r})" if "input" in err and not isinstance(err["input"], dict) else ""
        if "password" in key or "api_key" in key:
            given = ""  # never echo a secret back
        fix = _FIXES.get(key, "see README.md, Configuration")
        lines.append(f"{key} [{env_name(key)}]{given}: {msg}. Fix: {fix}")
    return "\n  ".join(lines)


def load_settings(**overrides) -> Settings:
    """Read and validate the settings; raise :class:`ConfigError` naming every bad key."""
    config_file = os.environ.get(CONFIG_FILE_ENV)
    if config_file and not Path(config_file).is_file():
        raise ConfigError(f"{CONFIG_FILE_ENV}: file {config_file!r} not found. Fix: point it at a YAML file")
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        raise ConfigError(_explain(exc)) from None
    except Exception as exc:  # a YAML syntax error, for example
        raise ConfigError(f"{CONFIG_FILE_ENV} ({config_file}): {exc}. Fix: correct the YAML") from None
