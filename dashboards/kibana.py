"""Imports pantau's Kibana saved objects (data views, Lens visualizations, saved searches,
dashboards) from the NDJSON files in ``dashboards/kibana/``.

:func:`import_saved_objects` waits until Kibana's ``/api/status`` says it is available, then
posts each file to the saved objects import API with ``overwrite=true``, so running it again
replaces pantau's objects with the shipped ones (idempotent). The objects have fixed ids
(``pantau-posts`` ... for the data views, ``pantau-hoax-overview`` ... for the dashboards) and
assume the default index prefix ``pantau-``.

Credentials are those of Elasticsearch (Kibana accepts Elasticsearch users and API keys): a
username and password, or an API key (the encoded ``id:api_key`` form Elasticsearch returns).
They are sent only in the ``Authorization`` header and never appear in a log line or an error.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import Any, Callable, Iterable
from urllib.parse import urlsplit, urlunsplit

import httpx

log = logging.getLogger(__name__)

SAVED_OBJECTS_DIR = Path(__file__).parent / "kibana"
#: Imported in this order: the data views before the objects that refer to them.
SAVED_OBJECT_FILES = (
    "data-views.ndjson",
    "hoax-overview.ndjson",
    "narrative-drilldown.ndjson",
    "trending-alerts.ndjson",
    "ingest-health.ndjson",
)
DASHBOARD_IDS = (
    "pantau-hoax-overview",
    "pantau-narrative-drilldown",
    "pantau-trending-alerts",
    "pantau-ingest-health",
)


class KibanaError(RuntimeError):
    """Kibana could not be reached in time, or refused the saved objects."""


class KibanaNotReady(KibanaError, TimeoutError):
    """Kibana did not report itself available before the timeout."""


class KibanaImportError(KibanaError):
    """Kibana's import API refused some or all of a file's objects; ``errors`` is its list."""

    def __init__(self, message: str, errors: list[dict] | None = None, status_code: int | None = None):
        super().__init__(message)
        self.errors = errors or []
        self.status_code = status_code


def default_files() -> list[Path]:
    """The shipped NDJSON files, in import order."""
    return [SAVED_OBJECTS_DIR / name for name in SAVED_OBJECT_FILES]


def _secret(value: Any) -> str | None:
    """A plain string from a str or pydantic SecretStr (None stays None)."""
    if value is None:
        return None
    getter = getattr(value, "get_secret_value", None)
    return getter() if callable(getter) else str(value)


def _split_url(kibana_url: str) -> tuple[str, tuple[str, str] | None]:
    """(the URL without user:password@, (user, password) if it had them)."""
    parts = urlsplit(kibana_url.strip())
    if not parts.scheme or not parts.hostname:
        raise ValueError("kibana_url must be an absolute URL such as http://localhost:5601")
    userinfo = None
    if parts.username is not None:
        userinfo = (parts.username, parts.password or "")
    netloc = parts.hostname if ":" not in parts.hostname else f"[{parts.hostname}]"
    if parts.port is not None:
        netloc += f":{parts.port}"
    return urlunsplit((parts.scheme, netloc, parts.path.rstrip("/"), "", "")), userinfo


def _headers_and_auth(username, password, api_key, url_userinfo) -> tuple[dict, httpx.Auth | None]:
    headers = {"kbn-xsrf": "true"}
    key = _secret(api_key)
    if key:
        headers["Authorization"] = f"ApiKey {key}"
        return headers, None
    if username:
        return headers, httpx.BasicAuth(username, _secret(password) or "")
    if url_userinfo:
        return headers, httpx.BasicAuth(*url_userinfo)
    return headers, None


def _redact(value: Any, secrets: Iterable[str | None]) -> Any:
    """``value`` (a str, or lists and dicts of them) with every secret replaced by ``***``."""
    secrets = [s for s in secrets if s]
    if isinstance(value, str):
        for secret in secrets:
            value = value.replace(secret, "***")
        return value
    if isinstance(value, dict):
        return {k: _redact(v, secrets) for k, v in value.items()}
    if isinstance(value, list):
        return [_redact(v, secrets) for v in value]
    return value


def kibana_status(body: Any) -> tuple[bool, str]:
    """(ready, a short description) from an ``/api/status`` answer.

    Ready when the overall level is ``available``, or ``degraded`` while the saved objects
    service is available (a degraded plugin, e.g. reporting without a browser, does not stop
    imports). Kibana 7's ``state: green`` form is understood too.
    """
    status = body.get("status") if isinstance(body, dict) else None
    overall = status.get("overall") if isinstance(status, dict) else None
    if not isinstance(overall, dict):
        return False, "no status in the answer"
    level = overall.get("level")
    if level is None and "state" in overall:  # Kibana 7.x
        return overall["state"] == "green", f"state {overall['state']}"
    if level == "available":
        return True, "available"
    core = status.get("core") if isinstance(status.get("core"), dict) else {}
    saved_objects = core.get("savedObjects") if isinstance(core.get("savedObjects"), dict) else {}
    if level == "degraded" and saved_objects.get("level") == "available":
        return True, "degraded, saved objects available"
    summary = overall.get("summary")
    return False, f"{level}" + (f": {summary}" if summary else "")


def wait_for_kibana(client: httpx.Client, base: str, *, timeout: float, poll_interval: float,
                    secrets: Iterable[str | None] = (), clock: Callable[[], float] = time.monotonic,
                    sleep: Callable[[float], None] = time.sleep) -> None:
    """Poll ``/api/status`` until Kibana is ready; raise :class:`KibanaNotReady` after ``timeout``."""
    deadline = clock() + timeout
    last = "no answer yet"
    while True:
        try:
            response = client.get(f"{base}/api/status")
            if response.status_code == 401 or response.status_code == 403:
                raise KibanaError(f"Kibana at {base} refused the credentials "
                                  f"(HTTP {response.status_code} from /api/status)")
            try:
                ready, last = kibana_status(response.json())
            except ValueError:
                ready, last = False, f"HTTP {response.status_code}, not JSON"
            if ready and response.status_code == 200:
                log.info("Kibana at %s is ready (%s)", base, last)
                return
            last = f"HTTP {response.status_code}, {last}"
        except httpx.HTTPError as exc:
            last = _redact(f"{type(exc).__name__}: {exc}", secrets)
        if clock() >= deadline:
            raise KibanaNotReady(f"Kibana at {base} was not available after {timeout:g}s "
                                 f"(last: {last})")
        log.info("waiting for Kibana at %s (%s)", base, last)
        sleep(poll_interval)


def _describe_errors(errors: list[dict]) -> str:
    lines = []
    for error in errors[:20]:
        if not isinstance(error, dict):
            lines.append(f"  {error!r}")
            continue
        detail = error.get("error") if isinstance(error.get("error"), dict) else {}
        kind = detail.get("type", "error")
        line = f"  {error.get('type')} {error.get('id')}"
        if error.get("title") or (error.get("meta") or {}).get("title"):
            line += f" ({error.get('title') or error['meta']['title']})"
        line += f": {kind}"
        if kind == "missing_references":
            refs = ", ".join(f"{r.get('type')}/{r.get('id')}" for r in detail.get("references") or [])
            line += f" [{refs}]"
        elif detail.get("message") or detail.get("reason"):
            line += f": {detail.get('message') or detail.get('reason')}"
        lines.append(line)
    if len(errors) > 20:
        lines.append(f"  ... and {len(errors) - 20} more")
    return "\n".join(lines)


def import_file(client: httpx.Client, base: str, path: Path, *, secrets: Iterable[str | None] = ()) -> int:
    """POST one NDJSON file to the import API with overwrite; the number of objects imported."""
    content = path.read_bytes()
    try:
        response = client.post(
            f"{base}/api/saved_objects/_import",
            params={"overwrite": "true"},
            files={"file": (path.name, content, "application/ndjson")},
        )
    except httpx.HTTPError as exc:
        raise KibanaImportError(_redact(f"importing {path.name} into Kibana at {base} failed: "
                                        f"{type(exc).__name__}: {exc}", secrets)) from None
    try:
        body = response.json()
    except ValueError:
        body = None
    if response.status_code != 200 or not isinstance(body, dict):
        message = body.get("message") if isinstance(body, dict) else response.text[:500]
        raise KibanaImportError(
            _redact(f"Kibana at {base} refused {path.name}: HTTP {response.status_code}: {message}", secrets),
            status_code=response.status_code)
    errors = _redact(body.get("errors") or [], secrets)
    if not body.get("success") or errors:
        raise KibanaImportError(
            _redact(f"Kibana at {base} imported {body.get('successCount', 0)} object(s) of "
                    f"{path.name} and refused {len(errors)}:\n{_describe_errors(errors)}", secrets),
            errors=errors, status_code=response.status_code)
    return int(body.get("successCount") or 0)


def import_saved_objects(
    kibana_url: str,
    *,
    username: str | None = None,
    password: Any = None,
    api_key: Any = None,
    files: Iterable[str | Path] | None = None,
    space: str | None = None,
    timeout: float = 300.0,
    poll_interval: float = 2.0,
    request_timeout: float = 60.0,
    verify: bool | str = True,
) -> dict[str, int]:
    """Wait for Kibana at ``kibana_url``, then import ``files`` (default: the shipped ones)
    with overwrite. Returns ``{file name: objects imported}``.

    ``username``/``password`` or ``api_key`` (str or SecretStr; the API key wins when both are
    given; user:password in the URL is used when neither is); ``space``: a Kibana space id
    (default space when None); ``timeout``: seconds to wait for ``/api/status``; ``verify``:
    False, or a CA bundle path, for TLS. Raises :class:`KibanaNotReady` or
    :class:`KibanaImportError` (with Kibana's ``errors`` list); neither message contains a
    credential.
    """
    base, userinfo = _split_url(kibana_url)
    secrets = [_secret(password), _secret(api_key), userinfo[1] if userinfo else None]
    headers, auth = _headers_and_auth(username, password, api_key, userinfo)
    paths = [Path(f) for f in (files if files is not None else default_files())]
    for path in paths:
        if not path.is_file():
            raise FileNotFoundError(f"no saved objects file {path}")
    api_base = f"{base}/s/{space}" if space and space != "default" else base
    results: dict[str, int] = {}
    with httpx.Client(headers=headers, auth=auth, timeout=request_timeout, verify=verify,
                      follow_redirects=False) as client:
        wait_for_kibana(client, base, timeout=timeout, poll_interval=poll_interval, secrets=secrets)
        for path in paths:
            results[path.name] = import_file(client, api_base, path, secrets=secrets)
            log.info("imported %d saved objects from %s into Kibana", results[path.name], path.name)
    return results
