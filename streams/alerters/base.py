"""What every alert destination shares: the one delivery exception, the base class, the text.

An alerter turns an alert (a dict, see ``streams.alerters``) into one HTTP request. It raises
:class:`AlertDeliveryError` for every failure, transport errors included, and says whether a
retry may help (``retryable``) and how long the receiver asked us to wait (``retry_after``).
Retrying, timeouts and bookkeeping are the dispatcher's job, not the alerter's.

Secrets (webhook URLs, bot tokens) are registered here when an alerter is built. They are
removed from every :class:`AlertDeliveryError` message and from httpx's own log records (httpx
logs each request's full URL at INFO, and a Telegram URL holds the bot token).
"""

from __future__ import annotations

import email.utils
import logging
import re
import threading
from datetime import datetime, timezone
from typing import Any

import httpx

from enrichers.spread import parse_time
from streams.alerters.links import kibana_links

log = logging.getLogger(__name__)

REDACTED = "***"
SAMPLE_CHARS = 140
SAMPLES_SHOWN = 3
PLATFORMS_SHOWN = 5
NARRATIVES_SHOWN = 5
BODY_CHARS = 200  # of a receiver's error answer, kept in the error message

_secrets: set[str] = set()
_secrets_lock = threading.Lock()
_secrets_pattern: re.Pattern[str] | None = None


def register_secret(value: str | None) -> None:
    """Never show ``value`` in an AlertDeliveryError message or an httpx log record again."""
    global _secrets_pattern
    if not value or len(value) < 6:  # a short string would redact too much and hides nothing
        return
    with _secrets_lock:
        if value in _secrets:
            return
        _secrets.add(value)
        # Longest first, so a URL is replaced whole before the token inside it.
        ordered = sorted(_secrets, key=len, reverse=True)
        _secrets_pattern = re.compile("|".join(re.escape(s) for s in ordered))
    _install_log_filter()


def redact(text: str) -> str:
    """``text`` with every registered secret replaced by ``***``."""
    pattern = _secrets_pattern
    if pattern is None or not text:
        return text
    return pattern.sub(REDACTED, text)


class _RedactSecrets(logging.Filter):
    """Rewrites a log record's message with the secrets taken out (httpx logs request URLs)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if _secrets_pattern is None:
            return True
        try:
            message = record.getMessage()
        except Exception:  # a broken record is not ours to fix
            return True
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


_log_filter = _RedactSecrets()
_filter_installed = False


def _install_log_filter() -> None:
    global _filter_installed
    if _filter_installed:
        return
    _filter_installed = True
    # A logger's filters see only the records logged to it, not to its children: name each.
    for name in ("httpx", "httpcore", "httpcore.connection", "httpcore.http11",
                 "httpcore.http2", "httpcore.proxy"):
        logging.getLogger(name).addFilter(_log_filter)


class AlertDeliveryError(Exception):
    """An alert could not be delivered: the one exception every alerter raises.

    ``retryable``: a later attempt may succeed (connection error, timeout, 408, 429, 5xx).
    ``retry_after``: seconds the receiver asked us to wait (Retry-After, Telegram's
    ``parameters.retry_after``), or None. ``status``: the HTTP status, or None.
    The message never holds a secret: it is redacted when the exception is built.
    """

    def __init__(
        self,
        message: str,
        *,
        retryable: bool = False,
        retry_after: float | None = None,
        status: int | None = None,
    ) -> None:
        super().__init__(redact(message))
        self.retryable = retryable
        self.retry_after = retry_after
        self.status = status


def retryable_status(status: int) -> bool:
    """True for answers a later attempt may turn into a success: 408, 425, 429 and 5xx."""
    return status in (408, 425, 429) or 500 <= status <= 599


def parse_retry_after(value: str | None) -> float | None:
    """Seconds from a Retry-After header (delta-seconds or an HTTP date), or None."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - datetime.now(timezone.utc)).total_seconds())


class Alerter:
    """One alert destination. Subclasses set ``kind`` and implement :meth:`send`.

    ``name`` identifies the destination in results and errors (unique among the configured
    alerters); ``kibana_url`` is where :func:`format_text` points its link (None: use the
    alert's own ``links`` if it has them).
    """

    kind = "alerter"

    def __init__(self, name: str, *, kibana_url: str | None = None) -> None:
        self.name = name
        self.kibana_url = kibana_url

    def __repr__(self) -> str:  # never the URL or the token
        return f"{type(self).__name__}(name={self.name!r})"

    async def send(self, alert: dict, client: httpx.AsyncClient) -> None:
        """Deliver ``alert`` once; raise AlertDeliveryError on any failure."""
        raise NotImplementedError

    def text(self, alert: dict) -> str:
        return format_text(alert, self.kibana_url)

    # Helpers for subclasses -----------------------------------------------------------------

    def _label(self) -> str:
        return f"{self.kind} alerter {self.name!r}"

    async def _post_json(
        self, client: httpx.AsyncClient, url: str, payload: dict, *, target: str
    ) -> httpx.Response:
        """POST ``payload``; transport failures become AlertDeliveryError naming only ``target``."""
        try:
            return await client.post(url, json=payload)
        except httpx.TimeoutException as exc:
            raise AlertDeliveryError(
                f"{self._label()}: {type(exc).__name__} talking to {target}", retryable=True
            ) from None
        except httpx.TransportError as exc:
            # Connection refused or reset, DNS failure, protocol error: worth another try.
            # Only the exception's class is kept: some transport errors quote the URL.
            retryable = not isinstance(exc, httpx.UnsupportedProtocol)
            raise AlertDeliveryError(
                f"{self._label()}: {type(exc).__name__} talking to {target}", retryable=retryable
            ) from None
        except (httpx.HTTPError, httpx.InvalidURL) as exc:
            raise AlertDeliveryError(
                f"{self._label()}: {type(exc).__name__} talking to {target}", retryable=False
            ) from None

    def _http_error(
        self, response: httpx.Response, target: str, *, detail: str | None = None,
        retry_after: float | None = None,
    ) -> AlertDeliveryError:
        status = response.status_code
        if retry_after is None:
            retry_after = parse_retry_after(response.headers.get("retry-after"))
        if detail is None:
            detail = " ".join(response.text.split())[:BODY_CHARS]
        message = f"{self._label()}: HTTP {status} from {target}"
        if detail:
            message += f": {detail}"
        if retry_after is not None:
            message += f" (retry after {retry_after:g}s)"
        return AlertDeliveryError(
            message, retryable=retryable_status(status), retry_after=retry_after, status=status
        )


# The text -------------------------------------------------------------------------------------


def _cut(text: Any, limit: int = SAMPLE_CHARS) -> str:
    text = " ".join(str(text or "").split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _window_text(window: dict) -> str:
    start, end = parse_time(window.get("start")), parse_time(window.get("end"))
    if start is None or end is None:
        return f"{window.get('start', '?')} – {window.get('end', '?')}"
    if start.date() == end.date():
        return f"{start:%Y-%m-%d %H:%M}–{end:%H:%M} UTC"
    return f"{start:%Y-%m-%d %H:%M} – {end:%Y-%m-%d %H:%M} UTC"


def alert_link(alert: dict, kibana_url: str | None) -> str | None:
    """The one link a message carries: the narrative drill-down for narratives, else Discover."""
    links = kibana_links(alert, kibana_url) if kibana_url else (alert.get("links") or {})
    if not isinstance(links, dict):
        return None
    return links.get("narrative") or links.get("discover") or links.get("trend")


def format_text(alert: dict, kibana_url: str | None) -> str:
    """A short human text: severity and message, window, top platforms, three samples (cut to
    140 characters), narrative ids, the claim's verdict and debunk link, and the Kibana link.

    Plain text (no markup): each alerter escapes it for its own format.
    """
    severity = str(alert.get("severity") or "info").upper()
    message = alert.get("message") or f"{alert.get('type', 'alert')}: {alert.get('id', '')}"
    lines = [f"[{severity}] {_cut(message, 300)}"]

    window = alert.get("window")
    if isinstance(window, dict) and (window.get("start") or window.get("end")):
        lines.append(f"Window: {_window_text(window)}")

    platforms = [p for p in alert.get("platforms") or [] if isinstance(p, dict)]
    if platforms:
        shown = ", ".join(
            f"{p.get('platform', '?')} {p.get('posts', '?')}" for p in platforms[:PLATFORMS_SHOWN]
        )
        lines.append(f"Platforms: {shown}")

    samples = [s for s in alert.get("samples") or [] if isinstance(s, dict)]
    if samples:
        lines.append("Samples:")
        for sample in samples[:SAMPLES_SHOWN]:
            who = sample.get("author")
            where = sample.get("platform")
            prefix = f"@{who}" if who else ""
            if where:
                prefix = f"{prefix} ({where})" if prefix else f"({where})"
            text = _cut(sample.get("text"))
            lines.append(f"- {prefix}: {text}" if prefix else f"- {text}")

    narratives = [n for n in alert.get("narratives") or [] if isinstance(n, dict) and n.get("id")]
    if narratives:
        shown = ", ".join(
            f"{n['id']} ({n['posts']} posts)" if n.get("posts") is not None else str(n["id"])
            for n in narratives[:NARRATIVES_SHOWN]
        )
        lines.append(f"Narratives: {shown}")

    claim = alert.get("claim")
    if isinstance(claim, dict) and (claim.get("verdict") or claim.get("url")):
        part = f"Known claim: {claim.get('verdict') or 'checked'}"
        if claim.get("claim"):
            part += f" – {_cut(claim['claim'])}"
        if claim.get("url"):
            part += f" – {claim['url']}"
        lines.append(part)

    link = alert_link(alert, kibana_url)
    if link:
        lines.append(f"Kibana: {link}")
    return "\n".join(lines)
