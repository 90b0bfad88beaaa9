"""The connectors file: which connector instances run, how often, how fast, and with which options.

One YAML file (``PANTAU_CONNECTORS_FILE``, default ``connectors.yaml``) lists the instances::

    connectors:
      - type: rss                    # a name from ingestors.registry.CONNECTOR_TYPES
        name: cekfakta-feeds         # unique, [a-z0-9_-]
        enabled: true                # default true
        poll_interval_seconds: 300   # or schedule: "*/15 * * * *" (cron, in `timezone`, default UTC)
        rate_limit: {requests_per_minute: 30, burst: 5}   # or requests_per_second; default 1/s, burst 5
        retry: {initial_backoff_seconds: 1, max_backoff_seconds: 600}
        options:                     # checked by the connector class's Options model
          feeds: [https://example.org/feed.xml]
          token_env: EXAMPLE_TOKEN   # a secret: the NAME of an environment variable, never its value

Everything is checked at start (:func:`load_connectors`). A problem raises
:class:`ConnectorsConfigError` (a :class:`pantau.config.ConfigError`, so the CLI exits with code
2) with one line per problem naming the key path and the fix, for example
``connectors[2].options.feeds: Field required. Fix: add it (see connectors.example.yaml)``.
Messages never repeat the value of an ``..._env`` option or of a secret variable.

There is no give-up policy: a poll loop never gives up, it backs off (exponentially, with
jitter, up to ``max_backoff_seconds``, or as long as a 429's Retry-After asks) and tries again.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Iterator, Mapping
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from croniter import croniter
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from ingestors.base import Connector, ConnectorOptions
from ingestors.registry import CONNECTOR_TYPES, connector_class
from pantau.config import ConfigError

NAME_PATTERN = r"^[a-z0-9_-]+$"
DEFAULT_POLL_INTERVAL_SECONDS = 300.0
_VARIABLE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_NAMED = re.compile(r"^([a-z_]+): (.*)$", re.S)
_SENSITIVE = re.compile(r"(_env$|secret|token|password|passwd|api_key|apikey|credential)", re.I)
_EXAMPLE = "connectors.example.yaml"

# Fixes by pydantic error type, then by the last key of the path; the rest point at the example.
_FIX_BY_TYPE = {
    "missing": f"add it (see {_EXAMPLE})",
    "extra_forbidden": "remove it or check its spelling",
    "string_pattern_mismatch": "use lower-case letters, digits, '_' or '-' only",
}
_FIX_BY_KEY = {
    "type": f"use one of {', '.join(sorted(CONNECTOR_TYPES))}",
    "schedule": "give a cron expression of 5 fields, e.g. '*/15 * * * *'",
    "timezone": "give an IANA zone name such as UTC or Asia/Jakarta",
    "poll_interval_seconds": "give seconds, more than 0 and at most 604800 (a week)",
    "burst": "give a whole number of requests from 1 to 10000",
}


class ConnectorsConfigError(ConfigError):
    """A bad connectors file; the message names each key path and its fix (exit code 2)."""


class RateLimit(BaseModel):
    """A token bucket: refills at the given rate, holds at most ``burst`` requests."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    requests_per_second: float | None = Field(None, gt=0, le=1000)
    requests_per_minute: float | None = Field(None, gt=0, le=60_000)
    burst: int = Field(5, ge=1, le=10_000)

    @model_validator(mode="after")
    def _one_rate(self) -> "RateLimit":
        if self.requests_per_second and self.requests_per_minute:
            raise ValueError("give requests_per_second or requests_per_minute, not both")
        return self

    @property
    def per_second(self) -> float:
        """The refill rate in requests per second (default 1)."""
        if self.requests_per_minute:
            return self.requests_per_minute / 60
        return self.requests_per_second or 1.0


class Retry(BaseModel):
    """Backoff after a failed fetch: exponential with jitter, from ``initial`` up to ``max``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    initial_backoff_seconds: float = Field(1.0, gt=0, le=3600)
    max_backoff_seconds: float = Field(300.0, gt=0, le=86_400)

    @model_validator(mode="after")
    def _ordered(self) -> "Retry":
        if self.max_backoff_seconds < self.initial_backoff_seconds:
            raise ValueError("max_backoff_seconds is below initial_backoff_seconds")
        return self


class ConnectorConfig(BaseModel):
    """One instance in the connectors file (options are checked separately, by the type's model)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    type: str
    name: str = Field(pattern=NAME_PATTERN, max_length=64)
    enabled: bool = True
    poll_interval_seconds: float | None = Field(None, gt=0, le=604_800)
    schedule: str | None = None
    timezone: str = "UTC"
    rate_limit: RateLimit = RateLimit()
    retry: Retry = Retry()
    options: dict[str, Any] = {}

    @field_validator("type")
    @classmethod
    def _known_type(cls, value: str) -> str:
        if value not in CONNECTOR_TYPES:
            raise ValueError(f"unknown connector type {value!r}")
        return value

    @field_validator("schedule")
    @classmethod
    def _cron(cls, value: str | None) -> str | None:
        if value is not None and not croniter.is_valid(value):
            raise ValueError(f"not a cron expression: {value!r}")
        return value

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r}") from None
        return value

    @model_validator(mode="after")
    def _one_timing(self) -> "ConnectorConfig":
        if self.poll_interval_seconds is not None and self.schedule is not None:
            raise ValueError("poll_interval_seconds: give poll_interval_seconds or schedule, not both")
        return self

    def next_poll(self, after: datetime) -> datetime:
        """When the next poll is due after ``after`` (an aware datetime), by interval or schedule."""
        if self.schedule:
            local = after.astimezone(ZoneInfo(self.timezone))
            return croniter(self.schedule, local).get_next(datetime)
        return after + timedelta(seconds=self.poll_interval_seconds or DEFAULT_POLL_INTERVAL_SECONDS)


class ConnectorsFile(BaseModel):
    """The whole file: a list of instances (names are checked for uniqueness in parse_connectors)."""

    model_config = ConfigDict(extra="forbid")

    connectors: list[ConnectorConfig] = []


@dataclass(frozen=True)
class Instance:
    """A validated connector instance: its config, its class and its checked options."""

    config: ConnectorConfig
    cls: type[Connector]
    options: ConnectorOptions

    @property
    def name(self) -> str:
        return self.config.name

    def build(self, environ: Mapping[str, str] | None = None) -> Connector:
        """A connector object for this instance, reading secrets from ``environ`` (default os.environ)."""
        return self.cls(name=self.name, options=self.options,
                        environ=dict(os.environ if environ is None else environ))

    def secret_variables(self) -> list[str]:
        """The environment variables named by this instance's ``..._env`` options."""
        return secret_variables(self.options)


def _env_options(value: Any, path: str = "options") -> Iterator[tuple[str, Any]]:
    """(key path, value) of every option ending in ``_env``, at any depth (``partners.acme.token_env``)."""
    if isinstance(value, BaseModel):
        for key in type(value).model_fields:
            item = getattr(value, key)
            if key.endswith("_env"):
                yield f"{path}.{key}", item
            else:
                yield from _env_options(item, f"{path}.{key}")
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _env_options(item, f"{path}.{key}")
    elif isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            yield from _env_options(item, f"{path}[{index}]")


def secret_variables(options: BaseModel) -> list[str]:
    """The variable names held by every ``..._env`` option, nested ones included; unset ones skipped."""
    return [value for _, value in _env_options(options) if isinstance(value, str) and value]


def secret_values(instances: list[Instance], environ: Mapping[str, str] | None = None) -> set[str]:
    """The secrets themselves (values of the variables the instances name), for scrubbing output."""
    environ = os.environ if environ is None else environ
    return {environ[v] for i in instances for v in i.secret_variables() if environ.get(v)}


def _where(loc: tuple) -> str:
    path = ""
    for part in loc:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path


def _explain(error: ValidationError, prefix: str = "") -> list[str]:
    lines = []
    for err in error.errors():
        loc = tuple(err["loc"])
        message = err["msg"].removeprefix("Value error, ")
        named = _NAMED.match(message) if err["type"] == "value_error" else None
        if named:  # a model check that names its own key first
            loc, message = (*loc, named[1]), named[2]
        path = _where(loc)
        path = f"{prefix}.{path}" if prefix and path else (prefix or path)
        last = str(loc[-1]) if loc else ""
        given = ""  # our own (value_error) messages already quote what they may quote
        quotable = "input" in err and not isinstance(err["input"], (dict, list)) and not _SENSITIVE.search(path)
        if quotable and err["type"] not in ("value_error", "missing", "extra_forbidden"):
            given = f" (got {str(err['input'])[:80]!r})"
        fix = _FIX_BY_TYPE.get(err["type"]) or _FIX_BY_KEY.get(last) or f"see {_EXAMPLE}"
        lines.append(f"{path}{given}: {message}. Fix: {fix}")
    return lines


def _check_secrets(where: str, options: BaseModel, environ: Mapping[str, str]) -> list[str]:
    problems = []
    for path, value in _env_options(options, f"{where}.options"):
        if value is None:
            continue
        if not isinstance(value, str) or not _VARIABLE.match(value):
            # Never echo the value: someone may have pasted the secret itself here.
            problems.append(f"{path}: must name an environment variable (letters, digits, '_'), not hold the "
                            f"secret. Fix: export the secret as a variable and put its name here")
        elif not environ.get(value):
            problems.append(f"{path}: environment variable {value} is not set. Fix: export {value} "
                            f"(or set enabled: false)")
    return problems


def parse_connectors(data: Any, *, environ: Mapping[str, str] | None = None,
                     check_secrets: bool = True) -> list[Instance]:
    """Validate a decoded connectors file; raise :class:`ConnectorsConfigError` listing every problem.

    ``check_secrets`` also requires the variable named by each ``..._env`` option of every
    enabled instance to be set (the runner and ``connectors test`` need them; ``list``,
    ``status``, ``pause`` and ``resume`` do not).
    """
    environ = os.environ if environ is None else environ
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConnectorsConfigError(f"connectors file: expected a mapping with a 'connectors' list, "
                                    f"got {type(data).__name__}. Fix: start the file with 'connectors:'")
    try:
        parsed = ConnectorsFile.model_validate(data)
    except ValidationError as exc:
        raise ConnectorsConfigError("\n  ".join(_explain(exc))) from None
    problems: list[str] = []
    instances: list[Instance] = []
    first_seen: dict[str, int] = {}
    for index, config in enumerate(parsed.connectors):
        where = f"connectors[{index}]"
        if config.name in first_seen:
            problems.append(f"{where}.name: {config.name!r} is already used by connectors[{first_seen[config.name]}]. "
                            f"Fix: give each instance its own name")
            continue
        first_seen[config.name] = index
        cls = connector_class(config.type)
        try:
            options = cls.Options.model_validate(config.options)
        except ValidationError as exc:
            problems.extend(_explain(exc, f"{where}.options"))
            continue
        if check_secrets and config.enabled:
            problems.extend(_check_secrets(where, options, environ))
        instances.append(Instance(config, cls, options))
    if problems:
        raise ConnectorsConfigError("\n  ".join(problems))
    return instances


def load_connectors(path: Path, *, environ: Mapping[str, str] | None = None,
                    check_secrets: bool = True) -> list[Instance]:
    """Read and validate the connectors file at ``path`` (see :func:`parse_connectors`)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConnectorsConfigError(f"connectors file {str(path)!r} not found. Fix: create it (start from "
                                    f"{_EXAMPLE}) or point PANTAU_CONNECTORS_FILE / --file at it") from None
    except OSError as exc:
        raise ConnectorsConfigError(f"connectors file {str(path)!r}: {exc.strerror}. Fix: make it readable") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise ConnectorsConfigError(f"connectors file {str(path)!r}: not valid YAML{at}. "
                                    f"Fix: correct the YAML") from None
    return parse_connectors(data, environ=environ, check_secrets=check_secrets)


def select(instances: list[Instance], names: list[str] | None) -> list[Instance]:
    """The instances called ``names`` (all enabled ones when none are given); unknown names are an error."""
    if not names:
        return [i for i in instances if i.config.enabled]
    by_name = {i.name: i for i in instances}
    unknown = [n for n in names if n not in by_name]
    if unknown:
        raise ConnectorsConfigError(f"no connector named {', '.join(map(repr, unknown))} in the connectors file. "
                                    f"Fix: use one of {', '.join(sorted(by_name)) or '(none defined)'}")
    return [by_name[n] for n in names]
