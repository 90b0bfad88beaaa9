"""Tests for enrichers.entity_rules on a blank Indonesian pipeline (no trained model needed)."""
from __future__ import annotations

import random
from collections import Counter
from pathlib import Path

import pytest
import spacy
from spacy.language import Language
from spacy.tokens import Doc, DocBin, Span

from enrichers.entity_rules import FACTORY, add_entity_rules, build_rules_pipeline, canonical_of

ARTICLES = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "kominfo-kalsel-articles-2018.txt"


@pytest.fixture(scope="module")
def nlp():
    return build_rules_pipeline()


def ents(nlp, text):
    """(text, label, canonical) of each entity of ``text``."""
    return [(e.text, e.label_, canonical_of(e)) for e in nlp(text).ents]


def canonicals(nlp, text, label=None):
    return {canonical_of(e) for e in nlp(text).ents if label is None or e.label_ == label}


# ---- the Kominfo Kalimantan Selatan articles --------------------------------------------------


@pytest.fixture(scope="module")
def articles(nlp):
    if not ARTICLES.exists():
        pytest.skip(f"{ARTICLES} is not there")
    return nlp(ARTICLES.read_text(encoding="utf-8"))


def test_articles_people_with_titles_and_suffixes(articles):
    people = {e.text for e in articles.ents if e.label_ == "PER"}
    assert {
        "Gusti Yanuar Noor Rifai",  # "Kepala Diskominfo Provinsi Kalsel, Gusti Yanuar Noor Rifai"
        "Rudy Resnawan",  # "Wakil Gubernur Kalsel H Rudy Resnawan"
        "Ober Tua Butar Butar",  # "Ir. Ober Tua Butar Butar dari Kementerian Dalam Negeri"
        "Ulah Tri Wibowo",  # "Ulah Tri Wibowo, S.Si, M.Si dari Badan Pusat Statistik"
        "Rahmiyanti",  # "Rahmiyanti, ST, MA dari Badan Perencanaan ..."
        "Gusti Yanuar Noor Rifa’I",  # "Drs. Gusti Yanuar Noor Rifa’I, M.Si"
        "Gt. Yanuar Noor Rifa’i",
        "Aberani Sulaiman",  # "Ruang Rapat H Aberani Sulaiman Kantor Setda"
    } <= people
    for person in people:  # honorifics and degrees are not part of the name
        assert not any(part in person.split() for part in ("Drs.", "Ir", "H", "M.Si", "S.Si", "ST", "MA")), person
    by_text = {e.text: canonical_of(e) for e in articles.ents if e.label_ == "PER"}
    assert by_text["Gt. Yanuar Noor Rifa’i"] == "Gusti Yanuar Noor Rifa’i"


def test_articles_agencies_with_canonical_forms(articles):
    orgs = Counter(canonical_of(e) for e in articles.ents if e.label_ == "ORG")
    diskominfo = "Dinas Komunikasi dan Informatika Provinsi Kalimantan Selatan"
    # "Dinas Komunikasi dan Informatika Provinsi Kalimantan Selatan", "Diskominfo Provinsi Kalsel",
    # "Dinas Kominfo Kalsel", "Diskominfo Kalsel", "Kominfo Kalsel", "Dinas Komunikasi dan Informatika Kalsel"...
    assert orgs[diskominfo] >= 12
    spellings = {e.text for e in articles.ents if canonical_of(e) == diskominfo}
    assert {"Diskominfo Kalsel", "Diskominfo Provinsi Kalsel", "Dinas Kominfo Kalsel", "Kominfo Kalsel",
            "Dinas Komunikasi dan Informatika Kalimantan Selatan"} <= spellings
    assert orgs["Pemerintah Provinsi Kalimantan Selatan"] >= 6  # "Pemprov Kalsel", "Pemerintah Provinsi Kalsel"
    assert orgs["Kementerian Pendayagunaan Aparatur Negara dan Reformasi Birokrasi"] >= 2  # "Kemenpan RB"
    assert orgs["Sekretariat Daerah Provinsi Kalimantan Selatan"] == 2  # "Setdaprov Kalsel", "Setda Provinsi Kalsel"
    assert orgs["Badan Perencanaan Pembangunan Daerah Provinsi Kalimantan Selatan"] == 1
    for name in ("Badan Pusat Statistik", "Kementerian Dalam Negeri", "Badan Pengawas Obat dan Makanan",
                 "Tentara Nasional Indonesia", "Kepolisian Negara Republik Indonesia",
                 "Badan Penyelenggara Jaminan Sosial Kesehatan"):
        assert orgs[name] >= 1, name
    assert "Mahkamah Agung" not in orgs  # the "MA" of "Rahmiyanti, ST, MA" is a degree


def test_articles_places(articles):
    places = Counter(canonical_of(e) for e in articles.ents if e.label_ == "LOC")
    assert places["Kalimantan Selatan"] >= 3
    for name in ("Kota Batam", "Kota Banjarmasin", "Kota Banjarbaru", "Jalan Ahmad Yani", "Daerah Istimewa Yogyakarta",
                 "Sumatera Selatan", "Jawa Tengah", "Kota Cirebon", "Kota Bandung", "Kota Solok", "Kota Medan",
                 "Kota Malang", "Kabupaten Bojonegoro", "Kabupaten Banyuwangi", "Kabupaten Bulukumba",
                 "Kabupaten Kendal"):
        assert places[name] >= 1, name
    assert any(e.text == "Kota Batam" for e in articles.ents)


# ---- gazetteer names and composites -----------------------------------------------------------


@pytest.mark.parametrize(
    "text, span, label, canonical",
    [
        ("Hoaks soal Diskominfo Kalsel beredar", "Diskominfo Kalsel", "ORG",
         "Dinas Komunikasi dan Informatika Provinsi Kalimantan Selatan"),
        ("Pemkot Banjarmasin membantah", "Pemkot Banjarmasin", "ORG", "Pemerintah Kota Banjarmasin"),
        ("kata Polda Kalsel kemarin", "Polda Kalsel", "ORG", "Kepolisian Daerah Kalimantan Selatan"),
        ("rapat DPRD Kalsel", "DPRD Kalsel", "ORG", "Dewan Perwakilan Rakyat Daerah Provinsi Kalimantan Selatan"),
        ("banjir di kalsel parah", "kalsel", "LOC", "Kalimantan Selatan"),
        ("kpu curang katanya", "kpu", "ORG", "Komisi Pemilihan Umum"),
        ("Kemenpan-RB menjawab", "Kemenpan-RB", "ORG",
         "Kementerian Pendayagunaan Aparatur Negara dan Reformasi Birokrasi"),
        ("dukung PDI-P!", "PDI-P", "ORG", "Partai Demokrasi Indonesia Perjuangan"),
        ("warga HSS resah", "HSS", "LOC", "Kabupaten Hulu Sungai Selatan"),
        ("Pemkab Bandung dan", "Pemkab Bandung", "ORG", "Pemerintah Kabupaten Bandung"),
        ("pergi ke Bandung", "Bandung", "LOC", "Kota Bandung"),
        ("di Kabupaten Bandung", "Kabupaten Bandung", "LOC", "Kabupaten Bandung"),
        ("di Kab. Banjar", "Kab. Banjar", "LOC", "Kabupaten Banjar"),
        ("Dinas Perikanan Kalsel mengimbau", "Dinas Perikanan Kalsel", "ORG", "Dinas Perikanan Provinsi Kalimantan Selatan"),
        ("pemerintah provinsi kalsel", "pemerintah provinsi kalsel", "ORG", "Pemerintah Provinsi Kalimantan Selatan"),
        ("Polres Banjar dan Pemkab Banjar", "Polres Banjar", "ORG", "Kepolisian Resor Banjar"),
    ],
)
def test_gazetteer_and_composite_spans(nlp, text, span, label, canonical):
    assert (span, label, canonical) in ents(nlp, text)


def test_kb_id_carries_the_canonical_form(nlp):
    doc = nlp("Diskominfo Kalsel dan Pemkot Banjarmasin")
    assert [e.kb_id_ for e in doc.ents] == [
        "Dinas Komunikasi dan Informatika Provinsi Kalimantan Selatan", "Pemerintah Kota Banjarmasin"]
    assert doc[0].ent_kb_id_ == doc.ents[0].kb_id_
    restored = Doc(nlp.vocab).from_bytes(doc.to_bytes())
    assert [e.kb_id_ for e in restored.ents] == [e.kb_id_ for e in doc.ents]
    [from_bin] = DocBin(docs=[doc]).get_docs(nlp.vocab)
    assert [(e.text, e.kb_id_) for e in from_bin.ents] == [(e.text, e.kb_id_) for e in doc.ents]


# ---- ambiguity ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "jangan lempar batu ke rumah orang",
        "Batu itu besar sekali",
        "pan penggorengan sudah panas",
        "ketua pan bilang begitu",
        "nasib malang menimpanya",
        "padang rumput yang luas",
        "medan perang",
        "Roh Kudus menyertai kita",
        "serang balik mereka",
        "demokrat sejati tidak begitu",
        "bpk sudah datang, bkn aku",
        "who cares, bin laden",
        "kompas saya rusak",
        "antara lain begini",
        "narasi yang beredar di medsos",
        "batang pohon tumbang",
        "orang Banjar ramah",
        "Hari H Pemilu tinggal sebentar",
    ],
)
def test_common_words_are_not_entities(nlp, text):
    assert ents(nlp, text) == []


@pytest.mark.parametrize(
    "text, span, canonical",
    [
        ("wisata di Batu ramai", "Batu", "Kota Batu"),
        ("macet di kota batu", "kota batu", "Kota Batu"),
        ("Pemkot Batu membantah", "Pemkot Batu", "Pemerintah Kota Batu"),
        ("ziarah ke Kudus", "Kudus", "Kabupaten Kudus"),
        ("Warga Malang heboh", "Malang", "Kota Malang"),
        ("PAN dukung capres", "PAN", "Partai Amanat Nasional"),
        ("Partai Demokrat menang", "Partai Demokrat", "Partai Demokrat"),
        ("Kota Metro dan Metro TV", "Kota Metro", "Kota Metro"),
        ("Kota Metro dan Metro TV", "Metro TV", "Metro TV"),
        ("Kabupaten Banjar", "Kabupaten Banjar", "Kabupaten Banjar"),
        ("Kota Banjar di Jawa Barat", "Kota Banjar", "Kota Banjar"),
    ],
)
def test_ambiguous_names_in_context(nlp, text, span, canonical):
    assert span in {e[0] for e in ents(nlp, text) if e[2] == canonical}, ents(nlp, text)


# ---- persons, organisations and places by pattern ----------------------------------------------


@pytest.mark.parametrize(
    "text, person, canonical",
    [
        ("Gubernur Kalsel H. Sahbirin Noor meresmikan", "Sahbirin Noor", "Sahbirin Noor"),
        ("dihadiri Hj. Raudatul Jannah", "Raudatul Jannah", "Raudatul Jannah"),
        ("Prof. Dr. Ir. H. Amin Rais, M.Sc. berkata", "Amin Rais", "Amin Rais"),
        ("Bapak Presiden Joko Widodo bertemu", "Joko Widodo", "Joko Widodo"),
        ("kata Pak Jokowi", "Jokowi", "Jokowi"),
        ("menurut Bu Risma", "Risma", "Risma"),
        ("Gt. Yanuar Noor Rifa’i, Kepala", "Gt. Yanuar Noor Rifa’i", "Gusti Yanuar Noor Rifa’i"),
        ("Kepala BPS Kalsel Budi Santoso, S.Si menjelaskan", "Budi Santoso", "Budi Santoso"),
        ("narasumber Siti Aminah, S.H., M.H. hadir", "Siti Aminah", "Siti Aminah"),
        ("oleh Ahmad Fauzi, S.Sos", "Ahmad Fauzi", "Ahmad Fauzi"),
        ("Ustadz Abdul Somad bin Ahmad berceramah", "Abdul Somad bin Ahmad", "Abdul Somad bin Ahmad"),
        ("kata Habib Salim Al-Jufri kemarin", "Salim Al-Jufri", "Salim Al-Jufri"),
        ("oleh Ahmad Al-Jufri, S.Ag", "Ahmad Al-Jufri", "Ahmad Al-Jufri"),
        ("Kiai Ma’ruf Amin hadir", "Ma’ruf Amin", "Ma’ruf Amin"),
    ],
)
def test_persons_after_titles_or_before_degrees(nlp, text, person, canonical):
    assert (person, "PER", canonical) in ents(nlp, text), ents(nlp, text)


@pytest.mark.parametrize("text", ["Ibu Kota Nusantara", "Ibu Pertiwi menangis", "Gusti Allah", "Pak RT datang",
                                   "Bapak/Ibu sekalian"])
def test_title_words_before_non_names_give_no_person(nlp, text):
    assert not [e for e in ents(nlp, text) if e[1] == "PER"]


@pytest.mark.parametrize(
    "text, span, label, canonical",
    [
        ("rapat di Hotel Harmoni One Kota Batam", "Kota Batam", "LOC", "Kota Batam"),
        ("rapat di Hotel Harmoni One Kota Batam", "Hotel Harmoni One", "ORG", "Hotel Harmoni One"),
        ("di Jl. Ahmad Yani KM.36 No.8", "Jl. Ahmad Yani", "LOC", "Jalan Ahmad Yani"),
        ("Jalan Sudirman macet", "Jalan Sudirman", "LOC", "Jalan Sudirman"),
        ("warga Kecamatan Banjarbaru Utara", "Kecamatan Banjarbaru Utara", "LOC", "Kecamatan Banjarbaru Utara"),
        ("di Desa Sungai Tabuk", "Desa Sungai Tabuk", "LOC", "Desa Sungai Tabuk"),
        ("Kabupaten Xyzland", "Kabupaten Xyzland", "LOC", "Kabupaten Xyzland"),
        ("Provinsi Jambi", "Provinsi Jambi", "LOC", "Jambi"),
        ("mahasiswa Universitas Lambung Mangkurat dan RSUD Ulin", "Universitas Lambung Mangkurat", "ORG",
         "Universitas Lambung Mangkurat"),
        ("mahasiswa Universitas Lambung Mangkurat dan RSUD Ulin", "RSUD Ulin", "ORG", "RSUD Ulin"),
        ("Dinas Pertanian dan Ketahanan Pangan Kabupaten Tapin", "Dinas Pertanian dan Ketahanan Pangan Kabupaten Tapin",
         "ORG", "Dinas Pertanian dan Ketahanan Pangan Kabupaten Tapin"),
        ("Kementerian Aparatur Negara", "Kementerian Aparatur Negara", "ORG", "Kementerian Aparatur Negara"),
        ("Universitas Indonesia", "Universitas Indonesia", "ORG", "Universitas Indonesia"),
        ("PT Pos Indonesia", "PT Pos Indonesia", "ORG", "Pos Indonesia"),
    ],
)
def test_patterns(nlp, text, span, label, canonical):
    assert (span, label, canonical) in ents(nlp, text), ents(nlp, text)


def test_gazetteer_name_beats_longer_headline_pattern(nlp):
    assert ents(nlp, "Kepala Dinas Kominfo Berikan Ucapan Selamat") == [
        ("Dinas Kominfo", "ORG", "Dinas Komunikasi dan Informatika")]
    assert ents(nlp, "Badan Pusat Statistik Pusat") == [("Badan Pusat Statistik", "ORG", "Badan Pusat Statistik")]


def test_component_options(nlp):
    blank = spacy.blank("id")
    add_entity_rules(blank, persons=False, patterns=False)
    doc = blank("Pak Jokowi ke Jl. Ahmad Yani bersama Diskominfo Kalsel")
    assert [(e.text, e.label_) for e in doc.ents] == [("Diskominfo Kalsel", "ORG")]
    assert blank.pipe_names == [FACTORY]


# ---- combination with a statistical model ------------------------------------------------------


def _model_doc(nlp, text, spans):
    """A doc as a statistical ``ner`` would leave it: ``spans`` are (text, label)."""
    doc = nlp.make_doc(text)
    ents_ = []
    for span_text, label in spans:
        start = text.index(span_text)
        ents_.append(doc.char_span(start, start + len(span_text), label=label))
    doc.ents = ents_
    return doc


def test_rule_span_wins_on_overlap_and_other_model_spans_are_kept(nlp):
    text = "Kepala Diskominfo Kalsel Gusti Yanuar Noor Rifai bertemu Andi Wijaya di malang saat Pilkada 2024 ."
    doc = _model_doc(nlp, text, [
        ("Diskominfo", "ORG"),  # inside the composite rule span
        ("Kalsel Gusti", "PERSON"),  # crosses two rule spans
        ("Andi Wijaya", "PER"),  # no rule span: kept as is
        ("malang", "GPE"),  # lower case, so the rules skip it; the model's call is kept and canonicalised
        ("Pilkada 2024", "EVENT"),  # a label the rules never produce: kept
    ])
    doc = nlp.get_pipe(FACTORY)(doc)
    got = [(e.text, e.label_, e.kb_id_, canonical_of(e)) for e in doc.ents]
    assert got == [
        ("Diskominfo Kalsel", "ORG", "Dinas Komunikasi dan Informatika Provinsi Kalimantan Selatan",
         "Dinas Komunikasi dan Informatika Provinsi Kalimantan Selatan"),
        ("Gusti Yanuar Noor Rifai", "PER", "Gusti Yanuar Noor Rifai", "Gusti Yanuar Noor Rifai"),
        ("Andi Wijaya", "PER", "", "Andi Wijaya"),
        ("malang", "GPE", "Kota Malang", "Kota Malang"),
        ("Pilkada 2024", "EVENT", "", "Pilkada 2024"),
    ]


def test_model_span_over_an_honorific_or_degree_loses_to_the_person_rule(nlp):
    doc = _model_doc(nlp, "narasumber Ulah Tri Wibowo, S.Si, M.Si dari BPS", [("M.Si", "ORG")])
    doc = nlp.get_pipe(FACTORY)(doc)
    assert [(e.text, e.label_) for e in doc.ents] == [("Ulah Tri Wibowo", "PER"), ("BPS", "ORG")]


@Language.component("pantau_test_fake_ner")
def _fake_ner(doc):
    """Stands in for the statistical ``ner``: tags the first two tokens as one PERSON."""
    if len(doc) >= 2:
        doc.ents = [Span(doc, 0, 2, label="PERSON")]
    return doc


def test_component_runs_after_a_model_in_one_pipeline():
    pipeline = spacy.blank("id")
    pipeline.add_pipe("pantau_test_fake_ner", name="ner")
    add_entity_rules(pipeline)
    assert pipeline.pipe_names == ["ner", FACTORY]
    kept = pipeline("Rina Kusuma tinggal di Banjarmasin")
    assert [(e.text, e.label_, canonical_of(e)) for e in kept.ents] == [
        ("Rina Kusuma", "PERSON", "Rina Kusuma"), ("Banjarmasin", "LOC", "Kota Banjarmasin")]
    replaced = pipeline("Pemkot Banjarmasin membantah")
    assert [(e.text, e.label_) for e in replaced.ents] == [("Pemkot Banjarmasin", "ORG")]


# ---- canonical_of -------------------------------------------------------------------------------


def test_canonical_of_falls_back_to_normalised_text(nlp):
    text = "kata joko   widodo dan iPhone serta KALSEL"
    doc = nlp.make_doc(text)

    def span(part, label, **kwargs):
        start = text.index(part)
        return doc.char_span(start, start + len(part), label=label, **kwargs)

    assert canonical_of(span("joko   widodo", "PER")) == "Joko Widodo"
    assert canonical_of(span("iPhone", "ORG")) == "iPhone"
    assert canonical_of(span("KALSEL", "LOC")) == "Kalimantan Selatan"
    assert canonical_of(span("KALSEL", "LOC", kb_id="Sesuatu")) == "Sesuatu"


# ---- hostile input ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "",
        " ",
        "🙂🔥🔥🇮🇩",
        "<div class='x'><a href=\"https://kominfo.go.id\">Kominfo</a> &amp; <b>Pemkot Banjarmasin</b></div>",
        "مرحبا بالعالم كالسل",
        "שלום Kalsel עולם",
        "Kal\u200bsel dan \u200bKPU\u200b \u200d\u200c\ufeff",
        "\x00\x01\x07 KPU \x1b[31m",
        "a" * 10_000,
        "H. Pak Bu Gusti , S.Si Kota Jl. dan Dinas dan Kab .",
        "., , , S.H. M.Si MA ST",
        "Dinas " * 500,
        "Pak " * 500 + "Budi",
    ],
)
def test_hostile_input_never_crashes(nlp, text):
    doc = nlp(text)
    for ent in doc.ents:
        assert ent.label_ in ("PER", "LOC", "ORG")
        assert canonical_of(ent)


def test_random_mixtures_of_trigger_words_never_crash(nlp):
    pool = ["H.", "Hj", "Ir", ".", ",", "Pak", "Bu", "Gusti", "Gt", "S.Si", "M.Si", "ST", "MA", "Kota", "kota", "Kab",
            "Provinsi", "Jl", "Desa", "Dinas", "Badan", "Pemerintah", "Provinsi", "dan", "&", "-", "bin", "di", "ke",
            "Kalsel", "Batu", "batu", "Banjar", "Diskominfo", "Pemkot", "Polda", "KPU", "Budi", "Santoso",
            "Kemenpan", "RB", "\u200b", "🙂", "<b>", "(", "/", "\n", "Jakarta", "Selatan"]
    rng = random.Random(3)
    for _ in range(2000):
        text = "".join(rng.choice(pool) + rng.choice(["", " ", " "]) for _ in range(rng.randint(1, 20)))
        for ent in nlp(text).ents:
            assert canonical_of(ent)
            assert ent.label_ in ("PER", "LOC", "ORG")


def test_pipeline_survives_to_disk_and_spacy_load(nlp, tmp_path):
    nlp.to_disk(tmp_path / "pipeline")
    loaded = spacy.load(tmp_path / "pipeline")
    assert loaded.pipe_names == [FACTORY]
    assert [(e.text, e.kb_id_) for e in loaded("Diskominfo Kalsel").ents] == [
        ("Diskominfo Kalsel", "Dinas Komunikasi dan Informatika Provinsi Kalimantan Selatan")]


def test_hundred_kilobyte_post(nlp):
    chunk = "Diskominfo Kalsel dan H. Sahbirin Noor di Kota Batam, lempar batu 🙂 <br> "
    text = (chunk * (100_000 // len(chunk) + 1))[:100_000]
    doc = nlp(text)
    found = Counter(canonical_of(e) for e in doc.ents)
    repeats = text.count("Diskominfo Kalsel")
    assert found["Dinas Komunikasi dan Informatika Provinsi Kalimantan Selatan"] == repeats
    assert found["Kota Batam"] == text.count("Kota Batam")
    assert "Kota Batu" not in found
