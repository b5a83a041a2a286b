"""Small helpers shared by the backup page's parts."""

from __future__ import annotations

from PySide6.QtWidgets import QInputDialog, QLineEdit, QWidget

from handbook_desktop.domain.dates import format_date
from handbook_desktop.domain.text import file_size
from handbook_desktop.ui.i18n import tr


def size_text(size: int) -> str:
    return file_size(size)


def when_text(moment) -> str:
    local = moment.astimezone()
    return f"{format_date(local.date())} {local:%H:%M}"


def holds_text(info) -> str:
    if not info.counts:
        return tr("chưa rõ (chưa kiểm tra)")
    members = info.counts.get("member", 0)
    events = info.counts.get("member_event", 0)
    meetings = info.counts.get("meeting", 0)
    text = tr("{members} hồ sơ, {events} sự kiện").format(members=members, events=events)
    if meetings:
        text += tr(", {meetings} cuộc họp").format(meetings=meetings)
    return text


def verdict_text(info) -> str:
    if info.verified_ok is None:
        return tr("Chưa kiểm tra")
    if info.verified_ok:
        return tr("Tốt") + (f" ({when_text(info.verified_at)})" if info.verified_at else "")
    return tr("LỖI: {message}").format(message=info.verify_message or "")


def ask_password(parent: QWidget, title: str, label: str) -> str | None:
    text, ok = QInputDialog.getText(parent, title, label, QLineEdit.EchoMode.Password)
    return text if ok and text else None
