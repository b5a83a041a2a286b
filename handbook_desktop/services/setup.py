"""First run: the home unit, the first administrator, the shipped rules."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from handbook_desktop.domain.states import UnitLevel
from handbook_desktop.domain.text import clean
from handbook_desktop.services.audit import record
from handbook_desktop.services.auth import Actor, hash_password, make_recovery_code, validate_new_password
from handbook_desktop.services.errors import UserError
from handbook_desktop.services.rules import install_shipped_rules
from handbook_desktop.services.settings import set_setting
from handbook_desktop.store.models import Unit, User

_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$")


class AlreadyInitialised(UserError):
    def __init__(self) -> None:
        super().__init__(
            "Cơ sở dữ liệu này đã được thiết lập đơn vị; không thay đổi gì. "
            "Muốn bắt đầu lại, hãy dùng một tệp cơ sở dữ liệu khác (--db)."
        )


@dataclass
class HomeUnitSpec:
    code: str
    name: str
    level: str = UnitLevel.BRANCH.value
    parent_code: str | None = None
    parent_name: str | None = None
    place: str | None = None
    term_start: date | None = None
    parent_level: str | None = None  # None: the usual level above (rule unit.levels)
    # Months before it are not overdue (services.start). The window and `init` always give one (default:
    # the first of this month); None (the demo, older callers) keeps every month of the year counted.
    records_start: date | None = None


def unit_levels(on: date | None = None) -> list[dict]:
    """The levels of the organisation as data (rule ``unit.levels``): code, label, usual level above."""
    from handbook_desktop.services.levels import unit_levels as levels

    return levels(on)


@dataclass
class SetupResult:
    unit_code: str
    admin_username: str
    recovery_code: str


def is_initialised(database) -> bool:
    return database.home_unit() is not None


def validate_spec(spec: HomeUnitSpec) -> HomeUnitSpec:
    code = (spec.code or "").strip()
    if not _CODE.match(code):
        raise UserError("Mã đơn vị chỉ gồm chữ cái không dấu, chữ số, dấu chấm, gạch ngang (tối đa 40 ký tự).")
    name = clean(spec.name)
    if not name:
        raise UserError("Hãy nhập tên đơn vị.")
    levels = {item["code"]: item for item in unit_levels()}
    names = ", ".join(f"{code} ({item['label']})" for code, item in levels.items())
    level = (spec.level or "").strip()
    if level not in levels:
        raise UserError(f"Cấp đơn vị không hợp lệ: '{spec.level}'. Chọn một trong: {names}.")
    parent_level = (spec.parent_level or "").strip() or levels[level]["above"] or None
    if parent_level is not None and parent_level not in levels:
        raise UserError(f"Cấp của cấp ủy cấp trên không hợp lệ: '{spec.parent_level}'. Chọn một trong: {names}.")
    return HomeUnitSpec(
        code, name, level, (spec.parent_code or "").strip() or None, clean(spec.parent_name),
        clean(spec.place), spec.term_start, parent_level, spec.records_start,
    )


def initialise(database, spec: HomeUnitSpec, admin_username: str, admin_password: str, *,
               admin_full_name: str = "") -> SetupResult:
    """Create the home unit and the administrator. Refuses, changing nothing, if already done."""
    spec = validate_spec(spec)
    username = (admin_username or "").strip()
    if not username:
        raise UserError("Hãy nhập tên đăng nhập của quản trị viên.")
    validate_new_password(admin_password)
    recovery = make_recovery_code()
    with database.immediate() as session:
        if session.scalars(select(Unit).where(Unit.is_home.is_(True))).first() is not None:
            raise AlreadyInitialised()
        parent = None
        if spec.parent_code or spec.parent_name:
            parent = Unit(
                code=spec.parent_code or f"{spec.code}-CAP-TREN",
                name=spec.parent_name or "",
                level=spec.parent_level or spec.level,  # the top level's parent: the same level
                origin_unit=spec.parent_code or "",
            )
            session.add(parent)
        unit = Unit(
            code=spec.code, name=spec.name, level=spec.level, parent=parent,
            higher_body_name=spec.parent_name, place_name=spec.place, term_start=spec.term_start,
            is_home=True, origin_unit=spec.code,
        )
        session.add(unit)
        admin = User(
            username=username, full_name=clean(admin_full_name) or "", role="secretary",
            password_hash=hash_password(admin_password), recovery_hash=hash_password(recovery),
        )
        session.add(admin)
        install_shipped_rules(session, origin_unit="")
        from handbook_desktop.services.calendar_days import refresh_shipped_days

        refresh_shipped_days(session)
        set_setting(session, "home_unit_code", spec.code)
        if spec.records_start is not None:
            from handbook_desktop.services.start import set_records_start

            set_records_start(session, spec.records_start)
        from handbook_desktop.services.sync.escrow import make_escrow
        from handbook_desktop.services.sync.keys import create_keys

        make_escrow(session, recovery, {})  # first, so that the keys below get their escrow copy
        create_keys(session, admin_password)  # sync keys, sealed under the administrator's password
        record(session, Actor(username, "secretary"), "setup", entity="unit", entity_uuid=unit.uuid,
               detail={"code": spec.code, "level": spec.level})
    if getattr(database, "encrypted", False) and database.file is not None:
        from handbook_desktop.store import datakey

        datakey.set_label(database.file, spec.name)  # the login names the unit before the data opens
    return SetupResult(spec.code, username, recovery)

