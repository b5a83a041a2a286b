"""Rules the committee writes (issue 15 §6): `rules add` with a date, source and note; refusals that
change nothing; the version travels down to a branch in a real package, where it shows the committee
as its origin and applies from its date; every rule shows where it came from."""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path

from sqlalchemy import select

from handbook_desktop.cli import main
from handbook_desktop.services import audit
from handbook_desktop.services.rules import rule_book, rule_versions
from handbook_desktop.store.models import AuditLog, RuleRow

sys.path.insert(0, str(Path(__file__).parents[1] / "sync"))
from sync_sites import BRANCH_A, COMMITTEE, _sync_templates, branch_a, committee, sites  # noqa: E402,F401


def _run(path, capsys, *argv):
    import os

    from sync_sites import PASSWORD

    capsys.readouterr()
    old = os.environ.get("HANDBOOK_PASSWORD")
    os.environ["HANDBOOK_PASSWORD"] = PASSWORD  # the command line signs in (issue 13); the sites' password
    try:
        code = main(["--db", str(path), *argv])
    finally:
        if old is None:
            os.environ.pop("HANDBOOK_PASSWORD", None)
        else:
            os.environ["HANDBOOK_PASSWORD"] = old
    out = capsys.readouterr()
    return code, out.out, out.err


def test_the_committee_writes_a_rule_and_it_travels_down(committee, branch_a, capsys):
    for argv, message in [
        (["dues.amount.flat_default", "mười nghìn", "--from", "01/03/2026", "--source", "HD 05"], "cùng dạng"),
        (["dues.amount.flat", "10000", "--from", "01/03/2026", "--source", "HD 05"], "không đọc quy tắc"),
        (["dues.amount.flat_default", "10000", "--from", "31/02/2026", "--source", "HD 05"], "không hợp lệ"),
        (["dues.amount.flat_default", "10000", "--from", "01/03/2026", "--source", " "], "căn cứ"),
        (["dues.amount.student", "9000", "--from", "03/02/2026", "--source", "HD 05"], "không sửa được"),
    ]:
        code, _, err = _run(committee.path, capsys, "rules", "add", *argv)
        assert code == 1 and message in err, (argv, err)
    with committee.database.read() as session:
        assert not session.scalars(select(RuleRow).where(RuleRow.origin_unit == COMMITTEE)).all()
    code, out, err = _run(committee.path, capsys, "rules", "add", "dues.amount.flat_default", "10000",
                          "--from", "01/03/2026", "--source", "Hướng dẫn 05-HD/ĐU (20/02/2026)",
                          "--note", "Mức cho nông dân, lao động tự do trong phường", "--json")
    assert code == 0, err
    assert json.loads(out)["origin"] == COMMITTEE and json.loads(out)["value"] == 10000
    with committee.database.read() as session:
        line = session.scalars(select(AuditLog).where(AuditLog.entity == "rule", AuditLog.action == "create")).one()
        assert "10000" in line.new_value and "05-HD/ĐU" in line.new_value

    from handbook_desktop.services.auth import Actor
    from handbook_desktop.services.procedures.common import set_calendar_day

    with committee.database.session() as session:  # a make-up Saturday the committee declares
        set_calendar_day(session, Actor("admin", "secretary"), date(2026, 12, 12), "workday",
                         "Làm bù ngày 31/12/2026", "Thông báo 01/TB-ĐU (check)")
    with branch_a.database.read() as session:
        before = session.scalar(select(AuditLog.id).order_by(AuditLog.id.desc()).limit(1))
    received = branch_a.receive(committee.send(BRANCH_A))
    assert received.totals["rejected"] == 0
    with branch_a.database.read() as session:
        # The branch's Nhật ký says what arrived, from whom, with the fields inside (issue 15 §6).
        arrived = session.scalars(select(AuditLog).where(AuditLog.id > before,
                                                         AuditLog.entity.in_(("rule", "calendar_day")))).all()
        by_entity = {line.entity: line for line in arrived}
        assert sorted(by_entity) == ["calendar_day", "rule"] and len(arrived) == 2
        rule_line = by_entity["rule"]
        assert rule_line.action == "create" and json.loads(rule_line.detail)["from"] == COMMITTEE
        fields = {field: new for field, _, new in audit.read_changes(rule_line)}
        assert fields["key"] == "dues.amount.flat_default" and fields["value_json"] == "10000"
        assert "05-HD/ĐU" in fields["source"] and fields["effective_from"] == "2026-03-01"
        day_fields = {field: new for field, _, new in audit.read_changes(by_entity["calendar_day"])}
        assert day_fields["day"] == "2026-12-12"
        book = rule_book(session)
        assert book.value("dues.amount.flat_default", date(2026, 2, 28)) == 5000
        assert book.value("dues.amount.flat_default", date(2026, 3, 1)) == 10000
        mine = [v for v in rule_versions(session, "dues.amount.flat_default")]
    assert [(v.effective_from, v.origin) for v in mine][-1] == (date(2026, 3, 1), COMMITTEE)
    assert all(v.origin == "chương trình" for v in mine[:-1])

    code, out, _ = _run(branch_a.path, capsys, "rules", "show", "dues.amount.flat_default", "--on", "15/03/2026")
    assert code == 0 and "10000" in out and "05-HD/ĐU" in out
    code, out, _ = _run(branch_a.path, capsys, "rules", "list", "--check", "--json")
    listed = json.loads(out)
    assert listed and all("(check)" in v["source"] for v in listed)


def test_the_committee_corrects_its_own_version_in_place(committee, capsys):
    args = ["rules", "add", "dues.amount.flat_default", "10000", "--from", "01/03/2026", "--source", "HD 05"]
    assert _run(committee.path, capsys, *args)[0] == 0
    args[3] = "12000"
    assert _run(committee.path, capsys, *args)[0] == 0
    with committee.database.read() as session:
        assert rule_book(session).value("dues.amount.flat_default", date(2026, 3, 1)) == 12000
        assert len(session.scalars(select(AuditLog).where(AuditLog.entity == "rule")).all()) == 2


def test_citations_follow_the_current_regulations():
    """Issue 15 §8–9: a catalogue entry citing 24-QĐ/TW cites the regulation now in force (294-QĐ/TW,
    DOMAIN.md §5); every 01-QĐ/TW version starts on the day DOMAIN.md gives (03/02/2026) and, its
    start not yet read in the text (one source says 01/02/2026), says so with "(check)"."""
    import tomllib

    from handbook_desktop import paths
    from handbook_desktop.services.rules import shipped_rules

    catalog = tomllib.loads((paths.bundle_root() / "forms_templates" / "catalog.toml").read_text(encoding="utf-8"))

    def sources(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "source" and isinstance(value, str):
                    yield value
                else:
                    yield from sources(value)
        elif isinstance(node, list):
            for value in node:
                yield from sources(value)

    cited = [source for source in sources(catalog) if "24-QĐ/TW" in source]
    assert cited and all("294-QĐ/TW" in source for source in cited), cited
    under_01 = [rule for rule in shipped_rules() if "01-QĐ/TW (03/02/2026)" in rule.source]
    assert len(under_01) >= 6
    assert all(rule.effective_from == date(2026, 2, 3) and "(check)" in rule.source for rule in under_01)
