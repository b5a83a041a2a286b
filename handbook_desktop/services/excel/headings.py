"""The words of a member sheet, from resources/sheets/headings.toml and the field table: column
headings (one row or several), the row-number column, the words that end a table and those that
head a group of rows. Compared as ``heading_key``: folded, without parentheses or punctuation.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache

from handbook_desktop import paths
from handbook_desktop.domain.text import fold
from handbook_desktop.services.excel.cells import from_tcvn3, legacy_encoding
from handbook_desktop.services.members.fields import FIELDS, UNIT_LABEL, UNIT_SYNONYMS

UNIT_KEY = "unit"
SKIP = "-"  # a heading known not to be imported (said so, not reported as unknown)
_PARENTHESES = re.compile(r"\([^)]*\)")
_NOT_WORD = re.compile(r"[^0-9a-z ]+")
_ENUMERATOR = re.compile(r"^(?:[IVXLC]+|[A-Z]|\d{1,2})\s*[.)/-]\s*\S")


def unicode_text(text: str) -> str:
    """Text typed in a TCVN3 font converted, anything else as it is."""
    if legacy_encoding(text) == "TCVN3":
        converted = from_tcvn3(text)
        if converted is not None:
            return converted
    return text


def heading_key(text) -> str:
    """A heading reduced to compare: TCVN3 converted, folded, no parenthesised hints, no punctuation."""
    if text is None:
        return ""
    value = fold(_PARENTHESES.sub(" ", unicode_text(str(text))))
    return " ".join(_NOT_WORD.sub(" ", value).split())


@dataclass(frozen=True)
class Words:
    single: dict[str, str]  # heading key → field key
    compound: dict[tuple[str, str], str]  # (parent key, lower key) → field key
    ordinal: frozenset[str]
    table_end: tuple[str, ...]
    group_status: dict[str, str]  # group text key → member status
    group_words: tuple[str, ...]

    def field_of(self, parent: str | None, lower: str) -> str | None:
        """The field of a column headed ``lower`` under ``parent`` (keys), or None."""
        if parent and parent != lower:
            found = self.compound.get((parent, lower)) or self.single.get(f"{parent} {lower}")
            if found:
                return found
        return self.single.get(lower)

    def ends_table(self, text) -> bool:
        key = heading_key(text)
        return any(key == word or key.startswith(word + " ") for word in self.table_end)

    def group(self, text) -> tuple[bool, str | None]:
        """(is a group heading, the status it names or None)."""
        raw = unicode_text(str(text)).strip()
        key = heading_key(raw)
        # "I. ĐẢNG VIÊN CHÍNH THỨC" → "dang vien chinh thuc" once the enumerator is dropped.
        bare = heading_key(re.sub(r"^(?:[IVXLC]+|[A-Za-z]|\d{1,2})\s*[.)/-]\s*", "", raw))
        for candidate in (key, bare):
            if candidate in self.group_status:
                return True, self.group_status[candidate]
        for candidate in (key, bare):
            for words, status in self.group_status.items():
                if candidate.startswith(words + " ") or candidate.endswith(" " + words):
                    return True, status
        if _ENUMERATOR.match(raw):
            return True, None
        if any(key == w or key.startswith(w + " ") for w in self.group_words) and any(ch.isdigit() for ch in key):
            return True, None
        return False, None


@lru_cache(maxsize=1)
def words() -> Words:
    with open(paths.resource("sheets", "headings.toml"), "rb") as handle:
        data = tomllib.load(handle)
    single: dict[str, str] = {}
    for spec in FIELDS:
        for name in (spec.label, *spec.synonyms):
            single.setdefault(heading_key(name), spec.key)
    for name in (UNIT_LABEL, *UNIT_SYNONYMS):
        single.setdefault(heading_key(name), UNIT_KEY)
    from handbook_desktop.services.excel.gaps import gap_headings  # leaving the Party, re-admission

    for name, key in gap_headings().items():
        single.setdefault(name, key)
    for key, names in data.get("fields", {}).items():
        for name in names:
            single[heading_key(name)] = key  # the file is the more precise: it wins over the field table
    compound = {}
    for text, key in data.get("compound", {}).items():
        parent, lower = (part.strip() for part in text.split(">", 1))
        compound[(heading_key(parent), heading_key(lower))] = key
    groups = data.get("groups", {})
    status = {heading_key(text): code for code, texts in groups.items() if code != "words" for text in texts}
    return Words(
        single=single, compound=compound,
        ordinal=frozenset(heading_key(t) for t in data.get("ordinal", {}).get("headings", [])),
        table_end=tuple(heading_key(t) for t in data.get("table_end", {}).get("starts", [])),
        group_status=status,
        group_words=tuple(heading_key(t) for t in groups.get("words", [])),
    )
