"""Hashtag, mention and URL extraction."""

from enrichers import extract


def test_hashtags_are_lower_cased_deduplicated_and_in_order():
    text = "Awas #HoaksVaksin! #CekFakta #hoaksvaksin #2024 email a#b"
    assert extract.hashtags(text) == ["hoaksvaksin", "cekfakta"]


def test_mentions_skip_email_addresses():
    assert extract.mentions("cc @Kominfo @turnbackhoax, kirim ke humas@kalselprov.go.id") == ["kominfo", "turnbackhoax"]


def test_urls_lose_trailing_punctuation_only():
    text = "Baca https://cekfakta.com/a?id=1. Juga (http://t.co/xYz)!"
    assert extract.urls(text) == ["https://cekfakta.com/a?id=1", "http://t.co/xYz"]


def test_merge_keeps_connector_values_first():
    assert extract.merge(["a", "b"], ["b", "c"]) == ["a", "b", "c"]
