"""Labelled NER data for pantau: reading CoNLL and JSON Lines files, and building spaCy training docs.

pantau recognises three entity labels, ``PER``, ``LOC`` and ``ORG``. Every reader maps the
source's labels onto them with :data:`LABEL_MAP` (IndoNLU NERGrit's PERSON / PLACE /
ORGANISATION, NER-P's PPL / PLC / IND, OntoNotes-style names, ...) and drops any other label.

An :class:`Example` is a text and its entity spans as character offsets into that text, so the
same examples feed both training (:func:`to_docbin`) and evaluation (``enrichers.ner_eval``),
whatever tokenizer a model uses.

Two file formats (:func:`read_examples` chooses by suffix):

- CoNLL (:func:`read_conll`): one ``token<TAB>tag`` per line (any whitespace; the tag is the last
  column), a blank line between sentences, BIO tags (``B-PER``, ``I-PER``, ``O``). The tokens of a
  sentence are joined by single spaces to make the text.
- JSON Lines (:func:`read_jsonl`): one object per line, ``{"text": ..., "entities": [[start, end,
  label], ...]}`` or ``{"text": ..., "spans": [{"start": .., "end": .., "label": ..}, ...]}``.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Iterable

if TYPE_CHECKING:  # spaCy is only needed to build training docs
    from spacy.language import Language
    from spacy.tokens import Doc, DocBin

log = logging.getLogger(__name__)

LABELS: tuple[str, ...] = ("PER", "LOC", "ORG")

#: Source label (upper-cased) -> pantau label. Labels not in the table are dropped.
LABEL_MAP: dict[str, str] = {
    "PER": "PER", "PERSON": "PER", "PPL": "PER",
    "LOC": "LOC", "PLACE": "LOC", "PLC": "LOC", "GPE": "LOC", "LOCATION": "LOC",
    "ORG": "ORG", "ORGANISATION": "ORG", "ORGANIZATION": "ORG", "IND": "ORG",
}

Span = tuple[int, int, str]


@dataclass(frozen=True)
class Example:
    """A text and its entities as ``(start, end, label)`` character offsets, sorted by start."""

    text: str
    spans: tuple[Span, ...] = ()


def map_label(label: str) -> str | None:
    """The pantau label for a source label (case-insensitive), or None if pantau drops it."""
    return LABEL_MAP.get(label.strip().upper())


def read_examples(path: str | Path) -> list[Example]:
    """Read a labelled file: JSON Lines if it ends in ``.jsonl`` or ``.json``, CoNLL otherwise."""
    if Path(path).suffix.lower() in (".jsonl", ".json"):
        return read_jsonl(path)
    return read_conll(path)


def read_conll(path: str | Path) -> list[Example]:
    """Read a BIO-tagged CoNLL file into examples (see the module docstring for the format)."""
    examples: list[Example] = []
    sentence: list[tuple[str, str]] = []
    with open(path, encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            fields = line.split()
            if not fields:
                if sentence:
                    examples.append(conll_sentence(sentence))
                    sentence = []
                continue
            if fields[0] == "-DOCSTART-":
                continue
            if len(fields) < 2:
                raise ValueError(f"{path}:{lineno}: expected 'token<TAB>tag', got {line.rstrip()!r}")
            sentence.append((fields[0], fields[-1]))
    if sentence:
        examples.append(conll_sentence(sentence))
    return examples


def conll_sentence(rows: Iterable[tuple[str, str]]) -> Example:
    """One sentence of ``(token, BIO tag)`` rows as an :class:`Example` (tokens joined by spaces).

    Tags whose label :func:`map_label` drops count as ``O``; an ``I-`` tag that does not continue
    an entity of the same label starts a new one. ``S-``/``U-`` are read as ``B-``, ``E-``/``L-`` as ``I-``.
    """
    tokens: list[str] = []
    spans: list[list] = []              # [start, end, label], end extended while I- continues
    pos = 0
    prev: str | None = None             # label of the entity the previous token belongs to
    for token, tag in rows:
        start = pos + (1 if tokens else 0)
        end = start + len(token)
        tokens.append(token)
        pos = end
        prefix, _, raw = tag.partition("-")
        prefix = prefix.upper()
        label = map_label(raw) if raw and prefix in ("B", "I", "E", "S", "L", "U") else None
        if label is None:
            prev = None
            continue
        if prefix in ("I", "E", "L") and prev == label:
            spans[-1][1] = end
        else:
            spans.append([start, end, label])
        # an entity tagged S- or U- (single token) cannot be continued
        prev = None if prefix in ("S", "U", "E", "L") else label
    return Example(" ".join(tokens), tuple((s, e, lab) for s, e, lab in spans))


def read_jsonl(path: str | Path) -> list[Example]:
    """Read JSON Lines examples with ``entities`` ([start, end, label] lists) or ``spans`` (objects).

    Labels go through :func:`map_label` (unknown ones are dropped). Raises ValueError, naming the
    line, for a line that is not a JSON object with a string ``text`` or for offsets outside the text.
    """
    examples = []
    with open(path, encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
                examples.append(example_from_record(record))
            except (json.JSONDecodeError, ValueError, TypeError, KeyError) as exc:
                raise ValueError(f"{path}:{lineno}: {exc}") from exc
    return examples


def example_from_record(record: dict) -> Example:
    """An :class:`Example` from one decoded JSON Lines record (see :func:`read_jsonl`)."""
    if not isinstance(record, dict) or not isinstance(record.get("text"), str):
        raise ValueError("expected an object with a string 'text'")
    text = record["text"]
    raw = record.get("entities")
    if raw is None:
        raw = record.get("spans") or []
    spans = []
    for item in raw:
        if isinstance(item, dict):
            start, end, label = item["start"], item["end"], item["label"]
        else:
            start, end, label = item
        start, end = int(start), int(end)
        if not 0 <= start < end <= len(text):
            raise ValueError(f"span ({start}, {end}) outside a text of {len(text)} characters")
        mapped = map_label(str(label))
        if mapped is not None:
            spans.append((start, end, mapped))
    return Example(text, tuple(sorted(set(spans))))


def to_docs(examples: Iterable[Example], nlp: "Language") -> tuple[list["Doc"], int]:
    """Tokenize examples with ``nlp`` and set their entities; return ``(docs, spans skipped)``.

    Character spans lose surrounding whitespace and are widened to whole tokens
    (``alignment_mode="expand"``). A span that is only whitespace, or that would overlap an
    earlier span once widened, is skipped and counted.
    """
    docs, skipped = [], 0
    for example in examples:
        doc = nlp.make_doc(example.text)
        ents, taken = [], set()
        for start, end, label in example.spans:
            # trim surrounding whitespace: spaCy keeps runs of spaces as tokens, never inside entities
            while start < end and example.text[start].isspace():
                start += 1
            while end > start and example.text[end - 1].isspace():
                end -= 1
            span = doc.char_span(start, end, label=label, alignment_mode="expand") if start < end else None
            if span is None or taken.intersection(range(span.start, span.end)):
                skipped += 1
                continue
            taken.update(range(span.start, span.end))
            ents.append(span)
        doc.ents = sorted(ents, key=lambda s: s.start)
        docs.append(doc)
    return docs, skipped


def to_docbin(examples: Iterable[Example], nlp: "Language") -> "DocBin":
    """A spaCy ``DocBin`` of the examples for training (see :func:`to_docs`; skips are logged)."""
    from spacy.tokens import DocBin

    docs, skipped = to_docs(examples, nlp)
    if skipped:
        log.warning("%d entity spans skipped: no token or overlapping another span", skipped)
    return DocBin(docs=docs, attrs=["ORTH", "ENT_IOB", "ENT_TYPE"])
