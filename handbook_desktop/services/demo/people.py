"""Demo people: Vietnamese names in their real frequencies, ages 18–95, party dates that fit."""

from __future__ import annotations

import json

import uuid
from datetime import date, timedelta

from sqlalchemy import insert, select

from handbook_desktop.domain.dates import add_months
from handbook_desktop.domain.states import MemberStatus
from handbook_desktop.services.progress import Progress
from handbook_desktop.store.events import member_shadow_columns
from handbook_desktop.store.models import Member, MemberEvent, Unit

# Share of the population (per mille), after published surname surveys; the rest spread over others.
FAMILY_NAMES = [
    ("Nguyễn", 380), ("Trần", 110), ("Lê", 95), ("Phạm", 70), ("Hoàng", 30), ("Huỳnh", 20),
    ("Phan", 45), ("Vũ", 22), ("Võ", 17), ("Đặng", 21), ("Bùi", 20), ("Đỗ", 14), ("Hồ", 13),
    ("Ngô", 13), ("Dương", 10), ("Lý", 5), ("Đinh", 6), ("Đoàn", 5), ("Trịnh", 5), ("Lương", 4),
    ("Mai", 4), ("Tạ", 3), ("Cao", 3), ("Chu", 2), ("Kiều", 2), ("Ưng", 1), ("Âu", 1),
]
MIDDLE = {
    "male": ["Văn", "Văn", "Đức", "Minh", "Quang", "Hữu", "Công", "Xuân", "Thanh", "Ngọc", "Mạnh", "Tiến"],
    "female": ["Thị", "Thị", "Thị", "Thu", "Ngọc", "Thanh", "Minh", "Hồng", "Thùy", "Kim", "Phương"],
}
GIVEN = {
    "male": ["Anh", "Hùng", "Dũng", "Đức", "Tuấn", "Hải", "Nam", "Long", "Minh", "Thắng", "Quang", "Sơn",
             "Trung", "Bình", "Cường", "Huy", "Khánh", "Phong", "Toàn", "Việt", "Ân", "Ước", "Đạt", "Lâm"],
    "female": ["Anh", "Hương", "Lan", "Hoa", "Mai", "Linh", "Hà", "Thảo", "Trang", "Ngọc", "Huyền", "Nga",
               "Phương", "Thủy", "Yến", "Vân", "Hằng", "Dung", "Ánh", "Ân", "Ưng", "Oanh", "Đào", "Uyên"],
}
OCCUPATIONS = ["Cán bộ hưu trí", "Công chức", "Viên chức", "Giáo viên", "Bác sĩ", "Kỹ sư", "Kinh doanh",
               "Công nhân", "Sinh viên", "Lao động tự do", "Bộ đội", "Công an"]
STREETS = ["Hàng Bạc", "Hàng Đào", "Lý Thái Tổ", "Tràng Tiền", "Phố Huế", "Hàng Bông", "Đinh Tiên Hoàng"]
PROVINCES = ["Hà Nội", "Nam Định", "Thái Bình", "Hải Dương", "Hưng Yên", "Nghệ An", "Thanh Hóa", "Bắc Ninh",
             "Hà Tĩnh", "Phú Thọ"]

BATCH = 5_000


def _uuid(rng) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def _pick_family(rng) -> str:
    names, weights = zip(*FAMILY_NAMES)
    return rng.choices(names, weights=weights)[0]


def _date_between(rng, start: date, end: date) -> date:
    span = (end - start).days
    return start + timedelta(days=rng.randint(0, max(span, 0)))


def _status(rng, age: int) -> str:
    roll = rng.random()
    if age >= 75 and roll < 0.35:
        return MemberStatus.EXEMPT.value
    if age <= 35 and roll < 0.18:
        return MemberStatus.PROBATIONARY.value
    if roll < 0.03:
        return MemberStatus.CANDIDATE.value
    if roll < 0.05:
        return MemberStatus.TEMPORARILY_AWAY.value
    if roll < 0.06:
        return MemberStatus.VISITING.value
    return MemberStatus.OFFICIAL.value


def person(rng, today: date, unit_id: int, unit_code: str) -> tuple[dict, list[dict]]:
    """One member row and its admission events, all dates consistent with the age."""
    gender = "male" if rng.random() < 0.52 else "female"
    full_name = f"{_pick_family(rng)} {rng.choice(MIDDLE[gender])} {rng.choice(GIVEN[gender])}"
    # Branches in residential areas are old; skew ages upward.
    age = min(95, max(18, int(rng.triangular(18, 95, 62))))
    birth = _date_between(rng, date(today.year - age - 1, today.month, 1) + timedelta(days=1),
                          date(today.year - age, today.month, 1))
    status = _status(rng, age)
    row = {
        "uuid": _uuid(rng), "origin_unit": unit_code, "version": 1, "unit_id": unit_id, "status": status,
        "full_name": full_name, "gender": gender, "date_of_birth": birth,
        "birth_place": rng.choice(PROVINCES), "hometown": rng.choice(PROVINCES),
        "permanent_address": f"Số {rng.randint(1, 120)} {rng.choice(STREETS)}, Hoàn Kiếm, Hà Nội",
        "ethnicity": "Kinh" if rng.random() < 0.95 else rng.choice(["Tày", "Mường", "Thái", "Nùng"]),
        "religion": "Không" if rng.random() < 0.9 else rng.choice(["Phật giáo", "Công giáo"]),
        "national_id": f"{rng.choice(['001', '036', '034', '030'])}{rng.randint(0, 1)}{rng.randint(0, 99):02d}"
                       f"{rng.randint(0, 999999):06d}",
        "phone": f"09{rng.randint(0, 99_999_999):08d}" if rng.random() < 0.9 else None,
        "occupation": "Cán bộ hưu trí" if age >= 62 else rng.choice(OCCUPATIONS[1:]),
        "general_education": rng.choice(["12/12", "12/12", "12/12", "10/10", "9/10"]),
        "political_theory": rng.choice(["Sơ cấp", "Sơ cấp", "Trung cấp", "Cao cấp", None]),
        "party_position": "member",
    }
    events: list[dict] = []
    if status == MemberStatus.CANDIDATE.value:
        return row, events
    earliest = add_months(birth, 12 * 18 + 6)
    latest = min(today - timedelta(days=400), add_months(birth, 12 * 58))
    if status != MemberStatus.PROBATIONARY.value and earliest > latest:
        # Too young to have finished a year of probation: on probation now (an official date in
        # the future would be an error in the data check).
        status = row["status"] = MemberStatus.PROBATIONARY.value
    if status == MemberStatus.PROBATIONARY.value:
        # admitted at 18 at the earliest (the decision comes up to 40 days before the ceremony)
        first = max(today - timedelta(days=360), add_months(birth, 12 * 18) + timedelta(days=40))
        if first > today - timedelta(days=10):
            row["status"] = MemberStatus.CANDIDATE.value  # not 18 long enough: still a candidate
            return row, events
        ceremony = _date_between(rng, first, today - timedelta(days=10))
    else:
        ceremony = _date_between(rng, earliest, latest)
    decision = ceremony - timedelta(days=rng.randint(7, 40))
    row.update(decision_date=decision, ceremony_date=ceremony, admitted_in=f"Chi bộ {rng.choice(STREETS)}",
               record_number=f"{rng.randint(100000, 999999)}{rng.choice(['HN', 'NĐ', 'TB'])}")
    events.append({"kind": "admitted", "event_date": decision, "decision_number": f"{rng.randint(1, 999)}-QĐ/ĐU",
                   "issuer": "Đảng ủy"})
    if status != MemberStatus.PROBATIONARY.value:
        official = add_months(ceremony, 12)
        card_date = official + timedelta(days=rng.randint(30, 300))
        row.update(official_date=official, party_card_number=f"{rng.randint(1, 99):02d}.{rng.randint(0, 999999):06d}",
                   card_issued_date=min(card_date, today))
        events.append({"kind": "official", "event_date": official,
                       "decision_number": f"{rng.randint(1, 999)}-QĐ/ĐU", "issuer": "Đảng ủy"})
    if status == MemberStatus.EXEMPT.value:
        events.append({"kind": "exemption", "event_date": _date_between(rng, today - timedelta(days=900), today)})
    if status == MemberStatus.TEMPORARILY_AWAY.value:
        start = _date_between(rng, today - timedelta(days=200), today - timedelta(days=20))
        # a temporary transfer letter (2-SHĐ) names where the member goes and how far the dues are paid
        # (picked by the day, not by rng: the rest of the demo stays the same for a seed)
        destination = ("Chi bộ Tổ dân phố 2, Đảng bộ phường Ba Đình", "Chi bộ Trường THCS Lê Lợi, Đảng bộ quận Hà Đông",
                       "Chi bộ Thôn Đông, Đảng bộ xã Liên Bạt")[start.toordinal() % 3]
        detail = {"destination": destination, "dues_paid_to": start.replace(day=1).isoformat()}
        events.append({"kind": "transfer_out_temporary", "event_date": start, "end_date": add_months(start, 6),
                       "detail": json.dumps(detail, ensure_ascii=False)})
    for event in events:
        # executemany needs the same keys in every row
        event.setdefault("end_date", None)
        event.setdefault("decision_number", None)
        event.setdefault("issuer", None)
        event.setdefault("detail", None)
        event.update(uuid=_uuid(rng), origin_unit=unit_code, version=1)
    return row, events


def _branches(context, committee: bool, members: int) -> list[tuple[int, str, int]]:
    """(unit id, unit code, member count) per branch that receives demo members."""
    rng = context.rng
    with context.database.session() as session:
        home = session.scalars(select(Unit).where(Unit.is_home.is_(True))).one()
        if not committee:
            return [(home.id, home.code, members)]
        sizes: list[int] = []
        left = members
        while left > 0:
            size = min(left, rng.randint(40, 300))
            sizes.append(size)
            left -= size
        result = []
        for number, size in enumerate(sizes, start=1):
            code = f"CB-{number:03d}"
            street = STREETS[number % len(STREETS)]
            branch = Unit(code=code, name=f"Chi bộ Tổ dân phố số {number} {street}", level="chi-bo",
                          parent_id=home.id, higher_body_name=home.name, place_name=home.place_name,
                          term_start=home.term_start, origin_unit=code, uuid=_uuid(rng))
            session.add(branch)
            session.flush()
            result.append((branch.id, code, size))
        return result


def make_members(context, members: int, committee: bool):
    branches = _branches(context, committee, members)
    context.branch_ids = [unit_id for unit_id, _, _ in branches]
    done = 0
    engine = context.database.engine
    used_cards: set[str] = set()  # a card number belongs to one member only (the data check says so)
    used_ids: set[str] = set()
    for unit_id, code, size in branches:
        rows, event_rows = [], []
        for _ in range(size):
            row, events = person(context.rng, context.today, unit_id, code)
            while row.get("national_id") and row["national_id"] in used_ids:  # a CCCD belongs to one person
                row["national_id"] = f"{row['national_id'][:6]}{context.rng.randint(0, 999999):06d}"
            used_ids.add(row.get("national_id"))
            while row.get("party_card_number") in used_cards:
                row["party_card_number"] = f"{context.rng.randint(1, 99):02d}.{context.rng.randint(0, 999999):06d}"
            if row.get("party_card_number"):
                used_cards.add(row["party_card_number"])
            row.update(member_shadow_columns(row["full_name"], row.get("phone"), row.get("party_card_number")))
            rows.append(row)
            event_rows.append(events)
        positions = ["secretary", "deputy_secretary", "committee_member"]
        officials = [row for row in rows if row["status"] == MemberStatus.OFFICIAL.value and row["date_of_birth"]
                     and context.today.year - row["date_of_birth"].year < 75]
        for row, position in zip(officials, positions):
            row["party_position"] = position
        keys = set().union(*(row.keys() for row in rows))
        for row in rows:  # executemany needs the same keys in every row
            for key in keys:
                row.setdefault(key, None)
        for start in range(0, len(rows), BATCH):
            part = rows[start : start + BATCH]
            with engine.begin() as connection:
                connection.execute(insert(Member), part)
                uuids = [row["uuid"] for row in part]
                ids = dict(connection.execute(select(Member.uuid, Member.id).where(Member.uuid.in_(uuids))).all())
                flat = [{**event, "member_id": ids[row["uuid"]]}
                        for row, events in zip(part, event_rows[start : start + BATCH]) for event in events]
                if flat:
                    connection.execute(insert(MemberEvent), flat)
            done += len(part)
            yield Progress(done, members, f"Đã tạo {done}/{members} đảng viên")
