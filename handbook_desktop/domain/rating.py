"""Annual rating (đánh giá, xếp loại): score to level by the bands of ``rating.bands`` (DOMAIN.md §10)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from handbook_desktop.domain.rules import RuleBook

LEVEL_LABELS = {
    "excellent": "Hoàn thành xuất sắc nhiệm vụ",
    "good": "Hoàn thành tốt nhiệm vụ",
    "fulfilled": "Hoàn thành nhiệm vụ",
    "not_fulfilled": "Không hoàn thành nhiệm vụ",
}
LEVEL_ORDER = ("excellent", "good", "fulfilled", "not_fulfilled")


def rating_day(year: int, rules: RuleBook | None = None) -> date:
    """The day whose rules judge a year's rating: ``rating.due_day`` (month-day, in the rule table;
    the ratings are made in December), found by the rule in force at the end of that year."""
    end = date(year, 12, 31)
    if rules is None:
        return end
    month, day = (int(p) for p in str(rules.value("rating.due_day", end)).split("-"))
    return date(year, month, day)


@dataclass(frozen=True)
class RatingResult:
    level: str
    automatic_reason: str | None = None


def level_for_score(rules: RuleBook, year: int, score: float | None, *, disciplined_in_year: bool = False) -> RatingResult:
    """Level of a score; "không hoàn thành" whatever the score when disciplined in the year."""
    if disciplined_in_year:
        return RatingResult("not_fulfilled", "Bị kỷ luật trong năm")
    if score is None:
        raise ValueError("score required")
    if not 0 <= score <= 100:
        raise ValueError("score out of 0..100")
    bands = sorted(rules.value("rating.bands", rating_day(year, rules)), key=lambda b: -b["min"])
    for band in bands:
        if score >= band["min"]:
            return RatingResult(band["level"])
    return RatingResult(bands[-1]["level"])


def excellent_ratio_warning(rules: RuleBook, year: int, counts: dict[str, int]) -> str | None:
    """Warning (not a refusal) when "xuất sắc" exceeds the share of "tốt" allowed by the rules."""
    ratio = float(rules.value("rating.excellent_max_ratio_of_good", rating_day(year, rules)))
    excellent = counts.get("excellent", 0)
    good = counts.get("good", 0)
    if excellent and excellent > ratio * good:
        return (f"Số đảng viên hoàn thành xuất sắc nhiệm vụ ({excellent}) vượt {ratio:.0%} số hoàn thành "
                f"tốt nhiệm vụ ({good}).")
    return None
