"""Trending-term detection: hopping-window counts, per-term baselines and alert rules (no Kafka, no ES).

The method, in three steps:

1. **Terms and windows** (:func:`aggregate`). A post's terms are its hashtags (kind ``hashtag``,
   stored lower-case without ``#``), the canonical names of its entities (``entity``), its
   keywords (``keyword``, unigrams and bigrams, lower-case) and its narrative id (``narrative``).
   A post counts once per term. Windows are *hopping* and aligned on the Unix epoch: a window
   of ``window_seconds`` starts every ``hop_seconds`` (``window_seconds`` must be a multiple of
   ``hop_seconds``), so a post falls in ``window_seconds / hop_seconds`` windows. One
   :class:`TermAggregate` per (kind, term, window start) holds the count, the count per
   (language, platform) cell (so a rule can count only some languages and/or platforms), five
   sample posts (the earliest by time, then uid, so the choice does not depend on arrival
   order), the top 20 authors, the narratives, the posts carrying a known claim, and the latest
   event time. ``TermAggregate.key`` (``kind|term``) is what the stream routes on, so every
   window of one term is counted by one worker.

2. **Engine** (:class:`TrendEngine`). ``observe`` merges aggregates into per-(term, window)
   records held in a mutable mapping (a dict offline, a changelog-backed Faust table in the
   stream; values are JSON-able and are never mutated in place: read, copy, write back) and
   runs the *early* rules on each open window as soon as its count changes. ``advance(watermark)``
   closes every window that ended at or before ``watermark - lateness`` (oldest first): it
   updates each rule's baseline of the term with the window's count, runs the *closing-time*
   rules (``when: close``), and drops the window's record. A post whose window is already closed
   is late: counted in ``engine.late`` (per term and window it would have counted in) and ignored.

3. **Baselines.** Per (rule, term): an exponentially weighted mean and variance of the term's
   count per window (the rule's filtered count, with the rule's ``alpha``). Windows where the
   term did not occur count as zeros; they are applied analytically: after ``k`` zero windows
   the mean is ``m r^k`` and the variance ``r^k (v + m^2 (1 - r^k))`` with ``r = 1 - alpha``
   (the closed form of ``k`` ordinary EWMA updates with ``x = 0``), so a term seen once a week
   costs one update, not two thousand. A rule evaluating an open window compares it with the
   baseline decayed up to the last closed window. A term's first baseline is its first count
   when the term first shows up during the rule's warm-up (we did not watch before the engine
   started), and an update from zero afterwards (we watched, and it was absent). Updates are
   winsorised (:func:`winsor_limit`), so a burst does not make its term look volatile for hours.

   Counts are *activity-adjusted*: the engine sums every term count it sees per window (its
   activity ``T``; in the stream, of its own partition's terms, a fixed hash sample of all terms)
   and keeps a slow EWMA of it (``T_usual``, ``activity_alpha`` 0.01 per window, about a day).
   A baseline is updated with ``count * T_usual / T`` and compared as ``mean * T / T_usual``.
   Without this, the morning rise (activity triples between 05:00 and 08:00 WIB) outruns a
   35-minute EWMA and every frequent term "bursts" each morning; with it, a term keeping its
   share of the traffic is steady. For an open window ``T`` is the activity seen so far, so a
   partly counted window is compared with a partly expected count.

Rules (one class each, chosen by ``type`` in YAML, validated by pydantic at load time):

- ``burst``: count >= ``min_count``, count >= ``min_factor`` x max(mean, 1), and a z-score >=
  ``z_threshold`` on Anscombe's square-root scale, ``2 (sqrt(x + 3/8) - sqrt(m + 3/8))``, which
  is about N(0, 1) for a Poisson count at any level (:func:`burst_score`; shrunk by
  ``sqrt(mean / variance)`` for over-dispersed terms with a mean of 5 or more): a rare term at 3
  jumping to 40 scores about 9, a term steady at hundreds per window about 1.
- ``new_term``: a term not seen recently (no baseline, or a decayed baseline mean below
  ``epsilon``) reaching ``threshold`` posts in a window. Only after ``warmup_windows`` windows
  since the engine started: at cold start every term is "new", the warm-up lets the baselines
  learn what is usual first. Its ``alpha`` is small, so "recently" means roughly a day.
- ``watchlist``: listed terms (``vaksin`` matches any kind, ``hashtag:tolakhoaks`` or
  ``#tolakhoaks`` only the hashtag; case-insensitive) crossing their ``threshold``: the count
  reaches the threshold while the term's usual level (baseline mean) is below it, so a term
  that is always above its threshold does not alert every cooldown.
- ``hoax_resurfacing``: a narrative whose posts carry a known claim with a debunk verdict
  (posts that are themselves fact-checks are not counted as carriers), reaching ``threshold``
  posts in a window while its baseline is below ``quiet_below``. A narrative never seen before
  counts as quiet: the claim is the known part, the narrative may be new.

Alerts: the same (rule, term, window) never alerts twice (the window's record lists the rules
that alerted for it), and after an alert a rule stays quiet on that term for ``cooldown_minutes``
of event time (either way: hopping windows overlap and windows may be evaluated out of order),
unless the count has grown by ``repeat_factor`` since the last alert. Cooldowns, baselines and
open windows all live in the state mapping, so an engine rebuilt on the same state after a
restart neither repeats an alert nor forgets a baseline. :meth:`TrendEngine.garbage_collect`
forgets baselines of terms unseen for ``forget_after_seconds`` and expired cooldowns.

State keys (values are JSON-able dicts):

- ``w|<window start>|<kind>|<term>``: an open window's aggregate (``TermAggregate.to_dict()``)
  plus ``al``, the rules that alerted for it; deleted when the window closes.
- ``b|<rule>|<kind>|<term>``: the rule's baseline ``{m, v, s, n, t}`` (mean, variance, start of
  the last window applied, windows applied, last event time seen) plus ``claim`` for narratives.
- ``c|<rule>|<kind>|<term>``: the last alert ``{s, n}`` (window start, count) for the cooldown.
- ``t|<window start>``: the open window's activity (sum of all term counts seen); deleted on close.
- ``m|<meta key>``: the engine's ``{start, closed, window, hop, act, late, gc}`` (first window
  start, time up to which windows are closed, window size and hop, usual activity, late post-terms
  dropped, time of the last garbage collection).

:func:`replay` is the offline mode over a list of posts in arrival order.
"""

from __future__ import annotations

import heapq
import math
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterable, Literal, Mapping, MutableMapping, Sequence

import yaml
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, field_validator

KINDS = ("hashtag", "entity", "keyword", "narrative")
Kind = Literal["hashtag", "entity", "keyword", "narrative"]

#: Verdicts that mark a claim as debunked (``enrichers.claims.VERDICTS`` minus satire/parody).
DEBUNK_VERDICTS = ("HOAKS", "SALAH", "DISINFORMASI", "MISINFORMASI", "MALINFORMASI", "MISLEADING",
                   "MENYESATKAN", "FITNAH", "PENIPUAN", "KELIRU", "FALSE", "TIDAK_TERBUKTI",
                   "KONTEN_PALSU", "KONTEN_DIMANIPULASI", "KONTEKS_KELIRU")

#: The rules used when none are configured: rules.example.yaml, beside the README.
DEFAULT_RULES = Path(__file__).resolve().parent.parent / "rules.example.yaml"
MAX_SAMPLES = 5
#: Usual level (posts per window) from which a burst score takes the term's own variance into account.
OVERDISPERSION_MIN_MEAN = 5.0
MAX_AUTHORS = 20
MAX_NARRATIVES = 20
SAMPLE_CHARS = 280


# ------------------------------------------------------------------------------------ helpers

def to_epoch(value: Any) -> float:
    """Seconds since the epoch of an ISO string (``Z`` or offset; naive means UTC), datetime or number."""
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if not isinstance(value, datetime):
        raise ValueError(f"not a time: {value!r}")
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.timestamp()


def iso(epoch: float) -> str:
    """An epoch time as ISO 8601 UTC with ``Z`` (whole seconds unless there is a fraction)."""
    dt = datetime.fromtimestamp(epoch, timezone.utc)
    text = dt.isoformat(timespec="seconds" if epoch == int(epoch) else "milliseconds")
    return text.replace("+00:00", "Z")


def display_term(kind: str, term: str) -> str:
    """How a term is shown to people: hashtags with ``#``, the others as they are."""
    return f"#{term}" if kind == "hashtag" else term


def post_terms(post: Mapping[str, Any]) -> set[tuple[str, str]]:
    """The distinct (kind, term) pairs of an enriched post (see the module docstring)."""
    terms: set[tuple[str, str]] = set()
    for tag in post.get("hashtags") or ():
        if isinstance(tag, str) and tag.strip("#"):
            terms.add(("hashtag", tag.lstrip("#").lower()))
    for entity in post.get("entities") or ():
        canonical = entity.get("canonical") or entity.get("text") if isinstance(entity, Mapping) else None
        if isinstance(canonical, str) and canonical:
            terms.add(("entity", canonical))
    for keyword in post.get("keywords") or ():
        if isinstance(keyword, str) and keyword:
            terms.add(("keyword", keyword.lower()))
    narrative = post.get("narrative_id")
    if isinstance(narrative, str) and narrative:
        terms.add(("narrative", narrative))
    return terms


def _top(counts: Mapping[str, int], n: int) -> dict[str, int]:
    if len(counts) <= n:
        return dict(counts)
    return dict(heapq.nsmallest(n, counts.items(), key=lambda kv: (-kv[1], kv[0])))


def _add_counts(a: Mapping[str, int], b: Mapping[str, int]) -> dict[str, int]:
    out = dict(a)
    for k, v in b.items():
        out[k] = out.get(k, 0) + v
    return out


# ---------------------------------------------------------------------------------- aggregates

@dataclass
class TermAggregate:
    """The posts of one term in one window: what the stream sends from the counting worker to the
    term's partition. ``start`` is the window start (epoch seconds); ``cells`` counts posts per
    ``"language|platform"``; ``claims`` counts posts carrying a known claim that are not themselves
    fact-checks, ``claim`` is the latest such claim ``{id, verdict, url}``; ``latest`` is the
    latest event time (epoch seconds)."""

    kind: str
    term: str
    start: int
    window: int
    hop: int
    count: int = 0
    cells: dict[str, int] = field(default_factory=dict)
    samples: list[dict[str, Any]] = field(default_factory=list)
    authors: dict[str, int] = field(default_factory=dict)
    narratives: dict[str, int] = field(default_factory=dict)
    claims: int = 0
    claim: dict[str, Any] | None = None
    claim_at: float = 0.0
    latest: float = 0.0

    @property
    def key(self) -> str:
        """``kind|term``: the routing key (one partition per term)."""
        return f"{self.kind}|{self.term}"

    @property
    def end(self) -> int:
        """The window's end (exclusive), epoch seconds."""
        return self.start + self.window

    @property
    def languages(self) -> dict[str, int]:
        """Posts per language code."""
        out: Counter[str] = Counter()
        for cell, n in self.cells.items():
            out[cell.split("|", 1)[0]] += n
        return dict(out)

    @property
    def platforms(self) -> dict[str, int]:
        """Posts per platform."""
        out: Counter[str] = Counter()
        for cell, n in self.cells.items():
            out[cell.split("|", 1)[1]] += n
        return dict(out)

    def filtered_count(self, languages: frozenset[str] | None, platforms: frozenset[str] | None) -> int:
        """The count of posts in ``languages`` and ``platforms`` (None: any)."""
        if languages is None and platforms is None:
            return self.count
        total = 0
        for cell, n in self.cells.items():
            lang, platform = cell.split("|", 1)
            if (languages is None or lang in languages) and (platforms is None or platform in platforms):
                total += n
        return total

    def merge(self, other: "TermAggregate") -> "TermAggregate":
        """A new aggregate holding both (same term and window); neither input is changed."""
        if (other.kind, other.term, other.start) != (self.kind, self.term, self.start):
            raise ValueError(f"cannot merge {other.key}@{other.start} into {self.key}@{self.start}")
        samples = {s["uid"]: s for s in self.samples}
        for s in other.samples:
            samples.setdefault(s["uid"], s)
        claim, claim_at = (self.claim, self.claim_at)
        if other.claim is not None and (claim is None or other.claim_at >= claim_at):
            claim, claim_at = other.claim, other.claim_at
        return TermAggregate(
            kind=self.kind, term=self.term, start=self.start, window=self.window, hop=self.hop,
            count=self.count + other.count,
            cells=_add_counts(self.cells, other.cells),
            samples=sorted(samples.values(), key=lambda s: (s["created_at"], s["uid"]))[:MAX_SAMPLES],
            authors=_top(_add_counts(self.authors, other.authors), MAX_AUTHORS),
            narratives=_top(_add_counts(self.narratives, other.narratives), MAX_NARRATIVES),
            claims=self.claims + other.claims, claim=claim, claim_at=claim_at,
            latest=max(self.latest, other.latest))

    def to_dict(self) -> dict[str, Any]:
        """A JSON-able dict (:meth:`from_dict` reads it back). Shallow: the sample dicts are shared,
        and nobody mutates them."""
        return {"kind": self.kind, "term": self.term, "start": self.start, "window": self.window, "hop": self.hop,
                "count": self.count, "cells": dict(self.cells), "samples": list(self.samples),
                "authors": dict(self.authors), "narratives": dict(self.narratives), "claims": self.claims,
                "claim": self.claim, "claim_at": self.claim_at, "latest": self.latest}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "TermAggregate":
        """The aggregate of :meth:`to_dict` (extra keys, such as the engine's, are ignored)."""
        return cls(kind=data["kind"], term=data["term"], start=int(data["start"]), window=int(data["window"]),
                   hop=int(data["hop"]), count=int(data.get("count", 0)), cells=dict(data.get("cells") or {}),
                   samples=list(data.get("samples") or ()), authors=dict(data.get("authors") or {}),
                   narratives=dict(data.get("narratives") or {}), claims=int(data.get("claims", 0)),
                   claim=data.get("claim"), claim_at=float(data.get("claim_at", 0.0)),
                   latest=float(data.get("latest", 0.0)))


def window_starts(t: float, window_seconds: int, hop_seconds: int) -> list[int]:
    """The starts of the epoch-aligned hopping windows holding time ``t`` (oldest first)."""
    last = int(t // hop_seconds) * hop_seconds
    return [last - i * hop_seconds for i in range(window_seconds // hop_seconds - 1, -1, -1)]


def check_windows(window_seconds: int, hop_seconds: int) -> None:
    """Raise ``ValueError`` unless 0 < hop <= window and window is a multiple of hop."""
    if hop_seconds <= 0 or window_seconds <= 0 or window_seconds % hop_seconds:
        raise ValueError(f"window_seconds ({window_seconds}) must be a positive multiple of hop_seconds "
                         f"({hop_seconds})")


def aggregate(posts: Iterable[Mapping[str, Any]], window_seconds: int = 600,
              hop_seconds: int = 300) -> list[TermAggregate]:
    """Group ``posts`` by (kind, term, window start) over hopping windows (see the module docstring).

    Returns the aggregates ordered by window start, then kind and term. A post without a
    parseable ``created_at`` raises ``ValueError`` (posts reaching this stage were validated).
    """
    check_windows(window_seconds, hop_seconds)
    rows: list[tuple] = []
    groups: dict[tuple[str, str, int], list[int]] = defaultdict(list)
    for post in posts:
        t = to_epoch(post["created_at"])
        language = post.get("language")
        lang = (language.get("code") if isinstance(language, Mapping) else language) or "und"
        platform = post.get("platform") or "unknown"
        author_obj = post.get("author")
        author = ((author_obj.get("handle") or author_obj.get("id")) if isinstance(author_obj, Mapping)
                  else author_obj) or "?"
        claim = post.get("claim")
        carries = isinstance(claim, Mapping) and not post.get("fact_check")
        i = len(rows)
        rows.append((t, f"{lang}|{platform}", str(author), post.get("narrative_id"), claim if carries else None,
                     post, platform))
        starts = window_starts(t, window_seconds, hop_seconds)
        for kind, term in post_terms(post):
            for start in starts:
                groups[(kind, term, start)].append(i)
    samples: dict[int, dict[str, Any]] = {}

    def sample(i: int) -> dict[str, Any]:
        found = samples.get(i)
        if found is None:
            t, _, author, narrative, _, post, platform = rows[i]
            found = samples[i] = {"uid": post.get("uid"), "text": (post.get("text") or "")[:SAMPLE_CHARS],
                                  "author": author, "platform": platform, "created_at": iso(t),
                                  "narrative_id": narrative}
        return found

    out = []
    for k in sorted(groups, key=lambda k: (k[2], k[0], k[1])):
        members = groups[k]
        agg = TermAggregate(k[0], k[1], k[2], window_seconds, hop_seconds, count=len(members))
        if len(members) == 1:
            t, cell, author, narrative, claim, _, _ = rows[members[0]]
            agg.cells = {cell: 1}
            agg.authors = {author: 1}
            agg.narratives = {narrative: 1} if narrative else {}
            agg.latest = t
            if claim is not None:
                agg.claims, agg.claim_at = 1, t
                agg.claim = {"id": claim.get("id"), "verdict": claim.get("verdict"), "url": claim.get("url")}
            agg.samples = [sample(members[0])]
        else:
            agg.cells = dict(Counter(rows[i][1] for i in members))
            agg.authors = _top(Counter(rows[i][2] for i in members), MAX_AUTHORS)
            agg.narratives = _top(Counter(rows[i][3] for i in members if rows[i][3]), MAX_NARRATIVES)
            agg.latest = max(rows[i][0] for i in members)
            carriers = [i for i in members if rows[i][4] is not None]
            if carriers:
                last = max(carriers, key=lambda i: rows[i][0])
                claim = rows[last][4]
                agg.claims, agg.claim_at = len(carriers), rows[last][0]
                agg.claim = {"id": claim.get("id"), "verdict": claim.get("verdict"), "url": claim.get("url")}
            first = heapq.nsmallest(MAX_SAMPLES, members, key=lambda i: (rows[i][0], str(rows[i][5].get("uid"))))
            agg.samples = [sample(i) for i in first]
        out.append(agg)
    return out


# -------------------------------------------------------------------------------------- rules

class RuleError(ValueError):
    """A rule file or rule that does not validate; the message names the rule and the key."""


@dataclass(frozen=True)
class Verdict:
    """A rule's positive answer: the figures the alert reports."""

    zscore: float | None = None
    claim: dict[str, Any] | None = None


def decayed(baseline: Mapping[str, Any] | None, until_start: int, hop: int, alpha: float) -> tuple[float, float]:
    """(mean, variance) of ``baseline`` after the zero windows from its last window to ``until_start``."""
    if not baseline:
        return 0.0, 0.0
    k = (until_start - baseline["s"]) // hop
    m, v = baseline["m"], baseline["v"]
    if k <= 0:
        return m, v
    rk = (1.0 - alpha) ** k
    return m * rk, rk * (v + m * m * (1.0 - rk))


class Rule(BaseModel):
    """Common options of every rule type (see the module docstring and ``rules.example.yaml``).

    A subclass sets ``type`` and its defaults, and implements :meth:`check`. Rules are immutable
    pydantic models; :func:`rules_from_dict` builds them from YAML data.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1, pattern=r"^[^|]+$")
    type: str
    severity: Literal["low", "medium", "high", "critical"] = "medium"
    kinds: tuple[Kind, ...] = ("hashtag", "entity", "keyword")
    languages: tuple[str, ...] | None = None
    platforms: tuple[str, ...] | None = None
    min_count: int = Field(default=10, ge=1)
    cooldown_minutes: float = Field(default=60.0, ge=0)
    repeat_factor: float = Field(default=2.0, ge=1.0)
    alpha: float = Field(default=0.1, gt=0, lt=1)
    warmup_windows: int = Field(default=12, ge=0)
    when: Literal["early", "close"] = "early"

    @field_validator("kinds")
    @classmethod
    def _kinds_not_empty(cls, value):
        if not value:
            raise ValueError("needs at least one kind")
        return value

    @property
    def language_set(self) -> frozenset[str] | None:
        """The language filter as a set (None: any)."""
        return frozenset(self.languages) if self.languages is not None else None

    @property
    def platform_set(self) -> frozenset[str] | None:
        """The platform filter as a set (None: any)."""
        return frozenset(self.platforms) if self.platforms is not None else None

    def wants(self, kind: str, term: str) -> bool:
        """Whether this rule looks at the term at all (kinds, watched terms)."""
        return kind in self.kinds

    def tracks(self, agg: TermAggregate, baseline: Mapping[str, Any] | None) -> bool:
        """Whether to keep a baseline of the term for this rule (default: every wanted term)."""
        return True

    def count(self, agg: TermAggregate) -> int:
        """The window's count under the language and platform filters."""
        return agg.filtered_count(self.language_set, self.platform_set)

    def check(self, count: int, mean: float, var: float, agg: TermAggregate,
              baseline: Mapping[str, Any] | None, windows_since_start: int) -> Verdict | None:
        """A :class:`Verdict` when the window's ``count`` against the (decayed) baseline alerts."""
        raise NotImplementedError

    def describe(self, count: int, mean: float, factor: float, agg: TermAggregate,
                 verdict: Verdict | None = None) -> str:
        """The alert's one human line."""
        minutes = agg.window // 60
        span = f"{minutes} min" if agg.window % 60 == 0 else f"{agg.window} s"
        return (f"{self.type}: {display_term(agg.kind, agg.term)} {count} posts in {span} "
                f"vs ~{mean:.0f} usual (x{factor:.0f})")


def winsor_limit(mean: float, var: float) -> float:
    """The largest count a baseline update takes in (larger counts are clipped to it): three times
    the usual level or four standard deviations above it, and at least 4. Without the clip a
    burst inflates the term's variance for hours and hides its next burst; with it, a term that
    settles at a new level is still learnt within a couple of hours (the mean can grow by about
    20 % per window)."""
    return max(3.0 * mean, mean + 4.0 * math.sqrt(max(var, mean, 1.0)), 4.0)


def burst_score(count: float, mean: float, var: float) -> float:
    """The z-score of ``count`` against a baseline (``mean``, ``var``), on Anscombe's
    variance-stabilised scale: ``2 (sqrt(x + 3/8) - sqrt(m + 3/8))`` is about N(0, 1) for a
    Poisson count at any level, so a rare term and a frequent one are judged alike (a plain
    ``(x - m) / sqrt(m)`` lets mid-frequency terms at 3 per window reach 10 far too often). When
    a term with a usual level of at least ``OVERDISPERSION_MIN_MEAN`` posts varies more than a
    Poisson count (``var > mean``), the score shrinks by ``sqrt(mean / var)``. Below that level the
    variance is mostly the trace of the term's own earlier bursts (a term going from 0 to 6 and
    back has a variance ten times its mean for hours), and using it would hide the next burst."""
    z = 2.0 * (math.sqrt(count + 0.375) - math.sqrt(max(mean, 0.0) + 0.375))
    if mean >= OVERDISPERSION_MIN_MEAN and var > mean:
        z *= math.sqrt(mean / var)
    return z


class BurstRule(Rule):
    """A term far above its usual level: count >= ``min_count``, >= ``min_factor`` x max(mean, 1),
    and :func:`burst_score` >= ``z_threshold``."""

    type: Literal["burst"] = "burst"
    z_threshold: float = Field(default=4.5, gt=0)
    min_factor: float = Field(default=3.0, ge=1)

    def check(self, count, mean, var, agg, baseline, windows_since_start):
        if count < self.min_count or windows_since_start < self.warmup_windows:
            return None
        if count < self.min_factor * max(mean, 1.0):
            return None
        z = burst_score(count, mean, var)
        return Verdict(zscore=round(z, 2)) if z >= self.z_threshold else None


class NewTermRule(Rule):
    """A term not seen recently (no baseline, or decayed mean < ``epsilon``) reaching ``threshold``,
    once ``warmup_windows`` windows have passed since the engine started."""

    type: Literal["new_term"] = "new_term"
    kinds: tuple[Kind, ...] = ("hashtag", "entity")
    threshold: int = Field(default=15, gt=0)
    epsilon: float = Field(default=0.005, gt=0)
    alpha: float = Field(default=0.02, gt=0, lt=1)
    warmup_windows: int = Field(default=288, ge=0)

    def check(self, count, mean, var, agg, baseline, windows_since_start):
        if windows_since_start < self.warmup_windows or count < max(self.threshold, self.min_count):
            return None
        return Verdict() if mean < self.epsilon else None

    def describe(self, count, mean, factor, agg, verdict=None):
        return f"new_term: {display_term(agg.kind, agg.term)} {count} posts in {agg.window // 60} min, not seen before"


class WatchTerm(BaseModel):
    """One watched term: ``term`` (``kind:term``, ``#hashtag`` or a bare term) and its own threshold."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    term: str = Field(min_length=1)
    threshold: int | None = Field(default=None, gt=0)


class WatchlistRule(Rule):
    """Listed terms (case-insensitive; ``kind:term`` or ``#tag`` to pin the kind) crossing their
    threshold: count >= threshold while the term's usual level (baseline mean) is below it."""

    type: Literal["watchlist"] = "watchlist"
    kinds: tuple[Kind, ...] = ("hashtag", "entity", "keyword")
    terms: tuple[str | WatchTerm, ...] = Field(min_length=1)
    threshold: int = Field(default=8, gt=0)
    min_count: int = Field(default=1, ge=1)
    warmup_windows: int = Field(default=0, ge=0)
    _watch_index: dict | None = PrivateAttr(default=None)

    def model_post_init(self, context: Any) -> None:
        self._watch_index = self._build_index()
        # Bound once: the engine calls this per window, and private attribute access is slow.
        object.__setattr__(self, "threshold_for", self._make_lookup(self._watch_index))

    @staticmethod
    def _make_lookup(index):
        def threshold_for(kind: str, term: str) -> int | None:
            t = term.lower()
            found = index.get((kind, t))
            return found if found is not None else index.get((None, t))
        return threshold_for

    def _index(self) -> dict[tuple[str | None, str], int]:
        return self._watch_index

    def _build_index(self) -> dict[tuple[str | None, str], int]:
        index: dict[tuple[str | None, str], int] = {}
        for item in self.terms:
            text, threshold = (item, self.threshold) if isinstance(item, str) else (
                item.term, item.threshold or self.threshold)
            text = text.strip().lower()
            kind: str | None = None
            if text.startswith("#"):
                kind, text = "hashtag", text[1:]
            elif ":" in text and text.split(":", 1)[0] in KINDS:
                kind, text = text.split(":", 1)
                text = text.lstrip("#") if kind == "hashtag" else text
            index[(kind, text)] = threshold
        return index

    def threshold_for(self, kind: str, term: str) -> int | None:
        """The threshold of a watched term, or None if it is not watched."""
        index = self._index()
        t = term.lower()
        return index.get((kind, t), index.get((None, t)))

    def wants(self, kind, term):
        return kind in self.kinds and self.threshold_for(kind, term) is not None

    def check(self, count, mean, var, agg, baseline, windows_since_start):
        threshold = self.threshold_for(agg.kind, agg.term)
        if threshold is None or windows_since_start < self.warmup_windows:
            return None
        if count >= max(threshold, self.min_count) and mean < threshold:
            return Verdict()
        return None

    def describe(self, count, mean, factor, agg, verdict=None):
        threshold = self.threshold_for(agg.kind, agg.term)
        return (f"watchlist: {display_term(agg.kind, agg.term)} {count} posts in {agg.window // 60} min "
                f"(threshold {threshold}, ~{mean:.0f} usual)")


class HoaxResurfacingRule(Rule):
    """A narrative carrying a debunked claim (``verdicts``) reaching ``threshold`` posts in a window
    while its baseline is below ``quiet_below``, having been first seen at least
    ``known_for_minutes`` earlier (set ``new_narratives: true`` to alert on new narratives of a
    known hoax too)."""

    type: Literal["hoax_resurfacing"] = "hoax_resurfacing"
    kinds: tuple[Kind, ...] = ("narrative",)
    threshold: int = Field(default=8, gt=0)
    quiet_below: float = Field(default=1.0, gt=0)
    min_count: int = Field(default=1, ge=1)
    warmup_windows: int = Field(default=0, ge=0)
    known_for_minutes: float = Field(default=360.0, ge=0)
    new_narratives: bool = False
    verdicts: tuple[str, ...] = DEBUNK_VERDICTS

    def _debunked(self, claim: Mapping[str, Any] | None) -> bool:
        return bool(claim) and str(claim.get("verdict") or "").upper().replace(" ", "_") in self.verdicts

    def tracks(self, agg, baseline):
        return baseline is not None or (agg.claims > 0 and self._debunked(agg.claim))

    def check(self, count, mean, var, agg, baseline, windows_since_start):
        claim = agg.claim if agg.claims and self._debunked(agg.claim) else (baseline or {}).get("claim")
        if not self._debunked(claim) or windows_since_start < self.warmup_windows:
            return None
        if not self.new_narratives and (baseline is None or
                                        agg.start - baseline.get("f", baseline["s"]) < self.known_for_minutes * 60):
            return None
        if count >= max(self.threshold, self.min_count) and mean < self.quiet_below:
            return Verdict(claim=dict(claim))
        return None

    def describe(self, count, mean, factor, agg, verdict=None):
        claim = (verdict.claim if verdict else None) or agg.claim or {}
        return (f"hoax_resurfacing: narrative {agg.term} {count} posts in {agg.window // 60} min after being "
                f"quiet (~{mean:.1f} usual); claim {claim.get('id')} {claim.get('verdict')}")


RULE_TYPES: dict[str, type[Rule]] = {"burst": BurstRule, "new_term": NewTermRule, "watchlist": WatchlistRule,
                                     "hoax_resurfacing": HoaxResurfacingRule}


def _format_error(where: str, exc: ValidationError) -> str:
    parts = []
    for err in exc.errors():
        loc = ".".join(str(p) for p in err["loc"] if not (isinstance(p, str) and p in ("str", "WatchTerm")))
        parts.append(f"{where}: {loc}: {err['msg']}" if loc else f"{where}: {err['msg']}")
    return "; ".join(parts)


def rules_from_dict(data: Mapping[str, Any] | Sequence[Mapping[str, Any]]) -> list[Rule]:
    """Rules from ``{"rules": [...]}`` or a list of rule mappings; raises :class:`RuleError` naming
    the rule (index and name) and the key, e.g. ``rules[2] 'vaksin-watch': threshold: Input should be
    greater than 0``. Names must be unique."""
    items = data.get("rules") if isinstance(data, Mapping) else data
    if not isinstance(items, (list, tuple)):
        raise RuleError("rules: expected a list of rules")
    rules: list[Rule] = []
    seen: set[str] = set()
    for i, item in enumerate(items):
        name = item.get("name") if isinstance(item, Mapping) else None
        where = f"rules[{i}] {name!r}" if name else f"rules[{i}]"
        if not isinstance(item, Mapping):
            raise RuleError(f"{where}: expected a mapping of options")
        kind = item.get("type")
        cls = RULE_TYPES.get(kind) if isinstance(kind, str) else None
        if cls is None:
            raise RuleError(f"{where}: type: unknown rule type {kind!r} (expected one of "
                            f"{', '.join(sorted(RULE_TYPES))})")
        try:
            rule = cls.model_validate(dict(item))
        except ValidationError as exc:
            raise RuleError(_format_error(where, exc)) from None
        if rule.name in seen:
            raise RuleError(f"{where}: name: duplicate rule name")
        seen.add(rule.name)
        rules.append(rule)
    return rules


def load_rules(path: str | Path) -> list[Rule]:
    """Rules from a YAML file (see ``rules.example.yaml``); :class:`RuleError` names the file too."""
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise RuleError(f"{path}: not valid YAML: {exc}") from None
    try:
        return rules_from_dict(data or {})
    except RuleError as exc:
        raise RuleError(f"{path}: {exc}") from None


# ------------------------------------------------------------------------------------- alerts

@dataclass
class Alert:
    """One alert; ``id`` is ``rule|kind|term|window start`` so a re-delivered alert is idempotent."""

    id: str
    rule: str
    type: str
    severity: str
    term: dict[str, str]
    window: dict[str, Any]
    count: int
    baseline: float
    factor: float
    zscore: float | None
    filters: dict[str, Any]
    samples: list[dict[str, Any]]
    top_authors: list[dict[str, Any]]
    platforms: list[dict[str, Any]]
    narratives: list[dict[str, Any]]
    claim: dict[str, Any] | None
    event_time: str
    message: str

    def to_dict(self) -> dict[str, Any]:
        """A JSON-able dict."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "Alert":
        """The alert of :meth:`to_dict`."""
        return cls(**{k: data.get(k) for k in cls.__dataclass_fields__})


def _ranked(counts: Mapping[str, int], key: str, n: int) -> list[dict[str, Any]]:
    return [{key: k, "posts": v} for k, v in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:n]]


def make_alert(rule: Rule, agg: TermAggregate, count: int, mean: float, verdict: Verdict) -> Alert:
    """The alert for ``rule`` firing on ``agg`` with ``count`` against baseline ``mean``."""
    factor = count / max(mean, 1.0)
    return Alert(
        id=f"{rule.name}|{agg.kind}|{agg.term}|{iso(agg.start)}", rule=rule.name, type=rule.type,
        severity=rule.severity, term={"kind": agg.kind, "value": agg.term},
        window={"start": iso(agg.start), "end": iso(agg.end), "size_seconds": agg.window},
        count=count, baseline=round(mean, 3), factor=round(factor, 2), zscore=verdict.zscore,
        filters={"languages": list(rule.languages) if rule.languages is not None else None,
                 "platforms": list(rule.platforms) if rule.platforms is not None else None},
        samples=list(agg.samples), top_authors=_ranked(agg.authors, "author", 5),
        platforms=_ranked(agg.platforms, "platform", 10), narratives=_ranked(agg.narratives, "id", 5),
        claim=verdict.claim, event_time=iso(agg.latest), message=rule.describe(count, mean, factor, agg, verdict))


# ------------------------------------------------------------------------------------- engine

class TrendEngine:
    """Runs ``rules`` over aggregates, keeping all its state in ``state`` (see the module docstring
    for the key layout). ``lateness_seconds``: how long after its end a window stays open for
    out-of-order posts. ``forget_after_seconds``: baselines of terms unseen that long are dropped by
    :meth:`garbage_collect`, which :meth:`advance` runs every ``gc_every_seconds`` of event time.
    ``meta_key`` names the engine's own record (one per partition in the stream).

    Window size and hop are taken from the first aggregate and must not change afterwards.
    On construction the engine scans ``state`` once for open windows (an in-memory index of
    window end -> keys, so closing does not scan the state).
    """

    def __init__(self, rules: Sequence[Rule], state: MutableMapping[str, Any], *, lateness_seconds: float = 300,
                 forget_after_seconds: float = 3 * 86400, gc_every_seconds: float = 3600,
                 meta_key: str = "engine", activity_alpha: float = 0.01):
        self.rules = list(rules)
        self.state = state
        self.lateness = float(lateness_seconds)
        self.forget_after = float(forget_after_seconds)
        self.gc_every = float(gc_every_seconds)
        self.meta_key = f"m|{meta_key}"
        self.activity_alpha = float(activity_alpha)
        self.late = 0
        # Per rule, plain-Python copies of what the hot loops test (pydantic attribute access is slow).
        self._plans = [(rule, frozenset(rule.kinds), rule.threshold_for if isinstance(rule, WatchlistRule) else None,
                        rule.language_set, rule.platform_set, rule.when == "close", rule.min_count, rule.alpha,
                        rule.name) for rule in self.rules]
        self._open: dict[int, set[str]] = defaultdict(set)
        meta = self.state.get(self.meta_key)
        self._meta: dict[str, Any] = dict(meta) if meta else {}
        self.late = int(self._meta.get("late", 0))
        for key in list(self.state.keys()):
            if key.startswith("w|"):
                record = self.state[key]
                self._open[int(record["start"]) + int(record["window"])].add(key)

    # -- meta
    def _save_meta(self) -> None:
        self._meta["late"] = self.late
        self.state[self.meta_key] = dict(self._meta)

    @property
    def closed_until(self) -> float:
        """Windows ending at or before this epoch time are closed."""
        return float(self._meta.get("closed", float("-inf")))

    def _frontier(self, window: int, hop: int) -> int | None:
        """Start of the newest closed window, or None when none has closed."""
        closed = self._meta.get("closed")
        if closed is None:
            return None
        return int((closed - window) // hop) * hop

    def _windows_since_start(self, start: int) -> int:
        return int((start - self._meta["start"]) // self._meta["hop"])

    # -- observe
    def observe(self, aggregates: Iterable[TermAggregate]) -> list[Alert]:
        """Merge ``aggregates`` into the open windows and return the early alerts they trigger."""
        alerts: list[Alert] = []
        aggregates = list(aggregates)
        if not aggregates:
            return alerts
        if not self._meta.get("window"):
            first = aggregates[0]
            self._meta.update(window=first.window, hop=first.hop, start=min(a.start for a in aggregates))
        window, hop = self._meta["window"], self._meta["hop"]
        closed = self.closed_until
        fresh: list[TermAggregate] = []
        totals: dict[int, int] = defaultdict(int)
        for agg in aggregates:
            if (agg.window, agg.hop) != (window, hop):
                raise ValueError(f"aggregate window {agg.window}/{agg.hop} s differs from the engine's "
                                 f"{window}/{hop} s")
            if agg.end <= closed:
                self.late += agg.count
                continue
            fresh.append(agg)
            totals[agg.start] += agg.count
            if agg.start < self._meta["start"]:
                self._meta["start"] = agg.start
        scales = {}
        for start, n in totals.items():
            tkey = f"t|{start}"
            total = self.state.get(tkey, 0) + n
            self.state[tkey] = total
            scales[start] = self._scale(total)
        for agg in fresh:
            key = f"w|{agg.start}|{agg.kind}|{agg.term}"
            record = self.state.get(key)
            if record is None:
                merged, alerted = agg, []
                self._open[agg.end].add(key)
            else:
                merged, alerted = TermAggregate.from_dict(record).merge(agg), list(record.get("al") or ())
            alerts.extend(self._evaluate(merged, alerted, closing=False, scale=scales[agg.start]))
            out = merged.to_dict()
            out["al"] = alerted
            self.state[key] = out
        self._save_meta()
        return alerts

    def _scale(self, total: float) -> float:
        """Activity of a window (its total term count) relative to the usual activity."""
        usual = self._meta.get("act")
        return total / usual if usual else 1.0

    def _evaluate(self, agg: TermAggregate, alerted: list[str], *, closing: bool, scale: float) -> list[Alert]:
        """Run the early (or closing) rules on one window; appends fired rule names to ``alerted``."""
        alerts = []
        frontier = self._frontier(agg.window, agg.hop)
        for rule, kinds, watched, langs, plats, at_close, min_count, alpha, name in self._plans:
            if at_close != closing or agg.kind not in kinds or name in alerted:
                continue
            if watched is not None and watched(agg.kind, agg.term) is None:
                continue
            count = agg.filtered_count(langs, plats)
            if count < min_count:
                continue
            bkey = f"b|{rule.name}|{agg.kind}|{agg.term}"
            baseline = self.state.get(bkey)
            if baseline is not None and frontier is not None:
                mean, var = decayed(baseline, min(frontier, agg.start - agg.hop), agg.hop, rule.alpha)
            else:
                mean, var = decayed(baseline, baseline["s"] if baseline else 0, agg.hop, rule.alpha)
            mean, var = mean * scale, var * scale * scale
            verdict = rule.check(count, mean, var, agg, baseline, self._windows_since_start(agg.start))
            if verdict is None:
                continue
            ckey = f"c|{rule.name}|{agg.kind}|{agg.term}"
            last = self.state.get(ckey)
            if last is not None and abs(agg.start - last["s"]) < rule.cooldown_minutes * 60:
                if count < last["n"] * rule.repeat_factor:
                    continue
            self.state[ckey] = {"s": agg.start, "n": count}
            alerted.append(rule.name)
            alerts.append(make_alert(rule, agg, count, mean, verdict))
        return alerts

    # -- advance
    def advance(self, watermark: datetime | float | str) -> list[Alert]:
        """Close the windows that ended at or before ``watermark - lateness`` (oldest first):
        update baselines, run closing-time rules, drop the windows. Returns those rules' alerts."""
        if not self._meta.get("window"):
            return []
        cutoff = to_epoch(watermark) - self.lateness
        if cutoff <= self.closed_until:
            return []
        alerts: list[Alert] = []
        window = self._meta["window"]
        for end in sorted(e for e in self._open if e <= cutoff):
            keys = self._open.pop(end)
            tkey = f"t|{end - window}"
            total = self.state.get(tkey, 0)
            scale = self._scale(total) if total else 1.0
            for key in sorted(keys):
                record = self.state.get(key)
                if record is None:
                    continue
                alerted = list(record.get("al") or ())
                agg = TermAggregate.from_dict(record)
                alerts.extend(self._evaluate(agg, alerted, closing=True, scale=scale))
                self._update_baselines(agg, scale)
                del self.state[key]
            if total:
                usual = self._meta.get("act")
                self._meta["act"] = total if not usual else usual + self.activity_alpha * (total - usual)
            if tkey in self.state:
                del self.state[tkey]
            self._meta["closed"] = max(self.closed_until, float(end))
        # Windows close at hop boundaries even when empty: late posts are judged against the cutoff.
        hop = self._meta["hop"]
        self._meta["closed"] = max(self.closed_until, float(int(cutoff // hop) * hop))
        last_gc = self._meta.get("gc")
        if last_gc is None:
            self._meta["gc"] = cutoff
        elif cutoff - last_gc >= self.gc_every:
            self.garbage_collect(cutoff)
            self._meta["gc"] = cutoff
        self._save_meta()
        return alerts

    def flush(self) -> list[Alert]:
        """Close every open window (end of an offline replay)."""
        if not self._open:
            return []
        return self.advance(max(self._open) + self.lateness)

    def _update_baselines(self, agg: TermAggregate, scale: float) -> None:
        for rule, kinds, watched, langs, plats, _, _, a, name in self._plans:
            if agg.kind not in kinds or (watched is not None and watched(agg.kind, agg.term) is None):
                continue
            count = agg.filtered_count(langs, plats)
            if count <= 0:
                continue
            count = count / scale if scale > 0 else float(count)
            bkey = f"b|{name}|{agg.kind}|{agg.term}"
            old = self.state.get(bkey)
            if not rule.tracks(agg, old):
                continue
            if old is None:
                if self._windows_since_start(agg.start) < rule.warmup_windows:
                    m, v = float(count), float(count)
                else:
                    count = min(count, winsor_limit(0.0, 0.0))
                    m, v = a * count, (1 - a) * a * count * count
                new = {"m": m, "v": v, "s": agg.start, "f": agg.start, "n": 1, "t": agg.latest}
            else:
                if agg.start <= old["s"]:
                    continue  # already applied (cannot happen when windows close in order)
                m, v = decayed(old, agg.start - agg.hop, agg.hop, a)
                d = min(count, winsor_limit(m, v)) - m
                new = dict(old)
                new.update(m=m + a * d, v=(1 - a) * (v + a * d * d), s=agg.start, n=old["n"] + 1,
                           t=max(old["t"], agg.latest))
            if agg.kind == "narrative" and agg.claims and agg.claim:
                new["claim"] = agg.claim
            self.state[bkey] = new

    # -- gc
    def garbage_collect(self, now: datetime | float | str) -> int:
        """Forget baselines of terms unseen for ``forget_after_seconds`` before ``now`` and cooldowns
        that have expired; returns how many records were dropped. Scans the state once."""
        now_s = to_epoch(now)
        max_cooldown = max((r.cooldown_minutes * 60 for r in self.rules), default=0.0)
        window = self._meta.get("window", 0)
        dropped = 0
        for key in list(self.state.keys()):
            if key.startswith("b|"):
                if self.state[key]["t"] < now_s - self.forget_after:
                    del self.state[key]
                    dropped += 1
            elif key.startswith("c|"):
                if self.state[key]["s"] + window + max_cooldown < now_s - self.lateness:
                    del self.state[key]
                    dropped += 1
        return dropped

    def stats(self) -> dict[str, int]:
        """Record counts by kind (open windows, baselines, cooldowns) and late posts."""
        counts = Counter(k.split("|", 1)[0] for k in self.state.keys())
        return {"windows": counts.get("w", 0), "baselines": counts.get("b", 0), "cooldowns": counts.get("c", 0),
                "late": self.late}


# ------------------------------------------------------------------------------------- replay

def replay(posts: Iterable[Mapping[str, Any]], rules: Sequence[Rule], *, window_seconds: int = 600,
           hop_seconds: int = 300, lateness_seconds: float = 300, batch_size: int = 500,
           state: MutableMapping[str, Any] | None = None, engine_out: list | None = None) -> list[Alert]:
    """The offline mode: feed ``posts`` in the order given (arrival order) in batches of
    ``batch_size``, advancing the watermark to the latest event time seen after each batch, then
    close every window. Returns the alerts in the order they fired. ``state`` (default: a new
    dict) and ``engine_out`` (a list the engine is appended to) are for callers that inspect them."""
    check_windows(window_seconds, hop_seconds)
    engine = TrendEngine(rules, {} if state is None else state, lateness_seconds=lateness_seconds)
    if engine_out is not None:
        engine_out.append(engine)
    alerts: list[Alert] = []
    watermark = float("-inf")
    batch: list[Mapping[str, Any]] = []

    def run(batch):
        nonlocal watermark
        alerts.extend(engine.observe(aggregate(batch, window_seconds, hop_seconds)))
        watermark = max(watermark, max(to_epoch(p["created_at"]) for p in batch))
        alerts.extend(engine.advance(watermark))

    for post in posts:
        batch.append(post)
        if len(batch) >= batch_size:
            run(batch)
            batch = []
    if batch:
        run(batch)
    alerts.extend(engine.flush())
    return alerts
