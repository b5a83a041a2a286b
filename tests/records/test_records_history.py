"""History opens (issue 15 §3): every rule the code reads covers 2018 onwards, a meeting of every
year 2018–2026 opens, computes and prints under the rules then in force, and a rule that is
missing is a Vietnamese sentence naming the rule and the day, never a crash."""

from __future__ import annotations

import json
import re
import sys
from datetime import date
from pathlib import Path

import pytest

from handbook_desktop.cli import main
from handbook_desktop.domain.rules import Rule, RuleBook, RuleNotFound
from handbook_desktop.services.rules import shipped_rules

sys.path.insert(0, str(Path(__file__).parent.parent / "meetings"))
from meetings_people import add_people  # noqa: E402

SOURCE = Path(__file__).parents[2] / "handbook_desktop"


def keys_read_by_the_code() -> set[str]:
    known = {rule.key for rule in shipped_rules()}
    found = set()
    for path in SOURCE.rglob("*.py"):
        for literal in re.findall(r"\"([a-z_]+(?:\.[a-z_0-9]+)+)\"", path.read_text(encoding="utf-8")):
            if literal in known:
                found.add(literal)
    return found


def test_every_rule_the_code_reads_is_in_force_on_1_january_2018():
    book = RuleBook.of(shipped_rules())
    keys = keys_read_by_the_code()
    assert len(keys) >= 40  # the scan finds the rules (it would pass vacuously otherwise)
    missing = []
    for key in sorted(keys):
        try:
            book.rule(key, date(2018, 1, 1))
        except RuleNotFound:
            missing.append(key)
    assert missing == []


def test_a_missing_rule_names_the_rule_and_the_day_in_vietnamese():
    book = RuleBook.of([Rule("meeting.min_minutes.single", 90, date(2025, 10, 28), "42-HD/BTCTW")])
    with pytest.raises(RuleNotFound) as caught:
        book.value("meeting.min_minutes.single", date(2017, 3, 5))
    text = str(caught.value)
    assert "'meeting.min_minutes.single'" in text and "05/03/2017" in text and "28/10/2025" in text
    assert "cấp ủy" in text
    from handbook_desktop.services.errors import user_message
    assert user_message(caught.value) == text  # shown as a message in the window and at the prompt


def test_a_meeting_of_every_year_since_2018_opens_and_prints(db, secretary, tmp_path, capsys):
    from handbook_desktop.services import meetings as m
    from handbook_desktop.services.meetings.documents import export_meeting_document, forms_for

    people = add_people(db)
    opened = []
    for year in range(2018, 2027):
        day = date(year, 1, 10)  # before every regulation dated later in the same year
        with db.session() as session:
            uuid = m.create_meeting(session, secretary, kind="combined", meeting_date=day, start_time="19:00",
                                    topic="Học tập Điều lệ Đảng")
            # Minutes name their chair and recorder (issue 14: a document never prints them blank).
            m.update_meeting(session, secretary, uuid, end_time="20:30", chair_uuid=people["Nguyễn Văn An"],
                             recorder_uuid=people["Trần Thị Bình"])
            m.mark_all_present(session, secretary, uuid)
            m.set_attendance(session, secretary, uuid, people["Hoàng Văn Em"], "absent_excused", reason="Ốm")
            m.record_vote(session, secretary, uuid, subject="Nghị quyết tháng", kind="resolution", votes_for=5)
        with db.read() as session:
            detail = m.meeting_detail(session, uuid)
            m.screening(session, year, day)
        assert detail.required_minutes == 120, year
        assert any("120" in w.text for w in detail.warnings), year  # 90 minutes held: too short, said so
        assert detail.votes[0].denominator == 7 and detail.votes[0].passed, year  # 8 official − 1 excused
        code = forms_for("combined")[0]
        path = export_meeting_document(db, secretary, uuid, code, tmp_path / f"{year}-{code}.docx")
        assert path.stat().st_size > 5000
        capsys.readouterr()
        assert main(["--db", str(db.file), "meetings", "show", uuid, "--json"]) == 0
        shown = json.loads(capsys.readouterr().out)
        assert shown["date"] == day.isoformat() and shown["required_minutes"] == 120
        opened.append(year)
    assert opened == list(range(2018, 2027))
