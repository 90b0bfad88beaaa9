"""The enrich stage as a pure function over a batch of raw records.

The Faust agent (streams/agents.py), ``pantau enrich`` and ``pantau reprocess`` all call
:func:`enrich_records`; nothing here knows about Kafka. A record that cannot become a post is
returned as a failure with its position and reason, so that the caller can dead-letter the
original bytes with their source offset.

What a post gets: normalised text (enrichers.normalize), language (enrichers.langid),
entities with canonical forms (enrichers.entities), keywords (enrichers.keywords), hashtags,
mentions and URLs merged from the connector and the text, and ``enrichment_version``.

Repeated texts cost almost nothing. Analysis reads the first ``ANALYSIS_MAX_CHARS``
characters and is cached at two levels, least recently used forgotten first:

1. by the exact text: a verbatim reshare or copy-paste forward is one dictionary lookup;
2. by the normalised text (cheap to compute): a copy with other casing, slang spelling,
   elongated letters or spacing reuses the language, the keywords and the entities, whose
   offsets are found again in the new text; only when an entity cannot be found there does
   the post go through the entity models.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Sequence

from enrichers import entities, extract, langid
from enrichers.claims import DEFAULT_CATALOGUE, ClaimMatcher, fact_check_verdict, load_catalogue
from enrichers.keywords import keywords
from enrichers.normalize import normalize
from pantau.post import InvalidPost, parse_post

#: Bump when the stage's code changes what it writes; data and model changes bump the digest.
STAGE_VERSION = 3

#: Analysis reads at most this many characters; the stored text stays whole.
ANALYSIS_MAX_CHARS = 5000

#: Distinct texts whose analysis is remembered, per cache level.
CACHE_SIZE = 50_000


def _data_digest(data: Path = Path(__file__).resolve().parent / "data") -> str:
    """A short digest of every lexicon, gazetteer and model file the stage reads.

    Documentation (``*.md``) is left out: editing a README does not make posts stale.
    """
    digest = hashlib.blake2b(digest_size=4)
    digest.update(entities.ENGLISH_MODEL_VERSION.encode())
    for path in sorted(p for p in data.rglob("*")
                       if p.is_file() and p.suffix != ".md" and "__pycache__" not in p.parts):
        digest.update(str(path.relative_to(data)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


#: Recorded on every enriched post: ``pantau reprocess`` brings older posts up to it.
ENRICHMENT_VERSION = f"{STAGE_VERSION}+{_data_digest()}"


@dataclass(frozen=True)
class Analysis:
    """Everything the stage derives from a post's text alone."""

    normalized: str
    language: langid.LanguageGuess
    keywords: list[str]
    entities: list[dict]


@dataclass
class StageResult:
    """Outputs in input order (valid records only) and failures as (input position, reason)."""

    outputs: list[dict] = field(default_factory=list)
    failures: list[tuple[int, str]] = field(default_factory=list)


class _LRU(OrderedDict):
    def get_fresh(self, key):
        value = self.get(key)
        if value is not None:
            self.move_to_end(key)
        return value

    def put(self, key, value) -> None:
        self[key] = value
        if len(self) > CACHE_SIZE:
            self.popitem(last=False)


_by_text: _LRU = _LRU()
_by_normalized: _LRU = _LRU()


def _relocate(cached: list[dict], text: str) -> list[dict] | None:
    """The cached entities found again, in order, in ``text`` (ignoring case); None if one is missing."""
    folded, found, position = text.casefold(), [], 0
    if len(folded) != len(text):  # casefold changed lengths (ß, ligatures): offsets would drift
        return None
    for entity in cached:
        start = folded.find(entity["text"].casefold(), position)
        if start < 0:
            return None
        end = start + len(entity["text"])
        found.append({**entity, "text": text[start:end], "start": start, "end": end})
        position = end
    return found


def _analyse_new(texts: list[str]) -> None:
    """Analyse texts that the exact-text cache does not know and remember the results."""
    normalized = [normalize(text) for text in texts]
    partial: dict[str, tuple] = {}
    needs_language = [n for n, norm in enumerate(normalized) if _by_normalized.get_fresh(norm) is None]
    guesses = dict(zip(needs_language, langid.identify_many([texts[n] for n in needs_language])))
    needs_entities: list[int] = []
    for n, (text, norm) in enumerate(zip(texts, normalized)):
        known = _by_normalized.get(norm)
        if known is not None:
            relocated = _relocate(known.entities, text)
            partial[text] = (norm, known.language, known.keywords, relocated)
            if relocated is None:
                needs_entities.append(n)
        else:
            guess = guesses[n]
            partial[text] = (norm, guess, keywords(norm, extract.hashtags(text), guess.code), None)
            needs_entities.append(n)
    found = entities.find_many([texts[n] for n in needs_entities],
                               [partial[texts[n]][1].code for n in needs_entities]) if needs_entities else []
    for n, ents in zip(needs_entities, found):
        norm, guess, words, _ = partial[texts[n]]
        partial[texts[n]] = (norm, guess, words, ents)
    for text, (norm, guess, words, ents) in partial.items():
        analysis = Analysis(norm, guess, words, ents)
        _by_text.put(text, analysis)
        if _by_normalized.get(norm) is None:
            _by_normalized.put(norm, analysis)


def analyse(texts: list[str]) -> list[Analysis]:
    """The analysis of each text (its first ANALYSIS_MAX_CHARS characters), from the caches when known."""
    texts = [text[:ANALYSIS_MAX_CHARS] for text in texts]
    missing = list(dict.fromkeys(text for text in texts if _by_text.get_fresh(text) is None))
    if missing:
        _analyse_new(missing)
    return [_by_text[text] for text in texts]


_matchers: dict[str, ClaimMatcher] = {}


def default_matcher(catalogue: Path | None = None) -> ClaimMatcher:
    """The claim matcher over a catalogue file (default: the shipped one), built once per file."""
    path = str(catalogue or DEFAULT_CATALOGUE)
    if path not in _matchers:
        _matchers[path] = ClaimMatcher(load_catalogue(path))
    return _matchers[path]


_claim_matches: _LRU = _LRU()
_claim_matcher: list[ClaimMatcher] = []  # the matcher the cache's answers came from


def _match_cached(matcher: ClaimMatcher, normalized: str):
    """matcher.match(normalized), remembered per normalised text until the matcher changes."""
    if _claim_matcher[:1] != [matcher]:
        _claim_matches.clear()
        _claim_matcher[:] = [matcher]
    if normalized not in _claim_matches:
        _claim_matches.put(normalized, matcher.match(normalized))
    return _claim_matches[normalized]


def claim_fields(post: dict, normalized: str, matcher: ClaimMatcher) -> None:
    """Set ``fact_check`` (the post is itself a debunk) and ``claim`` (the known claim it retells)."""
    if not post.get("fact_check"):
        verdict = fact_check_verdict(post.get("text") or "")
        if verdict:
            post["fact_check"] = {"verdict": verdict, "detected_by": "text"}
    match = _match_cached(matcher, normalized) if normalized else None
    if match is not None:
        post["claim"] = {**match.claim.to_dict(), "score": round(match.score, 3), "via": "post"}
        post["claim"].pop("aliases", None)


def warm_up() -> None:
    """Load every model now (the language identifier, both entity pipelines), not on the first batch.

    A worker calls this before it joins its consumer group: loading takes seconds, and a worker
    that blocks that long in the middle of a group rebalance stalls the whole group.
    """
    entities.find_many(["Presiden Joko Widodo di Jakarta", "President Biden in Washington"], ["id", "en"])
    langid.identify_many(["siap"])


def enrich_records(raws: Sequence[bytes | str | dict], matcher: ClaimMatcher | None = None) -> StageResult:
    """Validate and enrich a batch of raw posts; never raises for bad input.

    ``matcher`` holds the known claims (default: the shipped catalogue).
    """
    matcher = matcher or default_matcher()
    result = StageResult()
    posts = []
    for position, raw in enumerate(raws):
        try:
            posts.append(parse_post(raw))
        except InvalidPost as exc:
            result.failures.append((position, exc.reason))
    analyses = analyse([post.text for post in posts])
    now = datetime.now(timezone.utc).isoformat()
    for post, analysis in zip(posts, analyses):
        guess = analysis.language
        doc = post.model_dump(mode="json", exclude_none=True)
        doc["hashtags"] = extract.merge([h.lower().lstrip("#") for h in post.hashtags], extract.hashtags(post.text))
        doc["mentions"] = extract.merge([m.lower().lstrip("@") for m in post.mentions], extract.mentions(post.text))
        doc["urls"] = extract.merge(post.urls, extract.urls(post.text))
        doc["text_normalized"] = analysis.normalized
        doc["language"] = {
            "code": guess.code,
            "confidence": round(guess.confidence, 4),
            "candidates": [[code, round(score, 4)] for code, score in guess.candidates],
            "mixed": guess.mixed,
        }
        doc["entities"] = analysis.entities
        doc["keywords"] = analysis.keywords
        doc["fingerprint"] = hashlib.blake2b(analysis.normalized.encode(), digest_size=8).hexdigest()
        claim_fields(doc, analysis.normalized, matcher)
        doc["enrichment_version"] = ENRICHMENT_VERSION
        doc["enriched_at"] = now
        result.outputs.append(doc)
    return result
