"""Public Telegram channels, read from the web preview at https://t.me/s/CHANNEL (no API key).

The preview is the HTML page Telegram serves for public channels (the same markup as its post
widget, https://core.telegram.org/widgets/post): each message is a ``.tgme_widget_message``
with ``data-post="channel/123"``, its text in ``.tgme_widget_message_text``, its time in
``time[datetime]``, its views in ``.tgme_widget_message_views`` ("1.2K"), a forward's origin
in ``.tgme_widget_message_forwarded_from_name``. A page holds about 20 messages, oldest first;
``?after=ID`` gives the messages after ID and ``?before=ID`` those before it, and a
``a.tme_messages_more`` link with ``data-after`` / ``data-before`` says that more exist.

Parsed with selectolax (Lexbor, an HTML5 parser with CSS selectors): the markup is addressed
by class names, which CSS selectors say directly, and one small wheel with no dependencies
parses a page in about a millisecond.

One fetch makes one request, for one channel; channels are read in turn and ``more`` stays
true until each had its turn this poll (and while one still has newer messages to page
through). A channel that has no public preview is redirected to its t.me/CHANNEL page, which
has no message history: fetch then raises ValueError naming the page.
"""

from __future__ import annotations

import hashlib
import re
from decimal import Decimal, InvalidOperation
from urllib.parse import urlsplit

import httpx
from pydantic import Field, field_validator
from selectolax.lexbor import LexborHTMLParser, LexborNode

from ingestors.base import ConnectorOptions, MappingError, Page, PollingConnector

_USERNAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]{3,31}$")
_HASHTAG = re.compile(r"(?<![\w&])#(\w+)")
_MENTION = re.compile(r"(?<![\w@])@([A-Za-z][A-Za-z0-9_]{3,31})\b")
_POST_LINK = re.compile(r"^https?://(?:www\.)?(?:t\.me|telegram\.me)/(?:s/)?([A-Za-z][A-Za-z0-9_]{3,31})/(\d+)")
_PROFILE_LINK = re.compile(r"^https?://(?:www\.)?(?:t\.me|telegram\.me)/[A-Za-z][A-Za-z0-9_]{3,31}/?$")  # an @mention
_BACKGROUND_URL = re.compile(r"url\(['\"]?([^'\")]+)")
_SCALE = {"": 1, "K": 1_000, "M": 1_000_000, "B": 1_000_000_000}


class TelegramChannelConnector(PollingConnector):
    """Public channels' messages from the t.me/s web preview."""

    type = "telegram"

    class Options(ConnectorOptions):
        channels: list[str] = Field(min_length=1)
        base_url: str = "https://t.me"
        backfill_pages: int = Field(default=0, ge=0, le=100)

        @field_validator("channels")
        @classmethod
        def _usernames(cls, channels: list[str]) -> list[str]:
            names = [c.strip().removeprefix("@").removeprefix("https://t.me/").removeprefix("s/") for c in channels]
            bad = [c for c in names if not _USERNAME.match(c)]
            if bad:
                raise ValueError(f"not public channel usernames: {', '.join(bad)} (5-32 letters, digits, _)")
            return [c.lower() for c in names]

    def fetch(self, http: httpx.Client, checkpoint: dict | None) -> Page:
        """Read one page of the next channel in turn: newer messages, or older ones while backfilling."""
        channels = self.options.channels
        checkpoint = checkpoint or {}
        cursor = checkpoint.get("cursor", 0) % len(channels)
        channel = channels[cursor]
        states = {name: s for name, s in checkpoint.get("channels", {}).items() if name in channels}
        state = dict(states.get(channel) or {})

        if not state:
            params = {}
        elif state.get("backfill_left"):
            params = {"before": state["oldest_id"]}
        else:
            params = {"after": state["last_id"]}
        url = f"{self.options.base_url.rstrip('/')}/s/{channel}"
        answer = http.get(url, params=params, follow_redirects=True)
        answer.raise_for_status()
        page = parse_page(answer.text, channel)
        if page is None:
            raise ValueError(f"{answer.url} is not a channel's message preview")
        messages = page.pop("messages")
        ids = [m_id for m_id, _ in messages if m_id is not None]

        if "before" in params:
            fresh = [m for m in messages if m[0] is None or m[0] < state["oldest_id"]]
            state["oldest_id"] = min(ids, default=state["oldest_id"])
            done = not page["older"] or not fresh
            state["backfill_left"] = 0 if done else state["backfill_left"] - 1
            channel_more = state["backfill_left"] > 0
        else:
            last = state.get("last_id", 0)
            fresh = [m for m in messages if m[0] is None or m[0] > last]
            state["last_id"] = max(ids, default=last)
            if not params and self.options.backfill_pages and page["older"] and ids:
                state.update(oldest_id=min(ids), backfill_left=self.options.backfill_pages)
            channel_more = bool(state.get("backfill_left")) or (bool(params) and page["newer"])

        facts = {key: page[key] for key in ("channel", "channel_title", "subscribers")}
        items = [{**facts, "post": post_id(channel, m_id, html), "html": html} for m_id, html in fresh]
        states[channel] = state
        following = cursor if channel_more else cursor + 1
        return Page(items=items, checkpoint={"cursor": following % len(channels), "channels": states},
                    more=following < len(channels))

    def item_id(self, item: dict) -> str:
        """``channel/123``, as in the message's data-post."""
        return item["post"]

    def map(self, item: dict) -> dict:
        """The post for one message (see :func:`message_to_post`)."""
        return message_to_post(item, self.name)


def post_id(channel: str, message_id: int | None, html: str) -> str:
    """``channel/123``; for a message without an id, a hash of its markup (it is refused by map)."""
    if message_id is not None:
        return f"{channel}/{message_id}"
    return f"{channel}/unknown-{hashlib.sha256(html.encode('utf-8')).hexdigest()[:16]}"


def parse_page(html: str, channel: str) -> dict | None:
    """A preview page's messages [(id, outer HTML)] oldest first, channel title, subscribers, and
    whether older / newer messages exist; None when the page is not a channel's message history."""
    tree = LexborHTMLParser(html)
    if tree.css_first(".tgme_channel_history") is None:
        return None
    messages = []
    for node in tree.css(".tgme_widget_message"):
        if "service_message" in (node.attributes.get("class") or ""):
            continue  # "channel photo updated" and the like: not posts
        messages.append((_message_number(node.attributes.get("data-post")), node.html))
    title = tree.css_first(".tgme_channel_info_header_title")
    subscribers = None
    for counter in tree.css(".tgme_channel_info_counter"):
        kind, value = counter.css_first(".counter_type"), counter.css_first(".counter_value")
        if kind and value and kind.text().strip() in ("subscribers", "subscriber", "members"):
            subscribers = parse_count(value.text())
    return {
        "channel": channel,
        "channel_title": title.text().strip() if title else None,
        "subscribers": subscribers,
        "older": tree.css_first("a.tme_messages_more[data-before]") is not None,
        "newer": tree.css_first("a.tme_messages_more[data-after]") is not None,
        "messages": messages,
    }


def parse_count(text: str | None) -> int | None:
    """1200 for "1.2K", 2050000 for "2.05M", 856 for "856"; None when unreadable."""
    match = re.fullmatch(r"\s*([\d.,]+)\s*([KMB]?)\s*", (text or "").upper())
    if not match:
        return None
    try:
        return int(Decimal(match.group(1).replace(",", "")) * _SCALE[match.group(2)])
    except InvalidOperation:
        return None


def message_to_post(item: dict, connector: str | None = None) -> dict:
    """Map one message (its outer HTML and the page's channel facts) to a post.

    A message with no text (a photo, a video) is still a post, with empty text and its media.
    MappingError when it has no ``data-post`` id or no date.
    """
    node = LexborHTMLParser(item["html"]).css_first(".tgme_widget_message")
    number = _message_number(node.attributes.get("data-post") if node else None)
    if node is None or number is None:
        raise MappingError("telegram message has no data-post=\"channel/id\"")
    data_post = node.attributes["data-post"]
    when = node.css_first(".tgme_widget_message_date time[datetime]") or node.css_first("time[datetime]")
    if when is None or not when.attributes.get("datetime"):
        raise MappingError(f"telegram message {data_post} has no date (time[datetime])")

    text_node = node.css_first(".tgme_widget_message_bubble > .tgme_widget_message_text")
    text, links = _text_and_links(text_node) if text_node else ("", [])
    preview = node.css_first("a.tgme_widget_message_link_preview")
    if preview and preview.attributes.get("href"):
        links.append(preview.attributes["href"])
    channel = data_post.split("/")[0]
    owner = node.css_first(".tgme_widget_message_owner_name")
    post = {
        "uid": f"telegram:{channel.lower()}/{number}",
        "url": f"https://t.me/{data_post}",
        "author": {"id": channel.lower(), "handle": channel,
                   "display_name": owner.text().strip() if owner else item.get("channel_title"),
                   "followers": item.get("subscribers")},
        "text": text,
        "created_at": when.attributes["datetime"],
        "connector": connector,
        "urls": list(dict.fromkeys(links)),
        "hashtags": list(dict.fromkeys(_HASHTAG.findall(text))),
        "mentions": list(dict.fromkeys(_MENTION.findall(text))),
        "media": _media(node),
        "engagement": {"views": parse_count(_text(node, ".tgme_widget_message_views"))},
    }
    forwarded = node.css_first(".tgme_widget_message_forwarded_from_name")
    if forwarded is not None:
        href = forwarded.attributes.get("href")
        post["forwarded_from"] = {"name": forwarded.text().strip(), "url": href}
        post["reshare_of"] = _post_uid(href)
    reply = node.css_first("a.tgme_widget_message_reply")
    if reply is not None:
        post["reply_to"] = _post_uid(reply.attributes.get("href"))
    signature = _text(node, ".tgme_widget_message_from_author")
    if signature:
        post["signature"] = signature
    if "edited" in (_text(node, ".tgme_widget_message_meta") or ""):
        post["edited"] = True
    return post


def _message_number(data_post: str | None) -> int | None:
    _, _, number = (data_post or "").rpartition("/")
    return int(number) if number.isdigit() else None


def _post_uid(href: str | None) -> str | None:
    """``telegram:channel/123`` for a link to a channel post, else None."""
    match = _POST_LINK.match(href or "")
    return f"telegram:{match.group(1).lower()}/{match.group(2)}" if match else None


def _text(node: LexborNode, selector: str) -> str | None:
    found = node.css_first(selector)
    return found.text().strip() if found else None


def _text_and_links(node: LexborNode) -> tuple[str, list[str]]:
    """The message text with line breaks kept, and the web links in it (not hashtag searches or @mentions)."""
    links = [a.attributes.get("href") or "" for a in node.css("a[href]")]
    for br in node.css("br"):
        br.replace_with("\n")
    lines = [" ".join(line.split()) for line in node.text().splitlines()]
    links = [h for h in links if urlsplit(h).scheme in ("http", "https") and not _PROFILE_LINK.match(h)]
    return "\n".join(lines).strip(), links


def _media(node: LexborNode) -> list[dict]:
    """Photos, videos, voice notes and documents of a message, with their URLs where the page has them."""
    media = []
    for photo in node.css(".tgme_widget_message_photo_wrap"):
        found = _BACKGROUND_URL.search(photo.attributes.get("style") or "")
        media.append({"type": "photo", "url": found.group(1) if found else None})
    for player in node.css(".tgme_widget_message_video_player"):
        video = player.css_first("video[src]")
        media.append({"type": "video", "url": video.attributes["src"] if video else None})
    for voice in node.css("audio.tgme_widget_message_voice[src]"):
        media.append({"type": "audio", "url": voice.attributes["src"]})
    for _ in node.css(".tgme_widget_message_document"):
        media.append({"type": "document", "url": None})
    return media
