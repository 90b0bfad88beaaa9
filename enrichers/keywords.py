"""Keywords of a post: the terms that trend detection counts.

``keywords(normalized_text, hashtags, language)`` takes the output of
:func:`enrichers.normalize.normalize` (lower case, informal words already in their formal form,
punctuation as separate tokens) and returns a deduplicated list of terms:

1. **Hashtags first.** Each hashtag (the ``hashtags`` argument, then ``#tags`` found in the text
   that are not already there) is split into words by :func:`split_hashtag` and normalised like
   the text (``#StopHoax -> "stop hoaks"``). Its terms are the whole phrase, then its kept words
   and bigrams by the rules below: ``#TolakHoaks -> "tolak hoaks", "tolak", "hoaks"``;
   ``#DiRumahAja -> "di rumah saja", "rumah"``. A tag that is itself a stopword (``#fyp``) or has
   no kept word (``#wkwkwk``, ``#2024``) gives nothing.
2. **Words** of the text in order. A token is *kept* when it is a word (letters, digits, marks,
   inner hyphens and apostrophes) with at least one letter, at least 2 and at most 40 characters,
   and is none of: a URL, bare domain, e-mail, @mention or #hashtag; a number; laughter
   (``wkwk``, ``hahaha``, ``hehe``, ``awokwok``, ...); a stopword. Stopwords are always the
   Indonesian, English and informal lists together (posts mix languages), plus regional
   function words (see :func:`stopwords`). Small clean-ups: ``covid-19 -> covid19``, a final
   ``'s`` is dropped, ``’`` reads ``'``.
3. **Bigrams** join two kept words only when they are *adjacent in the normalised text*: any
   token in between, be it a stopword, punctuation, number, URL, mention, emoji (already
   removed by normalize, so it does not separate) or laughter, breaks the chain. So
   ``"vaksin covid bikin mandul"`` gives ``vaksin covid`` but not ``covid mandul``. This keeps
   bigrams that are real phrases and costs nothing. A repeated word (``hoaks hoaks``) is no
   bigram.
4. Terms are listed by first appearance (a bigram right before its second word), without
   repeats, and the list stops at :data:`MAX_KEYWORDS` (50) terms. Posts of up to 280
   characters in ``data/sample`` yield 12 terms at the median and 39 at most, so only long
   texts (articles) are cut, keeping their hashtags and their beginning.

Hashtag splitting (:func:`split_hashtag`): separators (``_``, ``-``, ``.``) split; in a tag that
mixes upper and lower case, case changes split (``TolakHoaks``, ``BBMNaik -> bbm naik``); a
letters/digits boundary splits when the digit run has 3 or more digits or the letter run 6 or
more letters, so ``covid19``, ``g20``, ``5g``, ``h1n1``, ``mp3`` stay whole while ``pemilu
2024``, ``2019 ganti presiden``, ``jokowi 3 periode`` and ``covid19 indonesia`` split. Each run
of letters is then segmented by dynamic programming under a unigram model (as ``wordninja``
does, with real frequencies instead of ranks): the cost of a word is ``-ln p(word)`` under a
mixture of Indonesian (weight 0.6) and English (0.4) word frequencies from ``wordfreq`` (shipped
in ``data/keywords/words-{id,en}.txt``, CC BY-SA 4.0), plus the words of pantau's normalisation
lexicon; each word adds a small penalty, and an unknown stretch of ``n`` letters costs
``8 + 2.7 n`` nats, so an unknown tag (``xyzqw``, a name) stays whole unless
long known words make up most of it (``gejayanmemanggil -> gejayan memanggil``).

Speed: per-token work (classification, stopword test) is cached per distinct token, hashtag
terms per distinct tag; a tweet-sized text takes about 10-25 microseconds on one core once the
caches are warm, 20-50 before (loading the lists takes about 0.1 s, on first use).
"""

from __future__ import annotations

import math
import re
from functools import lru_cache
from pathlib import Path
from typing import Iterable

from enrichers.normalize import DATA_DIR as _NORMALIZATION_DIR
from enrichers.normalize import lexicon, normalize

__all__ = [
    "keywords", "split_hashtag", "stopwords", "MAX_KEYWORDS", "MAX_WORD_CHARS", "MAX_TAG_CHARS",
    "DATA_DIR",
]

DATA_DIR = Path(__file__).resolve().parent / "data" / "keywords"

#: At most this many terms per post (hashtag terms first, then the text's in order).
MAX_KEYWORDS = 50
#: Longer "words" (base64, keyboard mashing, glued URLs) are not terms.
MAX_WORD_CHARS = 40
#: Longer hashtags are only split at separators (platforms cap tags at about 100 characters).
MAX_TAG_CHARS = 100

# Segmentation model (see the module docstring). Chosen by a small grid search on 100 well-known
# Indonesian hashtags written out by hand (94 split as a person would; in the tests)
# and 2,000 random concatenations of 2-3 frequent Indonesian words (98.7% split exactly), while
# keeping 100% of 2,000 known words of 6+ letters whole.
_WEIGHT_ID = 0.6
_WEIGHT_EN = 0.4
_EXTRA_CENTIBELS = -600  # lexicon words missing from the frequency lists: as rare as the rarest
_WORD_PENALTY = 2.0  # nats added per word: prefer fewer, longer words
_UNKNOWN_BASE = 8.0
_UNKNOWN_PER_CHAR = 2.7
_MIN_UNKNOWN = 3  # an unknown stretch between words has at least this many letters
_MAX_SEGMENT_CHARS = 60  # longer letter runs are not segmented (cost grows with the square)

# ---------------------------------------------------------------------------------------------
# Data loading (once, on first use)
# ---------------------------------------------------------------------------------------------


def _words_of(path: Path) -> Iterable[str]:
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            line = line.split("#", 1)[0] if not line.startswith("#") else ""
            yield from line.split()


@lru_cache(maxsize=None)
def _regional() -> tuple[frozenset[str], dict[str, frozenset[str]]]:
    always: set[str] = set()
    own: dict[str, set[str]] = {}
    with open(DATA_DIR / "stopwords-regional.tsv", encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("#") or not line.strip():
                continue
            lang, scope, words = line.rstrip("\n").split("\t")
            (always if scope == "always" else own.setdefault(lang, set())).update(words.split())
    return frozenset(always), {lang: frozenset(ws) for lang, ws in own.items()}


@lru_cache(maxsize=None)
def _base_stopwords() -> frozenset[str]:
    words: set[str] = set()
    for name in ("stopwords-id.txt", "stopwords-en.txt", "stopwords-informal.txt"):
        words.update(_words_of(DATA_DIR / name))
    words.update(_regional()[0])
    return frozenset(words)


@lru_cache(maxsize=64)
def stopwords(language: str = "id") -> frozenset[str]:
    """The stopwords applied to a post in ``language`` (a language-identifier code).

    Always Indonesian + English + informal/social-media words + the regional function words
    marked ``always`` in ``stopwords-regional.tsv``; for ``jv``, ``su``, ``ms``, ``bjn`` and
    ``min`` also that language's words marked ``own`` (spellings that are content words in
    Indonesian or English, such as Sundanese ``teh``).
    """
    own = _regional()[1].get(language or "", frozenset())
    return _base_stopwords() | own if own else _base_stopwords()


def _read_frequencies(path: Path) -> dict[str, int]:
    freqs: dict[str, int] = {}
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("#") or not line.strip():
                continue
            centibels, words = line.rstrip("\n").split("\t")
            for word in words.split():
                freqs.setdefault(word, int(centibels))
    return freqs


@lru_cache(maxsize=None)
def _segment_model() -> tuple[dict[str, float], int]:
    """word -> cost in nats (-ln p + word penalty), and the longest word's length."""
    ind = _read_frequencies(DATA_DIR / "words-id.txt")
    eng = _read_frequencies(DATA_DIR / "words-en.txt")
    prob: dict[str, float] = {}
    for weight, freqs in ((_WEIGHT_ID, ind), (_WEIGHT_EN, eng)):
        for word, centibels in freqs.items():
            prob[word] = prob.get(word, 0.0) + weight * 10.0 ** (centibels / 100.0)
    extra = 10.0 ** (_EXTRA_CENTIBELS / 100.0)
    lexicon_words = [w for pair in lexicon().items() for w in (pair[0], *pair[1].split())]
    lexicon_words += _words_of(_NORMALIZATION_DIR / "formal-words.txt")
    for word in lexicon_words:
        word = word.lower()
        if word.isalpha() and word.isascii() and len(word) >= 2 and word not in prob:
            prob[word] = extra
    costs = {word: _WORD_PENALTY - math.log(p) for word, p in prob.items()}
    return costs, max(map(len, costs))


# ---------------------------------------------------------------------------------------------
# Hashtag splitting
# ---------------------------------------------------------------------------------------------

_RE_SEPARATORS = re.compile(r"[\W_]+")
_RE_RUNS = re.compile(r"\d+|[^\W\d_]+")
_RE_CAMEL = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[^\W\d_]+")


def _segment(s: str) -> list[str]:
    """Best split of a lower-case letter run into words (the run itself when nothing better)."""
    n = len(s)
    if n < 4 or n > _MAX_SEGMENT_CHARS:
        return [s]
    costs, max_len = _segment_model()
    get = costs.get
    inf = math.inf
    best = [0.0] + [inf] * n
    back = [0] * (n + 1)
    for i in range(1, n + 1):
        b, k = inf, 0
        for j in range(max(0, i - max_len), i):
            c = get(s[j:i])
            if c is not None and best[j] + c < b:
                b, k = best[j] + c, j
        for j in range(0, i - _MIN_UNKNOWN + 1):  # an unknown stretch s[j:i]
            c = best[j] + _UNKNOWN_BASE + _UNKNOWN_PER_CHAR * (i - j)
            if c < b:
                b, k = c, j
        best[i], back[i] = b, k
    words: list[str] = []
    i = n
    while i > 0:
        words.append(s[back[i]:i])
        i = back[i]
    words.reverse()
    return words


@lru_cache(maxsize=1 << 16)
def split_hashtag(tag: str) -> str:
    """Words of a hashtag, lower case, separated by single spaces.

    ``"#TolakHoaks"``, ``"TolakHoaks"`` and ``"tolakhoaks"`` all give ``"tolak hoaks"``;
    ``"Covid19Indonesia"`` gives ``"covid19 indonesia"`` (a short digit run stays with short
    letters: ``covid19``, ``g20``, ``5g``; years and long words split: ``"pemilu 2024"``);
    ``"hoax_vaksin"`` gives ``"hoax vaksin"``. Case changes are trusted in mixed-case tags; every
    run of letters is also segmented with the word-frequency model, so ``"stophoax"`` gives
    ``"stop hoax"``. A tag that cannot be segmented sensibly stays whole (``"xyzqw"``). Words are
    not normalised here (``keywords`` does that). Never raises; ``""`` for an empty tag.
    """
    if not isinstance(tag, str):
        return ""
    if len(tag) > MAX_TAG_CHARS:  # not a real hashtag: separators only, no costly analysis
        return " ".join(_RE_SEPARATORS.split(tag.lower())).strip()
    words: list[str] = []
    for chunk in _RE_SEPARATORS.split(tag):
        if not chunk:
            continue
        mixed = not chunk.islower() and not chunk.isupper()
        chunk_words: list[str] = []
        for run in _RE_RUNS.findall(chunk):
            if run[0].isdigit():
                items = [run]
            else:
                items = []
                for piece in _RE_CAMEL.findall(run) if mixed else (run,):
                    items.extend(_segment(piece.lower()))
            for item in items:
                if chunk_words and _glue(chunk_words[-1], item):
                    chunk_words[-1] += item
                else:
                    chunk_words.append(item)
        words.extend(chunk_words)
    return " ".join(words)


def _glue(prev: str, run: str) -> bool:
    """Whether a letters/digits boundary stays closed: fewer than 3 digits, fewer than 6 letters."""
    prev_digit = prev[-1].isdigit()
    if prev_digit == run[0].isdigit():
        return False
    # length of prev's last run, counted only as far as the limits need (O(1))
    k = len(prev) - 1
    while k > 0 and len(prev) - k < 6 and prev[k - 1].isdigit() == prev_digit:
        k -= 1
    left = len(prev) - k
    digits, letters = (left, len(run)) if prev_digit else (len(run), left)
    return digits < 3 and letters < 6


# ---------------------------------------------------------------------------------------------
# Keywords
# ---------------------------------------------------------------------------------------------

_MARKS = (
    "\u0300-\u036f\u0483-\u0489\u0591-\u05c7\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed"
    "\u0900-\u0dff\u0e31\u0e34-\u0e3a\u0e47-\u0e4e\u1ab0-\u1aff\u1b00-\u1bff\u1dc0-\u1dff"
    "\ua980-\ua9df\ufe20-\ufe2f"
)
_WCH = rf"(?:[^\W_]|[{_MARKS}])"
_RE_WORD = re.compile(rf"{_WCH}+(?:['-]{_WCH}+)*")
_RE_EDGE = re.compile(rf"^[^\w{_MARKS}]+|[^\w{_MARKS}]+$")
_RE_LETTER = re.compile(r"[^\W\d_]")
_RE_LETTER_DIGITS = re.compile(r"(?<=[^\W\d_])-(?=\d+$)")
_RE_LAUGH = re.compile(
    r"(?:a?(?:w+o*k+){2,}w*|k*(?:w+k+){2,}w*|(?:h+a+){2,}h*|(?:a+h+){2,}a*|(?:h+e+){2,}h*|"
    r"(?:e+h+){2,}e*|(?:h+i+){2,}h*|(?:x+i+){2,}x*|(?:h+u+){3,}h*|(?:c+k+){2,})"
)
_TAG_IN_TEXT = re.compile(r"(?:^|(?<=\s))#(\w+)")
_DOMAIN_LIKE = re.compile(r"\w\.\w")


def _word(token: str) -> str:
    """The term a token stands for, or ``""`` when it is not a countable word."""
    if len(token) < 2 or len(token) > MAX_WORD_CHARS:
        return ""
    c = token[0]
    if c == "@" or c == "#" or "://" in token or "@" in token or "/" in token:
        return ""
    if token[:4] == "www." or _DOMAIN_LIKE.search(token):
        return ""
    if "’" in token:
        token = token.replace("’", "'")
    if not _RE_WORD.fullmatch(token):
        return ""
    if token.endswith("'s"):
        token = token[:-2]
    if "-" in token and _RE_LETTER_DIGITS.search(token):
        token = _RE_LETTER_DIGITS.sub("", token)
    if len(token) < 2 or not _RE_LETTER.search(token) or _RE_LAUGH.fullmatch(token):
        return ""
    return token


def _pieces(token: str) -> tuple[str, ...]:
    """A token as words and breaks (``""``); several pieces only for unnormalised text."""
    if len(token) > MAX_WORD_CHARS + 8:
        return ("",)
    if not token.isascii() or token != token.lower():
        token = token.lower()
    word = _word(token)
    if word or _RE_WORD.fullmatch(token) or token[0] in "@#" or "/" in token:
        return (word,)
    # not a clean token (raw text: "hoaks," or "(vaksin)"): strip the edges, keep the breaks
    inner = _RE_EDGE.sub("", token)
    if not inner or inner == token:
        return ("",)
    head = ("",) if not token.startswith(inner) else ()
    tail = ("",) if not token.endswith(inner) else ()
    return (*head, _word(inner), *tail)


_TOKEN_CACHE_LIMIT = 1 << 18
_token_caches: dict[str, dict[str, tuple[str, ...]]] = {}


def _token_cache(language: str) -> dict[str, tuple[str, ...]]:
    cache = _token_caches.get(language)
    if cache is None or len(cache) > _TOKEN_CACHE_LIMIT:
        cache = _token_caches[language] = {}
    return cache


def _kept(pieces: tuple[str, ...], stop: frozenset[str]) -> tuple[str, ...]:
    return tuple("" if (not p or p in stop) else p for p in pieces)


def _terms(text: str, stop: frozenset[str], cache: dict[str, tuple[str, ...]], out: dict[str, None],
           limit: int) -> bool:
    """Add the words and bigrams of ``text`` to ``out``; False once ``limit`` terms are there."""
    prev = ""
    get = cache.get
    for token in text.split():
        pieces = get(token)
        if pieces is None:
            pieces = _kept(_pieces(token), stop)
            if len(token) <= MAX_WORD_CHARS + 8:
                cache[token] = pieces
        for word in pieces:
            if not word:
                prev = ""
                continue
            if prev and prev != word:
                bigram = prev + " " + word
                if bigram not in out:
                    out[bigram] = None
                    if len(out) >= limit:
                        return False
            if word not in out:
                out[word] = None
                if len(out) >= limit:
                    return False
            prev = word
    return True


@lru_cache(maxsize=1 << 15)
def _hashtag_terms(tag: str, language: str) -> tuple[str, ...]:
    """A hashtag's terms: its normalised phrase (2+ words), then its kept words and bigrams."""
    stop = stopwords(language)
    bare = tag.lstrip("#").lower()
    if not bare or bare in stop:
        return ()
    phrase = normalize(split_hashtag(tag))
    terms: dict[str, None] = {}
    _terms(phrase, stop, {}, terms, 1 << 30)
    if not terms:
        return ()
    if " " in phrase and all(map(_RE_WORD.fullmatch, phrase.split())):
        return (phrase, *(term for term in terms if term != phrase))
    return tuple(terms)


def keywords(normalized_text: str, hashtags: Iterable[str] = (), language: str = "id") -> list[str]:
    """Terms of a post for trend counting: split hashtags, then words and bigrams of the text.

    ``normalized_text`` should be ``normalize(text)``; ``hashtags`` are the post's tags with or
    without ``#``, in any case (the original case helps splitting: ``TolakHoaks``); ``language``
    is the language identifier's code for the post and only adds that language's ambiguous
    function words to the stopwords. Returns at most :data:`MAX_KEYWORDS` distinct terms in
    order of first appearance, hashtag terms first (see the module docstring). Pure and
    deterministic; never raises for any ``str``; ``[]`` for empty, emoji-only or stopword-only
    text.
    """
    if not isinstance(normalized_text, str):
        normalized_text = "" if normalized_text is None else str(normalized_text)
    if not isinstance(language, str):
        language = ""
    out: dict[str, None] = {}
    seen_tags: set[str] = set()
    tags = [hashtags] if isinstance(hashtags, str) else list(hashtags or ())
    if "#" in normalized_text:
        tags.extend(_TAG_IN_TEXT.findall(normalized_text))
    for tag in tags:
        if not isinstance(tag, str):
            continue
        key = tag.lstrip("#").lower()
        if not key or key in seen_tags:
            continue
        seen_tags.add(key)
        for term in _hashtag_terms(tag, language):
            if term not in out:
                out[term] = None
                if len(out) >= MAX_KEYWORDS:
                    return list(out)
    if normalized_text:
        _terms(normalized_text, stopwords(language), _token_cache(language), out, MAX_KEYWORDS)
    return list(out)
