"""Mastodon connectors: hashtag and public timelines over the REST API, and the streaming API.

Docs followed (docs.joinmastodon.org): methods/timelines (``GET /api/v1/timelines/tag/:hashtag``
and ``GET /api/v1/timelines/public``; ``limit`` up to 40, ``local``, ``min_id``: the statuses
immediately newer than it; the answer is newest first, as every timeline answer is),
methods/streaming (server-sent events: ``event: update`` with a Status as ``data``, ``:``
heartbeat comments; ``/api/v1/streaming/hashtag[/local]?tag=``, ``/api/v1/streaming/public[/local]``),
entities/Status, Account, MediaAttachment, Quote / ShallowQuote (Mastodon 4.5 quote posts).

uid: ``mastodon:<instance host>:<status id>``. Status ids are local to the instance that
serves them (the same post has another id on every other instance), so the host of
``base_url`` is part of the uid, and ``reply_to`` / ``reshare_of`` / ``quote_of``
(``in_reply_to_id``, ``reblog.id``, ``quote``) use the same instance. The post's own
ActivityPub id is kept as the extra field ``uri``: it is the same on every instance.
``author.id`` is ``<instance host>:<account id>``; handles and mentions are ``user@domain``.

Checkpoints: polling ``{"timelines": {"tag:<hashtag>" | "public" | "public:local": newest id},
"pending": [timelines whose last page was full]}``; streaming ``{"last_id": newest id seen}``.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Iterator
from urllib.parse import quote, urlsplit

import httpx
from httpx_sse import connect_sse
from pydantic import Field, field_validator, model_validator

from ingestors.base import ConnectorOptions, MappingError, Page, PollingConnector, StreamingConnector
from ingestors.x_twitter import fallback_id, raise_for_status_redacted

MAX_LIMIT = 40  # the API's maximum page size for statuses
_MEDIA_TYPES = {"image": "image", "gifv": "gif", "video": "video", "audio": "audio"}


def instance_host(base_url: str) -> str:
    """The instance part of uids: the host (and port, if any) of ``base_url``, lower case."""
    return urlsplit(base_url).netloc.rpartition("@")[2].lower()


def id_order(status_id: str) -> tuple[int, str]:
    """Sort key for status ids: numeric snowflakes (Mastodon) and fixed-width flake ids (Pleroma)."""
    return len(status_id), status_id


def timeline_path(hashtag: str | None) -> str:
    """The REST path of a hashtag timeline, or of the public timeline when ``hashtag`` is None."""
    return f"/api/v1/timelines/tag/{quote(hashtag, safe='')}" if hashtag else "/api/v1/timelines/public"


def newer_statuses(http: httpx.Client, url: str, min_id: str | None, limit: int, local: bool,
                   headers: dict, token: str = "") -> list[dict]:
    """One timeline page: the ``limit`` statuses right after ``min_id`` (the newest without), oldest first."""
    params: dict = {"limit": limit}
    if local:
        params["local"] = "true"
    if min_id:
        params["min_id"] = min_id
    answer = http.get(url, params=params, headers=headers)
    raise_for_status_redacted(answer, token)
    statuses = [s for s in answer.json() if isinstance(s, dict)]
    # Statuses without an id still go out (to fail mapping, visibly); they cannot order or checkpoint.
    with_id = sorted((s for s in statuses if isinstance(s.get("id"), str)), key=lambda s: id_order(s["id"]))
    if min_id:
        with_id = [s for s in with_id if id_order(s["id"]) > id_order(min_id)]
    return with_id + [s for s in statuses if not isinstance(s.get("id"), str)]


class _TextAndLinks(HTMLParser):
    """Status HTML to plain text, collecting the links that are neither hashtags nor mentions."""

    _BLOCKS = {"p", "blockquote", "pre", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6"}
    _VOID = {"br", "img", "hr", "wbr", "input", "meta", "link", "source"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.links: list[str] = []
        self._skip = 0  # depth inside a quote-inline fallback ("RE: <link>"), which clients hide

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        classes = set((attrs.get("class") or "").split())
        if self._skip:
            if tag not in self._VOID:
                self._skip += 1
            return
        if "quote-inline" in classes and tag not in self._VOID:
            self._skip = 1
        elif tag == "br":
            self.parts.append("\n")
        elif tag in self._BLOCKS and self.parts:
            self.parts.append("\n\n")
        elif tag == "li":
            self.parts.append("\n")
        elif tag == "a" and attrs.get("href") and not classes & {"mention", "hashtag"} and attrs.get("rel") != "tag":
            self.links.append(attrs["href"])

    def handle_endtag(self, tag):
        if self._skip and tag not in self._VOID:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def html_to_text(html: str) -> tuple[str, list[str]]:
    """The plain text of a status's HTML ``content`` and the links in it (hashtags and mentions excluded).

    Paragraphs become blank lines, ``<br>`` a newline; the ``invisible`` / ``ellipsis``
    spans of shortened links are kept, so each link reads in full.
    """
    parser = _TextAndLinks()
    parser.feed(html or "")
    parser.close()
    text = re.sub(r"\n{3,}", "\n\n", "".join(parser.parts))
    return text.strip(), parser.links


def _handle(acct: str | None, host: str) -> str | None:
    if not acct:
        return None
    return acct if "@" in acct else f"{acct}@{host}"


def _quoted_id(status: dict) -> str | None:
    quote_ = status.get("quote")
    if not isinstance(quote_, dict) or quote_.get("state") != "accepted":
        return None
    quoted = quote_.get("quoted_status")
    return (quoted or {}).get("id") if isinstance(quoted, dict) else quote_.get("quoted_status_id")


def map_status(status: dict, host: str) -> dict:
    """Map one Mastodon Status entity, as served by instance ``host``, to a post dict.

    A reblog is a post of the reblogging account at the time of the reblog whose text,
    links, tags, mentions and media are the reblogged status's, with ``reshare_of`` set.
    """
    status_id = status.get("id")
    if not status_id:
        raise MappingError("status has no id")
    if not status.get("created_at"):
        raise MappingError(f"status {status_id} has no created_at")
    account = status.get("account")
    if not isinstance(account, dict):
        raise MappingError(f"status {status_id} has no account")
    reblog = status.get("reblog")
    if reblog is not None and not (isinstance(reblog, dict) and reblog.get("id")):
        raise MappingError(f"status {status_id} is a reblog without the reblogged status's id")
    content = reblog or status
    text, links = html_to_text(content.get("content") or "")
    if content.get("spoiler_text"):
        text = f"{content['spoiler_text']}\n\n{text}".strip()
    card_url = (content.get("card") or {}).get("url")
    post = {
        "uid": f"mastodon:{host}:{status_id}",
        "platform": "mastodon",
        "native_id": f"{host}:{status_id}",
        "url": status.get("url") or content.get("url") or status.get("uri"),
        "uri": status.get("uri"),
        "author": {"id": f"{host}:{account['id']}" if account.get("id") else None,
                   "handle": _handle(account.get("acct"), host),
                   "display_name": account.get("display_name") or account.get("username"),
                   "followers": account.get("followers_count")},
        "text": text,
        "created_at": status["created_at"],
        "urls": list(dict.fromkeys(links + ([card_url] if card_url else []))),
        "hashtags": [tag["name"] for tag in content.get("tags") or [] if tag.get("name")],
        "mentions": [h for h in (_handle(m.get("acct"), host) for m in content.get("mentions") or []) if h],
        "media": [{"type": _MEDIA_TYPES.get(m.get("type"), "unknown"), "url": m.get("url") or m.get("remote_url"),
                   **({"description": m["description"]} if m.get("description") else {})}
                  for m in content.get("media_attachments") or []],
        "engagement": {"likes": status.get("favourites_count") or 0, "reshares": status.get("reblogs_count") or 0,
                       "replies": status.get("replies_count") or 0, "quotes": status.get("quotes_count") or 0},
        "lang_hint": content.get("language"),
    }
    if reblog:
        post["reshare_of"] = f"mastodon:{host}:{reblog['id']}"
    if status.get("in_reply_to_id"):
        post["reply_to"] = f"mastodon:{host}:{status['in_reply_to_id']}"
    quoted = _quoted_id(content)
    if quoted:
        post["quote_of"] = f"mastodon:{host}:{quoted}"
    return post


def _status_id(status: dict) -> str:
    status_id = status.get("id") if isinstance(status, dict) else None
    return str(status_id) if status_id else fallback_id(status)


class MastodonConnector(PollingConnector):
    """Hashtag timelines and, optionally, the public timeline of one instance, paged with ``min_id``."""

    type = "mastodon"

    class Options(ConnectorOptions):
        base_url: str
        hashtags: list[str] = []
        public: bool = False
        local: bool = False
        limit: int = Field(default=MAX_LIMIT, ge=1, le=MAX_LIMIT)
        access_token_env: str | None = None

        @field_validator("hashtags")
        @classmethod
        def _strip_hash(cls, hashtags: list[str]) -> list[str]:
            tags = [tag.strip().lstrip("#") for tag in hashtags]
            if any(not tag for tag in tags):
                raise ValueError("hashtags must not be empty")
            return list(dict.fromkeys(tags))

        @model_validator(mode="after")
        def _some_timeline(self):
            if not self.hashtags and not self.public:
                raise ValueError("nothing to watch: give hashtags, or public: true")
            return self

    def timelines(self) -> dict[str, str | None]:
        """Checkpoint key -> hashtag (None for the public timeline), in the configured order."""
        keys: dict[str, str | None] = {f"tag:{tag}": tag for tag in self.options.hashtags}
        if self.options.public:
            keys["public:local" if self.options.local else "public"] = None
        return keys

    def _auth(self) -> tuple[dict, str]:
        if not self.options.access_token_env:
            return {}, ""
        token = self.secret("access_token_env")
        return {"Authorization": f"Bearer {token}"}, token

    def fetch(self, http: httpx.Client, checkpoint: dict | None) -> Page:
        """One page of each timeline (of only those still behind, when some are).

        Without a checkpoint for a timeline this is its newest page; with one, the ``limit``
        statuses right after it. A full page means more may be waiting: ``more=True``.
        """
        headers, token = self._auth()
        newest: dict = dict((checkpoint or {}).get("timelines", {}))
        timelines = self.timelines()
        pending = [key for key in (checkpoint or {}).get("pending", []) if key in timelines]
        base = self.options.base_url.rstrip("/")
        items: list[dict] = []
        still_pending = []
        for key in pending or list(timelines):
            since = newest.get(key)
            statuses = newer_statuses(http, base + timeline_path(timelines[key]), since, self.options.limit,
                                      self.options.local, headers, token)
            items.extend(statuses)
            ids = [s["id"] for s in statuses if isinstance(s.get("id"), str)]
            if ids:
                newest[key] = max(ids, key=id_order)
            if since is not None and len(statuses) >= self.options.limit:
                still_pending.append(key)
        checkpoint = {"timelines": {key: newest[key] for key in timelines if key in newest},
                      "pending": still_pending}
        return Page(items=items, checkpoint=checkpoint, more=bool(still_pending))

    def item_id(self, item: dict) -> str:
        """``<instance host>:<status id>``, the post's native id."""
        return f"{instance_host(self.options.base_url)}:{_status_id(item)}"

    def map(self, item: dict) -> dict:
        """The post for one Status (see :func:`map_status`)."""
        return {**map_status(item, instance_host(self.options.base_url)), "connector": self.name}


class MastodonStreamConnector(StreamingConnector):
    """One streaming timeline (a hashtag, or the public timeline) of one instance, over server-sent events.

    The streaming API does not replay what was missed while disconnected: on a reconnect
    with a checkpoint, the statuses after ``last_id`` are first fetched from the REST
    timeline (at most ``backfill_pages`` pages of 40), after the stream is opened, so
    nothing falls between the two.
    """

    type = "mastodon_stream"

    class Options(ConnectorOptions):
        base_url: str
        streaming_url: str | None = None
        hashtag: str | None = None
        local: bool = False
        access_token_env: str | None = None
        backfill_pages: int = Field(default=5, ge=0)
        read_timeout: float = Field(default=90.0, gt=0)

        @field_validator("hashtag")
        @classmethod
        def _strip_hash(cls, hashtag: str | None) -> str | None:
            if hashtag is None:
                return None
            if not hashtag.strip().lstrip("#"):
                raise ValueError("hashtag must not be empty")
            return hashtag.strip().lstrip("#")

    def stream_request(self) -> tuple[str, dict]:
        """The streaming URL and its query parameters."""
        base = (self.options.streaming_url or self.options.base_url).rstrip("/")
        kind = "hashtag" if self.options.hashtag else "public"
        path = f"/api/v1/streaming/{kind}" + ("/local" if self.options.local else "")
        return base + path, ({"tag": self.options.hashtag} if self.options.hashtag else {})

    def stream(self, http: httpx.Client, checkpoint: dict | None) -> Iterator[tuple[dict, dict | None]]:
        """Yield (status, ``{"last_id": newest id so far}``) for every ``update`` event.

        The stream and the REST catch-up both go through ``http``, the runner's client (rate
        limit, request metrics), the stream with ``read_timeout`` as its read timeout.
        Returns when the server closes the stream (the runner reconnects); httpx errors propagate.
        """
        token = self.secret("access_token_env") if self.options.access_token_env else ""
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        last_id = (checkpoint or {}).get("last_id")
        timeout = httpx.Timeout(10.0, read=self.options.read_timeout)
        url, params = self.stream_request()
        with connect_sse(http, "GET", url, params=params, headers=headers, timeout=timeout) as events:
            raise_for_status_redacted(events.response, token)
            backfilled: set[str] = set()
            if last_id:
                for status in self._backfill(http, last_id, token):
                    backfilled.add(status["id"])
                    last_id = max(last_id, status["id"], key=id_order)
                    yield status, {"last_id": last_id}
            for event in events.iter_sse():
                if event.event != "update":
                    continue  # delete, status.update (edits), notifications: no new post
                status = event.json()
                status_id = status.get("id") if isinstance(status, dict) else None
                if status_id in backfilled:
                    continue
                if isinstance(status_id, str):
                    last_id = status_id if last_id is None else max(last_id, status_id, key=id_order)
                yield status, ({"last_id": last_id} if last_id else None)

    def _backfill(self, http: httpx.Client, last_id: str, token: str) -> Iterator[dict]:
        url = self.options.base_url.rstrip("/") + timeline_path(self.options.hashtag)
        for _ in range(self.options.backfill_pages):
            statuses = newer_statuses(http, url, last_id, MAX_LIMIT, self.options.local, {}, token)
            statuses = [s for s in statuses if isinstance(s.get("id"), str)]
            yield from statuses
            if len(statuses) < MAX_LIMIT:
                return
            last_id = statuses[-1]["id"]

    def item_id(self, item: dict) -> str:
        """``<instance host>:<status id>``, the post's native id."""
        return f"{instance_host(self.options.base_url)}:{_status_id(item)}"

    def map(self, item: dict) -> dict:
        """The post for one Status (see :func:`map_status`)."""
        return {**map_status(item, instance_host(self.options.base_url)), "connector": self.name}
