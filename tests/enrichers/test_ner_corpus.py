"""Reading labelled NER data (CoNLL, JSON Lines), building spaCy docs, and a tiny training run."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import spacy

from enrichers import ner_train
from enrichers.ner_corpus import (
    Example,
    map_label,
    read_conll,
    read_examples,
    read_jsonl,
    to_docbin,
    to_docs,
)

REPO = Path(__file__).resolve().parents[2]
NERGRIT = REPO / "data" / "ner" / "indonlu-nergrit"
NERP = REPO / "data" / "ner" / "indonlu-nerp"


def _words(example: Example) -> list[tuple[str, str]]:
    return [(example.text[s:e], label) for s, e, label in example.spans]


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_map_label_covers_both_corpora_and_drops_the_rest():
    assert [map_label(x) for x in ("PERSON", "PPL", "per", "PLACE", "PLC", "GPE", "ORGANISATION", "IND", "Org")] == [
        "PER", "PER", "PER", "LOC", "LOC", "LOC", "ORG", "ORG", "ORG"]
    assert map_label("EVT") is None and map_label("FNB") is None and map_label("MISC") is None


def test_conll_text_offsets_and_label_mapping(tmp_path):
    path = _write(tmp_path / "a.txt", (
        "Presiden\tO\nJoko\tB-PERSON\nWidodo\tI-PERSON\nke\tO\nKota\tB-PLACE\nBanjarbaru\tI-PLACE\n.\tO\n"
        "\n"
        "festival\tB-EVT\njazz\tI-EVT\ndibuka\tO\nkpk\tB-IND\n"  # no blank line at the end of the file
    ))
    first, second = read_conll(path)
    assert first.text == "Presiden Joko Widodo ke Kota Banjarbaru ."
    assert first.spans == ((9, 20, "PER"), (24, 39, "LOC"))
    assert _words(first) == [("Joko Widodo", "PER"), ("Kota Banjarbaru", "LOC")]
    assert second.text == "festival jazz dibuka kpk"
    assert _words(second) == [("kpk", "ORG")]                    # EVT dropped, IND -> ORG


def test_conll_i_without_b_and_adjacent_entities(tmp_path):
    path = _write(tmp_path / "b.txt", (
        "kata\tO\nahok\tI-PPL\ndan\tO\n"             # I- after O starts an entity
        "anies\tB-PPL\nsandi\tB-PPL\n"               # B- after B- : two entities
        "jakarta\tI-PLC\n"                           # I- of another label: a new entity
        "piala\tB-EVT\ndunia\tI-PPL\n"               # I-PPL after a dropped label: a new entity
    ))
    (example,) = read_conll(path)
    assert _words(example) == [
        ("ahok", "PER"), ("anies", "PER"), ("sandi", "PER"), ("jakarta", "LOC"), ("dunia", "PER")]


def test_conll_rejects_a_line_without_tag(tmp_path):
    path = _write(tmp_path / "bad.txt", "Joko\tB-PER\nWidodo\n")
    with pytest.raises(ValueError, match="bad.txt:2"):
        read_conll(path)


def test_jsonl_both_shapes_mapped_and_sorted(tmp_path):
    text = "Gubernur Sahbirin Noor di Banjarmasin bersama KPK"
    lines = [
        {"text": text, "entities": [[46, 49, "ORGANISATION"], [9, 22, "PERSON"], [26, 37, "GPE"], [0, 8, "TITLE"]]},
        {"text": text, "spans": [{"start": 9, "end": 22, "label": "PPL"}, {"start": 46, "end": 49, "label": "IND"}]},
        {"text": "tidak ada entitas"},
    ]
    path = _write(tmp_path / "x.jsonl", "\n".join(json.dumps(r) for r in lines) + "\n\n")
    a, b, c = read_jsonl(path)
    assert _words(a) == [("Sahbirin Noor", "PER"), ("Banjarmasin", "LOC"), ("KPK", "ORG")]
    assert _words(b) == [("Sahbirin Noor", "PER"), ("KPK", "ORG")]
    assert c == Example("tidak ada entitas", ())
    assert read_examples(path) == [a, b, c]


@pytest.mark.parametrize("record", [
    {"text": "abc", "entities": [[1, 9, "PER"]]},
    {"text": "abc", "entities": [[2, 2, "PER"]]},
    {"entities": []},
    ["not", "an", "object"],
])
def test_jsonl_errors_name_the_line(tmp_path, record):
    path = _write(tmp_path / "bad.jsonl", '{"text": "ok"}\n' + json.dumps(record) + "\n")
    with pytest.raises(ValueError, match="bad.jsonl:2"):
        read_jsonl(path)


def test_read_examples_uses_conll_for_other_suffixes(tmp_path):
    path = _write(tmp_path / "c.conll", "Banjar\tB-LOC\n")
    assert read_examples(path) == [Example("Banjar", ((0, 6, "LOC"),))]


def test_shipped_corpora_parse_with_expected_sizes():
    grit = read_conll(NERGRIT / "train_preprocess.txt")
    assert len(grit) == 1672
    # NERGrit has no I- without B-, so its spans are its B- tags: 1,618 PERSON, 2,688 PLACE, 1,015 ORG.
    assert sum(len(e.spans) for e in grit) == 1618 + 2688 + 1015
    nerp = read_conll(NERP / "test_preprocess.txt")
    assert len(nerp) == 840
    assert {label for e in nerp for _, _, label in e.spans} == {"PER", "LOC", "ORG"}
    assert all(e.text == e.text.lower() for e in nerp)


def test_to_docs_expands_to_tokens_and_counts_skips():
    nlp = spacy.blank("id")
    examples = [
        Example("Walikota Banjarmasin hadir", ((9, 14, "LOC"),)),           # inside a token: widened
        Example("Bank Kalsel Banjarmasin", ((0, 11, "ORG"), (5, 23, "LOC"))),  # overlap: second skipped
        Example("di  sini  ", ((2, 4, "LOC"), (3, 10, "LOC"))),              # only whitespace: skipped; trimmed
    ]
    docs, skipped = to_docs(examples, nlp)
    assert [(e.text, e.label_) for e in docs[0].ents] == [("Banjarmasin", "LOC")]
    assert [(e.text, e.label_) for e in docs[1].ents] == [("Bank Kalsel", "ORG")]
    assert [(e.text, e.label_) for e in docs[2].ents] == [("sini", "LOC")]
    assert skipped == 2
    restored = list(to_docbin(examples, nlp).get_docs(nlp.vocab))
    assert [[(e.text, e.label_) for e in d.ents] for d in restored] == [
        [("Banjarmasin", "LOC")], [("Bank Kalsel", "ORG")], [("sini", "LOC")]]
    assert [t.ent_iob_ for t in restored[0]] == ["O", "B", "O"]   # unannotated tokens are O, not missing


def test_augment_adds_lower_case_and_noisy_copies():
    cased = Example("Kemarin Presiden Joko Widodo ke KPK", ((17, 28, "PER"), (32, 35, "ORG")))
    lower = Example("kepala dinas kota manado amos kenda", ((18, 24, "LOC"), (25, 35, "PER")))
    examples = [cased, lower] * 20
    out = ner_train.augment_examples(examples, seed=3)
    assert out[:40] == examples
    assert out.count(Example(cased.text.lower(), cased.spans)) == 20      # lower-cased copies
    assert lower not in out[40:]                                           # nothing to lower-case
    noisy = [e for e in out[40:] if e.text.lower() not in (cased.text.lower(), lower.text)]
    assert 3 <= len(noisy) <= 20                                           # about a quarter
    for example in noisy:
        source = cased if "joko" in example.text.lower() else lower
        assert source.text.lower() in example.text.lower()
        # the entities are the same words, moved by what was put in front
        assert [example.text[s:e].lower() for s, e, _ in example.spans] == [
            source.text[s:e].lower() for s, e, _ in source.spans]
        assert [label for *_, label in example.spans] == [label for *_, label in source.spans]
        added = example.text.lower().replace(source.text.lower(), " ").split()
        assert added and all(t[0] in "@#h" or not t.isalnum() for t in added), added
    assert ner_train.augment_examples(examples, seed=3) == out                       # reproducible
    assert ner_train.augment_examples(examples, seed=3, noisy_share=0) == out[:40] + [
        e for e in out[40:] if e not in noisy]


def test_tiny_training_run_gives_a_loadable_model(tmp_path):
    train = tmp_path / "train.txt"
    dev = tmp_path / "dev.jsonl"
    sentences = (NERGRIT / "train_preprocess.txt").read_text(encoding="utf-8").split("\n\n")[:30]
    train.write_text("\n\n".join(sentences) + "\n", encoding="utf-8")
    gold = {"text": "Presiden Joko Widodo di Jakarta", "entities": [[9, 20, "PER"], [24, 31, "LOC"]]}
    dev.write_text(json.dumps(gold) + "\n")
    out = ner_train.train([train], [dev], tmp_path / "model", max_epochs=2)
    assert out == tmp_path / "model"
    assert sorted(p.name for p in out.iterdir()) == ["config.cfg", "meta.json", "ner", "tok2vec", "tokenizer", "vocab"]
    assert spacy.util.load_config(out / "config.cfg", interpolate=False)["paths"]["train"] is None
    strings = json.loads((out / "vocab" / "strings.json").read_text(encoding="utf-8"))
    assert {"PER", "LOC", "ORG"} <= set(strings) and "Kontribusinya" not in strings   # training words dropped
    nlp = spacy.load(out)
    assert nlp.pipe_names == ["tok2vec", "ner"]
    assert set(nlp.get_pipe("ner").labels) == {"PER", "LOC", "ORG"}
    assert [t.text for t in nlp("anak-anak")] == ["anak", "-", "anak"]       # the trimmed tokenizer
    doc = nlp("Presiden Joko Widodo di Jakarta")
    assert all(e.label_ in ("PER", "LOC", "ORG") for e in doc.ents)
    # training again into the same directory replaces the model; a foreign directory is refused
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "todo.txt").write_text("x")
    with pytest.raises(FileExistsError):
        ner_train._replace_model(out, tmp_path / "notes")
