"""Configuration: environment and YAML, validated at start, errors that name the key and the fix."""

from __future__ import annotations

import subprocess
import sys
from datetime import datetime, timezone

import pytest

from pantau.config import ConfigError, Settings, env_name, load_settings


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch):
    for name in ("KAFKA_BOOTSTRAP_SERVERS", "ELASTICSEARCH_URL", "PANTAU_CONFIG"):
        monkeypatch.delenv(name, raising=False)
    for key in Settings.model_fields:
        monkeypatch.delenv(env_name(key), raising=False)


def test_defaults_use_the_local_backend_and_unprefixed_names():
    settings = load_settings()
    assert settings.uses_local_backend
    assert settings.topic("posts.raw") == "posts.raw"
    assert settings.index("posts") == "pantau-posts"


def test_posts_go_to_the_index_of_their_utc_month():
    settings = load_settings()
    assert settings.posts_retention_days == 365
    assert settings.posts_index_for("2026-11-02T08:00:00Z") == "pantau-posts-2026.11.01"
    assert settings.posts_index_for("2026-11-30T23:30:00-05:00") == "pantau-posts-2026.12.01"  # UTC: December
    assert settings.posts_index_for("2026-02-01T03:00:00+07:00") == "pantau-posts-2026.01.01"
    assert settings.posts_index_for("2026-11-02T08:00:00") == "pantau-posts-2026.11.01"  # naive: UTC
    now = datetime.now(timezone.utc)
    for unreadable in (None, "", "kemarin", 1764547200):  # the current month's, where ES refuses it
        assert settings.posts_index_for(unreadable) == f"pantau-posts-{now:%Y.%m}.01"


def test_environment_overrides_yaml_file(monkeypatch, tmp_path):
    config = tmp_path / "pantau.yaml"
    config.write_text("topic_prefix: staging.\ntopic_partitions: 8\nkafka_bootstrap_servers: kafka:9092\n")
    monkeypatch.setenv("PANTAU_CONFIG", str(config))
    monkeypatch.setenv("PANTAU_TOPIC_PARTITIONS", "12")
    settings = load_settings()
    assert settings.topic("dlq") == "staging.dlq"
    assert settings.topic_partitions == 12
    assert settings.kafka_bootstrap_servers == "kafka:9092"


@pytest.mark.parametrize("variable, value, expected", [
    ("PANTAU_TOPIC_PARTITIONS", "banyak", "topic_partitions [PANTAU_TOPIC_PARTITIONS] (got 'banyak')"),
    ("PANTAU_TOPIC_PARTITIONS", "0", "Fix: give a whole number from 1 to 1000"),
    ("PANTAU_KAFKA_SECURITY_PROTOCOL", "TLS", "Fix: use one of PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL"),
    ("PANTAU_INDEX_PREFIX", "Pantau ", "index_prefix [PANTAU_INDEX_PREFIX]"),
    ("PANTAU_BATCH_WITHIN_SECONDS", "-1", "batch_within_seconds"),
    ("PANTAU_KAFKA_SECURITY_PROTOCOL", "SASL_SSL", "needs PANTAU_KAFKA_SASL_USERNAME"),
    ("PANTAU_POSTS_RETENTION_DAYS", "0", "posts_retention_days [PANTAU_POSTS_RETENTION_DAYS] (got '0')"),
    ("PANTAU_POSTS_RETENTION_DAYS", "selamanya", "Fix: give whole days from 1 to 36500"),
])
def test_bad_values_fail_naming_the_key(monkeypatch, variable, value, expected):
    monkeypatch.setenv(variable, value)
    with pytest.raises(ConfigError) as caught:
        load_settings()
    assert expected in str(caught.value)


def test_unknown_yaml_key_and_missing_file_are_reported(monkeypatch, tmp_path):
    config = tmp_path / "pantau.yaml"
    config.write_text("topic_partitons: 4\n")
    monkeypatch.setenv("PANTAU_CONFIG", str(config))
    with pytest.raises(ConfigError, match="topic_partitons: unknown key"):
        load_settings()
    monkeypatch.setenv("PANTAU_CONFIG", str(tmp_path / "missing.yaml"))
    with pytest.raises(ConfigError, match="PANTAU_CONFIG: file .* not found"):
        load_settings()


def test_secrets_come_from_files_and_never_show(monkeypatch, tmp_path):
    secret_file = tmp_path / "es-password"
    secret_file.write_text("rahasia-sekali\n")
    monkeypatch.setenv("PANTAU_ELASTICSEARCH_USERNAME", "elastic")
    monkeypatch.setenv("PANTAU_ELASTICSEARCH_PASSWORD_FILE", str(secret_file))
    settings = load_settings()
    assert settings.elasticsearch_password.get_secret_value() == "rahasia-sekali"
    assert "rahasia" not in repr(settings) and "rahasia" not in str(settings.model_dump())


def test_a_bad_secret_value_is_not_echoed(monkeypatch):
    monkeypatch.setenv("PANTAU_ELASTICSEARCH_PASSWORD", "rahasia-sekali")  # username missing
    with pytest.raises(ConfigError) as caught:
        load_settings()
    assert "rahasia" not in str(caught.value)
    assert "PANTAU_ELASTICSEARCH_USERNAME" in str(caught.value)


def test_the_command_fails_fast_with_exit_code_2_and_the_key(monkeypatch):
    monkeypatch.setenv("PANTAU_TOPIC_PARTITIONS", "lots")
    done = subprocess.run([sys.executable, "-m", "pantau", "setup"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert "PANTAU_TOPIC_PARTITIONS" in done.stderr
    assert "Traceback" not in done.stderr
