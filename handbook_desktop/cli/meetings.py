"""`meetings list`, `meetings show`, `meetings screening`."""

from __future__ import annotations

from datetime import date

from handbook_desktop.cli.common import CommandError, open_db, print_json
from handbook_desktop.domain.dates import format_date, parse_date


def register(sub) -> None:
    meetings = sub.add_parser("meetings", help="sinh hoạt chi bộ: danh sách, biên bản, rà soát")
    commands = meetings.add_subparsers(dest="meetings_command", metavar="LỆNH")

    listing = commands.add_parser("list", help="danh sách buổi sinh hoạt")
    listing.add_argument("--year", type=int, help="chỉ năm này")
    listing.add_argument("--unit", help="mã chi bộ (khi là đảng ủy)")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(handler=cmd_list)

    show = commands.add_parser("show", help="chi tiết một buổi sinh hoạt: điểm danh, biểu quyết")
    show.add_argument("uuid")
    show.add_argument("--json", action="store_true")
    show.set_defaults(handler=cmd_show)

    screen = commands.add_parser("screening", help="rà soát: vắng sinh hoạt, tháng/quý thiếu sinh hoạt")
    screen.add_argument("--year", type=int, help="năm (mặc định: năm của --on)")
    screen.add_argument("--on", help="tính đến ngày dd/mm/yyyy (mặc định: hôm nay)")
    screen.add_argument("--xlsx", help="xuất ra tệp Excel")
    screen.add_argument("--json", action="store_true")
    screen.set_defaults(handler=cmd_screening)
    meetings.set_defaults(handler=lambda args: (meetings.print_help(), 2)[1])


def _summary_json(m) -> dict:
    return {
        "uuid": m.uuid, "unit_code": m.unit_code, "date": m.meeting_date, "kind": m.kind, "state": m.state,
        "start_time": m.start_time, "end_time": m.end_time, "topic": m.topic,
        "attendance": {"expected": m.expected, "present": m.present, "absent_excused": m.absent_excused,
                       "absent_unexcused": m.absent_unexcused},
        "votes": m.votes,
    }


def cmd_list(args) -> int:
    from handbook_desktop.domain.meetings import MeetingKind, MeetingState
    from handbook_desktop.services.meetings import list_meetings

    with open_db(args, readonly=True) as database, database.read() as session:
        rows = list_meetings(session, year=args.year, unit_code=args.unit)
    if args.json:
        print_json([_summary_json(m) for m in rows])
        return 0
    if not rows:
        print("Chưa có buổi sinh hoạt nào.")
        return 0
    for m in rows:
        print(f"{format_date(m.meeting_date)}  {MeetingKind(m.kind).label:<24} {MeetingState(m.state).label:<34} "
              f"có mặt {m.present}/{m.expected}, vắng có lý do {m.absent_excused}, "
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
            "rate": round(block.rate, 4) if block.rate is not None else None,
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

    with open_db(args, readonly=True) as database, database.read() as session:
        d = meeting_detail(session, args.uuid)
    if args.json:
        print_json(detail_json(d))
        return 0
    s, b = d.summary, d.block
    print(f"{MeetingKind(s.kind).label} ngày {format_date(s.meeting_date)} — {MeetingState(s.state).label}")
    print(f"Thời gian: {s.start_time or '?'} – {s.end_time or '?'}; địa điểm: {d.place or ''}")
    print(f"Đảng số {b.total} (chính thức {b.official}, dự bị {b.probationary}); miễn sinh hoạt {b.exempt}; "
          f"chuyển sinh hoạt tạm thời đi {b.away}; sinh hoạt tạm thời đến {b.visiting}")
    print(f"Có mặt {b.present}/{b.expected}; mẫu số biểu quyết {b.denominator}")
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
    with open_db(args, readonly=True) as database, database.read() as session:
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
