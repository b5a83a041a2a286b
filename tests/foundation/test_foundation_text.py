"""Vietnamese text: NFC, accent folding, the name sort key (property tests with hypothesis)."""

from __future__ import annotations

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from handbook_desktop.domain.text import clean, fold, mask_digits, name_sort_key, nfc, split_name

VIETNAMESE_LETTERS = "aăâbcdđeêghiklmnoôơpqrstuưvxyAĂÂBCDĐEÊGHIKLMNOÔƠPQRSTUƯVXY"
TONES = ["", "\u0300", "\u0309", "\u0303", "\u0301", "\u0323"]


@st.composite
def syllables(draw):
    letters = draw(st.text(alphabet=VIETNAMESE_LETTERS, min_size=1, max_size=6))
    tone = draw(st.sampled_from(TONES))
    return unicodedata.normalize("NFC", letters[0] + tone + letters[1:])


names = st.lists(syllables(), min_size=1, max_size=4).map(" ".join)


def test_fold_examples():
    assert fold("Nguyễn Văn Đức") == "nguyen van duc"
    assert fold("ĐỖ THỊ ƯỚC") == "do thi uoc"
    assert fold("  Lê   Ánh ") == "le anh"
    assert fold(None) == ""


@given(names)
def test_fold_is_ascii_lowercase_and_idempotent(name):
    folded = fold(name)
    assert folded.isascii()
    assert folded == folded.lower()
    assert fold(folded) == folded


@given(names)
def test_fold_ignores_normalisation_form_and_case(name):
    decomposed = unicodedata.normalize("NFD", name)
    assert fold(decomposed) == fold(name) == fold(name.upper())


@given(names)
def test_sort_key_is_the_same_for_nfc_and_nfd(name):
    assert name_sort_key(unicodedata.normalize("NFD", name)) == name_sort_key(name)


@given(names, names)
def test_sort_key_orders_by_given_name_first(a, b):
    if split_name(a)[2].lower() != split_name(b)[2].lower() and fold(split_name(a)[2]) != fold(split_name(b)[2]):
        given_a = name_sort_key(split_name(a)[2])
        given_b = name_sort_key(split_name(b)[2])
        assert (name_sort_key(a) < name_sort_key(b)) == (given_a < given_b)


def test_vietnamese_alphabet_order():
    ordered = ["Anh", "Ánh", "Ăn", "Ân", "Bình", "Dũng", "Đức", "Em", "Êm", "Oanh", "Ôn", "Ơn", "Uyên", "Ưng", "Yến"]
    assert sorted(reversed(ordered), key=name_sort_key) == ordered


def test_tones_only_break_ties():
    # All "Anh" stand together before the "Ánh", whatever the family name.
    names_ = ["Trần Thị Ánh", "Lê Văn Anh", "Bùi Anh", "Nguyễn Ánh"]
    assert sorted(names_, key=name_sort_key) == ["Bùi Anh", "Lê Văn Anh", "Nguyễn Ánh", "Trần Thị Ánh"]


def test_shorter_name_first():
    assert name_sort_key("Lê An") < name_sort_key("Lê Anh")


@given(st.text())
def test_clean_gives_nfc_without_outer_spaces(text):
    result = clean(text)
    if result is not None:
        assert unicodedata.is_normalized("NFC", result)
        assert result == result.strip()
        assert "  " not in result


def test_nfc_keeps_none():
    assert nfc(None) is None
    assert nfc("Nguye\u0302\u0303n") == "Nguyễn"


def test_mask_digits():
    assert mask_digits("001234567889") == "0012******89"
    assert mask_digits("") == ""
