"""Common words and the filter of implausible model entities (enrichers/common_words.py)."""

from pathlib import Path

import pytest
import spacy
from spacy.tokens import Span

from enrichers import common_words, entities
from enrichers.common_words import implausible_entity, is_common, name_words
from enrichers.ner_corpus import Example, read_examples

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def blank():
    return spacy.blank("id")


def span(nlp, text: str, phrase: str) -> Span:
    doc = nlp(text)
    found = doc.char_span(text.index(phrase), text.index(phrase) + len(phrase), label="ORG")
    assert found is not None, phrase
    return found


@pytest.mark.parametrize("word", ["bener", "gk", "wkwk", "Relatable", "bangeeet", "divaksin", "disebarke", "KONTEKS"])
def test_chat_words_drawn_out_and_affixed_forms_are_common(word):
    assert is_common(word)


@pytest.mark.parametrize("word", ["martapura", "Jakarta", "banjarmasin", "Kalsel", "bmkg", "jokowi"])
def test_names_are_not_common_even_where_wordfreq_lists_them(word):
    assert not is_common(word)


@pytest.mark.parametrize("text, phrase, implausible", [
    ("bener gk sih bsk pagi kpu mau ganti kotak suara", "bener gk", True),
    ("KONTEKS SALAH: foto banjir itu bukan di sini", "KONTEKS SALAH", True),
    ("Jaga kesehatan ya lur", "Jaga", True),                          # Capitalised only as a sentence start
    ("kemarin ke martapura naik motor", "martapura", False),          # not a common word
    ("tiap hari lewat Bendungan Riam Kanan macet", "Bendungan Riam Kanan", False),  # capitals mid-sentence
    ("hujan deras, Kota Baru banjir lagi", "Kota Baru", False),       # after a comma is mid-sentence too
    ("katanya dosen ITB bilang gitu", "ITB", False),                  # an acronym in a cased text
    ("JANGAN MAU DIVAKSIN kata grup sebelah", "JANGAN MAU DIVAKSIN", True),  # shouting, not acronyms
    ("lowongan admin toko dibuka lagi", "lowongan admin toko", True),
    ("toko mentaya sudah dibuka", "toko mentaya", False),             # half the words are not common
])
def test_a_span_of_common_words_goes_unless_the_writing_marks_a_name(blank, text, phrase, implausible):
    assert implausible_entity(span(blank, text, phrase)) is implausible


def test_the_model_tags_chat_phrases_and_pantau_drops_them_but_keeps_the_names():
    texts = ["bener gk sih bsk pagi kpu mau ganti kotak suara di banjarmasin? wkwk",
             "Finally bisa ngerasain naik MRT di Jakarta, smooth banget, beda jauh sama macet di Banjarmasin",
             "Cek di www.lapor.go.id atau hubungi @bagus85 Sirekap error lagi"]
    raw = [{e.text for e in doc.ents} for doc in spacy.load(entities.INDONESIAN_MODEL).pipe(texts)]
    assert {"bener gk", "smooth banget", "www.lapor.go.id"} <= set().union(*raw)
    found = [{e["text"] for e in ents} for ents in entities.find_many(texts, ["id"] * len(texts))]
    assert "bener gk" not in found[0] and "banjarmasin" in found[0]
    assert "smooth banget" not in found[1] and {"Jakarta", "Banjarmasin"} <= found[1]
    assert not any("lapor.go.id" in text or "@" in text for text in found[2])


def test_name_words_are_those_inside_an_entity_in_most_of_their_uses():
    examples = [Example("Budi pergi ke Bandung", ((0, 4, "PER"), (14, 21, "LOC"))),
                Example("budi baik di Bandung", ((13, 20, "LOC"),)),
                Example("Gubernur Kalsel tiba", ((9, 15, "LOC"),))]
    assert name_words(examples) == ["bandung", "kalsel"]           # "budi": 1 of 2 uses is not "more than half"


def test_the_shipped_name_words_are_rebuilt_from_the_training_splits():
    shipped = [line.strip() for line in common_words.NAME_WORDS.read_text(encoding="utf-8").splitlines()
               if line.strip() and not line.startswith("#")]
    paths = [ROOT / path for path in common_words.TRAINING_FILES]
    assert shipped == name_words(example for path in paths for example in read_examples(path))
