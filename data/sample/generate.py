#!/usr/bin/env python3
"""Generate pantau's sample data set: posts.jsonl, posts.csv and malformed.jsonl.

Run ``python data/sample/generate.py`` (from anywhere; files are written beside this script).
Only the standard library is used and every random choice comes from one
``random.Random(2018)``, so the output is byte-identical on every run (checked with CPython
3.11, the project's version; the files are written as UTF-8 with ``\\n`` line ends).

How the data was made
---------------------
* **Real text.** The five 2018 articles of the South Kalimantan communications office
  (``../shared/data/kominfo-kalsel-articles-2018.txt``: the anti-hoax declaration at the
  Rattan Inn Hotel, the "Lapor Paman" LAPOR complaints channel, sectoral statistics
  coordination, the swearing-in of officials, the LAPOR SP4N technical training) appear as
  "ARSIP 2018" items of a news feed, quoted verbatim (original typos kept), and are quoted,
  paraphrased and discussed by invented users. Names of public officials and agencies are the
  real ones from the articles. SMS complaints on the ``lapor`` platform follow the real
  ``LAPORPAMAN (spasi) isi aduan`` format; their content is invented.
* **Hoax narratives.** Sixteen narratives of the kinds Indonesian fact-checkers
  (turnbackhoax.id, cekfakta) regularly debunk: vaccines (microchip, pork, infertility),
  elections (pre-punched ballots, rigged KPU server), disasters (dam break, "BMKG predicts an
  earthquake", old flood photos), aid scams (bansos, BLT and free-quota phishing links),
  health cures (coconut water and salt), child kidnapping, a blackout, "all chats monitored",
  and one about the LAPOR SMS line. The texts are paraphrased composites written for this
  data set, not copies of real posts. Each narrative has an origin post, near-duplicate
  forwards across platforms (a swapped word, slang, emoji, "Sebarkan!!", different casing,
  a forwarding prefix), verbatim reshares (``reshare_of``), replies (``reply_to``), quotes
  (``quote_of``), one or more debunks by (invented) fact-check desks or official accounts, and
  reshares and replies spreading the debunk.
* **Chatter.** Ordinary unrelated posts (traffic, food, weather, football, jobs) in every
  language, so that not everything is a hoax.
* **People.** All private persons, their handles and ids are invented. Fact-check desks and
  news outlets are invented; accounts standing for public bodies (Diskominfo Kalsel) are
  stand-ins, not their real accounts. URLs are illustrative: hoax links point at invented
  domains and must not be visited.

Every post carries two extra fields (the schema keeps unknown fields): ``lang_hint``, the
language the text was written in (``id`` Indonesian, ``en`` English, ``ms`` Malay, ``jv``
Javanese, ``su`` Sundanese, ``bjn`` Banjar), and ``narrative_hint``, the narrative key (null for
chatter and article posts), so tests and the eval command can compare against them.

Time: posts span about three days, from the early hours of 2026-11-20 to the evening of
2026-11-22 (UTC). The file is in ``created_at``
order except for a few adjacent pairs swapped on purpose (as a replayed feed would deliver
them); every ``reshare_of``/``reply_to``/``quote_of`` names a uid that appears earlier in the
file.

Files
-----
* ``posts.jsonl``: the posts, one JSON object per line.
* ``posts.csv``: about thirty posts of a Facebook-group export, flat columns, header row,
  uids ``facebook:csv-NNNN``; ``lang_hint`` is left empty on purpose; a few ``created_at``
  values carry the local WITA offset (+08:00) instead of Z.
* ``malformed.jsonl``: one bad record per line, each failing for a different reason (see
  ``MALFORMED`` below); one line is invalid UTF-8, so read it in binary.
"""

from __future__ import annotations

import csv
import io
import json
import random
import re
import string
from collections import Counter
from datetime import datetime, timedelta, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
rng = random.Random(2018)

START = datetime(2026, 11, 20, 0, 0, 0, tzinfo=timezone.utc)
LANGS = ["id", "en", "ms", "jv", "su", "bjn"]
PLATFORMS = ["x", "facebook", "telegram", "mastodon", "reddit", "bluesky", "news", "lapor"]
RESHARE_OK = {"x", "facebook", "telegram", "mastodon", "bluesky"}
REPLY_OK = {"x", "facebook", "telegram", "mastodon", "bluesky", "reddit"}
QUOTE_OK = {"x", "facebook", "bluesky"}

# --------------------------------------------------------------------------------------------
# People (all invented)
# --------------------------------------------------------------------------------------------

ID_FIRST = ["Rina", "Budi", "Siti", "Agus", "Dewi", "Rizky", "Fajar", "Nurul", "Ahmad", "Putri",
            "Yusuf", "Indah", "Hendra", "Lestari", "Bayu", "Maya", "Fitri", "Eko", "Wahyu", "Ayu",
            "Dimas", "Sari", "Taufik", "Anisa", "Galih", "Rahmat", "Nadia", "Irfan", "Mega",
            "Hafiz", "Aulia", "Norhayati", "Syahrani", "Hairil", "Rusdi", "Mahyuni", "Fahri",
            "Noorlaila", "Yanti", "Joko", "Asep", "Ujang", "Neng", "Tika", "Yoga", "Bagus"]
ID_LAST = ["Santoso", "Wulandari", "Pratama", "Saputra", "Hidayat", "Nugroho", "Rahmawati",
           "Kurniawan", "Setiawan", "Siregar", "Maulana", "Fauzi", "Ramadhan", "Hakim",
           "Susanti", "Permana", "Noor", "Arsyad", "Fadillah", "Mulyadi", "Hasanah", "Rosyid",
           "Purnama", "Kusuma", "Wibisono", "Sembiring", "Rahman", "Halimah"]
MY_FIRST = ["Aiman", "Farah", "Haziq", "Syafiq", "Amirah", "Danial", "Aisyah", "Hakimi",
            "Nabila", "Irfan", "Zulaikha", "Faris"]
MY_LAST = ["Azman", "Roslan", "Kamarudin", "Ismail", "Zainal", "Hamzah", "Sulaiman", "Yusof",
           "Rashid", "Mokhtar"]

TG_CHANNELS = [("infowargabanua", "Info Warga Banua"), ("kabarkalselterkini", "Kabar Kalsel Terkini"),
               ("sehatalami_herbal", "Sehat Alami & Herbal"), ("bansos_terbaru", "Info Bansos Terbaru"),
               ("beritaumatviral", "Berita Umat Viral"), ("suarabanjarbaru", "Suara Banjarbaru"),
               ("ruangpolitik_id", "Ruang Politik ID"), ("viralmalaysia_tv", "Viral Malaysia TV"),
               ("beritatular_my", "Berita Tular MY")]
MASTODON_INSTANCES = ["mastodon.social", "mastodon.online", "mas.to"]

PLACES = {  # name: (lat, lon)
    "Banjarmasin": (-3.3194, 114.5908), "Banjarbaru": (-3.4572, 114.8103),
    "Martapura": (-3.4131, 114.8493), "Barabai": (-2.5837, 115.3830),
    "Kandangan": (-2.7763, 115.2668), "Amuntai": (-2.4175, 115.2488),
    "Jakarta": (-6.2088, 106.8456), "Surabaya": (-7.2575, 112.7521),
    "Yogyakarta": (-7.7956, 110.3695), "Semarang": (-6.9667, 110.4167),
    "Bandung": (-6.9175, 107.6191), "Bogor": (-6.5950, 106.8166),
    "Tasikmalaya": (-7.3274, 108.2207), "Kuala Lumpur": (3.1390, 101.6869),
    "Shah Alam": (3.0738, 101.5183), "Johor Bahru": (1.4927, 103.7414),
    "Samarinda": (-0.5022, 117.1536), "Palangka Raya": (-2.2161, 113.9135),
}
PLACES_BY_LANG = {
    "id": ["Banjarmasin", "Banjarbaru", "Martapura", "Jakarta", "Surabaya", "Samarinda",
           "Palangka Raya", "Kandangan"],
    "bjn": ["Banjarmasin", "Banjarbaru", "Martapura", "Barabai", "Kandangan", "Amuntai"],
    "jv": ["Yogyakarta", "Semarang", "Surabaya"],
    "su": ["Bandung", "Bogor", "Tasikmalaya"],
    "ms": ["Kuala Lumpur", "Shah Alam", "Johor Bahru"],
    "en": ["Jakarta", "Kuala Lumpur", "Banjarmasin", "Yogyakarta"],
}

B32 = "234567abcdefghijklmnopqrstuvwxyz"
B36 = string.digits + string.ascii_lowercase


def rand_str(alphabet: str, n: int) -> str:
    return "".join(rng.choice(alphabet) for _ in range(n))


def followers(mu: float = 5.5, sigma: float = 1.6) -> int:
    return int(rng.lognormvariate(mu, sigma))


def _handle(first: str, last: str) -> str:
    style = rng.randrange(5)
    f, l = first.lower(), last.lower()
    if style == 0:
        return f"{f}{l[:4]}{rng.randint(1, 99)}"
    if style == 1:
        return f"{f}_{l}"
    if style == 2:
        return f"{f}{rng.choice(['', '_'])}{rng.randint(80, 99)}"
    if style == 3:
        return f"{l}.{f}" if rng.random() < 0.5 else f"{f}{l}"
    return f"{rng.choice(['its', 'im', 'si', 'bang', 'mbak', 'kak'])}{f}"


def make_author(platform: str, region: str = "id") -> dict:
    first = rng.choice(MY_FIRST if region == "my" else ID_FIRST)
    last = rng.choice(MY_LAST if region == "my" else ID_LAST)
    name = f"{first} {last}"
    handle = _handle(first, last)
    if platform == "x":
        handle = handle.replace(".", "_")
        return {"id": str(rng.randrange(10**7, 10**19)), "handle": handle, "display_name": name,
                "followers": followers(), "_region": region}
    if platform == "facebook":
        return {"id": "1000" + rand_str(string.digits, 11), "handle": handle.replace("_", "."),
                "display_name": name, "followers": followers(5.0, 1.3), "_region": region}
    if platform == "telegram":
        return {"id": str(rng.randrange(10**8, 7 * 10**9)), "handle": handle.replace(".", "_"),
                "display_name": name, "followers": 0, "_region": region}
    if platform == "mastodon":
        inst = rng.choice(MASTODON_INSTANCES)
        user = handle.replace(".", "_")
        return {"id": str(rng.randrange(10**17, 10**18)), "handle": f"{user}@{inst}",
                "display_name": name, "followers": followers(4.5, 1.2), "_region": region,
                "_instance": inst, "_user": user}
    if platform == "reddit":
        return {"id": "t2_" + rand_str(B36, 8), "handle": handle.replace(".", "_"),
                "display_name": handle.replace(".", "_"), "followers": followers(2.5, 1.5),
                "_region": region}
    if platform == "bluesky":
        user = handle.replace("_", "").replace(".", "")
        return {"id": "did:plc:" + rand_str(B32, 24), "handle": f"{user}.bsky.social",
                "display_name": name, "followers": followers(4.8, 1.3), "_region": region}
    raise ValueError(platform)


AUTHORS: dict[str, dict[str, list[dict]]] = {}
for _p, _n_id, _n_my in [("x", 40, 5), ("facebook", 34, 6), ("telegram", 10, 2), ("mastodon", 12, 1),
                         ("reddit", 16, 3), ("bluesky", 14, 1)]:
    AUTHORS[_p] = {"id": [make_author(_p, "id") for _ in range(_n_id)],
                   "my": [make_author(_p, "my") for _ in range(_n_my)]}
AUTHORS["telegram"]["channel"] = [
    {"id": "-100" + rand_str(string.digits, 10), "handle": h, "display_name": n,
     "followers": followers(8.5, 1.0), "_region": "my" if h.endswith(("_tv", "_my")) else "id"}
    for h, n in TG_CHANNELS]


def special(platform: str, id_: str, handle: str, name: str, n: int, **extra) -> dict:
    return {"id": id_, "handle": handle, "display_name": name, "followers": n, **extra}


# Invented fact-check desks, outlets and stand-ins for public bodies.
SPECIAL = {
    "cekfakta_news": special("news", "cekfaktabanua.id", "cekfaktabanua", "CekFakta Banua", 0,
                             _domain="cekfaktabanua.id"),
    "wartabanua": special("news", "wartabanua.co.id", "wartabanua", "Warta Banua", 0,
                          _domain="wartabanua.co.id"),
    "mckalsel": special("news", "diskominfo.kalselprov.go.id", "mckalsel", "MC Kalsel (Arsip)", 0,
                        _domain="diskominfo.kalselprov.go.id"),
    "herald": special("news", "archipelagoherald.com", "archipelagoherald", "Archipelago Herald", 0,
                      _domain="archipelagoherald.com"),
    "semenanjung": special("news", "beritasemenanjung.my", "beritasemenanjung", "Berita Semenanjung",
                           0, _domain="beritasemenanjung.my"),
    "cekfakta_x": special("x", "1488120000000000001", "cekfaktabanua", "CekFakta Banua", 48210),
    "jernihkan_x": special("x", "1190000000000002017", "jernihkan_id", "Jernihkan: Komunitas Cek Fakta", 131877),
    "kominfo_x": special("x", "880000000000000731", "diskominfo_kalsel", "Diskominfo Prov. Kalsel", 27544),
    "kominfo_fb": special("facebook", "100064000001708", "diskominfo.kalsel", "Diskominfo Provinsi Kalsel", 61320),
    "antihoaks_fb": special("facebook", "100071000002018", "komunitas.antihoaks.banua",
                            "Komunitas Anti Hoaks Banua", 20418),
    "cekfakta_bsky": special("bluesky", "did:plc:cekfaktabanua2b7q4x2m3w5k", "cekfaktabanua.bsky.social",
                             "CekFakta Banua", 9120),
    "factdesk_masto": special("mastodon", "109120000000000777", "factdesk@mastodon.social",
                              "SEA Fact Desk", 6230, _instance="mastodon.social", _user="factdesk"),
}

# --------------------------------------------------------------------------------------------
# Post construction
# --------------------------------------------------------------------------------------------

POSTS: list[dict] = []
UIDS: set[str] = set()
_tg_counter: Counter = Counter()
_news_counter: Counter = Counter()
_lapor_counter = [0]

URL_RE = re.compile(r"(?:https?://|www\.)[^\s\"'<>]+")
HASHTAG_RE = re.compile(r"(?<![\w&/])#(\w+)")
MENTION_RE = re.compile(r"(?<![\w./@])@(\w[\w.-]*\w(?:@[\w-]+(?:\.[\w-]+)+)?)")


def extract(text: str) -> tuple[list[str], list[str], list[str]]:
    urls = []
    for m in URL_RE.finditer(text):
        u = m.group(0).rstrip(".,!?)];:")
        if u.startswith("www."):
            u = "http://" + u
        if u not in urls:
            urls.append(u)
    tags = []
    for m in HASHTAG_RE.finditer(text):
        if m.group(1) not in tags:
            tags.append(m.group(1))
    mentions = []
    for m in MENTION_RE.finditer(text):
        if m.group(1) not in mentions:
            mentions.append(m.group(1))
    return urls, tags, mentions


def iso(t: datetime, ms: bool = False) -> str:
    if ms:
        return t.strftime("%Y-%m-%dT%H:%M:%S.") + f"{t.microsecond // 1000:03d}Z"
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def slugify(text: str, n: int = 7) -> str:
    words = re.findall(r"[a-z0-9]+", text.lower())
    return "-".join(words[:n]) or "post"


def ids_for(platform: str, author: dict, t: datetime, parent: dict | None, text: str) -> tuple[str, str | None]:
    """A platform-shaped native id and URL."""
    ms = int(t.timestamp() * 1000)
    if platform == "x":
        nid = str(((ms - 1288834974657) << 22) | rng.randrange(1 << 22))
        return nid, f"https://x.com/{author['handle']}/status/{nid}"
    if platform == "facebook":
        nid = f"{author['id']}_{rng.randrange(10**14, 10**15)}"
        return nid, f"https://www.facebook.com/{author['handle']}/posts/{nid.split('_')[1]}"
    if platform == "telegram":
        if parent is not None:  # a comment in the channel's discussion thread
            root = "/".join(parent["native_id"].split("/")[:2])
            _tg_counter["c:" + root] += rng.randint(1, 3)
            k = _tg_counter["c:" + root]
            return f"{root}/c{k}", f"https://t.me/{root}?comment={k}"
        ch = author["handle"]
        if not _tg_counter[ch]:
            _tg_counter[ch] = rng.randrange(1200, 9000)
        _tg_counter[ch] += rng.randint(1, 4)
        return f"{ch}/{_tg_counter[ch]}", f"https://t.me/{ch}/{_tg_counter[ch]}"
    if platform == "mastodon":
        nid = str((ms << 16) | rng.randrange(1 << 16))
        return nid, f"https://{author['_instance']}/@{author['_user']}/{nid}"
    if platform == "bluesky":
        us = int(t.timestamp() * 1_000_000) + rng.randrange(1000)
        v = (us << 10) | rng.randrange(1024)
        tid = "".join(B32[(v >> (5 * i)) & 31] for i in reversed(range(13)))
        return tid, f"https://bsky.app/profile/{author['handle']}/post/{tid}"
    if platform == "reddit":
        if parent is None:
            b = rand_str(B36, 7)
            sub = "malaysia" if author.get("_region") == "my" else rng.choice(["indonesia", "indonesia", "kalimantan"])
            return "t3_" + b, f"https://www.reddit.com/r/{sub}/comments/{b}/{slugify(text, 6).replace('-', '_')}/"
        c = rand_str(B36, 7)
        root_url = parent["_root_url"]
        return "t1_" + c, f"{root_url}comment/{c}/"
    if platform == "news":
        dom = author["_domain"]
        _news_counter[dom] += 1
        day = t.strftime("%Y%m%d")
        slug = slugify(text.split("\n")[0].replace("ARSIP 2018 |", ""), 8)
        return f"{author['handle']}-{day}-{_news_counter[dom]:03d}", f"https://{dom}/{t:%Y/%m}/{slug}"
    if platform == "lapor":
        _lapor_counter[0] += 1
        return f"1708-{t:%Y%m%d}-{_lapor_counter[0]:04d}", None
    raise ValueError(platform)


MEDIA_HOST = {
    "x": "https://pbs.twimg.com/media/{k}.jpg",
    "facebook": "https://scontent.fbjm1-1.fna.fbcdn.net/v/t39.30808-6/{k}_n.jpg",
    "telegram": "https://cdn4.telesco.pe/file/{k}.jpg",
    "mastodon": "https://files.mastodon.social/media_attachments/files/{k}/original.jpg",
    "bluesky": "https://cdn.bsky.app/img/feed_fullsize/plain/{k}@jpeg",
    "reddit": "https://i.redd.it/{k}.jpeg",
    "news": "https://{dom}/media/{k}.jpg",
}


def make_media(platform: str, kind: str, author: dict) -> list[dict]:
    k = rand_str(string.ascii_letters + string.digits, 15)
    url = MEDIA_HOST[platform].format(k=k, dom=author.get("_domain", ""))
    if kind == "video":
        url = url.rsplit(".", 1)[0] + ".mp4" if platform != "bluesky" else url.replace("@jpeg", "@mp4")
    return [{"type": kind, "url": url}]


def engagement(platform: str, weight: float) -> dict:
    """weight ~ 0 for a reshare, ~1 ordinary, ~3 for a viral origin."""
    def lv(mu: float) -> int:
        return int(rng.lognormvariate(mu + weight, 1.1)) if weight > -5 else 0
    e = {"likes": lv(2.2), "reshares": lv(1.0), "replies": lv(0.5)}
    if platform in ("x", "telegram"):
        e["views"] = e["likes"] * rng.randint(15, 60) + rng.randint(20, 400)
    if platform in ("news", "lapor"):
        e = {"likes": 0, "reshares": 0, "replies": 0}
    return e


def pick_author(platform: str, lang: str, avoid: dict | None = None, channel: bool = False) -> dict:
    if platform == "telegram" and channel:
        pool = [a for a in AUTHORS["telegram"]["channel"] if (a["_region"] == "my") == (lang == "ms")]
    else:
        pool = AUTHORS[platform]["my" if lang == "ms" else "id"]
    while True:
        a = rng.choice(pool)
        if avoid is None or a["id"] != avoid["id"]:
            return a


def emit(platform: str, author: dict, text: str, lang: str, t: datetime, *, narrative: str | None = None,
         reshare_of: dict | None = None, reply_to: dict | None = None, quote_of: dict | None = None,
         media: list | None = None, weight: float = 1.0, geo_p: float = 0.12, place: str | None = None) -> dict:
    parent = reshare_of or reply_to or quote_of
    if parent is not None:
        assert parent["platform"] == platform, (platform, parent["uid"])
        if t <= parent["_t"]:
            t = parent["_t"] + timedelta(seconds=rng.randint(20, 600))
    if platform in ("x", "bluesky", "mastodon") and reply_to is not None and not text.startswith("@"):
        text = f"@{reply_to['author']['handle']} {text}"
    while True:
        nid, url = ids_for(platform, author, t, reply_to or quote_of, text)
        uid = f"{platform}:{nid}"
        if uid not in UIDS:
            break
    UIDS.add(uid)
    if quote_of is not None and quote_of.get("url") and platform == "x":
        text = f"{text} {quote_of['url']}"
    urls, tags, mentions = extract(text)
    if quote_of is not None and quote_of.get("url") and quote_of["url"] not in urls and platform != "x":
        urls.append(quote_of["url"])
    collected = t + timedelta(seconds=rng.randint(5, 5400))
    post = {
        "schema_version": 1,
        "uid": uid,
        "platform": platform,
        "native_id": nid,
        "url": url,
        "author": {k: v for k, v in author.items() if not k.startswith("_")},
        "text": text,
        "created_at": iso(t, ms=platform in ("bluesky", "mastodon")),
        "collected_at": iso(collected),
        "connector": "file-replay",
        "reshare_of": reshare_of["uid"] if reshare_of else None,
        "reply_to": reply_to["uid"] if reply_to else None,
        "quote_of": quote_of["uid"] if quote_of else None,
        "urls": urls,
        "hashtags": tags,
        "mentions": mentions,
        "media": media if media is not None else [],
        "engagement": engagement(platform, weight if not reshare_of else -0.8),
    }
    if platform in ("x", "facebook", "bluesky", "telegram", "lapor") and (place or rng.random() < geo_p):
        name = place or rng.choice(PLACES_BY_LANG[lang])
        lat, lon = PLACES[name]
        if platform == "lapor":
            post["geo"] = {"place": name}
        else:
            post["geo"] = {"lat": round(lat + rng.uniform(-0.03, 0.03), 4),
                           "lon": round(lon + rng.uniform(-0.03, 0.03), 4), "place": name}
    post["lang_hint"] = lang
    post["narrative_hint"] = narrative
    post["_t"] = t
    if platform == "reddit":
        post["_root_url"] = (reply_to or {}).get("_root_url") or url
    POSTS.append(post)
    return post


def reshare(parent: dict, t: datetime, author: dict | None = None) -> dict:
    author = author or pick_author(parent["platform"], parent["lang_hint"], avoid=parent["author"],
                                   channel=parent["platform"] == "telegram")
    return emit(parent["platform"], author, parent["text"], parent["lang_hint"], t,
                narrative=parent["narrative_hint"], reshare_of=parent, media=[dict(m) for m in parent["media"]])


# --------------------------------------------------------------------------------------------
# Near-duplicate mutations
# --------------------------------------------------------------------------------------------

SLANG = [
    (r"\btidak\b", ["gk", "ga", "nggak", "gak"]), (r"\byang\b", ["yg"]), (r"\bdengan\b", ["dgn"]),
    (r"\bsudah\b", ["udah", "udh", "sdh"]), (r"\bbanget\b", ["bgt", "bangeeet"]),
    (r"\bbenar\b", ["bener"]), (r"\bsekarang\b", ["skrg"]), (r"\buntuk\b", ["utk", "buat"]),
    (r"\bsaja\b", ["aja"]), (r"\btapi\b", ["tp"]), (r"\bjuga\b", ["jg"]), (r"\bkarena\b", ["krn"]),
    (r"\bbelum\b", ["blm"]), (r"\bmemang\b", ["emg"]), (r"\bsaya\b", ["aku", "sy"]),
    (r"\bkalau\b", ["klo", "kalo"]), (r"\bsemua\b", ["smua"]), (r"\bdari\b", ["dr"]),
    (r"\bsegera\b", ["buruan"]), (r"\bbisa\b", ["bs"]), (r"\bkita\b", ["qta"]),
]
ELONGATE = {"banget": "bangeeet", "tolong": "tolooong", "parah": "parahhh", "serem": "seremmm",
            "takut": "takuuut", "bahaya": "bahayaaa", "waspada": "waspadaaa", "penting": "pentiiing",
            "hati-hati": "hati2", "segera": "segeraaa", "gratis": "GRATISSS"}
CTA = {
    "id": ["Sebarkan!!", "SEBARKAN!!!", "Mohon dibagikan ke grup keluarga 🙏", "Copas dari grup sebelah.",
           "Share sebanyak-banyaknya!!", "Tolong viralkan!!", "Sebarkan sebelum dihapus!!"],
    "en": ["Share this!!", "Please RT.", "Spread the word."],
    "ms": ["Sebarkan!", "Kongsi sahaja, percuma.", "Viralkan!!"],
    "jv": ["Sebarke lur!", "Tulung disebarke."],
    "su": ["Mangga sebarkeun!", "Punten bagikeun ka baraya."],
    "bjn": ["Sebarakan lah!", "Bagiakan ka kulawarga pian."],
}
PREFIX = {
    "id": ["Fwd: ", "[PENTING] ", "Info dari grup WA: ", "Copas: ", "Diteruskan: ", "INFO A1!! "],
    "en": ["FWD: ", "Just got this on WhatsApp: ", "Forwarded: "],
    "ms": ["Fwd: ", "Dapat dari grup WhatsApp: "],
    "jv": ["Fwd: ", "Seko grup WA: "],
    "su": ["Fwd: ", "Ti grup WA: "],
    "bjn": ["Fwd: ", "Matan grup WA: "],
}
EMOJI = ["⚠️", "🙏", "😱", "‼️", "🚨", "😭", "🔥", "👇"]


def _match_case(orig: str, new: str) -> str:
    if orig.isupper() and len(orig) > 1:
        return new.upper()
    if orig[:1].isupper():
        return new[:1].upper() + new[1:]
    return new


def slangify(text: str) -> str:
    for pat, subs in SLANG:
        if rng.random() < 0.75:
            text = re.sub(pat, lambda m: _match_case(m.group(0), rng.choice(subs)), text, flags=re.I)
    return text


def mutate(text: str, lang: str, swaps: list[tuple[str, str]]) -> str:
    ops = ["swap", "cta", "prefix", "emoji", "case", "elongate", "exclaim"]
    if lang == "id":
        ops += ["slang", "slang"]
    chosen = rng.sample(ops, rng.randint(1, 3))
    if "swap" in chosen and swaps:
        a, b = rng.choice(swaps)
        if a in text:
            text = _map_outside_links(text, lambda s: s.replace(a, b))
        elif b in text:
            text = _map_outside_links(text, lambda s: s.replace(b, a))
    if "slang" in chosen:
        text = _map_outside_links(text, slangify)
    if "elongate" in chosen:
        for w, e in ELONGATE.items():
            pat = re.compile(rf"(?<![\w#-]){w}\b", re.I)
            if any(pat.search(s) for s in URL_RE.split(text)):
                text = _map_outside_links(text, lambda s, pat=pat, e=e: pat.sub(e, s))
                break
    if "exclaim" in chosen:
        text = re.sub(r"!+", lambda m: "!" * rng.randint(2, 5), text) if "!" in text else text.rstrip(".") + "!!!"
    if "case" in chosen:
        if rng.random() < 0.5 and len(text) < 260:
            text = _upper_keep_links(text)
        else:
            text = _lower_keep_links(text)
    if "cta" in chosen:
        text = f"{text} {rng.choice(CTA[lang])}"
    if "emoji" in chosen:
        e = rng.choice(EMOJI) * rng.randint(1, 3)
        text = f"{e} {text}" if rng.random() < 0.5 else f"{text} {e}"
    if "prefix" in chosen:
        text = rng.choice(PREFIX[lang]) + text
    return text


def _map_outside_links(text: str, fn) -> str:
    out, last = [], 0
    for m in URL_RE.finditer(text):
        out.append(fn(text[last:m.start()]))
        out.append(m.group(0))
        last = m.end()
    out.append(fn(text[last:]))
    return "".join(out)


def _upper_keep_links(text: str) -> str:
    # Upper-case the words but keep hashtags and links as they were (people shout, tags stay).
    return _map_outside_links(text, lambda s: re.sub(r"(#\w+)|([^#]+)", lambda m: m.group(1) or m.group(2).upper(), s))


def _lower_keep_links(text: str) -> str:
    return _map_outside_links(text, lambda s: s.lower())


REDDIT_WRAP = {
    "id": ("Dapat ini di grup WA keluarga, ini beneran gk sih?\n\n\"{t}\"", "Ortu gw percaya bgt sama ini, gmn cara jelasinnya?\n\n{t}"),
    "en": ("My relatives keep forwarding this. Is any of it true?\n\n\"{t}\"", "Seen in a family WhatsApp group:\n\n{t}\n\nCan someone fact-check?"),
    "ms": ("Mak aku forward benda ni dalam grup keluarga. Betul ke?\n\n\"{t}\"",),
}

# --------------------------------------------------------------------------------------------
# Narratives (paraphrased composites of publicly debunked claims)
# --------------------------------------------------------------------------------------------

NARRATIVES = [
    dict(
        key="vaksin-microchip", start_h=1.5, span_h=22, media="video",
        platforms={"x": 5, "facebook": 4, "telegram": 3, "bluesky": 1, "mastodon": 1, "reddit": 1},
        seeds=[
            ("id", "Hati-hati!! Vaksin booster terbaru mengandung microchip yang bisa melacak lokasi kita lewat sinyal 5G. Seorang dokter di Surabaya sudah membuktikan pakai magnet, lengan yang disuntik langsung menempel. Jangan mau divaksin! #Vaksin"),
            ("id", "gaes bener gk sih vaksin skrg ada chip nya?? temen gw abis vaksin lengannya nempel magnet wkwk serem bgt, katanya buat ngelacak kita lewat 5G #Vaksin"),
            ("en", "Doctors are finally admitting it: the new booster contains a microchip that pairs with 5G towers. The magnet test doesn't lie. Don't take it. #Vaccine #5G"),
            ("ms", "Kerajaan tidak boleh paksa kita ambil vaksin yang ada cip! Video ni tunjuk magnet melekat pada lengan selepas suntikan. Sebarkan sahaja kepada semua kawan."),
            ("jv", "Lur, vaksin sing anyar kuwi jare ono chip-e, iso dilacak nganggo 5G. Aku ora ngerti bener opo ora, tapi wis akeh sing ngomong ngene."),
        ],
        forwards=7, reshares=6,
        swaps=[("Surabaya", "Malang"), ("5G", "satelit"), ("booster", "vaksin"), ("dokter", "profesor")],
        replies=[
            ("id", "Astaghfirullah serem bgt, untung aku belum booster"),
            ("id", "ini hoaks lama gaes, udah dibantah dari 2021"),
            ("id", "magnet nempel krn kulitnya lembap doang wkwk, coba tempel di jidat juga nempel"),
            ("id", "Sumbernya mana pak? jangan asal share"),
            ("en", "A chip can't fit through a vaccine needle and has no power source. Come on."),
        ],
        quotes=[("id", "Hoaks daur ulang. Chip butuh antena & baterai, gk mungkin lewat jarum suntik. #CekFakta #TolakHoaks"),
                ("en", "The magnet trick again. Debunked since 2021.")],
        debunks=[
            ("news", "cekfakta_news", "id", "[HOAKS] Vaksin Booster Mengandung Microchip Pelacak 5G\n\nBeredar video dan pesan berantai yang mengklaim vaksin booster terbaru mengandung microchip yang terhubung ke jaringan 5G, dibuktikan dengan magnet yang menempel di lengan. Faktanya, tidak ada vaksin yang mengandung microchip. Jarum suntik vaksin terlalu kecil untuk perangkat elektronik, dan chip pelacak membutuhkan antena serta sumber daya. Benda ringan bisa menempel di kulit karena lembap atau berminyak. Klaim serupa sudah dibantah berulang kali sejak 2021. #CekFakta #HoaksVaksin"),
            ("x", "cekfakta_x", "id", "[HOAKS] Vaksin booster mengandung microchip pelacak 5G. Tidak ada vaksin yg mengandung microchip; uji 'magnet menempel' tidak membuktikan apa pun. Selengkapnya: {debunk_url} #CekFakta #HoaksVaksin"),
        ],
        debunk_reshares=4,
        after=[("id", "Udah dibantah ya, ini hoaks: {debunk_url} #TolakHoaks"),
               ("id", "Pak, mohon dihapus, sudah dicek itu hoaks 🙏 {debunk_url}")],
    ),
    dict(
        key="vaksin-babi", start_h=14.0, span_h=18, media="image",
        platforms={"facebook": 5, "telegram": 3, "x": 3},
        seeds=[
            ("id", "INFO PENTING untuk para orang tua!!! Vaksin yang diberikan di sekolah minggu depan ternyata mengandung enzim babi dan BELUM bersertifikat halal. Para ustadz sudah melarang. Jangan tanda tangani surat persetujuan vaksin anak! #Vaksin"),
            ("id", "ya Allah bener gk sih vaksin yg dikasih di sekolah anak ada babinya?? di grup wali murid rame bgt, pd gk mau tanda tangan persetujuan"),
            ("ms", "Vaksin ini mengandungi DNA babi, JAKIM belum sahkan halal. Ibu bapa jangan benarkan anak awak divaksin di sekolah. Kerajaan tidak boleh paksa!"),
            ("jv", "Iki tenan opo ora? Vaksin kanggo bocah sekolah jare ono babine. Aku ora ngerti kudu piye, wis tak takokke bidan durung dijawab."),
        ],
        forwards=5, reshares=4,
        swaps=[("minggu depan", "besok"), ("sekolah", "posyandu"), ("ustadz", "ulama")],
        replies=[
            ("id", "Bu, itu hoaks. Kandungan vaksin bisa dicek di BPOM, gk ada bahan babi."),
            ("id", "aku tanya ke puskesmas katanya vaksinnya udh halal kok, jgn panik dulu"),
            ("ms", "Awak dah semak dengan klinik? Jangan percaya mesej WhatsApp macam ni."),
        ],
        quotes=[("id", "Pesan berantai ini muncul lagi tiap ada imunisasi di sekolah. Tanya langsung ke puskesmas ya, jangan dari grup WA. #CekFakta")],
        debunks=[
            ("news", "cekfakta_news", "id", "[HOAKS] Vaksin untuk Anak Sekolah Mengandung Enzim Babi\n\nPesan berantai yang meminta orang tua menolak imunisasi di sekolah karena vaksinnya disebut mengandung enzim babi tidak memiliki dasar. Pesan tersebut tidak menyebut nama vaksin, produsen, maupun sumber fatwa. Dinas kesehatan setempat mengimbau orang tua menanyakan langsung ke puskesmas atau sekolah. #CekFakta #HoaksVaksin"),
            ("facebook", "antihoaks_fb", "id", "HOAKS! Pesan 'vaksin di sekolah mengandung babi' yang beredar di grup wali murid tidak benar. Jangan ikut menyebarkan, tanyakan ke puskesmas terdekat. Penjelasan lengkap: {debunk_url} #HoaksVaksin #TolakHoaks"),
        ],
        debunk_reshares=3,
        after=[("id", "Ini penjelasannya bu {debunk_url}")],
    ),
    dict(
        key="vaksin-mandul", start_h=30.0, span_h=16, media=None,
        platforms={"x": 4, "facebook": 3, "reddit": 2, "bluesky": 2, "mastodon": 1},
        seeds=[
            ("id", "Penelitian dari luar negeri membuktikan vaksin menyebabkan kemandulan pada perempuan. Protein spike menumpuk di ovarium dan pemerintah menutupi ini! #Vaksin"),
            ("en", "New study: vaccine proteins accumulate in the ovaries and cause infertility. Why is nobody talking about this? #Vaccine"),
            ("id", "gw sih ogah vaksin lagi, katanya bikin mandul. sepupu gw udah 2 thn nikah blm hamil2, abis vaksin tuh"),
        ],
        forwards=5, reshares=3,
        swaps=[("perempuan", "wanita"), ("luar negeri", "Jepang"), ("ovarium", "rahim")],
        replies=[
            ("id", "korelasi bukan kausalitas mas, banyak yg gk vaksin juga susah punya anak"),
            ("en", "Which study? Link it. The large cohort studies found no effect on fertility."),
            ("id", "emg penelitian yg mana? dari tadi gk ada yg bisa kasih link"),
        ],
        quotes=[("en", "This 'study' is a misread animal-dose experiment that has been circulating for years. #CekFakta")],
        debunks=[
            ("news", "herald", "en", "FACT CHECK: No, vaccines do not cause infertility\n\nA claim that vaccine proteins 'accumulate in the ovaries' and cause infertility is circulating again on Indonesian social media. Large studies following vaccinated and unvaccinated couples have found no difference in the chance of conceiving, and the document usually cited does not show what the posts claim. #CekFakta"),
            ("x", "jernihkan_x", "id", "[MISLEADING] Klaim vaksin bikin mandul. Penelitian besar tidak menemukan kaitan vaksinasi dgn kemandulan. Yg dikutip di pesan berantai bukan penelitian soal kesuburan manusia. #CekFakta #HoaksVaksin {debunk_url}"),
        ],
        debunk_reshares=3,
        after=[("en", "Debunked here: {debunk_url}")],
    ),
    dict(
        key="pemilu-surat-suara", start_h=5.0, span_h=20, media="image",
        platforms={"x": 5, "facebook": 4, "telegram": 2, "reddit": 1},
        seeds=[
            ("id", "BREAKING!!! Ditemukan 7 kontainer surat suara yang SUDAH DICOBLOS di pelabuhan, isinya jutaan surat suara untuk paslon tertentu. Ini kecurangan terstruktur! Viralkan sebelum dihapus!! #Pemilu2024"),
            ("id", "woy ini beneran?? surat suara udah dicoblos duluan di gudang?? parah sih klo bener #Pemilu2024"),
            ("jv", "Wis ngerti durung? Jare surat suara wis dicoblos ndisik ning gudang. Aku ora ngerti sing bener piye, ning ngene iki kudu diusut."),
            ("en", "Reports of pre-punched ballots found in shipping containers in Indonesia. Can anyone confirm? #Pemilu2024"),
        ],
        forwards=6, reshares=5,
        swaps=[("7 kontainer", "10 kontainer"), ("pelabuhan", "Tanjung Priok"), ("jutaan", "80 juta")],
        replies=[
            ("id", "Ini kan hoaks 2019 yg diedarin ulang, dulu KPU sama Bawaslu udh ngecek ke pelabuhan"),
            ("id", "mana fotonya yg asli? dari tadi cuma teks doang"),
            ("jv", "Wis tau dibantah kuwi, ojo gampang percoyo."),
            ("id", "Bro pemilunya aja udah lewat, ngapain masih disebar"),
        ],
        quotes=[("id", "Narasi lama Pemilu 2019 dipakai lagi. Jangan jadi corong hoaks ya #TolakHoaks #Pemilu2024")],
        debunks=[
            ("news", "cekfakta_news", "id", "[SALAH] 7 Kontainer Surat Suara Sudah Dicoblos\n\nNarasi tujuh kontainer berisi surat suara yang sudah dicoblos pertama kali beredar menjelang Pemilu 2019 dan kini diedarkan ulang dengan tagar #Pemilu2024. Saat itu KPU dan Bawaslu memeriksa langsung ke pelabuhan dan tidak menemukan kontainer tersebut. Penyebar awal hoaks itu kemudian diproses hukum. #CekFakta"),
            ("x", "cekfakta_x", "id", "[SALAH] Kontainer surat suara sudah dicoblos. Ini hoaks 2019 yg diedarkan ulang. KPU & Bawaslu dulu sudah cek ke pelabuhan, tidak ada. {debunk_url} #CekFakta #Pemilu2024"),
        ],
        debunk_reshares=4,
        after=[("id", "Hoaks lama ini mah {debunk_url}")],
    ),
    dict(
        key="pemilu-server-kpu", start_h=22.0, span_h=18, media="image",
        platforms={"x": 5, "facebook": 2, "telegram": 2, "reddit": 2, "bluesky": 1},
        seeds=[
            ("id", "Server KPU ternyata ada di Singapura dan sudah di-setting untuk memenangkan salah satu paslon. Angka di Sirekap diubah tiap malam jam 2. Bocoran dari orang dalam! #Pemilu2024"),
            ("en", "Whistleblower: Indonesia's election commission servers were rigged, vote counts altered overnight from abroad. #Pemilu2024"),
            ("id", "pantesan angka di sirekap naik turun terus, servernya diatur dr luar negeri katanya 🤔 #Pemilu2024"),
        ],
        forwards=5, reshares=4,
        swaps=[("Singapura", "Prancis"), ("jam 2", "jam 3"), ("orang dalam", "mantan pegawai KPU")],
        replies=[
            ("id", "hasil resmi itu dari rekap berjenjang manual, bukan dari aplikasi. baca dulu aturannya"),
            ("en", "Sirekap is a publication tool, the official result is the manual tally. This claim is from 2019 too."),
            ("id", "orang dalam siapa? namanya aja gk ada wkwk"),
        ],
        quotes=[("id", "Tiap pemilu narasi server KPU muncul lagi. Cek dulu sebelum share. #CekFakta")],
        debunks=[
            ("news", "wartabanua", "id", "Hoaks Server KPU di Luar Negeri Kembali Beredar\n\nNarasi bahwa server KPU berada di luar negeri dan telah diatur untuk memenangkan pasangan calon tertentu kembali beredar di media sosial. Narasi serupa sudah dibantah sejak 2019. KPU menjelaskan bahwa hasil resmi pemilu ditetapkan melalui rekapitulasi berjenjang secara manual, sedangkan aplikasi Sirekap hanya alat bantu publikasi. #CekFakta #Pemilu2024"),
        ],
        debunk_reshares=2,
        after=[("id", "{debunk_url} udah dijelasin di sini")],
    ),
    dict(
        key="bendungan-riam-kanan", start_h=26.0, span_h=14, media="image",
        platforms={"facebook": 5, "x": 4, "telegram": 3, "bluesky": 1},
        seeds=[
            ("id", "PERINGATAN!!! Bendungan Riam Kanan retak dan diperkirakan jebol malam ini. Warga Martapura, Banjarbaru dan sekitarnya diminta segera mengungsi ke tempat tinggi. Info dari petugas PLTA. #BanjirKalsel"),
            ("id", "ya Allah tolong, bener gk sih riam kanan mau jebol?? mama di martapura udah panik bgt #BanjirKalsel"),
            ("bjn", "Pian sudah dapat kabar kah? Ulun handak betakun, bujur kah waduk Riam Kanan handak jebol? Keluarga di Martapura sudah bekemas, kada tahu musti ka mana."),
            ("jv", "Waduk jebol? Aku ora ngerti, ning grup RT wis rame. Sing ning Martapura, wis ngungsi durung?"),
            ("en", "Dam break warning for Martapura, South Kalimantan is going around on WhatsApp. Anyone local who can confirm? #BanjirKalsel"),
        ],
        forwards=8, reshares=6,
        swaps=[("malam ini", "besok subuh"), ("Martapura", "Astambul"), ("petugas PLTA", "orang PLN")],
        replies=[
            ("bjn", "Kada bujur itu, ulun baru haja matan waduk, aman haja."),
            ("id", "sumbernya siapa? petugas PLTA namanya siapa? jangan bikin panik warga"),
            ("id", "Keluarga saya di Aranio aman, air waduk normal."),
            ("en", "Local here, nothing unusual at the dam. Please don't spread this."),
        ],
        quotes=[("id", "Jangan panik dulu, tunggu info resmi BPBD. Pesan kayak gini sering hoaks. #TolakHoaks #BanjirKalsel")],
        debunks=[
            ("x", "kominfo_x", "id", "[HOAKS] Beredar pesan berantai Bendungan Riam Kanan retak dan akan jebol malam ini. Pihak pengelola bendungan dan BPBD memastikan kondisi bendungan aman dan dipantau. Masyarakat diimbau tidak panik dan hanya mengikuti informasi resmi. #TolakHoaks #BanjirKalsel"),
            ("facebook", "kominfo_fb", "id", "KLARIFIKASI: Informasi Bendungan Riam Kanan akan jebol adalah HOAKS. Kondisi bendungan aman. Mari lebih kritis dalam membaca dan menyebarkan berita di media sosial. Laporkan informasi mencurigakan melalui LAPORPAMAN (spasi) isi aduan ke 1708. #TolakHoaks"),
            ("news", "wartabanua", "id", "Diskominfo Kalsel: Pesan Bendungan Riam Kanan Jebol Adalah Hoaks\n\nDinas Komunikasi dan Informatika Provinsi Kalimantan Selatan menyatakan pesan berantai yang menyebut Bendungan Riam Kanan retak dan akan jebol adalah hoaks. Pesan yang beredar sejak Sabtu pagi itu sempat membuat warga Martapura dan Banjarbaru panik. Diskominfo mengingatkan bahwa informasi hoaks yang viral di media sosial bisa memicu keributan, dan mengajak masyarakat memeriksa kebenaran informasi sebelum membagikannya. #TolakHoaks #BanjirKalsel"),
        ],
        debunk_reshares=6,
        after=[("bjn", "Sudah diklarifikasi Diskominfo, hoaks. Jangan disebarakan lagi lah {debunk_url}"),
               ("id", "Alhamdulillah hoaks. Klarifikasi resminya: {debunk_url}")],
    ),
    dict(
        key="gempa-bmkg", start_h=8.0, span_h=16, media="image",
        platforms={"x": 4, "facebook": 4, "telegram": 2, "bluesky": 1},
        seeds=[
            ("id", "BMKG memprediksi gempa magnitudo 8,9 disertai tsunami akan terjadi besok jam 10 pagi di selatan Jawa. Warga pesisir diminta mengungsi malam ini. Sebarkan ke keluarga!"),
            ("jv", "Jare BMKG sesuk ono gempa gedhe 8,9 karo tsunami. Opo iyo gempa iso diramal? Aku ora ngerti, ning wis podo wedi kabeh."),
            ("su", "Punten, ieu leres teu? Cenah BMKG nyebutkeun isukan bakal aya lini gede 8,9 jeung tsunami. Abdi mah sieun pisan."),
            ("en", "BMKG warns of an M8.9 earthquake and tsunami off south Java tomorrow at 10am. Stay safe everyone."),
        ],
        forwards=6, reshares=4,
        swaps=[("8,9", "9,1"), ("jam 10 pagi", "jam 3 sore"), ("selatan Jawa", "Selat Sunda")],
        replies=[
            ("id", "Gempa gk bisa diprediksi tanggal & jamnya, BMKG sendiri yg bilang gitu"),
            ("su", "Ulah percanten heula, cek di aplikasi InfoBMKG."),
            ("jv", "Hoaks kuwi lur, BMKG ora tau ngramal gempa."),
            ("id", "mbak ini bikin panik orang tua di kampung, tolong hapus"),
        ],
        quotes=[("id", "BMKG tidak pernah memprediksi gempa dengan tanggal dan jam. Cek InfoBMKG. #CekFakta")],
        debunks=[
            ("news", "cekfakta_news", "id", "[HOAKS] BMKG Prediksi Gempa M8,9 dan Tsunami Besok Pagi\n\nBMKG berulang kali menegaskan bahwa gempa bumi tidak dapat diprediksi secara tepat waktu, lokasi, dan kekuatannya. Pesan yang menyebut BMKG memprediksi gempa magnitudo 8,9 disertai tsunami pada jam tertentu tidak bersumber dari BMKG. Informasi resmi hanya melalui kanal dan aplikasi InfoBMKG. #CekFakta #TolakHoaks"),
            ("bluesky", "cekfakta_bsky", "id", "[HOAKS] 'BMKG prediksi gempa M8,9 besok jam 10'. Gempa tidak bisa diprediksi waktunya. {debunk_url} #CekFakta"),
        ],
        debunk_reshares=3,
        after=[("id", "BMKG udah bantah ya {debunk_url}")],
    ),
    dict(
        key="bansos-link", start_h=3.0, span_h=30, media="image",
        platforms={"facebook": 6, "telegram": 3, "x": 3},
        seeds=[
            ("id", "Pendaftaran Bansos PKH 2026 sudah dibuka! Dapatkan bantuan Rp 3.500.000 langsung ke rekening. Isi NIK dan nomor KK di link berikut: https://bansos-kemensos-2026.blogspot.com/daftar Kuota terbatas!! #Bansos"),
            ("id", "guys ada link daftar bansos 3,5 jt nih, td aku udh isi NIK, lumayan bgt kan 😍 https://bansos-kemensos-2026.blogspot.com/daftar"),
            ("su", "Aya link daptar bansos ti Kemensos, lumayan 3,5 juta. Tos ngeusian can? https://bansos-kemensos-2026.blogspot.com/daftar"),
        ],
        forwards=6, reshares=4,
        swaps=[("Rp 3.500.000", "Rp 2.400.000"), ("PKH", "BPNT"), ("Kuota terbatas", "Ditutup malam ini")],
        replies=[
            ("id", "jangan diisi!! itu phishing, data NIK km bisa dipake pinjol"),
            ("id", "kok linknya blogspot? pemerintah mah pake go.id"),
            ("id", "udh terlanjur isi gmn dong 😭"),
            ("su", "Ulah dieusian, eta mah tipu."),
        ],
        quotes=[("id", "Link bansos pakai blogspot = PENIPUAN. Cek cuma di cekbansos.kemensos.go.id #BansosPalsu #CekFakta")],
        debunks=[
            ("news", "cekfakta_news", "id", "[HOAKS] Link Pendaftaran Bansos PKH 2026 lewat Blogspot\n\nTautan yang mengatasnamakan Kementerian Sosial dan meminta NIK serta nomor KK adalah situs phishing. Kemensos tidak membuka pendaftaran bansos melalui blog atau pesan berantai; data penerima berasal dari DTKS dan statusnya bisa dicek di cekbansos.kemensos.go.id. Masyarakat yang terlanjur mengisi data diimbau mewaspadai penyalahgunaan identitas. #BansosPalsu #CekFakta"),
            ("x", "cekfakta_x", "id", "⚠️ Link daftar bansos via blogspot itu PHISHING. Jangan isi NIK & KK. Cek status cuma di cekbansos.kemensos.go.id {debunk_url} #BansosPalsu"),
        ],
        debunk_reshares=5,
        after=[("id", "Itu penipuan bu, ini penjelasannya {debunk_url} #BansosPalsu"),
               ("id", "jgn diisi ya, udah dicek hoaks {debunk_url}")],
    ),
    dict(
        key="blt-subsidi-gaji", start_h=40.0, span_h=18, media=None,
        platforms={"facebook": 4, "telegram": 3, "x": 2},
        seeds=[
            ("id", "BLT Subsidi Gaji Rp 600.000 cair hari ini! Cek nama anda di https://blt-subsidigaji.online/cek dan ketik DAFTAR BLT. Yang belum terima segera daftar sebelum ditutup jam 12 malam."),
            ("id", "alhamdulillah katanya BSU cair lg 600rb, cek di https://blt-subsidigaji.online/cek , aku blm nyoba sih"),
            ("su", "Baraya, BLT subsidi gaji 600 rebu tos cair cenah. Cek di https://blt-subsidigaji.online/cek"),
        ],
        forwards=5, reshares=3,
        swaps=[("Rp 600.000", "Rp 1.200.000"), ("jam 12 malam", "hari Jumat")],
        replies=[
            ("id", "situsnya minta nomor rekening sama PIN, jelas penipuan"),
            ("id", "bsu mah dari data BPJS Ketenagakerjaan, gk usah daftar2 lewat link"),
        ],
        quotes=[],
        debunks=[
            ("news", "wartabanua", "id", "Waspada Link Palsu Pencairan BLT Subsidi Gaji\n\nBeredar tautan yang mengklaim pencairan BLT Subsidi Gaji Rp 600.000 dan meminta warga mendaftar. Kementerian Ketenagakerjaan menegaskan bantuan subsidi upah tidak didaftarkan melalui tautan berantai; datanya berasal dari kepesertaan BPJS Ketenagakerjaan. Situs tersebut meminta nomor rekening dan PIN. #BansosPalsu #CekFakta"),
        ],
        debunk_reshares=2,
        after=[("id", "Palsu ya, cek beritanya {debunk_url}")],
    ),
    dict(
        key="kuota-gratis-kominfo", start_h=18.0, span_h=26, media="image",
        platforms={"facebook": 4, "x": 3, "telegram": 3, "reddit": 1},
        seeds=[
            ("id", "Kominfo bagi-bagi kuota internet GRATIS 100GB untuk semua operator! Klik https://kuota-gratis-kominfo.xyz dan bagikan ke 10 grup WA untuk aktivasi. #KuotaGratis"),
            ("id", "beneran dpt 100GB gaes?? udh aku share ke 10 grup tp blm masuk2 kuotanya 😭 https://kuota-gratis-kominfo.xyz"),
            ("ms", "Kerajaan beri data internet percuma 50GB untuk semua rakyat! Tekan pautan ini dan kongsi dengan 10 kumpulan WhatsApp. Tawaran sah sehingga esok sahaja. https://kuota-gratis-kominfo.xyz"),
        ],
        forwards=5, reshares=4,
        swaps=[("100GB", "75GB"), ("10 grup", "15 grup"), ("Kominfo", "Komdigi")],
        replies=[
            ("id", "wkwk kena deh, emg pernah ada kuota gratis disuruh share ke 10 grup?"),
            ("ms", "Ini scam lah, jangan tekan pautan tu."),
            ("id", "Kominfo aja udh ganti nama jd Komdigi, yg bikin hoaks telat update 🤣"),
        ],
        quotes=[("id", "Modus lama: 'bagikan ke 10 grup untuk aktivasi'. Itu cuma cara nyebar link iklan & pancingan data. #CekFakta #TolakHoaks")],
        debunks=[
            ("news", "cekfakta_news", "id", "[HOAKS] Kuota Gratis 100GB dari Kominfo\n\nTidak ada program kuota gratis 100GB dari Kominfo, yang kini bernama Kementerian Komunikasi dan Digital (Komdigi). Situs yang meminta pengguna membagikan tautan ke 10 grup WhatsApp untuk 'aktivasi' adalah modus penyebaran iklan dan pengumpulan data. #CekFakta #TolakHoaks"),
            ("news", "semenanjung", "ms", "PALSU: Kerajaan beri data internet percuma 50GB\n\nMesej tular yang mendakwa kerajaan memberi data internet percuma 50GB kepada semua rakyat adalah palsu. Pautan tersebut membawa pengguna ke laman iklan dan meminta maklumat peribadi. Orang ramai dinasihatkan tidak menekan pautan itu dan tidak berkongsi mesej berkenaan."),
        ],
        debunk_reshares=3,
        after=[("id", "Hoaks ya gaes {debunk_url}"), ("ms", "Palsu. Baca ni: {debunk_url}")],
    ),
    dict(
        key="kelapa-garam-covid", start_h=10.0, span_h=30, media=None,
        platforms={"facebook": 5, "telegram": 3, "x": 2, "reddit": 1},
        seeds=[
            ("id", "Obat COVID dan flu berat yang ampuh: air kelapa muda + sedikit garam + perasan jeruk nipis, minum 3 hari berturut-turut, virus langsung mati. Dokter di Wuhan sudah membuktikan. Bagikan, siapa tahu menyelamatkan nyawa."),
            ("jv", "Resep mbah: banyu degan dicampur uyah karo jeruk pecel, diombe telung dino, jare virus e mati. Wis dibuktikke dokter jare."),
            ("en", "Coconut water with a pinch of salt and lime kills the virus in 3 days, Wuhan doctors confirmed. Share to save lives."),
            ("ms", "Air kelapa campur garam dan limau nipis boleh bunuh virus dalam masa 3 hari. Doktor di Wuhan sudah sahkan. Kongsi sahaja, percuma!"),
        ],
        forwards=6, reshares=5,
        swaps=[("jeruk nipis", "madu"), ("3 hari", "7 hari"), ("Wuhan", "Jepang")],
        replies=[
            ("id", "air kelapa bagus buat cairan tubuh, tp bukan obat virus ya bu"),
            ("id", "kalo sakit ke dokter, jgn cuma minum air kelapa"),
            ("jv", "Degan yo seger, ning dudu obat."),
            ("en", "Hydration is good. 'Kills the virus' is not a thing coconut water does."),
        ],
        quotes=[("id", "Air kelapa itu minuman, bukan obat. Resep 'dokter Wuhan' ini hoaks sejak 2020. #CekFakta")],
        debunks=[
            ("news", "cekfakta_news", "id", "[HOAKS] Air Kelapa, Garam dan Jeruk Nipis Sembuhkan COVID-19\n\nPesan yang mengklaim campuran air kelapa muda, garam dan jeruk nipis membunuh virus dalam tiga hari tidak didukung bukti ilmiah. Klaim 'dokter di Wuhan sudah membuktikan' sudah beredar sejak 2020 tanpa sumber. Air kelapa dapat membantu mencukupi cairan tubuh, tetapi bukan obat. #CekFakta"),
        ],
        debunk_reshares=3,
        after=[("id", "Ini udah dicek ya, hoaks: {debunk_url}")],
    ),
    dict(
        key="banjir-foto-lama", start_h=44.0, span_h=20, media="image",
        platforms={"x": 5, "facebook": 4, "telegram": 2, "bluesky": 1, "mastodon": 1},
        seeds=[
            ("id", "Banjir Kalsel hari ini parah banget, air sudah setinggi atap rumah di Barabai. Pemerintah diam saja! #BanjirKalsel"),
            ("id", "Buaya muncul di permukiman warga saat banjir di Banjarmasin, hati-hati jangan main air!! #BanjirKalsel"),
            ("bjn", "Banyu naik lagi di Barabai kah? Ulun lihat foto di grup, rumah sampai atap. Pian di sana kada papa lah? #BanjirKalsel"),
            ("en", "Terrible flooding in South Kalimantan today, water up to the roofs. #BanjirKalsel #PrayForKalsel"),
        ],
        forwards=7, reshares=5,
        swaps=[("Barabai", "Kandangan"), ("Banjarmasin", "Martapura"), ("atap rumah", "atap masjid")],
        replies=[
            ("bjn", "Ulun urang Barabai, banyu memang naik tapi kada sampai atap. Itu foto tahun 2021."),
            ("id", "itu foto banjir 2021 bang, bukan hari ini"),
            ("id", "buaya nya beneran ada gk sih? anak2 masih pada main di jalan"),
            ("en", "That photo is from January 2021, reverse image search finds it in old news articles."),
        ],
        quotes=[("id", "Foto lama 2021 dipakai lagi. Banjir memang ada, tapi jangan pakai foto lama buat bikin panik. #CekFakta #BanjirKalsel")],
        debunks=[
            ("news", "cekfakta_news", "id", "[MISLEADING] Foto Banjir Setinggi Atap di Barabai Hari Ini\n\nFoto rumah terendam hingga atap yang disebut terjadi hari ini di Barabai adalah foto banjir besar Kalimantan Selatan pada Januari 2021. Genangan memang terjadi di sejumlah wilayah Hulu Sungai Tengah, tetapi tidak setinggi yang digambarkan. Video buaya di permukiman juga bukan rekaman terbaru. #CekFakta #BanjirKalsel"),
            ("x", "jernihkan_x", "id", "[KONTEKS SALAH] Foto banjir setinggi atap yg viral dgn tagar #BanjirKalsel adalah foto Januari 2021. {debunk_url} #CekFakta"),
            ("mastodon", "factdesk_masto", "en", "Miscaptioned: the 'South Kalimantan flood today' photo with water up to the roofs is from the January 2021 floods. Current flooding in Hulu Sungai Tengah is real but much lower. {debunk_url} #BanjirKalsel"),
        ],
        debunk_reshares=4,
        after=[("id", "foto lama itu {debunk_url}"), ("bjn", "Foto lawas tu, baca ini {debunk_url}")],
    ),
    dict(
        key="lapor-1708-berbayar", start_h=33.0, span_h=16, media=None,
        platforms={"facebook": 4, "x": 2, "telegram": 2},
        seeds=[
            ("id", "Awas!!! SMS ke 1708 (Lapor Paman) sekarang dipotong pulsa Rp 10.000 per pesan dan nomor pengirim dijual ke pinjol. Jangan kirim aduan lewat SMS!"),
            ("bjn", "Bujur kah SMS ka 1708 dipotong pulsa sepuluh ribu? Ulun kada wani lagi melapor."),
            ("id", "td ada yg bilang lapor ke 1708 pulsanya kesedot 10rb, bener gk sih? 😒"),
        ],
        forwards=4, reshares=3,
        swaps=[("Rp 10.000", "Rp 25.000"), ("pinjol", "perusahaan asuransi")],
        replies=[
            ("id", "aku lapor jalan rusak kemarin pulsanya normal aja kok"),
            ("bjn", "Kada bujur pang, ulun sudah bahari melapor ka 1708, biasa haja."),
        ],
        quotes=[],
        debunks=[
            ("x", "kominfo_x", "id", "KLARIFIKASI: SMS aduan ke 1708 (Lapor Paman) TIDAK dipotong pulsa Rp 10.000 dan nomor pelapor tidak diperjualbelikan. Format: LAPORPAMAN (spasi) isi aduan kirim ke 1708, atau melalui www.lapor.go.id #TolakHoaks"),
            ("news", "wartabanua", "id", "Diskominfo Kalsel Bantah SMS Lapor Paman Dipotong Pulsa Rp 10.000\n\nDiskominfo Kalsel membantah pesan berantai yang menyebut SMS aduan ke 1708 dipotong pulsa Rp 10.000. Kanal Lapor Paman, yang terintegrasi dengan aplikasi LAPOR (Layanan Aspirasi dan Pengaduan Online Rakyat) nasional, tetap dapat digunakan dengan format LAPORPAMAN (spasi) isi aduan kirim ke 1708 atau lewat website www.lapor.go.id. #TolakHoaks"),
        ],
        debunk_reshares=3,
        after=[("id", "Udah diklarifikasi Diskominfo: {debunk_url}")],
    ),
    dict(
        key="pln-padam-3-hari", start_h=50.0, span_h=14, media="image",
        platforms={"facebook": 4, "telegram": 3, "x": 2},
        seeds=[
            ("id", "Info dari orang PLN: listrik se-Kalimantan akan padam total selama 3 hari mulai Sabtu karena perbaikan gardu induk. Siapkan lilin dan isi air!"),
            ("bjn", "Listrik handak padam tiga hari jar urang PLN. Pian sudah siapkan lilin kah?"),
            ("id", "hah padam 3 hari?? kulkas gw isinya daging semua 😭 beneran gk nih"),
        ],
        forwards=4, reshares=3,
        swaps=[("3 hari", "5 hari"), ("Sabtu", "Senin"), ("se-Kalimantan", "se-Kalsel")],
        replies=[
            ("id", "kalau ada pemadaman terencana biasanya diumumin di aplikasi PLN Mobile, bukan lewat WA"),
            ("bjn", "Kada usah panik, tunggu pengumuman resmi haja."),
        ],
        quotes=[],
        debunks=[
            ("news", "wartabanua", "id", "PLN Bantah Kabar Pemadaman Total Tiga Hari se-Kalimantan\n\nPLN membantah pesan berantai yang menyebut listrik se-Kalimantan akan padam total selama tiga hari karena perbaikan gardu induk. Pemeliharaan jaringan dilakukan bergiliran dan jadwalnya diumumkan melalui kanal resmi, termasuk aplikasi PLN Mobile. #TolakHoaks"),
        ],
        debunk_reshares=2,
        after=[("id", "Hoaks ya, PLN udh bantah {debunk_url}")],
    ),
    dict(
        key="penculikan-anak", start_h=36.0, span_h=24, media="image",
        platforms={"facebook": 5, "x": 3, "telegram": 2},
        seeds=[
            ("id", "Waspada!! Mobil Avanza hitam berkeliling sekolah di Banjarmasin menculik anak untuk diambil organnya. Sudah 3 anak hilang minggu ini. Jaga anak-anak kita!!"),
            ("jv", "Ati-ati lur, jare ono mobil ireng sing nyulik bocah ning sekolahan. Aku ora ngerti bener opo ora, tapi jaga anak-anak."),
            ("bjn", "Bujur kah ada penculik anak di sekolah? Anak ulun handak sekolah isuk, takutan."),
        ],
        forwards=6, reshares=4,
        swaps=[("Banjarmasin", "Samarinda"), ("Banjarmasin", "Palangka Raya"), ("Avanza hitam", "Xenia putih"), ("3 anak", "5 anak")],
        replies=[
            ("id", "pesan yg sama persis pernah beredar di kota lain, cuma nama kotanya diganti"),
            ("id", "polisi udh bilang gk ada laporan anak hilang, jgn bikin resah"),
            ("jv", "Iku pesen lawas, ganti jeneng kutho tok."),
        ],
        quotes=[("id", "Template hoaks penculikan anak: ganti nama kota, ganti merek mobil, sebar lagi. #CekFakta #TolakHoaks")],
        debunks=[
            ("news", "cekfakta_news", "id", "[HOAKS] Penculikan Anak untuk Diambil Organ di Sekolah Banjarmasin\n\nPesan berantai tentang mobil yang berkeliling sekolah untuk menculik anak tidak didukung laporan polisi. Teks yang sama pernah beredar di berbagai kota dengan nama kota dan merek mobil yang diganti-ganti. Orang tua diimbau tetap waspada tetapi tidak menyebarkan pesan yang belum jelas sumbernya. #CekFakta"),
        ],
        debunk_reshares=3,
        after=[("id", "Hoaks bu, ini penjelasannya {debunk_url}")],
    ),
    dict(
        key="aturan-wa-dipantau", start_h=56.0, span_h=14, media=None,
        platforms={"x": 3, "facebook": 3, "telegram": 2, "reddit": 1, "mastodon": 1, "bluesky": 1},
        seeds=[
            ("id", "Mulai besok berlaku aturan komunikasi baru: semua panggilan direkam, semua pesan WA dipantau pemerintah, dan HP tersambung ke sistem kementerian. Jangan kirim pesan politik!"),
            ("en", "New communication rules from tomorrow: all calls recorded, WhatsApp monitored by the government, phones linked to ministry systems. Don't forward political messages."),
            ("ms", "Peraturan komunikasi baru bermula esok: semua panggilan direkod, WhatsApp dipantau kerajaan. Jangan hantar mesej politik, awak boleh ditangkap."),
        ],
        forwards=4, reshares=3,
        swaps=[("besok", "Senin"), ("pemerintah", "polisi")],
        replies=[
            ("en", "WhatsApp is end-to-end encrypted. This message has been going around since at least 2019."),
            ("id", "hoaks tahunan ini, tiap tahun muncul lagi"),
            ("ms", "Mesej ni dah lama, tidak benar pun."),
        ],
        quotes=[("en", "This chain message has been debunked in Malaysia, Indonesia and India. Still spreading. #CekFakta")],
        debunks=[
            ("news", "herald", "en", "FACT CHECK: No new rule lets the government record all calls and read WhatsApp\n\nA chain message claiming that 'new communication rules' take effect tomorrow, with all calls recorded and WhatsApp monitored, is circulating in Indonesian, English and Malay. The same text has been debunked repeatedly since 2019 in several countries. No such regulation exists. #CekFakta"),
        ],
        debunk_reshares=2,
        after=[("en", "Old hoax: {debunk_url}")],
    ),
]

# How often each language's variant is picked for a forward (Indonesian dominates).
SEED_WEIGHT = {"id": 5.0, "en": 1.6, "ms": 1.0, "jv": 0.4, "su": 0.4, "bjn": 0.6}

# Replies that fit any hoax, by language (added to narratives to vary the threads).
GENERIC_REPLIES = {
    "id": ["sumbernya dari mana?", "ini beneran? kok gk ada di berita", "hoaks ini mah, jgn asal share",
           "cek dulu sebelum share ya gaes #CekFakta", "wkwk grup keluarga gw juga rame ini",
           "emg susah ngasih tau ortu soal ginian", "duh udah terlanjur share ke grup RT 🙈",
           "dengerin penjelasan resmi aja deh, jgn dr grup WA", "bener gk nih? serem bgt",
           "Mohon maaf, ini informasi yang tidak jelas sumbernya.", "hapus dong pak, bikin panik aja",
           "yaelah hoaks lg, capek deh", "klo gk yakin mending gk usah share dong"],
    "en": ["Source?", "This is the third time I've seen this today.", "Please check before forwarding.",
           "Classic chain message."],
    "ms": ["Betul ke ni?", "Jangan percaya mesej macam ni."],
    "jv": ["Tenan ta iki?", "Ojo gampang percoyo lur."],
    "su": ["Leres kitu?", "Ulah gampil percanten."],
    "bjn": ["Bujur kah ini?", "Jangan langsung percaya pang."],
}

# --------------------------------------------------------------------------------------------
# Scripted threads from the real 2018 articles, LAPOR SMS and chatter
# --------------------------------------------------------------------------------------------

ARTICLE_1 = (
    "ARSIP 2018 | Kominfo Kalsel Gandeng Masyarakat Deklarasi Anti Hoaks\n\n"
    "Menanggapi banyaknya penyebaran informasi berbau fitnah, hasutan, maupun hoaks di media sosial, "
    "Dinas Komunikasi dan Informatika Provinsi Kalimantan Selatan menggandeng masyarakat, pelajar, "
    "TNI-POLRI, deklarasikan anti hoaks di Rattan Inn Hotel, Banjarmasin, Kamis (13/12/2018).\n\n"
    "Menurutnya, dari tahun ke tahun berita hoaks selalu meningkat. Data Kementerian Komimfo,pada tahun "
    "2016 berita hoaks sekirar 300-an, pada 2017 sekitar 7.000-an, dan hingga akhir November 2018 "
    "sebanyak 24.246.\n\n"
    "“Generasi muda merupakan yang paling rentan terhadap bahaya hoaks, sangat disayangkan kalau Indonesia "
    "yang akan datang diisi oleh orang-orang yang tidak bijak dalam bermedia sosial.” MC Kalsel/Jml"
)
ARTICLE_2 = (
    "ARSIP 2018 | Lapor Paman Harumkan Banua\n\n"
    "Dinas Kominfo Kalsel melalui Inovasi Lapor Paman, berhasil masuk dalam TOP 25 Sistem Pengelolaan "
    "Pengaduan Pelayanan Publik Nasional (SP4N) 2018 melalui aplikasi LAPOR (Layanan Aspirasi dan "
    "Pengaduan Online Rakyat)\n\n"
    "Penghargaan diserahkan Deputi Bidang Pelayanan Publik Kemenpan RB Diah Natalisa kepada Wakil "
    "Gubernur Kalsel H Rudy Resnawan , di Hotel Harmoni One Kota Batam, Senin (10/12).\n\n"
    "Bagi masyarakat yang ingin menyalurkan aspirasi silakan melewati kanal LAPOR dengan format "
    "LAPORPAMAN (spasi) isi aduan kirim ke 1708 atau lewat website www.lapor.go.id. Humas Prov – Mc Kalsel"
)
ARTICLE_3 = (
    "ARSIP 2018 | Sosialisasi Pembinaan Urusan Bidang Statistik Sektoral Daerah\n\n"
    "Dinas Komunikasi dan Informatika Provinsi Kalimantan Selatan mengadakan pertemuan sosialisasi "
    "pembinaan urusan bidang statistik sektoral daerah. Pertemuan tersebut dihadiri 13 perwakilan SKPD "
    "Dinas Komunikasi dan Informatika Kabupaten/Kota se-Kalimantan Selatan.\n\n"
    "“Kami mengharapkan ada kegiatan bimbingan teknis pengelolaan statistik sektoral dikarenakan sumber "
    "daya manusia  (SDM) pengelolaan urusan statistik sektoral masih kurang,” kata dia."
)
ARTICLE_4 = (
    "ARSIP 2018 | Kepala Dinas Kominfo Berikan Ucapan Selamat\n\n"
    "Kepala Dinas Kominfo Provinsi Kalsel, Gusti Yanuar Noor Rifa’i (kanan) memberikan ucapan selamat "
    "kepada 17 Pejabat Struktural yang dilantik terdiri dari 7 Pejabat Eselon III dan 10 Pejabat Eselon IV "
    "di Lingkungan Pemprov Kalsel di Ruang Rapat H Aberani Sulaiman Kantor Setda Provinsi Kalsel, "
    "Banjarbaru, Selasa (17/7)."
)
ARTICLE_5 = (
    "ARSIP 2018 | Bimtek Lapor SP4N, Diskominfo Kalsel Tingkatkan Layanan Publik\n\n"
    "Dinas Komunikasi dan Informatika Provinsi Kalsel mengelar acara Bimbingan Teknis Pengelolaan Opini "
    "Publik Layanan Aspirasi Pengaduan Online Rakyat (LAPOR) Tahun 2018 di Aula Hotel Tree Park "
    "Banjarmasin, Kamis (26/7).\n\n"
    "Sekretaris Daerah Provinsi Kalsel, Abdul Haris Makie mengatakan masyarakat harus memanfaatkan ini "
    "dengan sebaik – baiknya tentu dengan prosedur tetap (protap) yang sudah baku atau sudah ada artinya "
    "tidak menggunakannya untuk kepentingan – kepentingan yang sembarangan."
)

# Each row: (name, hour, platform, author, lang, text, links)
# author: a SPECIAL key, or "@<lang>" for a random invented user writing in that language,
# or "#channel" for a Telegram channel. links: {"reshare_of"|"reply_to"|"quote_of": name}.
SCRIPT = [
    ("a1", 0.6, "news", "mckalsel", "id", ARTICLE_1, {}),
    ("a2", 0.7, "news", "mckalsel", "id", ARTICLE_2, {}),
    ("a3", 0.8, "news", "mckalsel", "id", ARTICLE_3, {}),
    ("a4", 0.9, "news", "mckalsel", "id", ARTICLE_4, {}),
    ("a5", 1.0, "news", "mckalsel", "id", ARTICLE_5, {}),
    ("a1x", 2.2, "x", "@id", "id", "Data Kominfo yg dikutip waktu deklarasi anti hoaks di Kalsel 2018: 2016 sekitar 300-an hoaks, 2017 sekitar 7.000-an, sampai akhir November 2018 sebanyak 24.246. Naiknya gila2an. Skrg 2026 berapa ya? #TolakHoaks", {}),
    ("a1x_r1", 2.9, "x", "@id", "id", "itu baru yg terdata, yg beredar di grup WA keluarga mah gk keitung wkwk", {"reply_to": "a1x"}),
    ("a1x_r2", 3.4, "x", "@jv", "jv", "Deklarasi anti hoaks wis ket 2018, ning hoaks e malah tambah akeh. Aku ora ngerti kudu piye maneh ngandani wong tuwo ning grup WA.", {"reply_to": "a1x"}),
    ("a1fb", 4.1, "facebook", "@id", "id", "“Generasi muda merupakan yang paling rentan terhadap bahaya hoaks” — kata Kadiskominfo Kalsel Gusti Yanuar Noor Rifai waktu deklarasi anti hoaks di Rattan Inn Hotel Banjarmasin, 2018. Masih relevan bangeeet sampai sekarang. Yuk lebih bijak bermedia sosial 🙏 #TolakHoaks", {}),
    ("a1fb_rs", 5.0, "facebook", "@id", "id", None, {"reshare_of": "a1fb"}),
    ("a1fb_r1", 5.6, "facebook", "@id", "id", "setuju, tp yg paling sering share hoaks di grup keluarga malah bapak2 ibu2 😅", {"reply_to": "a1fb"}),
    ("a1en", 6.3, "x", "@en", "en", "South Kalimantan's comms office held an anti-hoax declaration with 200 participants (students, civil servants, TNI-POLRI) back in Dec 2018. The ministry numbers they cited: ~300 hoaxes in 2016, ~7,000 in 2017, 24,246 by end of Nov 2018.", {}),
    ("a1def", 9.5, "facebook", "antihoaks_fb", "id", "“Hoaks juga bisa diartikan sebagai upaya pemutar balikan fakta, melalui proses pembacaan dengan informasi yang meyakinkan, tetapi tidak dapat diverifikasi.” (Heriansyah, Asisten III Setdaprov Kalsel, saat deklarasi anti hoaks 2018). Definisi yang pas untuk pesan berantai yang beredar minggu ini. #TolakHoaks #CekFakta", {}),
    ("a1def_rs1", 10.2, "facebook", "@id", "id", None, {"reshare_of": "a1def"}),
    ("a1def_rs2", 11.0, "facebook", "@id", "id", None, {"reshare_of": "a1def"}),
    ("a1bsky", 12.4, "bluesky", "@en", "en", "Old but gold: a 2018 definition from South Kalimantan officials — hoaks is 'material informasi yang direkayasa untuk menutupi informasi sebenarnya', information engineered to cover up the real information. Also: flooding a channel with false messages to drown the true one.", {}),
    ("a2x", 7.2, "x", "@id", "id", "Mau lapor jalan rusak/pelayanan publik di Kalsel? Ketik LAPORPAMAN (spasi) isi aduan, kirim ke 1708, atau lewat www.lapor.go.id. Lapor Paman dulu masuk TOP 25 SP4N 2018 lho 👍", {}),
    ("a2x_r1", 7.9, "x", "@bjn", "bjn", "Ulun sudah pernah melapor lewat 1708, dibalas jua. Bujur haja kada bohong.", {"reply_to": "a2x"}),
    ("a2x_r2", 8.3, "x", "@id", "id", "beneran dibales? aku laporin lampu jalan mati 2 bln gk ada kabar 😒", {"reply_to": "a2x"}),
    ("a2x_r3", 9.1, "x", "kominfo_x", "id", "Terima kasih, Sanak. Silakan kirim aduan dengan format LAPORPAMAN (spasi) isi aduan ke 1708 atau melalui www.lapor.go.id, sertakan lokasi yang jelas agar bisa segera ditindaklanjuti.", {"reply_to": "a2x_r2"}),
    ("a2x_rs", 8.8, "x", "@id", "id", None, {"reshare_of": "a2x"}),
    ("a2rd", 13.0, "reddit", "@en", "en", "TIL South Kalimantan has an SMS complaint channel: text LAPORPAMAN <your complaint> to 1708. It made the national TOP 25 of SP4N public-service complaint systems in 2018.", {}),
    ("a2rd_c1", 13.8, "reddit", "@en", "en", "The national system is LAPOR (Layanan Aspirasi dan Pengaduan Online Rakyat); the Kalsel one is integrated with it, so complaints also show up on lapor.go.id.", {"reply_to": "a2rd"}),
    ("a2rd_c2", 14.5, "reddit", "@id", "id", "Pernah coba, dibales sih walau lama. Tp emg harus jelas lokasinya, jgn cuma 'jalan rusak' doang.", {"reply_to": "a2rd"}),
    ("a2fb", 20.0, "facebook", "@id", "id", "Diah Natalisa dari Kemenpan RB waktu itu bilang tujuan SP4N supaya pengaduan masyarakat dikelola secara sederhana, cepat, tepat, tuntas, dan terkoordinasi dengan baik. Semoga beneran gitu ya 😅", {}),
    ("a3masto", 16.0, "mastodon", "@en", "en", "Reading a 2018 piece from South Kalimantan on 'statistik sektoral': 13 district comms offices, speakers from Kemendagri, BPS and Bappeda, and the key line: human resources for sectoral statistics are still lacking. Data infrastructure is a people problem. #OpenData", {}),
    ("a3masto_rs", 17.2, "mastodon", "@en", "en", None, {"reshare_of": "a3masto"}),
    ("a3x", 18.5, "x", "@id", "id", "Setuju sm Pak Gusti Yanuar Noor Rifa'i, SDM pengelola statistik sektoral di daerah masih kurang. Data dinas sama data BPS sering beda, bingung mau pake yg mana", {}),
    ("a3x_r1", 19.1, "x", "@id", "id", "makanya perlu satu data, biar gk tiap dinas punya angka sendiri2", {"reply_to": "a3x"}),
    ("a4fb", 25.0, "facebook", "@id", "id", "Nemu foto lama 2018, pelantikan 17 pejabat struktural (7 Eselon III dan 10 Eselon IV) di Ruang Rapat H Aberani Sulaiman, Kantor Setda Provinsi Kalsel, Banjarbaru. Waktu itu Pak Kadis Kominfo yang kasih ucapan selamat.", {}),
    ("a5tg", 28.0, "telegram", "#channel", "id", "Sekda Kalsel Abdul Haris Makie (2018): masyarakat harus memanfaatkan kanal LAPOR dengan sebaik-baiknya, tidak untuk kepentingan yang sembarangan. Laporan harus beretika dan berdasarkan data yang valid, bukan asumsi.", {}),
    ("a5x", 29.5, "x", "@id", "id", "Bimtek LAPOR SP4N di Aula Hotel Tree Park Banjarmasin 2018 dulu, skrg gimana kabarnya aplikasi Lapor Paman? masih jalan kan?", {}),
    ("a5x_r1", 30.1, "x", "kominfo_x", "id", "Masih berjalan, Sanak. Aduan bisa dikirim dengan format LAPORPAMAN (spasi) isi aduan ke 1708 atau melalui www.lapor.go.id. Terima kasih.", {"reply_to": "a5x"}),
    ("w1", 47.0, "news", "wartabanua", "id", "Delapan Tahun Deklarasi Anti Hoaks, Diskominfo Kalsel Ajak Warga Kembali Waspada Pesan Berantai\n\nDelapan tahun setelah deklarasi anti hoaks di Rattan Inn Hotel, Banjarmasin, pada 13 Desember 2018, pesan berantai palsu masih terus beredar di Kalimantan Selatan. Dalam sepekan terakhir, warga Martapura sempat panik akibat kabar Bendungan Riam Kanan akan jebol, sementara tautan pendaftaran bansos palsu beredar di grup-grup WhatsApp. Saat deklarasi 2018, Kepala Diskominfo Kalsel kala itu, Gusti Yanuar Noor Rifai, mengingatkan bahwa informasi hoaks yang viral di media sosial bisa memicu keributan bahkan merembet menjadi kerusuhan fisik. #TolakHoaks", {}),
    ("w1x", 47.6, "x", "@id", "id", "Delapan tahun deklarasi anti hoaks Kalsel, hoaksnya masih itu-itu aja: bendungan jebol, bansos palsu. Baca: {w1} #TolakHoaks", {}),
    ("w1x_r1", 48.3, "x", "@bjn", "bjn", "Bujur banar, hoaks bendungan kemarin bikin kulawarga ulun takutan. Ulun kada paham kenapa urang senang banar menyebarakan.", {"reply_to": "w1x"}),
    ("w1fb", 48.0, "facebook", "kominfo_fb", "id", "Mari lebih kritis dalam membaca dan menyebarkan berita di media sosial. Informasi yang belum jelas sumbernya bisa dilaporkan melalui LAPORPAMAN (spasi) isi aduan ke 1708. #TolakHoaks #CekFakta {w1}", {}),
    ("w1fb_rs1", 49.0, "facebook", "@id", "id", None, {"reshare_of": "w1fb"}),
    ("w1fb_rs2", 50.5, "facebook", "@id", "id", None, {"reshare_of": "w1fb"}),
    ("w1fb_q", 51.0, "facebook", "@id", "id", "Setuju. Di grup RT saya minggu ini ada 3 hoaks sekaligus 🙈", {"quote_of": "w1fb"}),
]

LAPOR = [
    (4.0, "id", "LAPORPAMAN Jalan A. Yani km 21 arah Martapura berlubang besar di depan SPBU, sudah 2 minggu belum diperbaiki, banyak pengendara jatuh malam hari.", "Martapura"),
    (11.5, "id", "LAPORPAMAN lampu PJU di Jl. Sultan Adam Banjarmasin mati semua sejak seminggu, rawan begal", "Banjarmasin"),
    (15.2, "id", "LAPORPAMAN Pelayanan KTP-el di Disdukcapil lambat, sudah 3 bulan blanko belum ada. Mohon ditindaklanjuti.", None),
    (19.8, "id", "LAPORPAMAN Ada link pendaftaran bansos PKH lewat blogspot yg minta NIK dan KK, tetangga saya sudah isi. Apakah resmi? Mohon penjelasan.", "Banjarbaru"),
    (23.0, "bjn", "LAPORPAMAN ulun handak melapor, banyu PDAM di Kelurahan Sungai Lulut kada mengalir sudah 4 hari. Mohon dibantu pian.", "Banjarmasin"),
    (27.4, "id", "LAPORPAMAN Ada pesan berantai bendungan Riam Kanan akan jebol malam ini, warga Martapura panik. Mohon Diskominfo dan BPBD segera beri klarifikasi resmi.", "Martapura"),
    (27.9, "id", "LAPORPAMAN Mohon klarifikasi pesan bendungan Riam Kanan jebol, orang tua kami sdh mau mengungsi malam2.", "Martapura"),
    (35.0, "id", "LAPORPAMAN Mohon klarifikasi, beredar kabar SMS ke 1708 dipotong pulsa Rp 10.000. Apa benar?", None),
    (39.5, "id", "laporpaman guru honorer di sekolah kami blm terima gaji 3 bln, tolong ditindaklanjuti", "Amuntai"),
    (45.1, "id", "LAPORPAMAN sampah menumpuk di TPS Jl. Veteran tidak diangkut 5 hari, bau sekali.", "Banjarmasin"),
    (53.3, "id", "LAPORPAMAN Ada pungli di jembatan timbang, sopir truk dimintai Rp 50rb tanpa karcis.", None),
    (60.2, "bjn", "LAPORPAMAN jalan ka Loksado rusak banar habis hujan, mobil kada kawa lewat. Mohon diperbaiki.", "Kandangan"),
]

CHATTER = {
    "id": [
        ("x", "Pagi2 udah macet aja di Jl. A. Yani km 6, mau ngantor telat lagi deh 😩"),
        ("x", "Soto Banjar deket kantor enak bgt sumpah, kuahnya bening tp gurih"),
        ("x", "Timnas main jam berapa nanti malam? nobar dimana nih gaes"),
        ("x", "Hujan deres bgt di Banjarbaru, jemuran gk kering2 wkwk"),
        ("facebook", "Alhamdulillah akhirnya wisuda juga 🎓 makasih buat semua yg udah support selama ini"),
        ("x", "Ada yg tau servis laptop yg bagus di Banjarmasin gk? keyboard ku mati sebagian"),
        ("facebook", "Harga cabai naik lagi, ibu2 di pasar pada ngeluh. Semoga cepat turun ya."),
        ("x", "Lagi nyobain kopi susu gula aren yg viral itu, biasa aja sih ternyata"),
        ("x", "Besok libur gk sih? kalender gw bilang tgl merah tp kantor masih masuk 😂"),
        ("facebook", "Mohon doanya ya teman2, bapak saya sedang dirawat di rumah sakit."),
        ("facebook", "Pasar terapung Lok Baintan rame bgt pagi ini, turis asing jg banyak"),
        ("x", "jujur capek bgt minggu ini, pengen rebahan aja seharian"),
        ("facebook", "Yg lagi nyari kerja, ada lowongan admin gudang di Banjarbaru, DM aja ya (bukan penipuan, bisa cek kantornya langsung)"),
        ("bluesky", "baru pindah ke sini, masih sepi ya. halo semua 👋"),
        ("x", "s4y4 b3lum mand1 dr pagi wkwk, kerja dr rumah emg gini"),
        ("x", "Gaes ada rekomendasi drakor yg seru gk? yg ringan aja, lagi pusing kerjaan"),
        ("telegram", "Jadwal pengajian rutin Ahad pagi di Masjid Raya Sabilal Muhtadin tetap berjalan seperti biasa. Jamaah diharap hadir tepat waktu."),
        ("facebook", "Dijual motor Beat 2019, mulus, surat lengkap. Lokasi Banjarbaru. Minat inbox."),
        ("x", "Tadi ketemu temen SD di minimarket, udah punya anak 3 aja dia. Gw masih gini2 aja 🥲"),
        ("reddit", "Ada yang pernah kerja remote buat perusahaan luar dari Kalimantan? Internet di sini cukup stabil gk buat video call tiap hari?"),
        ("reddit", "Rekomendasi tempat makan di Banjarmasin buat ajak ortu? Yang gk terlalu rame dan ada parkirnya."),
        ("x", "Udah malem, listrik kedip2 terus dr tadi. Ada yg sama gk di daerah Kayu Tangi?"),
        ("mastodon", "Hari ini belajar bikin bot Mastodon pakai Python. Ternyata API-nya enak dipakai."),
        ("bluesky", "Langit sore di siring Martapura cakep banget hari ini 🌅"),
        ("facebook", "Rapat RT malam ini jam 8 di pos ronda ya bapak2, bahas kerja bakti Minggu."),
        ("bluesky", "akhirnya nemu timeline yg gk isinya berantem politik doang 😌"),
        ("mastodon", "Ada yg pakai instance Mastodon lokal Indonesia? Cari yg moderasinya jalan."),
        ("reddit", "Gimana cara kalian ngadepin grup WA keluarga yg isinya pesan berantai semua? Gw udh capek ngebantah tiap hari."),
    ],
    "en": [
        ("reddit", "Anyone know a good place to learn Bahasa Indonesia online? Moving to Jakarta next year."),
        ("x", "The traffic in Jakarta today is unreal. 2 hours for 12 km."),
        ("mastodon", "Working on language identification for Indonesian social media. Code-switching with English is everywhere, and informal Indonesian gets labelled as Malay all the time."),
        ("bluesky", "Just tried nasi kuning for breakfast and now I get it."),
        ("mastodon", "Reminder that misinformation researchers need data access, and platforms keep closing their APIs. #OpenData"),
        ("x", "Rainy season in Kalimantan is no joke. Flight delayed again at Syamsudin Noor."),
        ("reddit", "What's the best way to explain to my parents that the WhatsApp forwards are fake? They believe everything in the family group."),
        ("bluesky", "Working from a cafe in Banjarmasin today, the wifi is better than my apartment's."),
        ("mastodon", "Paper idea: measuring how long a debunk takes to catch up with the hoax it answers, across platforms."),
        ("reddit", "Visiting South Kalimantan in December, is the floating market at Lok Baintan worth the early wake-up?"),
        ("x", "Three hours of meetings and zero decisions. A classic Monday."),
        ("bluesky", "The amount of fake aid-registration links in Indonesian Facebook groups right now is wild."),
        ("mastodon", "Fediverse folks in Southeast Asia: which instance do you use? Looking for something with decent moderation."),
        ("reddit", "Expat in Banjarmasin here. Is there any English-language local news for South Kalimantan, or is it all Indonesian?"),
        ("reddit", "How do Indonesian fact-checkers decide what to debunk? Genuinely curious about the process."),
        ("reddit", "Best SIM card for a month of travel in Kalimantan? Coverage outside the cities seems patchy."),
        ("bluesky", "Indonesian Twitter's sense of humour is unmatched, I will not be taking questions."),
        ("bluesky", "Spent the morning at a river market on a boat. 10/10, would get up at 5am again."),
        ("bluesky", "Misinformation research tip: WhatsApp forwards show up on public Facebook groups within hours, that's where you can actually see them."),
    ],
    "ms": [
        ("facebook", "Kereta aku rosak lagi dekat tol, tunggu tow truck dah sejam. Memang nasib."),
        ("facebook", "Ada sesiapa nak sewa bilik dekat Shah Alam? Bilik kosong, harga boleh runding."),
        ("x", "Hari ni cuti ke? Pejabat aku tetap buka, tidak boleh ambil cuti pun."),
        ("x", "Nasi lemak dekat gerai depan rumah sedap gila, sambal dia pedas betul."),
        ("reddit", "Kerajaan umum bantuan baru minggu ni, ada sesiapa tahu cara mohon yang betul? Aku tak nak tersilap masuk laman palsu."),
    ],
    "jv": [
        ("x", "Udan deres ket mau isuk, aku ora iso metu. Sing dodol bakso yo ora liwat."),
        ("facebook", "Wis mangan durung lur? Aku lagi golek sego pecel sing enak ning Jogja."),
        ("x", "Opo kowe ngerti kapan pasar malem dibukak maneh? Bocah-bocah wis takon terus."),
    ],
    "su": [
        ("facebook", "Wilujeng enjing baraya, kumaha damang? Hujan deui di Bandung."),
        ("x", "Abdi nuju milarian tempat kursus basa Inggris di Bogor, aya nu terang?"),
    ],
    "bjn": [
        ("facebook", "Ulun handak tulak ka pasar terapung isuk, pian umpat kah?"),
        ("x", "Soto Banjar di Sungai Jingah nyaman banar, pian sudah coba kah?"),
        ("facebook", "Hujan tarus matan subuh, jalan di kampung ulun bacek banar."),
    ],
}

# --------------------------------------------------------------------------------------------
# Building the posts
# --------------------------------------------------------------------------------------------


def H(h: float) -> datetime:
    return START + timedelta(seconds=int(h * 3600))


def weighted(d: dict):
    keys = list(d)
    return rng.choices(keys, weights=[d[k] for k in keys])[0]


def platform_for(lang: str, weights: dict) -> str:
    allowed = {
        "en": {"x", "reddit", "mastodon", "bluesky", "facebook"},
        "ms": {"facebook", "telegram", "x", "reddit"},
    }.get(lang, {"x", "facebook", "telegram", "bluesky", "reddit", "mastodon"})
    if lang in ("jv", "su", "bjn"):
        allowed = {"x", "facebook", "telegram"}
    w = {p: v for p, v in weights.items() if p in allowed} or {"x": 1}
    return weighted(w)


def author_for(platform: str, lang: str, avoid: dict | None = None, top_level: bool = True) -> dict:
    return pick_author(platform, lang, avoid=avoid, channel=(platform == "telegram" and top_level))


def build_narrative(nar: dict) -> None:
    key = nar["key"]
    t0 = H(nar["start_h"] + rng.uniform(0, 1.5))
    span = nar["span_h"]
    seeds = nar["seeds"]
    hoax: list[dict] = []

    # Origin: the first seed, on the narrative's main platform.
    lang0, text0 = seeds[0]
    p0 = platform_for(lang0, {max(nar["platforms"], key=nar["platforms"].get): 1})
    a0 = author_for(p0, lang0)
    media = make_media(p0, nar["media"], a0) if nar["media"] else []
    hoax.append(emit(p0, a0, text0, lang0, t0, narrative=key, media=media, weight=2.8))

    # Forwards: every seed at least once, then mutated near-duplicates.
    seed_w = [SEED_WEIGHT[lang] for lang, _ in seeds]
    order = list(range(1, len(seeds))) + rng.choices(range(len(seeds)), weights=seed_w, k=nar["forwards"] - len(seeds) + 1)
    for i, si in enumerate(order):
        lang, base = seeds[si]
        text = base if (si > 0 and i < len(seeds) - 1) else mutate(base, lang, nar["swaps"])
        t = t0 + timedelta(hours=rng.uniform(0.2, span * 0.7))
        plat = platform_for(lang, nar["platforms"])
        if plat == "reddit":
            if lang not in REDDIT_WRAP:
                plat = "facebook"
            else:
                text = rng.choice(REDDIT_WRAP[lang]).format(t=text)
        a = author_for(plat, lang)
        m = make_media(plat, nar["media"], a) if nar["media"] and rng.random() < 0.6 else []
        hoax.append(emit(plat, a, text, lang, t, narrative=key, media=m, weight=rng.uniform(0.5, 2.2)))

    # Verbatim reshares (the popular posts get more).
    for _ in range(nar["reshares"]):
        cands = [p for p in hoax if p["platform"] in RESHARE_OK and not p["reshare_of"]]
        parent = rng.choices(cands, weights=[p["engagement"]["likes"] + 5 for p in cands])[0]
        hoax.append(reshare(parent, parent["_t"] + timedelta(minutes=rng.uniform(3, 240))))

    originals = [p for p in hoax if not p["reshare_of"]]

    # Replies and quotes before the debunk: doubt, belief, early corrections.
    replies = list(nar["replies"])
    for lang in rng.sample(LANGS[:1] * 3 + ["en"], 2):
        replies.append((lang, rng.choice(GENERIC_REPLIES[lang])))
    for lang, text in replies:
        cands = [p for p in originals if p["platform"] in REPLY_OK]
        same = [p for p in cands if p["lang_hint"] == lang] or cands
        parent = rng.choice(same)
        plat = parent["platform"]
        a = author_for(plat, lang, avoid=parent["author"], top_level=False)
        emit(plat, a, text, lang, parent["_t"] + timedelta(minutes=rng.uniform(4, 300)),
             narrative=key, reply_to=parent, weight=0.2)
    for lang, text in nar["quotes"]:
        cands = [p for p in originals if p["platform"] in QUOTE_OK] or [hoax[0]]
        parent = rng.choice(cands)
        if parent["platform"] not in QUOTE_OK:
            continue
        a = author_for(parent["platform"], lang, avoid=parent["author"], top_level=False)
        emit(parent["platform"], a, text, lang, parent["_t"] + timedelta(minutes=rng.uniform(20, 400)),
             narrative=key, quote_of=parent, weight=1.0)

    # Debunks, then their spread.
    td = t0 + timedelta(hours=span * rng.uniform(0.35, 0.55))
    debunk_url = None
    debunks = []
    for j, (plat, who, lang, text) in enumerate(nar["debunks"]):
        author = SPECIAL[who]
        text = text.replace("{debunk_url}", debunk_url or "")
        d = emit(plat, author, text.strip(), lang, td + timedelta(minutes=j * rng.uniform(10, 50)),
                 narrative=key, weight=1.8, geo_p=0)
        if debunk_url is None and d["url"]:
            debunk_url = d["url"]
        debunks.append(d)
    shareable = [d for d in debunks if d["platform"] in RESHARE_OK]
    for _ in range(nar["debunk_reshares"]):
        if not shareable:
            break
        parent = rng.choice(shareable)
        reshare(parent, parent["_t"] + timedelta(minutes=rng.uniform(5, 300)))
    for lang, text in nar["after"]:
        cands = [p for p in originals if p["platform"] in REPLY_OK]
        same = [p for p in cands if p["lang_hint"] == lang] or cands
        parent = rng.choice(same)
        plat = parent["platform"]
        a = author_for(plat, lang, avoid=parent["author"], top_level=False)
        emit(plat, a, text.replace("{debunk_url}", debunk_url), lang,
             max(parent["_t"], debunks[0]["_t"]) + timedelta(minutes=rng.uniform(10, 240)),
             narrative=key, reply_to=parent, weight=0.4)
    # A fact-checker or official account quoting the most viral hoax post.
    top = max((p for p in originals if p["platform"] in QUOTE_OK and p["platform"] in ("x", "facebook")),
              key=lambda p: p["engagement"]["likes"], default=None)
    if top is not None:
        who = "cekfakta_x" if top["platform"] == "x" else "antihoaks_fb"
        emit(top["platform"], SPECIAL[who],
             f"Ini HOAKS. Penjelasan lengkap: {debunk_url} #CekFakta #TolakHoaks", "id",
             max(top["_t"], debunks[0]["_t"]) + timedelta(minutes=rng.uniform(5, 90)),
             narrative=key, quote_of=top, weight=1.2, geo_p=0)


def build_script() -> None:
    named: dict[str, dict] = {}
    for name, hour, plat, who, lang, text, links in SCRIPT:
        t = H(hour) + timedelta(seconds=rng.randint(0, 900))
        parent = named[next(iter(links.values()))] if links else None
        if who in SPECIAL:
            author = SPECIAL[who]
        elif who == "#channel":
            author = pick_author("telegram", lang, channel=True)
        else:
            author = pick_author(plat, who[1:], avoid=parent["author"] if parent else None)
        if "reshare_of" in links:
            named[name] = reshare(parent, t, author=author)
            continue
        text = re.sub(r"\{(\w+)\}", lambda m: named[m.group(1)]["url"], text)
        media = make_media(plat, "image", author) if plat == "news" else []
        named[name] = emit(plat, author, text, lang, t, media=media,
                           reply_to=parent if "reply_to" in links else None,
                           quote_of=parent if "quote_of" in links else None,
                           weight=1.2, geo_p=0.15 if plat != "news" else 0)


def build_lapor() -> None:
    for hour, lang, text, place in LAPOR:
        msisdn = "628" + rng.choice(["11", "12", "13", "21", "52", "53", "77", "95"]) + "****" + rand_str(string.digits, 4)
        author = {"id": msisdn}
        emit("lapor", author, text, lang, H(hour) + timedelta(seconds=rng.randint(0, 1800)),
             place=place, geo_p=0, weight=0)


def build_chatter() -> None:
    for lang, rows in CHATTER.items():
        for plat, text in rows:
            t = H(rng.uniform(0.2, 70.0))
            a = author_for(plat, lang)
            p = emit(plat, a, text, lang, t, weight=rng.uniform(-0.5, 1.2))
            if plat in REPLY_OK and rng.random() < 0.3:
                rlang = lang
                reply = {
                    "id": ["wkwk sama bgt", "semangat yaa", "mantap, boleh juga tuh", "aamiin 🙏", "di mana tuh?"],
                    "en": ["Same here.", "Ha, relatable.", "Good luck!"],
                    "ms": ["Sama la kita.", "Semoga dipermudahkan."],
                    "jv": ["Podo lur.", "Wah mantep."],
                    "su": ["Muhun, sami."],
                    "bjn": ["Umpat ulun lah!", "Nyaman banar."],
                }[rlang]
                emit(plat, author_for(plat, rlang, avoid=a, top_level=False), rng.choice(reply), rlang,
                     t + timedelta(minutes=rng.uniform(3, 180)), reply_to=p, weight=-0.5)


# --------------------------------------------------------------------------------------------
# CSV (a Facebook-group export) and malformed records
# --------------------------------------------------------------------------------------------

CSV_COLUMNS = ["uid", "platform", "native_id", "url", "author_id", "author_handle", "author_display_name",
               "author_followers", "text", "created_at", "reshare_of", "reply_to", "quote_of", "hashtags",
               "lang_hint"]


def build_csv() -> tuple[str, Counter]:
    rows = []
    langs: Counter = Counter()
    base = H(rng.uniform(4, 8))
    pool_id, pool_other = [], []
    for nar in NARRATIVES:
        for lang, text in nar["seeds"]:
            if lang != "en":
                (pool_id if lang == "id" else pool_other).append((lang, text, nar["swaps"]))
    picked = rng.sample(pool_id, 11) + rng.sample(pool_other, 3)
    texts = [(lang, mutate(text, lang, swaps)) for lang, text, swaps in picked]
    texts += [(lang, rng.choice(CHATTER[lang])[1]) for lang in ("id", "id", "bjn", "ms", "jv")]
    texts += [
        ("id", "Ada yg tau ini \"link bansos\" resmi atau bukan?\nTolong dicek, soalnya minta NIK, KK, sama foto selfie pegang KTP."),
        ("id", "Grup ini isinya hoaks semua, admin tolong dong dihapus, kasian yg sepuh pada percaya 🙏 #TolakHoaks"),
        ("id", "Klarifikasi dari Diskominfo Kalsel: kabar bendungan jebol itu hoaks, jangan panik, mari lebih kritis dalam membaca dan menyebarkan berita. #TolakHoaks #BanjirKalsel"),
        ("id", "Harga \"beras premium\" di Pasar Lama Rp 16.500/kg, naik Rp 500, dari minggu lalu."),
    ]
    n = 0
    prev: list[dict] = []
    for i, (lang, text) in enumerate(texts):
        n += 1
        a = rng.choice(AUTHORS["facebook"]["my" if lang == "ms" else "id"])
        t = base + timedelta(minutes=i * rng.uniform(20, 110))
        row = {"uid": f"facebook:csv-{n:04d}", "platform": "facebook", "native_id": f"csv-{n:04d}",
               "url": f"https://www.facebook.com/groups/wargabanua/posts/csv-{n:04d}",
               "author_id": a["id"], "author_handle": a["handle"], "author_display_name": a["display_name"],
               "author_followers": str(a["followers"]), "text": text,
               "created_at": iso(t) if rng.random() < 0.8 else (t + timedelta(hours=8)).strftime("%Y-%m-%dT%H:%M:%S+08:00"),
               "reshare_of": "", "reply_to": "", "quote_of": "", "hashtags": " ".join(extract(text)[1]),
               "lang_hint": ""}
        rows.append(row)
        prev.append(row)
        langs[lang] += 1
        # Some posts get a verbatim share and a reply, always after the post.
        if rng.random() < 0.35 and n < 30:
            n += 1
            b = rng.choice(AUTHORS["facebook"]["id"])
            kind = rng.choice(["reshare_of", "reply_to"])
            rtext = text if kind == "reshare_of" else rng.choice(GENERIC_REPLIES["id"])
            rows.append({**row, "uid": f"facebook:csv-{n:04d}", "native_id": f"csv-{n:04d}",
                         "url": f"https://www.facebook.com/groups/wargabanua/posts/csv-{n:04d}",
                         "author_id": b["id"], "author_handle": b["handle"], "author_display_name": b["display_name"],
                         "author_followers": str(b["followers"]), "text": rtext,
                         "created_at": iso(t + timedelta(minutes=rng.uniform(5, 19))),
                         kind: row["uid"], "hashtags": " ".join(extract(rtext)[1])})
            langs[lang if kind == "reshare_of" else "id"] += 1
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=CSV_COLUMNS, lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    return buf.getvalue(), langs


def _ok(**over) -> dict:
    """A valid record, to break in exactly one way."""
    rec = {"schema_version": 1, "uid": "x:1860000000000000001", "platform": "x",
           "native_id": "1860000000000000001", "url": "https://x.com/contoh/status/1860000000000000001",
           "author": {"id": "42", "handle": "contoh", "display_name": "Contoh Saja", "followers": 10},
           "text": "Vaksin mengandung microchip, sebarkan!! #Vaksin", "created_at": "2026-11-21T08:00:00Z",
           "connector": "file-replay", "hashtags": ["Vaksin"]}
    rec.update(over)
    return rec


def _without(key: str) -> dict:
    rec = _ok()
    del rec[key]
    return rec


def _j(obj) -> bytes:
    return json.dumps(obj, ensure_ascii=False).encode("utf-8")


MALFORMED: list[bytes] = [
    # 1. Not JSON: a record cut off in the middle (a truncated write).
    b'{"uid": "x:1860000000000000002", "text": "Bendungan Riam Kanan jebol mal',
    # 2. Valid JSON, but an array holding the post instead of the post itself.
    _j([_ok(uid="x:1860000000000000003", native_id="1860000000000000003")]),
    # 3. Missing uid.
    _j({k: v for k, v in _without("uid").items() if k not in ("platform", "native_id")}),
    # 4. Missing text.
    _j(_without("text") | {"uid": "x:1860000000000000005", "native_id": "1860000000000000005"}),
    # 5. Missing created_at.
    _j(_without("created_at") | {"uid": "x:1860000000000000006", "native_id": "1860000000000000006"}),
    # 6. created_at that no parser understands ("yesterday afternoon").
    _j(_ok(uid="x:1860000000000000007", native_id="1860000000000000007", created_at="kemarin sore")),
    # 7. text is a number, not a string.
    _j(_ok(uid="x:1860000000000000008", native_id="1860000000000000008", text=24246)),
    # 8. author.followers is a word ("many"), not a count.
    _j(_ok(uid="x:1860000000000000009", native_id="1860000000000000009",
           author={"id": "43", "handle": "banyakfollower", "followers": "banyak"})),
    # 9. uid without the platform:native_id colon (and no platform/native_id to rebuild it).
    _j({k: v for k, v in _ok(uid="x1860000000000000010").items() if k not in ("platform", "native_id")}),
    # 10. Not UTF-8: Latin-1 bytes (0xe9 for é) and a stray 0xff inside the text.
    b'{"uid": "x:1860000000000000011", "text": "Kabar dari caf\xe9 \xff\xfe di Banjarmasin", "created_at": "2026-11-21T08:00:00Z"}',
    # 11. platform field contradicts the uid (the connector mixed up two records).
    _j(_ok(uid="x:1860000000000000012", native_id="1860000000000000012", platform="facebook")),
]


# --------------------------------------------------------------------------------------------


def main() -> None:
    build_script()
    build_lapor()
    for nar in NARRATIVES:
        build_narrative(nar)
    build_chatter()

    POSTS.sort(key=lambda p: (p["_t"], p["uid"]))
    # A replayed feed is never perfectly ordered: swap a few adjacent, unrelated posts.
    swapped = 0
    for i in sorted(rng.sample(range(len(POSTS) - 1), 12)):
        a, b = POSTS[i], POSTS[i + 1]
        if a["uid"] in (b["reshare_of"], b["reply_to"], b["quote_of"]) or a["_t"] == b["_t"]:
            continue
        POSTS[i], POSTS[i + 1] = b, a
        swapped += 1

    seen: set[str] = set()
    lines = []
    for p in POSTS:
        for ref in ("reshare_of", "reply_to", "quote_of"):
            assert p[ref] is None or p[ref] in seen, (p["uid"], ref, p[ref])
        assert p["uid"] not in seen
        seen.add(p["uid"])
        out = {k: v for k, v in p.items() if not k.startswith("_")}
        lines.append(json.dumps(out, ensure_ascii=False))
    (HERE / "posts.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8", newline="\n")

    csv_text, csv_langs = build_csv()
    (HERE / "posts.csv").write_text(csv_text, encoding="utf-8", newline="\n")
    (HERE / "malformed.jsonl").write_bytes(b"\n".join(MALFORMED) + b"\n")

    by_platform = Counter(p["platform"] for p in POSTS)
    by_lang = Counter(p["lang_hint"] for p in POSTS)
    kinds = Counter("reshare" if p["reshare_of"] else "reply" if p["reply_to"] else "quote" if p["quote_of"]
                    else "original" for p in POSTS)
    narr = Counter(p["narrative_hint"] or "-" for p in POSTS)
    n = len(POSTS)
    print(f"posts.jsonl: {n} posts, {swapped} adjacent pairs out of created_at order, "
          f"{POSTS[0]['created_at']} .. {max(p['created_at'] for p in POSTS)}")
    print("  per platform: " + ", ".join(f"{k} {by_platform[k]}" for k in PLATFORMS))
    print("  per language: " + ", ".join(f"{k} {by_lang[k]} ({100 * by_lang[k] / n:.0f}%)" for k in LANGS))
    print("  per kind:     " + ", ".join(f"{k} {v}" for k, v in sorted(kinds.items())))
    print(f"  narratives:   {len(narr) - 1} ({narr['-']} posts belong to none)")
    for k, v in sorted(narr.items()):
        if k != "-":
            print(f"    {k:24s} {v}")
    print(f"posts.csv: {csv_text.count(chr(10) + 'facebook:csv-')} rows; languages (not in the file): "
          + ", ".join(f"{k} {csv_langs[k]}" for k in LANGS if csv_langs[k]))
    print(f"malformed.jsonl: {len(MALFORMED)} records")


if __name__ == "__main__":
    main()
