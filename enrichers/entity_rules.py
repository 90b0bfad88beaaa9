"""Rule and gazetteer entities (PER, LOC, ORG) with canonical forms, as a spaCy component.

``pantau_entity_rules`` finds, in any pipeline with an Indonesian tokenizer:

* gazetteer names (``enrichers.gazetteer``): provinces, regencies, cities, ministries, agencies,
  parties, media, each by its name and aliases ("Kalsel", "Kemenpan RB", "PDI-P");
* composite regional agencies: an agency prefix, an optional qualifier and a region
  ("Diskominfo Kalsel", "Dinas Kominfo Provinsi Kalsel", "Pemkot Banjarmasin", "Polda Kalsel");
* places after a qualifier ("Kota Batam", "Kab. Banjar", "Provinsi Jambi"), known or not
  ("Jl. Ahmad Yani", "Kecamatan Banjarbaru Utara", "Desa Sungai Tabuk");
* persons after titles and honorifics ("H. Sahbirin Noor", "Ir. Ober Tua Butar Butar",
  "Pak Jokowi") or before academic suffixes ("Ulah Tri Wibowo, S.Si, M.Si"). The PER span is the
  name alone: honorifics, roles and suffixes are left out, noble titles (Gusti/Gt., Raden,
  Teuku, Tengku) are kept and written out in the canonical form ("Gt. Yanuar" -> "Gusti Yanuar");
* organisations by their head word ("Dinas Perikanan Kalsel", "Universitas Lambung Mangkurat",
  "Rumah Sakit Ulin", "PT Pos Indonesia").

Ambiguity. A name's policy comes from the gazetteer (see its README): ``any`` names match in any
case; ``exact`` names (ordinary words such as Malang, Padang, Kompas, and acronyms of one or two
letters such as MA, NU, BI, plus PAN, BIN, WHO...) match only as written; ``context`` names
(Batu, Banjar, Kudus, Serang, Bima...) match only after Kota/Kabupaten/Kab./Provinsi or an
agency prefix (any case), or Capitalised right after di/ke/dari. So "lempar batu" and "pan
penggorengan" give nothing, while "Kota Batu", "di Batu" and "PAN" do.

Canonical forms are carried in ``Span.kb_id_`` (``token.ent_kb_id_``), which survives
``doc.ents``, ``Doc.to_bytes`` and ``DocBin``. :func:`canonical_of` reads it and always returns
something: the ``kb_id_``, else the gazetteer's canonical form of the span's text, else the
text with spacing normalised (title-cased only if it was all lower case).

Combination with a statistical NER model that runs before this component: the model's
``doc.ents`` are kept, except those that overlap a rule span (including a rule span's honorifics
and academic suffixes), which are dropped in favour of the rule span: rules are more precise
and carry canonical forms. A kept model span whose text is a known name or alias gets its
canonical form in ``kb_id_`` too (its label is respected: PERSON/GPE/ORGANIZATION... are read as
PER/LOC/ORG). Between rule spans the longest wins; on equal length a composite or qualified
match beats a plain gazetteer name, which beats a head-word pattern; and a head-word pattern that
starts where a gazetteer span starts is dropped unless it ends in a region ("Dinas Perikanan
Kalsel"), so "Badan Pusat Statistik Pusat" stays "Badan Pusat Statistik".

Speed: two PhraseMatchers (gazetteer names on LOWER, trigger words on ORTH) do the scanning;
Python only looks at the few tokens around each match.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from typing import Iterable

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span

from enrichers import gazetteer as gz

FACTORY = "pantau_entity_rules"
LABELS = ("PER", "LOC", "ORG")


def _with_dots(*words: str) -> set[str]:
    """Each abbreviation with and without a final dot (spaCy keeps "Dr." whole but splits "Ir.")."""
    return {form for word in words for form in (word, f"{word}.")}


#: Honorifics, academic titles and ranks before a name; left out of the PER span.
HONORIFICS = _with_dots("H", "Hj", "Drs", "Dra", "Dr", "dr", "Ir", "Prof", "KH", "K.H", "Sdr", "Sdri",
                        "Pdt", "Mr", "Mrs", "Ms", "Tn", "Ny", "Hab") | {
    "Kiai", "Kyai", "Habib", "Ustaz", "Ustadz", "Ustad", "Ustazah", "Ustadzah", "Syekh", "Buya", "Romo",
    "Bapak", "Ibu", "Pak", "Bu", "bapak", "ibu", "pak", "bu",
    "Jenderal", "Letjen", "Mayjen", "Brigjen", "Kolonel", "Letkol", "Irjen", "Kombes", "AKBP", "Kompol",
    "AKP", "Laksamana", "Marsekal",
}
#: Honorifics that, without a dot, are too short to trust with a one-word name ("H Rudy" needs two).
_BARE_LETTERS = {"H", "Hj"}
#: Noble titles: part of the name, kept in the span, written out in the canonical form.
NOBLE = {"Gusti": "Gusti", "Gt": "Gusti", "Gt.": "Gusti", "Raden": "Raden", "Rd": "Raden", "Rd.": "Raden",
         "Teuku": "Teuku", "Tengku": "Tengku", "Tgk": "Tengku", "Tgk.": "Tengku"}
#: Academic degrees after a name, in the spellings Indonesian writers use.
ACADEMIC = _with_dots(
    "S.Si", "M.Si", "S.Sos", "M.Sos", "S.H", "M.H", "S.E", "M.E", "S.Pd", "M.Pd", "S.Pd.I", "S.Kom", "M.Kom",
    "S.T", "M.T", "S.Ag", "M.Ag", "S.Kep", "S.Ked", "S.Hut", "S.P", "M.P", "S.Psi", "M.Psi", "S.IP", "M.AP",
    "M.Sc", "M.Eng", "M.Kes", "S.KM", "S.Farm", "S.Ak", "M.Ak", "S.I.Kom", "M.I.Kom", "S.Hum", "M.Hum",
    "M.A", "M.M", "M.Kn", "S.Kn", "M.Pd.I", "S.Th", "M.Th", "Ph.D", "Apt", "Lc",
) | {"ST", "MT", "SE", "MM", "SH", "MH", "SP", "MP", "MA", "MSi", "MSc", "MEng", "PhD", "MBA", "MPA", "MPH",
     "SPd", "SSi", "SKom", "SSos", "SIP", "SKM"}
#: Roles between an honorific and a name ("Bapak Presiden Joko Widodo"); left out of the span.
ROLES = {
    "presiden", "wapres", "menteri", "menko", "gubernur", "wagub", "bupati", "wabup", "walikota", "wali",
    "wawali", "camat", "lurah", "kades", "rt", "rw", "ketua", "kepala", "kadis", "direktur", "dirut",
    "rektor", "dekan", "dosen", "guru", "dokter", "bidan", "kapolri", "kapolda", "kapolres", "kapolresta",
    "kapolsek", "pangdam", "dandim", "danrem", "panglima", "sekda", "sekjen", "jaksa", "hakim", "anggota",
}
_WEEKDAYS_MONTHS = {
    "senin", "selasa", "rabu", "kamis", "jumat", "jum'at", "jum’at", "sabtu", "minggu", "ahad",
    "januari", "februari", "maret", "april", "mei", "juni", "juli", "agustus", "september", "oktober",
    "november", "desember",
}
#: Title-case head words of organisations: True for government bodies (whose names may contain
#: Provinsi/Kota/Kabupaten and end in a region), False for others (hotels, companies...).
ORG_HEADS = {
    **{head: True for head in (
        "Dinas", "Badan", "Kementerian", "Lembaga", "Komisi", "Dewan", "Majelis", "Mahkamah", "Sekretariat",
        "Direktorat", "Inspektorat", "Kejaksaan", "Pengadilan", "Kepolisian", "Polres", "Polresta", "Polda",
        "Polsek", "Biro", "Satuan", "Pemerintah Provinsi", "Pemerintah Kota", "Pemerintah Kabupaten",
        "Pemerintah Daerah")},
    **{head: False for head in (
        "Universitas", "Institut", "Politeknik", "Sekolah Tinggi", "Akademi", "Rumah Sakit", "RSUD", "RSU",
        "RS", "Partai", "Yayasan", "PT", "Bank", "Hotel", "Pondok Pesantren", "Ponpes", "Kodam", "Kodim",
        "Korem")},
}
#: Head words of places and how the canonical form writes them.
PLACE_HEADS = {
    "Kota": "Kota", "Kabupaten": "Kabupaten", "Kab": "Kabupaten", "Kab.": "Kabupaten",
    "Provinsi": "Provinsi", "Prov": "Provinsi", "Prov.": "Provinsi", "Propinsi": "Provinsi",
    "Kecamatan": "Kecamatan", "Kec": "Kecamatan", "Kec.": "Kecamatan", "Kelurahan": "Kelurahan",
    "Kel": "Kelurahan", "Kel.": "Kelurahan", "Desa": "Desa", "Dusun": "Dusun", "Kampung": "Kampung",
    "Jl": "Jalan", "Jl.": "Jalan", "Jln": "Jalan", "Jln.": "Jalan", "JL": "Jalan", "JL.": "Jalan",
    "Jalan": "Jalan", "Pulau": "Pulau", "Gunung": "Gunung", "Danau": "Danau", "Sungai": "Sungai",
    "Teluk": "Teluk", "Selat": "Selat",
}
_ORG_HEAD_WORDS = {w.lower() for head in ORG_HEADS for w in head.split()}
_PLACE_HEAD_WORDS = {head.lower().rstrip(".") for head in PLACE_HEADS}
#: Words that end a person's name: places, organisations, rooms, roles, days, God, "Ibu Kota".
NAME_STOP = (
    set(gz.QUALIFIERS) | _ORG_HEAD_WORDS | _PLACE_HEAD_WORDS | ROLES | _WEEKDAYS_MONTHS
    | {h.lower() for h in HONORIFICS}
    | {"kantor", "gedung", "ruang", "aula", "masjid", "gereja", "sekolah", "pondok", "allah", "tuhan",
       "pertiwi", "negara", "ri", "nkri", "indonesia", "yth"}
)
#: Words that end a place name after a head word: another administrative head ("Kel. Komet Desa
#: ..."), an organisation, a street number; geographic heads do occur inside names ("Desa Sungai Tabuk").
PLACE_STOP = _WEEKDAYS_MONTHS | (_PLACE_HEAD_WORDS - {"pulau", "gunung", "danau", "sungai", "teluk", "selat"}) \
    | _ORG_HEAD_WORDS | set(gz.QUALIFIERS) | {"km", "no", "rt", "rw", "blok", "gang", "gg", "ri"}
#: Words that end an organisation name after a head word.
ORG_STOP = _WEEKDAYS_MONTHS | ROLES
PARTICLES = {"bin", "binti", "van", "von", "der", "de", "al", "el"}
CONNECTORS = {"dan", "&"}
LOCATIVES = {"di", "ke", "dari"}

_CAPITALISED = re.compile(r"^[A-ZÀ-ÖØ-Þ](?:[^\W\d_]|['’`\-.])*$")
_MAX_NAME = 6
_MAX_PLACE = 5
_MAX_ORG = 8

# Priorities on equal length.
_COMPOSITE, _GAZETTEER, _PATTERN = 3, 2, 1


@dataclass(frozen=True)
class _Candidate:
    block: tuple[int, int]  # tokens this match claims (with honorifics, suffixes)
    start: int  # the entity itself
    end: int
    label: str
    canonical: str
    priority: int
    specificity: int = 0  # tie-break: longer prefix of a composite
    gazetteer: bool = False


def _is_capitalised(token) -> bool:
    return bool(_CAPITALISED.match(token.text))


def _is_name(token) -> bool:
    return _is_capitalised(token) and token.lower_ not in NAME_STOP and token.text not in ACADEMIC


def _normalised(text: str) -> str:
    return " ".join(text.split())


def canonical_of(span: Span) -> str:
    """The canonical form of an entity span; never empty for a non-empty span.

    The span's ``kb_id_`` if set (this component sets it), else the gazetteer's canonical form of
    its text, else its text with whitespace normalised, title-cased only if it was all lower case
    ("joko widodo" -> "Joko Widodo", "iPhone" stays).
    """
    if span.kb_id_:
        return span.kb_id_
    found = gz.canonical(span.text, span.label_ or None)
    if found:
        return found
    text = _normalised(span.text)
    if text == text.lower() and any(ch.isalpha() for ch in text):
        return " ".join(word[:1].upper() + word[1:] for word in text.split(" "))
    return text


class EntityRules:
    """The ``pantau_entity_rules`` component; see the module docstring."""

    def __init__(self, nlp: Language, name: str = FACTORY, *, data_dir: str | None = None,
                 persons: bool = True, patterns: bool = True):
        self.name = name
        self.data_dir = data_dir
        self.persons = persons
        self.patterns = patterns
        self.gazetteer = gz.gazetteer(data_dir)
        self._names = PhraseMatcher(nlp.vocab, attr="LOWER")
        self._written: dict[str, dict[str, set[tuple[str, ...]]]] = {}
        self._build_names(nlp)
        self._triggers = PhraseMatcher(nlp.vocab, attr="ORTH")
        self._build_triggers(nlp)

    # ---- set-up -------------------------------------------------------------------------------

    def _build_names(self, nlp: Language) -> None:
        forms: list[tuple[str, str, str]] = []  # (key, written, variant)
        for name_key, names in self.gazetteer.names.items():
            for written in {n.written for n in names}:
                for variant in {written, written.replace("-", " ")}:
                    forms.append((name_key, written, variant))
        docs = nlp.tokenizer.pipe(variant for _, _, variant in forms)
        by_key: dict[str, list[Doc]] = defaultdict(list)
        for (name_key, written, _), doc in zip(forms, docs):
            if len(doc):
                by_key[name_key].append(doc)
                self._written.setdefault(name_key, {}).setdefault(written, set()).add(
                    tuple(t.text for t in doc))
        for name_key, docs_ in by_key.items():
            self._names.add(name_key, docs_)

    def _build_triggers(self, nlp: Language) -> None:
        groups = {
            "HON": HONORIFICS, "NOBLE": set(NOBLE), "SUFFIX": ACADEMIC,
            "GOV": {h for h, gov in ORG_HEADS.items() if gov}, "ORG": {h for h, gov in ORG_HEADS.items() if not gov},
            "PLACE": set(PLACE_HEADS),
        }
        for group, words in groups.items():
            self._triggers.add(group, list(nlp.tokenizer.pipe(sorted(words))))

    # ---- matching -----------------------------------------------------------------------------

    def __call__(self, doc: Doc) -> Doc:
        """Find rule entities and merge them with the entities already on ``doc``."""
        if len(doc) == 0:
            return doc
        candidates = self.find(doc)
        self.set_annotations(doc, candidates)
        return doc

    def pipe(self, stream: Iterable[Doc], batch_size: int = 128) -> Iterable[Doc]:
        """Process a stream of docs (one at a time; the work is per doc)."""
        for doc in stream:
            yield self(doc)

    def find(self, doc: Doc) -> list[_Candidate]:
        """The rule entities of ``doc``: non-overlapping, in text order (see module docstring)."""
        strings = doc.vocab.strings
        raw = [(strings[match_id], start, end) for match_id, start, end in self._names(doc)]
        candidates = self._gazetteer_candidates(doc, raw)
        gaz_ends: dict[int, int] = {}
        for cand in candidates:
            gaz_ends[cand.start] = max(gaz_ends.get(cand.start, 0), cand.end)
        if self.persons or self.patterns:
            regions_by_end: dict[int, list[tuple[int, str]]] = defaultdict(list)
            for name_key, start, end in raw:
                regions_by_end[end].append((start, name_key))
            triggers = [(strings[match_id], start, end) for match_id, start, end in self._triggers(doc)]
            triggers.sort(key=lambda t: (t[1], -t[2]))
            if self.persons:
                candidates += self._person_candidates(doc, triggers, gaz_ends)
            if self.patterns:
                gaz_starts = {c.start: c.priority for c in candidates if c.gazetteer}
                boundaries = set(gaz_starts) | {start for group, start, _ in triggers if group != "SUFFIX"}
                for cand in self._pattern_candidates(doc, triggers, regions_by_end, boundaries):
                    # A head-word pattern starting where a gazetteer span starts only stands if it
                    # ends in a region and the gazetteer found no composite there.
                    if cand.start not in gaz_starts or (
                            cand.priority == _COMPOSITE and gaz_starts[cand.start] != _COMPOSITE):
                        candidates.append(cand)
        return self._resolve(doc, candidates)

    def _accepts(self, doc: Doc, name: gz.Name, name_key: str, start: int, end: int) -> bool:
        """Whether ``doc[start:end]`` may stand alone as ``name`` under the name's case policy."""
        if name.policy == "any":
            return True
        if name.policy == "qualified":
            return False
        exact = tuple(t.text for t in doc[start:end]) in self._written[name_key][name.written]
        if name.policy == "exact":
            return exact
        return exact and start > 0 and doc[start - 1].lower_ in LOCATIVES  # "context"

    def _qualifier_before(self, doc: Doc, start: int) -> tuple[int, str] | None:
        """(position, kind) of a qualifier ending right before ``start`` ("Kab." counts)."""
        i = start - 1
        if i > 0 and doc[i].text == "." and doc[i - 1].lower_ in ("kab", "prov"):
            i -= 1
        if i >= 0 and doc[i].lower_.rstrip(".") in gz.QUALIFIERS:
            return i, gz.QUALIFIERS[doc[i].lower_.rstrip(".")]
        return None

    def _qualifier_at(self, doc: Doc, i: int) -> tuple[int, str] | None:
        """(position after, kind) of a qualifier starting at ``i``."""
        if i < len(doc) and doc[i].lower_.rstrip(".") in gz.QUALIFIERS:
            kind = gz.QUALIFIERS[doc[i].lower_.rstrip(".")]
            i += 1
            if i < len(doc) and doc[i].text == "." and doc[i - 1].lower_ in ("kab", "prov"):
                i += 1
            return i, kind
        return None

    def _gazetteer_candidates(self, doc: Doc, raw: list[tuple[str, int, int]]) -> list[_Candidate]:
        gazetteer = self.gazetteer
        by_start: dict[int, list[tuple[int, str]]] = defaultdict(list)
        for name_key, start, end in raw:
            by_start[start].append((end, name_key))
        for options in by_start.values():
            options.sort(reverse=True)
        out: list[_Candidate] = []
        for name_key, start, end in raw:
            names = gazetteer.names[name_key]
            # Places after a qualifier: "Kota Batu", "kab. banjar", "Provinsi Jambi".
            qualifier = self._qualifier_before(doc, start)
            if qualifier is not None:
                region = gazetteer.region(name_key, frozenset({qualifier[1]}))
                if region is not None:
                    out.append(_Candidate((qualifier[0], end), qualifier[0], end, "LOC", region.canonical,
                                          _COMPOSITE, gazetteer=True))
            has_org = False
            for name in names:
                entry = name.entry
                if isinstance(entry, gz.Prefix):
                    continue
                if self._accepts(doc, name, name_key, start, end):
                    has_org |= isinstance(entry, gz.Organization)
                    out.append(_Candidate((start, end), start, end, entry.label, entry.canonical, _GAZETTEER,
                                          gazetteer=True))
            for name in names:
                entry = name.entry
                if not isinstance(entry, gz.Prefix) or not self._accepts(doc, name, name_key, start, end):
                    continue
                out += self._composites(doc, entry, start, end, by_start)
                if entry.standalone and not has_org:
                    out.append(_Candidate((start, end), start, end, "ORG", entry.expansion, _GAZETTEER,
                                          gazetteer=True))
        return out

    def _composites(self, doc: Doc, prefix: gz.Prefix, start: int, end: int,
                    by_start: dict[int, list[tuple[int, str]]]) -> list[_Candidate]:
        """prefix [qualifier] region -> one ORG candidate for the longest region that fits."""
        kinds = gz.LEVELS[prefix.level]
        position = end
        qualifier = self._qualifier_at(doc, end)
        if qualifier is not None and qualifier[1] in kinds:
            position, kinds = qualifier[0], frozenset({qualifier[1]})
        for region_end, region_key in by_start.get(position, ()):
            region = self.gazetteer.region(region_key, kinds)
            if region is not None and prefix.admits(region):
                return [_Candidate((start, region_end), start, region_end, "ORG", prefix.compose(region),
                                   _COMPOSITE, specificity=end - start, gazetteer=True)]
        return []

    # ---- persons ------------------------------------------------------------------------------

    def _trim(self, start: int, end: int, gaz_ends: dict[int, int]) -> tuple[int, int]:
        """Drop a leading gazetteer span from a name and cut it at the next one."""
        while start < end and start in gaz_ends:
            start = gaz_ends[start]
        for i in range(start + 1, end):
            if i in gaz_ends:
                return start, i
        return start, end

    def _suffixes_after(self, doc: Doc, i: int) -> int:
        """End of a run of academic suffixes (", S.Si, M.Si" or " M.Si.") starting at ``i``."""
        n = len(doc)
        while i < n:
            if doc[i].text == "," and i + 1 < n and doc[i + 1].text in ACADEMIC:
                i += 2
            elif doc[i].text in ACADEMIC and "." in doc[i].text:
                i += 1
            else:
                break
        return i

    def _person(self, doc: Doc, block_start: int, name_start: int, name_end: int, block_end: int,
                gaz_ends: dict[int, int]) -> _Candidate | None:
        trimmed = self._trim(name_start, name_end, gaz_ends)
        if trimmed != (name_start, name_end):
            block_end = trimmed[1] if trimmed[1] < name_end else block_end
        name_start, name_end = trimmed
        while name_end > name_start and (doc[name_end - 1].lower_ in PARTICLES or doc[name_end - 1].text == "-"):
            name_end -= 1
        tokens = [t for t in doc[name_start:name_end] if t.text != "."]
        if not tokens or (len(tokens) == 1 and tokens[0].text in NOBLE):
            return None
        if tokens[0].text in NOBLE:  # "Gt. Yanuar" -> "Gusti Yanuar"
            canonical = f"{NOBLE[tokens[0].text]} {''.join(t.text_with_ws for t in tokens[1:])}"
        else:
            canonical = "".join(t.text_with_ws for t in tokens)
        return _Candidate((block_start, max(block_end, name_end)), name_start, name_end, "PER",
                          _normalised(canonical), _GAZETTEER)

    def _person_candidates(self, doc: Doc, triggers, gaz_ends: dict[int, int]) -> list[_Candidate]:
        out: list[_Candidate] = []
        covered = 0
        for group, start, end in triggers:
            if start < covered:
                continue
            if group in ("HON", "NOBLE"):
                found = self._after_title(doc, start, gaz_ends)
            elif group == "SUFFIX":
                found = self._before_suffix(doc, start, gaz_ends)
            else:
                continue
            if found is not None:
                out.append(found)
                covered = found.block[1]
        return out

    @staticmethod
    def _joins_name(doc: Doc, i: int) -> bool:
        """Whether ``doc[i]`` links two parts of a name: "bin", "van", the "-" of "Al-Jufri"."""
        if i + 1 >= len(doc) or not _is_name(doc[i + 1]):
            return False
        if doc[i].lower_ in PARTICLES:
            return True
        return doc[i].text == "-" and i > 0 and not doc[i - 1].whitespace_ and not doc[i].whitespace_

    def _after_title(self, doc: Doc, start: int, gaz_ends: dict[int, int]) -> _Candidate | None:
        """"H. Sahbirin Noor", "Drs. Gusti Yanuar ...", "Bapak Presiden Joko Widodo", "Gt. Yanuar ..."."""
        n = len(doc)
        i = start
        honorifics = []
        while i < n and (doc[i].text in HONORIFICS or (doc[i].text == "." and i > start and doc[i - 1].text in HONORIFICS)):
            honorifics.append(doc[i].text)
            i += 1
        while i < n and doc[i].lower_ in ROLES:
            i += 1
        name_start = i
        if i < n and doc[i].text in NOBLE:
            i += 1
            if i < n and doc[i].text == "." and not doc[i - 1].text.endswith("."):
                i += 1
        j = i
        while j < n and j - name_start < _MAX_NAME and (_is_name(doc[j]) or self._joins_name(doc, j)):
            j += 1
        if j == i:
            return None
        if honorifics and set(honorifics) <= _BARE_LETTERS and j - name_start < 2:
            return None  # "Hari H Pemilu" is not a person
        return self._person(doc, start, name_start, j, self._suffixes_after(doc, j), gaz_ends)

    def _before_suffix(self, doc: Doc, start: int, gaz_ends: dict[int, int]) -> _Candidate | None:
        """"Ulah Tri Wibowo, S.Si, M.Si", "Rahmiyanti, ST, MA": walk back from the first suffix."""
        j = start - 1
        if j >= 0 and doc[j].text == ",":
            j -= 1
        elif "." not in doc[start].text:
            return None  # "ST"/"MA" only count after a comma
        name_end = j + 1
        while j >= 0 and name_end - j <= _MAX_NAME:
            if _is_name(doc[j]) or (j > 0 and _is_name(doc[j - 1]) and self._joins_name(doc, j)):
                j -= 1
            elif doc[j].text == "." and j > 0 and doc[j - 1].text in NOBLE:
                j -= 2
            else:
                break
        name_start = j + 1
        if name_start >= name_end:
            return None
        block_start = name_start
        while block_start > 0 and (doc[block_start - 1].text in HONORIFICS or (
                doc[block_start - 1].text == "." and block_start > 1 and doc[block_start - 2].text in HONORIFICS)):
            block_start -= 1
        return self._person(doc, block_start, name_start, name_end, self._suffixes_after(doc, name_end), gaz_ends)

    # ---- head-word patterns -------------------------------------------------------------------

    def _pattern_candidates(self, doc: Doc, triggers, regions_by_end, boundaries: set[int]) -> list[_Candidate]:
        out = []
        for group, start, end in triggers:
            if group in ("GOV", "ORG"):
                found = self._organisation(doc, start, end, group == "GOV", regions_by_end, boundaries)
            elif group == "PLACE":
                found = self._place(doc, start, end)
            else:
                continue
            if found is not None:
                out.append(found)
        return out

    def _organisation(self, doc: Doc, start: int, end: int, government: bool, regions_by_end,
                      boundaries: set[int]) -> _Candidate | None:
        """"Dinas Perikanan Kalsel", "Universitas Lambung Mangkurat", "Hotel Harmoni One".

        "dan" joins words of one name ("Dinas Perikanan dan Kelautan") but not two entities
        ("Polres Banjar dan Pemkab Banjar"): it never leads to a token where another match starts.
        """
        n = len(doc)
        i = end
        last = None
        while i < n and i - end < _MAX_ORG:
            token = doc[i]
            if _is_capitalised(token) and token.lower_ not in ORG_STOP and (
                    government or token.lower_ not in gz.QUALIFIERS):
                i += 1
                last = i
            elif token.lower_ in CONNECTORS and last is not None and i + 1 < n and _is_capitalised(doc[i + 1]) \
                    and i + 1 not in boundaries:
                i += 1
            else:
                break
        if last is None:
            return None
        text = _normalised(doc[start:last].text)
        if government:
            tail = self._region_tail(doc, end, last, regions_by_end)
            if tail is not None:
                tail_start, region = tail
                head = _normalised(doc[start:tail_start].text)
                return _Candidate((start, last), start, last, "ORG", f"{head} {region.qualified}", _COMPOSITE)
        return _Candidate((start, last), start, last, "ORG", text, _PATTERN)

    def _region_tail(self, doc: Doc, lo: int, end: int, regions_by_end) -> tuple[int, gz.Region] | None:
        """(start, region) of the longest region (with its qualifier) ending at ``end`` after ``lo``."""
        for region_start, region_key in sorted(regions_by_end.get(end, ())):
            if region_start <= lo:
                continue
            qualifier = self._qualifier_before(doc, region_start)
            if qualifier is not None and qualifier[0] > lo:
                region = self.gazetteer.region(region_key, frozenset({qualifier[1]}))
                if region is not None:
                    return qualifier[0], region
            region = self.gazetteer.region(region_key, gz.LEVELS["any"])
            if region is not None:
                return region_start, region
        return None

    def _place(self, doc: Doc, start: int, end: int) -> _Candidate | None:
        """"Jl. Ahmad Yani", "Kecamatan Banjarbaru Utara", "Kota Tua"."""
        n = len(doc)
        head = PLACE_HEADS.get("".join(t.text for t in doc[start:end]))  # "Kab ." matched "Kab."
        if head is None:
            return None
        i = end
        if i < n and doc[i].text == "." and not doc[end - 1].text.endswith("."):
            i += 1
        j = i
        while j < n and j - i < _MAX_PLACE and _is_capitalised(doc[j]) and doc[j].lower_.rstrip(".") not in PLACE_STOP \
                and doc[j].lower_ not in gz.QUALIFIERS:
            j += 1
        if j == i:
            return None
        return _Candidate((start, j), start, j, "LOC", f"{head} {_normalised(doc[i:j].text)}", _PATTERN)

    # ---- combination --------------------------------------------------------------------------

    def _resolve(self, doc: Doc, candidates: list[_Candidate]) -> list[_Candidate]:
        candidates.sort(key=lambda c: (c.block[0] - c.block[1], -c.priority, -c.specificity, c.block[0]))
        taken = bytearray(len(doc))
        chosen = []
        for cand in candidates:
            lo, hi = cand.block
            if any(taken[lo:hi]):
                continue
            taken[lo:hi] = b"\x01" * (hi - lo)
            chosen.append(cand)
        chosen.sort(key=lambda c: c.start)
        return chosen

    def set_annotations(self, doc: Doc, candidates: list[_Candidate]) -> None:
        """Write rule entities and the model's non-overlapping entities to ``doc.ents``."""
        taken = bytearray(len(doc))
        spans = []
        for cand in candidates:
            lo, hi = cand.block
            taken[lo:hi] = b"\x01" * (hi - lo)
            spans.append(Span(doc, cand.start, cand.end, label=cand.label, kb_id=cand.canonical))
        for ent in doc.ents:
            if any(taken[ent.start:ent.end]):
                continue
            if not ent.kb_id_:
                found = self.gazetteer.canonical(ent.text, ent.label_ or None)
                if found:
                    ent = Span(doc, ent.start, ent.end, label=ent.label, kb_id=found)
            spans.append(ent)
        spans.sort(key=lambda s: s.start)
        doc.set_ents(spans, default="outside")


@Language.factory(
    FACTORY,
    default_config={"data_dir": None, "persons": True, "patterns": True},
    requires=["token.text"],
    assigns=["doc.ents", "token.ent_type", "token.ent_iob", "token.ent_kb_id"],
)
def make_entity_rules(nlp: Language, name: str, data_dir: str | None, persons: bool, patterns: bool) -> EntityRules:
    """spaCy factory: ``nlp.add_pipe("pantau_entity_rules")`` after any ``ner``."""
    return EntityRules(nlp, name, data_dir=data_dir, persons=persons, patterns=patterns)


def add_entity_rules(nlp: Language, *, data_dir: str | None = None, persons: bool = True,
                     patterns: bool = True) -> EntityRules:
    """Add the component to ``nlp`` (last, so after a statistical ``ner`` if there is one)."""
    config = {"data_dir": data_dir, "persons": persons, "patterns": patterns}
    return nlp.add_pipe(FACTORY, config=config, last=True)


def build_rules_pipeline(nlp: Language | None = None, **config) -> Language:
    """``nlp`` (a blank Indonesian pipeline if None) with the component added; returns ``nlp``."""
    if nlp is None:
        import spacy

        nlp = spacy.blank("id")
    add_entity_rules(nlp, **config)
    return nlp
