#!/usr/bin/env python3
"""Generate ``narratives.jsonl``: a labelled evaluation set for narrative grouping.

Run ``python data/eval/narratives_generate.py [OUTPUT]`` (default: ``narratives.jsonl`` beside
this script). Only the standard library is used and every random choice comes from one
``random.Random(SEED)``, so the output is byte-identical on every run (CPython 3.11; UTF-8,
``\\n`` line ends). Do not edit the output by hand: change this script and run it again.

What it is for
--------------
Narrative grouping gives every post a narrative id, online, in stream order. This file is the
answer key: every post carries ``narrative_gold`` (a string key) and ``gold_kind`` (how it was
made, for diagnosis only: a grouper must not read either field).

Label rules (what "one narrative" means here)
---------------------------------------------
* Near-duplicates and LIGHT paraphrases of a post are one narrative: a forward with a word
  changed or swapped, emoji added, "Sebarkan!!"/"Fwd:" added, other casing, slang spelling
  (gk, yg, bgt, udh), elongated letters, typos, a sentence added or dropped, a number
  changed, a few words in a regional language or Malay, or English code-mixing.
* A reshare, quote or reply (``reshare_of``/``quote_of``/``reply_to``) belongs to its parent's
  narrative, whatever its own text says ("ini hoaks bro" replying to a hoax is in the hoax's
  narrative), and so do replies to those replies.
* Posts sharing a link belong to the link's narrative, whatever form the link takes
  (``utm_*``/``fbclid`` parameters, http or https, trailing slash, ``m.`` or ``www.``); a
  post whose text is empty and that carries only the link or only a ``reshare_of`` (an image
  post) joins the link's or the parent's narrative.
* NOT merged: a hoax and its debunk (the debunk cluster is ``<hoax>-debunk``: every fact
  check of that hoax, with its reshares and replies, even though debunks quote the hoax text;
  debunks defang the hoax's link, e.g. ``bansos-kemensos2026[.]web[.]app``, and never
  carry ``quote_of`` to the hoax); two different hoaxes on one subject (vaccine microchip vs
  vaccine pork enzyme; two phishing links for aid money); an official announcement on the
  hoax's subject; news or chatter sharing words, hashtags or a domain (same site, other
  path; same YouTube host, other ``v=``).
* Every other post is its own singleton (``single-NNNN``), including very short posts
  ("wkwk", "hoax", "sebarkan!", "setuju", several with identical text), and empty-text posts
  with only a photo. A few chatter posts have replies: they form small ``thread-NN`` clusters.

How it is made
--------------
The base texts (20 hoaxes in 10 pairs on shared subjects, 7 non-hoax narratives: official
announcements and viral news, about 90 chatter posts) and 2-3 light paraphrases of each
narrative are hand-written; more paraphrases are made by applying 1-3 random operations
(:data:`OPS`) to a base or hand paraphrase. Each narrative then spreads: reshares (verbatim or
with empty text), quotes, replies (also replies to replies), link posts with variant URL
forms. Debunks (1-3 per hoax) come from invented fact-check desks and official stand-ins,
written from per-hoax claim/fact sentences with several templates, most quoting the hoax.
Posts span 2026-11-20 .. 2026-11-22 (UTC); the file is in ``created_at`` order except a few
reshares moved in front of their parent, as a stream can deliver them. All people, handles,
ids, desks and outlets are invented; URLs are illustrative (hoax domains are invented, do not
visit them); hoaxes are composites of the kinds Indonesian fact-checkers debunk, written for
this set.
"""

from __future__ import annotations

import json
import random
import re
import string
import sys
from collections import Counter
from datetime import datetime, timedelta, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
SEED = 20261120
rng = random.Random(SEED)

START = datetime(2026, 11, 20, 0, 0, 0, tzinfo=timezone.utc)
END = START + timedelta(hours=71, minutes=30)
RESHARE_OK = ["x", "facebook", "telegram", "mastodon", "bluesky"]
REPLY_OK = ["x", "facebook", "telegram", "mastodon", "bluesky", "reddit"]
QUOTE_OK = ["x", "facebook", "bluesky"]
SOCIAL = ["x", "facebook", "telegram", "mastodon", "reddit", "bluesky"]
SOCIAL_W = [30, 30, 14, 7, 8, 11]

# ============================================================================================
# People and accounts (all invented)
# ============================================================================================

FIRST = ["Rina", "Budi", "Siti", "Agus", "Dewi", "Rizky", "Fajar", "Nurul", "Ahmad", "Putri", "Yusuf",
         "Indah", "Hendra", "Lestari", "Bayu", "Maya", "Fitri", "Eko", "Wahyu", "Ayu", "Dimas", "Sari",
         "Taufik", "Anisa", "Rahmat", "Nadia", "Irfan", "Mega", "Aulia", "Norhayati", "Hairil",
         "Rusdi", "Mahyuni", "Noorlaila", "Joko", "Asep", "Tika", "Yoga", "Haziq", "Farah", "Danial"]
LAST = ["Santoso", "Wulandari", "Pratama", "Saputra", "Hidayat", "Nugroho", "Rahmawati", "Kurniawan",
        "Setiawan", "Siregar", "Maulana", "Fauzi", "Ramadhan", "Hakim", "Permana", "Noor", "Arsyad",
        "Fadillah", "Mulyadi", "Hasanah", "Purnama", "Kusuma", "Sembiring", "Rahman", "Azman", "Roslan"]
TG_CHANNELS = [("wargabanua_info", "Info Warga Banua"), ("kalsel_terkini", "Kalsel Terkini"),
               ("herbal_sehat_alami", "Herbal Sehat Alami"), ("infobansos_update", "Info Bansos Update"),
               ("suara_umat_viral", "Suara Umat Viral"), ("politik_hari_ini", "Politik Hari Ini"),
               ("tular_semasa_my", "Tular Semasa MY"), ("grup_rt05_guntung", "Grup RT 05 Guntung Manggis"),
               ("jatim_waspada", "Jatim Waspada"), ("emak2_banjarbaru", "Emak-Emak Banjarbaru")]
MASTODON_INSTANCES = ["mastodon.social", "mastodon.online", "kolektiva.social"]
B32 = "234567abcdefghijklmnopqrstuvwxyz"
B36 = string.digits + string.ascii_lowercase


def rand_str(alphabet: str, n: int) -> str:
    return "".join(rng.choice(alphabet) for _ in range(n))


def lognorm(mu: float, sigma: float) -> int:
    return int(rng.lognormvariate(mu, sigma))


def make_person(platform: str) -> dict:
    first, last = rng.choice(FIRST), rng.choice(LAST)
    f, l = first.lower(), last.lower()
    handle = rng.choice([f"{f}{l[:4]}{rng.randint(1, 99)}", f"{f}_{l}", f"{f}{rng.randint(80, 99)}",
                         f"{f}{l}", f"{rng.choice(['its', 'si', 'bang', 'mbak', 'kak'])}{f}"])
    name = f"{first} {last}"
    if platform == "x":
        return {"id": str(rng.randrange(10**7, 10**19)), "handle": handle, "display_name": name,
                "followers": lognorm(5.5, 1.6)}
    if platform == "facebook":
        return {"id": "1000" + rand_str(string.digits, 11), "handle": handle.replace("_", "."),
                "display_name": name, "followers": lognorm(5.0, 1.3)}
    if platform == "telegram":
        return {"id": str(rng.randrange(10**8, 7 * 10**9)), "handle": handle, "display_name": name,
                "followers": 0}
    if platform == "mastodon":
        inst = rng.choice(MASTODON_INSTANCES)
        return {"id": str(rng.randrange(10**17, 10**18)), "handle": f"{handle}@{inst}", "display_name": name,
                "followers": lognorm(4.5, 1.2), "_instance": inst, "_user": handle}
    if platform == "reddit":
        return {"id": "t2_" + rand_str(B36, 8), "handle": handle, "display_name": handle,
                "followers": lognorm(2.5, 1.5)}
    if platform == "bluesky":
        user = handle.replace("_", "")
        return {"id": "did:plc:" + rand_str(B32, 24), "handle": f"{user}.bsky.social", "display_name": name,
                "followers": lognorm(4.8, 1.3)}
    raise ValueError(platform)


PEOPLE = {p: [make_person(p) for _ in range(n)]
          for p, n in [("x", 70), ("facebook", 70), ("telegram", 25), ("mastodon", 18), ("reddit", 25),
                       ("bluesky", 25)]}
CHANNELS = [{"id": "-100" + rand_str(string.digits, 10), "handle": h, "display_name": n,
             "followers": lognorm(8.8, 1.0)} for h, n in TG_CHANNELS]


def acct(id_: str, handle: str, name: str, followers: int, **extra) -> dict:
    return {"id": id_, "handle": handle, "display_name": name, "followers": followers, **extra}


# Fact-check desks, outlets and stand-ins for public bodies: all invented accounts.
DESKS = {
    "x": [acct("1492200000000000011", "cekfakta_banua", "Cek Fakta Banua", 51340),
          acct("1210000000000003301", "jernih_kan", "Jernihkan - Cek Fakta", 127450),
          acct("870000000000000512", "kominfo_kalsel", "Diskominfo Kalsel", 29870)],
    "facebook": [acct("100071000003018", "antihoaks.banua", "Masyarakat Anti Hoaks Banua", 22170),
                 acct("100064000001709", "diskominfo.kalsel", "Dinas Kominfo Provinsi Kalsel", 63010)],
    "bluesky": [acct("did:plc:cekfaktabanuak3x7m2q5w4zr", "cekfaktabanua.bsky.social", "Cek Fakta Banua", 8860)],
    "mastodon": [acct("109200000000000888", "factcheck@mastodon.social", "SEA Fact Check Desk", 6415,
                      _instance="mastodon.social", _user="factcheck")],
    "news": [acct("cekfaktabanua.id", "cekfaktabanua", "Cek Fakta Banua", 0, _domain="cekfaktabanua.id")],
}
OUTLETS = {
    "wartabanua": acct("wartabanua.co.id", "wartabanua", "Warta Banua", 0, _domain="wartabanua.co.id"),
    "kalselpos": acct("kalselpos.id", "kalselpos", "Kalsel Pos", 0, _domain="kalselpos.id"),
    "herald": acct("archipelagoherald.com", "archipelagoherald", "Archipelago Herald", 0,
                   _domain="archipelagoherald.com"),
}
OFFICIAL = {
    "dinkes": acct("1390000000000004410", "dinkes_bjm", "Dinkes Kota Banjarmasin", 18420),
    "kpu": acct("100059000002024", "kpu.kalsel", "KPU Provinsi Kalimantan Selatan", 45210),
    "bpbd": acct("1100000000000001120", "bpbd_kalsel", "BPBD Provinsi Kalsel", 33950),
    "bmkg": acct("1650000000000000010", "infobmkg_jatim", "Info BMKG Jatim", 210330),
    "pln": acct("100062000000123", "pln.up3.banjarbaru", "PLN UP3 Banjarbaru", 15730),
}
OFFICIAL_PLATFORM = {"dinkes": "x", "kpu": "facebook", "bpbd": "x", "bmkg": "x", "pln": "facebook"}

# ============================================================================================
# Hand-written narratives
# ============================================================================================

# Each hoax: key, subject (hoaxes sharing a subject are the "same topic" pairs), base text, hand
# written light paraphrases, an optional link, and the claim/fact sentences its debunks use.
HOAXES = [
    dict(key="vaksin-microchip", subject="vaksin",
         base="INFO PENTING!! Vaksin booster yg baru itu ada microchip nya, nanti bisa dilacak lewat sinyal 5G. "
              "Temen sy perawat di RS udah liat sendiri isinya. Jangan mau divaksin, lindungi keluarga kalian!",
         hand=["Info dari temen yg perawat: vaksin booster baru ada microchipnya, bisa dilacak lewat sinyal 5G. "
               "Jgn mau divaksin ya, lindungi keluarga!!",
               "guys serius ini, vaksin booster yg baru ada microchip nya, bisa di-track pake sinyal 5G. temen gw "
               "nurse udah liat sendiri. jangan mau divaksin, protect your family!!",
               "INFO PENTING!! Vaksin booster yang baru ada microchip, nanti bisa dilacak lewat sinyal 5G. Teman "
               "saya perawat di RS sudah lihat sendiri. Jangan mau divaksin. Lindungi keluarga kalian! Mohon "
               "disebarkan ke grup keluarga."],
         claim="Vaksin booster berisi microchip yang bisa dilacak lewat sinyal 5G",
         fact="Vaksin hanya berisi bahan aktif, penstabil dan pelarut. Jarum suntik terlalu kecil untuk chip "
              "pelacak, dan chip tanpa baterai tidak bisa memancarkan sinyal 5G.",
         en="FALSE: booster vaccines in Indonesia do not contain 5G-trackable microchips. Vials hold the "
            "active ingredient, stabilisers and diluent; no chip fits through the needle or could transmit."),
    dict(key="vaksin-babi", subject="vaksin",
         base="Hati2 saudaraku, vaksin booster yg dipakai bulan ini mengandung enzim babi dan belum ada sertifikat "
              "halal dari MUI. Sudah banyak ustadz yg melarang. Tolong jangan diam, sebarkan ke grup pengajian!",
         hand=["Hati-hati saudara semua, vaksin booster yang digunakan bulan ini mengandungi enzim babi dan tiada "
               "sijil halal dari MUI. Ramai ustaz sudah melarang. Tolong jangan diam, sebarkan ke group surau!",
               "hati2 sodaraku, vaksin booster bulan ini ada enzim babi nya & blm ada sertifikat halal MUI. banyak "
               "ustadz udh ngelarang. jgn diem, sebarkan ke grup pengajian!!"],
         claim="Vaksin booster mengandung enzim babi dan tidak bersertifikat halal",
         fact="Vaksin booster yang dipakai di Kalsel sudah mendapat fatwa halal MUI dan izin edar BPOM, dan "
              "proses pembuatannya tidak memakai enzim babi."),
    dict(key="surat-suara-tercoblos", subject="pemilu",
         base="Astaghfirullah!! Ditemukan 7 kontainer surat suara sudah tercoblos di pelabuhan Trisakti "
              "Banjarmasin. Katanya kiriman dari luar negeri. Media diam semua. Viralkan sebelum dihapus!!",
         hand=["Ditemukan 7 kontainer surat suara yg SUDAH TERCOBLOS di Pelabuhan Trisakti Banjarmasin!! kiriman "
               "luar negeri katanya. media pd diem. viralkan sblm dihapus!!",
               "Astaghfirullah, ada 7 kontainer surat suara yang sudah dicoblos di pelabuhan Trisakti Banjarmasin, "
               "kiriman dari luar negeri. Kenapa media diam semua? Viralkan! #PemiluJurdil"],
         claim="Tujuh kontainer surat suara sudah tercoblos di Pelabuhan Trisakti Banjarmasin",
         fact="KPU Kalsel dan KSOP Banjarmasin memastikan tidak ada kontainer surat suara di pelabuhan. Surat "
              "suara pemungutan ulang belum dicetak dan distribusinya dikawal polisi."),
    dict(key="server-kpu-diatur", subject="pemilu",
         base="Bocoran orang dalam: server KPU sudah diatur supaya suara paslon nomor 2 otomatis ditambah 30 "
              "persen tiap malam jam 2. Makanya hasil Sirekap berubah-ubah terus. Simpan screenshot nya sebelum "
              "dihapus! https://suara-independen.blogspot.com/2026/11/bocoran-server-kpu.html",
         hand=["BOCORAN ORANG DALAM: server KPU udah disetting biar suara paslon no 2 otomatis nambah 30% tiap "
               "jam 2 malem. makanya sirekap berubah2 trs. simpen ss nya!!",
               "Dapat dari orang dalam, server KPU sudah diatur agar suara paslon nomor 2 ditambah 30 persen "
               "setiap malam jam 2. Pantas Sirekap berubah-ubah terus. Simpan screenshotnya sebelum dihapus!"],
         url="https://suara-independen.blogspot.com/2026/11/bocoran-server-kpu.html",
         claim="Server KPU diatur untuk menambah 30 persen suara paslon nomor 2",
         fact="Sirekap hanya alat bantu publikasi; hasil resmi ditetapkan lewat rekapitulasi berjenjang yang "
              "disaksikan semua peserta. Angka Sirekap berubah karena koreksi salah baca formulir C1."),
    dict(key="banjir-foto-lama", subject="banjir",
         base="Ya Allah banjir parah pagi ini di Jl. A. Yani km 6 Banjarmasin, air sampai setinggi dada 😭 Mohon "
              "doanya buat warga. Video kiriman warga: https://www.youtube.com/watch?v=Qm8vR2tBnX4",
         hand=["banjir parah pagi ini di jl a yani km 6 banjarmasin, air setinggi dada 😭😭 mohon doanya utk warga",
               "Ya Allah, banjir di Jl. A. Yani km 6 Banjarmasin pagi ini, air sampai dada. Mohon doanya untuk "
               "warga. Foto kiriman warga sekitar. #BanjirKalsel"],
         url="https://www.youtube.com/watch?v=Qm8vR2tBnX4",
         claim="Foto dan video banjir setinggi dada di Jl. A. Yani km 6 Banjarmasin hari ini",
         fact="Foto dan video itu direkam saat banjir besar Januari 2021. Pagi ini BPBD mencatat genangan 10-20 "
              "cm di beberapa ruas, bukan setinggi dada.",
         defang="youtube[.]com/watch?v=Qm8vR2tBnX4"),
    dict(key="bendungan-jebol", subject="banjir",
         base="WASPADA!! Bendungan Riam Kanan retak dan bisa jebol malam ini. Warga Martapura dan Banjarmasin "
              "diminta segera mengungsi ke tempat tinggi. Info dari kerabat yg kerja di PLTA. Sebarkan ke keluarga!!",
         hand=["WASPADA!! Bendungan Riam Kanan retak wan kawa jebol malam ini. Warga Martapura lawan Banjarmasin "
               "disuruh lakas mengungsi ke tempat tinggi. Info matan kerabat nang begawi di PLTA. Sebarkan!!",
               "waspada bendungan riam kanan retak bisa jebol malam ini!! warga martapura & banjarmasin segera "
               "ngungsi ke tempat tinggi. info kerabat yg kerja di PLTA"],
         claim="Bendungan Riam Kanan retak dan akan jebol malam ini",
         fact="Pengelola PLTA Riam Kanan dan BPBD Kalsel menyatakan bendungan dalam kondisi normal dan dipantau "
              "24 jam. Tidak ada perintah evakuasi."),
    dict(key="bansos-link-daftar", subject="bantuan",
         base="Alhamdulillah bansos tunai Rp600.000 dari Kemensos cair lagi bulan ini! Cukup isi NIK dan nomor HP "
              "di link berikut, langsung masuk rekening: https://bansos-kemensos2026.web.app/daftar",
         hand=["Bansos tunai Rp 600rb dr Kemensos cair lagi bln ini guys! cukup isi NIK & no HP di link ini "
               "langsung cair ke rekening https://bansos-kemensos2026.web.app/daftar",
               "ALHAMDULILLAH BANSOS TUNAI RP600.000 DARI KEMENSOS CAIR LAGI BULAN INI. CUKUP ISI NIK DAN NO HP, "
               "LANGSUNG MASUK REKENING"],
         url="https://bansos-kemensos2026.web.app/daftar",
         claim="Link pendaftaran bansos tunai Rp600.000 dari Kemensos",
         fact="Kemensos tidak pernah membuka pendaftaran bansos lewat tautan berantai. Situs itu phishing yang "
              "mencuri NIK dan nomor HP; cek penerima hanya di cekbansos.kemensos.go.id.",
         defang="bansos-kemensos2026[.]web[.]app"),
    dict(key="bsu-subsidi-gaji", subject="bantuan",
         base="Subsidi gaji BSU Rp1,2 juta untuk pekerja bergaji di bawah 5 juta sudah dibuka. Cek nama kamu dan "
              "klaim sebelum 25 November di sini: https://bsu-kemnaker.id-klaim.com/cek",
         hand=["BSU 1,2jt utk pekerja gaji dibawah 5jt udah dibuka!! cek nama km & klaim sblm 25 Nov disini "
               "https://bsu-kemnaker.id-klaim.com/cek",
               "Subsidi gaji BSU Rp1,2 juta sudah dibuka untuk pekerja dengan gaji di bawah 5 juta. Cek nama dan "
               "klaim sebelum 25 November. Buruan sebelum kuota habis!"],
         url="https://bsu-kemnaker.id-klaim.com/cek",
         claim="Link klaim subsidi gaji (BSU) Rp1,2 juta",
         fact="Kemnaker menyalurkan BSU lewat data BPJS Ketenagakerjaan tanpa pendaftaran lewat tautan. "
              "Situs itu bukan situs resmi dan meminta data pribadi.",
         defang="bsu-kemnaker[.]id-klaim[.]com"),
    dict(key="gempa-prediksi-bmkg", subject="gempa",
         base="BMKG memprediksi gempa magnitudo 8,7 akan mengguncang Jawa Timur malam ini antara jam 22.00-02.00. "
              "Siapkan tas darurat dan jangan tidur di dalam rumah. Info dari grup relawan.",
         hand=["bmkg prediksi gempa M8.7 guncang jatim malem ini jam 22.00-02.00!! siapin tas darurat, jgn tidur "
               "di dlm rumah. info grup relawan",
               "Lur, BMKG prediksi gempa magnitudo 8,7 bakal guncang Jawa Timur bengi iki jam 22.00-02.00. Siapke "
               "tas darurat, ojo turu nang njero omah. Info saka grup relawan."],
         claim="BMKG memprediksi gempa magnitudo 8,7 di Jawa Timur malam ini",
         fact="BMKG menegaskan gempa tidak dapat diprediksi waktu dan tempatnya secara tepat, dan BMKG tidak "
              "pernah mengeluarkan prediksi seperti itu.",
         en="FALSE: BMKG did not predict a magnitude 8.7 earthquake in East Java tonight. Earthquakes cannot be "
            "predicted to the hour; the message is a recycled chain letter."),
    dict(key="tsunami-pesan-berantai", subject="gempa",
         base="Peringatan dini tsunami!! Air laut di pantai selatan Jawa surut 500 meter sore ini, warga Pacitan "
              "sampai Cilacap harus segera naik ke dataran tinggi. Jangan tunggu sirene. Teruskan pesan ini!",
         hand=["PERINGATAN DINI TSUNAMI!!! air laut pantai selatan jawa surut 500m sore ini. warga pacitan s/d "
               "cilacap segera naik ke dataran tinggi, jgn nunggu sirene!! teruskan",
               "Peringatan dini tsunami: air laut di pantai selatan Jawa surut 500 meter sore ini. Warga Pacitan "
               "sampai Cilacap segera ke dataran tinggi. Teruskan pesan ini!!"],
         claim="Peringatan dini tsunami karena air laut surut 500 meter di pantai selatan Jawa",
         fact="BMKG tidak mengeluarkan peringatan dini tsunami hari ini dan tidak ada laporan air laut surut. "
              "Peringatan resmi hanya dari BMKG dan BPBD."),
    dict(key="kelapa-garam-covid", subject="obat",
         base="Resep dokter di Wuhan: minum air kelapa muda dicampur garam dan jeruk nipis 3 kali sehari bisa "
              "membunuh virus flu dan covid dalam 2 hari. Tidak perlu ke RS. Sudah terbukti!",
         hand=["resep dokter wuhan: air kelapa muda + garam + jeruk nipis diminum 3x sehari bisa bunuh virus flu "
               "& covid dlm 2 hari. gk perlu ke RS, udh terbukti!!",
               "Resep dokter di Wuhan, minum air kelapa muda campur garam dan jeruk nipis 3 kali sehari, virus flu "
               "dan covid mati dalam 2 hari. Sudah terbukti, tidak perlu ke rumah sakit. Semoga bermanfaat 🙏"],
         claim="Air kelapa campur garam dan jeruk nipis membunuh virus covid dalam 2 hari",
         fact="Tidak ada bukti ilmiah bahwa air kelapa, garam atau jeruk nipis membunuh virus. Pesan ini beredar "
              "sejak 2020 dan sudah dibantah Kemenkes."),
    dict(key="bawang-putih-dbd", subject="obat",
         base="Obat DBD paling ampuh: rebus 7 siung bawang putih dengan daun pepaya, minum pagi dan malam. "
              "Trombosit naik dalam sehari, adik saya sembuh tanpa opname. Bagikan, siapa tahu menolong.",
         hand=["obat DBD paling ampuh!! rebus 7 siung bawang putih sm daun pepaya, minum pagi & malem. trombosit "
               "langsung naik sehari, adek sy sembuh gk perlu opname",
               "Obat DBD paling ampuh: rebus tujuh siung bawang putih dengan daun pepaya, diminum pagi dan malam. "
               "Trombosit naik dalam sehari. Bagikan ya, siapa tahu menolong 🙏🙏"],
         claim="Rebusan bawang putih dan daun pepaya menyembuhkan DBD dalam sehari",
         fact="Belum ada obat herbal yang terbukti menyembuhkan DBD. Penderita perlu cairan cukup dan pemantauan "
              "trombosit di fasilitas kesehatan; menunda ke dokter bisa berbahaya."),
    dict(key="penculikan-avanza-putih", subject="anak",
         base="Hati-hati ibu-ibu!! Ada mobil Avanza putih tanpa plat berkeliaran di sekitar SD di Banjarbaru, "
              "sudah 3 anak diculik minggu ini. Jemput anak tepat waktu dan jangan biarkan main sendiri.",
         hand=["hati2 ibu2!! ada avanza putih tanpa plat keliling di sekitar SD Banjarbaru, udah 3 anak diculik "
               "minggu ini 😱 jemput anak tepat waktu ya",
               "Hati-hati ibu-ibu, ada mubil Avanza putih kada baplat bakuliling di sekitar SD di Banjarbaru, sudah "
               "3 ikung anak diculik minggu ini. Jemput anak tepat waktu, jangan biarkan bamain surang."],
         claim="Mobil Avanza putih tanpa plat menculik 3 anak di Banjarbaru",
         fact="Polres Banjarbaru memastikan tidak ada laporan penculikan anak minggu ini. Pesan serupa pernah "
              "beredar di kota lain dengan nama tempat berbeda."),
    dict(key="organ-kanak-kanak", subject="anak",
         base="Sindiket jual organ kanak-kanak sedang aktif di Johor Bahru dan Batam. Mereka culik budak di pasar "
              "raya dan ambil buah pinggang. Polis sudah sahkan. Tolong jaga anak-anak dan kongsi mesej ini!",
         hand=["SINDIKET JUAL ORGAN KANAK2 AKTIF DI JOHOR BAHRU & BATAM!!! culik budak kat pasar raya, ambil buah "
               "pinggang. polis dah sahkan. kongsi!!",
               "Sindikat jual organ anak-anak sedang aktif di Johor Bahru dan Batam. Mereka culik anak di pasar "
               "raya dan ambil ginjalnya. Polisi sudah membenarkan. Tolong jaga anak-anak dan bagikan pesan ini!"],
         claim="Sindikat penjual organ anak aktif di Johor Bahru dan Batam",
         fact="Polis Diraja Malaysia dan Polda Kepri membantah: tidak ada laporan penculikan anak untuk diambil "
              "organnya. Pesan ini daur ulang hoaks lama.",
         en="FALSE: no child organ-trafficking ring has been reported in Johor Bahru or Batam. Police in both "
            "Malaysia and Riau Islands deny the viral message."),
    dict(key="pln-padam-3-hari", subject="listrik",
         base="Info dari orang PLN: mulai Senin listrik se-Jawa Bali akan padam total 3 hari karena perbaikan gardu "
              "induk. Siapkan lilin, air bersih dan isi daya HP dari sekarang!",
         hand=["info orang PLN: mulai senin listrik se jawa bali PADAM TOTAL 3 hari krn perbaikan gardu induk!! "
               "siapin lilin, air, cas hp dr skrg",
               "Info saka wong PLN: mulai Senin listrik se-Jawa Bali bakal padam total 3 dina amarga perbaikan "
               "gardu induk. Siapke lilin, banyu resik lan cas HP wiwit saiki!"],
         claim="Listrik se-Jawa Bali padam total 3 hari mulai Senin",
         fact="PLN memastikan tidak ada rencana pemadaman total. Pemeliharaan gardu dilakukan bergilir per "
              "wilayah dan diumumkan resmi lewat aplikasi PLN Mobile."),
    dict(key="pln-tarif-naik", subject="listrik",
         base="Mulai 1 Desember tarif listrik 900 VA naik 50 persen dan subsidi dicabut semua. Yang belum daftar "
              "ulang meteran sebelum 30 November akan diputus. Cepat daftar ulang di kantor PLN terdekat!",
         hand=["mulai 1 desember tarif listrik 900VA naik 50%!! subsidi dicabut semua. yg blm daftar ulang meteran "
               "sblm 30 nov bakal diputus. buruan daftar ulang",
               "Mulai 1 Desember tarif listrik 900 VA naik 50 persen, subsidi dicabut. Meteran yang belum didaftar "
               "ulang sebelum 30 November akan diputus. Sebarkan ke tetangga!"],
         claim="Tarif listrik 900 VA naik 50 persen dan meteran harus didaftar ulang",
         fact="Kementerian ESDM menetapkan tarif listrik triwulan I tidak berubah, dan PLN tidak pernah meminta "
              "pelanggan mendaftar ulang meteran."),
    dict(key="wa-dipantau", subject="whatsapp",
         base="Mulai besok ada peraturan komunikasi baru: semua panggilan dan chat WhatsApp direkam dan dipantau "
              "pemerintah. Jangan kirim apa pun soal politik dan agama. Centang tiga biru berarti pesanmu sudah "
              "dibaca pemerintah.",
         hand=["mulai besok ada aturan baru: semua telpon & chat WA direkam + dipantau pemerintah!! jgn kirim soal "
               "politik & agama. centang 3 biru = pesan km udh dibaca pemerintah",
               "Mulai besok ada peraturan komunikasi baru, semua panggilan dan chat WhatsApp direkam dan dipantau "
               "pemerintah. Jangan kirim soal politik dan agama. Tolong teruskan ke semua grup!"],
         claim="Semua chat dan panggilan WhatsApp direkam dan dipantau pemerintah mulai besok",
         fact="Tidak ada peraturan baru seperti itu. WhatsApp memakai enkripsi ujung ke ujung, dan tanda centang "
              "tiga tidak pernah ada."),
    dict(key="wa-berbayar", subject="whatsapp",
         base="Pesan dari WhatsApp: mulai 1 Desember WhatsApp akan berbayar Rp5.000 per bulan. Kalau kamu kirim "
              "pesan ini ke 10 kontak, logo kamu berubah biru dan tetap gratis selamanya.",
         hand=["pesan dr whatsapp: mulai 1 desember WA berbayar 5rb/bulan. kirim pesan ini ke 10 kontak biar logo "
               "km jd biru & gratis selamanya!!",
               "Pesan dari WhatsApp: starting 1 December WhatsApp akan berbayar Rp5.000 per month. Kirim pesan ini "
               "ke 10 kontak, logo kamu jadi biru dan free forever."],
         claim="WhatsApp berbayar Rp5.000 per bulan mulai 1 Desember",
         fact="WhatsApp tidak memungut biaya dari pengguna dan tidak pernah mengirim pesan berantai. Pesan serupa "
              "beredar sejak 2012.",
         en="FALSE: WhatsApp is not starting a Rp5,000 monthly fee, and forwarding a message to 10 contacts "
            "changes nothing. Versions of this chain letter have circulated since 2012."),
    dict(key="telur-palsu", subject="pangan",
         base="Awas telur palsu dari plastik beredar di pasar Martapura! Kalau digoreng tidak mau matang dan "
              "kuningnya bisa dipantulkan seperti bola. Cek dulu sebelum beli, kasihan anak-anak.",
         hand=["AWAS TELUR PALSU dr plastik beredar di pasar martapura!! kl digoreng gk mateng2, kuningnya bisa "
               "dipantulin kayak bola 😱",
               "Awas, telur palsu dari plastik sudah beredar di Pasar Martapura. Digoreng tidak matang, kuningnya "
               "memantul seperti bola. Cek dulu sebelum beli ya bunda."],
         claim="Telur palsu dari plastik beredar di Pasar Martapura",
         fact="Dinas Ketahanan Pangan menguji sampel dari Pasar Martapura dan semuanya telur asli. Kuning telur "
              "yang kenyal biasanya karena telur lama disimpan di lemari es."),
    dict(key="beras-plastik", subject="pangan",
         base="Beras plastik dari luar negeri sudah masuk ke Banjarmasin! Kalau dimasak nasinya mengeras dan kalau "
              "dibakar meleleh seperti plastik. Beli beras di toko langganan saja. Sebarkan!",
         hand=["beras plastik dr luar negeri udah masuk banjarmasin!!! dimasak nasinya keras, dibakar meleleh kyk "
               "plastik. beli di toko langganan aja",
               "Beras plastik dari luar negeri sudah masuk Banjarmasin. Dimasak jadi keras, dibakar meleleh seperti "
               "plastik. Hati-hati belanja, sebarkan ke keluarga."],
         claim="Beras plastik dari luar negeri masuk ke Banjarmasin",
         fact="Uji laboratorium Balai POM di Banjarmasin tidak menemukan beras plastik. Beras apa pun tampak "
              "meleleh dan gosong bila dibakar karena kandungan patinya."),
]

# Non-hoax narratives: official announcements on the hoaxes' subjects and viral news.
OTHERS = [
    dict(key="dinkes-jadwal-booster", subject="vaksin", by="dinkes",
         base="Dinkes Kota Banjarmasin: vaksinasi booster gratis untuk lansia dan tenaga pendidik dibuka 21-25 "
              "November 2026 di 26 puskesmas, pukul 08.00-12.00 WITA. Bawa KTP. Jadwal lengkap: "
              "https://dinkes.banjarmasinkota.go.id/2026/11/jadwal-vaksinasi-booster",
         hand=["Info vaksin booster gratis utk lansia & guru di 26 puskesmas Banjarmasin tgl 21-25 Nov, jam 08.00-"
               "12.00 WITA. jgn lupa bawa KTP ya",
               "Vaksinasi booster gratis untuk lansia dan tenaga pendidik dibuka 21-25 November 2026 di 26 "
               "puskesmas Banjarmasin, pukul 08.00-12.00 WITA. Bawa KTP. Ajak orang tua kita 🙏"],
         url="https://dinkes.banjarmasinkota.go.id/2026/11/jadwal-vaksinasi-booster"),
    dict(key="kpu-jadwal-rekap", subject="pemilu", by="kpu",
         base="KPU Provinsi Kalimantan Selatan: rekapitulasi suara pemungutan suara ulang tingkat kecamatan "
              "dilaksanakan 21-23 November 2026. Hasil resmi dapat dipantau di "
              "https://kalsel.kpu.go.id/berita/rekapitulasi-kecamatan-2026 . Saksi peserta diundang hadir. "
              "#PemiluDamai",
         hand=["Rekapitulasi suara PSU tingkat kecamatan 21-23 November 2026, hasil resmi bisa dipantau di web "
               "KPU Kalsel. Saksi peserta diundang hadir #PemiluDamai",
               "KPU Kalsel: rekap suara PSU tingkat kecamatan tgl 21-23 Nov 2026. pantau hasil resminya di web KPU, "
               "saksi diundang hadir"],
         url="https://kalsel.kpu.go.id/berita/rekapitulasi-kecamatan-2026"),
    dict(key="bpbd-siaga-banjir", subject="banjir", by="bpbd",
         base="BPBD Kalsel: status Siaga Darurat Banjir diperpanjang hingga 30 November 2026. Warga di bantaran "
              "Sungai Martapura diimbau waspada saat hujan deras dan menghubungi 112 bila perlu evakuasi. "
              "#BanjirKalsel",
         hand=["Status Siaga Darurat Banjir Kalsel diperpanjang s/d 30 November 2026. Warga bantaran Sungai "
               "Martapura waspada kalau hujan deras, hubungi 112 kalau perlu evakuasi",
               "BPBD Kalsel memperpanjang status siaga darurat banjir hingga 30 November. Yang tinggal di bantaran "
               "Sungai Martapura harap waspada ya, darurat telepon 112. #BanjirKalsel"],
         url="https://bpbd.kalselprov.go.id/siaga-darurat-banjir-diperpanjang"),
    dict(key="bmkg-info-gempa", subject="gempa", by="bmkg",
         base="Info Gempa Mag:4.6, 21-Nov-2026 03:14:22 WIB, Lok:8.52 LS, 111.03 BT (Pusat gempa berada di laut "
              "72 km BaratDaya Pacitan), Kedlmn:24 Km, tidak berpotensi tsunami #BMKG",
         hand=["Gempa M4.6 tadi jam 03.14 WIB, pusat di laut 72 km barat daya Pacitan, kedalaman 24 km. Tidak "
               "berpotensi tsunami kata BMKG. Tetap tenang lur",
               "barusan gempa M4,6 jam 03:14 WIB, 72 km barat daya Pacitan, kedalaman 24 km, tidak berpotensi "
               "tsunami #BMKG"]),
    dict(key="pln-pemeliharaan-jaringan", subject="listrik", by="pln",
         base="PLN UP3 Banjarbaru: pemeliharaan jaringan terjadwal Sabtu, 21 November 2026 pukul 09.00-14.00 WITA. "
              "Wilayah terdampak: Jl. Panglima Batur, Guntung Manggis dan sekitarnya. Mohon maaf atas "
              "ketidaknyamanannya. https://web.pln.co.id/pelanggan/pemeliharaan/up3-banjarbaru-21-november",
         hand=["Besok Sabtu 21 Nov listrik padam jam 09.00-14.00 WITA utk pemeliharaan jaringan, wilayah Jl "
               "Panglima Batur, Guntung Manggis dsk. Info resmi PLN UP3 Banjarbaru",
               "PLN UP3 Banjarbaru ada pemeliharaan jaringan Sabtu 21 November jam 09.00-14.00 WITA. Terdampak: "
               "Jl. Panglima Batur, Guntung Manggis dan sekitarnya. Siap2 cas HP"],
         url="https://web.pln.co.id/pelanggan/pemeliharaan/up3-banjarbaru-21-november"),
    dict(key="timnas-menang-vietnam", subject="bola", by="wartabanua",
         base="Timnas Indonesia menang 2-1 atas Vietnam di Stadion Gelora Bung Karno. Gol kemenangan dicetak pada "
              "menit 88 dan Indonesia kini memimpin klasemen grup. "
              "https://wartabanua.co.id/2026/11/timnas-menang-2-1-atas-vietnam",
         hand=["GOLLL menit 88!!! Timnas menang 2-1 lawan Vietnam di GBK, Indonesia pimpin klasemen grup 🇮🇩🔥",
               "Timnas Indonesia menang 2-1 atas Vietnam di GBK, gol kemenangan menit 88. Sekarang memimpin "
               "klasemen grup. Bangga!!"],
         url="https://wartabanua.co.id/2026/11/timnas-menang-2-1-atas-vietnam"),
    dict(key="soto-banjar-viral", subject="kuliner", by="wartabanua",
         base="Soto Banjar Bang Amat di tepi Sungai Martapura masuk daftar 50 sup terbaik dunia versi situs "
              "kuliner internasional. Pengunjung antre sampai ke jalan sejak pagi. "
              "https://wartabanua.co.id/2026/11/soto-banjar-bang-amat-masuk-daftar-sup-terbaik-dunia",
         hand=["Soto Banjar Bang Amat masuk daftar 50 sup terbaik dunia!! antrenya sampe ke jalan dr pagi 😍",
               "soto bang amat di pinggir sungai martapura masuk 50 sup terbaik dunia, pantes antri nya panjang "
               "bgt td pagi wkwk"],
         url="https://wartabanua.co.id/2026/11/soto-banjar-bang-amat-masuk-daftar-sup-terbaik-dunia"),
]

# Ordinary posts: each its own narrative. Many share words, hashtags or sites with the hoaxes.
CHATTER = [
    "Alhamdulillah udah booster kemarin di puskesmas, lengan pegel dikit doang",
    "vaksin anak jadwalnya kapan ya bun? posyandu deket rumah blm ada info",
    "Hujan deres bgt dari subuh, jemuran gk kering2 wkwk",
    "Macet parah di Jl. A. Yani km 4 arah Banjarbaru, ada truk mogok",
    "Ada yg tau bengkel motor buka hari minggu di daerah Kayu Tangi?",
    "nonton timnas di mana nih malam ini? nobar di kafe deket ULM yuk",
    "harga cabai rawit di pasar Martapura tembus 80rb sekilo, emak2 pusing",
    "Selamat pagi Banua, jangan lupa sarapan ☕",
    "Lowongan kerja admin gudang Banjarbaru, min SMA, kirim CV ke HRD ya, info di bio",
    "Siapa yang masih pakai WA versi lama? stiker baru gk muncul di hp ku",
    "sinyal di rumah jelek bgt akhir2 ini, provider lagi gangguan kah?",
    "Pemadaman listrik tadi cuma 10 menit, untung kulkas aman",
    "anakku demam 3 hari, udah ke dokter katanya cuma radang. semoga lekas sembuh nak",
    "Resep nasi kuning Banjar ala mama, nanti aku tulis di IG ya",
    "Pengajian malam Jumat di langgar dekat rumah rame bgt alhamdulillah",
    "Musim durian udah mulai, di Kandangan 25rb dapat 3 biji",
    "Kapan ya jalan di Gambut dibenerin, lubangnya kayak kolam ikan",
    "Tolong doanya, ibu saya besok operasi katarak di RSUD Ulin 🙏",
    "mau beli beras yang enak merk apa ya? yg pulen buat anak",
    "Telur ayam naik lagi jadi 29rb sekilo di warung sebelah",
    "Selamat hari guru buat semua guru di Indonesia, terima kasih atas jasamu",
    "ojol di Banjarmasin sekarang susah dapet kalau sore, pada ke mana ya",
    "Server game lagi maintenance, gabut bgt",
    "bendungan di kampung nenekku bagus bgt buat foto, airnya jernih",
    "Apakah ada rekomendasi kos putri dekat kampus ULM Banjarbaru?",
    "Ngopi dulu biar gk ngantuk, kerjaan numpuk",
    "Pasar terapung Lok Baintan rame turis pagi ini, pedagangnya ramah2",
    "kucingku hilang di sekitar Jl. Sultan Adam, warna oren ekor pendek, kalau ketemu DM ya 😭",
    "Pemilu kemarin aku jadi KPPS, capeknya masih kerasa sampai sekarang",
    "Debat kandidat tadi malam kurang greget ya, banyak jawaban normatif",
    "Gempa kecil tadi kerasa gk di Malang? lampu gantung goyang dikit",
    "Tas darurat isinya apa aja sih? mau siapin buat keluarga",
    "Beli token listrik 100rb dapat berapa kWh sekarang?",
    "Jalan santai HUT kota minggu depan, ada doorprize motor katanya",
    "Mohon info apotek 24 jam di Banjarbaru",
    "Banjir di depan rumah udah surut, tinggal lumpurnya aja",
    "akhirnya gajian juga, bayar cicilan dulu baru jajan",
    "Lagi belajar bikin wadai untuk Maulid, doakan berhasil ya",
    "Warga Guntung Manggis kerja bakti bersihin selokan pagi ini",
    "Rekomendasi tempat bukber di Banjarmasin yang parkirnya luas?",
    "Kenapa ya tiap musim hujan pasti ada yang tumbang pohonnya di Jl. Ahmad Yani",
    "Siapa yg udah coba kopi susu gula aren di Martapura yg baru buka?",
    "Nonton konser tadi malam seru bgt, suaraku habis",
    "Dompetku ketinggalan di angkot jurusan Kayu Tangi, semoga ada orang baik",
    "Yang punya anak SD, PR matematika sekarang susah2 ya",
    "Bapak-bapak ronda malam ini giliran RT 05, jangan lupa bawa senter",
    "Tim voli kampung menang lagi! final minggu depan",
    "Latihan manasik haji di masjid raya Sabilal Muhtadin diikuti 300 jamaah",
    "WFH hari ini, koneksi lancar tumben",
    "Baru tau kalau daun pepaya bisa buat lalapan, pahit tapi enak",
    "Jual motor Vario 2019 mulus, pajak hidup, Banjarbaru, minat DM",
    "Selamat ulang tahun ibu, semoga sehat selalu ❤️",
    "ada yang jual bibit cabai di Martapura? mau nanem di pot",
    "tukang servis AC yg amanah di Banjarmasin siapa ya",
    "Anak-anak TK hari ini study tour ke kantor pemadam kebakaran, lucu2",
    "Cuaca panas bgt siang ini padahal tadi pagi hujan",
    "Hari ini belajar bikin website pake framework baru, pusing tapi seru",
    "Pengumuman: arisan RT dipindah ke rumah Bu Yanti hari Kamis",
    "antrean SPBU panjang bgt di Jl. Gubernur Syarkawi",
    "Sapa lur sing nonton wayang mengko bengi nang alun-alun?",
    "Dino iki panase pol, ngombe es teh wae",
    "Mugi-mugi sedaya tansah pinaringan sehat, sugeng enjing",
    "Ulun handak tulak ka Banjarmasin isuk, ada nang handak umpat?",
    "Hari ini hujan labat banar, kada kawa tulak bagawi",
    "Wadai bingka di pasar Kandangan nyaman banar, pian harus coba",
    "Cuaca panas gila hari ni, aircond kat rumah pulak rosak",
    "Ada sesiapa tahu kedai makan sedap dekat Shah Alam?",
    "Jalan sesak teruk pagi ni, semua nak pergi kerja awal",
    "Just landed in Banjarmasin, any recommendations for soto and river tours?",
    "Traffic in Jakarta today is insane, 2 hours for 10 km",
    "Anyone else's WhatsApp web logging out randomly today?",
    "Great read on how Indonesian fact-checkers verify viral videos, worth your time",
    "The floating market at dawn is something else. Highly recommend.",
    "Reminder that the Python meetup in Banjarbaru is this Saturday, all levels welcome",
    "Kemensos buka lowongan pendamping PKH, cek pengumuman resminya di web Kemensos ya",
    "Antrian pencairan PKH di kantor pos Martapura rame, bawa payung",
    "BMKG: cuaca besok hujan ringan sampai sedang di sebagian besar Kalsel",
    "KPU Banjar lantik anggota PPK baru hari ini",
    "Harga emas Antam hari ini naik Rp12.000 per gram",
    "Banjarbaru raih penghargaan kota layak anak tahun ini",
    "PLN Mobile lagi promo tambah daya, lumayan buat yg mau pasang AC",
    "Pelabuhan Trisakti hari ini ramai pemudik yang mau nyebrang ke Jawa",
    "Gabung grup Telegram komunitas fotografer Banua, link di bio",
    "Ayo cek fakta sebelum sebar, biasakan tabayyun",
    "Grup WA keluarga isinya forward-an semua, capek jelasinnya 😮‍💨",
    "literasi digital penting bgt buat orang tua kita, jangan bosen ngingetin",
    "Cara lapor konten hoaks ke aduankonten itu gimana ya?",
    "Video lucu kucing main air: https://www.youtube.com/watch?v=Zk3pW9aTq1E",
    "Berita lengkapnya: https://wartabanua.co.id/2026/11/harga-bahan-pokok-jelang-akhir-tahun",
    "Baca juga: https://kalselpos.id/2026/11/jembatan-alalak-ramai-saat-akhir-pekan",
]
CHATTER_NEWS = [
    ("kalselpos", "Pemkot Banjarmasin Gelar Operasi Pasar Jelang Akhir Tahun\n\nPemerintah Kota Banjarmasin "
     "menggelar operasi pasar murah di enam kecamatan untuk menekan harga beras dan telur."),
    ("wartabanua", "Debit Sungai Martapura Naik, Warga Bantaran Diminta Waspada\n\nHujan deras sejak Kamis "
     "membuat debit air naik, namun belum ada laporan banjir besar."),
    ("herald", "Indonesia's fact-checkers brace for a busy election re-run season\n\nVolunteer networks in "
     "South Kalimantan say WhatsApp forwards remain the hardest to track."),
    ("kalselpos", "Dinkes Kalsel: Kasus DBD Meningkat di Musim Hujan\n\nMasyarakat diimbau melakukan 3M plus "
     "dan segera ke puskesmas bila demam tinggi lebih dari dua hari."),
    ("wartabanua", "PLN Tambah Gardu Baru di Banjarbaru\n\nGardu induk baru diharapkan mengurangi gangguan "
     "listrik di kawasan Liang Anggang."),
    ("herald", "Malaysia and Indonesia agree on joint patrols near Batam\n\nThe agreement covers smuggling and "
     "human trafficking routes."),
]
SHORT = ["wkwk", "wkwkwk", "hoax", "hoaks", "sebarkan!", "setuju", "setuju", "ngeri", "aamiin", "👍", "mantap",
         "waduh", "sip", "hmm", "lol", "sebarkan!", "wkwk", "🙏"]
THREADS = [  # chatter with replies: small clusters of their own
    ("Ada yang tau jadwal kapal ke Kotabaru minggu ini?",
     ["coba tanya di pelabuhan Batulicin kak", "senin sama kamis biasanya"]),
    ("Rekomendasi laptop buat kuliah di bawah 8 juta dong",
     ["cari yg ram 16gb kak", "aku pake yg merk lokal, awet kok"]),
    ("Ini masjid mana ya? arsitekturnya bagus bgt",
     ["Masjid Sultan Suriansyah kalau gk salah"]),
    ("Turns out my grandma has been fact-checking her WA group all week. Legend.",
     ["this is wholesome", "we need more grandmas like her"]),
    ("Lagi di Banjarbaru, mampir mana ya buat makan malam?",
     ["ayam bakar Pak Ndut enak", "coba soto di Jl. Panglima Batur"]),
]

HOAX_REPLIES = [
    "ini beneran? sumbernya dari mana?", "astaga ngeri bgt 😨", "hoaks ini, udah dibantah kemarin",
    "makasih infonya kak", "ya Allah semoga gk bener", "udah sering beredar ini dari thn lalu",
    "share ke grup keluarga ah", "tolong jangan asal share dulu, cek dulu", "ada link beritanya gk?",
    "@cekfakta_banua tolong dicek min", "temen sy jg dapet pesan yg sama td pagi",
    "is this true? my mum sent this to the family group", "betul ke ni? jangan main share je",
    "mosok to? aku durung krungu", "bujur kah ini? ulun baru tahu", "hati2 semua", "pantesan...",
    "nah kan, apa kubilang dari kemarin", "jangan percaya dulu, tunggu rilis resmi", "serem amat",
]
OFFICIAL_REPLIES = [
    "terima kasih infonya min", "di tempat saya juga ya min?", "noted min 🙏", "semoga lancar",
    "kalau dari luar kota bisa ikut?", "mantap, sudah dishare ke grup RT", "jam berapa selesainya min?",
]
DEBUNK_REPLIES = [
    "makasih min, langsung share ke grup keluarga", "nah kan udah kuduga hoaks",
    "tolong dibuat versi gambar min biar gampang disebar", "orang tua ku udah terlanjur percaya 😭",
    "thanks for clarifying", "alhamdulillah bukan beneran",
]
QUOTES = ["serius ini?? 😱", "hati2 semua", "ini hoaks bukan sih?", "waspada guys", "tolong diluruskan",
          "baru dapet dr grup keluarga", "Info penting, baca sampai habis 👇", "yang bener aja", "bruh",
          "siapa yg bisa konfirmasi?"]
OFFICIAL_QUOTES = ["Info resmi, silakan disebarkan", "catat tanggalnya ya", "nah ini sumber resminya",
                   "penting buat warga Banjarbaru"]
LINK_LEADS = ["cek ini", "baca dulu", "nih linknya", "buruan", "ada yg udah coba?", "dari grup sebelah 👇",
              "FYI", "link:"]

# ============================================================================================
# Light paraphrase operations
# ============================================================================================

URL_RE = re.compile(r"(?:https?://|www\.)[^\s\"'<>]+")
HASHTAG_RE = re.compile(r"(?<![\w&/])#(\w+)")
MENTION_RE = re.compile(r"(?<![\w./@])@(\w[\w.-]*\w(?:@[\w-]+(?:\.[\w-]+)+)?)")
WORD_RE = re.compile(r"[A-Za-z][A-Za-z\-]*[A-Za-z]|[A-Za-z]")

SLANG = {"yang": "yg", "tidak": "gk", "sudah": "udh", "dengan": "dgn", "untuk": "utk", "jangan": "jgn",
         "sebelum": "sblm", "belum": "blm", "dari": "dr", "saja": "aja", "kamu": "km", "karena": "krn",
         "sekarang": "skrg", "sama": "sm", "kalau": "kalo", "juga": "jg", "saya": "sy", "banget": "bgt",
         "hati-hati": "hati2", "ibu-ibu": "ibu2", "anak-anak": "anak2", "berubah-ubah": "berubah2",
         "pesan": "psn", "malam": "malem", "bisa": "bs", "tolong": "tlg", "terus": "trs", "dalam": "dlm"}
FORMAL = {v: k for k, v in SLANG.items()} | {"gak": "tidak", "ga": "tidak", "udah": "sudah", "temen": "teman",
                                             "nggak": "tidak", "sy": "saya", "utk": "untuk", "jd": "jadi"}
SWAP = {"segera": "cepat", "sebarkan": "bagikan", "bagikan": "sebarkan", "waspada": "awas", "info": "kabar",
        "mohon": "tolong", "warga": "masyarakat", "teman": "kawan", "temen": "kawan", "parah": "besar",
        "viralkan": "sebarkan", "teruskan": "sebarkan", "diminta": "disuruh", "hati-hati": "waspada",
        "ditemukan": "ada", "langsung": "otomatis", "semua": "seluruh", "penting": "darurat", "cepat": "segera"}
PREFIXES = ["Fwd: ", "Forwarded as received:\n", "Copas dari grup sebelah:\n", "[Info grup RT] ",
            "Dari grup WA keluarga 👇\n", "Diteruskan: ", "INFO!! ", "Penting!! "]
SUFFIXES = [" Sebarkan!!", " SEBARKAN!!!", "\n\nShare ke grup keluarga ya 🙏", " #viral", " Semoga bermanfaat.",
            " (copas)", " Sebarkan ke grup2 ya", " Please share."]
ADD_SENTENCES = ["Ini bukan hoaks.", "Saya cuma meneruskan.", "Mohon maaf kalau sudah dapat.",
                 "Dapat dari grup sebelah.", "Benar atau tidak, waspada saja.", "Jangan sampai terlambat.",
                 "Tolong dibaca sampai habis."]
EMOJI = ["⚠️", "🙏", "😱", "‼️", "🚨", "😭", "🔥", "👇", "😡", "🤲"]
ELONGATE_RE = re.compile(r"\b([A-Za-z]{3,}[aeiouhk])\b")


def _outside_urls(text: str, fn) -> str:
    """Apply ``fn`` to the parts of ``text`` that are not URLs."""
    out, pos = [], 0
    for m in URL_RE.finditer(text):
        out.append(fn(text[pos:m.start()]))
        out.append(m.group(0))
        pos = m.end()
    out.append(fn(text[pos:]))
    return "".join(out)


def _case_like(orig: str, new: str) -> str:
    if orig.isupper() and len(orig) > 1:
        return new.upper()
    if orig[:1].isupper():
        return new[:1].upper() + new[1:]
    return new


def _replace_some(text: str, table: dict, k: int) -> str:
    """Replace up to ``k`` randomly chosen words found in ``table`` (keeping their casing)."""
    hits = [m for m in WORD_RE.finditer(text) if m.group(0).lower() in table]
    # URLs never contain spaces; skip hits inside them
    spans = [(u.start(), u.end()) for u in URL_RE.finditer(text)]
    hits = [m for m in hits if not any(a <= m.start() < b for a, b in spans)]
    if not hits:
        return text
    chosen = sorted(rng.sample(hits, min(k, len(hits))), key=lambda m: m.start(), reverse=True)
    for m in chosen:
        text = text[:m.start()] + _case_like(m.group(0), table[m.group(0).lower()]) + text[m.end():]
    return text


def op_slang(t: str) -> str:
    return _replace_some(t, SLANG, rng.randint(1, 4))


def op_formal(t: str) -> str:
    return _replace_some(t, FORMAL, rng.randint(1, 4))


def op_swap(t: str) -> str:
    return _replace_some(t, SWAP, 1)


def op_emoji(t: str) -> str:
    e = "".join(rng.choice(EMOJI) for _ in range(rng.randint(1, 3)))
    glued = "" if URL_RE.search(t.split()[-1] if t.split() else "") is None else " "
    return rng.choice([f"{e} {t}", f"{t} {e}", f"{t}{glued}{e}"])


def op_prefix(t: str) -> str:
    return rng.choice(PREFIXES) + t


def op_suffix(t: str) -> str:
    return t.rstrip() + rng.choice(SUFFIXES)


def op_case(t: str) -> str:
    return _outside_urls(t, str.upper if rng.random() < 0.5 else str.lower)


def _elongate_one(t: str) -> str:
    spans = [(u.start(), u.end()) for u in URL_RE.finditer(t)]
    ms = [m for m in ELONGATE_RE.finditer(t) if not any(a <= m.start() < b for a, b in spans)]
    if not ms:
        return t
    m = rng.choice(ms)
    w = m.group(1)
    return t[:m.start()] + w + w[-1] * rng.randint(2, 5) + t[m.end():]


def op_typo(t: str) -> str:
    spans = [(u.start(), u.end()) for u in URL_RE.finditer(t)]
    ms = [m for m in WORD_RE.finditer(t) if len(m.group(0)) >= 5 and not any(a <= m.start() < b for a, b in spans)]
    if not ms:
        return t
    for m in sorted(rng.sample(ms, min(len(ms), rng.randint(1, 2))), key=lambda m: m.start(), reverse=True):
        w = m.group(0)
        i = rng.randrange(1, len(w) - 1)
        kind = rng.randrange(3)
        if kind == 0:
            w2 = w[:i] + w[i + 1] + w[i] + w[i + 2:]
        elif kind == 1:
            w2 = w[:i] + w[i + 1:]
        else:
            w2 = w[:i] + w[i] + w[i:]
        t = t[:m.start()] + w2 + t[m.end():]
    return t


def _sentences(t: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?])\s+", t.strip()) if s]


def op_drop_sentence(t: str) -> str:
    ss = _sentences(t)
    if len(ss) < 3:
        return t
    i = rng.randrange(1, len(ss))
    if URL_RE.search(ss[i]):
        return t
    return " ".join(ss[:i] + ss[i + 1:])


def op_add_sentence(t: str) -> str:
    return t.rstrip() + " " + rng.choice(ADD_SENTENCES)


def op_number(t: str) -> str:
    spans = [(u.start(), u.end()) for u in URL_RE.finditer(t)]
    ms = [m for m in re.finditer(r"\b\d{1,3}\b", t) if not any(a <= m.start() < b for a, b in spans)]
    if not ms:
        return t
    m = rng.choice(ms)
    n = int(m.group(0))
    return t[:m.start()] + str(n + rng.choice([1, 2, -1]) if n > 2 else n + 1) + t[m.end():]


def op_punct(t: str) -> str:
    return rng.choice([lambda s: re.sub(r"!+", "!!!!", s), lambda s: s.replace(". ", ".. "),
                       lambda s: re.sub(r"[!.]+(?=\s|$)", "", s)])(t)


OPS = [op_slang, op_formal, op_swap, op_emoji, op_prefix, op_suffix, op_case, _elongate_one, op_typo,
       op_drop_sentence, op_add_sentence, op_number, op_punct]
OPS_W = [14, 6, 12, 10, 8, 10, 5, 6, 8, 6, 5, 4, 6]


def paraphrase(text: str) -> tuple[str, list[str]]:
    """A light paraphrase of ``text``: 1-3 operations from :data:`OPS` (never the same text back)."""
    for _ in range(10):
        names, out = [], text
        for op in rng.choices(OPS, OPS_W, k=rng.choice([1, 1, 2, 2, 3])):
            out = op(out)
            names.append(op.__name__.lstrip("_").removeprefix("op_").removesuffix("_one"))
        if out != text:
            return out, names
    return op_emoji(text), ["emoji"]


def url_variant(url: str) -> str:
    """Another form of the same link: tracking parameters, scheme, trailing slash, m./www. host."""
    scheme, rest = url.split("://", 1)
    host, _, path = rest.partition("/")
    path = "/" + path
    query = ""
    if "?" in path:
        path, query = path.split("?", 1)
    changes = rng.sample(["utm", "fbclid", "scheme", "slash", "mhost", "www"], rng.randint(1, 2))
    params = [query] if query else []
    if "utm" in changes:
        params.append(rng.choice(["utm_source=whatsapp&utm_medium=social", "utm_source=facebook",
                                  "utm_source=twitter&utm_campaign=share", "utm_medium=telegram"]))
    if "fbclid" in changes:
        params.append("fbclid=IwAR" + rand_str(string.ascii_letters + string.digits, 20))
    if "scheme" in changes:
        scheme = "http" if scheme == "https" else "https"
    if "slash" in changes and not query and not path.endswith(".html"):
        path = path[:-1] if path.endswith("/") else path + "/"
    labels = host.split(".")
    registrable = len(labels) == 2 or (len(labels) == 3 and labels[-2] in ("co", "go", "or", "ac"))
    if not host.startswith(("www.", "m.")) and not registrable:  # no m./www. in front of a subdomain
        changes = [c for c in changes if c not in ("mhost", "www")] or ["utm"]
        if "utm" in changes and len(params) == (1 if query else 0):
            params.append("utm_source=whatsapp")
    if "mhost" in changes:
        host = "m." + host.removeprefix("www.")
    elif "www" in changes:
        host = host.removeprefix("www.") if host.startswith("www.") else "www." + host
    return f"{scheme}://{host}{path}" + ("?" + "&".join(params) if params else "")


# ============================================================================================
# Posts
# ============================================================================================

POSTS: list[dict] = []


def hours(h: float) -> timedelta:
    return timedelta(seconds=int(h * 3600))


def clamp(t: datetime) -> datetime:
    return min(t, END - timedelta(minutes=rng.randint(1, 200)))


def pick_platform(allowed: list[str] | None = None) -> str:
    if allowed is None:
        return rng.choices(SOCIAL, SOCIAL_W)[0]
    return rng.choices(allowed, [SOCIAL_W[SOCIAL.index(p)] for p in allowed])[0]


def person(platform: str, avoid: dict | None = None) -> dict:
    while True:
        a = rng.choice(PEOPLE[platform])
        if avoid is None or a["id"] != avoid["id"]:
            return a


def poster(platform: str, avoid: dict | None = None) -> dict:
    """Who posts an original on ``platform`` (Telegram originals come from channels)."""
    if platform == "telegram":
        while True:
            c = rng.choice(CHANNELS)
            if avoid is None or c["id"] != avoid["id"]:
                return c
    return person(platform, avoid)


def engagement(platform: str, weight: float) -> dict:
    if platform == "news":
        return {"likes": 0, "reshares": 0, "replies": 0}
    e = {"likes": lognorm(2.0 + weight, 1.2), "reshares": lognorm(0.8 + weight, 1.2),
         "replies": lognorm(0.4 + weight, 1.0)}
    if platform in ("x", "telegram"):
        e["views"] = e["likes"] * rng.randint(15, 60) + rng.randint(20, 400)
    return e


def add(platform: str, author: dict, text: str, t: datetime, gold: str, kind: str, *, parent: dict | None = None,
        rel: str | None = None, extra_urls: list[str] | None = None, media: bool = False,
        weight: float = 0.5) -> dict:
    """Record a post; ids and uids are assigned later, in time order (:func:`assign_ids`)."""
    if parent is not None:
        assert parent["platform"] == platform
        if t <= parent["_t"]:
            t = parent["_t"] + timedelta(seconds=rng.randint(30, 900))
    t = min(t, END)
    post = {"platform": platform, "_author": author, "text": text, "_t": t, "narrative_gold": gold,
            "gold_kind": kind, "_parent": parent, "_rel": rel, "_extra_urls": extra_urls or [],
            "_media": media or (rng.random() < 0.15 and kind in ("origin", "hand", "paraphrase")),
            "_weight": weight}
    POSTS.append(post)
    return post


def later(t: datetime, mean_h: float) -> datetime:
    return clamp(t + timedelta(minutes=2) + hours(rng.expovariate(1 / mean_h)))


def spread(gold: str, posts: list[dict], t0: datetime, *, n_reshare: int, n_quote: int, n_reply: int,
           reply_pool: list[str], quote_pool: list[str], empty_p: float = 0.35) -> None:
    """Reshares, quotes and replies of ``posts`` (members of ``gold``), all in ``gold``."""
    members = list(posts)
    for _ in range(n_reshare):
        cands = [p for p in members if p["platform"] in RESHARE_OK and p["gold_kind"] not in ("reply",)]
        if not cands:
            break
        par = rng.choice(cands)
        text = "" if rng.random() < empty_p else par["text"]
        members.append(add(par["platform"], poster(par["platform"], par["_author"]), text, later(par["_t"], 3),
                           gold, "reshare" if text else "reshare-empty", parent=par, rel="reshare_of",
                           weight=-0.5))
    for _ in range(n_quote):
        cands = [p for p in members if p["platform"] in QUOTE_OK and p["gold_kind"] != "reply"]
        if not cands:
            break
        par = rng.choice(cands)
        members.append(add(par["platform"], person(par["platform"], par["_author"]), rng.choice(quote_pool),
                           later(par["_t"], 2), gold, "quote", parent=par, rel="quote_of"))
    for _ in range(n_reply):
        cands = [p for p in members if p["platform"] in REPLY_OK]
        if not cands:
            break
        par = rng.choice(cands)
        text = rng.choice(reply_pool)
        if par["platform"] in ("x", "mastodon", "bluesky"):
            text = f"@{par['_author']['handle']} {text}"
        members.append(add(par["platform"], person(par["platform"], par["_author"]), text, later(par["_t"], 1.5),
                           gold, "reply", parent=par, rel="reply_to", weight=-0.3))


def link_posts(gold: str, url: str, t0: datetime, n: int) -> list[dict]:
    out = []
    for i in range(n):
        platform = pick_platform()
        u = url_variant(url)
        r = rng.random()
        if i == 0 or r < 0.3:  # image/link-only: empty text, the link only in ``urls``
            text, extra = "", [u]
        elif r < 0.55:
            text, extra = u, []
        else:
            text, extra = f"{rng.choice(LINK_LEADS)} {u}", []
        out.append(add(platform, poster(platform), text, later(t0, 8), gold, "link", extra_urls=extra))
    return out


def build_hoax(h: dict) -> None:
    key = h["key"]
    t0 = START + hours(rng.uniform(1, 40))
    p0 = rng.choice(["telegram", "facebook", "x", "facebook"])
    members = [add(p0, poster(p0), h["base"], t0, key, "origin", weight=2.5)]
    for text in h["hand"]:
        p = pick_platform()
        members.append(add(p, poster(p), text, later(t0, 6), key, "hand", weight=1.2))
    for _ in range(rng.randint(4, 7)):
        src = rng.choice([h["base"]] * 2 + h["hand"])
        text, ops = paraphrase(src)
        p = pick_platform()
        post = add(p, poster(p), text, later(t0, 8), key, "paraphrase", weight=1.0)
        post["_ops"] = ops
        members.append(post)
    if h.get("url"):
        members += link_posts(key, h["url"], t0, rng.randint(3, 5))
    spread(key, members, t0, n_reshare=rng.randint(3, 5), n_quote=rng.randint(1, 2), n_reply=rng.randint(2, 4),
           reply_pool=HOAX_REPLIES, quote_pool=QUOTES)
    build_debunks(h, t0)


def _quote_of_hoax(h: dict) -> str:
    text = h["base"]
    if h.get("url"):
        text = text.replace(h["url"], h.get("defang", "[tautan]"))
    if rng.random() < 0.5:
        text = " ".join(_sentences(text)[:2])
    return text


def build_debunks(h: dict, t0: datetime) -> None:
    key = h["key"] + "-debunk"
    slug = "-".join(re.findall(r"[a-z0-9]+", h["claim"].lower())[:8])
    article = f"https://cekfaktabanua.id/2026/11/hoaks-{slug}"
    claim, fact = h["claim"], h["fact"]
    templates = [
        ("x", lambda: f"[HOAKS] {claim}\n\nFaktanya: {fact}\n\n#CekFakta #TolakHoaks {article}"),
        ("facebook", lambda: f"Cek fakta: beredar pesan berantai \"{_quote_of_hoax(h)}\"\n\nFaktanya, "
                             f"{fact[0].lower() + fact[1:]}\n\nKesimpulan: HOAKS. Jangan ikut menyebarkan."),
        ("news", lambda: f"[HOAKS] {claim}\n\nBeredar di WhatsApp dan media sosial pesan yang berbunyi "
                         f"\"{_quote_of_hoax(h)}\" Setelah ditelusuri, klaim itu tidak benar. {fact}\n\n"
                         f"Kesimpulan: konten ini termasuk hoaks (konten palsu)."),
        ("bluesky", lambda: f"Cek fakta: \"{claim}\" adalah HOAKS. {fact} #CekFakta"),
        ("x", lambda: f"Faktanya, {fact[0].lower() + fact[1:]} Pesan yang menyebut "
                      f"{claim[0].lower() + claim[1:]} adalah hoaks. #TolakHoaks"),
    ]
    if h.get("en"):
        templates.append(("mastodon", lambda: f"{h['en']} #FactCheck #Indonesia"))
    n = rng.randint(1, 3)
    chosen = rng.sample(templates, n)
    members = []
    td = t0 + hours(rng.uniform(3, 16))
    for platform, make in chosen:
        desk = rng.choice(DESKS[platform])
        url_in = platform == "news"
        post = add(platform, desk, make(), clamp(td + hours(rng.uniform(0, 6))), key, "debunk", weight=1.5)
        members.append(post)
        if url_in:
            post["_news_url"] = article
    # Shares of the fact check's article link, sometimes with an empty text.
    if any(p["platform"] == "news" for p in members) and rng.random() < 0.6:
        p = pick_platform(["x", "facebook"])
        members.append(add(p, person(p), rng.choice(["", f"Sudah dicek: hoaks. {article}"]),
                           later(td, 4), key, "link", extra_urls=[url_variant(article)]))
    spread(key, members, td, n_reshare=rng.randint(0, 3), n_quote=0, n_reply=rng.randint(0, 2),
           reply_pool=DEBUNK_REPLIES, quote_pool=QUOTES, empty_p=0.25)


def build_other(o: dict) -> None:
    key = o["key"]
    t0 = START + hours(rng.uniform(2, 45))
    if o["by"] in OFFICIAL:
        p0, author = OFFICIAL_PLATFORM[o["by"]], OFFICIAL[o["by"]]
    else:
        p0, author = "news", OUTLETS[o["by"]]
    origin = add(p0, author, o["base"], t0, key, "origin", weight=2.0)
    if p0 == "news":
        origin["_news_url"] = o["url"]
    members = [origin]
    for text in o["hand"]:
        p = pick_platform()
        members.append(add(p, poster(p), text, later(t0, 5), key, "hand"))
    for _ in range(rng.randint(1, 3)):
        text, ops = paraphrase(rng.choice([o["base"]] + o["hand"]))
        p = pick_platform()
        post = add(p, poster(p), text, later(t0, 6), key, "paraphrase")
        post["_ops"] = ops
        members.append(post)
    if o.get("url"):
        members += link_posts(key, o["url"], t0, rng.randint(2, 4))
    if p0 == "news":  # a news item spreads as links and copies; give it a social seed to reshare
        p = rng.choice(["x", "facebook"])
        members.append(add(p, person(p), f"{o['hand'][0]} {o['url']}", later(t0, 2), key, "hand"))
    spread(key, members, t0, n_reshare=rng.randint(3, 5), n_quote=rng.randint(1, 2), n_reply=rng.randint(2, 3),
           reply_pool=OFFICIAL_REPLIES if o["by"] in OFFICIAL else HOAX_REPLIES[:6] + ["GOLLL", "mantap!!"],
           quote_pool=OFFICIAL_QUOTES)


def build_singletons() -> None:
    n = [0]

    def key() -> str:
        n[0] += 1
        return f"single-{n[0]:04d}"

    for text in CHATTER:
        p = pick_platform()
        add(p, poster(p), text, clamp(START + hours(rng.uniform(0.2, 71))), key(), "chatter")
    for outlet, text in CHATTER_NEWS:
        add("news", OUTLETS[outlet], text, clamp(START + hours(rng.uniform(0.2, 71))), key(), "news")
    for text in SHORT:
        p = pick_platform()
        add(p, person(p), text, clamp(START + hours(rng.uniform(0.2, 71))), key(), "short")
    for _ in range(5):  # a photo with no text, link or parent
        p = pick_platform(["x", "facebook", "bluesky", "mastodon"])
        add(p, person(p), "", clamp(START + hours(rng.uniform(0.2, 71))), key(), "photo-only", media=True)
    for i, (text, replies) in enumerate(THREADS, 1):
        p = pick_platform(["x", "facebook", "reddit", "mastodon", "bluesky"])
        root = add(p, person(p), text, clamp(START + hours(rng.uniform(0.2, 66))), f"thread-{i:02d}", "chatter")
        for r in replies:
            rt = f"@{root['_author']['handle']} {r}" if p in ("x", "mastodon", "bluesky") else r
            add(p, person(p, root["_author"]), rt, later(root["_t"], 1), f"thread-{i:02d}", "reply", parent=root,
                rel="reply_to")


# ============================================================================================
# Ids, serialisation, stream order
# ============================================================================================

MEDIA_HOST = {
    "x": "https://pbs.twimg.com/media/{k}.jpg",
    "facebook": "https://scontent.fbjm1-1.fna.fbcdn.net/v/t39.30808-6/{k}_n.jpg",
    "telegram": "https://cdn4.telesco.pe/file/{k}.jpg",
    "mastodon": "https://files.mastodon.social/media_attachments/files/{k}/original.jpg",
    "bluesky": "https://cdn.bsky.app/img/feed_fullsize/plain/{k}@jpeg",
    "reddit": "https://i.redd.it/{k}.jpeg",
    "news": "https://{dom}/media/{k}.jpg",
}


def iso(t: datetime, ms: bool = False) -> str:
    if ms:
        return t.strftime("%Y-%m-%dT%H:%M:%S.") + f"{t.microsecond // 1000:03d}Z"
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def extract(text: str) -> tuple[list[str], list[str], list[str]]:
    urls: list[str] = []
    for m in URL_RE.finditer(text):
        u = m.group(0).rstrip(".,!?)];:")
        if u.startswith("www."):
            u = "http://" + u
        if u not in urls:
            urls.append(u)
    tags = list(dict.fromkeys(m.group(1) for m in HASHTAG_RE.finditer(text)))
    mentions = list(dict.fromkeys(m.group(1) for m in MENTION_RE.finditer(text)))
    return urls, tags, mentions


def assign_ids(posts: list[dict]) -> None:
    """Platform-shaped native ids, uids and URLs, in time order (Telegram message numbers grow)."""
    seen: set[str] = set()
    tg: Counter = Counter()
    news: Counter = Counter()
    for post in posts:
        platform, a, t, parent = post["platform"], post["_author"], post["_t"], post["_parent"]
        while True:
            ms = int(t.timestamp() * 1000) + rng.randrange(1000)
            if platform == "x":
                nid = str(((ms - 1288834974657) << 22) | rng.randrange(1 << 22))
                url = f"https://x.com/{a['handle']}/status/{nid}"
            elif platform == "facebook":
                nid = f"{a['id']}_{rng.randrange(10**14, 10**15)}"
                url = f"https://www.facebook.com/{a['handle']}/posts/{nid.split('_')[1]}"
            elif platform == "telegram":
                if post["_rel"] == "reply_to":
                    root = "/".join(parent["native_id"].split("/")[:2])
                    tg["c:" + root] += 1
                    nid, url = f"{root}/c{tg['c:' + root]}", f"https://t.me/{root}?comment={tg['c:' + root]}"
                else:
                    ch = a["handle"]
                    if not tg[ch]:
                        tg[ch] = rng.randrange(1500, 9000)
                    tg[ch] += rng.randint(1, 4)
                    nid, url = f"{ch}/{tg[ch]}", f"https://t.me/{ch}/{tg[ch]}"
            elif platform == "mastodon":
                nid = str((ms << 16) | rng.randrange(1 << 16))
                url = f"https://{a['_instance']}/@{a['_user']}/{nid}"
            elif platform == "bluesky":
                v = ((ms * 1000 + rng.randrange(1000)) << 10) | rng.randrange(1024)
                nid = "".join(B32[(v >> (5 * i)) & 31] for i in reversed(range(13)))
                url = f"https://bsky.app/profile/{a['handle']}/post/{nid}"
            elif platform == "reddit":
                if parent is None:
                    b = rand_str(B36, 7)
                    slug = "_".join(re.findall(r"[a-z0-9]+", post["text"].lower())[:6]) or "post"
                    sub = rng.choice(["indonesia", "indonesia", "kalimantan", "banjarmasin"])
                    nid, url = "t3_" + b, f"https://www.reddit.com/r/{sub}/comments/{b}/{slug}/"
                    post["_root_url"] = url
                else:
                    c = rand_str(B36, 7)
                    post["_root_url"] = parent["_root_url"]
                    nid, url = "t1_" + c, f"{parent['_root_url']}comment/{c}/"
            elif platform == "news":
                news[a["handle"]] += 1
                nid = f"{a['handle']}-{t:%Y%m%d}-{news[a['handle']]:03d}"
                url = post.get("_news_url") or (
                    f"https://{a['_domain']}/{t:%Y/%m}/"
                    + "-".join(re.findall(r"[a-z0-9]+", post["text"].split("\n")[0].lower())[:8]))
            else:
                raise ValueError(platform)
            uid = f"{platform}:{nid}"
            if uid not in seen:
                break
        seen.add(uid)
        post["uid"], post["native_id"], post["url"] = uid, nid, url


def to_record(post: dict) -> dict:
    platform, a, t, text = post["platform"], post["_author"], post["_t"], post["text"]
    urls, tags, mentions = extract(text)
    for u in post["_extra_urls"]:
        if u not in urls:
            urls.append(u)
    media = []
    if post["_media"]:
        k = rand_str(string.ascii_letters + string.digits, 15)
        media = [{"type": "image", "url": MEDIA_HOST[platform].format(k=k, dom=a.get("_domain", ""))}]
    parent = post["_parent"]
    rec = {
        "schema_version": 1,
        "uid": post["uid"],
        "platform": platform,
        "native_id": post["native_id"],
        "url": post["url"],
        "author": {k: v for k, v in a.items() if not k.startswith("_")},
        "text": text,
        "created_at": iso(t, ms=platform in ("bluesky", "mastodon")),
        "collected_at": iso(t + timedelta(seconds=rng.randint(5, 3600))),
        "connector": "file-replay",
        "reshare_of": parent["uid"] if post["_rel"] == "reshare_of" else None,
        "reply_to": parent["uid"] if post["_rel"] == "reply_to" else None,
        "quote_of": parent["uid"] if post["_rel"] == "quote_of" else None,
        "urls": urls,
        "hashtags": tags,
        "mentions": mentions,
        "media": media,
        "engagement": engagement(platform, post["_weight"]),
        "narrative_gold": post["narrative_gold"],
        "gold_kind": post["gold_kind"],
    }
    if post.get("_ops"):
        rec["gold_ops"] = post["_ops"]
    return rec


def pick_early(posts: list[dict], n: int) -> list[dict]:
    """``n`` reshares (with no children of their own) to deliver before their parent.

    Each is made to follow its parent within seconds, as a quick reshare does; :func:`stream_order`
    then puts it just in front of the parent, as a stream may deliver them (the parent's
    connector lagging).
    """
    has_child = {id(p["_parent"]) for p in posts if p["_parent"] is not None}
    cands = [p for p in posts if p["_rel"] == "reshare_of" and id(p) not in has_child
             and p["_parent"]["_parent"] is None]
    chosen: list[dict] = []
    for child in rng.sample(cands, len(cands)):
        if len(chosen) == n:
            break
        if any(c["_parent"] is child["_parent"] for c in chosen):
            continue
        child["_t"] = child["_parent"]["_t"] + timedelta(seconds=rng.randint(15, 240))
        child["gold_kind"] += "+early"
        chosen.append(child)
    return chosen


def stream_order(posts: list[dict], early: list[dict]) -> list[dict]:
    """Posts in time order, except each post of ``early`` just in front of its parent."""
    order = sorted(posts, key=lambda p: (p["_t"], p["uid"]))
    for child in early:
        order.remove(child)
        order.insert(order.index(child["_parent"]), child)
    return order


def main(out_path: str | Path | None = None) -> str:
    POSTS.clear()
    for h in HOAXES:
        build_hoax(h)
    for o in OTHERS:
        build_other(o)
    build_singletons()
    early = pick_early(POSTS, 6)
    by_time = sorted(POSTS, key=lambda p: (p["_t"], p["platform"], p["text"]))
    assign_ids(by_time)
    order = stream_order(by_time, early)
    records = [to_record(p) for p in order]
    out = Path(out_path) if out_path else HERE / "narratives.jsonl"
    with open(out, "w", encoding="utf-8", newline="\n") as f:
        for rec in records:
            f.write(json.dumps(rec, ensure_ascii=False) + "\n")
    summary = describe(records, out)
    print(summary)
    return summary


def describe(records: list[dict], out: Path) -> str:
    gold = Counter(r["narrative_gold"] for r in records)
    kinds = Counter(r["gold_kind"].split("+")[0] for r in records)
    pos = {r["uid"]: i for i, r in enumerate(records)}
    early = sum(1 for i, r in enumerate(records)
                for ref in (r["reshare_of"], r["reply_to"], r["quote_of"]) if ref and pos[ref] > i)
    hoax_keys = [h["key"] for h in HOAXES]
    subjects = Counter(h["subject"] for h in HOAXES)
    big = sorted(k for k, n in gold.items() if n >= 8)
    platforms = Counter(r["platform"] for r in records)
    times = sorted(r["created_at"] for r in records)
    lines = [
        f"{out.name}: {len(records)} posts, {len(gold)} gold clusters, {early} posts before their parent, "
        f"{times[0][:19]}Z .. {times[-1][:19]}Z",
        "  per platform: " + ", ".join(f"{p} {n}" for p, n in platforms.most_common()),
        "  per kind:     " + ", ".join(f"{k} {n}" for k, n in sorted(kinds.items())),
        f"  empty text:   {sum(1 for r in records if not r['text'])}",
        f"  narratives with >= 8 posts: {len(big)} (hoaxes {sum(1 for k in big if k in hoax_keys)}, "
        f"others {sum(1 for k in big if k in [o['key'] for o in OTHERS])}, "
        f"debunk clusters {sum(1 for k in big if k.endswith('-debunk'))})",
        f"  same-subject hoax pairs: {sum(n // 2 for n in subjects.values())}",
        f"  singletons:   {sum(1 for k, n in gold.items() if n == 1)} "
        f"(chatter and news {kinds['chatter'] + kinds['news'] - sum(1 for k in gold if k.startswith('thread-'))}, "
        f"short {kinds['short']}, photo-only {kinds['photo-only']})",
        f"  threads:      {sum(1 for k in gold if k.startswith('thread-'))} "
        f"({sum(n for k, n in gold.items() if k.startswith('thread-'))} posts)",
    ]
    for k in [h["key"] for h in HOAXES] + [o["key"] for o in OTHERS]:
        d = gold.get(k + "-debunk", 0)
        lines.append(f"    {k:26s} {gold[k]:3d}" + (f"   debunk {d}" if k in hoax_keys else ""))
    return "\n".join(lines)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else None)
