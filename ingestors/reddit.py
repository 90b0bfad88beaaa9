"""Reddit subreddits' new submissions, from the public listing JSON ``/r/SUB/new.json``.

Format followed: Reddit's listings (https://www.reddit.com/dev/api#listings): a ``Listing``
whose ``data.children`` are things ``{"kind": "t3", "data": {...}}`` newest first, paged with
``after`` / ``before`` fullnames (``t3_<base-36 id>``) and ``limit`` (at most 100). The
request carries ``raw_json=1`` so that text is not HTML-escaped, and the descriptive
User-Agent Reddit's API rules ask for (https://github.com/reddit-archive/reddit/wiki/API).

New posts are found by reading the newest page and keeping the submissions whose id is greater
than the newest one already published: Reddit ids are sequential base-36 numbers. We do not
ask ``before=<newest fullname>``, because when that one post is deleted or removed by a
moderator (common for hoaxes) Reddit answers an empty listing from then on and the
connector would go silent. When every post on the newest page is new (more than ``limit``
since the last poll) the older pages are walked with ``after=`` until a known post is
reached; ``backfill_pages`` walks that many older pages on a subreddit's first run.

One fetch makes one request, for one subreddit; subreddits are read in turn and ``more``
stays true until each had its turn this poll, and while a walk is under way. Redirects are not
followed: Reddit redirects a subreddit that does not exist to a subreddit search, whose
listing would look like an empty subreddit, so it surfaces as an HTTP error instead.
"""

from __future__ import annotations

import hashlib
import re
from datetime import datetime, timezone

import httpx
import orjson
from pydantic import Field, field_validator

from ingestors.base import ConnectorOptions, MappingError, Page, PollingConnector

_SUBREDDIT = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_]{1,20}$")
_URL = re.compile(r"https?://[^\s<>()\[\]\"']+[^\s<>()\[\]\"'.,;:!?]")
_USER = re.compile(r"(?<![\w/])/?u/([A-Za-z0-9_-]{3,20})\b")
_GONE = ("[removed]", "[deleted]")
CATCH_UP_PAGES = 10  # at most this many older pages walked after a gap (1,000 posts at limit 100)


class RedditConnector(PollingConnector):
    """New submissions of subreddits, from the public listing JSON."""

    type = "reddit"

    class Options(ConnectorOptions):
        subreddits: list[str] = Field(min_length=1)
        base_url: str = "https://www.reddit.com"
        user_agent: str = "python:pantau:0.1 (hoax narrative monitoring)"
        limit: int = Field(default=100, ge=1, le=100)
        backfill_pages: int = Field(default=0, ge=0, le=100)

        @field_validator("subreddits")
        @classmethod
        def _names(cls, subreddits: list[str]) -> list[str]:
            names = [s.strip().strip("/").removeprefix("r/") for s in subreddits]
            bad = [s for s in names if not _SUBREDDIT.match(s)]
            if bad:
                raise ValueError(f"not subreddit names: {', '.join(bad)} (write indonesia, not a URL)")
            return [s.lower() for s in names]

    def fetch(self, http: httpx.Client, checkpoint: dict | None) -> Page:
        """Read the next subreddit in turn: its newest page, or the next older page of a walk."""
        subs = self.options.subreddits
        checkpoint = checkpoint or {}
        cursor = checkpoint.get("cursor", 0) % len(subs)
        sub = subs[cursor]
        states = {name: s for name, s in checkpoint.get("subreddits", {}).items() if name in subs}
        state = states.get(sub) or {}
        walk = state.get("walk")

        params: dict = {"limit": self.options.limit, "raw_json": 1}
        if walk:
            params["after"] = walk["after"]
        answer = http.get(f"{self.options.base_url.rstrip('/')}/r/{sub}/new.json", params=params,
                          headers={"User-Agent": self.options.user_agent}, follow_redirects=False)
        answer.raise_for_status()
        listing = answer.json()
        if not isinstance(listing, dict) or listing.get("kind") != "Listing":
            raise ValueError(f"{answer.url} did not answer a Reddit listing")
        body = listing.get("data") or {}
        children = [c for c in body.get("children") or [] if isinstance(c, dict) and c.get("kind") == "t3"]
        after = body.get("after")

        stop = walk["stop"] if walk else state.get("newest")
        fresh = [c for c in children if _newer(c, stop)]
        reached_known = len(fresh) < len(children)
        if walk:
            left = walk["pages_left"] - 1
            walk = {**walk, "after": after, "pages_left": left} if after and not reached_known and left > 0 else None
        elif not state:
            pages = self.options.backfill_pages
            walk = {"after": after, "stop": None, "pages_left": pages} if pages and after else None
        elif after and fresh and not reached_known:  # the whole page is new: older new posts may follow
            walk = {"after": after, "stop": stop, "pages_left": CATCH_UP_PAGES}

        state = {"newest": _newest([state.get("newest"), *(_fullname(c) for c in children)])}
        if walk:
            state["walk"] = walk
        states[sub] = state
        following = cursor if walk else cursor + 1
        return Page(items=fresh, checkpoint={"cursor": following % len(subs), "subreddits": states},
                    more=following < len(subs))

    def item_id(self, item: dict) -> str:
        """The submission's fullname, ``t3_<id>``."""
        if _fullname(item):
            return _fullname(item)
        digest = hashlib.sha256(orjson.dumps(item, option=orjson.OPT_SORT_KEYS)).hexdigest()[:16]
        return f"unknown-{digest}"  # no id: refused by map, still de-duplicated

    def map(self, item: dict) -> dict:
        """The post for one submission (see :func:`submission_to_post`)."""
        return submission_to_post(item, self.name)


def submission_to_post(item: dict, connector: str | None = None) -> dict:
    """Map one ``t3`` thing to a post: title and self text, link, media, score and comments.

    MappingError when it has no id or no ``created_utc``.
    """
    data = item.get("data") or {}
    fullname = _fullname(item)
    if not fullname:
        raise MappingError("reddit submission has no id or name")
    if not isinstance(data.get("created_utc"), (int, float)):
        raise MappingError(f"reddit submission {fullname} has no created_utc")
    title, body = (data.get("title") or "").strip(), (data.get("selftext") or "").strip()
    removed = body in _GONE or bool(data.get("removed_by_category"))
    if body in _GONE:
        body = ""
    text = "\n\n".join(part for part in (title, body) if part)
    author = data.get("author")
    links = [] if data.get("is_self") or not data.get("url") else [data["url"]]
    post = {
        "uid": f"reddit:{fullname}",
        "url": f"https://www.reddit.com{data['permalink']}" if data.get("permalink") else data.get("url"),
        "author": ({"id": data.get("author_fullname"), "handle": author, "display_name": author}
                   if author and author not in _GONE else {}),
        "text": text,
        "title": title,
        "created_at": datetime.fromtimestamp(data["created_utc"], timezone.utc).isoformat(),
        "connector": connector,
        "reshare_of": f"reddit:{data['crosspost_parent']}" if data.get("crosspost_parent") else None,
        "urls": list(dict.fromkeys(links + _URL.findall(body))),
        "mentions": list(dict.fromkeys(_USER.findall(text))),
        "media": _media(data),
        "engagement": {"likes": max(int(data.get("score") or 0), 0),
                       "replies": int(data.get("num_comments") or 0),
                       "reshares": int(data.get("num_crossposts") or 0)},
        "subreddit": data.get("subreddit"),
    }
    if data.get("link_flair_text"):
        post["flair"] = data["link_flair_text"]
    if removed:
        post["removed"] = True
    return post


def _fullname(item: dict) -> str | None:
    data = item.get("data") or {}
    return data.get("name") or (f"t3_{data['id']}" if data.get("id") else None)


def _number(fullname: str | None) -> int | None:
    """The base-36 id of ``t3_<id>`` as a number, which grows with every new submission."""
    try:
        return int(fullname.partition("_")[2], 36) if fullname else None
    except ValueError:
        return None


def _newer(item: dict, than: str | None) -> bool:
    """Whether ``item`` is newer than fullname ``than`` (always, when there is none or no id to compare)."""
    mine, theirs = _number(_fullname(item)), _number(than)
    return mine is None or theirs is None or mine > theirs


def _newest(fullnames: list[str | None]) -> str | None:
    known = [f for f in fullnames if _number(f) is not None]
    return max(known, key=_number, default=None)


def _media(data: dict) -> list[dict]:
    """An image or video the submission is, or a gallery's images."""
    if data.get("post_hint") == "image" and data.get("url"):
        return [{"type": "image", "url": data["url"]}]
    video = ((data.get("media") or {}).get("reddit_video") or {}).get("fallback_url")
    if data.get("is_video") and video:
        return [{"type": "video", "url": video}]
    gallery = data.get("media_metadata") or {}
    return [{"type": "image", "url": (meta.get("s") or {}).get("u")} for meta in gallery.values()
            if meta.get("e") == "Image"]
