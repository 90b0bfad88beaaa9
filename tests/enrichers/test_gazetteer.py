"""Tests for enrichers.gazetteer: the shipped data files and canonical look-up."""
from __future__ import annotations

import csv
from collections import Counter

import pytest

from enrichers import gazetteer as gz

FILES = {
    "regions.tsv": ["canonical", "kind", "province", "aliases", "cased", "context"],
    "organizations.tsv": ["canonical", "kind", "aliases", "cased"],
    "regional_prefixes.tsv": ["prefix", "expansion", "level", "template", "standalone"],
}


@pytest.mark.parametrize("name, header", FILES.items())
def test_files_are_utf8_tsv_with_header_and_full_rows(name, header):
    with (gz.DATA_DIR / name).open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
    assert rows[0] == header
    assert len(rows) > 50
    for row in rows[1:]:
        assert len(row) == len(header), row
        assert row[0].strip() == row[0] and row[0], row


def test_all_provinces_regencies_and_cities():
    kinds = Counter(region.kind for region in gz.regions())
    assert kinds["province"] == 38
    assert kinds["regency"] == 416
    assert kinds["city"] == 98
    provinces = {r.canonical for r in gz.regions() if r.kind == "province"}
    for region in gz.regions():
        if region.kind in ("regency", "city"):
            assert region.province in provinces, region
            assert region.canonical.startswith(("Kabupaten ", "Kota ")), region
    canonicals = [r.canonical for r in gz.regions()]
    assert len(canonicals) == len(set(canonicals))


def test_kalimantan_selatan_is_complete():
    kalsel = {r.canonical for r in gz.regions() if r.province == "Kalimantan Selatan" and r.kind != "province"}
    assert kalsel == {
        "Kabupaten Balangan", "Kabupaten Banjar", "Kabupaten Barito Kuala", "Kabupaten Hulu Sungai Selatan",
        "Kabupaten Hulu Sungai Tengah", "Kabupaten Hulu Sungai Utara", "Kabupaten Kotabaru", "Kabupaten Tabalong",
        "Kabupaten Tanah Bumbu", "Kabupaten Tanah Laut", "Kabupaten Tapin", "Kota Banjarbaru", "Kota Banjarmasin",
    }


def test_no_name_belongs_to_two_entries():
    for name_key, names in gz.gazetteer().names.items():
        owners = {id(n.entry) for n in names if n.policy != "qualified" and not isinstance(n.entry, gz.Prefix)}
        assert len(owners) <= 1, (name_key, [n.entry.canonical for n in names])


def test_standalone_prefix_agrees_with_organization_of_same_name():
    g = gz.gazetteer()
    for name_key, names in g.names.items():
        prefixes = [n.entry for n in names if isinstance(n.entry, gz.Prefix) and n.entry.standalone]
        orgs = [n.entry for n in names if isinstance(n.entry, gz.Organization)]
        if prefixes and orgs:
            assert prefixes[0].expansion == orgs[0].canonical, name_key


def test_prefix_rows_are_well_formed():
    for prefix in gz.prefixes():
        assert prefix.level in gz.LEVELS, prefix
        assert "{region}" in prefix.template or "{name}" in prefix.template, prefix


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Kalsel", "Kalimantan Selatan"), ("kalsel", "Kalimantan Selatan"), ("KALTIM", "Kalimantan Timur"),
        ("Kalteng", "Kalimantan Tengah"), ("Kalbar", "Kalimantan Barat"), ("Kaltara", "Kalimantan Utara"),
        ("Jabar", "Jawa Barat"), ("Jateng", "Jawa Tengah"), ("Jatim", "Jawa Timur"),
        ("DKI", "DKI Jakarta"), ("DKI Jakarta", "DKI Jakarta"), ("Jakarta", "DKI Jakarta"),
        ("DIY", "Daerah Istimewa Yogyakarta"), ("Jogja", "Daerah Istimewa Yogyakarta"),
        ("Yogyakarta", "Daerah Istimewa Yogyakarta"), ("Sumut", "Sumatera Utara"), ("Sumbar", "Sumatera Barat"),
        ("Sumsel", "Sumatera Selatan"), ("Sulsel", "Sulawesi Selatan"), ("Sulut", "Sulawesi Utara"),
        ("Sulteng", "Sulawesi Tengah"), ("Sultra", "Sulawesi Tenggara"), ("Sulbar", "Sulawesi Barat"),
        ("NTB", "Nusa Tenggara Barat"), ("NTT", "Nusa Tenggara Timur"), ("Babel", "Kepulauan Bangka Belitung"),
        ("Kepri", "Kepulauan Riau"), ("Malut", "Maluku Utara"),
        ("HSS", "Kabupaten Hulu Sungai Selatan"), ("HST", "Kabupaten Hulu Sungai Tengah"),
        ("HSU", "Kabupaten Hulu Sungai Utara"), ("Kotabaru", "Kabupaten Kotabaru"),
        ("Kab. Banjar", "Kabupaten Banjar"), ("Kab Banjar", "Kabupaten Banjar"), ("Kota Banjar", "Kota Banjar"),
        ("Banjarmasin", "Kota Banjarmasin"), ("Banjarbaru", "Kota Banjarbaru"), ("Banjar Baru", "Kota Banjarbaru"),
        ("Bandung", "Kota Bandung"), ("Kabupaten Bandung", "Kabupaten Bandung"), ("kab. bandung", "Kabupaten Bandung"),
        ("Provinsi Gorontalo", "Gorontalo"), ("Kota Gorontalo", "Kota Gorontalo"), ("Kab. Gorontalo", "Kabupaten Gorontalo"),
        ("Jaksel", "Kota Administrasi Jakarta Selatan"), ("Solo", "Kota Surakarta"),
    ],
)
def test_region_canonical(text, expected):
    assert gz.canonical(text) == expected
    assert gz.canonical(text, "LOC") == expected
    assert gz.canonical(text, "GPE") == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Kominfo", "Kementerian Komunikasi dan Digital"), ("Kemkominfo", "Kementerian Komunikasi dan Digital"),
        ("Komdigi", "Kementerian Komunikasi dan Digital"), ("Kemenkes", "Kementerian Kesehatan"),
        ("Kemendikbud", "Kementerian Pendidikan, Kebudayaan, Riset, dan Teknologi"), ("Kemenag", "Kementerian Agama"),
        ("Kemenkeu", "Kementerian Keuangan"), ("Kemenhan", "Kementerian Pertahanan"),
        ("Kemendagri", "Kementerian Dalam Negeri"), ("Kemenlu", "Kementerian Luar Negeri"),
        ("Kemenpan RB", "Kementerian Pendayagunaan Aparatur Negara dan Reformasi Birokrasi"),
        ("KemenPAN-RB", "Kementerian Pendayagunaan Aparatur Negara dan Reformasi Birokrasi"),
        ("PUPR", "Kementerian Pekerjaan Umum dan Perumahan Rakyat"),
        ("BPS", "Badan Pusat Statistik"), ("BMKG", "Badan Meteorologi, Klimatologi, dan Geofisika"),
        ("BNPB", "Badan Nasional Penanggulangan Bencana"), ("BPBD", "Badan Penanggulangan Bencana Daerah"),
        ("BSSN", "Badan Siber dan Sandi Negara"), ("BIN", "Badan Intelijen Negara"), ("BNN", "Badan Narkotika Nasional"),
        ("KPK", "Komisi Pemberantasan Korupsi"), ("KPU", "Komisi Pemilihan Umum"), ("KPUD", "Komisi Pemilihan Umum Daerah"),
        ("Bawaslu", "Badan Pengawas Pemilihan Umum"), ("DPR", "Dewan Perwakilan Rakyat"),
        ("DPD", "Dewan Perwakilan Daerah"), ("DPRD", "Dewan Perwakilan Rakyat Daerah"),
        ("MPR", "Majelis Permusyawaratan Rakyat"), ("MK", "Mahkamah Konstitusi"), ("MA", "Mahkamah Agung"),
        ("TNI", "Tentara Nasional Indonesia"), ("TNI AD", "Tentara Nasional Indonesia Angkatan Darat"),
        ("TNI-AL", "Tentara Nasional Indonesia Angkatan Laut"), ("TNI AU", "Tentara Nasional Indonesia Angkatan Udara"),
        ("POLRI", "Kepolisian Negara Republik Indonesia"), ("Polri", "Kepolisian Negara Republik Indonesia"),
        ("Polda", "Kepolisian Daerah"), ("Polres", "Kepolisian Resor"), ("Kejagung", "Kejaksaan Agung"),
        ("OJK", "Otoritas Jasa Keuangan"), ("BI", "Bank Indonesia"), ("BPOM", "Badan Pengawas Obat dan Makanan"),
        ("BPJS Kesehatan", "Badan Penyelenggara Jaminan Sosial Kesehatan"), ("MUI", "Majelis Ulama Indonesia"),
        ("NU", "Nahdlatul Ulama"), ("Muhammadiyah", "Muhammadiyah"), ("PMI", "Palang Merah Indonesia"),
        ("Basarnas", "Badan Nasional Pencarian dan Pertolongan"),
        ("PDIP", "Partai Demokrasi Indonesia Perjuangan"), ("PDI-P", "Partai Demokrasi Indonesia Perjuangan"),
        ("Golkar", "Partai Golongan Karya"), ("Gerindra", "Partai Gerakan Indonesia Raya"),
        ("PKB", "Partai Kebangkitan Bangsa"), ("NasDem", "Partai NasDem"), ("PKS", "Partai Keadilan Sejahtera"),
        ("Demokrat", "Partai Demokrat"), ("PAN", "Partai Amanat Nasional"), ("PPP", "Partai Persatuan Pembangunan"),
        ("Perindo", "Partai Persatuan Indonesia"), ("PSI", "Partai Solidaritas Indonesia"),
        ("Hanura", "Partai Hati Nurani Rakyat"),
        ("Kompas.com", "Kompas"), ("detikcom", "detikcom"), ("Detik", "detikcom"), ("CNN Indonesia", "CNN Indonesia"),
        ("ANTARA", "Kantor Berita Antara"), ("Liputan6", "Liputan6"), ("Metro TV", "Metro TV"), ("TVRI", "TVRI"),
        ("Mafindo", "Masyarakat Anti Fitnah Indonesia"), ("turnbackhoax.id", "TurnBackHoax"), ("Cek Fakta", "Cek Fakta"),
    ],
)
def test_organization_canonical(text, expected):
    assert gz.canonical(text) == expected
    assert gz.canonical(text, "ORG") == expected
    assert gz.canonical(text, "ORGANIZATION") == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Diskominfo Kalsel", "Dinas Komunikasi dan Informatika Provinsi Kalimantan Selatan"),
        ("Dinas Kominfo Provinsi Kalsel", "Dinas Komunikasi dan Informatika Provinsi Kalimantan Selatan"),
        ("Dinas Komunikasi dan Informatika Kalimantan Selatan",
         "Dinas Komunikasi dan Informatika Provinsi Kalimantan Selatan"),
        ("Kominfo Kalsel", "Dinas Komunikasi dan Informatika Provinsi Kalimantan Selatan"),
        ("Diskominfo Banjarmasin", "Dinas Komunikasi dan Informatika Kota Banjarmasin"),
        ("Diskominfo HSS", "Dinas Komunikasi dan Informatika Kabupaten Hulu Sungai Selatan"),
        ("Pemkot Banjarmasin", "Pemerintah Kota Banjarmasin"),
        ("Pemkab Banjar", "Pemerintah Kabupaten Banjar"),
        ("Pemkab Bandung", "Pemerintah Kabupaten Bandung"),
        ("Pemkot Bandung", "Pemerintah Kota Bandung"),
        ("Pemprov Kalsel", "Pemerintah Provinsi Kalimantan Selatan"),
        ("Pemerintah Provinsi Kalsel", "Pemerintah Provinsi Kalimantan Selatan"),
        ("Polda Kalsel", "Kepolisian Daerah Kalimantan Selatan"),
        ("Polres Banjar", "Kepolisian Resor Banjar"),
        ("Polresta Banjarmasin", "Kepolisian Resor Kota Banjarmasin"),
        ("DPRD Kalsel", "Dewan Perwakilan Rakyat Daerah Provinsi Kalimantan Selatan"),
        ("DPRD Kota Banjarmasin", "Dewan Perwakilan Rakyat Daerah Kota Banjarmasin"),
        ("KPU Kalsel", "Komisi Pemilihan Umum Provinsi Kalimantan Selatan"),
        ("KPUD Kalsel", "Komisi Pemilihan Umum Provinsi Kalimantan Selatan"),
        ("Bawaslu Jabar", "Badan Pengawas Pemilihan Umum Provinsi Jawa Barat"),
        ("BPBD Kalsel", "Badan Penanggulangan Bencana Daerah Provinsi Kalimantan Selatan"),
        ("Dinkes Banjarbaru", "Dinas Kesehatan Kota Banjarbaru"),
        ("Setdaprov Kalsel", "Sekretariat Daerah Provinsi Kalimantan Selatan"),
        ("Satpol PP Banjarmasin", "Satuan Polisi Pamong Praja Kota Banjarmasin"),
        ("Dinas Perikanan Kalsel", "Dinas Perikanan Provinsi Kalimantan Selatan"),
    ],
)
def test_composite_canonical(text, expected):
    assert gz.canonical(text, "ORG") == expected
    assert gz.canonical(text) == expected


def test_lookup_is_case_punctuation_and_invisible_character_tolerant():
    expected = "Kementerian Pendayagunaan Aparatur Negara dan Reformasi Birokrasi"
    for text in ("KEMENPAN - RB", "kemenpan rb", " Kemenpan\tRB ", "Kemenpan–RB", "Kemen\u200bpan RB"):
        assert gz.canonical(text) == expected, text
    assert gz.canonical("DISKOMINFO   kalsel", "ORG") == "Dinas Komunikasi dan Informatika Provinsi Kalimantan Selatan"
    assert gz.canonical("kab.banjar") == "Kabupaten Banjar"


def test_level_mismatch_and_unknown_names_give_none():
    assert gz.canonical("Pemkot Kalsel", "ORG") is None  # Kalsel is a province, Pemkot takes cities
    assert gz.canonical("Pemprov Banjarmasin", "ORG") is None
    assert gz.canonical("Polda Banjarmasin", "ORG") is None
    assert gz.canonical("Joko Widodo") is None
    assert gz.canonical("Kalsel", "PER") is None
    assert gz.canonical("Kalsel", "ORG") is None
    assert gz.canonical("KPU", "LOC") is None
    assert gz.canonical("") is None
    assert gz.canonical("!!! ...") is None
    assert gz.canonical("🙂🙂") is None


def test_prefix_that_is_only_a_composite_does_not_stand_alone():
    assert gz.canonical("Pemerintah") is None
    assert gz.canonical("Pemerintah Provinsi") is None
    assert gz.canonical("Pemprov") == "Pemerintah Provinsi"
    assert gz.canonical("Diskominfo") == "Dinas Komunikasi dan Informatika"


def test_ambiguous_names_are_flagged():
    policies = {}
    for name_key, names in gz.gazetteer().names.items():
        for name in names:
            if isinstance(name.entry, gz.Region) and name.policy != "qualified":
                policies[name.written] = name.policy
    for word in ("Batu", "Banjar", "Agam", "Kudus", "Serang", "Batang", "Bima", "Metro", "Puncak", "Toba"):
        assert policies[word] == "context", word
    for word in ("Malang", "Padang", "Medan", "Solok", "Bangli", "Pasuruan", "Tanah Laut", "Palu", "Solo", "DIY"):
        assert policies[word] == "exact", word
    for word in ("Banjarmasin", "Kalsel", "Surabaya", "Jakarta"):
        assert policies[word] == "any", word
    orgs = {n.written: n.policy for names in gz.gazetteer().names.values() for n in names
            if isinstance(n.entry, gz.Organization)}
    for word in ("PAN", "BIN", "WHO", "Demokrat", "Kompas", "MA", "NU", "BI"):
        assert orgs[word] == "exact", word
    for word in ("KPU", "BPS", "TNI", "Kominfo", "Golkar"):
        assert orgs[word] == "any", word


def test_loading_is_cached():
    assert gz.gazetteer() is gz.gazetteer()
    assert gz.regions() is gz.regions()
