"""Indonesian gazetteer: regions, organisations and regional agency prefixes, with canonical forms.

Pure loading of the TSV files in ``enrichers/data/gazetteer/`` (see the README there) into frozen
dataclasses and look-up tables, cached per data directory, plus :func:`canonical`, which turns a
name found by any means (rules, a statistical model, a user's query) into its canonical form:

    canonical("Kalsel") -> "Kalimantan Selatan"
    canonical("Kab. Banjar") -> "Kabupaten Banjar"
    canonical("Diskominfo Kalsel", "ORG")
        -> "Dinas Komunikasi dan Informatika Provinsi Kalimantan Selatan"

Names are compared by :func:`key`: NFKC, case-folded, invisible characters dropped and every run
of punctuation or whitespace turned into one space, so "Kemenpan-RB", "KEMENPAN RB" and
"kemenpan  rb" are one name. Case matters only to the matcher (``enrichers.entity_rules``), which
reads each :class:`Name`'s ``policy``; :func:`canonical` is given a span that something already
decided is an entity, so it ignores the policies.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Mapping, Union

DATA_DIR = Path(__file__).resolve().parent / "data" / "gazetteer"

#: Words that say which kind of region follows ("Kab. Banjar", "Kota Banjar", "Provinsi Jambi").
QUALIFIERS: Mapping[str, str] = {
    "provinsi": "province", "propinsi": "province", "prov": "province",
    "kabupaten": "regency", "kab": "regency",
    "kota": "city", "kotamadya": "city",
}

#: Region kinds a prefix's ``level`` admits.
LEVELS: Mapping[str, frozenset[str]] = {
    "province": frozenset({"province"}),
    "regency": frozenset({"regency"}),
    "city": frozenset({"city"}),
    "local": frozenset({"regency", "city"}),
    "any": frozenset({"province", "regency", "city"}),
}

#: Heads of government bodies whose name may end in a region: "Dinas Perikanan Kalsel" is
#: canonicalised as "Dinas Perikanan Provinsi Kalimantan Selatan" even without a prefix row.
GOVERNMENT_HEADS = frozenset({
    "dinas", "badan", "kantor", "pemerintah", "dewan", "komisi", "sekretariat", "inspektorat",
    "kejaksaan", "pengadilan", "kepolisian", "biro", "lembaga", "satuan", "unit",
})

#: Entity labels used by other NER schemes, mapped onto pantau's PER/LOC/ORG.
LABEL_ALIASES: Mapping[str, str] = {
    "PER": "PER", "PERSON": "PER", "PERS": "PER",
    "LOC": "LOC", "GPE": "LOC", "LOCATION": "LOC", "PLACE": "LOC", "FAC": "LOC",
    "ORG": "ORG", "ORGANIZATION": "ORG", "ORGANISATION": "ORG", "NORP": "ORG",
}

_SEPARATORS = re.compile(r"[\W_]+")
_ADMIN_PREFIXES = ("Kabupaten Administrasi ", "Kota Administrasi ", "Kabupaten ", "Kota ")


def key(text: str) -> str:
    """The form names are compared in: NFKC, case-folded, punctuation and spacing collapsed."""
    text = unicodedata.normalize("NFKC", text)
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Cf")
    return " ".join(_SEPARATORS.sub(" ", text.casefold()).split())


def _words(text: str) -> list[str]:
    """The original-case words of ``text`` that line up one-to-one with ``key(text).split()``."""
    text = unicodedata.normalize("NFKC", text)
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Cf")
    return _SEPARATORS.sub(" ", text).split()


@dataclass(frozen=True)
class Region:
    """A province, regency (kabupaten), city (kota), the country, a main island or the new capital."""

    canonical: str
    kind: str
    province: str
    aliases: tuple[str, ...]
    cased: tuple[str, ...]
    context: tuple[str, ...]

    label = "LOC"

    @property
    def name(self) -> str:
        """The bare name: "Banjar" for "Kabupaten Banjar", the canonical itself for a province."""
        for prefix in _ADMIN_PREFIXES:
            if self.kind in ("regency", "city") and self.canonical.startswith(prefix):
                return self.canonical[len(prefix):]
        return self.canonical

    @property
    def qualified(self) -> str:
        """The name with its kind: "Provinsi Kalimantan Selatan", "Kabupaten Banjar", "Kota Batu"."""
        return f"Provinsi {self.canonical}" if self.kind == "province" else self.canonical


@dataclass(frozen=True)
class Organization:
    """A ministry, agency, party, medium, fact-checker or other national organisation."""

    canonical: str
    kind: str
    aliases: tuple[str, ...]
    cased: tuple[str, ...]

    label = "ORG"


@dataclass(frozen=True)
class Prefix:
    """A regional agency prefix: "Diskominfo" + region -> "Dinas Komunikasi dan Informatika ..."."""

    prefix: str
    expansion: str
    level: str
    template: str
    standalone: bool

    label = "ORG"

    @property
    def canonical(self) -> str:
        """The prefix's canonical form when it stands alone ("Polda" -> "Kepolisian Daerah")."""
        return self.expansion

    def admits(self, region: Region) -> bool:
        """Whether this prefix combines with ``region`` (Pemkot with cities only, and so on)."""
        return region.kind in LEVELS[self.level]

    def compose(self, region: Region) -> str:
        """The canonical name of this agency of ``region``."""
        return self.template.format(name=region.name, region=region.qualified)


Entry = Union[Region, Organization, Prefix]


@dataclass(frozen=True)
class Name:
    """One written form of an entry and how the matcher may accept it.

    ``policy`` is ``any`` (any case), ``exact`` (only as written: cased names and acronyms of at
    most two letters), ``context`` (only after a qualifier or agency prefix, or Capitalised after
    di/ke/dari) or ``qualified`` (a bare name shared with another region: only after a qualifier
    or prefix, e.g. "Bandung" of Kabupaten Bandung, whose bare name belongs to Kota Bandung).
    """

    written: str
    entry: Entry
    policy: str


@dataclass(frozen=True)
class Gazetteer:
    """All entries and a name index: ``names[key(form)]`` lists every :class:`Name` with that key."""

    regions: tuple[Region, ...]
    organizations: tuple[Organization, ...]
    prefixes: tuple[Prefix, ...]
    names: Mapping[str, tuple[Name, ...]]

    def region(self, name_key: str, kinds: frozenset[str] | None = None) -> Region | None:
        """The region called ``name_key`` (a :func:`key`), optionally restricted to some kinds.

        Without ``kinds`` only names a region owns count ("Bandung" is Kota Bandung); with
        ``kinds`` shared bare names count too ("Bandung" of kind regency is Kabupaten Bandung),
        an owned name first.
        """
        found = [n for n in self.names.get(name_key, ()) if isinstance(n.entry, Region)]
        if kinds is None:
            found = [n for n in found if n.policy != "qualified"]
        else:
            found = [n for n in found if n.entry.kind in kinds]
        found.sort(key=lambda n: n.policy == "qualified")
        return found[0].entry if found else None

    def prefix(self, name_key: str) -> Prefix | None:
        """The regional agency prefix written as ``name_key``, if any."""
        for name in self.names.get(name_key, ()):
            if isinstance(name.entry, Prefix):
                return name.entry
        return None

    def canonical(self, text: str, label: str | None = None) -> str | None:
        """The canonical form of ``text`` as an entity of ``label`` (any label if None), or None.

        Tries, in order: a known name or alias; a qualifier and a region ("Kab. Banjar"); an agency
        prefix, an optional qualifier and a region ("Dinas Kominfo Provinsi Kalsel"); and for
        ORG, a government head ending in a region ("Dinas Perikanan Kalsel").
        """
        label = LABEL_ALIASES.get(label.upper(), label) if label else None
        if label == "PER":
            return None
        text_key = key(text)
        if not text_key:
            return None
        order = {"LOC": 0, "ORG": 1}
        candidates = [n.entry for n in self.names.get(text_key, ())
                      if n.policy != "qualified" and (label is None or n.entry.label == label)
                      and not (isinstance(n.entry, Prefix) and not n.entry.standalone)]
        # An organisation's own name beats a prefix spelled the same ("KPU", "Kominfo").
        candidates.sort(key=lambda e: (order.get(e.label, 2), isinstance(e, Prefix)))
        if candidates:
            return candidates[0].canonical
        words = text_key.split()
        if label in (None, "LOC"):
            region = self._qualified_region(words)
            if region is not None:
                return region.canonical
        if label in (None, "ORG"):
            return self._composite(words, _words(text))
        return None

    def _qualified_region(self, words: list[str], kinds: frozenset[str] | None = None) -> Region | None:
        """A region written as [qualifier] name, the qualifier (if any) narrowing ``kinds``."""
        if len(words) > 1 and words[0] in QUALIFIERS:
            narrowed = frozenset({QUALIFIERS[words[0]]})
            if kinds is None or narrowed <= kinds:
                region = self.region(" ".join(words[1:]), narrowed)
                if region is not None:
                    return region
        if kinds is None:
            return self.region(" ".join(words))
        return self.region(" ".join(words), kinds)

    def _composite(self, words: list[str], original: list[str]) -> str | None:
        """Canonical of prefix + [qualifier] + region, or of a government head + region."""
        for cut in range(len(words) - 1, 0, -1):
            prefix = self.prefix(" ".join(words[:cut]))
            if prefix is None:
                continue
            region = self._qualified_region(words[cut:], LEVELS[prefix.level])
            if region is not None:
                return prefix.compose(region)
        if words[0] in GOVERNMENT_HEADS and len(original) == len(words):
            for cut in range(1, len(words)):
                region = self._qualified_region(words[cut:], LEVELS["any"])
                if region is not None:
                    return f"{' '.join(original[:cut])} {region.qualified}"
        return None


def _split(field: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in field.split("|") if part.strip())


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))


def _directory(data_dir: str | None) -> Path:
    return Path(data_dir) if data_dir else DATA_DIR


@lru_cache(maxsize=4)
def regions(data_dir: str | None = None) -> tuple[Region, ...]:
    """Rows of ``regions.tsv``."""
    return tuple(
        Region(row["canonical"], row["kind"], row["province"], _split(row["aliases"]),
               _split(row["cased"]), _split(row["context"]))
        for row in _rows(_directory(data_dir) / "regions.tsv")
    )


@lru_cache(maxsize=4)
def organizations(data_dir: str | None = None) -> tuple[Organization, ...]:
    """Rows of ``organizations.tsv``."""
    return tuple(
        Organization(row["canonical"], row["kind"], _split(row["aliases"]), _split(row["cased"]))
        for row in _rows(_directory(data_dir) / "organizations.tsv")
    )


@lru_cache(maxsize=4)
def prefixes(data_dir: str | None = None) -> tuple[Prefix, ...]:
    """Rows of ``regional_prefixes.tsv``, plus each expansion as a prefix of its own."""
    rows = [
        Prefix(row["prefix"], row["expansion"], row["level"], row["template"], row["standalone"] == "yes")
        for row in _rows(_directory(data_dir) / "regional_prefixes.tsv")
    ]
    for row in rows:
        if row.level not in LEVELS:
            raise ValueError(f"regional_prefixes.tsv: {row.prefix!r} has unknown level {row.level!r}")
    written = {key(p.prefix) for p in rows}
    for row in list(rows):
        if key(row.expansion) not in written:
            written.add(key(row.expansion))
            rows.append(Prefix(row.expansion, row.expansion, row.level, row.template, row.standalone))
    return tuple(rows)


def _acronym_letters(written: str) -> int | None:
    """Number of letters if ``written`` is an acronym (letters but no lower case), else None."""
    letters = [ch for ch in written if ch.isalpha()]
    if letters and not any(ch.islower() for ch in letters):
        return len(letters)
    return None


def _policy(written: str, cased: bool) -> str:
    letters = _acronym_letters(written)
    if cased or (letters is not None and letters <= 2):
        return "exact"
    return "any"


@lru_cache(maxsize=4)
def gazetteer(data_dir: str | None = None) -> Gazetteer:
    """The gazetteer loaded from ``data_dir`` (the shipped files if None), built once."""
    names: dict[str, list[Name]] = defaultdict(list)

    def add(written: str, entry: Entry, policy: str) -> None:
        name_key = key(written)
        if name_key and not any(n.entry is entry and n.written == written for n in names[name_key]):
            names[name_key].append(Name(written, entry, policy))

    all_regions = regions(data_dir)
    for region in all_regions:
        cased = set(region.cased)
        add(region.canonical, region, "exact" if region.canonical in cased else "any")
        for alias in region.aliases:
            add(alias, region, _policy(alias, False))
        for alias in region.cased:
            add(alias, region, "exact")
        for alias in region.context:
            add(alias, region, "context")
    for region in all_regions:
        # Bare names the region does not own still resolve after "Kabupaten"/"Kota"/a prefix.
        if not any(n.entry is region for n in names.get(key(region.name), ())):
            add(region.name, region, "qualified")
    for org in organizations(data_dir):
        cased = set(org.cased)
        for written in (org.canonical, *org.aliases):
            add(written, org, _policy(written, written in cased))
        for written in cased - {org.canonical, *org.aliases}:
            add(written, org, "exact")
    for prefix in prefixes(data_dir):
        add(prefix.prefix, prefix, _policy(prefix.prefix, False))
    return Gazetteer(
        regions=all_regions,
        organizations=organizations(data_dir),
        prefixes=prefixes(data_dir),
        names={k: tuple(v) for k, v in names.items()},
    )


def canonical(text: str, label: str | None = None, data_dir: str | None = None) -> str | None:
    """Canonical form of ``text`` as an entity of ``label`` (PER/LOC/ORG or a synonym), or None.

    Case-insensitive and tolerant of punctuation and spacing; see :meth:`Gazetteer.canonical`.
    Persons have no gazetteer, so ``label="PER"`` always gives None.
    """
    return gazetteer(data_dir).canonical(text, label)
