"""``forms list|render|check|batch``: the Word forms from the command line."""

from __future__ import annotations

from pathlib import Path

from handbook_desktop.cli.common import CommandError, command_group, json_command, open_db, print_json


def register(sub) -> None:
    forms_sub = command_group(sub, "forms", "biểu mẫu Word: danh mục và xuất văn bản")

    json_command(forms_sub.add_parser("list", help="danh mục biểu mẫu"), cmd_list)

    render = forms_sub.add_parser("render", help="điền một biểu mẫu và ghi tệp .docx")
    render.add_argument("code", metavar="MÃ", help="mã biểu mẫu, ví dụ 2-HSĐV (không cần dấu: 2-hsdv)")
    render.add_argument("--member", help="UUID đảng viên (biểu mẫu về một đảng viên)")
    render.add_argument("--meeting", help="UUID cuộc họp (biên bản, nghị quyết, danh sách ký)")
    render.add_argument("--on", help="ngày ban hành dd/mm/yyyy (mặc định: hôm nay; văn bản cuộc họp: ngày họp)")
    render.add_argument("--sample", action="store_true", help="điền dữ liệu mẫu, không cần cơ sở dữ liệu")
    render.add_argument("--pdf", action="store_true", help="xuất thêm PDF (cần LibreOffice)")
    render.add_argument("--out", required=True, help="tệp .docx sẽ ghi")
    render.add_argument("--draft", action="store_true", help="bản dự thảo (cuộc họp chưa diễn ra): không số, có chữ DỰ THẢO")
    json_command(render, cmd_render)

    check = forms_sub.add_parser("check", help="kiểm tra một tệp mẫu .docx (thẻ viết sai, biến lạ, trường bắt buộc)")
    check.add_argument("file", metavar="TỆP", help="tệp mẫu .docx (bản sao đã sửa bằng Word)")
    check.add_argument("--code", metavar="MÃ", help="mã biểu mẫu (mặc định: đoán theo tên tệp)")
    json_command(check, cmd_check)

    batch = forms_sub.add_parser("batch", help="điền một biểu mẫu cho nhiều đảng viên, gộp một tệp (trang đánh số lại từng người)")
    batch.add_argument("code", metavar="MÃ", help="mã biểu mẫu về một đảng viên, ví dụ 2-HSĐV")
    batch.add_argument("--member", action="append", metavar="UUID", help="đảng viên (lặp lại được; mặc định: mọi đảng viên đang sinh hoạt)")
    batch.add_argument("--separate", action="store_true", help="mỗi người một tệp trong thư mục --out")
    batch.add_argument("--out", required=True, help="tệp .docx gộp (hoặc thư mục với --separate)")
    json_command(batch, cmd_batch)


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
                               meeting_uuid=args.meeting, on=on, draft=args.draft)
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


def cmd_check(args) -> int:
    from handbook_desktop.services.forms import check_template, find_form
    from handbook_desktop.services.forms.check import form_of_file

    path = Path(args.file)
    if not path.is_file():
        raise CommandError(f"Không thấy tệp {path}.")
    entry = find_form(args.code) if args.code else form_of_file(path)
    problems = check_template(path, entry.code if entry else None)
    errors = [p for p in problems if p.severity == "error"]
    if args.json:
        print_json({"file": str(path), "code": entry.code if entry else None, "ok": not errors,
                    "problems": [{"severity": p.severity, "place": p.place, "message": p.message} for p in problems]})
    else:
        against = f" (theo mẫu {entry.code})" if entry else " (không rõ mã mẫu: kiểm tra theo mọi biểu mẫu; thêm --code MÃ)"
        if not problems:
            print(f"Mẫu {path.name}{against}: không có lỗi.")
        for problem in problems:
            print(f"{'Lỗi' if problem.severity == 'error' else 'Lưu ý'} — {problem.place}: {problem.message}")
        if errors:
            print(f"{len(errors)} lỗi{against}: chương trình sẽ không dùng bản mẫu này cho đến khi sửa xong.")
    return 1 if errors else 0


def cmd_batch(args) -> int:
    from handbook_desktop.services.forms import find_form, render_batch
    from handbook_desktop.services.forms.build import build_context, current_members
    from handbook_desktop.services.forms.render import margins_mm
    from handbook_desktop.services.progress import drain

    entry = find_form(args.code)
    if entry.subject != "member":
        raise CommandError(f"Mẫu {entry.code} không phải văn bản về một đảng viên nên không xuất hàng loạt được.")
    out = Path(args.out)
    if not args.separate and out.suffix.lower() != ".docx":
        raise CommandError("Tệp ra phải có đuôi .docx (hoặc dùng --separate với một thư mục).")
    with open_db(args, need="read") as database:  # personal data: signed in
        with database.read() as session:
            people = current_members(session, args.member)
            if args.member and len(people) != len(set(args.member)):
                raise CommandError("Có mã đảng viên không tìm thấy; hãy xem lại các --member.")
            contexts = [build_context(session, entry.code, actor=args.actor, member_uuid=m.uuid, issue=False)
                        for m in people]
            names = [m.full_name for m in people]
            margins = margins_mm(session)
    path = drain(render_batch(entry.code, contexts, out, merge=not args.separate, margins=margins, names=names))
    if args.json:
        print_json({"code": entry.code, "out": str(path), "documents": len(contexts)})
    else:
        print(f"Đã ghi {len(contexts)} văn bản {entry.code} vào {path}")
    return 0


def _number_line(document) -> str | None:
    for table in document.tables[:1]:
        for paragraph in table.rows[0].cells[0].paragraphs:
            if paragraph.text.startswith("Số "):
                return paragraph.text[3:].strip()
    return None
