"""HTTP ingest endpoint: a real server in a thread, spoken to with httpx.

``submit`` here does what the runner's does for these tests (map, validate, de-duplicate by
item_id, report dead letters) and records what it would publish; the runner's Kafka side is
tested with the runner.
"""

from __future__ import annotations

import logging
import threading
import time

import httpx
import orjson
import pytest
from pydantic import ValidationError

from ingestors.base import ConnectorPaused, MappingError, MissingSecret, Submitted
from ingestors.http_ingest import (HttpIngestConnector, RateLimiter, lapor_complaint, parse_time, sender_hash,
                                   sign)
from pantau.post import InvalidPost, parse_post

TOKEN = "tok-7f3a9c1e5b2d4a60"
OTHER_TOKEN = "tok-other-0b8e2d7c91"
SECRET = "sig-secret-5e1d9a"
SENDER_KEY = "sender-key-2c4f"
ENVIRON = {"INGEST_TOKEN": TOKEN, "NGO_TOKEN": OTHER_TOKEN, "INGEST_SIG": SECRET, "SMS_KEY": SENDER_KEY}
PHONE = "+6281234567890"


def post(n: int = 1, **extra) -> dict:
    return {"uid": f"partnerweb:{n}", "text": f"Vaksin mengandung chip {n}", "created_at": "2026-11-01T08:00:00Z",
            **extra}


class Recorder:
    """A submit that maps, validates and de-duplicates like the runner, and records the posts."""

    def __init__(self, connector: HttpIngestConnector):
        self.connector, self.items, self.posts, self.seen, self.failing = connector, [], [], set(), False
        self.paused = False

    def __call__(self, items: list) -> Submitted:
        if self.paused:  # as the runner's submit does
            raise ConnectorPaused(f"connector {self.connector.name} is paused. "
                                  f"Fix: pantau connectors resume {self.connector.name}")
        if self.failing:
            raise ConnectionError("broker unavailable")
        self.items.extend(items)
        result = Submitted()
        for position, item in enumerate(items):
            if self.connector.item_id(item) in self.seen:
                result.duplicates += 1
                continue
            try:
                self.posts.append(parse_post(self.connector.map(item)))
            except (MappingError, InvalidPost) as exc:
                result.dead_lettered.append((position, exc.reason))
                continue
            self.seen.add(self.connector.item_id(item))
            result.published += 1
        return result


@pytest.fixture
def start():
    """start(**options) -> (httpx client on the server, Recorder); servers are stopped afterwards."""
    running = []

    def _start(**options):
        options = {"port": 0, "token_env": "INGEST_TOKEN", "partners": {"ngo": {"token_env": "NGO_TOKEN"}},
                   "signature_secret_env": "INGEST_SIG", "sender_key_env": "SMS_KEY",
                   "requests_per_minute": 6000, "burst": 1000, **options}
        connector = HttpIngestConnector(name="partners", options=HttpIngestConnector.Options(**options),
                                        environ=dict(ENVIRON))
        recorder, stop = Recorder(connector), threading.Event()
        thread = threading.Thread(target=connector.serve, args=(recorder, stop), daemon=True)
        thread.start()
        assert connector.ready.wait(10), "server did not start"
        client = httpx.Client(base_url=f"http://127.0.0.1:{connector.bound_port}", timeout=10)
        running.append((stop, thread, client))
        return client, recorder

    yield _start
    for stop, thread, client in running:
        client.close()
        stop.set()
        thread.join(15)
        assert not thread.is_alive()


def auth(token: str = TOKEN) -> dict:
    return {"Authorization": f"Bearer {token}"}


def test_one_post_is_accepted_with_counts_and_marked_with_connector_and_partner(start):
    client, recorder = start()
    answer = client.post("/v1/posts", json=post(), headers=auth())
    assert answer.status_code == 202
    assert answer.json() == {"accepted": 1, "duplicates": 0, "refused": []}
    [stored] = recorder.posts
    assert (stored.uid, stored.platform, stored.connector, stored.partner) == ("partnerweb:1", "partnerweb",
                                                                               "partners", "partners")
    assert stored.collected_at is not None
    again = client.post("/v1/posts", json=post(), headers=auth(OTHER_TOKEN))
    assert again.json() == {"accepted": 0, "duplicates": 1, "refused": []}


def test_batch_with_an_invalid_item_stores_the_rest_and_lists_the_reason(start):
    client, recorder = start()
    batch = [post(1), {"text": "no uid", "created_at": "2026-11-01T08:00:00Z"}, post(3), "not an object"]
    answer = client.post("/v1/posts", json=batch, headers=auth(OTHER_TOKEN))
    assert answer.status_code == 202
    body = answer.json()
    assert (body["accepted"], body["duplicates"]) == (2, 0)
    assert [r["index"] for r in body["refused"]] == [1, 3]
    assert "uid" in body["refused"][0]["reason"] and "object" in body["refused"][1]["reason"]
    assert [p.uid for p in recorder.posts] == ["partnerweb:1", "partnerweb:3"]
    assert {p.partner for p in recorder.posts} == {"ngo"}


def test_json_lines_batch_reports_bad_lines_by_line_number(start):
    client, recorder = start()
    body = b"\n".join([orjson.dumps(post(1)), b"", b"{broken", orjson.dumps(post(2)),
                       orjson.dumps({**post(4), "created_at": "yesterday"})])
    answer = client.post("/v1/posts", content=body, headers={**auth(), "Content-Type": "application/x-ndjson"})
    assert answer.status_code == 202
    result = answer.json()
    assert result["accepted"] == 2
    assert [(r["index"], r["line"]) for r in result["refused"]] == [(1, 3), (3, 5)]
    assert "not JSON" in result["refused"][0]["reason"] and "created_at" in result["refused"][1]["reason"]


@pytest.mark.parametrize("body, words", [(b"{not json", "not JSON"), (b"42", "got a number"),
                                         (b"[]", "non-empty array"), (b"", "empty body")])
def test_bad_bodies_get_400_with_the_reason(start, body, words):
    client, recorder = start()
    answer = client.post("/v1/posts", content=body, headers={**auth(), "Content-Type": "application/json"})
    assert answer.status_code == 400
    assert answer.json()["error"] == "bad_request" and words in answer.json()["message"]
    assert recorder.items == []


def test_credentials_are_checked_and_never_echoed(start, caplog):
    caplog.set_level(logging.DEBUG)
    client, recorder = start()
    body = orjson.dumps(post())
    now = int(time.time())
    wrong = [
        ({}, "missing credentials"),
        (auth("tok-wrong"), "token not accepted"),
        (auth(TOKEN + "x"), "token not accepted"),
        ({"Authorization": f"Basic {TOKEN}"}, "Bearer"),
        ({"X-Pantau-Timestamp": str(now), "X-Pantau-Signature": sign(body, "not-the-secret", now)}, "does not match"),
        ({"X-Pantau-Timestamp": str(now), "X-Pantau-Signature": sign(body + b" ", SECRET, now)}, "does not match"),
        ({"X-Pantau-Timestamp": str(now - 3600), "X-Pantau-Signature": sign(body, SECRET, now - 3600)}, "away from"),
        ({"X-Pantau-Timestamp": str(now + 1), "X-Pantau-Signature": sign(body, SECRET, now)}, "does not match"),
        ({"X-Pantau-Signature": sign(body, SECRET, now)}, "Unix time"),
    ]
    answers = []
    for headers, words in wrong:
        answer = client.post("/v1/posts", content=body, headers={**headers, "Content-Type": "application/json"})
        assert answer.status_code == 401, headers
        assert answer.json()["error"] == "unauthorized" and words in answer.json()["message"]
        answers.append(answer)
    assert recorder.items == []
    signed = client.post("/v1/posts", content=body, headers={
        "Content-Type": "application/json", "X-Pantau-Timestamp": str(now),
        "X-Pantau-Signature": sign(body, SECRET, now)})
    assert signed.status_code == 202 and signed.json()["accepted"] == 1
    for answer in [*answers, signed]:
        shown = answer.text + str(answer.headers)
        assert TOKEN not in shown and SECRET not in shown and OTHER_TOKEN not in shown
    logged = caplog.text + "".join(str(r.args) for r in caplog.records)
    assert TOKEN not in logged and SECRET not in logged and OTHER_TOKEN not in logged


def test_oversized_bodies_get_413_naming_the_limit(start):
    client, recorder = start(max_body_bytes=2000)
    big = orjson.dumps([post(n) for n in range(100)])
    assert len(big) > 2000
    answer = client.post("/v1/posts", content=big, headers={**auth(), "Content-Type": "application/json"})
    assert answer.status_code == 413
    assert answer.json()["error"] == "too_large" and "2000 bytes" in answer.json()["message"]
    chunked = client.post("/v1/posts", content=iter([big[:1500], big[1500:]]), headers=auth())  # no Content-Length
    assert chunked.status_code == 413
    assert client.post("/v1/posts", json=post(), headers=auth()).status_code == 202
    assert [p.uid for p in recorder.posts] == ["partnerweb:1"]


def test_rate_limit_answers_429_with_retry_after_per_client(start):
    client, recorder = start(requests_per_minute=1, burst=2)
    codes = [client.post("/v1/posts", json=post(n), headers=auth()).status_code for n in range(2)]
    assert codes == [202, 202]
    limited = client.post("/v1/posts", json=post(3), headers=auth())
    assert limited.status_code == 429
    assert int(limited.headers["Retry-After"]) >= 1 and limited.json()["error"] == "rate_limited"
    assert client.post("/v1/posts", json=post(4), headers=auth(OTHER_TOKEN)).status_code == 202  # another partner
    guesses = [client.post("/v1/posts", json=post(), headers=auth(f"guess{n}")).status_code for n in range(3)]
    assert guesses == [401, 401, 429]  # failed authentications are limited per IP
    assert [p.uid for p in recorder.posts] == ["partnerweb:0", "partnerweb:1", "partnerweb:4"]


def test_broker_unavailable_answers_503_with_retry_after(start):
    client, recorder = start()
    recorder.failing = True
    answer = client.post("/v1/posts", json=post(), headers=auth())
    assert answer.status_code == 503 and int(answer.headers["Retry-After"]) >= 1
    assert "resend" in answer.json()["message"]
    recorder.failing = False
    assert client.post("/v1/posts", json=post(), headers=auth()).json()["accepted"] == 1


def test_a_paused_connector_answers_503_paused_with_retry_after_and_logs_no_error(start, caplog):
    caplog.set_level(logging.INFO, logger="ingestors.http_ingest")
    client, recorder = start()
    recorder.paused = True
    answer = client.post("/v1/posts", json=post(), headers=auth())
    assert answer.status_code == 503 and answer.headers["Retry-After"] == "60"
    assert answer.json() == {"error": "paused", "message": "connector partners is paused by an operator; "
                                                           "nothing was stored: retry later"}
    assert recorder.posts == []
    logged = [(r.levelno, r.getMessage()) for r in caplog.records if r.name == "ingestors.http_ingest"]
    assert (logging.INFO, "connector partners: /v1/posts from partners refused while paused; answered 503") in logged
    assert all(level < logging.WARNING for level, _ in logged)
    recorder.paused = False
    assert client.post("/v1/posts", json=post(), headers=auth()).json()["accepted"] == 1


def _no_phone(recorder: Recorder) -> None:
    everything = orjson.dumps(recorder.items) + b"".join(orjson.dumps(p.model_dump(mode="json")) for p in recorder.posts)
    for form in (PHONE, PHONE[1:], "0" + PHONE[3:], PHONE[3:]):
        assert form.encode() not in everything


def test_lapor_sms_form_encoded_becomes_a_lapor_post_without_the_number(start):
    client, recorder = start()
    answer = client.post("/v1/sms", headers=auth(OTHER_TOKEN), data={
        "From": PHONE, "Body": "LAPORPAMAN Jalan di Banjarbaru rusak parah sejak Oktober", "MessageSid": "SM42"})
    assert answer.status_code == 202 and answer.json() == {"accepted": 1, "duplicates": 0, "refused": []}
    [stored] = recorder.posts
    assert stored.uid == "lapor:ngo-SM42" and stored.platform == "lapor"
    assert stored.text == "Jalan di Banjarbaru rusak parah sejak Oktober"
    assert stored.report_channel == "sms" and stored.report_keyword == "LAPORPAMAN"
    assert stored.author.id == sender_hash(PHONE, SENDER_KEY.encode()) and stored.author.handle is None
    _no_phone(recorder)


def test_lapor_sms_as_json_with_timestamp_and_the_same_sender_hash(start):
    client, recorder = start()
    answer = client.post("/v1/sms", headers=auth(), json={
        "msisdn": "081234567890", "text": "lapor paman  Pungli di kantor kelurahan", "message-timestamp":
        "2026-11-02 03:04:05", "messageId": "0A00000012345678"})
    assert answer.status_code == 202 and answer.json()["accepted"] == 1
    client.post("/v1/sms", headers=auth(), data={"From": PHONE, "Body": "LAPOR antrean puskesmas", "id": "x9"})
    first, second = recorder.posts
    assert first.text == "Pungli di kantor kelurahan" and first.created_at.isoformat() == "2026-11-02T03:04:05+00:00"
    assert first.author.id == second.author.id  # 0812... and +62812... are one sender
    assert second.text == "antrean puskesmas" and second.report_keyword == "LAPOR"
    _no_phone(recorder)


def test_sms_without_keyword_is_202_but_refused_and_a_body_without_text_is_400(start):
    client, recorder = start()
    answer = client.post("/v1/sms", headers=auth(), data={"from": PHONE, "message": "LAPORAN keuangan sudah dikirim"})
    assert answer.status_code == 202
    body = answer.json()
    assert body["accepted"] == 0 and "LAPORPAMAN" in body["refused"][0]["reason"]
    assert recorder.posts == [] and len(recorder.items) == 1
    _no_phone(recorder)  # the dead-lettered item carries only the keyed hash
    missing = client.post("/v1/sms", headers=auth(), data={"from": PHONE, "note": "LAPOR x"})
    assert missing.status_code == 400 and "text" in missing.json()["message"]


def test_healthz_needs_no_credentials(start):
    client, _ = start()
    answer = client.get("/healthz")
    assert answer.status_code == 200 and answer.json() == {"status": "ok"}


def test_lapor_keywords_match_the_kalsel_format_and_not_other_words():
    keywords = HttpIngestConnector.Options(token_env="X").lapor_keywords
    assert lapor_complaint("LAPORPAMAN isi aduan", keywords) == ("LAPORPAMAN", "isi aduan")
    assert lapor_complaint("  Lapor Paman\nisi aduan ", keywords) == ("LAPORPAMAN", "isi aduan")
    assert lapor_complaint("laporpaman: isi", keywords) == ("LAPORPAMAN", "isi")
    assert lapor_complaint("LAPOR isi", keywords) == ("LAPOR", "isi")
    assert lapor_complaint("LAPORPAMAN", keywords) == ("LAPORPAMAN", "")
    assert lapor_complaint("LAPORAN keuangan", keywords) is None
    assert lapor_complaint("Saya mau LAPOR", keywords) is None
    assert lapor_complaint("ADUAN isi", ["aduan"]) == ("ADUAN", "isi")


def test_rate_limiter_refills_by_the_clock_it_is_given():
    now = [0.0]
    limiter = RateLimiter(per_minute=30, burst=2, clock=lambda: now[0])
    assert [limiter.take("a"), limiter.take("a")] == [0, 0]
    assert limiter.take("a") == pytest.approx(2.0) and limiter.take("b") == 0
    now[0] += 2.0
    assert limiter.take("a") == 0 and limiter.take("a") > 0


def test_parse_time_and_options():
    assert parse_time("1700000000") == parse_time(1_700_000_000_000) == "2023-11-14T22:13:20+00:00"
    assert parse_time("2026-11-02T10:00:00+07:00") == "2026-11-02T03:00:00+00:00"
    assert parse_time("kemarin") is None
    for empty in ({}, {"partners": {"ngo": {}}}):
        with pytest.raises(ValidationError, match="no credentials"):
            HttpIngestConnector.Options(**empty)
    with pytest.raises(ValidationError):
        HttpIngestConnector.Options(token_env="X", tokn="typo")


def test_unset_secret_variable_stops_serve_naming_the_variable():
    options = HttpIngestConnector.Options(partners={"ngo": {"signature_secret_env": "UNSET_VAR"}})
    connector = HttpIngestConnector(name="p", options=options, environ={})
    with pytest.raises(MissingSecret, match="partners.ngo.signature_secret_env names the environment variable UNSET_VAR"):
        connector.serve(lambda items: Submitted(), threading.Event())


def test_sms_route_is_off_without_a_sender_key_and_takes_json_arrays_with_one(start):
    client, recorder = start(sender_key_env=None)
    answer = client.post("/v1/sms", headers=auth(), data={"from": PHONE, "text": "LAPOR x"})
    assert answer.status_code == 404 and "sender_key_env" in answer.json()["message"]
    client, recorder = start()
    answer = client.post("/v1/sms", headers=auth(), json=[{"sender": PHONE, "body": "LAPOR satu", "date": 1700000000},
                                                          {"sender": PHONE, "body": "LAPOR dua"}])
    assert answer.json() == {"accepted": 2, "duplicates": 0, "refused": []}
    assert [p.text for p in recorder.posts] == ["satu", "dua"]
    assert recorder.posts[0].created_at.isoformat() == "2023-11-14T22:13:20+00:00"
    _no_phone(recorder)
