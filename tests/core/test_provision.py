"""``pantau setup`` waits for the cluster, and gives up naming the address, never a credential."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from pantau.cli import app
from pantau.local_backend import free_port
from pantau.provision import safe_address, wait_for_cluster


def test_addresses_lose_their_credentials():
    assert safe_address("https://elastic:rahasia@es.example.org:9200") == "https://es.example.org:9200"
    assert safe_address("http://localhost:9200") == "http://localhost:9200"


def test_wait_returns_at_once_when_both_answer(settings):
    wait_for_cluster(settings, timeout=5)


@pytest.mark.parametrize("variable, address, named", [
    ("ELASTICSEARCH_URL", "http://elastic:rahasia@127.0.0.1:{port}", "Elasticsearch at http://127.0.0.1:{port}"),
    ("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:{port}", "Kafka at 127.0.0.1:{port}"),
])
def test_setup_gives_up_naming_what_does_not_answer_without_the_password(settings, monkeypatch, variable, address,
                                                                        named):
    port = free_port()
    monkeypatch.setenv(variable, address.format(port=port))
    result = CliRunner().invoke(app, ["setup", "--no-kibana", "--wait", "1"])
    assert result.exit_code == 1, result.output
    assert f"{named.format(port=port)} does not answer" in result.output
    assert "waited 1 s" in result.output and "rahasia" not in result.output
