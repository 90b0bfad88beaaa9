"""HTTP ingest endpoint: partners and SMS gateways push posts to pantau.

Routes (answers are JSON):

``POST /v1/posts``
    One post object (``application/json``), a JSON array of them, or JSON Lines
    (``application/x-ndjson``, one post per line). Posts follow pantau's post schema:
    ``uid`` ("platform:native_id"), ``text`` and ``created_at`` (ISO 8601) are required.
    pantau sets ``connector`` and ``partner`` and fills ``collected_at`` when missing.
``POST /v1/sms``
    SMS gateway webhook, form-encoded or JSON (an object or an array). Field names are matched
    without case, ``_`` or ``-``: sender ``from``/``sender``/``msisdn``/``phone``, text
    ``text``/``message``/``body``, time ``timestamp``/``received_at``/``date`` (ISO 8601 or Unix
    seconds; without a zone: UTC; missing: time of receipt), id ``id``/``message_id``/``MessageSid``.
    A citizen report in the LAPOR format, ``LAPORPAMAN <isi aduan>`` sent to 1708 (keywords:
    ``lapor_keywords``, any case), becomes a post of platform ``lapor`` whose text is the
    complaint (uid ``lapor:<partner>-<gateway id>``, or a hash of sender, time and text when the
    gateway sends no id). The sender's number is never stored: the author id is its HMAC-SHA256 keyed with
    the secret in ``sender_key_env``. An SMS without a keyword is answered 202 and listed in
    ``refused`` (dead-lettered, without the number): gateways resend on errors, and a resend
    would not add the keyword. A body with no message text at all is a 400.
``GET /healthz``
    200 ``{"status": "ok"}``, no authentication.

Authentication, one of:

* ``Authorization: Bearer <token>``: a partner's token (``token_env``, ``partners.<name>.token_env``);
* ``X-Pantau-Timestamp: <Unix seconds>`` and ``X-Pantau-Signature: sha256=<hex>``: the hex
  HMAC-SHA256 of ``<timestamp>.<raw body>`` with the partner's secret (``signature_secret_env``,
  ``partners.<name>.signature_secret_env``; see :func:`sign`). A
  timestamp more than ``signature_max_age_seconds`` away from the server's clock is refused, so
  a captured request cannot be replayed later.

Answers: 202 ``{"accepted": n, "duplicates": n, "refused": [{"index": i, "reason": "..."}]}``
(the items are stored once the answer comes; ``duplicates`` were received before, by uid;
``refused`` items, 0-based ``index``, plus ``line`` for JSON Lines, went to the dead-letter
topic). Errors are ``{"error": "<code>", "message": "..."}``: 400 not JSON or wrong shape, 401
missing or wrong credentials, 413 body over ``max_body_bytes``, 429 over the rate (a token bucket
per partner, ``requests_per_minute`` and ``burst``; failed authentications count against the
client's IP) with ``Retry-After``, 503 with ``Retry-After`` when the broker is unavailable:
nothing is known to be stored, resend (duplicates are dropped). While an operator has paused
the connector (``pantau connectors pause NAME``) the endpoint keeps listening and answers 503
``{"error": "paused", "message": "connector NAME is paused by an operator; ..."}`` with
``Retry-After``: nothing was stored, resend later.
"""

from __future__ import annotations

import asyncio
import functools
import hashlib
import hmac
import logging
import math
import re
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Callable
from urllib.parse import parse_qsl

import orjson
from aiohttp import web
from pydantic import Field, model_validator

from ingestors.base import ConnectorOptions, ConnectorPaused, MappingError, MissingSecret, ServerConnector, Submitted
from pantau.post import MAX_RECORD_BYTES

log = logging.getLogger(__name__)

#: The Kalsel channel's keyword ("LAPORPAMAN <isi aduan>", also written "Lapor Paman"), then LAPOR.
DEFAULT_LAPOR_KEYWORDS = ("LAPORPAMAN", "LAPOR PAMAN", "LAPOR")
#: Seconds a client is asked to wait when the broker is unavailable (503).
BROKER_RETRY_AFTER_SECONDS = 30
#: Seconds a client is asked to wait while an operator has paused the connector (503).
PAUSED_RETRY_AFTER_SECONDS = 60
NDJSON_TYPES = {"application/x-ndjson", "application/ndjson", "application/jsonl", "application/x-jsonlines"}
#: SMS field -> accepted gateway field names (lower case, without "_" and "-").
SMS_FIELDS = {
    "sender": ("from", "sender", "msisdn", "phone", "phonenumber", "number", "originator", "source"),
    "text": ("text", "message", "body", "content", "msg", "sms"),
    "sent_at": ("timestamp", "receivedat", "messagetimestamp", "date", "datetime", "time", "sentat"),
    "id": ("id", "messageid", "messagesid", "smsid", "smssid", "msgid", "uuid"),
}


def sign(body: bytes, secret: str, timestamp: int | str) -> str:
    """The ``X-Pantau-Signature`` value for ``body`` sent with ``X-Pantau-Timestamp: timestamp``."""
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def verify_signature(body: bytes, signature: str, timestamp: str, secrets: dict[str, str],
                     now: float, max_age: float) -> str:
    """The partner whose secret signed ``body`` at ``timestamp``; ValueError(reason) otherwise."""
    if not re.fullmatch(r"\d{1,12}", timestamp.strip()):
        raise ValueError("X-Pantau-Timestamp must be the Unix time in seconds when signing")
    if abs(now - int(timestamp)) > max_age:
        raise ValueError(f"X-Pantau-Timestamp is more than {max_age:g} s away from the server's clock: "
                         "sign each request with the current time")
    given, partner = signature.strip().encode("utf-8", "replace"), None
    for name, secret in secrets.items():  # no early exit: the time taken does not say which secret
        if hmac.compare_digest(sign(body, secret, timestamp.strip()).encode(), given):
            partner = name
    if partner is None:
        raise ValueError("X-Pantau-Signature does not match: send sha256=<hex HMAC-SHA256 of '<timestamp>.<body>'>")
    return partner


def match_token(given: str, tokens: dict[str, str]) -> str | None:
    """The partner whose token is ``given`` (constant-time comparisons), or None."""
    partner, given_bytes = None, given.encode("utf-8", "replace")
    for name, token in tokens.items():
        if hmac.compare_digest(token.encode(), given_bytes):
            partner = name
    return partner


def sender_hash(sender: str, key: bytes) -> str:
    """A keyed hash of a phone number (0812..., +62812... and 62812... alike), never reversible without the key."""
    digits = re.sub(r"\D", "", sender)
    digits = digits[2:] if digits.startswith("00") else "62" + digits[1:] if digits.startswith("0") else digits
    return hmac.new(key, (digits or sender.strip().lower()).encode(), hashlib.sha256).hexdigest()[:32]


def lapor_complaint(text: str, keywords: list[str] | tuple[str, ...]) -> tuple[str, str] | None:
    """(keyword without spaces, complaint) when ``text`` starts with a LAPOR keyword, else None.

    The keyword is followed by a space (or ``:``, ``#``, ``.``) or ends the text; "LAPORAN ..."
    is not "LAPOR".
    """
    for keyword in sorted(keywords, key=len, reverse=True):
        pattern = r"\s+".join(map(re.escape, keyword.split()))
        match = re.match(rf"\s*(?:{pattern})(?:\s+|\s*[:#.]\s*|$)(.*)", text, re.IGNORECASE | re.DOTALL)
        if match:
            return "".join(keyword.split()).upper(), match.group(1).strip()
    return None


def parse_time(value: Any) -> str | None:
    """ISO 8601 UTC for an ISO 8601 string or Unix seconds (or milliseconds); None when neither."""
    try:
        if isinstance(value, (int, float)) or re.fullmatch(r"\d+(\.\d+)?", str(value).strip()):
            seconds = float(value)
            moment = datetime.fromtimestamp(seconds / 1000 if seconds > 1e11 else seconds, timezone.utc)
        else:
            moment = datetime.fromisoformat(str(value).strip())
    except (ValueError, OverflowError, OSError):
        return None
    return (moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)).astimezone(timezone.utc).isoformat()


def parse_sms_payload(body: bytes, content_type: str, sender_key: bytes) -> list[dict[str, Any]]:
    """The messages of a gateway webhook body (JSON or form) as ``{id, sender, text, sent_at}``.

    ``sender`` is already the keyed hash (:func:`sender_hash`), ``sent_at`` ISO 8601 UTC; absent
    fields are None. Raises ValueError with the reason for a body that is neither JSON nor a
    form, or a message without text.
    """
    if "json" in content_type or body.lstrip()[:1] in (b"{", b"["):
        data = orjson.loads(body)
        records = data if isinstance(data, list) else [data]
    else:
        records = [dict(parse_qsl(body.decode("utf-8"), keep_blank_values=True))]
    messages = []
    for record in records:
        if not isinstance(record, dict):
            raise ValueError("expected an object per message")
        fields = {re.sub(r"[-_\s]", "", str(k).lower()): v for k, v in record.items()
                  if isinstance(v, (str, int, float)) and not isinstance(v, bool) and v != ""}
        found = {name: next((fields[a] for a in names if a in fields), None) for name, names in SMS_FIELDS.items()}
        if not isinstance(found["text"], str):
            raise ValueError(f"no message text: expected a field named one of {', '.join(SMS_FIELDS['text'])}")
        messages.append({"id": None if found["id"] is None else str(found["id"]), "text": found["text"],
                         "sender": None if found["sender"] is None else sender_hash(str(found["sender"]), sender_key),
                         "sent_at": None if found["sent_at"] is None else parse_time(found["sent_at"])})
    if not messages:
        raise ValueError("no message")
    return messages


def parse_posts_body(body: bytes, content_type: str) -> list[dict[str, Any]]:
    """The items of a /v1/posts body: ``{"post": ...}``, or ``{"invalid": reason, "raw": line}`` for a
    JSON Lines line that is not JSON (``line`` numbers them). ValueError(reason) for a bad body."""
    if not body.strip():
        raise ValueError("empty body: send a post object, an array of posts or JSON Lines")
    if content_type in NDJSON_TYPES:
        items = []
        for number, line in enumerate(body.splitlines(), start=1):
            if line.strip():
                try:
                    items.append({"post": orjson.loads(line), "line": number})
                except orjson.JSONDecodeError as exc:
                    items.append({"invalid": f"line {number} is not JSON: {exc}", "line": number,
                                  "raw": line.decode("utf-8", "replace")})
        return items
    try:
        data = orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        raise ValueError(f"body is not JSON: {exc} (JSON Lines need Content-Type: application/x-ndjson)") from None
    if isinstance(data, dict):
        data = [data]
    if not isinstance(data, list) or not data:
        raise ValueError(f"expected a post object or a non-empty array of posts, got {_json_type(data)}")
    return [{"post": post} for post in data]


class RateLimiter:
    """Token buckets per client: ``burst`` requests at once, refilled at ``per_minute``."""

    MAX_CLIENTS = 10_000

    def __init__(self, per_minute: float, burst: int, clock: Callable[[], float] = time.monotonic):
        self.rate, self.burst, self.clock = per_minute / 60, burst, clock
        self.buckets: dict[str, tuple[float, float]] = {}  # client -> (tokens, when)

    def take(self, client: str) -> float:
        """0 when ``client`` may make a request now (which is counted), else the seconds to wait."""
        now = self.clock()
        if len(self.buckets) > self.MAX_CLIENTS:  # forget clients whose bucket is full again
            self.buckets = {c: (t, w) for c, (t, w) in self.buckets.items() if t + (now - w) * self.rate < self.burst}
        tokens, then = self.buckets.get(client, (self.burst, now))
        tokens = min(self.burst, tokens + (now - then) * self.rate)
        wait = 0.0 if tokens >= 1 else (1 - tokens) / self.rate
        self.buckets[client] = (tokens - 1 if not wait else tokens, now)
        return wait


def _json_type(value: Any) -> str:
    return {dict: "an object", list: "an array", str: "a string", bool: "a boolean", type(None): "null"}.get(
        type(value), "a number")


def _error(status: int, code: str, message: str, retry_after: float | None = None) -> web.Response:
    headers = {"Retry-After": str(max(1, math.ceil(retry_after)))} if retry_after else None
    return web.json_response({"error": code, "message": message}, status=status, headers=headers)


async def _health(request: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})


async def read_limited(request: web.Request, limit: int) -> bytes | None:
    """The request body, or None as soon as it is known to be over ``limit`` bytes."""
    if request.content_length is not None and request.content_length > limit:
        return None
    chunks, size = [], 0
    async for chunk in request.content.iter_chunked(64 * 1024):
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


class PartnerCredentials(ConnectorOptions):
    """One partner's credentials: names of the variables holding its token and/or signing secret."""

    token_env: str | None = None
    signature_secret_env: str | None = None


@dataclass
class HttpIngestConnector(ServerConnector):
    """Serves the partner API above; ``bound_port`` and ``ready`` tell when and where it listens."""

    type = "http_ingest"

    class Options(ConnectorOptions):
        host: str = "127.0.0.1"
        port: int = Field(8080, ge=0, le=65535)
        token_env: str | None = None
        signature_secret_env: str | None = None
        partners: dict[str, PartnerCredentials] = {}
        signature_max_age_seconds: int = Field(300, gt=0)
        sender_key_env: str | None = None
        lapor_keywords: list[str] = Field(list(DEFAULT_LAPOR_KEYWORDS), min_length=1)
        max_body_bytes: int = Field(MAX_RECORD_BYTES, gt=0)
        requests_per_minute: float = Field(600, gt=0)
        burst: int = Field(60, ge=1)

        @model_validator(mode="after")
        def _needs_credentials(self):
            if not any(c.token_env or c.signature_secret_env for c in [self, *self.partners.values()]):
                raise ValueError("token_env: no credentials; set token_env or signature_secret_env, "
                                 "here or per partner under partners")
            return self

    bound_port: int | None = field(default=None, init=False)
    ready: threading.Event = field(default_factory=threading.Event, init=False, repr=False, compare=False)

    def item_id(self, item: dict) -> str:
        """The post's uid; for an SMS its lapor uid; otherwise a hash of the content."""
        if "sms" in item:
            return self._sms_uid(item)
        post = item.get("post")
        if isinstance(post, dict) and isinstance(post.get("uid"), str) and post["uid"]:
            return post["uid"]
        content = repr(item.get("post", item.get("raw"))).encode()
        return "sha256:" + hashlib.sha256(content).hexdigest()

    def map(self, item: dict) -> dict:
        """The post of a received item (``{"post"|"sms"|"invalid": ..., "partner", "received_at"}``)."""
        if "invalid" in item:
            raise MappingError(item["invalid"])
        if "sms" in item:
            return self._map_sms(item)
        post = item["post"]
        if not isinstance(post, dict):
            raise MappingError(f"not a post: expected an object, got {_json_type(post)}")
        if not isinstance(post.get("uid"), str) or not post["uid"]:
            raise MappingError("uid: missing (every post needs uid 'platform:native_id')")
        return {**post, "connector": self.name, "partner": item["partner"],
                "collected_at": post.get("collected_at") or item["received_at"]}

    def _sms_uid(self, item: dict) -> str:
        sms = item["sms"]
        native = sms["id"] or hashlib.sha256(f"{sms['sender']}|{sms['sent_at']}|{sms['text']}".encode()).hexdigest()[:24]
        return f"lapor:{item['partner']}-{native}"

    def _map_sms(self, item: dict) -> dict:
        sms, keywords = item["sms"], self.options.lapor_keywords
        found = lapor_complaint(sms["text"], keywords)
        if found is None:
            raise MappingError(f"not a LAPOR report: the SMS does not start with {' or '.join(keywords)} "
                               f"(format: '{keywords[0]} <isi aduan>')")
        keyword, complaint = found
        if not complaint:
            raise MappingError(f"LAPOR report without a complaint after {keyword}")
        post = {"uid": self._sms_uid(item), "platform": "lapor", "text": complaint,
                "created_at": sms["sent_at"] or item["received_at"], "collected_at": item["received_at"],
                "connector": self.name, "partner": item["partner"], "report_channel": "sms", "report_keyword": keyword}
        if sms["sender"]:
            post["author"] = {"id": sms["sender"]}
        return post

    def _credentials(self) -> tuple[dict[str, str], dict[str, str]]:
        """Tokens and signing secrets by partner (the connector's own under its name), read once."""
        tokens, secrets = {}, {}
        owners = [(self.name, self.options, ""), *((p, c, f"partners.{p}.") for p, c in self.options.partners.items())]
        for partner, credentials, where in owners:
            for option, found in (("token_env", tokens), ("signature_secret_env", secrets)):
                if variable := getattr(credentials, option):
                    if not self.environ.get(variable):
                        raise MissingSecret(f"connector {self.name}: {where}{option} names the environment "
                                            f"variable {variable}, which is not set. Fix: export {variable}")
                    found[partner] = self.environ[variable]
        return tokens, secrets

    def serve(self, submit: Callable[[list[Any]], Submitted], stop: threading.Event) -> None:
        """Listen on host:port until ``stop`` is set, handing received items to ``submit`` (one call at a time)."""
        self._tokens, self._signing = self._credentials()
        self._sender_key = self.secret("sender_key_env").encode() if self.options.sender_key_env else None
        self._limiter = RateLimiter(self.options.requests_per_minute, self.options.burst)
        self._submit_fn = submit
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"{self.name}-submit")
        try:
            asyncio.run(self._serve(stop))
        finally:
            self._executor.shutdown(wait=False, cancel_futures=True)

    async def _serve(self, stop: threading.Event) -> None:
        app = web.Application()
        app.router.add_post("/v1/posts", functools.partial(self._ingest, parse=parse_posts_body))
        app.router.add_post("/v1/sms", functools.partial(self._ingest, parse=self._parse_sms))
        app.router.add_get("/healthz", _health)
        runner = web.AppRunner(app, access_log=None, shutdown_timeout=10)
        await runner.setup()
        try:
            await web.TCPSite(runner, self.options.host, self.options.port).start()
            self.bound_port = runner.addresses[0][1]
            log.info("connector %s: HTTP ingest listening on %s:%d", self.name, self.options.host, self.bound_port)
            self.ready.set()
            while not stop.is_set():
                await asyncio.sleep(0.1)
        finally:
            await runner.cleanup()

    def _parse_sms(self, body: bytes, content_type: str) -> list[dict]:
        if self._sender_key is None:
            raise LookupError("SMS ingest is off: the connector has no sender_key_env")
        try:
            return [{"sms": sms} for sms in parse_sms_payload(body, content_type, self._sender_key)]
        except ValueError as exc:  # orjson and UTF-8 errors are ValueErrors too
            raise ValueError(f"SMS not understood: {exc}") from None

    async def _ingest(self, request: web.Request, parse: Callable[[bytes, str], list[dict]]) -> web.Response:
        """One POST: 413, 401, 429, 400, 503 (broker unavailable, or paused), or 202 with what became of each item."""
        body = await read_limited(request, self.options.max_body_bytes)
        if body is None:
            return _error(413, "too_large", f"request body over the limit of {self.options.max_body_bytes} bytes: "
                                            "send smaller batches")
        partner, problem = self._authenticate(request, body)
        wait = self._limiter.take(partner or f"ip:{request.remote}")  # failed attempts count per IP
        if wait:
            return _error(429, "rate_limited", f"too many requests: retry after {math.ceil(wait)} s", retry_after=wait)
        if partner is None:
            return _error(401, "unauthorized", problem)
        try:
            items = parse(body, request.content_type)
        except LookupError as exc:
            return _error(404, "not_configured", str(exc))
        except ValueError as exc:
            return _error(400, "bad_request", str(exc))
        now = datetime.now(timezone.utc).isoformat()
        items = [{**item, "partner": partner, "received_at": now} for item in items]
        try:
            result = await asyncio.get_running_loop().run_in_executor(self._executor, self._submit_fn, items)
        except ConnectorPaused:  # an operator's choice, not a failure
            log.info("connector %s: %s from %s refused while paused; answered 503", self.name, request.path, partner)
            return _error(503, "paused", f"connector {self.name} is paused by an operator; nothing was stored: "
                                         "retry later", retry_after=PAUSED_RETRY_AFTER_SECONDS)
        except Exception as exc:  # the broker or the runner: nothing is known to be stored
            log.error("connector %s: %s from %s not stored (%s: %s); answered 503",
                      self.name, request.path, partner, type(exc).__name__, exc)
            return _error(503, "unavailable", "the items could not be stored now: resend later "
                                              "(items already stored are dropped as duplicates)",
                          retry_after=BROKER_RETRY_AFTER_SECONDS)
        refused = [{"index": index, **({"line": items[index]["line"]} if "line" in items[index] else {}),
                    "reason": reason} for index, reason in result.dead_lettered]
        log.debug("connector %s: %s from %s: %d accepted, %d duplicates, %d refused",
                  self.name, request.path, partner, result.published, result.duplicates, len(refused))
        return web.json_response({"accepted": result.published, "duplicates": result.duplicates,
                                  "refused": refused}, status=202)

    def _authenticate(self, request: web.Request, body: bytes) -> tuple[str | None, str]:
        if (header := request.headers.get("Authorization")) is not None:
            scheme, _, given = header.strip().partition(" ")
            if scheme.lower() != "bearer" or not given.strip():
                return None, "Authorization must be 'Bearer <token>'"
            partner = match_token(given.strip(), self._tokens)
            return partner, "" if partner else "token not accepted"
        if (signature := request.headers.get("X-Pantau-Signature")) is not None:
            try:
                return verify_signature(body, signature, request.headers.get("X-Pantau-Timestamp", ""), self._signing,
                                        time.time(), self.options.signature_max_age_seconds), ""
            except ValueError as exc:
                return None, str(exc)
        return None, ("missing credentials: send 'Authorization: Bearer <token>', or X-Pantau-Timestamp "
                      "and X-Pantau-Signature")
