"""The enrich stage as a pure function: valid posts out, failures with positions and reasons."""

import orjson

from enrichers import entities, stage
from enrichers.stage import ANALYSIS_MAX_CHARS, ENRICHMENT_VERSION, enrich_records


def post(uid: str, text: str, **extra) -> bytes:
    return orjson.dumps({"uid": uid, "text": text, "created_at": "2026-11-01T00:00:00Z", **extra})


def test_batch_keeps_order_and_reports_failures_by_position():
    result = enrich_records([
        post("x:1", "Jangan percaya! Vaksin MR mengandung babi, sebarkan ke grup keluarga!! #HoaksVaksin"),
        b"garbage",
        post("x:2", "The viral flood photo is from 2019, not from Banjarmasin #FactCheck", hashtags=["Banjir"]),
        post("x:3", ""),
    ])
    assert [doc["uid"] for doc in result.outputs] == ["x:1", "x:2", "x:3"]
    assert result.failures == [(1, result.failures[0][1])] and "not JSON" in result.failures[0][1]
    first, second, empty = result.outputs
    assert first["language"]["code"] == "id"
    assert first["hashtags"] == ["hoaksvaksin"]
    assert second["language"]["code"] == "en"
    assert second["hashtags"] == ["banjir", "factcheck"]
    assert empty["language"]["code"] == "und"
    assert first["enrichment_version"] == ENRICHMENT_VERSION
    assert "tidak" in enrich_records([post("x:4", "gk percaya")]).outputs[0]["text_normalized"]


def test_the_original_text_is_never_altered_and_long_text_is_kept_whole():
    text = "Wkwk gk percaya bgt " * 1000  # 20,000 characters
    doc = enrich_records([post("x:5", text)]).outputs[0]
    assert doc["text"] == text
    assert len(doc["text_normalized"]) < ANALYSIS_MAX_CHARS * 2


def test_hostile_text_never_crashes_the_stage():
    texts = ["😂😂😂", "<b>HOAKS</b><script>alert(1)</script>", "\u200b\u200b\x00\x07", "مرحبا بالعالم",
             "\ud800 lone", "<p>Diskominfo Kalsel</p>\u200b\x07 di <i>Banjarmasin</i>", "\u202eKalsel\u202c"]
    result = enrich_records([{"uid": f"x:{n}", "text": t, "created_at": "2026-11-01T00:00:00Z"}
                             for n, t in enumerate(texts)])
    assert len(result.outputs) == len(texts) and not result.failures
    assert result.outputs[0]["language"]["code"] == "und"
    assert result.outputs[4]["text"] == "\ufffd lone"  # JSON can carry a lone surrogate; UTF-8 cannot
    for doc in result.outputs:
        for entity in doc["entities"]:
            assert doc["text"][entity["start"]:entity["end"]] == entity["text"]
    markup = next(doc for doc in result.outputs if doc["uid"] == "x:5")
    assert {e["canonical"] for e in markup["entities"]} >= {
        "Dinas Komunikasi dan Informatika Provinsi Kalimantan Selatan", "Kota Banjarmasin"}


def test_entities_carry_canonical_forms_and_keywords_count_split_hashtags():
    indonesian, english = enrich_records([
        post("x:10", "Diskominfo Kalsel bantah hoaks vaksin di Banjarmasin, kata H. Sahbirin Noor #TolakHoaks"),
        post("x:11", "WHO says the coconut water cure for COVID-19 shared in Jakarta is false"),
    ]).outputs
    found = {(e["label"], e["canonical"]) for e in indonesian["entities"]}
    assert ("ORG", "Dinas Komunikasi dan Informatika Provinsi Kalimantan Selatan") in found
    assert ("PER", "Sahbirin Noor") in found
    assert "tolak hoaks" in indonesian["keywords"] and "vaksin" in indonesian["keywords"]
    assert "di" not in indonesian["keywords"]
    assert any(e["label"] == "LOC" and e["text"] == "Jakarta" for e in english["entities"])
    assert "coconut water" in english["keywords"]
    for doc in (indonesian, english):
        for entity in doc["entities"]:
            assert doc["text"][entity["start"]:entity["end"]] == entity["text"]


def test_repeated_texts_reuse_the_analysis_even_in_other_casing(monkeypatch):
    calls = []
    real = entities.find_many
    monkeypatch.setattr(entities, "find_many", lambda texts, langs: calls.append(list(texts)) or real(texts, langs))
    text = "Pesan berantai: Polda Kalsel tangkap penyebar hoaks penculikan anak di Martapura 2099"
    first = enrich_records([post("x:20", text)]).outputs[0]
    again = enrich_records([post("x:21", text), post("x:22", text.upper()), post("x:23", "  " + text)]).outputs
    assert calls == [[text]]  # the copies, however written, never reached the models
    assert [doc["entities"] for doc in (first, again[0])] == [first["entities"]] * 2
    for doc in again:
        assert doc["language"] == first["language"] and doc["keywords"] == first["keywords"]
        assert [e["canonical"] for e in doc["entities"]] == [e["canonical"] for e in first["entities"]]
        for entity in doc["entities"]:
            assert doc["text"][entity["start"]:entity["end"]] == entity["text"]
    assert again[1]["entities"][0]["text"].isupper()
    assert len(stage._by_normalized) <= len(stage._by_text)


def test_enrichment_version_names_the_stage_and_a_digest_of_its_data():
    code, digest = ENRICHMENT_VERSION.split("+")
    assert int(code) == stage.STAGE_VERSION and len(digest) == 8
    assert stage._data_digest() == digest


def test_the_data_digest_follows_the_data_files_but_not_their_readmes(tmp_path):
    (tmp_path / "gazetteer").mkdir()
    (tmp_path / "gazetteer" / "regions.tsv").write_text("Kalimantan Selatan\tKalsel\n")
    before = stage._data_digest(tmp_path)
    (tmp_path / "gazetteer" / "README.md").write_text("# Regions\n")
    assert stage._data_digest(tmp_path) == before
    (tmp_path / "gazetteer" / "regions.tsv").write_text("Kalimantan Selatan\tKalsel\tKS\n")
    assert stage._data_digest(tmp_path) != before
