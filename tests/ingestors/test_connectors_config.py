"""The connectors file: validation at start, errors that name the key path and the fix, secrets by name."""

from datetime import datetime, timezone
from pathlib import Path

import pytest

from ingestors.base import ConnectorOptions, Page, PollingConnector
from ingestors.connectors_config import (ConnectorsConfigError, load_connectors, parse_connectors, secret_values,
                                         select)
from ingestors.file_replay import FileReplayConnector
from ingestors.registry import CONNECTOR_TYPES
from pantau.config import ConfigError

REPO = Path(__file__).resolve().parents[2]
SECRET = "tok-9f8e7d6c5b4a"


class Partner(ConnectorOptions):
    token_env: str


class TokenConnector(PollingConnector):
    type = "token_toy"

    class Options(ConnectorOptions):
        url: str
        token_env: str
        partners: dict[str, Partner] = {}

    def fetch(self, http, checkpoint):
        return Page([], checkpoint)

    def item_id(self, item):
        return str(item)

    def map(self, item):
        return {}


@pytest.fixture(autouse=True)
def token_type(monkeypatch):
    monkeypatch.setitem(CONNECTOR_TYPES, "token_toy", f"{__name__}:TokenConnector")


def errors_of(data, **kwargs) -> str:
    with pytest.raises(ConnectorsConfigError) as caught:
        parse_connectors(data, **kwargs)
    assert isinstance(caught.value, ConfigError)  # so the CLI exits with code 2
    return str(caught.value)


def file_instance(**overrides) -> dict:
    return {"type": "file", "name": "replay", "options": {"paths": ["a.jsonl"]}, **overrides}


def test_the_example_file_is_valid_and_its_file_instance_is_complete():
    (instance,) = load_connectors(REPO / "connectors.example.yaml")
    assert instance.cls is FileReplayConnector
    assert instance.name == "sample-replay"
    assert [str(p) for p in instance.options.paths] == ["data/sample/posts.jsonl", "data/sample/posts.csv"]


def test_every_commented_example_is_valid_once_uncommented():
    import re

    import yaml

    text = re.sub(r"^  # (- type|  )", r"  \1", (REPO / "connectors.example.yaml").read_text(), flags=re.M)
    instances = parse_connectors(yaml.safe_load(text), check_secrets=False)
    shipped = {name for name, where in CONNECTOR_TYPES.items() if where.startswith("ingestors.")}
    assert sorted(instance.config.type for instance in instances) == sorted(shipped)


def test_a_missing_option_is_named_by_its_path_with_the_fix():
    message = errors_of({"connectors": [file_instance(), {"type": "file", "name": "other", "options": {}}]})
    assert message == "connectors[1].options.paths: Field required. Fix: add it (see connectors.example.yaml)"


def test_unknown_type_bad_name_and_unknown_key_are_each_reported():
    message = errors_of({"connectors": [
        {"type": "myspace", "name": "Bad Name!", "options": {}},
        file_instance(name="ok", pollinterval=5),
    ]})
    lines = [line.strip() for line in message.splitlines()]
    assert any(line.startswith("connectors[0].type: unknown connector type 'myspace'. Fix: use one of ")
               for line in lines)
    assert any(line.startswith("connectors[0].name (got 'Bad Name!')") and "lower-case letters" in line
               for line in lines)
    assert any(line.startswith("connectors[1].pollinterval: Extra inputs") and "check its spelling" in line
               for line in lines)


def test_duplicate_names_bad_cron_and_conflicting_timing_are_refused():
    assert "connectors[1].name: 'replay' is already used by connectors[0]" in errors_of(
        {"connectors": [file_instance(), file_instance()]})
    assert "connectors[0].schedule: not a cron expression: 'every day'. Fix: give a cron expression" in errors_of(
        {"connectors": [file_instance(schedule="every day")]})
    assert "connectors[0].poll_interval_seconds: give poll_interval_seconds or schedule, not both" in errors_of(
        {"connectors": [file_instance(schedule="* * * * *", poll_interval_seconds=5)]})
    assert "connectors[0].rate_limit: give requests_per_second or requests_per_minute, not both" in errors_of(
        {"connectors": [file_instance(rate_limit={"requests_per_second": 1, "requests_per_minute": 5})]})


def test_a_missing_secret_variable_is_named_and_its_value_never_echoed():
    data = {"connectors": [{"type": "token_toy", "name": "t",
                            "options": {"url": "http://x", "token_env": "TOY_TOKEN"}}]}
    message = errors_of(data, environ={})
    assert message == ("connectors[0].options.token_env: environment variable TOY_TOKEN is not set. "
                       "Fix: export TOY_TOKEN (or set enabled: false)")
    (instance,) = parse_connectors(data, environ={"TOY_TOKEN": SECRET})
    assert instance.build({"TOY_TOKEN": SECRET}).secret("token_env") == SECRET
    assert parse_connectors(data, environ={}, check_secrets=False)  # list, status, pause need no secrets

    pasted = {"connectors": [{"type": "token_toy", "name": "t", "options": {"url": "u", "token_env": SECRET + " x"}}]}
    message = errors_of(pasted, environ={})
    assert "connectors[0].options.token_env: must name an environment variable" in message
    assert SECRET not in message


def test_nested_secret_options_are_checked_and_known_for_scrubbing():
    data = {"connectors": [{"type": "token_toy", "name": "t", "options": {
        "url": "u", "token_env": "TOY_TOKEN", "partners": {"acme": {"token_env": "ACME_TOKEN"}}}}]}
    message = errors_of(data, environ={"TOY_TOKEN": SECRET})
    assert message == ("connectors[0].options.partners.acme.token_env: environment variable ACME_TOKEN is not set. "
                       "Fix: export ACME_TOKEN (or set enabled: false)")
    environ = {"TOY_TOKEN": SECRET, "ACME_TOKEN": "acme-" + SECRET}
    instances = parse_connectors(data, environ=environ)
    assert instances[0].secret_variables() == ["TOY_TOKEN", "ACME_TOKEN"]
    assert secret_values(instances, environ) == {SECRET, "acme-" + SECRET}


def test_a_wrong_type_for_a_secret_option_does_not_echo_it():
    data = {"connectors": [{"type": "token_toy", "name": "t", "options": {"url": "u", "token_env": [SECRET]}}]}
    message = errors_of(data, environ={})
    assert "connectors[0].options.token_env" in message and SECRET not in message


def test_yaml_errors_and_missing_file_say_what_to_do(tmp_path):
    with pytest.raises(ConnectorsConfigError, match="not found. Fix: create it"):
        load_connectors(tmp_path / "nope.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("connectors:\n  - type: file\n   name: x\n")
    with pytest.raises(ConnectorsConfigError, match=r"not valid YAML at line \d+, column \d+. Fix: correct the YAML"):
        load_connectors(bad)


def test_defaults_rate_limit_and_next_poll_by_interval_or_schedule():
    (every, cron) = parse_connectors({"connectors": [
        file_instance(name="every", poll_interval_seconds=90, rate_limit={"requests_per_minute": 30, "burst": 2}),
        file_instance(name="cron", schedule="0 7 * * *", timezone="Asia/Jakarta"),
    ]})
    assert every.config.rate_limit.per_second == 0.5 and every.config.rate_limit.burst == 2
    assert cron.config.rate_limit.per_second == 1.0 and cron.config.retry.max_backoff_seconds == 300
    now = datetime(2026, 11, 30, 1, 0, tzinfo=timezone.utc)  # 08:00 in Jakarta (UTC+7)
    assert (every.config.next_poll(now) - now).total_seconds() == 90
    assert cron.config.next_poll(now).astimezone(timezone.utc) == datetime(2026, 12, 1, 0, 0, tzinfo=timezone.utc)


def test_select_returns_enabled_instances_or_names_an_unknown_one():
    instances = parse_connectors({"connectors": [file_instance(), file_instance(name="off", enabled=False)]})
    assert [i.name for i in select(instances, None)] == ["replay"]
    assert [i.name for i in select(instances, ["off"])] == ["off"]
    with pytest.raises(ConnectorsConfigError, match="no connector named 'nope'.*Fix: use one of off, replay"):
        select(instances, ["nope"])
