"""`signers show|set|clear`: who signs the unit's documents (its bí thư, its phó bí thư). A committee has no
members of its own: it names a member of one of its branches, or types the name of someone registered
elsewhere (issue 14)."""

from __future__ import annotations

from handbook_desktop.cli.common import CommandError, command_group, json_command, open_db, print_json


def register(sub) -> None:
    commands = command_group(sub, "signers", "người ký văn bản của đơn vị: bí thư, phó bí thư")
    show = commands.add_parser("show", help="người ký hiện nay (đã chọn, hoặc theo chức vụ trong hồ sơ)")
    json_command(show, cmd_show)
    find = commands.add_parser("find", help="tìm đảng viên trong các chi bộ của đơn vị để chọn làm người ký")
    find.add_argument("text", help="một phần họ tên (có dấu hay không)")
    json_command(find, cmd_find)
    put = commands.add_parser("set", help="chọn bí thư hoặc phó bí thư: một đảng viên, hoặc họ tên nhập tay")
    put.add_argument("--role", required=True, choices=["secretary", "deputy"],
                     help="secretary: bí thư; deputy: phó bí thư (ký thay, K/T BÍ THƯ)")
    who = put.add_mutually_exclusive_group(required=True)
    who.add_argument("--member", metavar="UUID", help="đảng viên của một chi bộ trực thuộc (xem lệnh signers find)")
    who.add_argument("--name", help="họ tên người đăng ký sinh hoạt ở nơi khác")
    put.add_argument("--title", help='chức vụ in ở chỗ ký, ví dụ "Phó Bí thư Thường trực" (mặc định Bí thư / Phó Bí thư)')
    json_command(put, cmd_set)
    clear = commands.add_parser("clear", help="bỏ người ký đã chọn (trở lại theo chức vụ trong hồ sơ)")
    clear.add_argument("--role", required=True, choices=["secretary", "deputy"])
    clear.set_defaults(handler=cmd_clear)


def _current(session) -> list[dict]:
    from handbook_desktop.services.forms.context import unit_header_context
    from handbook_desktop.services.signers import ROLES, named_signers

    named, header = named_signers(session), unit_header_context(session)
    rows = []
    for role, label in ROLES.items():
        found = named.get(role)
        if found is not None:
            row = found.as_json() | {"source": "typed" if found.typed else "member"}
        else:
            row = {"role": role, "name": header[role], "title": label, "member_uuid": None, "problem": None,
                   "source": "records" if header[role] else None}
        row["label"] = label
        rows.append(row)
    return rows


def _print(rows) -> None:
    for row in rows:
        if row.get("problem"):
            print(f"{row['label']}: chưa ký được — {row['problem']}.")
        elif not row["name"]:
            print(f"{row['label']}: chưa có.")
        else:
            where = {"member": f", {row.get('unit_name') or ''}", "typed": ", nhập tay",
                     "records": ", theo chức vụ trong hồ sơ"}.get(row["source"], "")
            print(f"{row['label']}: {row['name']} (ký: {row['title'].upper()}{where})")


def _answer(args, rows) -> int:
    """The signers after the command: as JSON with --json (`clear` has none), else one line a role."""
    if getattr(args, "json", False):
        print_json(rows)
    else:
        _print(rows)
    return 0


def cmd_show(args) -> int:
    with open_db(args, readonly=True, need="read") as database, database.read() as session:
        rows = _current(session)
    return _answer(args, rows)


def cmd_find(args) -> int:
    from handbook_desktop.services.signers import signer_candidates

    with open_db(args, readonly=True, need="read") as database, database.read() as session:
        found = signer_candidates(session, args.text)
    if args.json:
        print_json(found)
        return 0
    if not found:
        print("Không tìm thấy đảng viên nào như vậy trong các chi bộ của đơn vị.")
    for row in found:
        print(f"{row['label']}  {row['uuid']}")
    return 0


def cmd_set(args) -> int:
    from handbook_desktop.services.signers import set_signer

    if args.name is not None and not args.name.strip():
        raise CommandError("Cần nhập họ tên người ký.")
    with open_db(args, need="settings") as database, database.session() as session:
        set_signer(session, args.actor, args.role, member_uuid=args.member, name=args.name, title=args.title)
        rows = _current(session)
    return _answer(args, rows)


def cmd_clear(args) -> int:
    from handbook_desktop.services.signers import clear_signer

    with open_db(args, need="settings") as database, database.session() as session:
        clear_signer(session, args.actor, args.role)
        rows = _current(session)
    return _answer(args, rows)
