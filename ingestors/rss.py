"""RSS 2.0 and Atom feeds: news sites and fact-checkers (turnbackhoax.id, cekfakta, ...).

Formats followed: RSS 2.0 (https://www.rssboard.org/rss-specification) and Atom, RFC 4287,
parsed with feedparser (https://feedparser.readthedocs.io/) from the bytes fetched with the
runner's client. Conditional GET (ETag / Last-Modified, RFC 9110 section 13) spares unchanged
feeds.

One fetch reads one feed; feeds are read in turn and ``more`` stays true until every feed has
been read once this poll. New entries are those whose id is not among the ids seen in the
feed before: a feed is a small window of recent entries, and sites do publish entries dated
earlier than ones already out (scheduled or back-dated posts), which a newest-date mark would
miss.

Fact-checkers title their debunks with a verdict tag, "[HOAKS] Video Banjir di ...". For a
feed marked ``fact_checker`` (or all feeds, with ``claims: true``) such an entry gives a claim
(:meth:`FeedConnector.claims`) and its post carries ``fact_check: {verdict, claim}``.
"""

from __future__ import annotations

import calendar
import hashlib
import io
import re
from datetime import datetime, timezone
from typing import Any
from urllib.parse import urlsplit

import feedparser
import httpx
from pydantic import BaseModel, ConfigDict, Field
from selectolax.lexbor import LexborHTMLParser

from ingestors.base import ConnectorOptions, MappingError, Page, PollingConnector

#: Verdict tags of Indonesian fact-checkers (turnbackhoax.id / Mafindo, Kominfo, Kompas,
#: Liputan6 and others), compared in upper case. Other bracketed tags ("[VIDEO]") are not verdicts.
VERDICTS = frozenset({
    "HOAKS", "HOAX", "SALAH", "KELIRU", "DISINFORMASI", "MISINFORMASI", "MALINFORMASI",
    "MISLEADING", "MENYESATKAN", "PENIPUAN", "FITNAH", "KLARIFIKASI", "SATIRE", "PARODI",
    "KONTEN PALSU", "KONTEN TIRUAN", "KONTEN YANG SALAH", "KONTEN YANG MENYESATKAN",
    "KONTEN YANG DIMANIPULASI", "KONEKSI YANG SALAH", "SEBAGIAN BENAR",
})
_TAGGED_TITLE = re.compile(r"^\s*\[\s*([^\]]{2,40}?)\s*\]\s*(.+)$", re.S)
_SEEN_KEPT = 500  # ids remembered per feed: several windows' worth, so a flapping feed adds nothing
_BLOCKS = "p, div, li, blockquote, h1, h2, h3, h4, h5, h6, tr, pre, figure"


class Feed(BaseModel):
    """One feed: its URL, and whether its titles carry fact-check verdicts."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    url: str
    fact_checker: bool = False
    platform: str | None = None


class FeedConnector(PollingConnector):
    """RSS 2.0 / Atom feeds; fact-checkers' verdict-tagged entries also become claims."""

    type = "rss"

    class Options(ConnectorOptions):
        feeds: list[str | Feed] = Field(min_length=1)
        platform: str = "news"
        claims: bool = False

    def _feeds(self) -> list[Feed]:
        return [Feed(url=f) if isinstance(f, str) else f for f in self.options.feeds]

    def fetch(self, http: httpx.Client, checkpoint: dict | None) -> Page:
        """Read the next feed in turn (conditional GET) and return its entries not seen before."""
        feeds = self._feeds()
        checkpoint = checkpoint or {}
        cursor = checkpoint.get("cursor", 0) % len(feeds)
        feed = feeds[cursor]
        # feeds no longer configured are dropped, so the checkpoint does not grow with old config
        states = {url: s for url, s in checkpoint.get("feeds", {}).items() if url in {f.url for f in feeds}}
        state = states.get(feed.url) or {}

        headers = {}
        if state.get("etag"):
            headers["If-None-Match"] = state["etag"]
        if state.get("last_modified"):
            headers["If-Modified-Since"] = state["last_modified"]
        answer = http.get(feed.url, headers=headers, follow_redirects=True)
        items: list[dict] = []
        if answer.status_code != 304:  # 304 Not Modified: nothing new, and raise_for_status would raise
            answer.raise_for_status()
            parsed = feedparser.parse(io.BytesIO(answer.content),
                                      response_headers={"content-type": answer.headers.get("content-type", "")})
            if not parsed.get("version") and not parsed.entries:
                raise ValueError(f"{feed.url} is not an RSS or Atom feed: {parsed.get('bozo_exception', 'no entries')}")
            source = _feed_dict(feed, parsed.feed, self.options)
            entries = [_entry_dict(entry) for entry in parsed.entries]
            seen = set(state.get("seen", []))
            items = [{"feed": source, "entry": e} for e in entries if entry_key(e) not in seen]
            current = list(dict.fromkeys(entry_key(e) for e in entries))
            known = set(current)
            earlier = [k for k in state.get("seen", []) if k not in known]
            state = {
                "etag": answer.headers.get("etag"),
                "last_modified": answer.headers.get("last-modified"),
                "seen": current + earlier[:max(0, _SEEN_KEPT - len(current))],
            }
        states[feed.url] = state
        following = cursor + 1
        return Page(items=items, checkpoint={"cursor": following % len(feeds), "feeds": states},
                    more=following < len(feeds))

    def item_id(self, item: dict) -> str:
        """The entry's native id (a hash of its id or link)."""
        return entry_key(item["entry"])

    def map(self, item: dict) -> dict:
        """The post for one entry (see :func:`entry_to_post`)."""
        return entry_to_post(item, self.name)

    def claims(self, item: dict) -> list[dict]:
        """A claim for a verdict-tagged entry of a fact-checker feed, else none."""
        claim = entry_claim(item)
        return [claim] if claim else []


def entry_key(entry: dict) -> str:
    """A stable native id: a hash of the entry's id (RSS guid, Atom id), else of its link."""
    basis = entry.get("id") or entry.get("link")
    if not basis:  # no id and no link: keyed by content so the item is still de-duplicated
        basis = "untitled:" + (entry.get("title") or "") + (entry.get("summary") or "")
    return hashlib.sha256(basis.encode("utf-8")).hexdigest()[:20]


def split_verdict(title: str) -> tuple[str, str] | None:
    """("HOAKS", "Video Banjir di ...") for "[HOAKS] Video Banjir di ...", None when no verdict tag."""
    match = _TAGGED_TITLE.match(title or "")
    if not match:
        return None
    verdict = " ".join(match.group(1).split()).upper()
    return (verdict, match.group(2).strip()) if verdict in VERDICTS else None


def html_to_text(html: str) -> str:
    """Plain text of an HTML fragment: tags dropped, entities decoded, paragraphs kept as blank lines."""
    if not html or ("<" not in html and "&" not in html):
        return (html or "").strip()
    tree = LexborHTMLParser(html)
    for node in tree.css("script, style"):
        node.decompose()
    for node in tree.css("br"):
        node.replace_with("\n")
    for node in tree.css(_BLOCKS):
        node.insert_after("\n\n")
    root = tree.body or tree.root
    text = root.text() if root else ""
    lines = [" ".join(line.split()) for line in text.splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def entry_to_post(item: dict, connector: str | None = None) -> dict:
    """Map one ``{"feed", "entry"}`` item to a post; MappingError when it has no id or no date."""
    feed, entry = item["feed"], item["entry"]
    if not (entry.get("id") or entry.get("link")):
        raise MappingError("feed entry has neither an id (guid) nor a link")
    created = entry.get("published") or entry.get("updated")
    if not created:
        raw = entry.get("published_raw") or entry.get("updated_raw")
        raise MappingError(f"feed entry has an unreadable date {raw!r}" if raw
                           else "feed entry has no published or updated date")
    native_id = entry_key(entry)
    title = html_to_text(entry.get("title") or "")
    body = html_to_text(entry.get("summary") or entry.get("content") or "")
    urls = [u for u in [entry.get("link"), *_links(entry.get("summary") or entry.get("content") or "")] if u]
    post = {
        "uid": f"{feed['platform']}:{native_id}",
        "url": entry.get("link"),
        "author": {"id": feed["host"], "handle": feed["host"],
                   "display_name": entry.get("author") or feed.get("title") or feed["host"]},
        "text": "\n\n".join(part for part in (title, body) if part),
        "title": title,
        "created_at": created,
        "connector": connector,
        "urls": list(dict.fromkeys(urls)),
        "media": entry.get("media", []),
        "categories": entry.get("tags", []),
        "feed": feed["url"],
    }
    verdict = split_verdict(title) if feed.get("fact_checker") else None
    if verdict:
        post["fact_check"] = {"verdict": verdict[0], "claim": verdict[1]}
    return post


def entry_claim(item: dict) -> dict | None:
    """The claim of a fact-checker's verdict-tagged entry, None for other entries and feeds."""
    feed, entry = item["feed"], item["entry"]
    published = entry.get("published") or entry.get("updated")
    if not feed.get("fact_checker") or not published or not (entry.get("id") or entry.get("link")):
        return None  # an entry that cannot be a post gives no claim either: its uid would lead nowhere
    verdict = split_verdict(html_to_text(entry.get("title") or ""))
    if not verdict:
        return None
    return {
        "uid": f"{feed['platform']}:{entry_key(entry)}",
        "claim": verdict[1],
        "verdict": verdict[0],
        "url": entry.get("link"),
        "source": feed.get("title") or feed["host"],
        "published_at": published,
    }


def _feed_dict(feed: Feed, meta: Any, options: Any) -> dict:
    """What every item of a feed carries about it (JSON-safe, so a dead letter keeps it)."""
    link = meta.get("link") or feed.url
    return {
        "url": feed.url,
        "title": meta.get("title"),
        "host": (urlsplit(link).hostname or urlsplit(feed.url).hostname or "unknown").removeprefix("www."),
        "platform": feed.platform or options.platform,
        "fact_checker": feed.fact_checker or options.claims,
    }


def _entry_dict(entry: Any) -> dict:
    """The parts of a feedparser entry a post needs, as plain JSON values (times as UTC ISO)."""
    content = entry.get("content") or []
    media = [{"type": (e.get("type") or "file").split("/")[0], "url": e.get("href")}
             for e in entry.get("enclosures", []) if e.get("href")]
    media += [{"type": m.get("medium") or (m.get("type") or "image").split("/")[0], "url": m.get("url")}
              for m in entry.get("media_content", []) if m.get("url")]
    return {
        "id": entry.get("id"),
        "link": entry.get("link"),
        "title": entry.get("title"),
        "summary": entry.get("summary"),
        "content": content[0].get("value") if content else None,
        "published": _iso(entry.get("published_parsed")),
        # dict.get: feedparser's own get() maps a missing "updated" to "published", with a warning
        "updated": _iso(dict.get(entry, "updated_parsed")),
        "published_raw": entry.get("published"),
        "updated_raw": dict.get(entry, "updated"),
        "author": entry.get("author"),
        "tags": [t.get("term") for t in entry.get("tags", []) if t.get("term")],
        "media": media,
    }


def _iso(parsed: Any) -> str | None:
    """feedparser's UTC struct_time as ISO 8601."""
    if not parsed:
        return None
    return datetime.fromtimestamp(calendar.timegm(parsed), timezone.utc).isoformat().replace("+00:00", "Z")


def _links(html: str) -> list[str]:
    """The http(s) targets of the links in an HTML fragment."""
    if "<a" not in html:
        return []
    hrefs = (a.attributes.get("href") for a in LexborHTMLParser(html).css("a[href]"))
    return [h for h in hrefs if h and h.startswith(("http://", "https://"))]
