"""Fields a form cannot be printed without (``required`` in ``catalog.toml``).

Two checks use the same list: a user copy of the template that no longer prints one of them is
refused (the law's content cannot be edited away), and a document whose value would print blank —
no secretary to sign, no destination on a transfer letter — is refused with the reason instead of
printed with a gap that somebody then signs.
"""

from __future__ import annotations

from handbook_desktop.services.errors import UserError

BLANKS = (None, "", "……", "…………", "……………………")

# Why a value is missing, in the words a secretary acts on; other fields get "chưa có <field>".
REASONS = {
    "signer.name": "đơn vị chưa có bí thư (hãy ghi chức vụ Bí thư cho một đảng viên đang sinh hoạt ở đơn vị)",
    "member.full_name": "thiếu họ và tên đảng viên",
    "meeting.chair.name": "cuộc họp chưa ghi người chủ trì",
    "meeting.recorder.name": "cuộc họp chưa ghi thư ký",
    "meeting.date": "cuộc họp chưa có ngày họp",
    "transfer.to_body": "chưa ghi nơi chuyển sinh hoạt đến",
    "transfer.dues_paid_to": "chưa ghi đảng phí đã đóng đến tháng nào",
    "case.meeting_date": "chưa có ngày chi bộ họp xét",
    "case.vote.denominator": "chưa có biểu quyết của chi bộ ghi trong một cuộc họp đã diễn ra",
    "case.vote.votes_for": "chưa có biểu quyết của chi bộ ghi trong một cuộc họp đã diễn ra",
}
LABELS = {
    "meeting.attendance.absent_without_reason": "danh sách vắng không có lý do",
    "meeting.attendance.absent_with_reason": "danh sách vắng có lý do",
    "meeting.attendance.summoned": "số đảng viên phải dự họp",
    "meeting.attendance.present_summoned": "số đảng viên có mặt",
    "signer.name": "tên người ký",
    "member.full_name": "họ và tên đảng viên",
}


WHERE_SIGNERS = "Cài đặt → Người ký văn bản, hoặc lệnh signers set"


def signer_reason(context: dict) -> str:
    """Why nobody signs: no bí thư / phó bí thư, or the one named has left; and where to name one."""
    signer, unit = context.get("signer") or {}, context.get("unit") or {}
    deputy = bool(signer.get("deputy")) or "PHÓ BÍ THƯ" in signer.get("lines", [])
    problem = (unit.get("signer_problems") or {}).get("deputy_secretary" if deputy else "secretary")
    if problem:
        return f"{problem} (hãy chọn lại ở {WHERE_SIGNERS})"
    if unit.get("level", "chi-bo") != "chi-bo":  # a committee has no members of its own to hold the post
        who = "phó bí thư để ký thay" if deputy else "bí thư"
        return f"đơn vị chưa có {who} (hãy chọn ở {WHERE_SIGNERS})"
    if deputy:
        return "đơn vị chưa có phó bí thư để ký thay"
    return REASONS["signer.name"]


def label(field: str) -> str:
    return LABELS.get(field, field)


def _value(context: dict, field: str):
    value = context
    for part in field.split("."):
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    return value


def missing_values(entry, context: dict) -> list[str]:
    """The reasons for each required field whose value would print blank (lists may be empty)."""
    reasons = []
    draft = bool((context.get("doc") or {}).get("draft"))
    for field in entry.required:
        if draft and field.startswith("meeting."):
            continue  # a draft is printed to prepare the meeting: its blanks are filled in by hand
        value = _value(context, field)
        if isinstance(value, (list, tuple)) or isinstance(value, bool):
            continue
        if isinstance(value, str):
            value = value.strip()
        if value in BLANKS:
            if field == "signer.name":
                reason = signer_reason(context)
            else:
                reason = REASONS.get(field, f"chưa có {label(field)}")
            if reason not in reasons:
                reasons.append(reason)
    return reasons


def require_values(entry, context: dict) -> None:
    reasons = missing_values(entry, context)
    if reasons:
        who = context.get("member", {}).get("full_name") if isinstance(context.get("member"), dict) else None
        about = f" cho đồng chí {who}" if who else ""
        raise UserError(f"Chưa lập được {entry.code}{about}: {'; '.join(reasons)}. "
                        "Hãy bổ sung rồi xuất lại (văn bản không in với chỗ trống).")
