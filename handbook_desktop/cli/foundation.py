"""`init`, `demo`, `info`."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

from handbook_desktop.cli.common import CommandError, database_arg, json_command, open_db, print_json, read_password
from handbook_desktop.domain.dates import parse_date
from handbook_desktop.domain.states import UnitLevel
from handbook_desktop.services.levels import level_codes


def register(sub) -> None:
    init = sub.add_parser("init", help="thiết lập đơn vị và tài khoản quản trị cho một cơ sở dữ liệu mới")
    init.add_argument("--unit-code", required=True, help="mã đơn vị, ví dụ CB-KDC3")
    init.add_argument("--unit-name", required=True, help="tên đơn vị, ví dụ 'Chi bộ Khu dân cư số 3'")
    levels = level_codes()  # the levels are data (rule unit.levels): a level added there is offered here
    init.add_argument("--level", default=UnitLevel.BRANCH.value, choices=levels)
    init.add_argument("--parent-code", help="mã cấp ủy cấp trên")
    init.add_argument("--parent-name", help="tên cấp ủy cấp trên, in ở đầu văn bản")
    init.add_argument("--parent-level", choices=levels,
                      help="cấp của cấp ủy cấp trên (mặc định: cấp thường gặp; đảng ủy xã, phường: tinh-thanh-uy)")
    init.add_argument("--place", help="địa danh ghi trên văn bản, ví dụ 'Hà Nội'")
    init.add_argument("--term-start", help="ngày bắt đầu nhiệm kỳ cấp ủy (dd/mm/yyyy), để đánh số văn bản")
    init.add_argument("--records-start", help="ghi sổ trên chương trình từ ngày (dd/mm/yyyy; mặc định: ngày 1 "
                      "tháng này) — các tháng trước đó không bị coi là thiếu sinh hoạt")
    init.add_argument("--admin", default="admin", help="tên đăng nhập quản trị viên (mặc định: admin)")
    json_command(init, cmd_init)

    demo = sub.add_parser("demo", help="tạo cơ sở dữ liệu mới với dữ liệu mẫu")
    demo.add_argument("--members", type=int, default=120, help="số đảng viên (trên 300: nhiều chi bộ)")
    demo.add_argument("--seed", type=int, default=1)
    json_command(demo, cmd_demo)

    json_command(sub.add_parser("info", help="thông tin cơ sở dữ liệu: phiên bản, đơn vị, số lượng"), cmd_info)


def cmd_init(args) -> int:
    from handbook_desktop.services.setup import AlreadyInitialised, HomeUnitSpec, initialise

    from handbook_desktop.services.start import default_records_start

    def day(option: str, text: str | None):
        try:
            return parse_date(text)
        except ValueError:
            raise CommandError(f"{option}: ngày '{text}' không hợp lệ, hãy viết dd/mm/yyyy (ví dụ 01/07/2025); "
                               "chưa thiết lập gì.") from None

    term_start = day("--term-start", args.term_start)
    records_start = day("--records-start", args.records_start) or default_records_start(date.today())
    spec = HomeUnitSpec(args.unit_code, args.unit_name, args.level, args.parent_code, args.parent_name,
                        args.place, term_start, args.parent_level, records_start)
    with open_db(args, require_home=False) as database:
        if database.home_unit() is not None:
            # Refuse before asking for a password: nothing is read, nothing is written.
            raise AlreadyInitialised()
        password = read_password("Mật khẩu quản trị viên mới: ", confirm=True)
        result = initialise(database, spec, args.admin, password)
    if args.json:
        print_json({"unit_code": result.unit_code, "admin": result.admin_username,
                    "recovery_code": result.recovery_code})
    else:
        print(f"Đã thiết lập đơn vị {result.unit_code} với quản trị viên '{result.admin_username}'.")
        print(f"Mã khôi phục (cất ở nơi an toàn, dùng khi quên mật khẩu): {result.recovery_code}")
    return 0


def cmd_demo(args) -> int:
    from handbook_desktop.services.demo import generate
    from handbook_desktop.services.progress import drain
    from handbook_desktop.store.database import Database

    target = database_arg(args)
    path = Path(target)
    if "://" not in target and path.exists() and path.stat().st_size > 0:
        raise CommandError(f"Tệp '{target}' đã có; dữ liệu mẫu chỉ tạo trong một tệp mới.")
    if args.members < 1:
        raise CommandError("Số đảng viên phải lớn hơn 0.")
    from handbook_desktop.logs import setup_logging

    setup_logging(console=False)
    with Database.open(target) as database:
        if database.home_unit() is not None:
            raise CommandError("Cơ sở dữ liệu này đã có dữ liệu; dữ liệu mẫu chỉ tạo trong cơ sở dữ liệu mới.")
        interactive = sys.stderr.isatty() and not args.json

        def show(step):
            if interactive:
                print(f"\r{step.message}", end="", file=sys.stderr)

        drain(generate(database, members=args.members, seed=args.seed, today=date.today()), show)
        if interactive:
            print(file=sys.stderr)
        from handbook_desktop.services.info import database_info

        info = database_info(database)
    if args.json:
        print_json(info)
    else:
        print(f"Đã tạo dữ liệu mẫu: {info['members']} người trong {info['units']} đơn vị, tại {info['database']}.")
        print("Tài khoản mẫu: admin / demo1234")
    return 0


def cmd_info(args) -> int:
    from handbook_desktop.services.info import database_info

    with open_db(args, require_home=False) as database:
        info = database_info(database)
    if args.json:
        print_json(info)
        return 0
    print(f"Cơ sở dữ liệu: {info['database']} ({info['backend']})")
    print(f"Phiên bản dữ liệu: {info['schema_version']}  —  chương trình {info['app_version']}")
    if info["unit"]:
        print(f"Đơn vị: {info['unit']['name']} ({info['unit']['code']})")
    else:
        print("Chưa thiết lập đơn vị: hãy chạy 'handbook-desktop init'.")
    print(f"Đảng viên và quần chúng: {info['members']}, đảng số: {info['headcount']}")
    return 0
