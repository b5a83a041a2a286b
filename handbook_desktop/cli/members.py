"""`members list|show|import|export|template`."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from handbook_desktop.cli.common import CommandError, json_command, open_db, print_json
from handbook_desktop.domain.dates import format_date
from handbook_desktop.domain.states import MemberStatus
from handbook_desktop.domain.text import mask_digits


def register(sub) -> None:
    members = sub.add_parser("members", help="hồ sơ đảng viên: danh sách, xem, nhập và xuất Excel")
    commands = members.add_subparsers(dest="members_command", metavar="VIỆC")

    listing = commands.add_parser("list", help="danh sách đảng viên (thứ tự tên tiếng Việt)")
    listing.add_argument("--search", default="", help="tìm theo tên (không dấu cũng được), số thẻ, CCCD, điện thoại")
    listing.add_argument("--status", choices=[s.value for s in MemberStatus], action="append",
                         help="chỉ người ở trạng thái này (có thể lặp lại)")
    listing.add_argument("--deleted", action="store_true", help="danh sách trong Thùng rác")
    json_command(listing, cmd_list)

    show = commands.add_parser("show", help="một hồ sơ và lịch sử của nó")
    show.add_argument("uuid")
    json_command(show, cmd_show)
    show.add_argument("--reveal", action="store_true",
                      help="hiện đầy đủ số CCCD, điện thoại (việc xem được ghi vào nhật ký)")

    importing = commands.add_parser("import", help="nhập danh sách từ bảng tính (.xlsx, .xls, .ods)")
    importing.add_argument("file")
    importing.add_argument("--dry-run", action="store_true", help="chỉ xem trước, không ghi gì")
    importing.add_argument("--report", help="ghi kết quả từng dòng ra tệp .xlsx")
    importing.add_argument("--unit", help="mã chi bộ cho các dòng không ghi chi bộ (cấp ủy cơ sở)")
    importing.add_argument("--reveal", action="store_true",
                           help="hiện đầy đủ số CCCD, điện thoại trong kết quả (ghi vào nhật ký)")
    importing.add_argument("--sheet", action="append",
                           help="chỉ nhập trang này (có thể lặp lại; mặc định mọi trang có danh sách)")
    importing.add_argument("--answer", action="append", metavar="TRANG!DÒNG=UUID|new",
                           help="trả lời một dòng 'Cần chọn': hồ sơ đúng (uuid) hoặc new (người mới)")
    json_command(importing, cmd_import)

    export = commands.add_parser("export", help="xuất danh sách ra Excel (.xlsx) hoặc CSV (.csv, UTF-8)")
    export.add_argument("file")
    export.add_argument("--search", default="")
    export.add_argument("--status", choices=[s.value for s in MemberStatus], action="append")
    export.add_argument("--no-personal", action="store_true",
                        help="bỏ các cột dữ liệu cá nhân (CCCD, điện thoại, địa chỉ)")
    json_command(export, cmd_export)

    template = commands.add_parser("template", help="tệp Excel mẫu để nhập danh sách")
    template.add_argument("file")
    template.set_defaults(handler=cmd_template)
    members.set_defaults(handler=lambda args: _usage(members))


def _usage(parser) -> int:
    parser.print_help()
    return 2


def _filter(args):
    from handbook_desktop.services.members import MemberFilter

    return MemberFilter(search=args.search or "", statuses=tuple(args.status or ()),
                        deleted=getattr(args, "deleted", False))


def cmd_list(args) -> int:
    from handbook_desktop.services.members import iter_rows

    with open_db(args, readonly=True, need="read") as database, database.read() as session:
        rows = list(iter_rows(session, _filter(args)))
    if args.json:
        print_json([
            {key: row[key] for key in ("uuid", "full_name", "date_of_birth", "gender", "status", "party_position",
                                        "party_card_number", "decision_date", "ceremony_date", "official_date",
                                        "unit_code")}
            | {"deleted": row["deleted_at"] is not None}
            for row in rows
        ])
        return 0
    for row in rows:
        status = MemberStatus(row["status"]).label
        born = format_date(row["date_of_birth"]) or (f"…/…/{row['birth_year']}" if row.get("birth_year") else "")
        print(f"{row['full_name']:<30} {born:<11} {status:<28} "
              f"{row['party_card_number'] or '':<10} {mask_digits(row['national_id'])}  {row['unit_code']}")
    print(f"Số người: {len(rows)}")
    return 0


def cmd_show(args) -> int:
    from handbook_desktop.services.members import get_member, member_detail, member_history

    # A reveal is audited, so it needs a writable handle.
    with open_db(args, readonly=not args.reveal, need="read") as database:
        with database.read() as session:
            member = get_member(session, args.uuid)
            detail = member_detail(session, member)
            history = member_history(session, member.uuid)
        if args.reveal:
            from handbook_desktop.services.privacy import record_reveal

            record_reveal(database, args.actor, "member_show", {"member": member.uuid})
    detail["national_id"] = detail.get("national_id")
    if args.json:
        detail["history"] = [{"at": h["at"], "username": h["username"], "action": h["action"], "field": h["field"],
                              "old": h["old"], "new": h["new"]} for h in history]
        print_json(detail, reveal=args.reveal)
        return 0
    from handbook_desktop.services.members.fields import FIELDS

    print(detail["full_name"])
    for spec in FIELDS:
        value = detail.get(spec.key)
        if value in (None, ""):
            continue
        text = format_date(value) if isinstance(value, date) else spec.label_of(value)
        if spec.key in ("national_id", "phone") and not args.reveal:
            text = mask_digits(text)
        print(f"  {spec.label}: {text}")
    for event in detail["events"]:
        print(f"  [{format_date(event['event_date'])}] {event['kind']} {event['decision_number'] or ''}")
    return 0


def _unit_id(database, code: str | None) -> int | None:
    if not code:
        return None
    from sqlalchemy import select

    from handbook_desktop.store.models import Unit

    with database.read() as session:
        unit_id = session.scalar(select(Unit.id).where(Unit.code == code))
    if unit_id is None:
        raise CommandError(f"Không có đơn vị mã '{code}'.")
    return unit_id


def cmd_import(args) -> int:
    from handbook_desktop.services.excel.importer import apply_import, plan_import
    from handbook_desktop.services.excel.writer import write_report

    if not Path(args.file).exists():
        raise CommandError(f"Không tìm thấy tệp '{args.file}'.")
    if args.report:
        from handbook_desktop.services.excel.writer import check_suffix

        check_suffix(args.report, (".xlsx",))  # refused before the import writes anything
    answers = {}
    for text in args.answer or ():
        key, sep, value = text.rpartition("=")
        if not sep or "!" not in key:
            raise CommandError(f"Câu trả lời '{text}' không đúng dạng TRANG!DÒNG=UUID (hoặc =new).")
        answers[key] = value
    choices = {"sheets": args.sheet, "answers": answers or None}
    # A reveal is audited, so it needs a writable handle even in a dry run.
    readonly = args.dry_run and not args.reveal
    with open_db(args, readonly=readonly, need="read" if args.dry_run else "write") as database:
        unit_id = _unit_id(database, args.unit)
        if args.dry_run:
            with database.read() as session:
                plan = plan_import(session, args.file, default_unit_id=unit_id, **choices)
        else:
            plan = apply_import(database, args.actor, args.file, default_unit_id=unit_id, **choices)
        if args.reveal:
            from handbook_desktop.services.privacy import record_reveal

            record_reveal(database, args.actor, "import_report", {"file": Path(args.file).name})
    if args.report:
        write_report(plan, args.report)
    from handbook_desktop.services.privacy import report_line

    counts = plan.counts()
    if args.json:
        print_json(plan.to_json())
        return 0
    verb = "Xem trước (chưa ghi)" if args.dry_run else "Đã nhập"
    print(f"{verb}: thêm mới {counts['created']}, cập nhật {counts['updated']}, "
          f"không đổi {counts['unchanged']}, không nhận {counts['rejected']}, cần chọn {counts['asked']}.")
    for note in plan.notes:
        print(f"  {note}")
    for row in plan.rows:
        if row.action in ("rejected", "update", "ask"):
            print(f"  Dòng {row.row_number} ({row.full_name or '?'}): {report_line(row.message, row.values, args.reveal)}")
        for uuid, text in row.candidates if row.action == "ask" else ():
            print(f"    --answer '{row.key}={uuid}'  {text}")
    return 0


def cmd_export(args) -> int:
    from handbook_desktop.services.excel.writer import export_members
    from handbook_desktop.services.members import iter_rows
    from handbook_desktop.services import audit, privacy
    from handbook_desktop.services.excel.writer import ALL_COLUMNS

    columns = privacy.without_personal(ALL_COLUMNS) if args.no_personal else ALL_COLUMNS
    notice = privacy.NOTICE if privacy.has_personal(columns) else None
    with open_db(args, need="read") as database:
        home = database.home_unit()
        with database.read() as session:
            count = export_members(iter_rows(session, _filter(args), full=True), args.file, columns=columns,
                                   title=f"Danh sách đảng viên {home.name}", notice=notice)
        with database.session() as session:
            audit.record(session, args.actor, "export", entity="member",
                         detail={"file": Path(args.file).name, "rows": count, "personal": notice is not None})
    if args.json:
        print_json({"file": args.file, "rows": count})
    else:
        print(f"Đã xuất {count} người ra {args.file}.")
    return 0


def cmd_template(args) -> int:
    from sqlalchemy import select

    from handbook_desktop.services.excel.writer import write_template
    from handbook_desktop.store.models import Unit

    with open_db(args, readonly=True) as database:
        home = database.home_unit()
        names = None
        if home.level != "chi-bo":
            with database.read() as session:
                names = list(session.scalars(select(Unit.name).where(Unit.level == "chi-bo", Unit.deleted_at.is_(None))
                                             .order_by(Unit.code)))
    write_template(args.file, unit_names=names)
    print(f"Đã ghi tệp mẫu {args.file}.")
    return 0
