"""`meetings list`, `meetings show`, `meetings screening`; and recording from a script (issue 15 §4):
`meetings plan`, `meetings times`, `meetings roll`, `meetings vote` — JSON in and out, through the
same services as the window."""

from __future__ import annotations

from datetime import date

from handbook_desktop.cli.common import CommandError, command_group, json_command, open_db, print_json
from handbook_desktop.domain.dates import format_date, parse_date



def _presence(block) -> str:
    """The rate the minutes print: present of the summoned (official and probationary)."""
    from handbook_desktop.domain.text import percent_of

    return (f"có mặt {block.present_summoned}/{block.summoned} đảng viên phải dự "
            f"({percent_of(block.present_summoned, block.summoned)})")

def register(sub) -> None:
    commands = command_group(sub, "meetings", "sinh hoạt chi bộ: danh sách, biên bản, rà soát")

    listing = commands.add_parser("list", help="danh sách buổi sinh hoạt")
    listing.add_argument("--year", type=int, help="chỉ năm này")
    listing.add_argument("--unit", help="mã chi bộ (khi là đảng ủy)")
    json_command(listing, cmd_list)

    show = commands.add_parser("show", help="chi tiết một buổi sinh hoạt: điểm danh, biểu quyết")
    show.add_argument("uuid")
    json_command(show, cmd_show)

    screen = commands.add_parser("screening", help="rà soát: vắng sinh hoạt, tháng/quý thiếu sinh hoạt")
    screen.add_argument("--year", type=int, help="năm (mặc định: năm của --on)")
    screen.add_argument("--on", help="tính đến ngày dd/mm/yyyy (mặc định: hôm nay)")
    screen.add_argument("--xlsx", help="xuất ra tệp Excel")
    json_command(screen, cmd_screening)
    _register_recording(commands)


def _register_recording(commands) -> None:
    plan = commands.add_parser("plan", help="lên kế hoạch một buổi sinh hoạt (danh sách điểm danh tự lập)")
    plan.add_argument("--date", required=True, help="ngày họp dd/mm/yyyy")
    plan.add_argument("--kind", required=True, choices=["regular", "thematic", "combined", "extraordinary"],
                      help="thường kỳ, chuyên đề, kết hợp, bất thường")
    plan.add_argument("--topic", help="chuyên đề (bắt buộc với thematic, combined)")
    plan.add_argument("--start", help="giờ bắt đầu HH:MM")
    plan.add_argument("--place", help="địa điểm")
    plan.add_argument("--unit", help="mã chi bộ (khi là đảng ủy)")
    json_command(plan, cmd_plan)
    times = commands.add_parser("times", help="ghi giờ bắt đầu, kết thúc")
    times.add_argument("uuid")
    times.add_argument("--start")
    times.add_argument("--end")
    times.add_argument("--reason", help="lý do sửa (khi biên bản đã chốt)")
    json_command(times, cmd_times)
    roll = commands.add_parser("roll", help="điểm danh: --all-present, một người, hoặc --input tệp JSON")
    roll.add_argument("uuid")
    roll.add_argument("--all-present", action="store_true", help="đánh dấu mọi người có mặt")
    roll.add_argument("--member", help="mã hồ sơ một người")
    roll.add_argument("--mark", choices=["present", "absent_excused", "absent_unexcused"])
    roll.add_argument("--reason", help="lý do vắng")
    roll.add_argument("--late", help="đến muộn, giờ đến HH:MM")
    roll.add_argument("--input", help="tệp JSON (- : bàn phím): [{member, mark, reason, arrived_at}]")
    json_command(roll, cmd_roll)
    vote = commands.add_parser("vote", help="ghi một lần biểu quyết (tính theo mẫu số của buổi họp)")
    vote.add_argument("uuid")
    vote.add_argument("--subject", required=True, help="nội dung biểu quyết")
    vote.add_argument("--kind", required=True,
                      choices=["resolution", "admission", "official_recognition", "discipline", "expulsion"])
    vote.add_argument("--for", dest="votes_for", type=int, required=True)
    vote.add_argument("--against", type=int, default=0)
    vote.add_argument("--abstain", type=int, default=0)
    vote.add_argument("--method", default="cards", choices=["cards", "secret_ballot"])
    vote.add_argument("--subject-member", help="mã hồ sơ người được xét (kết nạp, chính thức, kỷ luật)")
    json_command(vote, cmd_vote)


def _write_meeting(args, work):
    """One transaction through the meeting services, then the meeting as `meetings show --json` gives it."""
    from handbook_desktop.services.meetings import meeting_detail

    with open_db(args, need="write") as database:
        with database.session() as session:
            uuid = work(session, args.actor)
        with database.read() as session:
            d = meeting_detail(session, uuid)
    if args.json:
        print_json(detail_json(d))
    else:
        s = d.summary
        print(f"Buổi sinh hoạt ngày {format_date(s.meeting_date)} ({s.uuid}): {_presence(d.block)}; "
              f"mẫu số biểu quyết {d.block.denominator}.")
        for w in d.warnings:
            print(f"Lưu ý: {w.text}")
    return 0


def _day(text: str, what: str = "Ngày") -> date:
    try:
        value = parse_date(text)
    except ValueError:
        value = None
    if value is None:
        raise CommandError(f"{what} '{text}' không hợp lệ: hãy viết theo dạng dd/mm/yyyy.")
    return value


def cmd_plan(args) -> int:
    from handbook_desktop.services.meetings import create_meeting

    day = _day(args.date, "Ngày họp")
    return _write_meeting(args, lambda s, actor: create_meeting(
        s, actor, kind=args.kind, meeting_date=day, start_time=args.start, place=args.place, topic=args.topic,
        unit_code=args.unit))


def cmd_times(args) -> int:
    from handbook_desktop.services.meetings import update_meeting

    changes = {k: v for k, v in (("start_time", args.start), ("end_time", args.end)) if v}
    if not changes:
        raise CommandError("Cần --start hoặc --end (HH:MM).")

    def work(s, actor):
        update_meeting(s, actor, args.uuid, reason=args.reason, **changes)
        return args.uuid

    return _write_meeting(args, work)


def cmd_roll(args) -> int:
    import json
    import sys

    from handbook_desktop.services.meetings import mark_all_present, set_attendance

    marks = []
    if args.input:
        try:
            text = sys.stdin.read() if args.input == "-" else open(args.input, encoding="utf-8").read()
            data = json.loads(text)
        except OSError as error:
            raise CommandError(f"Không đọc được tệp '{args.input}': {error.strerror}.") from None
        except ValueError:
            raise CommandError(f"Tệp '{args.input}' không phải JSON hợp lệ: hãy sửa rồi chạy lại.") from None
        if not isinstance(data, list) or not all(isinstance(m, dict) for m in data):
            raise CommandError("Tệp điểm danh phải là danh sách [{\"member\": …, \"mark\": …}].")
        marks = [(str(m.get("member") or ""), m.get("mark"), m.get("reason"), m.get("arrived_at")) for m in data]
    elif args.member:
        if not args.mark:
            raise CommandError("Cần --mark present, absent_excused hoặc absent_unexcused.")
        marks = [(args.member, args.mark, args.reason, args.late)]
    elif not args.all_present:
        raise CommandError("Cần --all-present, --member … --mark …, hoặc --input tệp JSON.")

    def work(s, actor):  # all the marks or none
        if args.all_present:
            mark_all_present(s, actor, args.uuid)
        for member, mark, reason, arrived in marks:
            set_attendance(s, actor, args.uuid, member, mark, reason=reason, late=bool(arrived), arrived_at=arrived)
        return args.uuid

    return _write_meeting(args, work)


def cmd_vote(args) -> int:
    from handbook_desktop.services.meetings import record_vote

    def work(s, actor):
        record_vote(s, actor, args.uuid, subject=args.subject, kind=args.kind, votes_for=args.votes_for,
                    votes_against=args.against, abstain=args.abstain, method=args.method,
                    subject_member_uuid=args.subject_member)
        return args.uuid

    return _write_meeting(args, work)


def _summary_json(m) -> dict:
    return {
        "uuid": m.uuid, "unit_code": m.unit_code, "date": m.meeting_date, "kind": m.kind, "state": m.state,
        "start_time": m.start_time, "end_time": m.end_time, "topic": m.topic,
        "attendance": {"summoned": m.summoned, "present": m.present, "absent_excused": m.absent_excused,
                       "absent_unexcused": m.absent_unexcused,
                       "rate": round(m.rate, 4) if m.rate is not None else None},
        "votes": m.votes,
    }


def cmd_list(args) -> int:
    from handbook_desktop.domain.meetings import MeetingKind, MeetingState
    from handbook_desktop.services.meetings import list_meetings

    with open_db(args, readonly=True, need="read") as database, database.read() as session:
        rows = list_meetings(session, year=args.year, unit_code=args.unit)
    if args.json:
        print_json([_summary_json(m) for m in rows])
        return 0
    if not rows:
        print("Chưa có buổi sinh hoạt nào.")
        return 0
    for m in rows:
        print(f"{format_date(m.meeting_date)}  {MeetingKind(m.kind).label:<24} {MeetingState(m.state).label:<34} "
              f"có mặt {m.present}/{m.summoned} phải dự, vắng có lý do {m.absent_excused}, "
              f"không lý do {m.absent_unexcused}  {m.unit_code}  {m.uuid}")
    return 0


def detail_json(d) -> dict:
    block = d.block
    return {
        **_summary_json(d.summary),
        "place": d.place, "chair": d.chair_name, "recorder": d.recorder_name, "guests": d.guests,
        "quality_rating": d.quality_rating, "duration_minutes": d.duration, "required_minutes": d.required_minutes,
        "roll_call": [
            {"member_uuid": r.member_uuid, "name": r.name, "status": r.status, "attendance": r.attendance,
             "reason": r.reason, "late": r.late, "arrived_at": r.arrived_at}
            for r in d.roll
        ],
        "attendance_block": {
            "total": block.total, "official": block.official, "probationary": block.probationary,
            "exempt": block.exempt, "temporarily_away": block.away, "visiting": block.visiting,
            "expected": block.expected, "present": block.present, "present_official": block.present_official,
            "present_probationary": block.present_probationary, "present_visiting": block.present_visiting,
            "absent_excused": [{"name": n, "reason": r} for n, r in block.absent_excused],
            "absent_unexcused": block.absent_unexcused,
            "summoned": block.summoned, "present_summoned": block.present_summoned,
            "exempt_present": block.exempt_present,
            "rate": round(block.summoned_rate, 4) if block.summoned_rate is not None else None,
            "denominator": block.denominator, "eligible_present": block.eligible_present,
        },
        "warnings": [{"code": w.code, "text": w.text} for w in d.warnings],
        "agenda": [
            {"title": a.title, "content": a.content, "conclusion": a.conclusion,
             "speeches": [{"speaker": s.speaker_name, "member_uuid": s.member_uuid, "content": s.content}
                          for s in a.speeches]}
            for a in d.agenda
        ],
        "votes": [
            {"uuid": v.uuid, "subject": v.subject, "kind": v.kind, "method": v.method, "votes_for": v.votes_for,
             "votes_against": v.votes_against, "abstain": v.abstain, "denominator": v.denominator,
             "eligible_present": v.eligible_present, "required": v.required, "passed": v.passed}
            for v in d.votes
        ],
        "amendments": [
            {"at": a.at, "username": a.username, "reason": a.reason, "what": a.what, "old": a.old_value,
             "new": a.new_value}
            for a in d.amendments
        ],
    }


def cmd_show(args) -> int:
    from handbook_desktop.domain.meetings import MeetingKind, MeetingState
    from handbook_desktop.domain.states import MemberStatus
    from handbook_desktop.domain.votes import ATTENDANCE_LABELS, Attendance, VoteKind
    from handbook_desktop.services.meetings import meeting_detail

    with open_db(args, readonly=True, need="read") as database, database.read() as session:
        d = meeting_detail(session, args.uuid)
    if args.json:
        print_json(detail_json(d))
        return 0
    s, b = d.summary, d.block
    print(f"{MeetingKind(s.kind).label} ngày {format_date(s.meeting_date)} — {MeetingState(s.state).label}")
    print(f"Thời gian: {s.start_time or '?'} – {s.end_time or '?'}; địa điểm: {d.place or ''}")
    print(f"Đảng số {b.total} (chính thức {b.official}, dự bị {b.probationary}); miễn sinh hoạt {b.exempt}; "
          f"chuyển sinh hoạt tạm thời đi {b.away}; sinh hoạt tạm thời đến {b.visiting}")
    print(f"{_presence(b).capitalize()}; mẫu số biểu quyết {b.denominator}")
    for r in d.roll:
        mark = ATTENDANCE_LABELS[Attendance(r.attendance)] if r.attendance else "—"
        print(f"  {r.name:<30} {MemberStatus(r.status).label:<30} {mark}{' (' + r.reason + ')' if r.reason else ''}")
    for v in d.votes:
        print(f"Biểu quyết: {v.subject} [{VoteKind(v.kind).label}] {v.votes_for} tán thành, {v.votes_against} "
              f"không tán thành, {v.abstain} không biểu quyết / {v.denominator} (cần {v.required}) — "
              f"{'thông qua' if v.passed else 'không thông qua'}")
    for w in d.warnings:
        print(f"Lưu ý: {w.text}")
    return 0


def cmd_screening(args) -> int:
    from handbook_desktop.services.meetings import export_screening_xlsx, screening

    try:
        on = parse_date(args.on) if args.on else date.today()
    except ValueError as error:
        raise CommandError(str(error)) from None
    year = args.year or on.year
    with open_db(args, readonly=True, need="read") as database, database.read() as session:
        result = screening(session, year, on)
    if args.xlsx:
        export_screening_xlsx(result, args.xlsx)
    if args.json:
        print_json({
            "year": result.year, "on": result.on,
            "unexcused": [{"member_uuid": f.member_uuid, "name": f.name, "unit_code": f.unit_code,
                           "months": f.count, "dates": f.dates} for f in result.unexcused],
            "excused_in_a_row": [{"member_uuid": f.member_uuid, "name": f.name, "unit_code": f.unit_code,
                                  "times": f.count, "dates": f.dates} for f in result.excused_in_a_row],
            "missing_regular": [{"unit_code": m.unit_code, "month": m.period} for m in result.missing_regular],
            "missing_thematic": [{"unit_code": m.unit_code, "quarter": m.period} for m in result.missing_thematic],
        })
        return 0
    print(f"Rà soát năm {year}, tính đến {format_date(on)}:")
    for f in result.unexcused:
        print(f"  Vắng không lý do {f.count} tháng: {f.name} ({f.unit_code})")
    for f in result.excused_in_a_row:
        print(f"  Vắng có lý do {f.count} lần liên tiếp: {f.name} ({f.unit_code})")
    for m in result.missing_regular:
        print(f"  Tháng {m.period:02d}: {m.unit_name} không sinh hoạt thường kỳ")
    for m in result.missing_thematic:
        print(f"  Quý {m.period}: {m.unit_name} không sinh hoạt chuyên đề")
    if not result.total:
        print("  Không có gì cần lưu ý.")
    return 0
