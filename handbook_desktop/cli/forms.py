"""``forms list`` and ``forms render``: the Word forms from the command line."""

from __future__ import annotations

from pathlib import Path

from handbook_desktop.cli.common import CommandError, open_db, print_json


def register(sub) -> None:
    forms = sub.add_parser("forms", help="biểu mẫu Word: danh mục và xuất văn bản")
    forms_sub = forms.add_subparsers(dest="forms_command", metavar="LỆNH")

    listing = forms_sub.add_parser("list", help="danh mục biểu mẫu")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(handler=cmd_list)

    render = forms_sub.add_parser("render", help="điền một biểu mẫu và ghi tệp .docx")
    render.add_argument("code", metavar="MÃ", help="mã biểu mẫu, ví dụ 2-HSĐV (không cần dấu: 2-hsdv)")
    render.add_argument("--member", help="UUID đảng viên (biểu mẫu về một đảng viên)")
    render.add_argument("--meeting", help="UUID cuộc họp (biên bản, nghị quyết, danh sách ký)")
    render.add_argument("--on", help="ngày ban hành dd/mm/yyyy (mặc định: hôm nay; văn bản cuộc họp: ngày họp)")
    render.add_argument("--sample", action="store_true", help="điền dữ liệu mẫu, không cần cơ sở dữ liệu")
    render.add_argument("--pdf", action="store_true", help="xuất thêm PDF (cần LibreOffice)")
    render.add_argument("--out", required=True, help="tệp .docx sẽ ghi")
    render.add_argument("--json", action="store_true")
    render.set_defaults(handler=cmd_render)
    forms.set_defaults(handler=lambda args: (forms.print_help(), 2)[1])


def cmd_list(args) -> int:
    from handbook_desktop.services.forms import catalog
    from handbook_desktop.services.forms.catalog import SCOPE_LABELS, SUBJECT_LABELS

    entries = catalog()
    if args.json:
        print_json([entry.as_dict() for entry in entries])
        return 0
    for entry in entries:
        copy = " (bản sao riêng)" if entry.has_user_copy else ""
        numbered = f"số …-{entry.doc_type}" if entry.doc_type else "không đánh số"
        print(f"{entry.code:10} {entry.title}{copy} — {SUBJECT_LABELS.get(entry.subject, entry.subject)}, "
              f"{SCOPE_LABELS.get(entry.scope, entry.scope)}, {numbered}")
    return 0


def cmd_render(args) -> int:
    from handbook_desktop.domain.dates import parse_date
    from handbook_desktop.services.forms import find_form, render_form
    from handbook_desktop.services.forms.build import export_form

    out = Path(args.out)
    if out.suffix.lower() != ".docx":
        raise CommandError("Tệp ra phải có đuôi .docx.")
    try:
        on = parse_date(args.on) if args.on else None
    except ValueError as error:
        raise CommandError(str(error)) from None
    entry = find_form(args.code)
    if args.sample:
        from handbook_desktop.services.forms.samples import sample_context

        path = render_form(entry.code, sample_context(entry.code), out)
        number = sample_context(entry.code)["doc"]["number_text"]
    else:
        with open_db(args, need="write") as database:
            path = export_form(database, args.actor, entry.code, out, member_uuid=args.member,
                               meeting_uuid=args.meeting, on=on)
        from docx import Document

        number = _number_line(Document(str(path)))
    result = {"code": entry.code, "out": str(path), "number_text": number}
    if args.pdf:
        from handbook_desktop.services.forms import export_pdf

        result["pdf"] = str(export_pdf(path))
    if args.json:
        print_json(result)
    else:
        print(f"Đã ghi {path}" + (f" và {result['pdf']}" if args.pdf else ""))
    return 0


def _number_line(document) -> str | None:
    for table in document.tables[:1]:
        for paragraph in table.rows[0].cells[0].paragraphs:
            if paragraph.text.startswith("Số "):
                return paragraph.text[3:].strip()
    return None
