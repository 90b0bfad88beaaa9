"""Common words, rarely names: how pantau tells a chat phrase from an entity the models invented.

Both statistical NER models were trained on news. On chat text they also tag ordinary phrases:
"bener gk", "wkwk", "KONTEKS SALAH", "hapus dong", "the new booster contains a microchip".
:func:`implausible_entity` rejects a model span when at least three quarters of its words are
common words (:func:`is_common`) and nothing in the writing marks it as a name: no word is
Capitalised where a sentence does not start, and no short acronym (``ITB``) stands between
words that are not shouted in capitals too. So "Bendungan Riam Kanan" in a cased sentence stays, while "sekolah
minggu" and "JANGAN MAU DIVAKSIN" go. Rule and gazetteer spans are never filtered.

Common words are those of pantau's own word lists, minus names:

* always: the stopwords (Indonesian, English, informal, regional);
* unless it is a name: the wordfreq lists (``data/keywords/words-{id,en}.txt``), the words of
  the language identifier's lexicon (NusaX, IndoCollex informal spellings, marker words) and the
  normalisation lexicon's informal and formal words;
* a name is a one-word gazetteer name or alias, or a word of ``data/ner/name-words.txt``: the
  words that are inside an entity more often than not in the IndoNLU training splits (rebuilt by
  ``python -m enrichers.common_words``). wordfreq has frequent names too (Jakarta, Jokowi); this
  takes most of them out again.

A word is also common if it is a common word with its letters drawn out ("bangeeet") or with an
Indonesian or Javanese affix (di-, ber-, meN-, nge-, -nya, -kan, -an, -in, -ke, -ne) around a
common root of four letters or more ("divaksin", "disebarke").

Measured with ``pantau eval ner`` (full pipeline), before -> after: 241 hand-labelled
social-media posts, exact F1 0.731 -> 0.775 (precision 0.717 -> 0.809); IndoNLU test splits
unchanged within 0.004 (NERGrit 0.631 -> 0.635, NER-P 0.722 -> 0.725).
"""

from __future__ import annotations

import re
import sys
from collections import Counter
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Sequence

from spacy.tokens import Span, Token

from enrichers import gazetteer as gz
from enrichers.keywords import DATA_DIR as KEYWORDS_DIR
from enrichers.keywords import _read_frequencies, stopwords
from enrichers.langid import DATA_DIR as LANGID_DIR
from enrichers.langid import _load_lexicon
from enrichers.normalize import lexicon

#: Words mostly inside entities in the IndoNLU training splits (see :func:`name_words`).
NAME_WORDS = Path(__file__).resolve().parent / "data" / "ner" / "name-words.txt"
#: The labelled files :func:`name_words` reads by default (relative to the repository).
TRAINING_FILES = ("data/ner/indonlu-nergrit/train_preprocess.txt", "data/ner/indonlu-nerp/train_preprocess.txt")

#: A model span goes when at least this share of its words is common (and nothing marks a name).
COMMON_SHARE = 0.75

_PREFIXES = ("di", "ke", "ter", "ber", "se", "me", "mem", "men", "meng", "meny", "nge", "ng", "ny")
_SUFFIXES = ("nya", "kan", "an", "in", "ke", "ne")
_MIN_ROOT = 4
_DRAWN_OUT = re.compile(r"(.)\1{2,}")


@lru_cache(maxsize=1)
def names() -> frozenset[str]:
    """Words that are names: one-word gazetteer names and aliases, and the IndoNLU name words."""
    words = {name for name in gz.gazetteer().names if " " not in name}
    with open(NAME_WORDS, encoding="utf-8") as fh:
        words.update(line.strip() for line in fh if line.strip() and not line.startswith("#"))
    return frozenset(words)


@lru_cache(maxsize=1)
def common_words() -> frozenset[str]:
    """The common words (lower case): stopwords, and listed words that are not names."""
    listed = set(_read_frequencies(KEYWORDS_DIR / "words-id.txt")) | set(_read_frequencies(KEYWORDS_DIR / "words-en.txt"))
    listed.update(_load_lexicon(LANGID_DIR))
    for informal, formal in lexicon().items():
        listed.add(informal)
        listed.update(formal.split())
    stop = set().union(*(stopwords(language) for language in ("id", "jv", "su", "ms", "bjn", "min")))
    return frozenset(stop | (listed - names()))


@lru_cache(maxsize=65536)
def is_common(word: str) -> bool:
    """Whether ``word`` (any case) is a common word, drawn out or with an affix around a common root."""
    word = word.lower()
    common = common_words()
    if word in common:
        return True
    if word in names():
        return False
    if _DRAWN_OUT.search(word):
        return _DRAWN_OUT.sub(r"\1", word) in common or _DRAWN_OUT.sub(r"\1\1", word) in common
    for prefix in ("", *_PREFIXES):
        if not word.startswith(prefix):
            continue
        for suffix in ("", *_SUFFIXES):
            root = word[len(prefix):len(word) - len(suffix)]
            if (prefix or suffix) and word.endswith(suffix) and len(root) >= _MIN_ROOT and root in common:
                return True
    return False


def _shouted(token: Token) -> bool:
    return len(token.text) > 1 and token.text.isupper() and token.text.isalpha()


def _marks_a_name(token: Token) -> bool:
    text = token.text
    if _shouted(token) and len(text) <= 5:
        # An acronym, if the writer uses lower case around it: "dosen ITB", not "KONTEKS SALAH".
        doc, i = token.doc, token.i
        neighbours = [doc[j] for j in (i - 1, i + 1) if 0 <= j < len(doc)]
        return any(ch.islower() for ch in doc.text) and not any(_shouted(other) for other in neighbours)
    if not (text[:1].isupper() and any(ch.islower() for ch in text)) or token.i == 0:
        return False
    # After a space, a line break or punctuation other than a comma, a capital starts a sentence.
    before = token.doc[token.i - 1]
    return not (before.is_space or (before.text != "," and not any(ch.isalnum() for ch in before.text)))


def implausible_entity(span: Span) -> bool:
    """Whether a statistical model's span is most likely an ordinary phrase, not a name (see above)."""
    words = [token for token in span if any(ch.isalpha() for ch in token.text)]
    if not words or any(_marks_a_name(token) for token in words):
        return False
    return sum(is_common(token.text) for token in words) >= COMMON_SHARE * len(words)


def name_words(examples: Iterable, min_share: float = 0.5) -> list[str]:
    """Words (lower case) inside an entity in more than ``min_share`` of their uses in ``examples``.

    ``examples`` are :class:`enrichers.ner_corpus.Example` (text with character spans); the
    words are the text's whitespace-separated tokens.
    """
    inside: Counter[str] = Counter()
    total: Counter[str] = Counter()
    for example in examples:
        for match in re.finditer(r"\S+", example.text):
            word = match.group().lower()
            total[word] += 1
            if any(start <= match.start() and match.end() <= end for start, end, _ in example.spans):
                inside[word] += 1
    return sorted(word for word, n in inside.items() if n > min_share * total[word] and any(ch.isalpha() for ch in word))


def main(argv: Sequence[str] | None = None) -> int:
    """Rebuild ``data/ner/name-words.txt`` from labelled files (the IndoNLU training splits by default)."""
    from enrichers.ner_corpus import read_examples

    paths = list(argv if argv else TRAINING_FILES)
    words = name_words(example for path in paths for example in read_examples(path))
    header = ("# Words inside a PER/LOC/ORG entity in more than half of their uses in "
              f"{', '.join(paths)} (IndoNLU, Apache-2.0; see data/ner/README.md).\n"
              "# Rebuilt by: python -m enrichers.common_words. Read by enrichers/common_words.py.\n")
    NAME_WORDS.write_text(header + "".join(f"{word}\n" for word in words), encoding="utf-8")
    print(f"{len(words)} name words written to {NAME_WORDS}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
