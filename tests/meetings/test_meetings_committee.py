"""A committee's database holds many branches: meetings, strips and screening per branch."""

from datetime import date

import pytest

from handbook_desktop.services import meetings as svc

ON = date(2026, 11, 15)


@pytest.fixture
def committee(tmp_path):
    from handbook_desktop.services.demo import generate
    from handbook_desktop.services.progress import drain
    from handbook_desktop.store.database import Database

    database = Database.open(tmp_path / "committee.sqlite3")
    drain(generate(database, members=700, seed=3, today=ON))
    yield database
    database.close()


def test_each_branch_has_its_own_meetings_and_strip(committee):
    with committee.read() as session:
        units = svc.queries.meeting_units(session)
        strips = svc.compliance_for(session, 2026, ON)
        result = svc.screening(session, 2026, ON)
        per_unit = {u.code: svc.list_meetings(session, year=2026, unit_code=u.code) for u in units}
    assert len(units) >= 2 and set(strips) == {u.code for u in units}
    for code, rows in per_unit.items():
        assert rows and {m.unit_code for m in rows} == {code}
        held_months = {m.meeting_date.month for m in rows if m.state != "planned" and m.kind in ("regular", "combined")}
        assert set(strips[code].missing_months) == set(range(1, 11)) - held_months
    missing = {(m.unit_code, m.period) for m in result.missing_regular}
    assert missing == {(code, month) for code, strip in strips.items() for month in strip.missing_months}
    assert missing  # the first branch always misses one month
    assert {f.unit_code for f in result.unexcused} <= set(strips)
