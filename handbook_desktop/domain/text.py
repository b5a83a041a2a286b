"""Vietnamese text: NFC normalisation, accent folding for search, and the name sort key.

Text arrives decomposed from macOS, old Word files and some Excel sheets; two spellings of the same
name must compare equal, so every value is NFC before it is stored (DESIGN.md "Data").
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_SPACES = re.compile(r"\s+")

# Vietnamese alphabet order (TCVN 5712 / dictionary order); the foreign letters f j w z sit where
# Latin puts them so that foreign names still sort sensibly.
_ALPHABET = [
    "a", "ă", "â", "b", "c", "d", "đ", "e", "ê", "f", "g", "h", "i", "j", "k", "l", "m", "n",
    "o", "ô", "ơ", "p", "q", "r", "s", "t", "u", "ư", "v", "w", "x", "y", "z",
]
# Combining marks that make a different letter (primary difference) ...
_LETTER_MARKS = {"\u0306": "breve", "\u0302": "circumflex", "\u031b": "horn"}
# ... and the five tones (secondary difference), in dictionary order: ngang, huyền, hỏi, ngã, sắc, nặng.
_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}

_BASE_WITH_MARK = {
    ("a", "breve"): "ă", ("a", "circumflex"): "â", ("e", "circumflex"): "ê",
    ("o", "circumflex"): "ô", ("o", "horn"): "ơ", ("u", "horn"): "ư",
}
# Letters are encoded from 'A' upward and tones as digits; '!' ends a word and '#' ends a word's
# letters, both below every code, so that a shorter word sorts before a longer one that starts the
# same way. All printable: PostgreSQL stores the key in a "C"-collated column.
_LETTER_CODE = {letter: chr(0x41 + i) for i, letter in enumerate(_ALPHABET)}
_OTHER_CODE_BASE = 0x41 + len(_ALPHABET)
_TONES_START = "#"
_WORD_SEPARATOR = "!"


def nfc(value: str | None) -> str | None:
    """NFC-normalise text; ``None`` stays ``None``."""
    if value is None:
        return None
    return unicodedata.normalize("NFC", value)


def clean(value: str | None) -> str | None:
    """NFC, trimmed, inner runs of white space made one space; empty becomes ``None``."""
    if value is None:
        return None
    text = str(value)
    if not text.isascii():
        text = unicodedata.normalize("NFC", text)
    text = " ".join(text.split())  # str.split() and re's \s agree on what white space is
    return text or None


def fold(value: str | None) -> str:
    """Lower-case text without tones or letter marks, ``đ`` → ``d``: what search compares."""
    if not value:
        return ""
    text = value.lower()
    if not text.isascii():
        # One table lookup per character instead of decomposing and filtering in Python: every
        # letter with marks maps to its base letter, every combining mark to nothing.
        text = unicodedata.normalize("NFC", text).translate(_fold_table())
    return " ".join(text.split())


@lru_cache(maxsize=1)
def _fold_table() -> dict[int, str | None]:
    table: dict[int, str | None] = {}
    for code in range(0x80, 0x10000):
        if 0xD800 <= code <= 0xDFFF:
            continue  # surrogates: never in a str read from a file
        ch = chr(code)
        if unicodedata.combining(ch):
            table[code] = None
            continue
        if ch in "đĐ":
            table[code] = "d"
            continue
        base = "".join(part for part in unicodedata.normalize("NFD", ch) if not unicodedata.combining(part))
        if base != ch:
            table[code] = base
    return table


def split_name(full_name: str) -> tuple[str, str, str]:
    """(family, middle, given) of a Vietnamese full name: first word, middle words, last word."""
    words = (clean(full_name) or "").split(" ")
    if not words or words == [""]:
        return "", "", ""
    if len(words) == 1:
        return "", "", words[0]
    return words[0], " ".join(words[1:-1]), words[-1]


def _letters(word: str) -> list[tuple[str, int]]:
    """Each letter of a word as (Vietnamese letter, tone 0–5)."""
    return [_letter(ch) for ch in unicodedata.normalize("NFC", word.lower())]


@lru_cache(maxsize=4096)
def _letter(ch: str) -> tuple[str, int]:
    if ch == "đ":
        return "đ", 0
    parts = unicodedata.normalize("NFD", ch)
    base, marks = parts[0], parts[1:]
    letter, tone = base, 0
    for mark in marks:
        if mark in _LETTER_MARKS:
            letter = _BASE_WITH_MARK.get((base, _LETTER_MARKS[mark]), base)
        elif mark in _TONES:
            tone = _TONES[mark]
    return letter, tone


def _code(letter: str) -> str:
    code = _LETTER_CODE.get(letter)
    if code is not None:
        return code
    if letter.isdigit():
        return chr(0x30 + int(letter)) if letter.isascii() else chr(0x39)
    return chr(_OTHER_CODE_BASE + (ord(letter) % 0x3000))


def name_sort_key(full_name: str | None) -> str:
    """A string whose plain (binary) order is the Vietnamese order of names.

    Given name first, then the middle name, then the family name; within a word the letters of
    the Vietnamese alphabet decide (``Anh`` < ``Ân``, ``D`` < ``Đ``, ``U`` < ``Ư``) and tones only
    break ties (``Anh`` < ``Ánh`` < ``Ân``), so all the ``Anh`` stand together before the ``Ánh``.
    Stored in ``member.name_sort`` so that the database sorts with an index.
    """
    family, middle, given = split_name(full_name or "")
    return _WORD_SEPARATOR.join((_word_key(given), _word_key(middle), _word_key(family)))


@lru_cache(maxsize=16384)
def _word_key(word: str) -> str:
    """A word's (or the middle name's) letters then its tones: names repeat their words (Nguyễn,
    Văn, Thị), each worked out once."""
    letters = _letters(word)
    return "".join(_code_of(letter) for letter, _ in letters) + _TONES_START + "".join(str(tone) for _, tone in letters)


@lru_cache(maxsize=4096)
def _code_of(letter: str) -> str:
    return _code(letter)


def mask_digits(value: str | None, keep_start: int = 4, keep_end: int = 2) -> str:
    """``001234567889`` → ``0012******89``: sensitive numbers in lists, logs and messages."""
    if not value:
        return ""
    text = str(value)
    if len(text) <= keep_start + keep_end:
        return "*" * len(text)
    return text[:keep_start] + "*" * (len(text) - keep_start - keep_end) + text[-keep_end:]


NUMBER_MARK = "#"  # starts each number in a search key, so a typed number matches from its start


_NOT_DIGITS = re.compile(r"[^0-9]")


def number_digits(value: str | None) -> str:
    """The digits of a phone or card number as a person types them: ``+84 912…`` is ``0912…``."""
    text = (value or "").strip()
    digits = text if text.isascii() and text.isdigit() else _NOT_DIGITS.sub("", text)
    if text.startswith("+84") and digits.startswith("84"):
        digits = "0" + digits[2:]
    return digits


def search_key(full_name: str | None, phone: str | None = None, card_number: str | None = None, *,
               folded: str | None = None) -> str:
    """What the member list's search box looks in: the folded name, then the phone and the card
    number as bare digits, each after ``#``. One column, so one index scan answers a name, a
    phone prefix or a card prefix (with or without its dot). The CCCD is deliberately absent: it
    is found only whole, never by a part of it. ``folded``: ``fold(full_name)`` when already made."""
    name = fold(full_name) if folded is None else folded
    return f"{name} {NUMBER_MARK}{number_digits(phone)} {NUMBER_MARK}{number_digits(card_number)}"


# --- Numbers as a Vietnamese reader writes them: 7.020.000 đ, 0,5 %, 98,2 % ---------------------
# One helper for the window, the documents and the command line: "." groups thousands, "," starts
# the decimals, a space before "đ" and "%" (TCVN style, as official documents print them).

NO_VALUE = "—"


def number(value: float | int | None, decimals: int = 0) -> str:
    """``1234567`` → ``1.234.567``; with ``decimals`` the fraction follows a comma and trailing
    zeros are dropped (``0.5`` → ``0,5``; ``2.0`` → ``2``). ``None`` → ``""``."""
    if value is None or value == "":
        return ""
    rounded = round(float(value), decimals)
    whole, _, frac = f"{abs(rounded):,.{decimals}f}".partition(".")
    frac = frac.rstrip("0")
    sign = "-" if rounded < 0 else ""
    return sign + whole.replace(",", ".") + ("," + frac if frac else "")


def money(value: float | int | None) -> str:
    """``7020000`` → ``7.020.000 đ``; ``None`` → ``—``."""
    if value is None or value == "":
        return NO_VALUE
    return f"{number(value)} đ"


def percent(share: float | None, decimals: int = 1) -> str:
    """A share (``0.982``) as a percentage: ``98,2 %``; ``0.005`` → ``0,5 %``; ``None`` → ``—``."""
    if share is None:
        return NO_VALUE
    return f"{number(float(share) * 100, decimals)} %"


def percent_of(part: float | int | None, whole: float | int | None, decimals: int = 1) -> str:
    """``part`` of ``whole`` as a percentage (``71,4 %``); ``—`` when there is no whole."""
    if part is None or not whole:
        return NO_VALUE
    return percent(float(part) / float(whole), decimals)


def file_size(size: int) -> str:
    """``1,4 MB``, ``12 KB``: a file's size as people read it."""
    if size >= 1024 * 1024:
        return f"{number(size / 1024 / 1024, 1)} MB"
    return f"{number(max(1, size // 1024))} KB"


# What an empty date or time field shows: the Vietnamese order of the parts, not "dd/mm/yyyy".
DATE_PLACEHOLDER = "ngày/tháng/năm"
TIME_PLACEHOLDER = "giờ:phút"


def to_check_text(value: str | None) -> str:
    """Rule and calendar sources mark unverified values "(check)" (a maintainers' word, kept in the
    data so the filter finds them); people read "(cần đối chiếu)"."""
    return (value or "").replace("(check)", "(cần đối chiếu)")
