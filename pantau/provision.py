"""Creates what the pipeline needs on the backends: topics, index templates, indices (idempotent),
after waiting for the backends to answer."""

from __future__ import annotations

import logging
from urllib.parse import urlsplit, urlunsplit

from elastic_transport import TransportError
from elasticsearch import ApiError
from kafka import KafkaAdminClient
from kafka.errors import KafkaError
from tenacity import Retrying, before_sleep_log, retry_if_exception, stop_after_delay, wait_exponential

from dashboards.elasticsearch import IndicesReport, ensure_indices
from pantau.clients import elasticsearch_client, kafka_python_config
from pantau.config import Settings
from streams.topics import ensure_topics

log = logging.getLogger(__name__)


class ClusterUnavailable(RuntimeError):
    """Elasticsearch or Kafka did not answer; the message names the address, never a credential."""

    def __init__(self, message: str, *, final: bool = False):
        super().__init__(message)
        self.final = final  # waiting longer cannot help (the credentials were refused)


def provision(settings: Settings) -> IndicesReport:
    """Create the topics and indices that are missing, put the templates; report the indices' part."""
    ensure_topics(settings)
    with elasticsearch_client(settings) as es:
        return ensure_indices(es, settings)


def safe_address(url: str | None) -> str:
    """``url`` without any user:password, for messages."""
    parts = urlsplit(url or "")
    return urlunsplit(parts._replace(netloc=parts.netloc.rpartition("@")[2]))


def _check_elasticsearch(es, settings: Settings) -> None:
    where = f"Elasticsearch at {safe_address(settings.elasticsearch_url)}"
    try:
        health = es.cluster.health(wait_for_status="yellow", timeout="5s")
    except ApiError as exc:
        if exc.meta.status == 408:  # the health request's own timeout: still red
            raise ClusterUnavailable(f"{where} is not yet yellow") from None
        refused = exc.meta.status in (401, 403)
        raise ClusterUnavailable(f"{where} answered HTTP {exc.meta.status}"
                                 f"{' (check the credentials)' if refused else ''}", final=refused) from None
    except TransportError as exc:
        raise ClusterUnavailable(f"{where} does not answer ({type(exc).__name__})") from None
    if health.get("status") not in ("yellow", "green"):
        raise ClusterUnavailable(f"{where} is {health.get('status')}, not yet yellow")


def _check_kafka(settings: Settings) -> None:
    try:
        KafkaAdminClient(**kafka_python_config(settings), client_id="pantau-setup",
                         request_timeout_ms=5000, bootstrap_timeout_ms=5000).close()
    except (KafkaError, OSError) as exc:
        raise ClusterUnavailable(f"Kafka at {settings.kafka_bootstrap_servers} does not answer "
                                 f"({type(exc).__name__})") from None


def wait_for_cluster(settings: Settings, timeout: float = 120.0) -> None:
    """Return once Elasticsearch's health is at least yellow and Kafka answers; after ``timeout``
    seconds raise the last :class:`ClusterUnavailable`."""
    retrying = Retrying(stop=stop_after_delay(timeout), wait=wait_exponential(multiplier=0.5, max=5),
                        retry=retry_if_exception(lambda exc: isinstance(exc, ClusterUnavailable) and not exc.final),
                        before_sleep=before_sleep_log(log, logging.INFO), reraise=True)
    with elasticsearch_client(settings) as es:
        quick = es.options(request_timeout=10, max_retries=0)
        for attempt in retrying:
            with attempt:
                _check_elasticsearch(quick, settings)
                _check_kafka(settings)
