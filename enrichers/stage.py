"""The enrich stage as a pure function over a batch of raw records.

The Faust agent (streams/agents.py) and the offline command (``pantau enrich``) both call
:func:`enrich_records`; nothing here knows about Kafka. A record that cannot become a post is
returned as a failure with its position and reason, so that the caller can dead-letter the
original bytes with their source offset.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Sequence

from enrichers import extract, langid
from enrichers.normalize import normalize
from pantau.post import InvalidPost, parse_post

ENRICHMENT_VERSION = "1-simple"

#: Analysis (normalisation, language) reads at most this many characters; the stored text stays whole.
ANALYSIS_MAX_CHARS = 5000

#: Distinct texts whose analysis is remembered (least recently seen forgotten first).
CACHE_SIZE = 50_000


@dataclass
class StageResult:
    """Outputs in input order (valid records only) and failures as (input position, reason)."""

    outputs: list[dict] = field(default_factory=list)
    failures: list[tuple[int, str]] = field(default_factory=list)


_cache: OrderedDict[str, tuple[str, langid.LanguageGuess]] = OrderedDict()


def _analyse(texts: list[str]) -> list[tuple[str, langid.LanguageGuess]]:
    """Normalised text and language per text; reshared and copy-pasted texts come from a cache."""
    missing = list(dict.fromkeys(text for text in texts if text not in _cache))
    for text, guess in zip(missing, langid.identify_many(missing)):
        _cache[text] = (normalize(text), guess)
    results = []
    for text in texts:
        _cache.move_to_end(text)
        results.append(_cache[text])
    while len(_cache) > CACHE_SIZE:
        _cache.popitem(last=False)
    return results


def enrich_records(raws: Sequence[bytes | str | dict]) -> StageResult:
    """Validate and enrich a batch of raw posts; never raises for bad input."""
    result = StageResult()
    posts = []
    for position, raw in enumerate(raws):
        try:
            posts.append(parse_post(raw))
        except InvalidPost as exc:
            result.failures.append((position, exc.reason))
    analyses = _analyse([post.text[:ANALYSIS_MAX_CHARS] for post in posts])
    now = datetime.now(timezone.utc).isoformat()
    for post, (normalized, guess) in zip(posts, analyses):
        doc = post.model_dump(mode="json", exclude_none=True)
        doc["hashtags"] = extract.merge([h.lower().lstrip("#") for h in post.hashtags], extract.hashtags(post.text))
        doc["mentions"] = extract.merge([m.lower().lstrip("@") for m in post.mentions], extract.mentions(post.text))
        doc["urls"] = extract.merge(post.urls, extract.urls(post.text))
        doc["text_normalized"] = normalized
        doc["language"] = {
            "code": guess.code,
            "confidence": round(guess.confidence, 4),
            "candidates": [[code, round(score, 4)] for code, score in guess.candidates],
            "mixed": guess.mixed,
        }
        doc["enrichment_version"] = ENRICHMENT_VERSION
        doc["enriched_at"] = now
        result.outputs.append(doc)
    return result
