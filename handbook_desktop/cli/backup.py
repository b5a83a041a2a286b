"""`backup create | list | verify | restore`, `check` (Kiểm tra dữ liệu) and `users list | add | recover`."""

from __future__ import annotations

import os
import sys

from handbook_desktop.cli.common import (
    CommandError,
    database_arg,
    json_command,
    open_db,
    print_json,
    read_new_password,
    read_password,
    refuse_missing_database,
    sign_in_at,
)

BACKUP_PASSWORD_ENV = "HANDBOOK_BACKUP_PASSWORD"  # scripts; HANDBOOK_PASSWORD when it is not set
from handbook_desktop.domain.dates import format_date


def register(sub) -> None:
    backup = sub.add_parser("backup", help="sao lưu và khôi phục")
    actions = backup.add_subparsers(dest="backup_command", metavar="VIỆC", required=True)

    create = actions.add_parser("create", help="tạo bản sao lưu ngay (đã kiểm tra)")
    create.add_argument("--encrypt", action="store_true", help="mã hóa bằng mật khẩu (hỏi mật khẩu)")
    json_command(create, cmd_create)

    listing = actions.add_parser("list", help="danh sách bản sao lưu của cơ sở dữ liệu này")
    json_command(listing, cmd_list)

    verify = actions.add_parser("verify", help="kiểm tra lại một bản sao lưu")
    verify.add_argument("backup", help="mã bản sao (xem 'backup list') hoặc đường dẫn tệp")
    json_command(verify, cmd_verify)

    restore = actions.add_parser("restore", help="khôi phục một bản sao lưu (sao lưu dữ liệu hiện tại trước)")
    restore.add_argument("backup", help="mã bản sao (xem 'backup list') hoặc đường dẫn tệp")
    restore.add_argument("--yes", action="store_true", help="khôi phục luôn, không hỏi lại")
    json_command(restore, cmd_restore)

    json_command(sub.add_parser("check", help="kiểm tra dữ liệu: toàn vẹn, liên kết, tính nhất quán"), cmd_check)

    accounts = sub.add_parser("users", help="tài khoản: danh sách, thêm, khôi phục mật khẩu quản trị")
    user_actions = accounts.add_subparsers(dest="users_command", metavar="VIỆC", required=True)
    json_command(user_actions.add_parser("list", help="danh sách tài khoản"), cmd_users_list)
    add = user_actions.add_parser("add", help="thêm tài khoản (mật khẩu hỏi ở cửa sổ dòng lệnh)")
    add.add_argument("username")
    add.add_argument("--role", choices=["secretary", "deputy", "viewer"], default="viewer")
    add.add_argument("--full-name", default="")
    add.set_defaults(handler=cmd_users_add)
    recover = user_actions.add_parser("recover", help="đặt lại mật khẩu quản trị bằng mã khôi phục")
    recover.add_argument("--username", default="admin")
    json_command(recover, cmd_users_recover)


def _size(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / 1024 / 1024:.1f} MB".replace(".", ",")
    return f"{max(1, size // 1024)} KB"


def _when(info) -> str:
    local = info.created_at.astimezone()
    return f"{local:%H:%M} {format_date(local.date())}"


def _verdict(info) -> str:
    if info.verified_ok is None:
        return "chưa kiểm tra"
    return "đã kiểm tra: tốt" if info.verified_ok else f"LỖI: {info.verify_message}"


def _stem(args) -> str:
    from pathlib import Path

    from handbook_desktop.store.engine import sqlite_path, to_url

    target = database_arg(args)
    path = sqlite_path(to_url(target))
    if path is not None:
        return Path(path).stem
    from sqlalchemy.engine import make_url

    return make_url(to_url(target)).database or "postgresql"


def _password_for(info) -> str | None:
    """The backup password of a sealed copy, or for a copy under another database's key (store.datakey)
    the password of one of its accounts or its recovery code."""
    from handbook_desktop.store import datakey

    if info.encrypted:
        return read_password("Mật khẩu sao lưu: ", env=BACKUP_PASSWORD_ENV, fallback="HANDBOOK_PASSWORD")
    if info.key_id and not datakey.known(info.key_id):
        return read_password("Bản sao của một cơ sở dữ liệu khác — mật khẩu của một tài khoản trong đó, "
                             "hoặc mã khôi phục: ", env=BACKUP_PASSWORD_ENV, fallback="HANDBOOK_PASSWORD")
    return None


def cmd_create(args) -> int:
    from handbook_desktop.services.backup import create_backup

    with open_db(args, need="write") as database:
        password = read_password("Mật khẩu sao lưu mới: ", confirm=True, env=BACKUP_PASSWORD_ENV,
                                 fallback="HANDBOOK_PASSWORD") if args.encrypt else None
        if password is not None and len(password) < 8:
            raise CommandError("Mật khẩu sao lưu cần ít nhất 8 ký tự.")
        result = create_backup(database, reason="manual", password=password, actor=args.actor)
    info = result.info
    if args.json:
        print_json({**info.to_json(), "warnings": result.warnings,
                    "second_copy": str(result.second_copy) if result.second_copy else None})
        return 0
    print(f"Đã sao lưu: {info.path} ({_size(info.size)}, {info.members or 0} hồ sơ đảng viên, {_verdict(info)}).")
    for warning in result.warnings:
        print(f"Chú ý: {warning}", file=sys.stderr)
    return 0


def cmd_list(args) -> int:
    from handbook_desktop.services.backup import list_backups

    backups = list_backups(source_stem=_stem(args))
    if args.json:
        print_json([info.to_json() for info in backups])
        return 0
    if not backups:
        print("Chưa có bản sao lưu nào.")
        return 0
    for info in backups:
        lock = " [mã hóa]" if info.encrypted else ""
        holds = f"{info.members} hồ sơ" if info.members is not None else "chưa rõ nội dung"
        print(f"{info.id}  {_when(info)}  {info.reason_label}  {_size(info.size)}  {holds}{lock}  — {_verdict(info)}")
    return 0


def cmd_verify(args) -> int:
    from handbook_desktop.services.backup import find_backup, verify_backup

    info = find_backup(args.backup)
    info = verify_backup(info, password=_password_for(info))
    if args.json:
        print_json(info.to_json())
    else:
        print(f"{info.id}: {info.verify_message}")
    return 0 if info.verified_ok else 1


def _describe(contents) -> list[str]:
    info = contents.info
    counts = contents.counts
    lines = [
        f"Bản sao: {info.id} ({info.reason_label}, lúc {_when(info)}, {_size(info.size)})",
        f"Đơn vị: {contents.unit_code or 'không rõ'}; phiên bản dữ liệu: {contents.schema_version}",
        f"Gồm: {counts.get('member', 0)} hồ sơ đảng viên, {counts.get('member_event', 0)} sự kiện, "
        f"{counts.get('meeting', 0)} cuộc họp, {counts.get('audit_log', 0)} dòng nhật ký.",
    ]
    if contents.schema_state == "older":
        lines.append("Bản sao từ phiên bản cũ hơn: sẽ được nâng cấp khi khôi phục.")
    return lines


def cmd_restore(args) -> int:
    from handbook_desktop.logs import setup_logging
    from handbook_desktop.services.auth import SYSTEM
    from handbook_desktop.services.backup import find_backup, inspect_backup, restore_backup
    from handbook_desktop.services.backup.restore import newer_schema_message
    from handbook_desktop.store.engine import sqlite_path, to_url

    setup_logging(console=False)
    info = find_backup(args.backup)
    actor = sign_in_at(args, "restore") or SYSTEM  # SYSTEM only onto a missing or unreadable database
    password = _password_for(info)
    contents = inspect_backup(info, password=password)
    if contents.schema_state == "newer":
        raise CommandError(newer_schema_message(contents.schema_version))
    from handbook_desktop.services.backup.restore import other_unit

    target = database_arg(args)
    path = sqlite_path(to_url(target))
    foreign = other_unit(info, path, contents.unit_code) if path is not None else None
    if not args.json:
        for line in _describe(contents):
            print(line)
    if foreign:
        print(f"CHÚ Ý: {foreign} Chỉ khôi phục khi chắc chắn (thêm --yes).", file=sys.stderr)
    if not args.yes:
        if not (sys.stdin is not None and sys.stdin.isatty()):
            raise CommandError("Chưa khôi phục: thêm --yes để xác nhận (dữ liệu hiện tại sẽ được sao lưu trước).")
        question = ("Vẫn khôi phục dữ liệu của đơn vị khác?" if foreign else "Khôi phục bản sao này?")
        answer = input(f"{question} Dữ liệu hiện tại sẽ được sao lưu trước. (c/k): ").strip().lower()
        if answer not in {"c", "co", "có", "y", "yes"}:
            print("Không khôi phục.")
            return 1
    if path is None:
        with open_db(args, require_home=False) as database:
            result = restore_backup(None, info, actor=actor, password=password, database=database)
    else:
        result = restore_backup(path, info, actor=actor, password=password, other_unit_ok=True)  # confirmed above
    if args.json:
        print_json({"restored": info.id, "before": result.before.id if result.before else None,
                    "migrated_from": result.migrated_from, "counts": result.counts, "undo": result.undo_hint})
        return 0
    print(f"Đã khôi phục và kiểm tra: {result.counts.get('member', 0)} hồ sơ đảng viên.")
    if result.migrated_from:
        print(f"Dữ liệu đã được nâng cấp từ phiên bản {result.migrated_from}.")
    print(result.undo_hint)
    return 0


def cmd_check(args) -> int:
    from handbook_desktop.services.datacheck import check_file, run_check

    target = database_arg(args)
    from handbook_desktop.store.engine import sqlite_path, to_url

    path = sqlite_path(to_url(target))
    if path is not None:
        if not os.path.exists(path):
            raise CommandError(f"Không tìm thấy tệp cơ sở dữ liệu '{path}'.")
        sign_in_at(args, "read")  # the report names members
        report = check_file(path)
    else:
        with open_db(args, readonly=True, need="read") as database:
            report = run_check(database)
    if args.json:
        print_json(report.to_json())
    else:
        from handbook_desktop.services.privacy import mask_text

        for line in report.lines():
            print(mask_text(line))
    return 0 if report.ok else 1


def cmd_users_list(args) -> int:
    from handbook_desktop.services.users import list_users

    with open_db(args, readonly=True, need="users") as database:
        rows = list_users(database)
    if args.json:
        print_json([{"username": r.username, "full_name": r.full_name, "role": r.role, "active": r.active}
                    for r in rows])
        return 0
    for row in rows:
        state = "" if row.active else " (đã khóa)"
        print(f"{row.username}  {row.role_label}  {row.full_name}{state}")
    return 0


def cmd_users_add(args) -> int:
    from handbook_desktop.services.users import add_user

    # An administrator signs in first; the new account's own password is asked after, apart
    # (HANDBOOK_NEW_PASSWORD in scripts), so one variable can never both open the door and make a key.
    with open_db(args, need="users") as database:
        password = read_new_password(f"Mật khẩu cho tài khoản mới {args.username}: ")
        add_user(database, args.actor, args.username, password, args.role, args.full_name)
    print(f"Đã thêm tài khoản {args.username}.")
    return 0


def cmd_users_recover(args) -> int:
    import getpass

    from handbook_desktop.services.users import recover_with_code

    if sys.stdin is not None and sys.stdin.isatty():
        code = getpass.getpass("Mã khôi phục (in lúc thiết lập): ")
    else:
        code = os.environ.get("HANDBOOK_RECOVERY_CODE", "")
        if not code:
            raise CommandError("Cần mã khôi phục: chạy trong cửa sổ dòng lệnh, hoặc đặt biến HANDBOOK_RECOVERY_CODE.")
    password = read_password("Mật khẩu mới: ", confirm=True, env="HANDBOOK_NEW_PASSWORD", fallback="HANDBOOK_PASSWORD")
    from handbook_desktop.services import access

    target = database_arg(args)
    if access.needs_key(target):  # encrypted: the code opens the key first (the password is lost)
        refuse_missing_database(target)
        fresh = access.recover(target, args.username, code, password)
    else:
        with open_db(args) as database:
            fresh = recover_with_code(database, args.username, code, password)
    if args.json:
        print_json({"username": args.username, "recovery_code": fresh})
    else:
        print(f"Đã đặt mật khẩu mới cho {args.username}.")
        print(f"Mã khôi phục MỚI (mã cũ không còn dùng được; cất ở nơi an toàn): {fresh}")
    return 0
