"""`todo`: the to-do list as of a day (procedures and meetings)."""

from __future__ import annotations

from datetime import date

from handbook_desktop.cli.common import CommandError, open_db, print_json
from handbook_desktop.domain.dates import format_date, parse_date


def register(sub) -> None:
    todo = sub.add_parser("todo", help="việc cần làm: hạn kết nạp, dự bị, huy hiệu, chuyển sinh hoạt, đảng phí…")
    todo.add_argument("--on", help="tính đến ngày (dd/mm/yyyy hoặc yyyy-mm-dd; mặc định hôm nay)")
    todo.add_argument("--json", action="store_true")
    todo.set_defaults(handler=cmd_todo)


def cmd_todo(args) -> int:
    from handbook_desktop.services.procedures.todo import todo

    try:
        on = parse_date(args.on) or date.today()
    except ValueError:
        raise CommandError(f"Ngày '{args.on}' không hợp lệ: hãy viết theo dạng dd/mm/yyyy.") from None
    with open_db(args, readonly=True) as database:
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
