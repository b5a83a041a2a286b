"""`sync identity | trust | revoke | export | import | status` (DESIGN.md "Command line")."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from handbook_desktop.cli.common import CommandError, command_group, json_command, open_db, print_json
from handbook_desktop.services.privacy import mask_text


def register(sub) -> None:
    commands = command_group(sub, "sync", "gói đồng bộ giữa chi bộ và cấp ủy cấp trên", metavar="VIỆC")

    identity = commands.add_parser("identity", help="ghi thẻ định danh của đơn vị này ra tệp")
    identity.add_argument("--out", required=True, help="tệp thẻ định danh (.json) để gửi cho đơn vị kia")
    json_command(identity, cmd_identity)

    trust = commands.add_parser("trust", help="tin cậy một đơn vị sau khi so dấu vân tay qua điện thoại")
    trust.add_argument("file", help="tệp thẻ định danh nhận từ đơn vị kia")
    trust.add_argument("--fingerprint", required=True, help="dấu vân tay đọc được qua điện thoại (8 nhóm 5 số)")
    trust.add_argument("--under", metavar="UNIT_CODE",
                       help="đặt chi bộ mới dưới đơn vị này (mặc định: ngay dưới cấp ủy này), dù thẻ ghi gì")
    trust.add_argument("--re-enrol", action="store_true",
                       help="đơn vị đã mất khóa: thu hồi các khóa cũ và tin cậy khóa mới (sau khi so dấu vân tay)")
    json_command(trust, cmd_trust)

    revoke = commands.add_parser("revoke", help="thu hồi tin cậy khóa của một đơn vị (mất máy, lộ khóa)")
    revoke.add_argument("unit", metavar="UNIT_CODE", help="mã đơn vị")
    revoke.add_argument("--key", metavar="KEY_ID", help="chỉ thu hồi khóa này (mặc định: mọi khóa của đơn vị)")
    json_command(revoke, cmd_revoke)

    repair = commands.add_parser("repair", help="tìm và sửa vòng lặp trong cây đơn vị, thẻ định danh mạo danh "
                                               "(xem trước với --dry-run; sửa tất cả hoặc không sửa gì)")
    repair.add_argument("--dry-run", action="store_true", help="chỉ liệt kê, không sửa gì")
    json_command(repair, cmd_repair)

    export = commands.add_parser("export", help="tạo gói gửi cho một đơn vị")
    export.add_argument("--to", required=True, metavar="UNIT_CODE", help="mã đơn vị nhận")
    export.add_argument("--out", required=True, help="tệp gói (.hbsync); là thư mục thì dùng tên tự đặt")
    export.add_argument("--full", action="store_true", help="gửi toàn bộ dữ liệu thay vì chỉ phần thay đổi")
    export.add_argument("--again", metavar="PACKAGE_ID",
                        help="ghi lại nguyên vẹn một gói đã gửi (khi gói bị thất lạc): cùng mã, cùng số")
    json_command(export, cmd_export)

    imp = commands.add_parser("import", help="nhận một gói (xem trước với --dry-run)")
    imp.add_argument("file", help="tệp gói .hbsync")
    imp.add_argument("--dry-run", action="store_true", help="chỉ xem trước, không ghi gì")
    imp.add_argument("--receipt-dir", help="thư mục ghi biên nhận (mặc định: cạnh tệp gói)")
    imp.add_argument("--details", action="store_true",
                     help="liệt kê mọi bản ghi (mặc định: tổng theo bảng và tối đa 200 bản ghi mỗi bảng)")
    json_command(imp, cmd_import)
    imp.add_argument("--reveal", action="store_true",
                     help="hiện đầy đủ số CCCD, điện thoại trong bản xem trước (việc xem được ghi vào nhật ký)")

    status = commands.add_parser("status", help="đơn vị tin cậy, gói đã gửi, đã nhận, đang giữ, xung đột")
    json_command(status, cmd_status)


def _keyring(database, args):
    from handbook_desktop.services.sync.keys import unlock

    # The signed-in administrator's password seals the sync keys: not asked a second time.
    return unlock(database, args.password)


def cmd_identity(args) -> int:
    from handbook_desktop.services.sync.keys import write_identity_card

    with open_db(args, need="keys") as database:
        card = write_identity_card(database, _keyring(database, args), Path(args.out))
    if args.json:
        print_json({"unit_code": card["unit"]["code"], "unit_name": card["unit"]["name"],
                    "key_id": card["key_id"], "fingerprint": card["fingerprint"], "file": str(args.out)})
    else:
        print(f"Đã ghi thẻ định danh của {card['unit']['name']} ({card['unit']['code']}) vào {args.out}.")
        print(f"Dấu vân tay (đọc cho đơn vị kia qua điện thoại): {card['fingerprint']}")
    return 0


def cmd_trust(args) -> int:
    from handbook_desktop.services.sync.keys import read_identity_card, trust_card

    card = read_identity_card(Path(args.file))
    with open_db(args, need="keys") as database:
        result = trust_card(database, args.actor, card, args.fingerprint, under=args.under, re_enrol=args.re_enrol)
    if args.json:
        print_json(result)
    else:
        from handbook_desktop.services.sync.status import relation_label

        relation = relation_label(result["relation"], card["unit"].get("level"))
        how = {"rotation": " (khóa mới do khóa cũ chuyển giao; khóa cũ thôi dùng)",
               "re_enrol": " (đăng ký lại: các khóa cũ đã bị thu hồi)"}.get(result.get("how"), "")
        print(f"Đã tin cậy {result['unit_name']} ({result['unit_code']}) là {relation}{how}.")
    return 0


def cmd_revoke(args) -> int:
    from handbook_desktop.services.sync.trust import revoke

    with open_db(args, need="keys") as database:
        _keyring(database, args)  # revoking trust needs the administrator's password, like signing
        keys = revoke(database, args.actor, args.unit, args.key)
    if args.json:
        print_json({"unit_code": args.unit, "revoked": keys})
    else:
        print(f"Đã thu hồi {len(keys)} khóa của đơn vị {args.unit}: không nhận gói nào ký bằng khóa đó nữa.")
    return 0


def cmd_repair(args) -> int:
    from handbook_desktop.services.sync.repair import repair_tree, tree_problems

    with open_db(args, need="read" if args.dry_run else "keys") as database:
        if args.dry_run:
            problems = tree_problems(database)
        else:
            _keyring(database, args)  # revoking a card needs the administrator's password, like signing
            problems = repair_tree(database, args.actor)
    if args.json:
        print_json({"dry_run": bool(args.dry_run), "problems": problems})
        return 0
    if not problems:
        print("Cây đơn vị và các thẻ định danh đã tin cậy không có vấn đề gì; không cần sửa.")
        return 0
    print(("Sẽ sửa" if args.dry_run else "Đã sửa") + f" {len(problems)} vấn đề:")
    for problem in problems:
        print(f"  - {problem['message']} {problem['repair']}")
    if args.dry_run:
        print("Chưa sửa gì. Chạy lại không kèm --dry-run để sửa tất cả (có sao lưu trước).")
    return 0


def cmd_export(args) -> int:
    from handbook_desktop.services.sync.exchange import export_package

    with open_db(args, need="keys") as database:
        if args.again:
            from handbook_desktop.services.sync.exchange import reexport

            result = reexport(database, args.again)
            if result.recipient != args.to:
                raise CommandError(f"Gói {args.again} đã gửi cho {result.recipient}, không phải {args.to}.")
        else:
            result = export_package(database, args.actor, _keyring(database, args), args.to, full=args.full)
    target = Path(args.out)
    if target.is_dir():
        target = target / result.file_name
    target.write_bytes(result.data)
    if args.json:
        print_json({**result.public(), "file": str(target)})
    else:
        print(f"Đã tạo gói số {result.sequence} gửi {result.recipient}: {sum(result.counts.values())} bản ghi, "
              f"tệp {target}.")
    return 0


def cmd_import(args) -> int:
    from handbook_desktop.services.progress import drain
    from handbook_desktop.domain.text import number
    from handbook_desktop.services.sync.importer import LIST_LIMIT, import_package, preview
    from handbook_desktop.services.sync.tables import TABLE_LABELS

    table_label = lambda name: TABLE_LABELS.get(name, name)  # noqa: E731 (Vietnamese, never the table's name)

    source = Path(args.file)
    try:
        data = source.read_bytes()
    except OSError:
        raise CommandError(f"Không đọc được tệp '{source}'.") from None
    with open_db(args, need="keys") as database:
        keyring = _keyring(database, args)
        if args.dry_run:
            result = preview(database, keyring, data)
        else:
            result = drain(import_package(database, args.actor, keyring, data))
        if args.reveal and result.plans:
            from handbook_desktop.services.privacy import record_reveal

            record_reveal(database, args.actor, "sync_preview",
                          {"file": source.name, "package": (result.manifest or {}).get("package_id")})
    written = []
    folder = Path(args.receipt_dir) if args.receipt_dir else source.parent
    for receipt in result.receipts:
        target = folder / receipt.file_name
        target.write_bytes(receipt.data)
        written.append(str(target))
    refused = result.status == "refused"
    if args.json:
        print_json({**result.public(None if args.details else LIST_LIMIT, reveal=args.reveal), "receipt_files": written},
                   reveal=args.reveal)
        return 1 if refused else 0
    limit = None if args.details else LIST_LIMIT
    if refused:  # the whole package: the message and each row outside the sender's scope
        print(result.message, file=sys.stderr)
        for plan in result.plans[:limit]:
            print(f"  - {plan.reason}", file=sys.stderr)
        if limit is not None and len(result.plans) > limit:
            print(f"  … và {number(len(result.plans) - limit)} bản ghi khác (xem tất cả: --details).", file=sys.stderr)
        for path in written:
            print(f"Biên nhận gửi lại đơn vị gửi: {path}", file=sys.stderr)
        return 1
    print(result.message)
    if result.plans:
        totals = result.totals
        print(f"Tổng: {totals['total']} bản ghi — mới {totals['new']}, thay đổi {totals['changed']}, "
              f"không đổi {totals['unchanged']}, xóa {totals['deleted']}, xung đột {totals['conflict']}, "
              f"từ chối {totals['rejected']}.")
        count = 0
        for plan in result.plans:
            if plan.outcome in ("unchanged",):
                continue
            count += 1
            if limit is not None and count > limit:
                print("  … và các bản ghi khác (xem tất cả: --details).")
                break
            shown = plan.public(reveal=args.reveal)
            line = f"  [{shown['outcome_label']}] {table_label(plan.table)}: {plan.label}"
            if plan.changes:
                line += " — " + "; ".join(f"{c['field_label']}: {c['old']} → {c['new']}" for c in shown["changes"])
            if plan.reason:
                line += f" ({plan.reason})"
            # CCCD and phone changes masked on screen unless revealed (issue 13, point 9)
            print(line if args.reveal else mask_text(line))
    for path in written:
        print(f"Biên nhận gửi lại đơn vị gửi: {path}")
    return 0


def cmd_status(args) -> int:
    from handbook_desktop.services.sync.status import sync_status

    with open_db(args, need="read") as database:
        status = sync_status(database)
    if args.json:
        print_json(status)
        return 0
    print(f"Đơn vị: {status['unit_code']} — dấu vân tay: {status['fingerprint'] or '(chưa có khóa)'}")
    for peer in status["peers"]:
        print(f"- {peer['unit_name']} ({peer['unit_code']}, {peer['relation_label']}): đã gửi {peer['sent']} gói "
              f"(chưa có biên nhận: {', '.join(map(str, peer['unacknowledged'])) or 'không'}), "
              f"đã nhận đến gói số {peer['last_received']}"
              + (f", đang giữ: {', '.join(map(str, peer['held']))}" if peer["held"] else ""))
    print(f"Xung đột đang chờ: {status['open_conflicts']}")
    return 0


def _dump(value) -> str:
    return json.dumps(value, ensure_ascii=False)
