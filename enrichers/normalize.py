"""Normalisation of informal Indonesian text for matching and counting.

``normalize(text)`` returns a *new* string: lower case, one space between tokens, informal words
replaced by their formal forms. It is meant for matching claims, counting keywords and building
fingerprints; callers keep and display the original text, which is never altered (Python strings
are immutable and this module only ever builds new ones).

Method, in order:

1. Clean-up (never raises): HTML tags are removed and entities unescaped; lone surrogates,
   zero-width and other invisible format characters (ZWSP, ZWJ/ZWNJ, bidi marks and embeddings,
   BOM, soft hyphen, variation selectors, tag characters, Hangul fillers) are deleted, so that
   ``ho\u200baks`` reads ``hoaks``; control characters become spaces; the text is put in Unicode
   NFKC form, which also turns full-width and "mathematical bold" letters, often used to dodge
   filters, into plain ones. Pure-ASCII text skips the Unicode steps.
2. Tokenising: the text is split on whitespace, and each chunk (cached) is split by one
   precompiled regex into URLs (kept verbatim, case included, since paths are
   case-sensitive), e-mail addresses, @mentions and #hashtags (kept whole, lower-cased: platforms
   treat handles and tags case-insensitively), numbers such as ``10.000`` or ``3,5``, words
   (letters of any script with their combining marks, digits, inner hyphens and apostrophes), and
   runs of punctuation, which become separate tokens (a run of the same mark, ``!!!``, becomes
   one).
3. Word mapping, cached with ``functools.lru_cache``; each step is a dictionary look-up:
   a. the lexicon: IndoCollex (MIT) minus the entries listed in
      ``data/normalization/indocollex-exclude.txt``, plus ``supplement.tsv`` (see the README
      there); chains such as ``ngak -> nggak -> tidak`` are resolved when the lexicon loads;
   b. reduplication shorthand: ``anak2 -> anak-anak``, ``hati2nya -> hati-hatinya``;
   c. digits used as letters, only in tokens that mix letters and digits with a digit between two
      letters (``s4y4 -> saya``, ``b3r1t4 -> berita``); the reading is accepted when it is a
      known word, or when the token has at least two such digits and three letters; tokens like
      ``covid19``, ``h1n1``, ``5g`` and ``mp3`` are left alone;
   d. elongation: runs of three or more of the same letter are collapsed, trying one and two
      letters per run and taking the first candidate that is in the lexicon or in the known-word
      list (``saaaat -> saat``, ``bangeeeet -> banget``, ``hoaaaks -> hoaks``); with no known
      candidate each run becomes one letter (``gg`` after ``n``). Legitimate double letters
      (``saat``, ``taat``, ``tunggu``) are never touched, since only runs of 3+ are collapsed;
      a trailing double letter (``yaa``, ``dehh``) is dropped only when that gives a known word;
   e. laughter (``wkwkwk``, ``hahahaha``, ``hehehe``) becomes ``hahaha``.

Emoji: **dropped**. Emoji, pictographs and other symbols (Unicode categories So, Sk, Co, Cn and
stray combining marks, with the ZWJ and variation selectors that glue emoji together) are
removed, so an emoji-only post normalises to ``""`` and ``hoaks🔥🔥`` to ``hoaks``. The normalised
text serves word matching and counting; emoji stay in the original text for any emoji-level
signal. Punctuation (category P*) and the math and currency signs (Sm, Sc) are kept as tokens.
"""
from __future__ import annotations

import html
import re
import unicodedata
from functools import lru_cache
from pathlib import Path

__all__ = ["normalize", "normalize_tokens", "lexicon", "DATA_DIR"]

DATA_DIR = Path(__file__).resolve().parent / "data" / "normalization"

# ---------------------------------------------------------------------------------------------
# Lexicon loading
# ---------------------------------------------------------------------------------------------


def _read_lines(path: Path):
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            line = line.rstrip("\n").rstrip("\r")
            if line.strip() and not line.lstrip().startswith("#"):
                yield line


def _load() -> tuple[dict[str, str], frozenset[str]]:
    exclude: set[str] = set()
    for line in _read_lines(DATA_DIR / "indocollex-exclude.txt"):
        exclude.update(line.split("#", 1)[0].split())

    lex: dict[str, str] = {}
    rows = _read_lines(DATA_DIR / "indocollex-informal-formal.tsv")
    next(rows, None)  # header "informal<TAB>formal"
    for line in rows:
        parts = line.split("\t")
        if len(parts) < 2:
            continue
        inf = parts[0].strip().lower()
        formal = parts[1].strip().strip('"').lower()
        # Keys starting with a digit are number+unit pairs ("1007mb", "551pm"): handled by rules.
        if not inf or not formal or inf[0].isdigit() or inf in exclude or inf == formal:
            continue
        lex[inf] = formal

    for line in _read_lines(DATA_DIR / "supplement.tsv"):
        parts = line.split("\t")
        if len(parts) < 2:
            continue
        inf, formal = parts[0].strip().lower(), parts[1].strip().lower()
        if not inf or not formal:
            continue
        lex[inf] = inf if formal == "=" else formal

    # Resolve chains (ngak -> nggak -> tidak); stop on cycles.
    for key in list(lex):
        value, seen = lex[key], {key}
        while value in lex and value not in seen and lex[value] != value:
            seen.add(value)
            value = lex[value]
        lex[key] = value

    known: set[str] = set()
    for value in lex.values():
        known.update(re.split(r"[\s-]+", value))
    for line in _read_lines(DATA_DIR / "formal-words.txt"):
        known.update(line.lower().split())
    known.discard("")
    return lex, frozenset(known)


_LEX, _KNOWN = _load()


def lexicon() -> dict[str, str]:
    """A copy of the informal -> formal lexicon in use (after exclusions and the supplement)."""
    return dict(_LEX)


# ---------------------------------------------------------------------------------------------
# Clean-up
# ---------------------------------------------------------------------------------------------

_RE_TAG = re.compile(r"</?[A-Za-z!][^<>]{0,2000}>")
# Invisible format characters and lone surrogates: deleted (no space), so they cannot split words.
_RE_INVISIBLE = re.compile(
    "[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e"
    "\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufff8"
    "\U0001d173-\U0001d17a\U000e0000-\U000e0fff\ud800-\udfff]+"
)
_RE_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029]+")
_RE_ASCII_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]+")

# ---------------------------------------------------------------------------------------------
# Tokeniser
# ---------------------------------------------------------------------------------------------

# Combining marks of the scripts we expect (Latin, Cyrillic, Hebrew, Arabic, Indic, Thai,
# Balinese, Sundanese, Javanese): kept inside words.
_MARKS = (
    "\u0300-\u036f\u0483-\u0489\u0591-\u05c7\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed"
    "\u0900-\u0dff\u0e31\u0e34-\u0e3a\u0e47-\u0e4e\u1ab0-\u1aff\u1b00-\u1bff\u1dc0-\u1dff"
    "\ua980-\ua9df\ufe20-\ufe2f"
)
_WCH = rf"(?:[^\W_]|[{_MARKS}])"
_URL_END = r"[^\s<>\"'.,;:!?)\]}’”]"
_TOKEN_RE = re.compile(
    "|".join(
        [
            rf"(?:https?://|www\.)[^\s<>\"]*{_URL_END}",  # URL
            r"(?:[A-Za-z0-9-]+\.)+(?:com|net|org|id|ly|io|me|info|tv|news|gov|co|ac)"
            rf"(?:/[^\s<>\"]*{_URL_END})?(?![\w-]|\.\w)",  # bare domain, optional path
            r"[\w.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+",  # e-mail
            r"@\w+(?:\.\w+)*",  # mention
            r"#\w+",  # hashtag
            r"\d+(?:[.,:]\d+)+(?![^\W_])",  # number with separators
            rf"{_WCH}+(?:['’\-]{_WCH}+)*",  # word
            r"[^\w\s@#]+|[@#_]+",  # punctuation / symbol run (emoji dropped later)
        ]
    )
)

_LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "6": "g", "7": "t",
                       "8": "b", "9": "g"})
_RE_REDUP = re.compile(r"^([^\W\d_]{2,})2(nya|ku|mu|an|kan|lah|pun)?$")
_RE_NUM_UNIT = re.compile(r"^(\d+(?:[.,]\d+)?)(rb|ribu|jt|juta|m|miliar|t|triliun)$")
_UNITS = {"rb": "ribu", "ribu": "ribu", "jt": "juta", "juta": "juta", "m": "miliar",
          "miliar": "miliar", "t": "triliun", "triliun": "triliun"}
_RE_INTERLEAVED = re.compile(r"[^\W\d_][013456789]+[^\W\d_]")
_RE_RUN3 = re.compile(r"([^\W\d_])\1{2,}")
_RE_LAUGH = re.compile(r"^(?:(?:wk|kw|wq|qw)+[wkq]?|(?:ha|ah){2,}h?|(?:he|eh){2,}h?|(?:hi){3,}|"
                       r"(?:xi){2,})$")
_MAX_WORD = 64  # longer "words" (base64 blobs, keyboard mashing) only get cheap handling


def _lookup(w: str) -> str | None:
    v = _LEX.get(w)
    if v is not None:
        return v
    if w in _KNOWN:
        return w
    return None


def _elongation(w: str) -> str:
    runs = list(_RE_RUN3.finditer(w))
    if len(runs) <= 4:
        # candidates: every run as one or two letters; fewer letters first
        cands = [""]
        pos = 0
        for m in runs:
            ch = m.group(1)
            mid = w[pos:m.start()]
            cands = [c + mid + k for c in cands for k in (ch, ch + ch)]
            pos = m.end()
        tail = w[pos:]
        for c in cands:
            found = _lookup(c + tail)
            if found is not None:
                return found

    def one(m: re.Match) -> str:
        ch = m.group(1)
        if ch == "g" and m.start() > 0 and w[m.start() - 1] == "n":
            return "gg"
        return ch

    collapsed = _RE_RUN3.sub(one, w)
    return _map_word(collapsed) if len(collapsed) <= _MAX_WORD else collapsed


def _map_word(w: str) -> str:
    """Map one lower-case word token."""
    v = _LEX.get(w)
    if v is not None:
        return v
    if len(w) > _MAX_WORD:
        return _RE_RUN3.sub(r"\1", w) if not any(c.isdigit() for c in w) else w
    if w.isdigit():
        return w
    has_digit = any(c.isdigit() for c in w)
    if has_digit:
        if w.isalnum() and not w.isdigit():
            m = _RE_REDUP.match(w)
            if m:
                base = _map_word(m.group(1))
                if " " in base:
                    base = m.group(1)
                return f"{base}-{base}{m.group(2) or ''}"
            m = _RE_NUM_UNIT.match(w)
            if m:
                return f"{m.group(1)} {_UNITS[m.group(2)]}"
            if _RE_INTERLEAVED.search(w) and w.isascii():
                decoded = w.translate(_LEET)
                if decoded.isalpha():
                    found = _lookup(decoded)
                    if found is None:
                        found = _lookup(_RE_RUN3.sub(r"\1", decoded))
                    if found is not None:
                        return found
                    n_digits = sum(c.isdigit() for c in w)
                    if n_digits >= 2 and len(w) - n_digits >= 3:
                        return decoded
        return w
    if "-" in w or "'" in w or "’" in w:
        parts = re.split(r"([-'’])", w)
        mapped = [p if p in "-'’" else _map_word(p) for p in parts]
        return "".join(mapped)
    if _RE_LAUGH.match(w):
        return "hahaha"
    if _RE_RUN3.search(w):
        return _elongation(w)
    if len(w) >= 3 and w[-1] == w[-2] and w not in _KNOWN:
        found = _lookup(w[:-1])
        if found is not None:
            return found
    return w


_KEEP_SYMBOL_CATS = frozenset({"Sm", "Sc"})


def _map_punct(t: str) -> str:
    out: list[str] = []
    for ch in t:
        cat = unicodedata.category(ch)
        if (cat[0] == "P" or cat in _KEEP_SYMBOL_CATS) and (not out or out[-1] != ch):
            out.append(ch)
    return " ".join(out)


@lru_cache(maxsize=1 << 17)
def _map_token(tok: str) -> str:
    c = tok[0]
    if c == "@" or c == "#":
        return tok.lower() if len(tok) > 1 else ""
    if "://" in tok or tok[:4].lower() == "www." or "/" in tok:
        return tok  # URL: verbatim
    if "@" in tok:
        return tok.lower()  # e-mail
    if "." in tok or "," in tok or ":" in tok:
        if c.isdigit():
            return tok  # number
        if c.isalnum():
            return tok.lower()  # bare domain
    if c.isalnum() or (not c.isascii() and _WORD_START.match(c)):
        return _map_word(tok.lower())
    return _map_punct(tok)


_WORD_START = re.compile(_WCH)


def _clean(text: str) -> str:
    if "<" in text:
        text = _RE_TAG.sub(" ", text)
    if "&" in text:
        text = html.unescape(text)
    if text.isascii():
        if _RE_ASCII_CONTROL.search(text):
            text = _RE_ASCII_CONTROL.sub(" ", text)
        return text
    text = _RE_INVISIBLE.sub("", text)
    text = _RE_CONTROL.sub(" ", text)
    if not unicodedata.is_normalized("NFKC", text):
        text = unicodedata.normalize("NFKC", text)
        # NFKC can turn compatibility characters into invisible or control ones again
        text = _RE_CONTROL.sub(" ", _RE_INVISIBLE.sub("", text))
    return text


_findall = _TOKEN_RE.findall


@lru_cache(maxsize=1 << 17)
def _map_chunk(chunk: str) -> str:
    """Normalise one whitespace-delimited chunk; posts repeat chunks, so this cache does most work."""
    return " ".join([m for m in map(_map_token, _findall(chunk)) if m])


def normalize(text: str) -> str:
    """Normalised form of ``text`` for matching and counting (see the module docstring).

    Never raises for any ``str``; ``None`` gives ``""`` and ``bytes`` are decoded as UTF-8 with
    replacement.
    """
    if not text:
        return ""
    if not isinstance(text, str):
        if isinstance(text, (bytes, bytearray)):
            text = bytes(text).decode("utf-8", "replace")
        else:
            text = str(text)
    text = _clean(text)
    return " ".join([m for m in map(_map_chunk, text.split()) if m])


def normalize_tokens(tokens: list[str]) -> list[str]:
    """Normalise pre-split tokens; the result is aligned with the input, one item per token.

    Each item is ``normalize(token)``: usually one word, but it can be empty (an emoji or an
    invisible character), hold a space ("gatau" -> "tidak tahu") or split off punctuation.
    """
    return [normalize(t) for t in tokens]
