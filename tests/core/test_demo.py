"""``pantau demo``, the main job, run as a user runs it (against this session's backend)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_demo_indexes_every_valid_sample_post_and_dead_letters_the_rest(settings, es):
    done = subprocess.run([sys.executable, "-m", "pantau", "demo", "--timeout", "120"], cwd=REPO,
                          env=os.environ.copy(), capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    out = done.stdout
    assert "all 536 valid posts searchable, 11 dead-lettered" in out
    assert "by language:" in out and "by platform:" in out and "#cekfakta" in out
    assert "not UTF-8" in out and "created_at" in out
    es.indices.refresh(index=settings.index("posts"))
    languages = es.search(index=settings.index("posts"), size=0,
                          aggs={"l": {"terms": {"field": "language.code"}}})["aggregations"]["l"]["buckets"]
    counts = {bucket["key"]: bucket["doc_count"] for bucket in languages}
    assert counts["id"] > counts["en"] > counts.get("ms", 0)
    assert {"jv", "bjn"} <= set(counts)
    # It ends with the largest narratives, matched to the sample's known hoaxes.
    assert "largest narratives" in out and "HOAKS" in out
    assert "Vaksin booster terbaru mengandung microchip" in out
