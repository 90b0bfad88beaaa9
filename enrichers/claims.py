"""Known-hoax claims: the catalogue, claim matching, and spotting posts that are fact-checks.

A *claim* is one debunked statement ("air kelapa dicampur garam menyembuhkan COVID-19") with the
fact-checker's verdict and a link to the debunk. The catalogue is a JSON Lines file
(``data/claims/catalogue.jsonl``); the RSS connector also publishes claims on the claims topic in
a slightly different shape, and :meth:`Claim.from_record` reads both.

Matching method
---------------
People rarely forward the debunked text verbatim: they retell it in their own words, in slang,
years later, with details changed ("Katanya air kelapa dikasih garam ampuh buat sembuhin covid,
bener gak sih?"). :class:`ClaimMatcher` therefore matches on content words, not on strings:

1. :func:`match_tokens` turns a text into index terms: :func:`enrichers.normalize.normalize`
   (informal to formal Indonesian, lower case), word tokens, Indonesian + English + informal
   stopwords removed (:func:`enrichers.keywords.stopwords`), Indonesian stemming with Sastrawi
   (plus two informal patterns Sastrawi does not know: ``sembuhin`` -> ``sembuh`` and
   ``ngandung`` -> ``kandung``; stems are cached, Sastrawi is slow), then a small synonym map for
   hoax vocabulary (``enrichers/data/claims/synonyms.tsv``: corona/covid-19 -> covid, obat/ampuh
   -> sembuh, dikasih -> campur, microchip/chip -> mikrocip, ...).
2. Every claim text and every alias is one BM25 document (k1=1.2, b=0.75, the non-negative
   Lucene idf ``log(1 + (N - n + 0.5) / (n + 0.5))``). The index is a term -> (documents,
   weights) table in numpy, so scoring a post costs one vector addition per distinct post term.
   Query terms are de-duplicated (a post that repeats "vaksin" five times is not five times as
   much about vaccines).
3. **Normalisation.** A raw BM25 score grows with the length of the claim and shifts with the
   size of the catalogue, so a fixed threshold on it would not transfer. Each document's score
   is divided by its *self-score*, the BM25 score the document gets when its own terms are the
   query. With de-duplicated queries this ratio is the idf-weighted share of the claim's terms
   that the post contains (1.0: the post mentions every term of the claim or alias, whatever
   else it says). Changing the catalogue size moves every idf in the same direction, so the
   share moves much less than the raw score does. A claim's score is the best score over its
   text and aliases. Very short documents (two-word aliases) would be fully covered by any post
   on their topic, so their denominator is floored at the self-score of a document of
   :data:`MIN_DOC_TERMS` average terms.
4. A post matches the best-scoring claim when the score reaches :data:`MATCH_THRESHOLD` *and*
   at least :data:`MIN_MATCHED_TERMS` distinct terms are shared with the matching document (one
   rare shared word such as "microchip" must not decide alone). The :class:`Match` also carries
   the margin over the second-best claim, which shows how ambiguous the match was.

Fact-check detection
--------------------
:func:`fact_check_verdict` recognises posts that are themselves debunks ("[HOAKS] ...",
"Cek Fakta: ...", "Faktanya, ...", "PLN bantah kabar ...") with regular expressions, and refuses
the spreaders' own vocabulary ("ini bukan hoax, sebarkan!", "hoax gak sih?").
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

import numpy as np
import orjson

from enrichers.keywords import stopwords
from enrichers.normalize import normalize

DATA_DIR = Path(__file__).resolve().parent / "data" / "claims"
#: The seed catalogue shipped with the repository.
DEFAULT_CATALOGUE = Path(__file__).resolve().parent.parent / "data" / "claims" / "catalogue.jsonl"

#: Minimum normalised score (idf-weighted share of a claim's terms found in the post) for a
#: match. Chosen on the ``dev`` split of ``data/eval/claims.jsonl`` only: thresholds 0.25..0.80
#: in steps of 0.01 (``benchmarks/bench_claims.py --sweep``), keeping those with dev precision of
#: "matched anything" >= 0.9 and taking the one with the best dev F1 (ties: the higher
#: threshold). With the seed catalogue that gave 0.47 (dev: top-1 0.93, precision 0.91, recall
#: 0.95). The test split was not used to choose it.
MATCH_THRESHOLD = 0.47
#: Scores closer than this are a tie (rounding noise, not evidence): see ClaimMatcher.best.
TIE_TOLERANCE = 1e-9
#: A match needs at least this many distinct shared terms with the matching claim text or alias.
MIN_MATCHED_TERMS = 2

#: Documents shorter than this many average terms are scored as if they were this long (see
#: ``ClaimMatcher``): a two-word alias must not make every post on its topic a match. 4 was
#: compared with 0 (no floor) and 6 on the dev split: 0 and 4 tie on dev F1 under the precision
#: rule below, 6 loses recall; 4 is kept because it protects against short aliases added later.
MIN_DOC_TERMS = 4.0

_K1 = 1.2
_B = 0.75

VERDICTS = frozenset({"HOAKS", "SALAH", "DISINFORMASI", "MISINFORMASI", "MALINFORMASI", "MISLEADING",
                      "MENYESATKAN", "FITNAH", "PENIPUAN", "KELIRU", "SATIRE", "PARODI", "FALSE",
                      "TIDAK_TERBUKTI", "KONTEN_PALSU", "KONTEN_DIMANIPULASI", "KONTEKS_KELIRU"})


# --------------------------------------------------------------------------------------- claims

@dataclass(frozen=True)
class Claim:
    """One debunked claim: ``claim`` is the statement as the fact-checker debunked it."""

    id: str
    claim: str
    verdict: str
    url: str
    source: str
    published_at: str | None = None
    aliases: tuple[str, ...] = field(default_factory=tuple)

    @classmethod
    def from_record(cls, record: Mapping[str, Any]) -> "Claim":
        """A claim from a catalogue record (``id``) or a claims-topic record (``uid``).

        Raises ``ValueError`` naming the first missing or bad field. ``verdict`` is upper-cased
        (spaces and hyphens become underscores); ``aliases`` may be absent, a string or a list of
        strings.
        """
        if not isinstance(record, Mapping):
            raise ValueError(f"claim record must be a JSON object, got {type(record).__name__}")

        def text_field(name: str, value: Any) -> str:
            if value is None:
                raise ValueError(f"claim record: missing field {name!r}")
            if not isinstance(value, str) or not value.strip():
                raise ValueError(f"claim record: field {name!r} must be a non-empty string, got {value!r}")
            return value.strip()

        ident = record.get("id")
        if ident is None:
            ident = record.get("uid")
            if ident is None:
                raise ValueError("claim record: missing field 'id' (or 'uid')")
            ident = text_field("uid", ident)
        else:
            ident = text_field("id", ident)
        claim = text_field("claim", record.get("claim"))
        verdict = re.sub(r"[\s\-]+", "_", text_field("verdict", record.get("verdict")).upper())
        if not re.fullmatch(r"[A-Z_]{3,40}", verdict):
            raise ValueError(f"claim record: field 'verdict' must be a verdict word such as HOAKS, got "
                             f"{record.get('verdict')!r}")
        url = text_field("url", record.get("url"))
        if not re.match(r"https?://\S+$", url):
            raise ValueError(f"claim record: field 'url' must be an http(s) URL, got {url!r}")
        source = text_field("source", record.get("source"))
        published = record.get("published_at")
        if published is not None:
            if not isinstance(published, str) or not re.match(r"\d{4}-\d{2}-\d{2}", published.strip()):
                raise ValueError(f"claim record: field 'published_at' must be an ISO date string or null, "
                                 f"got {published!r}")
            published = published.strip()
        aliases = record.get("aliases") or ()
        if isinstance(aliases, str):
            aliases = (aliases,)
        if not isinstance(aliases, (list, tuple)) or not all(isinstance(a, str) and a.strip() for a in aliases):
            raise ValueError(f"claim record: field 'aliases' must be a list of non-empty strings, got {aliases!r}")
        return cls(id=ident, claim=claim, verdict=verdict, url=url, source=source, published_at=published,
                   aliases=tuple(a.strip() for a in aliases))

    def to_dict(self) -> dict[str, Any]:
        """The claim as a catalogue record (``aliases`` omitted when empty)."""
        out: dict[str, Any] = {"id": self.id, "claim": self.claim, "verdict": self.verdict, "url": self.url,
                               "source": self.source, "published_at": self.published_at}
        if self.aliases:
            out["aliases"] = list(self.aliases)
        return out


def load_catalogue(path: str | Path = DEFAULT_CATALOGUE) -> list[Claim]:
    """The claims in a JSON Lines catalogue file (blank lines skipped).

    Raises ``ValueError("<file>:<line>: <reason>")`` for a line that is not JSON, not a valid
    claim, or repeats an id.
    """
    path = Path(path)
    claims: list[Claim] = []
    seen: set[str] = set()
    with path.open("rb") as f:
        for number, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                record = orjson.loads(line)
            except orjson.JSONDecodeError as exc:
                raise ValueError(f"{path}:{number}: not valid JSON: {exc}") from None
            try:
                claim = Claim.from_record(record)
            except ValueError as exc:
                raise ValueError(f"{path}:{number}: {exc}") from None
            if claim.id in seen:
                raise ValueError(f"{path}:{number}: duplicate claim id {claim.id!r}")
            seen.add(claim.id)
            claims.append(claim)
    return claims


# ----------------------------------------------------------------------------------- tokenising

def _read_synonyms(path: Path) -> dict[str, str]:
    table: dict[str, str] = {}
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        canonical, _, variants = line.partition("\t")
        canonical = canonical.strip()
        for variant in variants.split():
            table[variant] = canonical
        table.setdefault(canonical, canonical)
    return table


@lru_cache(maxsize=1)
def synonyms() -> dict[str, str]:
    """The synonym map (variant -> canonical term) from ``enrichers/data/claims/synonyms.tsv``."""
    return _read_synonyms(DATA_DIR / "synonyms.tsv")


@lru_cache(maxsize=1)
def _stemmer():
    from Sastrawi.Stemmer.StemmerFactory import StemmerFactory

    stemmer = StemmerFactory().create_stemmer()
    return stemmer.delegatedStemmer if hasattr(stemmer, "delegatedStemmer") else stemmer


_TERM_CACHE: dict[str, str] = {}
_TERM_CACHE_MAX = 200_000
_RE_WORD = re.compile(r"[^\W_]+(?:-[^\W_]+)*")
_RE_REDUP = re.compile(r"^([^\W\d_]+)-\1$")


def _stem(word: str) -> str:
    stemmer = _stemmer()
    stem = stemmer.stem(word)
    if stem == word and len(word) > 5 and word.isalpha():
        dictionary = stemmer.dictionary
        if not dictionary.contains(word):
            candidates = []
            if word.endswith("in"):  # informal -in for -kan/-i: sembuhin, obatin, kasihin
                candidates.append(word[:-2] + "kan")
            if word.startswith("ng") or word.startswith("ny"):  # informal nasal prefix: ngandung, nyebar
                candidates.append("me" + word)
            for candidate in candidates:
                stemmed = stemmer.stem(candidate)
                if stemmed != candidate and dictionary.contains(stemmed):
                    return stemmed
    return stem


def _term(word: str) -> str:
    """Index term for one normalised word ('' for a stopword); cached."""
    term = _TERM_CACHE.get(word)
    if term is not None:
        return term
    syn = synonyms()
    stop = stopwords("id")
    if word in syn:
        term = syn[word]
    elif word in stop or len(word) < 2 or (word.isdigit() and len(word) < 2):
        term = ""
    else:
        m = _RE_REDUP.match(word)
        base = m.group(1) if m else word
        if "-" in base:
            term = " ".join(t for t in (_term(part) for part in base.split("-")) if t)
        elif base.isalpha():
            stem = _stem(base)
            term = syn.get(stem, stem)
            if term in stop:
                term = ""
        else:
            term = base
    if len(_TERM_CACHE) < _TERM_CACHE_MAX:
        _TERM_CACHE[word] = term
    return term


def match_tokens(text: str) -> list[str]:
    """The index terms of ``text``: normalised, stopwords removed, stemmed, synonyms merged.

    Order follows the text; duplicates are kept (the index counts them, queries de-duplicate).
    """
    out: list[str] = []
    for word in _RE_WORD.findall(normalize(text)):
        term = _term(word)
        if term:
            if " " in term:
                out.extend(term.split())
            else:
                out.append(term)
    return out


# ------------------------------------------------------------------------------------- matching

@dataclass(frozen=True)
class Match:
    """The best claim for a post: ``score`` is the normalised score (0..1), ``margin`` its lead
    over the second-best claim, ``matched_terms`` the shared terms with the best text or alias."""

    claim: Claim
    score: float
    margin: float
    matched_terms: tuple[str, ...] = ()


class ClaimMatcher:
    """BM25 over claim texts and aliases, scores normalised by each document's self-score."""

    def __init__(self, claims: Iterable[Claim], *, threshold: float = MATCH_THRESHOLD,
                 min_terms: int = MIN_MATCHED_TERMS, min_doc_terms: float = MIN_DOC_TERMS) -> None:
        """Index ``claims`` (each claim text and alias is one document)."""
        self.claims: list[Claim] = list(claims)
        self.threshold = threshold
        self.min_terms = min_terms
        docs: list[list[str]] = []
        owner: list[int] = []
        for index, claim in enumerate(self.claims):
            for text in (claim.claim, *claim.aliases):
                terms = match_tokens(text)
                if terms:
                    docs.append(terms)
                    owner.append(index)
        self._doc_terms = [frozenset(d) for d in docs]
        self._owner = np.asarray(owner, dtype=np.int64)
        n_docs = len(docs)
        self._n_docs = n_docs
        # Documents are in claim order, so a claim's documents are one contiguous run.
        self._claim_starts = np.flatnonzero(np.r_[True, self._owner[1:] != self._owner[:-1]]) if n_docs else \
            np.zeros(0, dtype=np.int64)
        self._run_claim = self._owner[self._claim_starts] if n_docs else np.zeros(0, dtype=np.int64)
        doc_freq: dict[str, int] = {}
        for terms in self._doc_terms:
            for t in terms:
                doc_freq[t] = doc_freq.get(t, 0) + 1
        avgdl = (sum(len(d) for d in docs) / n_docs) if n_docs else 1.0
        idf = {t: math.log(1.0 + (n_docs - n + 0.5) / (n + 0.5)) for t, n in doc_freq.items()}
        postings: dict[str, tuple[list[int], list[float]]] = {}
        self_score = np.zeros(n_docs)
        for d, terms in enumerate(docs):
            counts: dict[str, int] = {}
            for t in terms:
                counts[t] = counts.get(t, 0) + 1
            norm = _K1 * (1.0 - _B + _B * len(terms) / avgdl)
            for t, tf in counts.items():
                w = idf[t] * tf * (_K1 + 1.0) / (tf + norm)
                self_score[d] += w
                ids, ws = postings.setdefault(t, ([], []))
                ids.append(d)
                ws.append(w)
        # Short documents (two- or three-term aliases) are fully "covered" by any post on the same
        # topic; their denominator is raised to the self-score of a document of ``min_doc_terms``
        # average terms, so that they need as much evidence as a typical claim.
        lengths = np.asarray([len(t) for t in self._doc_terms], dtype=float)
        mean_term = float((self_score / np.maximum(lengths, 1.0)).mean()) if n_docs else 0.0
        denominator = np.maximum(self_score, min_doc_terms * mean_term)
        inv = np.where(self_score > 0, 1.0 / np.maximum(denominator, 1e-12), 0.0)
        # Weights pre-divided by the self-score: summing them gives the normalised score directly.
        self._postings = {t: (np.asarray(ids, dtype=np.int64), np.asarray(ws) * inv[ids])
                          for t, (ids, ws) in postings.items()}

    def __len__(self) -> int:
        return len(self.claims)

    def scores(self, text: str) -> np.ndarray:
        """Normalised score of every claim for ``text`` (max over the claim's text and aliases)."""
        return self._claim_scores(self._doc_scores(text)[0])

    def _doc_scores(self, text: str) -> tuple[np.ndarray, set[str]]:
        query = set(match_tokens(text))
        scores = np.zeros(self._n_docs)
        postings = self._postings
        for t in sorted(query):  # a fixed order: float sums in set order differ between processes
            hit = postings.get(t)
            if hit is not None:
                scores[hit[0]] += hit[1]
        return scores, query

    def _claim_scores(self, doc_scores: np.ndarray) -> np.ndarray:
        out = np.zeros(len(self.claims))
        if self._n_docs:
            out[self._run_claim] = np.maximum.reduceat(doc_scores, self._claim_starts)
        return out

    def best(self, text: str) -> Match | None:
        """The best-scoring claim for ``text`` whatever its score (None if nothing is shared)."""
        if not self._n_docs:
            return None
        doc_scores, query = self._doc_scores(text)
        top = float(doc_scores.max())
        if top <= 0.0:
            return None
        # Ties (two claims both fully covered, say) go to the document sharing the most terms
        # with the post, the stronger evidence; then to the earlier one.
        tied = np.flatnonzero(doc_scores >= top - TIE_TOLERANCE)
        best_doc = int(max(tied, key=lambda d: (len(query & self._doc_terms[d]), -d)))
        top = float(doc_scores[best_doc])
        claim_index = int(self._owner[best_doc])
        claim_scores = self._claim_scores(doc_scores)
        claim_scores[claim_index] = -1.0
        second = float(claim_scores.max()) if len(claim_scores) > 1 else 0.0
        shared = tuple(sorted(query & self._doc_terms[best_doc]))
        return Match(claim=self.claims[claim_index], score=min(1.0, top), margin=top - max(second, 0.0),
                     matched_terms=shared)

    def accepts(self, match: Match | None) -> bool:
        """Whether a :meth:`best` result passes the threshold and the minimum shared terms."""
        return match is not None and match.score >= self.threshold and len(match.matched_terms) >= self.min_terms

    def match(self, text: str) -> Match | None:
        """The claim ``text`` retells, or None when no claim scores at least the threshold."""
        found = self.best(text)
        return found if self.accepts(found) else None

    def match_many(self, texts: Sequence[str]) -> list[Match | None]:
        """:meth:`match` for each text, in order."""
        return [self.match(t) for t in texts]


# ---------------------------------------------------------------------------- fact-check posts

_VERDICT_WORDS = (r"hoaks|hoax|hoaxs|salah|disinformasi|misinformasi|malinformasi|misleading|menyesatkan|fitnah|"
                  r"penipuan|keliru|false|fake|palsu|satire|tidak\s+terbukti|miscaptioned|phishing")
_CANONICAL = {"HOAX": "HOAKS", "HOAXS": "HOAKS", "FALSE": "SALAH", "FAKE": "HOAKS", "PALSU": "HOAKS",
              "TIDAK TERBUKTI": "TIDAK_TERBUKTI", "MENYESATKAN": "MISLEADING", "MISCAPTIONED": "MISLEADING",
              "PHISHING": "PENIPUAN"}
# "[HOAKS] ...", "(SALAH) ...", "[Disinformasi] ..." at the start of the post.
_RE_BRACKET = re.compile(rf"^\W{{0,3}}[\[\(【]\s*({_VERDICT_WORDS})\s*[\]\)】]", re.I)
# "[KONTEKS SALAH] ...", "[KONTEN DIMANIPULASI] ...": an upper-case bracketed title holding a verdict word.
_RE_BRACKET_MULTI = re.compile(r"^\W{0,3}[\[\(【]\s*([A-Z][A-Z ]{2,30}[A-Z])\s*[\]\)】]")
_MULTI_VERDICT = re.compile(r"\b(?:SALAH|KELIRU|PALSU|DIMANIPULASI|MENYESATKAN|HOAKS|HOAX|DISINFORMASI|TIDAK TERBUKTI|"
                            r"MISLEADING|FALSE|MISSING CONTEXT)\b")
# "Hoaks ini mah", "Hoaks bu, ...", "Hoaks kuwi lur": a reply that starts by calling the post a hoax.
_RE_REPLY_HOAX = re.compile(r"^(?:@\S+\s+)*(?:hoaks|hoax)\s*,?\s+(?:ini|itu|tu|kuwi|iki|ya|bu|pak|mas|mbak|gaes|"
                            r"guys|lama|tuh|mah|nih|lur|bro|sis|kak|min)\b(?![^.!\n]*\?)", re.I)
# A link to a debunk: a fact-checker's domain, or a fact-check slug in the path.
_RE_DEBUNK_URL = re.compile(r"https?://(?:[\w.-]*(?:cekfakta|turnbackhoax|factcheck|fact-check|periksafakta)[\w.-]*"
                            r"|[^\s/]+/(?:[^\s/]+/)*(?:(?:hoaks|hoax|salah|misleading|fact-check|cek-fakta|"
                            r"disinformasi|klarifikasi)-|[^\s/]*-bantah-))\S*", re.I)
# "... kabar itu tidak benar", "Mesej ni dah lama, tidak benar pun."
_RE_NOT_TRUE = re.compile(r"\b(?:kabar|informasi|pesan|berita|info|klaim|narasi|isu|mesej|video|foto|postingan)\b"
                          r"[^.?!\n]{0,60}\btidak\s+benar\b(?![^.!\n]*\?)", re.I)
# "sudah dibantah", "udah diklarifikasi Diskominfo", "wis tau dibantah".
_RE_ALREADY = re.compile(r"\b(?:sudah|udah|udh|sdh|telah|wis|dah)\s+(?:tau\s+|pernah\s+)?(?:di)?(?:bantah|klarifikasi)"
                         r"(?![^.!\n]*\?)", re.I)
# "HOAKS: ...", "HOAKS! ...", "Disinformasi: ...", "SALAH | ..." at the start (a title).
_RE_LEADING = re.compile(rf"^\W{{0,3}}({_VERDICT_WORDS})\s*(?:[:|]|!+(?!\s*\?)|\s+-\s)", re.I)
# "Cek Fakta:", "CEK FAKTA |", "Fact check:", "Klarifikasi:", "Faktanya," ... as a heading.
_RE_FACT_HEAD = re.compile(r"^\W{0,3}(?:cek\s*fakta|fact[\s-]*check(?:ed)?|klarifikasi|periksa\s+fakta|"
                           r"hoaks\s+atau\s+fakta\s*\?\s*fakta)\b\s*[:|,\-–]?", re.I)
# "Faktanya, ..." anywhere (fact-checks explain with it; spreaders say "fakta!" or "faktanya benar").
_RE_FAKTANYA = re.compile(r"(?:^|[.!\n]\s*)faktanya\s*,?\s+(?!memang|benar|betul|ini\s+(?:benar|nyata))", re.I)
# "... adalah hoaks", "dipastikan hoaks", "ini HOAKS.", "itu hoaks", "merupakan disinformasi".
_RE_STATEMENT = re.compile(rf"\b(adalah|merupakan|dipastikan|dinyatakan|termasuk|ini|itu|tersebut|is|this\s+is)"
                           rf"\s+(?:(?:kabar|berita|informasi|konten|pesan|info)\s+)?({_VERDICT_WORDS})\b"
                           rf"(?!\s*(?:gak|gk|ga|nggak|enggak|tidak|bukan|atau|ya\s*\?|kah|\?))", re.I)
# An agency or fact-checker denying: "PLN bantah kabar ...", "KPU membantah isu ...", "has been debunked".
_RE_DENIAL = re.compile(r"\b(?:bantah|membantah|dibantah|menepis|ditepis)\s+(?:\w+\s+){0,2}?"
                        r"(?:kabar|isu|pesan|informasi|narasi|klaim|video|foto|unggahan|hoaks|hoax)\b|"
                        r"\b(?:has|have|had|been)\s+(?:been\s+)?debunked\b|\bdebunk(?:ed|s)?\s*:|"
                        r"\bno,\s+\w+", re.I)
# Any verdict word (to name the verdict once a post is known to be a fact-check).
_RE_ANY_VERDICT = re.compile(rf"\b({_VERDICT_WORDS})\b", re.I)
_NEGATORS = frozenset({"bukan", "bkn", "tidak", "tdk", "gak", "gk", "ga", "nggak", "enggak", "engga", "ngga",
                       "not", "no", "isn't", "isnt", "ndak", "kagak", "bukanlah", "jangan", "blm", "belum",
                       "anti", "tolak", "stop", "lawan", "melawan", "perangi", "berantas"})
_RE_URL_OR_TAG = re.compile(r"https?://\S+|[#@]\w+")
# Spreaders: "sebarkan!", "viralkan", "share sebanyak-banyaknya" not preceded by "jangan".
_RE_SPREAD = re.compile(r"(?<!jangan )(?<!jgn )(?<!tidak )(?<!gak )\b(?:sebarkan|sebarin|viralkan|"
                        r"viralin|bagikan\s+ke\s+(?:semua|sebanyak)|share\s+sebanyak)\b", re.I)
_RE_QUESTION_HOAX = re.compile(rf"({_VERDICT_WORDS})\s*(?:\w+\s*){{0,3}}\?", re.I)


def _canonical_verdict(word: str) -> str:
    word = re.sub(r"\s+", " ", word.strip().upper())
    return _CANONICAL.get(word, word)


def _negated(text: str, start: int) -> bool:
    before = re.findall(r"[\w']+", text[max(0, start - 25):start].lower())[-2:]
    return any(w in _NEGATORS for w in before)


def _verdict_in(text: str) -> str | None:
    text = _RE_URL_OR_TAG.sub(" ", text)
    for m in _RE_ANY_VERDICT.finditer(text):
        if not _negated(text, m.start()):
            word = m.group(1)
            if word.lower() in {"salah", "keliru", "palsu", "fake", "false"} and not word.isupper():
                continue  # lower-case "salah" is an ordinary word ("salah paham"); only titles count
            return _canonical_verdict(word)
    return None


def fact_check_verdict(text: str) -> str | None:
    """The verdict if ``text`` is itself a fact-check or debunk, else None.

    Returns the verdict word in upper case (HOAKS, SALAH, DISINFORMASI, MISLEADING, ...; HOAX ->
    HOAKS, FALSE -> SALAH), or ``"FACT_CHECK"`` when the post is clearly a fact-check without a
    verdict word ("Cek Fakta: ...", "Faktanya, ..."). Ordinary posts, including questions
    ("hoax gak sih?") and spreaders' denials ("ini bukan hoax, sebarkan!"), give None.
    """
    if not text or not isinstance(text, str):
        return None
    head = text.lstrip()[:400]
    m = _RE_BRACKET.match(head)
    if m:
        return _canonical_verdict(m.group(1))
    m = _RE_BRACKET_MULTI.match(head)
    if m and _MULTI_VERDICT.search(m.group(1)):
        return re.sub(r"\s+", "_", m.group(1).strip())
    m = _RE_LEADING.match(head)
    if m and (m.group(1).isupper() or ":" in m.group(0)):
        return _canonical_verdict(m.group(1))
    spreading = bool(_RE_SPREAD.search(text))
    if _RE_FACT_HEAD.match(head):
        return _verdict_in(text) or "FACT_CHECK"
    if spreading:
        return None
    for m in _RE_STATEMENT.finditer(text):
        if _negated(text, m.start(2)) or _negated(text, m.start(1)):
            continue
        word, lead = m.group(2), m.group(1).lower()
        if (word.lower() in {"salah", "keliru", "palsu", "fake", "false"} and not word.isupper()
                and lead not in {"adalah", "merupakan", "dipastikan", "dinyatakan"}):
            continue  # "jawaban itu salah": ordinary speech, not a verdict
        tail = text[m.end():m.end() + 30]
        if "?" in tail.split(".")[0] and not re.search(r"https?://", tail):
            continue
        return _canonical_verdict(m.group(2))
    if _RE_REPLY_HOAX.match(head):
        return "HOAKS"
    if (_RE_FAKTANYA.search(text) or _RE_DENIAL.search(text) or _RE_ALREADY.search(text)
            or _RE_NOT_TRUE.search(text) or _RE_DEBUNK_URL.search(text)):
        if _RE_QUESTION_HOAX.search(text) and not _verdict_in(text):
            return None
        return _verdict_in(text) or "FACT_CHECK"
    return None
