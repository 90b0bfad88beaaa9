"""X (Twitter) connector: API v2 recent search, polled with ``since_id`` and paged with ``next_token``.

Docs followed: X API v2 "Search Posts" (``GET /2/tweets/search/recent``: ``query``,
``max_results`` 10-100, ``since_id``, ``next_token``; ``meta.newest_id`` / ``meta.next_token``),
"Fields and expansions" (``tweet.fields``, ``expansions``, ``includes.users`` / ``media`` /
``tweets``) and the Tweet object (``referenced_tweets``, ``entities``, ``public_metrics``,
``note_tweet``). Authentication is an app-only bearer token, sent only in the Authorization header.

uid: ``x:<tweet id>``. A retweet becomes a post of its own whose text is the retweeted tweet's
full text and whose ``reshare_of`` is ``x:<retweeted id>``.

Checkpoint: ``{"queries": {<query>: state}}``, one state per configured query:
``{"since_id": id}`` once caught up, or, while an older page is still to be fetched,
``{"since_id": id, "next_token": token, "newest_id": id}``. ``since_id`` only moves to
``newest_id`` when the last page is in, so a restart mid-way never leaves a gap.
"""

from __future__ import annotations

import hashlib
import time
from typing import Any

import httpx
import orjson
from pydantic import Field, field_validator

from ingestors.base import ConnectorOptions, MappingError, Page, PollingConnector

SEARCH_PATH = "/2/tweets/search/recent"
# note_tweet carries the full text of posts over 280 characters; attachments the media keys.
TWEET_FIELDS = ("created_at,author_id,conversation_id,in_reply_to_user_id,referenced_tweets,entities,"
                "public_metrics,lang,geo,attachments,note_tweet")
EXPANSIONS = "author_id,referenced_tweets.id,attachments.media_keys"
USER_FIELDS = "username,name,public_metrics"
MEDIA_FIELDS = "url,type,preview_image_url"

#: Recent search only reaches back seven days and answers 400 to an older since_id.
RECENT_WINDOW_SECONDS = 7 * 24 * 3600
_TWITTER_EPOCH_MS = 1288834974657
_MEDIA_TYPES = {"photo": "image", "video": "video", "animated_gif": "gif"}
_REFERENCE_FIELDS = {"retweeted": "reshare_of", "quoted": "quote_of", "replied_to": "reply_to"}


def raise_for_status_redacted(answer: httpx.Response, *secrets: str) -> None:
    """``answer.raise_for_status()``, with every trace of ``secrets`` removed from what it raises.

    ``str(HTTPStatusError)`` never holds headers or bodies, but the request and response it
    carries do (the Authorization header, a body that echoes a token); whoever logs them
    would leak the secret. The raised error keeps the status, URL and response headers
    (Retry-After) that the runner reads.
    """
    if answer.is_success:
        return
    try:
        answer.raise_for_status()
    except httpx.HTTPStatusError as exc:
        sent = exc.request
        request = httpx.Request(sent.method, sent.url, headers=[
            (name, value) for name, value in sent.headers.multi_items()
            if name.lower() not in ("authorization", "cookie", "content-length")])
        try:
            body = answer.content
        except httpx.ResponseNotRead:  # a streamed answer (server-sent events): an error's body is short
            body = answer.read()
        for secret in secrets:
            if secret:
                body = body.replace(secret.encode(), b"[redacted]")
        # the body is already decoded: drop the headers that would make httpx decode it again
        headers = [(name, value) for name, value in answer.headers.multi_items()
                   if name.lower() not in ("content-encoding", "content-length", "transfer-encoding", "set-cookie")]
        response = httpx.Response(answer.status_code, headers=headers, content=body, request=request)
        raise httpx.HTTPStatusError(str(exc), request=request, response=response) from None


def tweet_timestamp(tweet_id: str) -> float:
    """The POSIX time a tweet id was minted (ids are Snowflakes: milliseconds since 2010-11-04)."""
    return ((int(tweet_id) >> 22) + _TWITTER_EPOCH_MS) / 1000


def fallback_id(item: Any) -> str:
    """A stable id for an item that has none of its own (it will fail mapping; dedupe still needs one)."""
    return "sha1:" + hashlib.sha1(orjson.dumps(item, option=orjson.OPT_SORT_KEYS)).hexdigest()


class XRecentSearchConnector(PollingConnector):
    """Recent search for each configured query; each item is a tweet with its expansions."""

    type = "x"

    class Options(ConnectorOptions):
        queries: list[str] = Field(min_length=1)
        bearer_token_env: str = "X_BEARER_TOKEN"
        base_url: str = "https://api.x.com"
        max_results: int = Field(default=100, ge=10, le=100)

        @field_validator("queries")
        @classmethod
        def _distinct(cls, queries: list[str]) -> list[str]:
            if any(not query.strip() for query in queries) or len(set(queries)) != len(queries):
                raise ValueError("queries must be non-empty and distinct")
            return queries

    def fetch(self, http: httpx.Client, checkpoint: dict | None) -> Page:
        """One page per query: only the queries still paging when some are, else every query."""
        token = self.secret("bearer_token_env")
        states: dict[str, dict] = dict((checkpoint or {}).get("queries", {}))
        paging = [query for query in self.options.queries if states.get(query, {}).get("next_token")]
        items: list[dict] = []
        for query in paging or self.options.queries:
            page_items, states[query] = self._fetch_query(http, token, query, states.get(query, {}))
            items.extend(page_items)
        states = {query: states[query] for query in self.options.queries if query in states}
        more = any("next_token" in state for state in states.values())
        return Page(items=items, checkpoint={"queries": states}, more=more)

    def _fetch_query(self, http: httpx.Client, token: str, query: str, state: dict) -> tuple[list[dict], dict]:
        since_id, next_token = state.get("since_id"), state.get("next_token")
        # With a previous position, page back to it; on the very first run take the newest page only.
        catch_up = since_id is not None
        stale = since_id is not None and self.now() - tweet_timestamp(since_id) > RECENT_WINDOW_SECONDS - 60
        if next_token is None and stale:
            since_id = None  # older than the search window: the API would refuse it; take all seven days
        params = {"query": query, "max_results": self.options.max_results, "tweet.fields": TWEET_FIELDS,
                  "expansions": EXPANSIONS, "user.fields": USER_FIELDS, "media.fields": MEDIA_FIELDS}
        if since_id:
            params["since_id"] = since_id
        if next_token:
            params["next_token"] = next_token
        answer = http.get(self.options.base_url.rstrip("/") + SEARCH_PATH, params=params,
                          headers={"Authorization": f"Bearer {token}"})
        raise_for_status_redacted(answer, token)
        body = answer.json()
        meta = body.get("meta") or {}
        items = attach_includes(body)
        newest = state["newest_id"] if next_token else (meta.get("newest_id") or state.get("since_id"))
        if meta.get("next_token") and (catch_up or next_token):
            return items, {"since_id": since_id, "next_token": meta["next_token"], "newest_id": newest}
        return items, ({"since_id": newest} if newest else {})

    def now(self) -> float:
        """The current POSIX time (a method, so that tests can set the clock)."""
        return time.time()

    def item_id(self, item: dict) -> str:
        """The tweet id."""
        tweet_id = (item.get("tweet") or {}).get("id")
        return str(tweet_id) if tweet_id else fallback_id(item)

    def map(self, item: dict) -> dict:
        """The post for one tweet with its expansions (see :func:`map_tweet`)."""
        return {**map_tweet(item), "connector": self.name}


def attach_includes(body: dict) -> list[dict]:
    """Each tweet of a search answer as ``{"tweet", "users", "media", "tweets"}``.

    Only the expansion objects that tweet refers to are attached, so that each item maps on
    its own, whatever page it came from.
    """
    includes = body.get("includes") or {}
    users = {user.get("id"): user for user in includes.get("users", [])}
    media = {entry.get("media_key"): entry for entry in includes.get("media", [])}
    tweets = {tweet.get("id"): tweet for tweet in includes.get("tweets", [])}
    items = []
    for tweet in body.get("data") or []:
        refs = {ref.get("id"): tweets[ref.get("id")] for ref in tweet.get("referenced_tweets") or []
                if ref.get("id") in tweets}
        author_ids = {tweet.get("author_id")} | {ref.get("author_id") for ref in refs.values()}
        keys = list((tweet.get("attachments") or {}).get("media_keys") or [])
        for ref in refs.values():
            keys += (ref.get("attachments") or {}).get("media_keys") or []
        items.append({"tweet": tweet,
                      "users": {uid: users[uid] for uid in author_ids if uid in users},
                      "media": {key: media[key] for key in keys if key in media},
                      "tweets": refs})
    return items


def _full_text(tweet: dict) -> str:
    return ((tweet.get("note_tweet") or {}).get("text")) or tweet.get("text") or ""


def _entities(tweet: dict) -> dict:
    # a long post's entities are those of its note_tweet
    return (tweet.get("note_tweet") or {}).get("entities") or tweet.get("entities") or {}


def map_tweet(item: dict) -> dict:
    """Map one tweet (with its expansions, as :func:`attach_includes` builds it) to a post dict."""
    tweet = item.get("tweet") or {}
    tweet_id = tweet.get("id")
    if not tweet_id:
        raise MappingError("tweet has no id")
    if not tweet.get("created_at"):
        raise MappingError(f"tweet {tweet_id} has no created_at (request tweet.fields=created_at)")
    references = {}
    for ref in tweet.get("referenced_tweets") or []:
        field = _REFERENCE_FIELDS.get(ref.get("type"))
        if field and ref.get("id"):
            references[field] = f"x:{ref['id']}"
    # A retweet's own text is "RT @name: " and a truncated copy: the content is the original's.
    retweeted = next((item.get("tweets", {}).get(ref.get("id")) for ref in tweet.get("referenced_tweets") or []
                      if ref.get("type") == "retweeted"), None)
    content = retweeted or tweet
    entities = _entities(content)
    author = (item.get("users") or {}).get(tweet.get("author_id")) or {}
    username = author.get("username")
    metrics = tweet.get("public_metrics") or {}
    post = {
        "uid": f"x:{tweet_id}",
        "platform": "x",
        "native_id": str(tweet_id),
        "url": f"https://x.com/{username}/status/{tweet_id}" if username else f"https://x.com/i/web/status/{tweet_id}",
        "author": {"id": tweet.get("author_id"), "handle": username, "display_name": author.get("name"),
                   "followers": (author.get("public_metrics") or {}).get("followers_count")},
        "text": _full_text(content),
        "created_at": tweet["created_at"],
        **references,
        "urls": [u.get("unwound_url") or u.get("expanded_url") or u["url"]
                 for u in entities.get("urls", []) if u.get("url") and not u.get("media_key")],
        "hashtags": [tag["tag"] for tag in entities.get("hashtags", []) if tag.get("tag")],
        "mentions": [m["username"] for m in entities.get("mentions", []) if m.get("username")],
        "media": _media(content, item.get("media") or {}),
        "engagement": {"likes": metrics.get("like_count", 0), "reshares": metrics.get("retweet_count", 0),
                       "replies": metrics.get("reply_count", 0), "views": metrics.get("impression_count"),
                       "quotes": metrics.get("quote_count", 0)},
        "lang_hint": tweet.get("lang") if tweet.get("lang") not in (None, "und", "qme", "zxx") else None,
    }
    if tweet.get("conversation_id"):
        post["conversation_id"] = f"x:{tweet['conversation_id']}"
    geo = _geo(tweet.get("geo"))
    if geo:
        post["geo"] = geo
    return post


def _media(tweet: dict, media: dict) -> list[dict]:
    out = []
    for key in (tweet.get("attachments") or {}).get("media_keys") or []:
        entry = media.get(key)
        if entry:
            out.append({"type": _MEDIA_TYPES.get(entry.get("type"), "unknown"),
                        "url": entry.get("url") or entry.get("preview_image_url")})
    return out


def _geo(geo: dict | None) -> dict | None:
    if not geo:
        return None
    out: dict = {}
    point = (geo.get("coordinates") or {}).get("coordinates")
    if isinstance(point, list) and len(point) == 2:
        out["lon"], out["lat"] = point  # GeoJSON order
    if geo.get("place_id"):
        out["place_id"] = geo["place_id"]
    return out or None
