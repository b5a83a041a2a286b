"""Pictures of the first page of every form for docs/forms.md, from LibreOffice PDFs.

    /tmp/venv/bin/python tools/form_previews.py [--out docs/forms] [--dpi 60] [CODE ...]

Renders each catalogue form with its sample context, converts it to PDF with LibreOffice (the same
export the program offers), turns page 1 into a PNG with pdftoppm, and rewrites docs/forms.md.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from handbook_desktop.domain.text import fold  # noqa: E402
from handbook_desktop.services import forms  # noqa: E402
from handbook_desktop.services.forms.export import export_pdf, pdf_pages  # noqa: E402
from handbook_desktop.services.forms.samples import sample_context  # noqa: E402


def slug(code: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", fold(code)).strip("-")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("codes", nargs="*")
    parser.add_argument("--out", default=str(ROOT / "docs" / "forms"))
    parser.add_argument("--dpi", type=int, default=60)
    parser.add_argument("--no-markdown", action="store_true")
    args = parser.parse_args(argv)
    if shutil.which("pdftoppm") is None:
        print("Cần pdftoppm (poppler-utils).", file=sys.stderr)
        return 1
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    rows = []
    with tempfile.TemporaryDirectory() as work:
        for entry in forms.catalog():
            if args.codes and entry.code not in args.codes:
                continue
            docx = forms.render_form(entry.code, sample_context(entry.code), Path(work) / f"{slug(entry.code)}.docx")
            pdf = export_pdf(docx)
            pages = pdf_pages(pdf)
            target = out / f"{slug(entry.code)}.png"
            subprocess.run(["pdftoppm", "-png", "-r", str(args.dpi), "-f", "1", "-l", "1", "-singlefile",
                            str(pdf), str(target.with_suffix(""))], check=True, timeout=120)
            rows.append((entry, pages, target))
            print(f"{entry.code:10} {pages} trang → {target}")
    if not args.no_markdown and not args.codes:
        write_markdown(rows, ROOT / "docs" / "forms.md")
    return 0


def write_markdown(rows, path: Path) -> None:
    lines = [
        "# Biểu mẫu (Word)",
        "",
        "Các biểu mẫu có sẵn trong Sổ tay Chi bộ, in với dữ liệu mẫu (trang đầu). Tất cả theo Hướng dẫn",
        "36-HD/VPTW: khổ A4 đứng, lề trên 25 mm, dưới 25 mm, trái 35 mm, phải 15 mm (quy tắc",
        "`document.margins_mm`), phông Times New Roman, tiêu đề hai cột không viền, số trang từ trang 2 ở giữa",
        "phía trên. Ảnh do `tools/form_previews.py` tạo từ bản PDF của LibreOffice (phông Liberation Serif",
        "thay Times New Roman, cùng kích thước chữ).",
        "",
        "**Dùng:** trang *Biểu mẫu* → chọn mẫu → *Xuất Word* (cho một đảng viên, một cuộc họp, hoặc cả danh",
        "sách đang lọc). *Sửa bản sao* chép mẫu vào thư mục mẫu riêng để sửa bằng Word; bản sao được dùng thay",
        "mẫu gốc. *Kiểm tra mẫu* báo biến không có, thẻ viết sai và thẻ bị Word tách, kèm vị trí; bản sao có",
        "lỗi thì không xuất và chương trình nói chỗ sai. *Dùng lại mẫu gốc* cất bản sao sang tên khác (không xóa).",
        "",
        "**Số văn bản** (sổ *Sổ văn bản đã ban hành*): cấp khi xuất văn bản có số, theo đơn vị ban hành và loại",
        "(NQ, BB, BC, DS, GGT…), đánh lại từ 01 mỗi nhiệm kỳ cấp ủy (ngày bắt đầu nhiệm kỳ của đơn vị), giữ",
        "nguyên khi xuất lại cùng văn bản (cùng loại, cùng cuộc họp hoặc đảng viên), không bao giờ cấp lại số đã",
        "dùng. Danh sách in nhiều lần (DS-ĐV, DS-KY) không cấp số: dòng số để trống cho viết tay.",
        "",
        "**Dòng ngày tháng:** ngày nhỏ hơn 10 và tháng 1, 2 viết thêm số 0 (`ngày 05 tháng 3`, `ngày 15 tháng 02`),",
        "như ví dụ của DOMAIN.md §11 và cách viết của Hướng dẫn 36-HD/VPTW; nếu cấp trên hướng dẫn khác, sửa bộ lọc",
        "`date_words` trong `handbook_desktop/services/forms/filters.py`.",
        "",
        "Dòng lệnh: `handbook-desktop forms list [--json]`,",
        "`handbook-desktop forms render MÃ [--member UUID] [--meeting UUID] [--on dd/mm/yyyy] --out TỆP.docx [--pdf]`",
        "(mã gõ không dấu cũng được: `bb-shcd`; `--sample` điền dữ liệu mẫu; `--draft` bản dự thảo của cuộc họp",
        "chưa diễn ra: không số, có chữ DỰ THẢO), `handbook-desktop forms check TỆP.docx [--code MÃ]` (kiểm tra",
        "bản sao; mã thoát 1 khi có lỗi), `handbook-desktop forms batch MÃ [--member UUID …] --out TỆP.docx`",
        "(gộp, mỗi người đánh số trang lại từ 1; `--separate` mỗi người một tệp). Xuất hàng loạt: trang Biểu mẫu →",
        "*Xuất cho cả danh sách đang lọc* (một tệp, mỗi người một phần đánh số trang riêng, hoặc mỗi người một tệp);",
        "500 phiếu đảng viên mất khoảng 5 giây (`bench/bench_forms.py`).",
        "",
        "**Bản sao an toàn:** mẫu được điền trong hộp cát của Jinja (không gọi hàm, không tên bắt đầu bằng `_`,",
        "không sửa dữ liệu). *Kiểm tra mẫu* từ chối bản sao dùng tên lạ, thuộc tính `_…`, gọi hàm, khóa ghép,",
        "`include`/`import`, hoặc bỏ mất một **trường bắt buộc** của mẫu (`required` trong `catalog.toml`, ví dụ",
        "danh sách vắng không có lý do của biên bản, họ tên trên phiếu đảng viên); lỗi cú pháp được giải thích",
        "bằng tiếng Việt kèm đoạn hay ô bảng. Văn bản thiếu giá trị bắt buộc (chưa có bí thư để ký, giấy giới",
        "thiệu chưa ghi nơi đến) không in ra mà báo lý do.",
        "",
        "**Số liệu cộng đúng:** biên bản in tổng số = chính thức + dự bị (miễn sinh hoạt, tạm vắng ghi riêng);",
        "phải dự họp = có mặt + vắng có lý do + vắng không lý do; đảng viên miễn sinh hoạt có mặt và đảng viên",
        "sinh hoạt tạm thời ghi dòng riêng; tỷ lệ tính trên số phải dự họp. Nghị quyết kết nạp, công nhận chính",
        "thức, xóa tên lấy biểu quyết và số có mặt từ điểm danh của cuộc họp đã diễn ra. BC-THÁNG lấy mọi số liệu của",
        "tháng trước ngày in từ chính các báo cáo của trang Báo cáo (đảng số, biến động, sinh hoạt và tỷ lệ dự họp,",
        "đảng phí, phát triển đảng viên, các hạn chế); tình hình, nhiệm vụ tháng tới và kiến nghị gõ trong Word.",
        "",
        "**Biến trong mẫu** (khi sửa bản sao): xem đầu tệp `handbook_desktop/services/forms/samples.py`. Bộ lọc:",
        "`|d` (05/03/2026), `|date_line(unit.place)` (Hà Nội, ngày 05 tháng 3 năm 2026), `|date_words`,",
        "`|upper`, `|num` (1.234), `|percent(tổng)`, `|time` (14 giờ 00), `|dots` (chỗ trống để viết tay).",
        "",
        "| Mã | Biểu mẫu | Về | Loại số | Trang (mẫu) | Ghi chú |",
        "|---|---|---|---|---|---|",
    ]
    from handbook_desktop.services.forms.catalog import SUBJECT_LABELS

    for entry, pages, _ in rows:
        lines.append(f"| {entry.code} | {entry.title} | {SUBJECT_LABELS.get(entry.subject, entry.subject)} | "
                     f"{entry.doc_type or '—'} | {pages} | {entry.notes} |")
    lines.append("")
    for entry, _, target in rows:
        lines += [f"## {entry.code} — {entry.title}", "", f"Căn cứ: {entry.source}.", "",
                  f"![{entry.code}](forms/{target.name})", ""]
    lines += ["Các ảnh này cũng là ảnh đã duyệt: `tests/forms/test_forms_look.py` so trang đầu mỗi mẫu với",
              "chúng (sai khác nhỏ được chấp nhận); đổi hình thức mẫu thì chạy lại công cụ này và xem ảnh mới.", ""]
    path.write_text("\n".join(lines), encoding="utf-8")


if __name__ == "__main__":
    raise SystemExit(main())
