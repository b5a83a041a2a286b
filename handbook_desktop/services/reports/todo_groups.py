"""A committee's to-do, grouped: by kind, then by period or branch, worst first (issue 17, point 0).

A committee of 150 branches cannot read 439 lines of "Thiếu buổi sinh hoạt thường kỳ — Tháng 01/2026
— Chi bộ …". Here each kind of item becomes one group that says how many branches it concerns; a
kind about months (meetings) is split by month ("Tháng 01/2026: 12 chi bộ"), a kind about people
by branch ("Chi bộ 3: 4 người"); and a second view counts every item per branch, so that the
branches most behind come first.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import select

from handbook_desktop.services.reports.branches import natural_key
from handbook_desktop.store.models import Member, Unit


@dataclass
class BranchCount:
    code: str
    name: str
    count: int  # people concerned, or periods for a unit item


@dataclass
class PeriodGroup:
    label: str
    branches: list[BranchCount]


@dataclass
class TodoGroup:
    kind: str
    title: str
    overdue: bool
    items: int
    people: int
    branches: list[BranchCount]  # worst first
    periods: list[PeriodGroup] = field(default_factory=list)  # for items about months and quarters
    rule_source: str = ""

    @property
    def branch_count(self) -> int:
        return len(self.branches)


@dataclass
class BranchLoad:
    code: str
    name: str
    items: int
    overdue: int
    kinds: dict[str, int]


def _unit_names(session) -> dict[str, str]:
    return {code: name for code, name in session.execute(select(Unit.code, Unit.name).where(Unit.deleted_at.is_(None)))}


def _member_units(session, uuids: set[str]) -> dict[str, str]:
    found: dict[str, str] = {}
    listed = sorted(uuids)
    for start in range(0, len(listed), 900):
        chunk = listed[start:start + 900]
        for uuid, code in session.execute(select(Member.uuid, Unit.code).join(Unit, Unit.id == Member.unit_id)
                                          .where(Member.uuid.in_(chunk))):
            found[uuid] = code
    return found


def group_todo(session, items) -> tuple[list[TodoGroup], list[BranchLoad]]:
    names = _unit_names(session)
    where = _member_units(session, {uuid for item in items for uuid, _ in item.members})
    by_kind: dict[str, list] = defaultdict(list)
    for item in items:
        by_kind[item.kind].append(item)
    groups: list[TodoGroup] = []
    load: dict[str, dict] = defaultdict(lambda: {"items": 0, "overdue": 0, "kinds": defaultdict(int)})
    for kind, kind_items in by_kind.items():
        per_branch: dict[str, int] = defaultdict(int)
        periods: dict[str, list[str]] = defaultdict(list)
        # «Số người» counts people, each once: one item may name a member once per milestone (Huy hiệu chưa
        # xét: one line per milestone reached), which read as 21.132 people on a committee of 48.541.
        seen: dict[str, set[str]] = defaultdict(set)
        for item in kind_items:
            if item.members:
                touched = defaultdict(set)
                for uuid, _name in item.members:
                    touched[where.get(uuid, "")].add(uuid)
                for code, people_here in touched.items():
                    seen[code] |= people_here
                    load[code]["items"] += 1
                    load[code]["overdue"] += item.overdue
                    load[code]["kinds"][kind] += 1
            else:
                code = item.unit_code
                per_branch[code] += 1
                if item.period:
                    periods[item.period].append(code)
                load[code]["items"] += 1
                load[code]["overdue"] += item.overdue
                load[code]["kinds"][kind] += 1

        for code, people_here in seen.items():
            per_branch[code] = len(people_here)
        people = sum(len(people_here) for people_here in seen.values())

        def branch(code: str, count: int) -> BranchCount:
            return BranchCount(code, names.get(code, code or "—"), count)

        branches = sorted((branch(code, count) for code, count in per_branch.items()),
                          key=lambda b: (-b.count, natural_key(b.code)))
        period_groups = [PeriodGroup(label, sorted((branch(code, 1) for code in codes), key=lambda b: natural_key(b.code)))
                         for label, codes in sorted(periods.items(), key=lambda p: _period_order(p[0]))]
        first = kind_items[0]
        # «Số việc»: one for each branch an item concerns, as «Theo chi bộ» counts them — one committee-wide
        # item naming members of 295 branches is 295 branches' work, not «1 việc» beside «295 chi bộ».
        work = sum(load[code]["kinds"][kind] for code in per_branch)
        groups.append(TodoGroup(kind, first.title, any(i.overdue for i in kind_items), work, people,
                                branches, period_groups, first.rule_source))
    groups.sort(key=lambda g: (not g.overdue, -g.branch_count, g.title))
    loads = [BranchLoad(code, names.get(code, code or "—"), v["items"], v["overdue"], dict(v["kinds"]))
             for code, v in load.items()]
    loads.sort(key=lambda b: (-b.overdue, -b.items, natural_key(b.code)))
    return groups, loads


def _period_order(label: str) -> tuple:
    """'Tháng 03/2026' and 'Quý 1/2026' in time order."""
    kind, _, rest = label.partition(" ")
    number, _, year = rest.partition("/")
    try:
        return (int(year), int(number) if kind == "Tháng" else int(number) * 3)
    except ValueError:
        return (0, 0)
