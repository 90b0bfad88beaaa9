"""Bluesky connectors: post search over the AppView's XRPC API, and the Jetstream firehose.

Docs followed: docs.bsky.app, "app.bsky.feed.searchPosts" (``q``, ``sort=latest``, ``since``:
inclusive, on the post's ``sortAt`` time; ``limit`` 1-100; ``cursor``; answer ``{posts:
[PostView], cursor}``), "com.atproto.server.createSession" (an app password for an access
JWT), the lexicons app.bsky.feed.defs#postView, app.bsky.feed.post (text, createdAt, langs,
facets, reply, embed), app.bsky.richtext.facet and app.bsky.embed.* ; and Jetstream's README
(``/subscribe?wantedCollections=...&cursor=<time_us>``, JSON events ``{did, time_us, kind,
commit: {operation, collection, rkey, record, cid}}``).

Bluesky's own AppView refuses unauthenticated search now and then, and always refuses a
``cursor`` without authentication. With ``identifier`` and ``app_password_env`` set (and
``base_url`` the account's PDS, e.g. https://bsky.social, which forwards the query),
searches are authenticated and paged with ``cursor``; without them each query reads one
page per poll.

uid: ``bluesky:<did>/<rkey>``, from the post's ``at://<did>/app.bsky.feed.post/<rkey>`` URI;
``reply_to`` and ``quote_of`` are built from the referenced post's URI the same way.

Checkpoints: search ``{"queries": {<query>: {"newest": ISO time, "seen": {uri: ISO time}}}}``
(``seen``: the posts inside the look-back window, which the next poll asks for again and
drops), plus ``"cursor"`` and ``"next_newest"`` while a query is still paging;
Jetstream ``{"cursor": time_us}``.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta, timezone
from typing import Iterator, Literal
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import httpx
import orjson
from pydantic import Field, field_validator, model_validator
from websockets.exceptions import ConnectionClosedOK
from websockets.sync.client import connect as ws_connect

from ingestors.base import ConnectorOptions, MappingError, Page, PollingConnector, StreamingConnector
from ingestors.x_twitter import fallback_id, raise_for_status_redacted

log = logging.getLogger(__name__)

POST_COLLECTION = "app.bsky.feed.post"
SEARCH = "/xrpc/app.bsky.feed.searchPosts"
CREATE_SESSION = "/xrpc/com.atproto.server.createSession"
CDN = "https://cdn.bsky.app/img/feed_fullsize/plain"


# --- mapping (pure functions) -------------------------------------------------------------

def parse_post_uri(uri: str | None) -> tuple[str, str] | None:
    """(did, rkey) of an ``at://<did>/app.bsky.feed.post/<rkey>`` URI; None for any other record."""
    if not uri or not uri.startswith("at://"):
        return None
    parts = uri[len("at://"):].split("/")
    if len(parts) != 3 or parts[1] != POST_COLLECTION or not parts[0] or not parts[2]:
        return None
    return parts[0], parts[2]


def post_uid(uri: str | None) -> str | None:
    """``bluesky:<did>/<rkey>`` for a post URI, None for anything else (feeds, lists, labelers)."""
    parsed = parse_post_uri(uri)
    return f"bluesky:{parsed[0]}/{parsed[1]}" if parsed else None


def _facets(record: dict) -> tuple[list[str], list[str], list[str]]:
    """(links, mention handles, tags) of a post record's rich-text facets and ``tags``."""
    raw = (record.get("text") or "").encode("utf-8")
    links, mentions, tags = [], [], []
    for facet in record.get("facets") or []:
        index = facet.get("index") or {}
        for feature in facet.get("features") or []:
            kind = feature.get("$type", "")
            if kind.endswith("#link") and feature.get("uri"):
                links.append(feature["uri"])
            elif kind.endswith("#mention") and feature.get("did"):
                # the facet names a DID; the text it covers is the handle as written ("@budi.bsky.social")
                shown = raw[index.get("byteStart", 0):index.get("byteEnd", 0)].decode("utf-8", "ignore")
                mentions.append(shown[1:] if shown.startswith("@") and len(shown) > 1 else feature["did"])
            elif kind.endswith("#tag") and feature.get("tag"):
                tags.append(feature["tag"])
    tags += [tag for tag in record.get("tags") or [] if isinstance(tag, str)]
    return list(dict.fromkeys(links)), list(dict.fromkeys(mentions)), list(dict.fromkeys(tags))


def _quoted_uri(embed: dict | None) -> str | None:
    """The URI a record embed (``app.bsky.embed.record`` / ``recordWithMedia``, record or view) quotes."""
    if not isinstance(embed, dict):
        return None
    kind = embed.get("$type", "")
    if kind.startswith("app.bsky.embed.recordWithMedia"):
        return ((embed.get("record") or {}).get("record") or {}).get("uri")
    if kind.startswith("app.bsky.embed.record"):
        return (embed.get("record") or {}).get("uri")
    return None


def _media_of_view(view: dict | None) -> tuple[list[dict], list[str]]:
    """(media, external links) of a PostView's ``embed`` (the hydrated ``#view`` form)."""
    if not isinstance(view, dict):
        return [], []
    kind = view.get("$type", "")
    if kind.startswith("app.bsky.embed.recordWithMedia"):
        return _media_of_view(view.get("media"))
    if kind.startswith("app.bsky.embed.images"):
        return [{"type": "image", "url": image.get("fullsize") or image.get("thumb"),
                 **({"description": image["alt"]} if image.get("alt") else {})}
                for image in view.get("images") or []], []
    if kind.startswith("app.bsky.embed.video"):
        return [{"type": "video", "url": view.get("playlist")}], []
    if kind.startswith("app.bsky.embed.external"):
        uri = (view.get("external") or {}).get("uri")
        return [], [uri] if uri else []
    return [], []


def _blob_cid(blob: dict | None) -> str | None:
    ref = (blob or {}).get("ref")
    return ref.get("$link") if isinstance(ref, dict) else (blob or {}).get("cid")


def _media_of_record(did: str, embed: dict | None) -> tuple[list[dict], list[str]]:
    """(media, external links) of a post record's ``embed`` (blob references, as Jetstream sends them)."""
    if not isinstance(embed, dict):
        return [], []
    kind = embed.get("$type", "")
    if kind == "app.bsky.embed.recordWithMedia":
        return _media_of_record(did, embed.get("media"))
    if kind == "app.bsky.embed.images":
        media = []
        for image in embed.get("images") or []:
            cid = _blob_cid(image.get("image"))
            media.append({"type": "image", "url": f"{CDN}/{did}/{cid}@jpeg" if cid else None,
                          **({"description": image["alt"]} if image.get("alt") else {})})
        return media, []
    if kind == "app.bsky.embed.video":
        return [{"type": "video", "url": None, "cid": _blob_cid(embed.get("video"))}], []
    if kind == "app.bsky.embed.external":
        uri = (embed.get("external") or {}).get("uri")
        return [], [uri] if uri else []
    return [], []


def map_record(did: str, rkey: str, record: dict, handle: str | None = None) -> dict:
    """The post fields that a post record alone gives (Jetstream); :func:`map_post_view` adds the rest."""
    if not isinstance(record, dict):
        raise MappingError(f"post at://{did}/{POST_COLLECTION}/{rkey} has no record")
    if not record.get("createdAt"):
        raise MappingError(f"post at://{did}/{POST_COLLECTION}/{rkey} has no createdAt")
    links, mentions, tags = _facets(record)
    media, external = _media_of_record(did, record.get("embed"))
    langs = [lang for lang in record.get("langs") or [] if isinstance(lang, str)]
    profile = handle if handle and handle != "handle.invalid" else did
    post = {
        "uid": f"bluesky:{did}/{rkey}",
        "platform": "bluesky",
        "native_id": f"{did}/{rkey}",
        "url": f"https://bsky.app/profile/{profile}/post/{rkey}",
        "uri": f"at://{did}/{POST_COLLECTION}/{rkey}",
        "author": {"id": did, "handle": handle},
        "text": record.get("text") or "",
        "created_at": record["createdAt"],
        "urls": list(dict.fromkeys(links + external)),
        "hashtags": tags,
        "mentions": mentions,
        "media": media,
        "lang_hint": langs[0] if langs else None,
    }
    reply_to = post_uid(((record.get("reply") or {}).get("parent") or {}).get("uri"))
    if reply_to:
        post["reply_to"] = reply_to
    quote_of = post_uid(_quoted_uri(record.get("embed")))
    if quote_of:
        post["quote_of"] = quote_of
    return post


def map_post_view(view: dict) -> dict:
    """Map one ``app.bsky.feed.defs#postView`` (a searchPosts result) to a post dict."""
    uri = view.get("uri")
    if not uri:
        raise MappingError("post view has no uri")
    parsed = parse_post_uri(uri)
    if not parsed:
        raise MappingError(f"{uri} is not a post URI (at://<did>/{POST_COLLECTION}/<rkey>)")
    did, rkey = parsed
    author = view.get("author") or {}
    post = map_record(did, rkey, view.get("record"), handle=author.get("handle"))
    media, external = _media_of_view(view.get("embed"))
    if media:
        post["media"] = media  # the view's CDN URLs, ready to fetch
    post["urls"] = list(dict.fromkeys(post["urls"] + external))
    post["author"].update(display_name=author.get("displayName") or None, followers=author.get("followersCount"))
    post["engagement"] = {"likes": view.get("likeCount") or 0, "reshares": view.get("repostCount") or 0,
                          "replies": view.get("replyCount") or 0, "quotes": view.get("quoteCount") or 0}
    if view.get("cid"):
        post["cid"] = view["cid"]
    if view.get("indexedAt"):
        post["indexed_at"] = view["indexedAt"]
    return post


def map_jetstream_event(event: dict) -> dict:
    """Map one Jetstream commit event that creates a post to a post dict."""
    did = event.get("did")
    commit = event.get("commit") or {}
    rkey = commit.get("rkey")
    if not did or not rkey:
        raise MappingError("jetstream event has no did or commit.rkey")
    if (event.get("kind"), commit.get("operation"), commit.get("collection")) != ("commit", "create", POST_COLLECTION):
        raise MappingError(f"jetstream event at://{did}/{commit.get('collection')}/{rkey} does not create a post")
    post = map_record(did, rkey, commit.get("record"))
    if commit.get("cid"):
        post["cid"] = commit["cid"]
    return post


# --- search --------------------------------------------------------------------------------

def _parse_time(value: str | None) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def _iso(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def sort_at(view: dict) -> datetime | None:
    """The time search filters and sorts a post by: the earlier of its createdAt and indexedAt."""
    times = [t for t in (_parse_time((view.get("record") or {}).get("createdAt")), _parse_time(view.get("indexedAt")))
             if t is not None]
    return min(times) if times else None


def _jwt_expired_answer(answer: httpx.Response) -> bool:
    if answer.status_code not in (400, 401):
        return False
    try:
        return answer.json().get("error") in ("ExpiredToken", "InvalidToken")
    except (ValueError, AttributeError):
        return False


class BlueskySearchConnector(PollingConnector):
    """``app.bsky.feed.searchPosts`` for each query, newest first, from the last poll's time on."""

    type = "bluesky"

    class Options(ConnectorOptions):
        queries: list[str] = Field(min_length=1)
        base_url: str = "https://public.api.bsky.app"
        limit: int = Field(default=100, ge=1, le=100)
        lang: str | None = None
        lookback_seconds: int = Field(default=60, ge=0)
        identifier: str | None = None
        app_password_env: str | None = None

        @field_validator("queries")
        @classmethod
        def _distinct(cls, queries: list[str]) -> list[str]:
            if any(not query.strip() for query in queries) or len(set(queries)) != len(queries):
                raise ValueError("queries must be non-empty and distinct")
            return queries

        @model_validator(mode="after")
        def _both_or_neither(self):
            if bool(self.identifier) != bool(self.app_password_env):
                raise ValueError("identifier and app_password_env go together (an app password, not the account's)")
            return self

    _access_jwt: str | None = None

    def _login(self, http: httpx.Client) -> str:
        password = self.secret("app_password_env")
        answer = http.post(self.options.base_url.rstrip("/") + CREATE_SESSION,
                           json={"identifier": self.options.identifier, "password": password})
        raise_for_status_redacted(answer, password)
        self._access_jwt = answer.json()["accessJwt"]
        return self._access_jwt

    def _search(self, http: httpx.Client, params: dict) -> dict:
        url = self.options.base_url.rstrip("/") + SEARCH
        if not self.options.identifier:
            answer = http.get(url, params=params)
            raise_for_status_redacted(answer)
            return answer.json()
        jwt = self._access_jwt or self._login(http)
        answer = http.get(url, params=params, headers={"Authorization": f"Bearer {jwt}"})
        if _jwt_expired_answer(answer):
            # access tokens live for minutes to hours: log in again, as any client does
            jwt = self._login(http)
            answer = http.get(url, params=params, headers={"Authorization": f"Bearer {jwt}"})
        raise_for_status_redacted(answer, jwt)
        return answer.json()

    def fetch(self, http: httpx.Client, checkpoint: dict | None) -> Page:
        """One page per query (only the queries still paging, when some are)."""
        states: dict[str, dict] = dict((checkpoint or {}).get("queries", {}))
        paging = [q for q in self.options.queries if states.get(q, {}).get("cursor")]
        items: list[dict] = []
        for query in paging or self.options.queries:
            page_items, states[query] = self._fetch_query(http, query, states.get(query, {}))
            items.extend(page_items)
        states = {q: states[q] for q in self.options.queries if q in states}
        return Page(items=items, checkpoint={"queries": states}, more=any("cursor" in s for s in states.values()))

    def _fetch_query(self, http: httpx.Client, query: str, state: dict) -> tuple[list[dict], dict]:
        lookback = timedelta(seconds=self.options.lookback_seconds)
        newest = _parse_time(state.get("newest"))
        seen: dict[str, str] = dict(state.get("seen") or {})
        since = newest - lookback if newest else None
        params: dict = {"q": query, "sort": "latest", "limit": self.options.limit}
        if self.options.lang:
            params["lang"] = self.options.lang
        if since:
            params["since"] = _iso(since)
        if state.get("cursor"):
            params["cursor"] = state["cursor"]
        body = self._search(http, params)
        views = [v for v in body.get("posts") or [] if isinstance(v, dict)]
        fresh, older = [], False
        for view in views:
            moment = sort_at(view)
            if since and moment and moment < since:
                older = True  # past the checkpoint: this query is caught up
                continue
            if view.get("uri") in seen:
                continue
            fresh.append(view)
            if view.get("uri") and moment:
                seen[view["uri"]] = _iso(moment)
        page_newest = max((t for t in map(sort_at, fresh) if t), default=None)
        candidates = [t for t in (_parse_time(state.get("next_newest")), page_newest, newest) if t]
        next_newest = max(candidates) if candidates else None
        cursor = body.get("cursor")
        if cursor and views and not older and newest is not None:
            if self.options.identifier:
                return fresh, {"newest": state.get("newest"), "seen": seen, "cursor": cursor,
                               "next_newest": _iso(next_newest)}
            if len(views) >= self.options.limit:
                log.warning("bluesky connector %s: query %r filled a page since the last poll; without "
                            "identifier/app_password_env Bluesky refuses paging, so older matches may be "
                            "missed. Poll more often or add credentials.", self.name, query)
        if next_newest is None:
            return fresh, {}
        floor = next_newest - lookback
        seen = {uri: at for uri, at in seen.items() if (_parse_time(at) or floor) >= floor}
        return fresh, {"newest": _iso(next_newest), "seen": seen}

    def item_id(self, item: dict) -> str:
        """``<did>/<rkey>`` of the post's URI."""
        parsed = parse_post_uri(item.get("uri") if isinstance(item, dict) else None)
        return f"{parsed[0]}/{parsed[1]}" if parsed else fallback_id(item)

    def map(self, item: dict) -> dict:
        """The post for one PostView (see :func:`map_post_view`)."""
        return {**map_post_view(item), "connector": self.name}


# --- Jetstream ----------------------------------------------------------------------------

def wanted(record: dict, langs: set[str], keywords: list[str], match: str) -> bool:
    """Whether a post record passes the language and keyword filters (no filter: every post).

    A language filter matches a record whose ``langs`` has one of ``langs`` as primary
    subtag ("id" matches "id-ID"); a keyword filter matches text containing a keyword,
    case-insensitively (so "hoaks" matches "#Hoaks" and "hoaksnya").
    """
    checks = []
    if langs:
        checks.append(any(isinstance(lang, str) and lang.split("-")[0].lower() in langs
                          for lang in record.get("langs") or []))
    if keywords:
        text = (record.get("text") or "").casefold()
        checks.append(any(keyword in text for keyword in keywords))
    if not checks:
        return True
    return all(checks) if match == "all" else any(checks)


def subscribe_url(url: str, cursor: int | None) -> str:
    """The Jetstream URL asking for post records only, from ``cursor`` (microseconds) when given."""
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query) if k not in ("wantedCollections", "cursor")]
    query.append(("wantedCollections", POST_COLLECTION))
    if cursor is not None:
        query.append(("cursor", str(cursor)))
    return urlunsplit(parts._replace(query=urlencode(query)))


class JetstreamConnector(StreamingConnector):
    """New posts from Bluesky's Jetstream firehose, filtered by language and/or keywords.

    Only ``commit`` events that create an ``app.bsky.feed.post`` and pass the filters are
    yielded. The checkpoint is the ``time_us`` of the last yielded event; Jetstream replays
    from it on reconnect, so nothing is lost (the event at the cursor comes again, and is
    dropped as a duplicate).
    """

    type = "bluesky_jetstream"

    class Options(ConnectorOptions):
        url: str = "wss://jetstream2.us-east.bsky.network/subscribe"
        langs: list[str] = []
        keywords: list[str] = []
        match: Literal["any", "all"] = "any"
        read_timeout: float = Field(default=60.0, gt=0)

    def stream(self, http: httpx.Client, checkpoint: dict | None) -> Iterator[tuple[dict, dict | None]]:
        """Yield (event, ``{"cursor": time_us}``) for each wanted new post.

        ``http`` is unused: Jetstream is a websocket, which httpx does not speak, so this
        connection opens its own socket (one per reconnect, after the runner's backoff).

        Returns when the server closes the connection normally (the runner reconnects);
        raises TimeoutError when nothing arrives for ``read_timeout`` seconds, and websockets'
        errors (ConnectionClosedError, InvalidStatus, ...) otherwise.
        """
        cursor = (checkpoint or {}).get("cursor")
        langs = {lang.split("-")[0].lower() for lang in self.options.langs}
        keywords = [keyword.casefold() for keyword in self.options.keywords if keyword.strip()]
        url = subscribe_url(self.options.url, cursor)
        with ws_connect(url, open_timeout=10, max_size=2 ** 21) as socket:
            while True:
                try:
                    message = socket.recv(timeout=self.options.read_timeout)
                except ConnectionClosedOK:
                    return
                event = orjson.loads(message)
                commit = event.get("commit") if isinstance(event, dict) else None
                if not (isinstance(commit, dict) and event.get("kind") == "commit"
                        and commit.get("operation") == "create" and commit.get("collection") == POST_COLLECTION):
                    continue
                record = commit.get("record")
                if not wanted(record if isinstance(record, dict) else {}, langs, keywords, self.options.match):
                    continue
                yield event, ({"cursor": event["time_us"]} if isinstance(event.get("time_us"), int) else None)

    def item_id(self, item: dict) -> str:
        """``<did>/<rkey>`` of the post."""
        did, rkey = item.get("did"), (item.get("commit") or {}).get("rkey")
        return f"{did}/{rkey}" if did and rkey else fallback_id(item)

    def map(self, item: dict) -> dict:
        """The post for one commit event (see :func:`map_jetstream_event`)."""
        return {**map_jetstream_event(item), "connector": self.name}
