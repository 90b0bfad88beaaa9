"""NER scoring (exact and partial matches) and the shipped spaCy model."""

from __future__ import annotations

import json

import pytest

from enrichers.ner_corpus import Example
from enrichers.ner_eval import DEFAULT_MODEL, Score, evaluate, format_report, main, main_files, spacy_predictor

GOLD = [
    Example("Joko Widodo ke Banjarmasin", ((0, 11, "PER"), (15, 26, "LOC"))),
    Example("KPK dan Polri", ((0, 3, "ORG"), (8, 13, "ORG"))),
]
PRED = [
    [(0, 4, "PER"), (15, 26, "LOC")],                          # PER too short, LOC exact
    # ORG exact, wrong label, spurious, a label pantau ignores
    [(0, 3, "ORGANISATION"), (8, 13, "LOC"), (4, 7, "PER"), (0, 13, "MISC")],
]


def test_exact_and_partial_counts():
    report = evaluate(GOLD, PRED)
    assert report.n_texts == 2
    assert report.exact["PER"] == Score(0, 0, 1, 2)
    assert report.exact["LOC"] == Score(1, 1, 1, 2)
    assert report.exact["ORG"] == Score(1, 1, 2, 1)
    assert report.partial["PER"] == Score(1, 1, 1, 2)
    ex, pa = report.exact_overall, report.partial_overall
    assert (ex.gold, ex.pred, ex.matched_gold) == (4, 5, 2)
    assert (ex.precision, ex.recall) == (0.4, 0.5)
    assert ex.f1 == pytest.approx(4 / 9)
    assert (pa.precision, pa.recall) == (0.6, 0.75)
    assert pa.f1 == pytest.approx(2 / 3)


def test_partial_matches_each_span_once():
    gold = [Example("x" * 30, ((0, 20, "PER"),))]
    report = evaluate(gold, [[(0, 5, "PER"), (6, 20, "PER")]])
    assert report.partial["PER"] == Score(matched_gold=1, matched_pred=1, gold=1, pred=2)
    assert (report.partial_overall.precision, report.partial_overall.recall) == (0.5, 1.0)


def test_partial_matching_is_maximal_not_greedy():
    # Predicted (5, 9) overlaps both gold spans; matching it to the first would leave the second
    # unmatched, but (0, 3) can take the first.
    gold = [Example("x" * 20, ((0, 10, "LOC"), (8, 12, "LOC")))]
    report = evaluate(gold, [[(5, 9, "LOC"), (0, 3, "LOC")]])
    assert report.partial["LOC"].matched_gold == 2
    assert report.exact["LOC"].matched_gold == 0


def test_nothing_predicted_and_nothing_to_find():
    report = evaluate([Example("kosong", ())], [[]])
    assert report.exact_overall == Score() and report.exact_overall.f1 == 0.0
    with pytest.raises(ValueError):
        evaluate(GOLD, PRED[:1])


def test_format_report_table():
    table = format_report(evaluate(GOLD, PRED))
    lines = table.splitlines()
    overall = next(line for line in lines if line.startswith("overall"))
    assert overall.split() == ["overall", "4", "5", "0.400", "0.500", "0.444", "0.600", "0.750", "0.667"]
    assert [line.split()[0] for line in lines[4:]] == ["PER", "LOC", "ORG", "overall"]


def test_main_reads_either_format_and_calls_the_predictor(tmp_path, capsys):
    path = tmp_path / "gold.jsonl"
    path.write_text("".join(json.dumps({"text": e.text, "entities": [list(s) for s in e.spans]}) + "\n" for e in GOLD))
    seen = []

    def predict(texts):
        seen.append(texts)
        return PRED

    assert main(path, predict) == 0
    assert seen[-1] == [e.text for e in GOLD]  # after a one-text warm-up call
    out = capsys.readouterr().out
    assert "0.444" in out and "texts/s" in out
    assert main(tmp_path / "missing.txt", predict) == 2


def test_main_files_reports_each_file_then_all(tmp_path, capsys):
    conll = tmp_path / "a.txt"
    conll.write_text("Joko\tB-PERSON\nWidodo\tI-PERSON\nke\tO\nBanjarmasin\tB-PLACE\n")
    jsonl = tmp_path / "b.jsonl"
    jsonl.write_text(json.dumps({"text": GOLD[1].text, "entities": [list(s) for s in GOLD[1].spans]}) + "\n")
    by_text = {e.text: p for e, p in zip(GOLD, PRED)}
    assert main_files([conll, jsonl], lambda texts: [by_text[t] for t in texts]) == 0
    out = capsys.readouterr().out
    overall = [line.split() for line in out.splitlines() if line.startswith("overall")]
    assert overall[0][:6] == ["overall", "2", "2", "0.500", "0.500", "0.500"]     # first file alone
    assert overall[2] == ["overall", "4", "5", "0.400", "0.500", "0.444", "0.600", "0.750", "0.667"]  # both
    assert "all 2 files, 2 texts" in out


# The shipped model (enrichers/data/ner/model)

@pytest.fixture(scope="module")
def nlp():
    spacy = pytest.importorskip("spacy")
    return spacy.load(DEFAULT_MODEL)


def test_shipped_model_is_small_tok2vec_and_ner(nlp):
    assert nlp.lang == "id"
    assert nlp.pipe_names == ["tok2vec", "ner"]
    assert set(nlp.get_pipe("ner").labels) == {"PER", "LOC", "ORG"}
    size = sum(p.stat().st_size for p in DEFAULT_MODEL.rglob("*") if p.is_file())
    assert size < 10 * 1024 * 1024


def test_shipped_model_finds_people_and_places_and_the_rules_add_organisations(nlp):
    text = "Presiden Joko Widodo meresmikan bendungan di Kabupaten Banjar bersama Kementerian PUPR"
    for variant in (text, text.lower()):
        ents = {(e.text.lower(), e.label_) for e in nlp(variant).ents}
        assert ("joko widodo", "PER") in ents, (variant, ents)
        assert any(label == "LOC" and "banjar" in t for t, label in ents), (variant, ents)
        assert not any("bendungan" in t or "meresmikan" in t for t, _ in ents), (variant, ents)
        # The model alone may miss the ministry's abbreviation; the rules behind it do not.
        from enrichers.entities import find

        found = {(e["label"], e["canonical"]) for e in find(variant)}
        assert ("PER", "Joko Widodo") in found and ("LOC", "Kabupaten Banjar") in found, found
        assert any(label == "ORG" and "Pekerjaan Umum" in canonical for label, canonical in found), found


def test_spacy_predictor_returns_character_spans():
    predict = spacy_predictor(DEFAULT_MODEL)
    text = "Gubernur Kalsel Sahbirin Noor berkunjung ke Banjarmasin."
    (spans,) = predict([text])
    assert all(0 <= s < e <= len(text) and label in ("PER", "LOC", "ORG") for s, e, label in spans)
    assert (text.index("Sahbirin"), text.index(" berkunjung"), "PER") in spans
