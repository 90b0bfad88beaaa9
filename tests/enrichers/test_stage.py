"""The enrich stage as a pure function: valid posts out, failures with positions and reasons."""

import orjson

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
    texts = ["😂😂😂", "<b>HOAKS</b><script>alert(1)</script>", "\u200b\u200b\x00\x07", "مرحبا بالعالم", "\ud800 lone"]
    result = enrich_records([{"uid": f"x:{n}", "text": t, "created_at": "2026-11-01T00:00:00Z"}
                             for n, t in enumerate(texts)])
    assert len(result.outputs) + len(result.failures) == len(texts)
    assert result.outputs[0]["language"]["code"] == "und"
