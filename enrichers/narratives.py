"""Narrative assignment: which story a post belongs to, as it streams.

A narrative is a connected group of posts. Two posts are connected when they share a
*grouping key*:

* ``text``: a MinHash LSH band of the normalised text's character 4-grams (datasketch MinHash), so
  near-duplicates and light paraphrases (a changed word, emoji, "Sebarkan!!" appended, other
  casing or slang; the normalisation of the enrichment stage removes the spelling
  differences) usually share at least one band;
* ``url``: a normalised link in the text (scheme, ``www.``/``m.``, trailing slash, tracking
  parameters and fragments removed; links to a site's front page are ignored, they say
  nothing about the story);
* ``reshare`` / ``quote`` / ``reply``: the parent's uid. Every post also carries its own uid as a
  key, so a reshare that arrives before its parent is joined when the parent comes.

Posts that are themselves fact-checks (debunks) get their keys in a separate space: a debunk
quotes the hoax, but it is not spreading it, so it never joins the hoax's narrative (only
verbatim reshares of a debunk join the debunk). Posts with no text fall back to their links and
parent; a post with nothing to compare stays alone, with the reason in ``narrative_reason``.

The grouping is the connected components of the key graph, so it does not depend on the
order in which posts arrive. A narrative's id is the uid of the post that founded it. When a
post bridges two narratives they merge: the one whose founding post is older survives (ids are
stable: a narrative never changes its id unless it is merged away), and the post records the
ids merged away in ``narrative_merged`` so that the index can follow (every post that reaches
a merged-away id through its keys records it again, so a replay after a crash does too).

State is one mutable mapping of strings (a dict offline, a changelog-backed Faust table in the
stream), with three kinds of entries, each written once:

* ``k|<key>``: the narrative that first claimed the key;
* ``n|<id>``: the founding post's created_at (to decide which narrative survives a merge);
* ``m|<id>``: the narrative it was merged into (union-find parent pointers).

Why one partition does the assignment (the streams/ design): a narrative's posts arrive on any
partition, and the keys of one post land anywhere in key space, so grouping needs one
consistent view of the keys. The heavy per-post work (parsing, enrichment, indexing, spread
statistics) runs on every partition and worker; only this step, a few dictionary lookups per
post on batched messages, is serialised on a single-partition topic whose table Kafka restores
to whichever worker takes that partition over. Its cost is measured by
``benchmarks/bench_narratives.py``.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Iterable, MutableMapping
from urllib.parse import parse_qsl, urlencode, urlsplit

import numpy as np
from datasketch import MinHash
from datasketch.lsh import _optimal_param

from enrichers.normalize import normalize

#: MinHash permutations per text; more make the band test sharper and cost more per post.
PERMUTATIONS = 64

#: Jaccard similarity of character 4-grams at which two texts should share a band. Chosen on
#: data/eval/narratives.jsonl (``pantau eval narratives``) among word bigrams, words, both, and
#: character 4- and 5-grams at 0.3-0.5 with 64 and 128 permutations: character 4-grams forgive
#: typos and half-normalised slang that break whole words; 0.5 with 64 permutations (14 bands
#: of 4 rows) scored within 0.01 F1 of the best setting at less than half its table writes.
SIMILARITY_THRESHOLD = 0.5

#: Characters per shingle.
SHINGLE_CHARS = 4

#: Texts with fewer words than this are not compared by text (too little to tell a copy from
#: a coincidence: "setuju", "hoax bgt", "sebarkan!").
MIN_TOKENS = 6

#: Only the start of long texts (news articles) is fingerprinted.
MAX_TOKENS = 400

_URL = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
_MENTION = re.compile(r"@\w+")
_TOKEN = re.compile(r"[^\W_]+")
_TRACKING = re.compile(r"^(utm_\w+|fbclid|gclid|igshid|igsh|si|ref|ref_src|ref_url|s|t|feature|share|mibextid)$")
_HOST_PREFIXES = ("www.", "m.", "mobile.", "amp.")


@lru_cache(maxsize=1)
def band_layout(threshold: float = SIMILARITY_THRESHOLD, permutations: int = PERMUTATIONS) -> tuple[int, int]:
    """(bands, rows per band) that best separate pairs above and below ``threshold`` (datasketch)."""
    return _optimal_param(threshold, permutations, 0.5, 0.5)


def text_tokens(normalized: str) -> list[str]:
    """The words of a normalised text, without links and mentions, for fingerprinting."""
    return _TOKEN.findall(_MENTION.sub(" ", _URL.sub(" ", normalized)).casefold())[:MAX_TOKENS]


def _shingle_codes(text: str) -> list[int]:
    """The distinct 4-byte windows of a text's UTF-8 bytes, as integers (its character 4-grams,
    near enough: a multi-byte letter spans windows the same way in every copy)."""
    data = np.frombuffer(text.encode(), dtype=np.uint8).astype(np.uint32)
    if len(data) < SHINGLE_CHARS:
        return []
    codes = data[:-3] | (data[1:-2] << 8) | (data[2:-1] << 16) | (data[3:] << 24)
    return np.unique(codes).tolist()


def _identity(value: int) -> int:
    return value


def band_keys(token_lists: list[list[str]]) -> list[list[str]]:
    """The LSH band keys of each text's character 4-grams ([] for texts shorter than MIN_TOKENS words)."""
    bands, rows = band_layout()
    wanted = [n for n, tokens in enumerate(token_lists) if len(tokens) >= MIN_TOKENS]
    # The windows are already integers: datasketch mixes their bits itself before permuting
    # (its affine32 scheme), so a cryptographic hash per shingle would only cost time.
    shingles = [_shingle_codes(" ".join(token_lists[n])) for n in wanted]
    keys: list[list[str]] = [[] for _ in token_lists]
    for n, minhash in zip(wanted, MinHash.generator(shingles, num_perm=PERMUTATIONS, seed=1, hashfunc=_identity)):
        values = np.asarray(minhash.hashvalues, dtype=np.uint32)
        keys[n] = [f"b{band}:{hashlib.blake2b(values[band * rows:(band + 1) * rows].tobytes(), digest_size=8).hexdigest()}"
                   for band in range(bands)]
    return keys


def normalise_url(url: str) -> str | None:
    """A link reduced to what identifies its content; None for front pages and non-web links."""
    try:
        parts = urlsplit(url.strip() if "://" in url else f"http://{url.strip()}")
    except ValueError:
        return None
    host = (parts.hostname or "").lower()
    for prefix in _HOST_PREFIXES:
        host = host.removeprefix(prefix)
    path = re.sub(r"/+", "/", parts.path).rstrip("/")
    if not host or parts.scheme.lower() not in ("http", "https") or not path:
        return None
    query = urlencode(sorted((k, v) for k, v in parse_qsl(parts.query) if not _TRACKING.match(k.lower())))
    return f"{host}{path}" + (f"?{query}" if query else "")


def is_fact_check(post: dict) -> bool:
    """Whether the post is itself a debunk (set by the connector or by claim matching)."""
    return bool(post.get("fact_check"))


def grouping_keys(post: dict, bands: list[str]) -> list[tuple[str, str]]:
    """(kind, key) pairs of a post, given its text's band keys; kinds: reshare, quote, reply, text, url,
    claim, child."""
    # A reshare, quote or reply belongs where its parent is, whatever its own words and links
    # say ("hoax!", a link to a debunk): joining on those too would bridge the hoax and its debunk.
    parents = [(name.split("_")[0], f"post:{post[name]}") for name in ("reshare_of", "quote_of", "reply_to")
               if post.get(name)]
    if parents:
        return [*parents, ("child", f"post:{post['uid']}")]
    space = "f" if is_fact_check(post) else "p"  # debunks group among themselves only
    # Debunks by text would chain through the desks' boilerplate ("Beredar pesan ... Kesimpulan:
    # hoaks"), so they group by the claim they debunk and by links instead.
    keys = [("text", f"p:{band}") for band in bands] if space == "p" else []
    # Its own address too: a post that links to an article or another post joins it.
    links = [post.get("url") or "", *(post.get("urls") or [])]
    keys += [("url", f"{space}:u:{url}") for url in dict.fromkeys(filter(None, map(normalise_url, links)))]
    claim = post.get("claim") or {}
    if space == "f" and claim.get("id"):  # the debunks of one claim, whoever wrote them
        keys.append(("claim", f"f:claim:{claim['id']}"))
    keys.append(("child", f"post:{post['uid']}"))  # how a reshare that came first finds it
    return keys


@dataclass
class Assignment:
    """Where one post went: its narrative, how it got there, and the narratives it merged."""

    narrative_id: str
    via: str  # text, url, reshare, quote, reply, child (a reshare of it came first), or new
    merged: list[str] = field(default_factory=list)
    reason: str | None = None  # why the post could not be compared with anything


class NarrativeIndex:
    """Union-find over grouping keys, kept in any string mapping (see the module docstring)."""

    def __init__(self, state: MutableMapping[str, str]):
        self.state = state

    def find(self, narrative_id: str) -> str:
        """The surviving narrative of ``narrative_id`` after every merge."""
        path: list[str] = []
        seen: set[str] = set()
        while (parent := self.state.get(f"m|{narrative_id}")) is not None:
            if narrative_id in seen:  # a cycle: see _break_cycle
                narrative_id = self._break_cycle(path[path.index(narrative_id):])
                break
            path.append(narrative_id)
            seen.add(narrative_id)
            narrative_id = parent
        if len(path) > 2:  # compress long chains, once
            for old in path[:-1]:
                if old != narrative_id:
                    self.state[f"m|{old}"] = narrative_id
        return narrative_id

    def _break_cycle(self, cycle: list[str]) -> str:
        """Make the oldest narrative of a merge cycle the root again.

        One assigner never writes a cycle, but during a rebalance two workers may briefly both
        assign (Kafka delivers at least once) and each merge the other's narrative.
        """
        root = min(cycle, key=lambda n: (self._founded(n), n))
        del self.state[f"m|{root}"]
        return root

    def _founded(self, narrative_id: str) -> str:
        return self.state.get(f"n|{narrative_id}") or ""

    def assign(self, post: dict, keys: list[tuple[str, str]]) -> Assignment:
        """Put one post (with its grouping keys) into a narrative, merging what it bridges."""
        found: dict[str, str] = {}  # surviving narrative -> how the post reached it
        owners: set[str] = set()
        for kind, key in keys:
            owner = self.state.get(f"k|{key}")
            if owner is not None:
                owners.add(owner)
                found.setdefault(self.find(owner), kind)
        if not found:
            narrative_id, via = post["uid"], "new"
            self.state[f"n|{narrative_id}"] = post["created_at"]
        else:
            narrative_id = min(found, key=lambda n: (self._founded(n), n))
            via = found[narrative_id]
        for old in found:
            if old != narrative_id:
                self.state[f"m|{old}"] = narrative_id
        # Every id the post reached other than the survivor, including ids merged earlier: a
        # replayed post (after a crash) reports the merge again, so the index still follows it.
        merged = sorted((owners | set(found)) - {narrative_id})
        for _, key in keys:
            if f"k|{key}" not in self.state:
                self.state[f"k|{key}"] = narrative_id
        reason = None
        if via == "new" and all(kind == "child" for kind, _ in keys):
            reason = "too little text to compare, and no link, reshare, quote or reply"
        return Assignment(narrative_id, via, merged, reason)


def assign_narratives(posts: Iterable[dict], state: MutableMapping[str, str]) -> list[dict]:
    """Give each enriched post ``narrative_id`` and ``narrative_via`` (and ``narrative_merged`` and
    ``narrative_reason`` where they apply), in place; returns the posts.

    ``state`` is the narrative index (a dict offline, a Faust table in the stream).
    """
    posts = list(posts)
    tokens = [text_tokens(post.get("text_normalized") or normalize(post.get("text") or "")) for post in posts]
    index = NarrativeIndex(state)
    for post, bands in zip(posts, band_keys(tokens)):
        result = index.assign(post, grouping_keys(post, bands))
        post["narrative_id"] = result.narrative_id
        post["narrative_via"] = result.via
        for name, value in (("narrative_merged", result.merged), ("narrative_reason", result.reason)):
            if value:
                post[name] = value
            else:
                post.pop(name, None)
    return posts


def final_narratives(posts: Iterable[dict], state: MutableMapping[str, str]) -> dict[str, str]:
    """uid -> surviving narrative id, after every merge (for offline runs and evaluation)."""
    index = NarrativeIndex(state)
    return {post["uid"]: index.find(post["narrative_id"]) for post in posts}
