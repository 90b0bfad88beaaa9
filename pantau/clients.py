"""Kafka and Elasticsearch clients built from the settings, with auth and TLS applied in one place."""

from __future__ import annotations

import ssl
from typing import Any

from elasticsearch import AsyncElasticsearch, Elasticsearch

from pantau.config import ConfigError, Settings, env_name


def _require(value: str | None, key: str) -> str:
    if not value:
        raise ConfigError(f"{key} [{env_name(key)}]: not set and no local backend started. Fix: set it")
    return value


def kafka_python_config(settings: Settings) -> dict[str, Any]:
    """Keyword arguments for kafka-python's producer, consumer and admin clients."""
    config: dict[str, Any] = {
        "bootstrap_servers": _require(settings.kafka_bootstrap_servers, "kafka_bootstrap_servers").split(","),
        "security_protocol": settings.kafka_security_protocol,
    }
    if settings.kafka_security_protocol.startswith("SASL"):
        config.update(
            sasl_mechanism=settings.kafka_sasl_mechanism,
            sasl_plain_username=settings.kafka_sasl_username,
            sasl_plain_password=settings.kafka_sasl_password.get_secret_value(),
        )
    if settings.kafka_ssl_cafile:
        config["ssl_cafile"] = str(settings.kafka_ssl_cafile)
    return config


def faust_broker_options(settings: Settings) -> dict[str, Any]:
    """``faust.App`` keyword arguments for the broker address and credentials."""
    servers = _require(settings.kafka_bootstrap_servers, "kafka_bootstrap_servers")
    options: dict[str, Any] = {"broker": ";".join(f"kafka://{s.strip()}" for s in servers.split(","))}
    protocol = settings.kafka_security_protocol
    context = None
    if protocol in ("SSL", "SASL_SSL"):
        context = ssl.create_default_context(cafile=str(settings.kafka_ssl_cafile) if settings.kafka_ssl_cafile else None)
    if protocol.startswith("SASL"):
        import faust

        options["broker_credentials"] = faust.SASLCredentials(
            username=settings.kafka_sasl_username,
            password=settings.kafka_sasl_password.get_secret_value(),
            mechanism=settings.kafka_sasl_mechanism,
            ssl_context=context,
        )
    elif context is not None:
        options["broker_credentials"] = context
    return options


def _elasticsearch_options(settings: Settings) -> dict[str, Any]:
    options: dict[str, Any] = {
        "hosts": [_require(settings.elasticsearch_url, "elasticsearch_url")],
        "request_timeout": 30,
        "max_retries": 3,
        "retry_on_timeout": True,
    }
    if settings.elasticsearch_api_key:
        options["api_key"] = settings.elasticsearch_api_key.get_secret_value()
    elif settings.elasticsearch_username:
        options["basic_auth"] = (settings.elasticsearch_username, settings.elasticsearch_password.get_secret_value())
    if settings.elasticsearch_ca_certs:
        options["ca_certs"] = str(settings.elasticsearch_ca_certs)
    if not settings.elasticsearch_verify_certs:
        options["verify_certs"] = False
    return options


def elasticsearch_client(settings: Settings) -> Elasticsearch:
    """A synchronous client, for set-up, the CLI and tests."""
    return Elasticsearch(**_elasticsearch_options(settings))


def async_elasticsearch_client(settings: Settings) -> AsyncElasticsearch:
    """An asyncio client, for the index agent."""
    return AsyncElasticsearch(**_elasticsearch_options(settings))
