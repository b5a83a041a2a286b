"""The shared sample sheets (../shared/samples/excel/): each imports with the right members, statuses
and dates, nothing extra (no group rows, totals or signature names), and importing again creates nothing.

The shared folder is preferred when it lies beside the repository (CI lays a copy there); the copy in
tests/fixtures/sheets/ keeps the tests standing on their own in a bare clone.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from handbook_desktop.services.excel.importer import apply_import, plan_import
from handbook_desktop.services.members import MemberFilter, fetch_page, get_member

TODAY = date(2026, 11, 30)
REPO = Path(__file__).resolve().parents[2]
SHARED = REPO / ".." / "shared" / "samples" / "excel"
OWN = REPO / "tests" / "fixtures" / "sheets"
NAMES = ["a_so_theo_doi", "b_chat_luong_ba_dong_tieu_de", "c_tcvn3_theo_to", "d_hai_trang"]


def sample(name: str) -> tuple[Path, list[dict]]:
    folder = SHARED if (SHARED / f"{name}.xlsx").exists() else OWN
    expected = json.loads((folder / f"{name}.expected.json").read_text(encoding="utf-8"))
    return folder / f"{name}.xlsx", expected


def test_the_fixtures_are_the_shared_samples():
    """The project's copy must not drift from the shared samples while both exist."""
    if not SHARED.exists():
        pytest.skip("../shared/samples/excel is not beside this clone")
    for name in NAMES:
        for suffix in (".xlsx", ".expected.json"):
            assert (OWN / f"{name}{suffix}").read_bytes() == (SHARED / f"{name}{suffix}").read_bytes(), name


def _stored(member, key):
    if key == "date_of_birth" and member.date_of_birth is None and member.birth_year:
        return str(member.birth_year)  # a year alone, as the expected files write it
    value = getattr(member, key)
    return value.isoformat() if isinstance(value, date) else value


@pytest.mark.parametrize("name", NAMES)
def test_sample_imports_the_right_members_and_nothing_else(db, secretary, name):
    path, expected = sample(name)
    with db.read() as session:
        plan = plan_import(session, path, today=TODAY)
    rejected = [(r.row_number, r.full_name, r.message) for r in plan.rows if r.action == "rejected"]
    assert rejected == [], rejected
    assert sorted(r.full_name for r in plan.rows) == sorted(e["full_name"] for e in expected)
    plan = apply_import(db, secretary, path, today=TODAY)
    assert plan.counts()["created"] == len(expected)
    with db.read() as session:
        rows = fetch_page(session, MemberFilter(on=TODAY, statuses=()), 0, 100)
        stored = {r["full_name"]: get_member(session, r["uuid"]) for r in rows}
        assert sorted(stored) == sorted(e["full_name"] for e in expected)
        for person in expected:
            member = stored[person["full_name"]]
            for key, value in person.items():
                assert _stored(member, key) == value, (person["full_name"], key)
    again = apply_import(db, secretary, path, today=TODAY)
    counts = again.counts()
    assert counts["created"] == 0 and counts["rejected"] == 0 and counts["updated"] == 0, counts
