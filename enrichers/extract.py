"""Hashtag, mention and URL extraction from post text (pure, regex-based)."""

from __future__ import annotations

import re

# A hashtag or mention starts after a non-word character and holds letters, digits and '_'.
_HASHTAG = re.compile(r"(?<![\w#])#(\w*[^\W\d_]\w*)")
_MENTION = re.compile(r"(?<![\w@])@(\w{1,64})")
_URL = re.compile(r"\bhttps?://[^\s<>\"'()\[\]]+", re.IGNORECASE)
_URL_TRAILING = ".,;:!?…"


def hashtags(text: str) -> list[str]:
    """Hashtags in order of first appearance, lower-cased, without '#'."""
    return list(dict.fromkeys(tag.lower() for tag in _HASHTAG.findall(text)))


def mentions(text: str) -> list[str]:
    """Mentioned handles in order of first appearance, lower-cased, without '@'."""
    return list(dict.fromkeys(handle.lower() for handle in _MENTION.findall(text)))


def urls(text: str) -> list[str]:
    """URLs in order of first appearance, without trailing sentence punctuation."""
    return list(dict.fromkeys(url.rstrip(_URL_TRAILING) for url in _URL.findall(text)))


def merge(given: list[str], found: list[str]) -> list[str]:
    """Union of a connector's own list and what the text shows, order kept, no repeats."""
    return list(dict.fromkeys([*given, *found]))
