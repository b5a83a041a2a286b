"""`todo`: the to-do list as of a day (procedures and meetings); `events` and `badges`: a member's
history and badges, written through the same services as the window."""

from __future__ import annotations

from datetime import date

from handbook_desktop.cli.common import CommandError, command_group, json_command, open_db, print_json
from handbook_desktop.domain.dates import format_date, parse_date


def register(sub) -> None:
    todo = sub.add_parser("todo", help="việc cần làm: hạn kết nạp, dự bị, huy hiệu, chuyển sinh hoạt, đảng phí…")
    todo.add_argument("--on", help="tính đến ngày (dd/mm/yyyy hoặc yyyy-mm-dd; mặc định hôm nay)")
    json_command(todo, cmd_todo)
    register_records(sub)


def cmd_todo(args) -> int:
    from handbook_desktop.services.procedures.todo import todo

    try:
        on = parse_date(args.on) or date.today()
    except ValueError:
        raise CommandError(f"Ngày '{args.on}' không hợp lệ: hãy viết theo dạng dd/mm/yyyy.") from None
    with open_db(args, readonly=True, need="read") as database:
        with database.read() as session:
            items = todo(session, on)
    if args.json:
        print_json({"on": on, "items": [item.as_json() for item in items]})
        return 0
    if not items:
        print(f"Không có việc đến hạn tính đến ngày {format_date(on)}.")
        return 0
    print(f"Việc cần làm tính đến ngày {format_date(on)}:")
    for item in items:
        when = f"hạn {format_date(item.due)}" if item.due else "chưa có hạn"
        mark = "QUÁ HẠN — " if item.overdue else ""
        who = f"; {item.count} người" if item.members else ""
        print(f"- {mark}{item.title} ({when}{who}){': ' + item.detail if item.detail else ''}")
        for _, name in item.members[:10]:
            print(f"    · {name}")
        if item.count > 10:
            print(f"    · … và {item.count - 10} người khác")
        print(f"    Căn cứ: {item.rule_source}")
    return 0


# --- events: a member's history, leaving the Party and re-admission (issue 15 §2, §4) -------------

def _day(text: str | None, what: str, required: bool = True) -> date | None:
    try:
        value = parse_date(text) if text else None
    except ValueError:
        raise CommandError(f"{what} '{text}' không hợp lệ: hãy viết theo dạng dd/mm/yyyy.") from None
    if value is None and required:
        raise CommandError(f"Cần {what.lower()} (dd/mm/yyyy).")
    return value


def register_records(sub) -> None:
    commands = command_group(sub, "events", "quá trình của đảng viên: ghi sự kiện, ra khỏi Đảng, kết nạp lại")
    show = commands.add_parser("list", help="các sự kiện của một đảng viên, với tuổi đảng")
    show.add_argument("member", help="mã (uuid) hồ sơ")
    show.add_argument("--on", help="tuổi đảng tính đến ngày (mặc định hôm nay)")
    json_command(show, cmd_events_list)
    kinds = commands.add_parser("kinds", help="các loại sự kiện")
    json_command(kinds, cmd_events_kinds)
    add = commands.add_parser("add", help="ghi một sự kiện (hoặc nhiều, từ tệp JSON: --input)")
    add.add_argument("member", nargs="?", help="mã (uuid) hồ sơ")
    add.add_argument("--kind", help="loại sự kiện (xem 'events kinds')")
    add.add_argument("--date", help="ngày (dd/mm/yyyy)")
    add.add_argument("--end", help="đến ngày (nếu có)")
    add.add_argument("--decision", help="số quyết định")
    add.add_argument("--note", help="ghi chú")
    add.add_argument("--input", help="tệp JSON (hoặc - để đọc từ bàn phím): một sự kiện hoặc danh sách; "
                                      "trường member, kind, date, end_date, decision_number, note")
    json_command(add, cmd_events_add)
    leave = commands.add_parser("leave", help="ghi đảng viên ra khỏi Đảng (xóa tên, khai trừ, lý do khác)")
    leave.add_argument("member")
    leave.add_argument("--date", required=True)
    leave.add_argument("--how", default="removed", choices=["removed", "expelled", "left_other"])
    leave.add_argument("--decision", help="số quyết định")
    leave.add_argument("--note")
    json_command(leave, cmd_events_leave)
    back = commands.add_parser("readmit", help="kết nạp lại (tuổi đảng tính từ lần đầu, trừ khoảng ra khỏi Đảng)")
    back.add_argument("member")
    back.add_argument("--date", required=True, help="ngày quyết định kết nạp lại")
    back.add_argument("--decision", help="số quyết định")
    back.add_argument("--ceremony", help="ngày lễ kết nạp lại (mặc định: ngày quyết định)")
    json_command(back, cmd_events_readmit)
    gap = commands.add_parser("gap", help="ghi một lần ra khỏi Đảng và kết nạp lại đã qua (trạng thái giữ nguyên)")
    gap.add_argument("member")
    gap.add_argument("--left", required=True, help="ngày ra khỏi Đảng")
    gap.add_argument("--how", default="removed", choices=["removed", "expelled", "left_other"])
    gap.add_argument("--left-decision", help="số quyết định xóa tên/khai trừ")
    gap.add_argument("--readmitted", required=True, help="ngày quyết định kết nạp lại")
    gap.add_argument("--readmitted-decision", help="số quyết định kết nạp lại")
    json_command(gap, cmd_events_gap)

    commands = command_group(sub, "badges", "Huy hiệu Đảng: chưa xét, ghi đã trao, không xét (có lý do)")
    pending = commands.add_parser("pending", help="các mốc đã qua đợt trao mà chưa trao, chưa ghi không xét")
    pending.add_argument("--on", help="tính đến ngày (mặc định hôm nay)")
    json_command(pending, cmd_badges_pending)
    award = commands.add_parser("award", help="ghi đã trao Huy hiệu")
    award.add_argument("member")
    award.add_argument("--years", type=int, required=True)
    award.add_argument("--date", required=True)
    award.add_argument("--decision")
    award.set_defaults(handler=cmd_badges_award)
    dismiss = commands.add_parser("dismiss", help="ghi không xét một mốc, có lý do")
    dismiss.add_argument("member")
    dismiss.add_argument("--years", type=int, required=True)
    dismiss.add_argument("--reason", required=True)
    dismiss.add_argument("--date", help="ngày ghi (mặc định hôm nay)")
    dismiss.set_defaults(handler=cmd_badges_dismiss)


def _write(args, work):
    with open_db(args, need="write") as database, database.session() as session:
        return work(session, args.actor)


def _print_events(args, data) -> int:
    from handbook_desktop.services.members.events import member_events  # noqa: F401

    if getattr(args, "json", False):
        print_json(data)
        return 0
    age = data["party_age_months"]
    print(f"{data['full_name']} — tuổi đảng {age // 12} năm {age % 12} tháng" if age is not None else data["full_name"])
    for e in data["events"]:
        end = f" – {format_date(e['end_date'])}" if e["end_date"] else ""
        number = f", số {e['decision_number']}" if e["decision_number"] else ""
        print(f"  {format_date(e['date'])}{end}  {e['label']}{number}{'; ' + e['note'] if e['note'] else ''}")
    return 0


def cmd_events_list(args) -> int:
    from handbook_desktop.services.members.events import member_events

    on = _day(args.on, "Ngày", required=False)
    with open_db(args, readonly=True, need="read") as database, database.read() as session:
        data = member_events(session, args.member, on)
    return _print_events(args, data)


def cmd_events_kinds(args) -> int:
    from handbook_desktop.services.procedures.common import EVENT_LABELS

    if args.json:
        print_json(EVENT_LABELS)
        return 0
    for kind, label in EVENT_LABELS.items():
        print(f"{kind:<24} {label}")
    return 0


def _read_input(name: str) -> list[dict]:
    import json
    import sys

    try:
        text = sys.stdin.read() if name == "-" else open(name, encoding="utf-8").read()
        data = json.loads(text)
    except OSError as error:
        raise CommandError(f"Không đọc được tệp '{name}': {error.strerror}.") from None
    except ValueError as error:
        raise CommandError(f"Tệp '{name}' không phải JSON hợp lệ (dòng {error.lineno}): hãy sửa rồi chạy lại.") from None
    items = data if isinstance(data, list) else [data]
    if not all(isinstance(item, dict) for item in items):
        raise CommandError("Mỗi sự kiện trong tệp JSON phải là một đối tượng {\"member\": …, \"kind\": …, \"date\": …}.")
    return items


def cmd_events_add(args) -> int:
    from handbook_desktop.services.members.events import add_member_event, event_json

    if args.input:
        items = _read_input(args.input)
    else:
        if not args.member or not args.kind:
            raise CommandError("Cần mã hồ sơ và --kind (hoặc --input tệp JSON).")
        items = [{"member": args.member, "kind": args.kind, "date": args.date, "end_date": args.end,
                  "decision_number": args.decision, "note": args.note}]
    parsed = []
    for number, item in enumerate(items, start=1):
        where = f"Sự kiện {number}: " if len(items) > 1 else ""
        try:
            parsed.append(dict(member=str(item.get("member") or ""), kind=str(item.get("kind") or ""),
                               day=_day(item.get("date"), "Ngày"), end=_day(item.get("end_date"), "Đến ngày", False),
                               number=item.get("decision_number"), note=item.get("note")))
        except CommandError as error:
            raise CommandError(where + str(error)) from None

    def work(session, actor):  # one transaction: all the events or none
        return [event_json(add_member_event(session, actor, p["member"], kind=p["kind"], day=p["day"],
                                            end_date=p["end"], decision_number=p["number"], note=p["note"]))
                for p in parsed]

    written = _write(args, work)
    if args.json:
        print_json(written)
    else:
        print(f"Đã ghi {len(written)} sự kiện.")
    return 0


def cmd_events_leave(args) -> int:
    from handbook_desktop.services.members.events import event_json, record_departure

    day = _day(args.date, "Ngày")
    event = _write(args, lambda s, a: event_json(record_departure(s, a, args.member, day=day, kind=args.how,
                                                                  decision_number=args.decision, note=args.note)))
    print_json(event) if args.json else print(f"Đã ghi {event['label'].lower()} ngày {format_date(day)}.")
    return 0


def cmd_events_readmit(args) -> int:
    from handbook_desktop.services.members.events import event_json, readmit

    day, ceremony = _day(args.date, "Ngày"), _day(args.ceremony, "Ngày lễ kết nạp", False)
    event = _write(args, lambda s, a: event_json(readmit(s, a, args.member, day=day, decision_number=args.decision,
                                                         ceremony_date=ceremony)))
    print_json(event) if args.json else print(f"Đã ghi kết nạp lại ngày {format_date(day)}.")
    return 0


def cmd_events_gap(args) -> int:
    from handbook_desktop.services.members.events import event_json, record_past_gap

    left, back = _day(args.left, "Ngày ra khỏi Đảng"), _day(args.readmitted, "Ngày kết nạp lại")
    pair = _write(args, lambda s, a: [event_json(e) for e in record_past_gap(
        s, a, args.member, left_on=left, kind=args.how, left_decision=args.left_decision, readmitted_on=back,
        readmitted_decision=args.readmitted_decision)])
    print_json(pair) if args.json else print(f"Đã ghi khoảng ra khỏi Đảng {format_date(left)} – {format_date(back)}.")
    return 0


def cmd_badges_pending(args) -> int:
    from handbook_desktop.services.procedures import badges

    on = _day(args.on, "Ngày", required=False) or date.today()
    with open_db(args, readonly=True, need="read") as database, database.read() as session:
        found = [(m.uuid, m.full_name, d) for m, d in badges.pending(session, on=on)]
    if args.json:
        print_json([{"member_uuid": u, "name": n, "years": d.years, "reach_date": d.reach_date,
                     "award_date": d.award_date, "early": d.early, "posthumous": d.posthumous} for u, n, d in found])
        return 0
    if not found:
        print(f"Không có mốc Huy hiệu nào chưa xét tính đến ngày {format_date(on)}.")
    for uuid, name, d in found:
        print(f"{name}: {d.years} năm, đợt {format_date(d.award_date)}{' (truy tặng)' if d.posthumous else ''}"
              f"{' (sớm)' if d.early and not d.posthumous else ''}  {uuid}")
    return 0


def cmd_badges_award(args) -> int:
    from handbook_desktop.services.procedures import badges

    day = _day(args.date, "Ngày")
    _write(args, lambda s, a: badges.record_badge(s, a, args.member, args.years, day, args.decision))
    print(f"Đã ghi trao Huy hiệu {args.years} năm tuổi đảng ngày {format_date(day)}.")
    return 0


def cmd_badges_dismiss(args) -> int:
    from handbook_desktop.services.procedures import badges

    day = _day(args.date, "Ngày", required=False) or date.today()
    _write(args, lambda s, a: badges.dismiss_badge(s, a, args.member, args.years, day, args.reason))
    print(f"Đã ghi không xét mốc {args.years} năm: {args.reason}.")
    return 0
