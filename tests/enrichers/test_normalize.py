"""Tests for enrichers.normalize (informal Indonesian normalisation) and its STIF evaluation."""
from __future__ import annotations

import time
from pathlib import Path

import pytest

from enrichers import normalize_eval
from enrichers.normalize import DATA_DIR, lexicon, normalize, normalize_tokens

SHARED_DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"
STIF = SHARED_DATA / "normalization" / "stif"

# Measured 2026-11-29 with this code: STIF dev 0.5705 (baseline 0.4824), train 0.5921 (0.5100).
DEV_ACCURACY = 0.5705
TRAIN_ACCURACY = 0.5921
MARGIN = 0.02


@pytest.mark.parametrize(
    "informal, formal",
    [
        ("gk", "tidak"), ("ga", "tidak"), ("gak", "tidak"), ("nggak", "tidak"),
        ("enggak", "tidak"), ("ngga", "tidak"), ("tdk", "tidak"), ("yg", "yang"),
        ("bgt", "banget"), ("dgn", "dengan"), ("udh", "sudah"), ("udah", "sudah"),
        ("blm", "belum"), ("sy", "saya"), ("aja", "saja"), ("emg", "memang"),
        ("krn", "karena"), ("org", "orang"), ("utk", "untuk"), ("dll", "dan lain-lain"),
        ("gatau", "tidak tahu"), ("hoax", "hoaks"), ("kalo", "kalau"), ("makasih", "terima kasih"),
    ],
)
def test_word_rules(informal, formal):
    assert normalize(informal) == formal
    assert normalize(informal.upper()) == formal


@pytest.mark.parametrize(
    "informal, formal",
    [
        ("bangeeeet", "banget"), ("hoaaaks", "hoaks"), ("saaaat", "saat"),
        ("tungguuuu", "tunggu"), ("tungggu", "tunggu"), ("gaaaak", "tidak"),
        ("parahhhh", "parah"), ("yaa", "ya"), ("wkwkwkwk", "hahaha"),
    ],
)
def test_elongation(informal, formal):
    assert normalize(informal) == formal


@pytest.mark.parametrize("word", ["saat", "taat", "maaf", "tunggu", "manfaat", "allah", "keenam"])
def test_legitimate_double_letters_kept(word):
    assert normalize(word) == word


@pytest.mark.parametrize(
    "informal, formal",
    [("s4y4", "saya"), ("b3r1t4", "berita"), ("g4k", "tidak"), ("k4mu", "kamu")],
)
def test_digits_as_letters(informal, formal):
    assert normalize(informal) == formal


@pytest.mark.parametrize("token", ["covid19", "h1n1", "5g", "mp3", "2024", "g20", "10.000", "3,5"])
def test_digits_left_alone_outside_mixed_words(token):
    assert normalize(token) == token


@pytest.mark.parametrize(
    "informal, formal",
    [("anak2", "anak-anak"), ("hati2", "hati-hati"), ("kata2nya", "kata-katanya"),
     ("Anak2 sekolah", "anak-anak sekolah"), ("10rb", "10 ribu")],
)
def test_reduplication_and_units(informal, formal):
    assert normalize(informal) == formal


def test_urls_mentions_hashtags_kept():
    text = "Cek https://Detik.com/Berita/A?x=1. @KominfoRI #HoaksCovid19!! bit.ly/AbC"
    out = normalize(text)
    assert out == "cek https://Detik.com/Berita/A?x=1 . @kominfori #hoakscovid19 ! bit.ly/AbC"
    assert "https://Detik.com/Berita/A?x=1" in out.split()


def test_punctuation_separated():
    assert normalize("Gk tau,yg bener(hoaks)!!!") == "tidak tahu , yang benar ( hoaks ) !"
    assert normalize("detik.com. ok") == "detik.com . ok"


def test_emoji_dropped():
    assert normalize("😂😂🔥") == ""
    assert normalize("hoaks🔥🔥 parah 👍🏽 👨\u200d👩\u200d👧") == "hoaks parah"
    assert normalize_tokens(["gatau", "😂", "hoaks."]) == ["tidak tahu", "", "hoaks ."]


def test_normalize_tokens_aligned():
    toks = ["Gk", "tau", "yg", "bgt", "🔥", "anak2"]
    out = normalize_tokens(toks)
    assert out == ["tidak", "tahu", "yang", "banget", "", "anak-anak"]
    assert normalize_tokens([]) == []


def test_original_untouched():
    original = "Gk tau yg bgt!!! 😂 https://X.co/AbC #HOAKS"
    copy = "".join(list(original))
    result = normalize(original)
    assert original == copy
    assert result != original
    tokens = ["Gk", "anak2"]
    normalize_tokens(tokens)
    assert tokens == ["Gk", "anak2"]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("", ""),
        ("   \n\t ", ""),
        ("😂🙏🏻🇮🇩", ""),
        ("ho\u200baks ho\u200dax \ufeffyg", "hoaks hoaks yang"),  # zero-width characters
        ("a\x00b\x07c \x1b[31mmerah", "a b c [ 31mmerah"),  # control characters
        ("\ud800hoaks\udfff", "hoaks"),  # lone surrogates
        ("<p>Ini <b>HOAKS</b></p> &amp; &lt;fitnah&gt; &#8203;x", "ini hoaks & < fitnah > x"),
        ("\u202eskaoh\u202c \u200fyg", "skaoh yang"),  # bidi controls
        ("مرحبا بالعالم", "مرحبا بالعالم"),  # Arabic, right to left
        ("شُكْرًا جَزِيلًا", "شُكْرًا جَزِيلًا"),  # Arabic with harakat stays one word each
        ("שלום עולם", "שלום עולם"),  # Hebrew
        ("𝗵𝗼𝗮𝗸𝘀 ＨＯＡＫＳ", "hoaks hoaks"),  # styled and full-width letters
        ("\ue000\U0010fffd", ""),  # private use
    ],
)
def test_bad_input(text, expected):
    out = normalize(text)
    assert out == expected
    out.encode("utf-8")  # always valid UTF-8


def test_none_and_bytes():
    assert normalize(None) == ""  # type: ignore[arg-type]
    assert normalize("gk tau".encode()) == "tidak tahu"  # type: ignore[arg-type]
    assert normalize(b"\xff\xfe yg") == "yang"  # type: ignore[arg-type]


def test_large_and_hostile_text_is_fast():
    big = ("Gk tau yg bgt!!! s4y4 anak2 😂 https://t.co/x #Hoaks " * 2000)[:100_000]
    t0 = time.perf_counter()
    out = normalize(big)
    assert out.startswith("tidak tahu yang banget !")
    for text in ("a" * 100_000, "😂" * 50_000, "\u200b" * 100_000, "<" * 100_000,
                 "&" * 100_000, "aaab" * 25_000, "4a" * 50_000, ("x" * 1000 + " ") * 100,
                 "<" + "a" * 100_000 + ">", "#" * 100_000, "http://" + "a" * 100_000):
        normalize(text).encode("utf-8")
    assert time.perf_counter() - t0 < 10


def test_lexicon_cleaning():
    lex = lexicon()
    assert "hoaks" not in lex  # IndoCollex maps it to "informasi bohong"; pantau keeps the word
    assert "kominfo" not in lex and "malang" not in lex
    assert "is" not in lex and "views" not in lex  # English translations dropped
    assert lex["bgt"] == "banget" and lex["ngak"] == "tidak"  # supplement and chain resolution
    for name in ("LICENSE", "README.md", "indocollex-informal-formal.tsv", "supplement.tsv"):
        assert (DATA_DIR / name).is_file()


def test_eval_main_on_small_corpus(tmp_path, capsys):
    inf = tmp_path / "x.inf"
    formal = tmp_path / "x.for"
    inf.write_text("gk tau yg bgt .\nsatu dua\nxxxnumberxxx hari\n", encoding="utf-8")
    formal.write_text("tidak tahu yang banget .\nsatu\nxxxnumberxxx hari\n", encoding="utf-8")
    assert normalize_eval.main(inf, formal) == 0
    out = capsys.readouterr().out
    assert "token accuracy: 1.0000 (6/6)" in out
    assert "baseline (unchanged): 0.3333 (2/6)" in out
    assert "lines used: 2 of 3" in out


def test_eval_main_bad_paths(tmp_path):
    assert normalize_eval.main(tmp_path / "missing.inf", tmp_path / "missing.for") == 2


needs_stif = pytest.mark.skipif(
    not STIF.is_dir(), reason=f"STIF corpus not found at {STIF} (shared data beside the checkout)"
)


@needs_stif
def test_stif_dev_accuracy():
    res = normalize_eval.evaluate(STIF / "dev.inf", STIF / "dev.for")
    assert res.tokens > 400
    assert res.accuracy >= DEV_ACCURACY - MARGIN
    assert res.accuracy > res.baseline + 0.05


@needs_stif
def test_stif_train_accuracy():
    res = normalize_eval.evaluate(STIF / "train.inf", STIF / "train.for")
    assert res.accuracy >= TRAIN_ACCURACY - MARGIN
    assert res.accuracy > res.baseline + 0.05
