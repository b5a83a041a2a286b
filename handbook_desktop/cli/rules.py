"""`rules list`, `rules show`, `rules add`: the rule table with where each version came from, and a
new version written by the committee (issue 15 §6); it travels down in the next package."""

from __future__ import annotations

import json
from datetime import date

from handbook_desktop.cli.common import CommandError, command_group, json_command, open_db, print_json
from handbook_desktop.domain.dates import format_date, parse_date


def register(sub) -> None:
    commands = command_group(sub, "rules", "quy tắc nghiệp vụ: xem, ghi phiên bản mới (cấp ủy)")
    listing = commands.add_parser("list", help="mọi phiên bản, có căn cứ và nơi ban hành")
    listing.add_argument("--key", help="chỉ quy tắc này")
    listing.add_argument("--check", action="store_true", help="chỉ những quy tắc còn cần đối chiếu văn bản")
    json_command(listing, cmd_list)
    show = commands.add_parser("show", help="giá trị áp dụng vào một ngày")
    show.add_argument("key")
    show.add_argument("--on", help="ngày (dd/mm/yyyy; mặc định hôm nay)")
    json_command(show, cmd_show)
    add = commands.add_parser("add", help="ghi một phiên bản quy tắc (có hiệu lực từ ngày, căn cứ, ghi chú)")
    add.add_argument("key", help="tên quy tắc, ví dụ dues.amount.flat_default")
    add.add_argument("value", help="giá trị: số, chữ, hoặc JSON (ví dụ 10000, 0.01, [30, 50, 70])")
    add.add_argument("--from", dest="effective_from", required=True, help="có hiệu lực từ ngày dd/mm/yyyy")
    add.add_argument("--source", required=True, help="căn cứ: số, ngày văn bản")
    add.add_argument("--note", help="ghi chú")
    json_command(add, cmd_add)


def _version_json(v) -> dict:
    return {"key": v.key, "value": v.value, "effective_from": v.effective_from, "source": v.source,
            "note": v.note, "origin": v.origin, "check": v.check}


def _value_text(value) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def cmd_list(args) -> int:
    from handbook_desktop.services.rules import rule_versions

    with open_db(args, readonly=True) as database, database.read() as session:
        versions = [v for v in rule_versions(session, args.key) if v.check or not args.check]
    if args.json:
        print_json([_version_json(v) for v in versions])
        return 0
    if not versions:
        print("Không có quy tắc nào như vậy.")
    for v in versions:
        print(f"{v.key:<44} từ {format_date(v.effective_from)}  {_value_text(v.value):<20} "
              f"[{v.origin}] {v.source}")
    return 0


def cmd_show(args) -> int:
    from handbook_desktop.services.rules import rule_book

    try:
        on = parse_date(args.on) if args.on else date.today()
    except ValueError:
        raise CommandError(f"Ngày '{args.on}' không hợp lệ: hãy viết theo dạng dd/mm/yyyy.") from None
    with open_db(args, readonly=True) as database, database.read() as session:
        rule = rule_book(session).rule(args.key, on)
    if args.json:
        print_json({"key": rule.key, "on": on, "value": rule.value, "effective_from": rule.effective_from,
                    "source": rule.source, "note": rule.note})
        return 0
    print(f"{rule.key} ngày {format_date(on)}: {_value_text(rule.value)}")
    print(f"  có hiệu lực từ {format_date(rule.effective_from)}; căn cứ: {rule.source}")
    if rule.note:
        print(f"  ghi chú: {rule.note}")
    return 0


def cmd_add(args) -> int:
    from handbook_desktop.services.rules import add_rule

    try:
        effective = parse_date(args.effective_from)
    except ValueError:
        effective = None
    if effective is None:
        raise CommandError(f"Ngày có hiệu lực '{args.effective_from}' không hợp lệ: hãy viết theo dạng dd/mm/yyyy.")
    with open_db(args, need="write") as database, database.session() as session:
        row = add_rule(session, args.actor, args.key, args.value, effective, args.source, args.note)
        result = {"key": row.key, "value": json.loads(row.value_json), "effective_from": row.effective_from,
                  "source": row.source, "note": row.note or "", "origin": row.origin_unit}
    if args.json:
        print_json(result)
    else:
        print(f"Đã ghi quy tắc {result['key']} = {_value_text(result['value'])} từ "
              f"{format_date(effective)} ({result['source']}); sẽ gửi xuống các chi bộ trong gói đồng bộ tới.")
    return 0
