"""Claim catalogue, claim matching, fact-check detection, the eval and the CLI (no Kafka/ES)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from enrichers.claims import (DEFAULT_CATALOGUE, Claim, ClaimMatcher, fact_check_verdict, load_catalogue,
                              match_tokens)
from enrichers.claims_eval import evaluate, format_report, load_examples
from pantau.claims_cli import DEFAULT_EVAL_FILE, claims_app, eval_claims

REPO = Path(__file__).resolve().parents[2]
COCONUT = "sample-kelapa-garam-covid"


@pytest.fixture(scope="module")
def catalogue() -> list[Claim]:
    return load_catalogue(DEFAULT_CATALOGUE)


@pytest.fixture(scope="module")
def matcher(catalogue) -> ClaimMatcher:
    return ClaimMatcher(catalogue)


def test_catalogue_covers_every_sample_narrative(catalogue):
    assert len(catalogue) >= 60
    ids = {c.id for c in catalogue}
    sample = Path(DEFAULT_CATALOGUE).parent.parent / "sample" / "posts.jsonl"
    hints = {json.loads(line).get("narrative_hint") for line in sample.open(encoding="utf-8")} - {None}
    assert len(hints) == 16
    assert {f"sample-{h}" for h in hints} <= ids


def test_coconut_claim_text():
    claim = next(c for c in load_catalogue() if c.id == COCONUT)
    assert claim.claim == "Air kelapa dicampur garam menyembuhkan COVID-19"


@pytest.mark.parametrize("text", [
    "Katanya air kelapa dikasih garam ampuh buat sembuhin covid, bener gak sih?",
    "Obat corona murah meriah: air kelapa + garam. Sebarkan!",
])
def test_retellings_match_the_coconut_claim(matcher, text):
    found = matcher.match(text)
    assert found is not None and found.claim.id == COCONUT
    assert 0 < found.score <= 1 and found.margin > 0


@pytest.mark.parametrize("text", [
    "Hujan deres bgt di Banjarbaru, jemuran gk kering2 wkwk",
    "Vaksin booster tersedia di puskesmas, bawa KTP dan kartu vaksin",
    "Timnas menang 2-0!! bangga bgt",
    "Bumi itu datar, NASA bohong",
    "Minum air kelapa muda siang2 gini seger bgt",
    "",
])
def test_unrelated_posts_match_nothing(matcher, text):
    assert matcher.match(text) is None


def test_match_many_keeps_order(matcher):
    out = matcher.match_many(["Hujan deres bgt", "vaksin bikin cewek mandul katanya", "air kelapa + garam obat covid"])
    assert out[0] is None
    assert out[1].claim.id == "sample-vaksin-mandul"
    assert out[2].claim.id == COCONUT


def test_match_tokens_stems_and_merges_synonyms():
    assert set(match_tokens("sembuhin corona")) == {"sembuh", "covid"}
    assert "culik" in match_tokens("penculikan anak")


#: A debunk of the "WhatsApp is monitored" chain message (from data/eval/narratives.jsonl) that fully
#: covers two catalogue claims.
WHATSAPP_DEBUNK = ('Cek fakta: beredar pesan berantai "Mulai besok ada peraturan komunikasi baru: semua panggilan '
                   'dan chat WhatsApp direkam dan dipantau pemerintah. Jangan kirim apa pun soal politik dan agama. '
                   'Centang tiga biru berarti pesanmu sudah dibaca pemerintah."\n\nFaktanya, tidak ada peraturan '
                   'baru seperti itu. WhatsApp memakai enkripsi ujung ke ujung, dan tanda centang tiga tidak pernah '
                   'ada.\n\nKesimpulan: HOAKS. Jangan ikut menyebarkan.')


def test_a_tie_goes_to_the_claim_sharing_more_terms(matcher):
    scores = matcher.scores(WHATSAPP_DEBUNK)
    ids = [claim.id for claim in matcher.claims]
    assert scores[ids.index("wa-centang-tiga")] == pytest.approx(1.0)  # both claims are fully covered
    assert scores[ids.index("sample-aturan-wa-dipantau")] == pytest.approx(1.0)
    match = matcher.match(WHATSAPP_DEBUNK)
    assert match.claim.id == "sample-aturan-wa-dipantau" and match.margin == pytest.approx(0.0)


def test_matching_does_not_depend_on_the_process_hash_seed():
    """Scores were summed over a set of terms, in an order that changes with the hash seed, so this
    tie went either way from one process to the next (with seeds 15, 20 and 36, to the other claim),
    and a worker grouped the debunk apart from where ``pantau narratives`` put it."""
    code = ("from enrichers.claims import ClaimMatcher, load_catalogue, DEFAULT_CATALOGUE; import sys; "
            "print(ClaimMatcher(load_catalogue(DEFAULT_CATALOGUE)).match(sys.argv[1]).claim.id)")
    chosen = {subprocess.run([sys.executable, "-c", code, WHATSAPP_DEBUNK], cwd=REPO, capture_output=True, text=True,
                             check=True, env={**os.environ, "PYTHONHASHSEED": str(seed)}).stdout.strip()
              for seed in (0, 15, 20, 36)}
    assert chosen == {"sample-aturan-wa-dipantau"}


def test_empty_catalogue_matches_nothing():
    assert ClaimMatcher([]).match("air kelapa garam covid") is None


def test_from_record_catalogue_shape():
    c = Claim.from_record({"id": "x-1", "claim": "Vaksin bikin mandul", "verdict": "hoaks",
                           "url": "https://turnbackhoax.id/x", "source": "turnbackhoax.id",
                           "published_at": "2021-01-02", "aliases": ["vaksin mandul"]})
    assert c.id == "x-1" and c.verdict == "HOAKS" and c.aliases == ("vaksin mandul",)


def test_from_record_claims_topic_shape():
    c = Claim.from_record({"uid": "news:turnbackhoax-123", "claim": "Gempa besok", "verdict": "HOAKS",
                           "url": "https://turnbackhoax.id/123", "source": "turnbackhoax.id",
                           "published_at": "2026-11-20T10:00:00Z", "extra": 1})
    assert c.id == "news:turnbackhoax-123" and c.published_at.startswith("2026-11-20") and c.aliases == ()


GOOD = {"id": "a", "claim": "c", "verdict": "HOAKS", "url": "https://x.id/a", "source": "s"}


@pytest.mark.parametrize("change, field", [
    ({"id": None}, "id"),
    ({"claim": None}, "claim"),
    ({"claim": "  "}, "claim"),
    ({"verdict": None}, "verdict"),
    ({"verdict": "???"}, "verdict"),
    ({"url": "not a url"}, "url"),
    ({"source": 5}, "source"),
    ({"published_at": "kemarin"}, "published_at"),
    ({"aliases": [1]}, "aliases"),
])
def test_from_record_rejects_bad_fields_by_name(change, field):
    record = {**GOOD, **change}
    record = {k: v for k, v in record.items() if v is not None}
    with pytest.raises(ValueError, match=field):
        Claim.from_record(record)


def test_load_catalogue_names_the_bad_line(tmp_path):
    path = tmp_path / "cat.jsonl"
    path.write_text(json.dumps(GOOD) + "\n\n" + "{broken\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"cat\.jsonl:3: not valid JSON"):
        load_catalogue(path)
    path.write_text(json.dumps(GOOD) + "\n" + json.dumps({**GOOD, "id": "b", "url": None}) + "\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"cat\.jsonl:2: .*'url'"):
        load_catalogue(path)
    path.write_text(json.dumps(GOOD) + "\n" + json.dumps(GOOD) + "\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"cat\.jsonl:2: duplicate claim id"):
        load_catalogue(path)


@pytest.mark.parametrize("text, verdict", [
    ("[HOAKS] Vaksin Booster Mengandung Microchip Pelacak 5G", "HOAKS"),
    ("[SALAH] 7 Kontainer Surat Suara Sudah Dicoblos", "SALAH"),
    ("(Disinformasi) Video banjir lama disebut terjadi hari ini", "DISINFORMASI"),
    ("HOAKS! Gempa tidak bisa diprediksi waktunya", "HOAKS"),
    ("Cek Fakta: air kelapa tidak menyembuhkan COVID-19", "FACT_CHECK"),
    ("Faktanya, tidak ada vaksin yang mengandung microchip.", "FACT_CHECK"),
    ("Ini HOAKS. Penjelasan lengkap: https://cekfaktabanua.id/x #CekFakta", "HOAKS"),
    ("PLN Bantah Kabar Pemadaman Total Tiga Hari se-Kalimantan", "FACT_CHECK"),
    ("Diskominfo Kalsel: Pesan Bendungan Riam Kanan Jebol Adalah Hoaks", "HOAKS"),
    ("Klarifikasi: Kemensos tidak membuka pendaftaran bansos lewat blog", "FACT_CHECK"),
    ("FACT CHECK: No, vaccines do not cause infertility", "FACT_CHECK"),
    ("[MISLEADING] Foto Banjir Setinggi Atap di Barabai Hari Ini", "MISLEADING"),
    ("[KONTEKS SALAH] Foto banjir yg viral adalah foto Januari 2021.", "KONTEKS_SALAH"),
    ("@budi hoaks ini mah, jgn asal share", "HOAKS"),
    ("Hoaks ya, PLN udh bantah https://wartabanua.co.id/2026/11/pln-bantah-kabar-pemadaman", "HOAKS"),
    ("Wis tau dibantah kuwi, ojo gampang percoyo.", "FACT_CHECK"),
    ("Link daftar bansos via blogspot itu PHISHING. Jangan isi NIK & KK.", "PENIPUAN"),
])
def test_fact_check_posts(text, verdict):
    assert fact_check_verdict(text) == verdict


@pytest.mark.parametrize("text", [
    "hoax gak sih?",
    "ini bukan hoax, sebarkan!",
    "Ini BUKAN HOAKS!! sebarkan ke keluarga",
    "vaksin itu hoaks atau bukan ya?",
    "info ini hoax ya?",
    "Faktanya memang benar, vaksin ada chipnya! sebarkan",
    "Jawaban itu salah sih menurutku",
    "aku yang salah paham, maaf ya",
    "Katanya air kelapa dikasih garam ampuh buat sembuhin covid, bener gak sih?",
    "Hujan deres bgt di Banjarbaru",
    "Delapan tahun deklarasi anti hoaks, baca: https://wartabanua.co.id/2026/11/delapan-tahun-deklarasi-anti-hoaks",
    "udah dibantah belum sih yg ini?",
    "Hoaks tentang vaksin makin banyak aja di grup keluarga",
    "",
])
def test_ordinary_posts_are_not_fact_checks(text):
    assert fact_check_verdict(text) is None


# Floors a little below the figures measured with the seed catalogue (test split: top-1 0.811,
# precision 0.908, recall 0.811; dev: top-1 0.927, precision 0.907, recall 0.951).
def test_eval_test_split_floors(matcher):
    examples = load_examples(DEFAULT_EVAL_FILE, "test")
    assert len(examples) >= 180
    report = evaluate(matcher, examples)
    assert report["top1_accuracy"] >= 0.78
    assert report["precision"] >= 0.88
    assert report["recall"] >= 0.78
    assert "top-1 accuracy" in format_report(report)


def test_eval_file_shape():
    examples = load_examples(DEFAULT_EVAL_FILE)
    ids = {c.id for c in load_catalogue()}
    assert len(examples) >= 300
    assert sum(e["claim_id"] is None for e in examples) >= 100
    per_claim: dict[str, int] = {}
    for e in examples:
        assert e["split"] in {"dev", "test"}
        if e["claim_id"] is not None:
            assert e["claim_id"] in ids
            per_claim[e["claim_id"]] = per_claim.get(e["claim_id"], 0) + 1
    assert sum(n >= 2 for n in per_claim.values()) >= 40


def test_cli_match(tmp_path):
    posts = tmp_path / "posts.jsonl"
    out = tmp_path / "out.jsonl"
    posts.write_text("\n".join(json.dumps(p) for p in [
        {"uid": "x:1", "text": "Obat corona murah meriah: air kelapa + garam. Sebarkan!", "extra": [1]},
        {"uid": "x:2", "text": "Hujan deres bgt di Banjarbaru"},
        {"uid": "news:3", "text": "[HOAKS] Air Kelapa Dicampur Garam Menyembuhkan COVID-19"},
    ]) + "\n", encoding="utf-8")
    result = CliRunner().invoke(claims_app, ["match", str(posts), "--output", str(out)])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["uid"] for r in rows] == ["x:1", "x:2", "news:3"]
    assert rows[0]["extra"] == [1]
    assert rows[0]["claim"]["id"] == COCONUT and rows[0]["claim"]["verdict"] == "HOAKS"
    assert set(rows[0]["claim"]) == {"id", "claim", "verdict", "url", "source", "published_at", "score"}
    assert "fact_check" not in rows[0]
    assert "claim" not in rows[1] and "fact_check" not in rows[1]
    assert rows[2]["claim"]["id"] == COCONUT and rows[2]["fact_check"] == {"verdict": "HOAKS"}


def test_cli_match_custom_catalogue_error(tmp_path):
    posts = tmp_path / "posts.jsonl"
    posts.write_text('{"text": "x"}\n', encoding="utf-8")
    bad = tmp_path / "cat.jsonl"
    bad.write_text('{"id": "a"}\n', encoding="utf-8")
    result = CliRunner().invoke(claims_app, ["match", str(posts), "--catalogue", str(bad)])
    assert result.exit_code == 2
    assert "cat.jsonl:1" in result.output


def test_eval_claims_function(capsys):
    assert eval_claims(DEFAULT_EVAL_FILE, None, "dev") == 0
    assert "top-1 accuracy" in capsys.readouterr().out
