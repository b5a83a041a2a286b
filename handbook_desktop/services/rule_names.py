"""What a rule is called and how its value reads on screen (issue 11 §6): the names and the Vietnamese of
the codes inside values are data, ``resources/rules/names.toml``; the stored key and JSON value stay as
they are (the committee's new versions are typed in the same form, and packages carry them)."""

from __future__ import annotations

import json
import re
import tomllib
from functools import lru_cache

from handbook_desktop import paths
from handbook_desktop.domain.text import file_size, number, percent

_MONTH_DAY = re.compile(r"^(\d{2})-(\d{2})$")


@lru_cache(maxsize=1)
def _names() -> tuple[dict[str, str], dict[str, str]]:
    with open(paths.resource("rules", "names.toml"), "rb") as handle:
        data = tomllib.load(handle)
    return dict(data.get("name", {})), dict(data.get("word", {}))


def rule_title(key: str) -> str:
    """«Đảng phí: tỷ lệ trên lương hưu» for ``dues.rate.pension``; an unnamed key (a committee's own) as
    it is stored."""
    return _names()[0].get(key, key)


def has_title(key: str) -> bool:
    return key in _names()[0]


def _word(code: str) -> str:
    return _names()[1].get(code, code)


def _scalar(value) -> str:
    if isinstance(value, bool):
        return _word("true" if value else "false")
    if isinstance(value, float) and 0 < abs(value) < 1:
        return percent(value, 2)  # a share: 0.005 → 0,5 %
    if isinstance(value, (int, float)):
        return number(value, 2)
    if isinstance(value, str):
        day = _MONTH_DAY.match(value)
        if day:  # month-day (the badge days, the rating's due day): day/month as people write it
            return f"{int(day.group(2))}/{int(day.group(1))}"
        return _word(value)
    return str(value)


def _fraction(value) -> bool:
    return isinstance(value, list) and len(value) == 2 and all(isinstance(v, int) and not isinstance(v, bool)
                                                                for v in value)


def _text(value, key: str, labels: dict[str, str]) -> str:
    if isinstance(value, dict):
        if "label" in value:  # a level of the party's organisation: its name is enough
            above = value.get("above")
            return f"{value['label']}" + (f" (cấp trên: {labels.get(above, _word(above))})" if above else "")
        return "; ".join(f"{_word(str(k))}: {_text(v, str(k), labels)}" for k, v in value.items())
    if isinstance(value, list):
        if key.endswith("fraction") and _fraction(value):
            return f"{value[0]}/{value[1]}"
        if not value:
            return "không có"
        joiner = " | " if any(isinstance(v, dict) for v in value) else ", "
        return joiner.join(_text(v, key, labels) for v in value)
    return _scalar(value)


def value_text(key: str, value) -> str:
    """The value as a secretary reads it: numbers and shares in the Vietnamese form, codes in words
    (``{"reprimand": 6}`` → «khiển trách: 6»), fractions as 2/3, month-days as 19/5."""
    if isinstance(value, str) and value[:1] in "[{":
        try:
            value = json.loads(value)
        except ValueError:
            pass
    if key.endswith("_bytes") and isinstance(value, int) and not isinstance(value, bool):
        return file_size(value)  # 52428800 → 50 MB
    labels = {}
    if isinstance(value, list) and all(isinstance(v, dict) and "label" in v for v in value):
        labels = {v.get("code", ""): v["label"] for v in value}  # «cấp trên» named, not coded
    return _text(value, key, labels)


def stored_text(value) -> str:
    """The value as it is stored (JSON), for the tooltip and for typing a new version like it."""
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
