"""Accounts beyond the first administrator: add, change role, deactivate, passwords, recovery.

Roles (services.auth.ROLES): secretary — everything; deputy — everything but settings, keys and
restore; viewer — read only. Only a secretary manages accounts ("users"), and the program never
lets the last active secretary lose that role, so nobody can lock the branch out of its own data.
A lost administrator password is reset with the recovery code printed at setup; a new code
replaces it at once. Wrong passwords and wrong codes both earn growing waits (auth.login_delay).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from handbook_desktop.domain.text import clean
from handbook_desktop.services.audit import record
from handbook_desktop.services.auth import (
    ROLES,
    Actor,
    hash_password,
    make_recovery_code,
    validate_new_password,
    verify_password,
)
from handbook_desktop.services.errors import UserError
from handbook_desktop.store.models import SyncKey, User

_USERNAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{1,39}$")
IDLE_LOCK_SETTING = "idle_lock_minutes"
DEFAULT_IDLE_MINUTES = 10


@dataclass
class UserRow:
    username: str
    full_name: str
    role: str
    role_label: str
    active: bool
    created_at: datetime


def list_users(database) -> list[UserRow]:
    with database.read() as session:
        users = session.scalars(select(User).order_by(User.username)).all()
        return [UserRow(u.username, u.full_name, u.role, ROLES.get(u.role, u.role), u.active, u.created_at)
                for u in users]


def _get(session, username: str) -> User:
    user = session.scalars(select(User).where(User.username == username)).first()
    if user is None:
        raise UserError(f"Không có tài khoản '{username}'.")
    return user


def _check_role(role: str) -> None:
    if role not in ROLES:
        raise UserError(f"Vai trò không hợp lệ: '{role}'. Chọn một trong: {', '.join(ROLES)}.")


def _secretaries_left(session, excluding: str) -> int:
    return session.scalar(select(func.count()).select_from(User).where(
        User.role == "secretary", User.active.is_(True), User.username != excluding))


def add_user(database, actor: Actor, username: str, password: str, role: str, full_name: str = "") -> UserRow:
    actor.require("users")
    username = (username or "").strip()
    if not _USERNAME.match(username):
        raise UserError("Tên đăng nhập gồm 2–40 chữ cái không dấu, chữ số, dấu chấm, gạch ngang hoặc gạch dưới.")
    _check_role(role)
    validate_new_password(password)
    with database.immediate() as session:
        if session.scalars(select(User).where(User.username == username)).first() is not None:
            raise UserError(f"Tên đăng nhập '{username}' đã có; hãy chọn tên khác.")
        user = User(username=username, full_name=clean(full_name) or "", role=role,
                    password_hash=hash_password(password))
        session.add(user)
        record(session, actor, "user_add", entity="user", field="role", new=role, detail={"username": username})
    return UserRow(username, user.full_name, role, ROLES[role], True, user.created_at)


def set_role(database, actor: Actor, username: str, role: str) -> None:
    actor.require("users")
    _check_role(role)
    with database.immediate() as session:
        user = _get(session, username)
        if user.role == role:
            return
        if user.role == "secretary" and _secretaries_left(session, username) == 0:
            raise UserError("Phải còn ít nhất một tài khoản Bí thư (toàn quyền) đang hoạt động.")
        record(session, actor, "user_role", entity="user", field="role", old=user.role, new=role,
               detail={"username": username})
        user.role = role


def set_active(database, actor: Actor, username: str, active: bool) -> None:
    actor.require("users")
    with database.immediate() as session:
        user = _get(session, username)
        if user.active == active:
            return
        if not active and user.role == "secretary" and _secretaries_left(session, username) == 0:
            raise UserError("Không thể khóa tài khoản Bí thư cuối cùng.")
        if not active and username == actor.username:
            raise UserError("Không thể tự khóa tài khoản đang dùng.")
        user.active = active
        record(session, actor, "user_enable" if active else "user_disable", entity="user",
               detail={"username": username})


def change_password(database, actor: Actor, old_password: str, new_password: str) -> None:
    """Everyone may change their own password, knowing the current one."""
    actor.require("read")
    validate_new_password(new_password)
    with database.immediate() as session:
        user = _get(session, actor.username)
        if not verify_password(old_password, user.password_hash):
            raise UserError("Mật khẩu hiện tại không đúng; mật khẩu chưa đổi.")
        if old_password == new_password:
            raise UserError("Mật khẩu mới phải khác mật khẩu cũ.")
        user.password_hash = hash_password(new_password)
        if user.role == "secretary":
            # The sync keys are sealed under the administrator's password: follow it, or packages
            # could no longer be signed or opened after the change.
            from handbook_desktop.services.sync.keys import reseal_keys

            reseal_keys(session, old_password, new_password)
        record(session, actor, "password_change", entity="user", detail={"username": actor.username})


def reset_password(database, actor: Actor, username: str, new_password: str) -> None:
    """The administrator sets a new password for someone else (who forgot theirs)."""
    actor.require("users")
    validate_new_password(new_password)
    with database.immediate() as session:
        user = _get(session, username)
        user.password_hash = hash_password(new_password)
        user.failed_attempts = 0
        user.last_failed_at = None
        from handbook_desktop.services import throttle

        throttle.reset(session, username)
        record(session, actor, "password_reset", entity="user", detail={"username": username})


def recover_with_code(database, username: str, recovery_code: str, new_password: str) -> str:
    """Reset a lost administrator password with the setup's recovery code. Returns the new
    recovery code (the old one is spent). Wrong codes count as failed attempts."""
    validate_new_password(new_password)
    from handbook_desktop.services import throttle
    from handbook_desktop.services.sync import escrow

    bare = escrow.normalise_code(recovery_code)
    # As printed (groups of four joined by dashes), however the user typed the spaces and dashes.
    code = "-".join(bare[i:i + 4] for i in range(0, len(bare), 4)) if len(bare) == 20 else bare
    refusal = None  # a wrong code is committed (count, time, audit) before the error is raised
    fresh = make_recovery_code()
    name = (username or "").strip()
    with database.session() as session:
        # Wrong codes count on the account's one counter, with its wrong passwords (services.throttle).
        throttle.check(session, name, "recovery")
        user = session.scalars(select(User).where(User.username == name)).first()
        if user is None or user.recovery_hash is None:
            throttle.record_failure(session, name, "recovery", detail="không có mã khôi phục")
            refusal = "Tài khoản này không có mã khôi phục; hãy nhờ Bí thư đặt lại mật khẩu."
        else:
            if not verify_password(code, user.recovery_hash):
                throttle.record_failure(session, name, "recovery", actor=Actor(user.username, user.role))
                refusal = "Mã khôi phục không đúng."
            else:
                user.password_hash = hash_password(new_password)
                user.recovery_hash = hash_password(fresh)
                user.failed_attempts = 0
                user.last_failed_at = None
                throttle.reset(session, name)
                user.active = True
                # The sync keys were sealed under the lost password: the escrow gives them back,
                # sealed now under the new password, and a new escrow follows the new code.
                from handbook_desktop.services.sync.keys import seal_under_password

                privates = escrow.recover(session, code)
                for row in session.scalars(select(SyncKey).where(SyncKey.key_id.in_(list(privates)))):
                    seal_under_password(row, new_password, privates[row.key_id])
                escrow.make_escrow(session, fresh, privates)
                record(session, Actor(user.username, user.role), "password_recovered", entity="user",
                       detail={"username": user.username, "sync_keys": len(privates)})
    if refusal:
        raise UserError(refusal)
    return fresh


def new_recovery_code(database, actor: Actor, password: str) -> str:
    """A secretary makes a new recovery code (the old one is lost or was seen by someone)."""
    actor.require("users")
    with database.immediate() as session:
        user = _get(session, actor.username)
        if not verify_password(password, user.password_hash):
            raise UserError("Mật khẩu không đúng.")
        fresh = make_recovery_code()
        user.recovery_hash = hash_password(fresh)
        from handbook_desktop.services.sync import escrow
        from handbook_desktop.services.sync.keys import open_all

        escrow.make_escrow(session, fresh, open_all(session, password))  # the old code opens nothing now
        record(session, actor, "recovery_code_new", entity="user", detail={"username": actor.username})
    return fresh


def verify_unlock(database, actor: Actor, password: str) -> bool:
    """The idle lock: the same person types their password again (growing delays apply)."""
    from handbook_desktop.services.auth import authenticate

    authenticate(database, actor.username, password)
    return True


def idle_lock_minutes(database) -> int:
    from handbook_desktop.services.settings import get_setting

    with database.read() as session:
        value = get_setting(session, IDLE_LOCK_SETTING, DEFAULT_IDLE_MINUTES)
    try:
        return max(0, int(value))
    except (TypeError, ValueError):
        return DEFAULT_IDLE_MINUTES


def set_preference(database, actor: Actor, key: str, value) -> None:
    """Installation settings of this issue: idle lock minutes, larger font, second backup folder."""
    from handbook_desktop.services.settings import get_setting, set_setting

    allowed = {IDLE_LOCK_SETTING: "settings", "backup_second_folder": "settings", "large_font": "read"}
    if key not in allowed:
        raise ValueError(key)
    actor.require(allowed[key])
    if key == IDLE_LOCK_SETTING:
        try:
            value = int(value)
        except (TypeError, ValueError):
            raise UserError("Số phút khóa màn hình phải là số nguyên.") from None
        if not 0 <= value <= 240:
            raise UserError("Số phút khóa màn hình từ 0 (không khóa) đến 240.")
    with database.session() as session:
        old = get_setting(session, key)
        if old == value:
            return
        set_setting(session, key, value)
        record(session, actor, "setting", entity="setting", field=key, old=old, new=value)
