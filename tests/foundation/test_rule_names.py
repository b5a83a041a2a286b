"""Rules on screen by their Vietnamese names, values in words (issue 11 §6): every rule the program ships has
a name in resources/rules/names.toml, and no value reads as a code."""

from __future__ import annotations

from handbook_desktop.services.rule_names import has_title, rule_title, value_text
from handbook_desktop.services.rules import shipped_rules


def test_every_shipped_rule_has_a_vietnamese_name():
    missing = sorted({rule.key for rule in shipped_rules() if not has_title(rule.key)})
    assert missing == []
    assert rule_title("dues.rate.pension") == "Đảng phí: tỷ lệ trên lương hưu"
    assert rule_title("committee.own.rule") == "committee.own.rule"  # a committee's own key, as stored


def test_values_read_as_a_secretary_writes_them():
    assert value_text("dues.rate.pension", 0.005) == "0,5 %"
    assert value_text("excel.import.max_rows", 120000) == "120.000"
    assert value_text("excel.import.max_file_bytes", 52428800) == "50 MB"
    assert value_text("meeting.attendance.warn_fraction", [2, 3]) == "2/3"
    assert value_text("vote.threshold.admission", {"fraction": [2, 3], "strictly_more": False}) == \
        "tỷ lệ: 2/3; phải hơn hẳn: không"
    assert value_text("badge.deferral_months", '{"reprimand": 6, "warning": 9}') == "khiển trách: 6; cảnh cáo: 9"
    assert value_text("badge.award_days", ["02-03", "05-19"]) == "3/2, 19/5"
    assert value_text("dues.reduction_percents", []) == "không có"
    levels = [{"code": "chi-bo", "label": "Chi bộ", "above": "dang-uy-co-so"},
              {"code": "dang-uy-co-so", "label": "Đảng ủy cơ sở", "above": ""}]
    assert value_text("unit.levels", levels) == "Chi bộ (cấp trên: Đảng ủy cơ sở) | Đảng ủy cơ sở"
    for rule in shipped_rules():
        text = value_text(rule.key, rule.value)
        assert "_" not in text and "{" not in text and "true" not in text and "false" not in text, (rule.key, text)
