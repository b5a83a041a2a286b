"""Demo meetings: a year of monthly and thematic meetings per branch with roll calls, speeches, votes.

Deterministic for a seed (only ``context.rng``). The home branch (or the first branch of a committee)
always shows what the screening looks for: a month without a regular meeting, a quarter without a
thematic one, a member absent without reason in three months, one absent with reason four times in
a row. Rows go in with core inserts and explicit ids so that 50,000 members stay fast.
"""

from __future__ import annotations

import uuid
from functools import lru_cache
from datetime import date, datetime, timedelta, timezone

from sqlalchemy import func, insert, select

from handbook_desktop.domain.dates import add_months
from handbook_desktop.domain.meetings import DEFAULT_AGENDA
from handbook_desktop.domain.states import MemberStatus
from handbook_desktop.services.demo import EXTENSIONS
from handbook_desktop.services.progress import Progress
from handbook_desktop.services.rules import rule_book
from handbook_desktop.store.engine import CACHE_KIB
from handbook_desktop.store.models import AgendaItem, Meeting, MeetingAttendance, Member, Speech, Unit, Vote

REASONS = ["Ốm", "Đi công tác", "Việc gia đình", "Nằm viện điều trị", "Con ốm", "Đi học tập trung",
           "Trực cơ quan", "Về quê có việc hiếu"]
THEMES = [
    "Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh về phòng, chống lãng phí",
    "Nâng cao vai trò nêu gương của đảng viên nơi cư trú",
    "Chuyển đổi số và xây dựng khu dân cư văn minh",
    "Bảo đảm an ninh trật tự, phòng chống cháy nổ trong khu dân cư",
    "Quán triệt Nghị quyết Đại hội Đảng bộ các cấp nhiệm kỳ 2025–2030",
]
PLACES = ["Nhà văn hóa tổ dân phố", "Hội trường Đảng ủy phường", "Phòng họp trụ sở khu dân cư"]
SPEECHES = [
    "Nhất trí với báo cáo; đề nghị chi bộ quan tâm hơn đến công tác vệ sinh môi trường trong khu dân cư.",
    "Đề nghị tăng cường kiểm tra an toàn phòng cháy tại các hộ kinh doanh trên địa bàn.",
    "Báo cáo kết quả vận động quỹ vì người nghèo của tổ dân phố; đề nghị biểu dương các hộ tích cực.",
    "Đề nghị chi ủy phân công đảng viên trẻ hỗ trợ người cao tuổi sử dụng dịch vụ công trực tuyến.",
    "Phản ánh tình trạng lấn chiếm vỉa hè; đề nghị phối hợp với công an phường xử lý dứt điểm.",
    "Nhất trí cao với dự thảo nghị quyết; bổ sung nhiệm vụ tuyên truyền về chuyển đổi số.",
]
CONTENT = {
    1: "Đồng chí chủ trì tuyên bố lý do, báo cáo số đảng viên dự họp; chi bộ thông qua chương trình.",
    2: "Thông tin thời sự trong nước, quốc tế; phổ biến văn bản mới của Đảng ủy phường.",
    3: "Đồng chí Bí thư báo cáo kết quả thực hiện nhiệm vụ tháng trước: các chỉ tiêu cơ bản đều đạt.",
    5: "Tập trung tuyên truyền, vận động nhân dân thực hiện tốt các nhiệm vụ chính trị của địa phương.",
}


OFFICIAL, EXEMPT, AWAY = MemberStatus.OFFICIAL.value, MemberStatus.EXEMPT.value, MemberStatus.TEMPORARILY_AWAY.value
PROBATIONARY, VISITING = MemberStatus.PROBATIONARY.value, MemberStatus.VISITING.value


def _uuid(rng) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


class _Ids:
    def __init__(self, connection):
        self.next = {model: (connection.scalar(select(func.max(model.id))) or 0) + 1
                     for model in (Meeting, MeetingAttendance, AgendaItem, Speech, Vote)}

    def take(self, model) -> int:
        value = self.next[model]
        self.next[model] = value + 1
        return value


def _plan(rng, today: date, first_branch: bool):
    """(date, kind) of each meeting in the twelve months up to this one, with the planted gaps."""
    months = [add_months(date(today.year, today.month, 1), -offset) for offset in range(11, -1, -1)]
    done_months = [m.month for m in months if m.year == today.year and m.month < today.month]
    done_quarters = sorted({(m - 1) // 3 + 1 for m in done_months if (m + 2) // 3 * 3 in done_months})
    skip_month = rng.choice(done_months) if done_months and (first_branch or rng.random() < 0.25) else None
    skip_quarter = rng.choice(done_quarters) if done_quarters and (first_branch or rng.random() < 0.3) else None
    plan = []
    quarter_done: set[tuple[int, int]] = set()
    for first in months:
        quarter = (first.year, (first.month - 1) // 3 + 1)
        day = first + timedelta(days=rng.randint(2, 9))
        is_skip_month = first.year == today.year and first.month == skip_month
        wants_theme = (quarter not in quarter_done and not (first.year == today.year and quarter[1] == skip_quarter)
                       and (first.month % 3 == 0 or rng.random() < 0.3))
        if wants_theme:
            quarter_done.add(quarter)
        if is_skip_month:
            if wants_theme:  # the thematic meeting still happens that month, on its own
                plan.append((day + timedelta(days=10), "thematic"))
            continue
        if wants_theme and rng.random() < 0.5:
            plan.append((day, "combined"))
        else:
            plan.append((day, "regular"))
            if wants_theme:
                plan.append((day + timedelta(days=rng.randint(7, 14)), "thematic"))
        if rng.random() < 0.08:
            plan.append((day + timedelta(days=rng.randint(12, 18)), "extraordinary"))
    return sorted(plan)


def _branch(context, connection, ids: _Ids, unit, members, first_branch: bool, now: datetime,
            minimum: tuple[int, int]):
    rng, today = context.rng, context.today
    roster = [m for m in members if m.status in (
        OFFICIAL, PROBATIONARY, EXEMPT,
        AWAY, VISITING)]
    if not roster:
        return 0
    officials = [m for m in roster if m.status == OFFICIAL]
    by_position = {m.party_position: m for m in officials}
    chair = by_position.get("secretary") or (officials[0] if officials else roster[0])
    recorder = by_position.get("deputy_secretary") or by_position.get("committee_member") or chair
    # Each member's habit: most always come, a few are often away for a reason, fewer without one.
    habit = {m.id: rng.choice((0.02, 0.02, 0.04, 0.06, 0.12)) for m in roster}
    planted_unexcused = planted_excused = None
    candidates = [m for m in officials if m.id not in (chair.id, recorder.id)]
    if first_branch and len(candidates) >= 2:
        planted_unexcused, planted_excused = rng.sample(candidates, 2)
    plan = _plan(rng, today, first_branch)
    held = [d for d, _ in plan if d <= today]
    # Three months of this year in which the planted member stays away without a reason.
    this_year = sorted({d.month: d for d, k in plan if d <= today and d.year == today.year
                        and k in ("regular", "combined")}.values())
    unexcused_days = set(rng.sample(this_year, 3)) if len(this_year) >= 3 else set()
    last_held = held[-1] if held else None
    place = rng.choice(PLACES)
    meetings, attendance, agenda, speeches, votes = [], [], [], [], []
    excused_run = 0
    for meeting_date, kind in plan:
        meeting_id = ids.take(Meeting)
        state = "planned" if meeting_date > today else ("held" if meeting_date == last_held else "finalised")
        start_hour = rng.choice((8, 14, 19))
        start = f"{start_hour:02d}:{rng.choice((0, 30)) if start_hour != 19 else 30:02d}"
        single, combined = minimum  # the shortest meetings the rules allow, in minutes
        length = rng.randint(combined + 5, combined + 40) if kind == "combined" else rng.randint(single + 2, single + 50)
        if rng.random() < 0.05:
            length = rng.randint(single - 20, single - 5)  # a short meeting the duration check should catch
        end_minutes = int(start[:2]) * 60 + int(start[3:]) + length
        end = f"{end_minutes // 60:02d}:{end_minutes % 60:02d}" if state != "planned" else None
        topic = rng.choice(THEMES) if kind in ("thematic", "combined") else (
            "Xét đề nghị kết nạp đảng viên" if kind == "extraordinary" else None)
        meetings.append({
            "id": meeting_id, "uuid": _uuid(rng), "origin_unit": unit.code, "version": 1, "updated_at": now,
            "unit_id": unit.id, "kind": kind, "state": state, "meeting_date": meeting_date, "start_time": start,
            "end_time": end, "place": place, "topic": topic, "chair_id": chair.id, "recorder_id": recorder.id,
            "presenter_id": recorder.id if kind in ("thematic", "combined") else None,
            "guests": "Trần Văn Khải — Đảng ủy viên phụ trách địa bàn" if rng.random() < 0.3 else None,
            "quality_rating": None if state == "planned" else rng.choice(("good", "good", "good", "fair")),
            "finalised_at": now if state == "finalised" else None,
            "finalised_by": "admin" if state == "finalised" else None,
        })
        present_voters = 0
        present_people = []
        denominator = 0
        for member in roster:
            mark, reason = None, None
            if state != "planned" and member.status != AWAY:
                roll = rng.random()
                if member.id in (chair.id, recorder.id):
                    mark = "present"  # who chairs and who writes the minutes are there
                elif member.status == EXEMPT:
                    mark = "present" if roll < 0.25 else None
                elif planted_unexcused is not None and member.id == planted_unexcused.id and \
                        meeting_date in unexcused_days:
                    mark = "absent_unexcused"
                elif planted_excused is not None and member.id == planted_excused.id and \
                        meeting_date.year == today.year and 4 <= meeting_date.month and excused_run < 4:
                    mark, reason = "absent_excused", "Nằm viện điều trị dài ngày"
                    excused_run += 1
                elif roll < habit[member.id]:
                    mark, reason = "absent_excused", rng.choice(REASONS)
                elif roll < habit[member.id] + 0.01 and member is not planted_excused:
                    mark = "absent_unexcused"
                else:
                    mark = "present"
            if mark == "present":
                present_people.append(member)
                if member.status in (OFFICIAL, EXEMPT):
                    present_voters += 1
            if member.status == OFFICIAL and mark != "absent_excused" or \
                    member.status == EXEMPT and mark == "present":
                denominator += 1
            attendance.append({
                "id": ids.take(MeetingAttendance), "uuid": _uuid(rng), "origin_unit": unit.code, "version": 1,
                "updated_at": now, "meeting_id": meeting_id, "member_id": member.id, "member_status": member.status,
                "attendance": mark, "reason": reason, "late": mark == "present" and rng.random() < 0.03,
                "arrived_at": None, "suspended": False,
            })
        titles = DEFAULT_AGENDA if kind != "extraordinary" else [
            "Khai mạc, điểm danh, thông qua chương trình", "Xét đề nghị kết nạp đảng viên", "Bế mạc"]
        speakers = [m for m in present_people if m.id != chair.id] or present_people
        for position, title in enumerate(titles, start=1):
            item_id = ids.take(AgendaItem)
            held_now = state != "planned"
            agenda.append({
                "id": item_id, "uuid": _uuid(rng), "origin_unit": unit.code, "version": 1, "updated_at": now,
                "meeting_id": meeting_id, "position": position, "title": title,
                "content": CONTENT.get(position) if held_now else None,
                "conclusion": "Đồng chí chủ trì kết luận, chi bộ nhất trí." if held_now and position == 4 else None,
            })
            if held_now and position == 4 and speakers:
                count = min(len(speakers), rng.randint(2, 4))
                for number, (speaker, said) in enumerate(
                        zip(rng.sample(speakers, count), rng.sample(SPEECHES, count)), 1):
                    speeches.append({
                        "id": ids.take(Speech), "uuid": _uuid(rng), "origin_unit": unit.code, "version": 1,
                        "updated_at": now, "agenda_item_id": item_id, "position": number, "member_id": speaker.id,
                        "speaker_name": speaker.full_name, "content": said,
                    })
        if state != "planned" and present_voters:
            subjects = [("Thông qua nghị quyết tháng", "resolution")]
            if kind == "extraordinary":
                subjects = [("Đề nghị kết nạp quần chúng ưu tú vào Đảng", "admission")]
            elif kind in ("thematic", "combined"):
                subjects.append(("Thông qua nghị quyết chuyên đề", "resolution"))
            for position, (subject, vote_kind) in enumerate(subjects, start=1):
                # Counts consistent with who came: ballots never exceed the voters present.
                against = rng.choice((0, 0, 0, 1)) if present_voters > 2 else 0
                abstain = rng.choice((0, 0, 1)) if present_voters > 3 else 0
                votes_for = present_voters - against - abstain
                required = denominator // 2 + 1 if vote_kind == "resolution" else -(-2 * denominator // 3)
                votes.append({
                    "id": ids.take(Vote), "uuid": _uuid(rng), "origin_unit": unit.code, "version": 1,
                    "updated_at": now, "meeting_id": meeting_id, "position": position, "subject": subject,
                    "kind": vote_kind, "method": "secret_ballot" if vote_kind == "admission" else "cards",
                    "subject_member_id": None, "votes_for": votes_for, "votes_against": against, "abstain": abstain,
                    "denominator": denominator, "eligible_present": present_voters, "required": max(1, required),
                    "passed": denominator > 0 and votes_for >= max(1, required),
                })
    for model, rows in ((Meeting, meetings), (MeetingAttendance, attendance), (AgendaItem, agenda),
                        (Speech, speeches), (Vote, votes)):
        _insert(connection, model, rows)
    return len(meetings)


@lru_cache(maxsize=4096)
def _sqlite_value(value):
    if isinstance(value, datetime):
        return value.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(value, date):
        return value.isoformat()
    return value


def _insert(connection, model, rows: list[dict]) -> None:
    """Bulk insert; on SQLite straight through the driver (SQLAlchemy's per-value processing would
    triple the time of a 50,000-member demo), converting dates the way SQLAlchemy stores them."""
    if not rows:
        return
    if connection.dialect.name != "sqlite":
        connection.execute(insert(model), rows)
        return
    columns = list(rows[0])
    table = model.__table__.name
    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
    convert = [i for i, key in enumerate(columns) if isinstance(rows[0][key], (date, datetime))
               or any(isinstance(r[key], (date, datetime)) for r in rows[:50])]
    if convert:
        data = []
        for row in rows:
            values = list(row.values())
            for i in convert:
                values[i] = _sqlite_value(values[i])
            data.append(tuple(values))
    else:
        data = [tuple(row.values()) for row in rows]
    connection.exec_driver_sql(sql, data)


def make_meetings(context):
    database = context.database
    with database.read() as session:
        units = session.scalars(select(Unit).where(Unit.id.in_(context.branch_ids)).order_by(Unit.id)).all()
        units = [(u.id, u.code) for u in units]
        book = rule_book(session)
    minimum = (int(book.value("meeting.min_minutes.single", context.today)),
               int(book.value("meeting.min_minutes.combined", context.today)))
    total = len(units)
    now = datetime.combine(context.today, datetime.min.time(), tzinfo=timezone.utc)
    done = 0
    with database.engine.begin() as connection:
        if connection.dialect.name == "sqlite":
            # Random uuids scatter index writes; a larger page cache keeps them in memory.
            connection.exec_driver_sql("PRAGMA cache_size=-262144")
        ids = _Ids(connection)
        members_by_unit: dict[int, list] = {}
        for row in connection.execute(
            select(Member.id, Member.unit_id, Member.status, Member.full_name, Member.party_position)
            .where(Member.unit_id.in_(context.branch_ids), Member.deleted_at.is_(None))
            .order_by(Member.unit_id, Member.name_sort, Member.id)
        ):
            members_by_unit.setdefault(row.unit_id, []).append(row)
        for index, (unit_id, code) in enumerate(units):
            unit = type("U", (), {"id": unit_id, "code": code})
            done += _branch(context, connection, ids, unit, members_by_unit.get(unit_id, []), index == 0, now,
                            minimum)
            if index % 10 == 9 or index == total - 1:
                yield Progress(index + 1, total, f"Đã tạo sinh hoạt của {index + 1}/{total} chi bộ")
        if connection.dialect.name == "sqlite":
            connection.exec_driver_sql(f"PRAGMA cache_size=-{CACHE_KIB}")  # back to the pool's setting
        elif connection.dialect.name == "postgresql":
            # Rows went in with explicit ids: move each id sequence past them, or the next row added
            # the ordinary way (the demo's admission vote, a secretary's first meeting) collides.
            for model in (Meeting, MeetingAttendance, AgendaItem, Speech, Vote):
                table = model.__table__.name
                connection.exec_driver_sql(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), COALESCE(MAX(id), 0) + 1, false) "
                    f"FROM {table}")
    return done


EXTENSIONS.append(make_meetings)
