"""The branch's monthly report (BC-THÁNG) from the same figures as the reports (issue 17 §3).

Every number the report prints comes from one report function over the month — membership for
the headcount, movements for the changes, activity for the meetings, dues and admissions for the
results — never counted again here. ``figures`` keeps each printed number under its name so a test
can read the document back and compare it with the report and with a second count.

The narrative parts (the local situation, the tasks of next month, proposals) are typed in Word.
"""

from __future__ import annotations

from datetime import date, timedelta

from handbook_desktop.domain.text import money, number, percent_of
from handbook_desktop.services.reports.activity import activity
from handbook_desktop.services.reports.admissions import admissions
from handbook_desktop.services.reports.dues import dues
from handbook_desktop.services.reports.membership import membership
from handbook_desktop.services.reports.movements import MOVEMENTS, movements


def report_month(on: date) -> tuple[date, date]:
    """The month reported on a day: the month before it (a report is written after the month ends)."""
    last = on.replace(day=1) - timedelta(days=1)
    return last.replace(day=1), last


def monthly_sections(session, start: date, end: date) -> dict:
    """BC-THÁNG's ``report`` part for the period ``start``–``end`` (one month), with ``figures``."""
    counted = membership(session, start, end)
    people, whole = counted.figures, counted.tables[0].total
    moved = movements(session, start, end).figures
    met = activity(session, start, end)
    paid = dues(session, start, end).figures
    admitting = admissions(session, start, end).figures
    rows = met.tables[0].rows
    total = met.tables[0].total
    figures = {
        "headcount": people["headcount"], "official": people["official"], "probationary": people["probationary"],
        **{f"moved:{key}": moved[key] for key, _kinds, _label in MOVEMENTS},
        "held": total["held"], "present": total["present"], "expected": total["expected"],
        "finalised": total["finalised"], "branches": len(rows),
        "branches_met": sum(1 for r in rows if r["months_due"] and not r["months_missed"]),
        "dues_due": paid["due"], "dues_paid": paid["paid"], "members_behind": paid["members_behind"],
        "admissions_open": admitting["open"], "ceremony_overdue": admitting["ceremony_overdue"],
    }
    changes = [f"{label}: {number(moved[key])} đồng chí." for key, _kinds, label in MOVEMENTS
               if key != "cards" and moved[key]]
    if moved["cards"]:
        changes.append(f"Cấp, đổi thẻ đảng viên: {number(moved['cards'])} thẻ.")
    if not changes:
        changes = ["Trong tháng không có biến động đảng viên."]
    attendance = percent_of(total["present"], total["expected"])
    meetings = [f"Sinh hoạt chi bộ: {number(total['held'])} buổi; có mặt {number(total['present'])}/"
                f"{number(total['expected'])} lượt đảng viên phải dự ({attendance}); biên bản đã chốt "
                f"{number(total['finalised'])}/{number(total['held'])}."]
    limitations = []
    if len(rows) > 1:  # a committee: how many of its branches met, and which did not
        meetings.insert(0, f"{number(figures['branches_met'])}/{number(len(rows))} chi bộ sinh hoạt thường kỳ "
                           "đúng quy định.")
        behind = [r["label"] for r in rows if r["months_missed"]]
        if behind:
            limitations.append(f"{number(len(behind))} chi bộ chưa sinh hoạt thường kỳ trong tháng: "
                               + ", ".join(behind) + ".")
    elif rows and rows[0]["months_missed"]:
        limitations.append(f"Chi bộ chưa sinh hoạt thường kỳ tháng {rows[0]['missed_list']}.")
    results = [f"Đảng phí: phải thu {money(paid['due'])}, đã thu {money(paid['paid'])} "
               f"({percent_of(paid['paid'], paid['due'])})."]
    results.append(f"Công tác phát triển đảng viên: {number(admitting['open'])} hồ sơ đang xét; kết nạp trong "
                   f"tháng: {number(moved['admitted'])} đồng chí.")  # "trong tháng 11 đồng chí" read as November
    if paid["members_behind"]:
        limitations.append(f"Còn {number(paid['members_behind'])} đảng viên chưa nộp đảng phí từ "
                           f"{number(paid['threshold_months'])} tháng trở lên trong năm.")
    if admitting["ceremony_overdue"]:
        limitations.append(f"{number(admitting['ceremony_overdue'])} hồ sơ kết nạp quá hạn tổ chức lễ kết nạp.")
    # Under ĐẢNG ỦY the report is the party organisation's, and says how many branches it holds (issue 14:
    # "Kết quả hoạt động của chi bộ" was printed under a committee's header); exempt and away members are
    # shown apart, as the minutes print them.
    from handbook_desktop.services.forms.context import home_unit

    committee = home_unit(session).level != "chi-bo"
    figures.update(exempt=whole["exempt"], away=whole["temporarily_away"])
    return {
        "period_label": f"tháng {start.month} năm {start.year}",
        "body_label": "Đảng bộ" if committee else "chi bộ",
        "headcount": {"total": people["headcount"], "official": people["official"],
                      "probationary": people["probationary"], "exempt": whole["exempt"],
                      "away": whole["temporarily_away"], "branches": people["branches"] if committee else 0},
        "changes": changes, "meetings": meetings, "situation": [], "results": results,
        "limitations": limitations, "next_tasks": [], "proposals": [], "figures": figures,
    }
