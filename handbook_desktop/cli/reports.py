"""`reports list|make`: the figures a committee or branch reports upward, as JSON, Excel, Word or PDF."""

from __future__ import annotations

from datetime import date

from handbook_desktop.cli.common import CommandError, command_group, json_command, open_db, print_json
from handbook_desktop.domain.dates import parse_date


def register(sub) -> None:
    rsub = command_group(sub, "reports", "báo cáo thống kê: số lượng chất lượng, biến động, sinh hoạt, đảng phí…")
    json_command(rsub.add_parser("list", help="các báo cáo có thể lập"), cmd_list)
    make = rsub.add_parser("make", help="lập một báo cáo (số liệu ra JSON; --out ghi tệp .xlsx, .docx hoặc .pdf)")
    make.add_argument("key", metavar="BÁO_CÁO", help="mã báo cáo (xem 'reports list')")
    make.add_argument("--from", dest="start", help="từ ngày dd/mm/yyyy (mặc định 01/01 năm nay)")
    make.add_argument("--to", dest="end", help="đến ngày dd/mm/yyyy (mặc định hôm nay)")
    make.add_argument("--out", help="tệp kết quả .xlsx, .docx hoặc .pdf")
    make.add_argument("--json", action="store_true", help="in toàn bộ số liệu dạng JSON")
    make.set_defaults(handler=cmd_make)


def cmd_list(args) -> int:
    from handbook_desktop.services.reports import report_kinds

    kinds = report_kinds()
    if args.json:
        print_json([{"key": k.key, "title": k.title, "about": k.about} for k in kinds])
        return 0
    for kind in kinds:
        print(f"{kind.key:<12} {kind.title} — {kind.about}")
    return 0


def _day(text: str | None, default: date, what: str) -> date:
    try:
        return parse_date(text) or default
    except ValueError:
        raise CommandError(f"{what} '{text}' không hợp lệ: hãy viết theo dạng dd/mm/yyyy.") from None


def cmd_make(args) -> int:
    from handbook_desktop.services.reports import make_report
    from handbook_desktop.services.reports.export import export_report
    from handbook_desktop.services.reports.model import format_figure

    today = date.today()
    start = _day(args.start, date(today.year, 1, 1), "Ngày đầu kỳ")
    end = _day(args.end, today, "Ngày cuối kỳ")
    with open_db(args, readonly=True, need="read") as database:
        report = make_report(database, args.key, start, end)
        written = None
        if args.out:
            chart_png = None
            if args.out.lower().endswith((".docx", ".pdf")):
                try:  # pictures of the charts need Qt's painter; without it the report has its tables only
                    from handbook_desktop.ui.charts import chart_png, ensure_gui_app

                    ensure_gui_app()
                except Exception:  # noqa: BLE001 - a report without pictures beats no report
                    chart_png = None
            written = export_report(database, report, args.out, chart_png=chart_png)
    if args.json:
        data = report.as_json()
        data["file"] = str(written) if written else None
        print_json(data)
        return 0
    print(f"{report.title} — {report.unit_name}, từ {start:%d/%m/%Y} đến {end:%d/%m/%Y}")
    table = report.tables[0]
    for column in table.columns:
        if table.total and column.key in table.total and column.kind != "text":
            label = f"{column.group}: {column.label}" if column.group else column.label
            print(f"  {label}: {format_figure(table.total[column.key], column.kind)}")
    if written:
        print(f"Đã ghi tệp: {written}")
    return 0
