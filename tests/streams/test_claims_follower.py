"""Claims from fact-checkers' feeds reach every worker's matcher through the claims topic."""

from __future__ import annotations

import logging

import orjson

from ingestors.publish import make_producer
from pantau.provision import provision
from streams import claims_follower, topics
from streams.claims_follower import ClaimsFollower

NEW_CLAIM = {"uid": "news:turnbackhoax-9001", "claim": "Minum air rebusan daun kelor menyembuhkan diabetes dalam tiga hari",
             "verdict": "HOAKS", "url": "https://turnbackhoax.id/2026/11/29/hoaks-daun-kelor-diabetes/",
             "source": "turnbackhoax.id", "published_at": "2026-11-29T08:00:00Z"}
RETELLING = "katanya rebusan daun kelor bisa sembuhin diabetes cuma 3 hari, bener gk sih?"


def test_a_claim_on_the_topic_is_matched_soon_after_and_a_bad_record_is_skipped(settings, wait_for, monkeypatch,
                                                                                  caplog):
    provision(settings)
    monkeypatch.setattr(claims_follower, "REBUILD_SECONDS", 0.0)
    follower = ClaimsFollower(settings)
    assert follower.matcher().match(RETELLING) is None, "the shipped catalogue already knows this claim"
    producer = make_producer(settings)
    for record in (b"not a claim", orjson.dumps({"uid": "news:x", "claim": "tanpa vonis"}), orjson.dumps(NEW_CLAIM)):
        producer.send(settings.topic(topics.CLAIMS), record)
    producer.flush()
    producer.close()
    with caplog.at_level(logging.WARNING, logger="streams.claims_follower"):
        follower.start()
        try:
            wait_for(lambda: follower.matcher().match(RETELLING) is not None, 60, "the new claim to be matched")
        finally:
            follower.stop()
    match = follower.matcher().match(RETELLING)
    assert match.claim.id == NEW_CLAIM["uid"] and match.claim.verdict == "HOAKS"
    skipped = [r.getMessage() for r in caplog.records if "skipped a record" in r.getMessage()]
    assert len(skipped) == 2 and any("verdict" in message for message in skipped)
