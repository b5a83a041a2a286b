"""Build the .docx templates of forms_templates/ with python-docx, reproducibly.

    /tmp/venv/bin/python tools/build_form_templates.py

The keys used here are those of handbook_desktop/services/forms/samples.py. A secretary who wants a
different wording edits a copy in Word (Biểu mẫu → Sửa bản sao); this script is for the built-ins.
"""

from __future__ import annotations

import sys
import tomllib
from pathlib import Path

from docx.shared import Mm

sys.path.insert(0, str(Path(__file__).resolve().parent))

from docx_blocks import (  # noqa: E402
    CENTER, LEFT, RIGHT, bullets, cell_para, photo_box_table, grid_table, group_heading_rows, header_block, heading,
    new_document, para, signature, tag, title,
)

from form_templates_meetings import minutes, resolution_monthly, sign_sheet  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "forms_templates"


# --- members and lists ---------------------------------------------------------------------------

def member_list():
    d = new_document()
    header_block(d)
    title(d, "DANH SÁCH ĐẢNG VIÊN", "{{ unit.name }}", "{{ filter_label }}")
    table = grid_table(d, [("STT", 10), ("Họ và tên", 38), ("Ngày sinh", 21), ("Quê quán", 33),
                           ("Ngày vào Đảng", 21), ("Ngày chính thức", 21), ("Ghi chú", 16)],
                       ["{{ loop.index }}", "<{{ m.full_name }}", "{{ m.date_of_birth|d }}", "<{{ m.hometown }}",
                        "{{ m.decision_date|d }}", "{{ m.official_date|d }}",
                        "<{{ m.position_label if m.position != 'member' else '' }}"],
                       "m in members", size=11)
    # At a committee the list is grouped by branch: a heading row where a branch begins.
    group_heading_rows(table, "m.group_heading", size=11)
    para(d, "Tổng số: {{ members|length }} đồng chí.", before=6, after=12)
    signature(d, left=None)
    return d


def member_sheet():
    """2-HSĐV: the member's record sheet."""
    d = new_document(body_size=13)
    header_block(d, numbered=False, form_mark="Mẫu 2-HSĐV")
    title(d, "PHIẾU ĐẢNG VIÊN")
    fields = [
        ("1. Họ và tên đang dùng: ", "{{ member.full_name_upper }}", True),
        ("2. Họ và tên khai sinh: ", "{{ member.birth_name }}", False),
        ("3. Tên gọi khác, bí danh: ", "{{ member.alias|dots }}", False),
        ("4. Nam, nữ: ", "{{ member.gender_label }}", False),
        ("5. Sinh ngày: ", "{{ member.date_of_birth|d }}", False),
        ("6. Nơi sinh: ", "{{ member.birth_place }}", False),
        ("7. Quê quán: ", "{{ member.hometown }}", False),
        ("8. Nơi thường trú: ", "{{ member.permanent_address }}", False),
        ("9. Nơi tạm trú: ", "{{ member.temporary_address|dots }}", False),
        ("10. Dân tộc: ", "{{ member.ethnicity }}        Tôn giáo: {{ member.religion }}", False),
        ("11. Số căn cước công dân: ", "{{ member.national_id }}        Điện thoại: {{ member.phone }}", False),
        ("12. Nghề nghiệp hiện nay: ", "{{ member.occupation }}", False),
        ("13. Đơn vị công tác: ", "{{ member.workplace }}", False),
        ("14. Chức vụ chính quyền, đoàn thể: ", "{{ member.government_position|dots }}", False),
        ("15. Chức vụ đảng: ", "{{ member.position_label }}", False),
        ("16. Ngày vào Đoàn TNCS Hồ Chí Minh: ", "{{ member.youth_union_date|d }}", False),
        ("17. Ngày vào Đảng (ngày quyết định kết nạp): ", "{{ member.decision_date|d }}; ngày lễ kết nạp: {{ member.ceremony_date|d }}", False),
        ("18. Chi bộ kết nạp: ", "{{ member.admitted_in }}", False),
        ("19. Người giới thiệu thứ nhất: ", "{{ member.introducer_1|dots }}; thứ hai: {{ member.introducer_2|dots }}", False),
        ("20. Ngày chính thức: ", "{{ member.official_date|d }}", False),
        ("21. Ngày cấp thẻ đảng viên: ", "{{ member.card_issued_date|d }}", False),
        ("22. Giáo dục phổ thông: ", "{{ member.general_education }}", False),
        ("23. Chuyên môn, nghiệp vụ: ", "{{ member.professional_level|dots }}", False),
        ("24. Học vị: ", "{{ member.academic_degree|dots }}        Học hàm: {{ member.academic_title|dots }}", False),
        ("25. Lý luận chính trị: ", "{{ member.political_theory|dots }}", False),
        ("26. Ngoại ngữ: ", "{{ member.foreign_language|dots }}        Tin học: {{ member.it_skill|dots }}", False),
        ("27. Khen thưởng: ", "{{ member.awards|dots }}", False),
        ("28. Kỷ luật: ", "{{ member.discipline|dots }}", False),
        ("29. Thương binh, gia đình liệt sĩ, gia đình có công: ", "{{ member.social_policy|dots }}", False),
    ]
    # The 3×4 photo box beside the first lines, as on the printed form.
    top = photo_box_table(d)
    cell = top.rows[0].cells[1]
    cell_para(cell, "Số lý lịch đảng viên: {{ member.record_number|dots }}", size=13, align=LEFT, after=2)
    cell_para(cell, "Số thẻ đảng viên: {{ member.party_card_number|dots }}", size=13, align=LEFT, after=2)
    for label, value, bold in fields[:6]:
        cell_para(cell, "", size=13, align=LEFT, after=2, runs=[(label, {}), (value, {"bold": bold})])
    for paragraph in cell.paragraphs:
        paragraph.paragraph_format.left_indent = Mm(3)
    for label, value, bold in fields[6:]:
        para(d, "", size=13, indent=None, after=2, runs=[(label, {}), (value, {"bold": bold})])
    para(d, "", after=6)
    signature(d, left="person", right="signer", left_lines=["NGƯỜI KHAI"], left_name="{{ member.full_name }}",
              note="(Ký, ghi rõ họ tên)")
    return d


def _member_intro(d, what: str) -> None:
    para(d, "Họ và tên: {{ member.full_name }}; sinh ngày {{ member.date_of_birth|d }}; "
            "quê quán: {{ member.hometown|dots }}.")
    para(d, "Nghề nghiệp: {{ member.occupation|dots }}; đơn vị công tác: {{ member.workplace|dots }}.")
    if what:
        para(d, what)


def _branch_case(d, *, summary: str, opening: str, decision: str, extra_intro: str = "") -> None:
    header_block(d)
    title(d, "NGHỊ QUYẾT", summary)
    para(d, opening)
    para(d, "Tổng số đảng viên chính thức của chi bộ: {{ case.official_total }} đồng chí; có mặt: "
            "{{ case.present_official }} đồng chí; vắng mặt: {{ case.absent_official }} đồng chí. "
            "Số đảng viên chính thức dùng để tính biểu quyết: {{ case.denominator }} đồng chí.")
    heading(d, "Chi bộ thống nhất:")
    para(d, "1. Về người được xem xét:", bold=True, indent=None)
    _member_intro(d, extra_intro)
    tag(d, "if case.reason")
    para(d, "2. Lý do:", bold=True, indent=None, keep_next=True)
    para(d, "{{ case.reason }}")
    tag(d, "else")
    para(d, "2. Ưu, khuyết điểm chính:", bold=True, indent=None, keep_next=True)
    para(d, "- Ưu điểm: {{ case.strengths|dots }}")
    para(d, "- Khuyết điểm: {{ case.weaknesses|dots }}")
    tag(d, "endif")
    para(d, "3. Kết quả biểu quyết:", bold=True, indent=None, keep_next=True)
    para(d, "Số đảng viên chính thức tán thành {{ case.vote.votes_for }}/"
            "{{ case.vote.denominator }} đồng chí, đạt {{ case.vote.votes_for|percent(case.vote.denominator) }}%; "
            "không tán thành {{ case.vote.votes_against }} đồng chí; không biểu quyết {{ case.vote.abstain }} đồng chí "
            "(cần {{ case.vote.required }} đồng chí tán thành: {{ case.vote.kind_label|lower }}).")
    para(d, decision, after=12)
    signature(d)


def admission():
    d = new_document()
    para(d, "Mẫu 6-KNĐ", size=12, italic=True, align=RIGHT, indent=None, after=0)
    _branch_case(
        d, summary="Đề nghị kết nạp đảng viên",
        opening="Ngày {{ case.meeting_date|d }}, {{ unit.name }} đã họp xét đề nghị kết nạp quần chúng "
                "{{ member.display_name }} vào Đảng Cộng sản Việt Nam.",
        extra_intro="Trình độ: giáo dục phổ thông {{ member.general_education|dots }}; chuyên môn "
                    "{{ member.professional_level|dots }}; lý luận chính trị {{ member.political_theory|dots }}.",
        decision="Chi bộ đề nghị {{ unit.higher_committee }} xem xét, quyết định kết nạp quần chúng "
                 "{{ member.display_name }} vào Đảng Cộng sản Việt Nam.")
    return d


def official_recognition():
    d = new_document()
    para(d, "Mẫu 13-KNĐ", size=12, italic=True, align=RIGHT, indent=None, after=0)
    _branch_case(
        d, summary="Đề nghị công nhận đảng viên chính thức",
        opening="Ngày {{ case.meeting_date|d }}, {{ unit.name }} đã họp xét đề nghị công nhận đảng viên chính thức "
                "cho đồng chí {{ member.display_name }}, đảng viên dự bị.",
        extra_intro="Ngày vào Đảng (quyết định kết nạp): {{ member.decision_date|d }}; ngày lễ kết nạp: "
                    "{{ member.ceremony_date|d }}; thời gian dự bị từ {{ case.probation_start|d }} đến "
                    "{{ case.probation_end|d }}.",
        decision="Chi bộ đề nghị {{ unit.higher_committee }} xem xét, quyết định công nhận đồng chí "
                 "{{ member.display_name }} là đảng viên chính thức kể từ ngày {{ case.probation_end|d }}.")
    return d


def removal():
    d = new_document()
    _branch_case(
        d, summary="Đề nghị xóa tên đảng viên",
        opening="Ngày {{ case.meeting_date|d }}, {{ unit.name }} đã họp xem xét việc xóa tên đảng viên đối với "
                "đồng chí {{ member.display_name }} (Điều 8 Điều lệ Đảng).",
        extra_intro="Ngày vào Đảng: {{ member.decision_date|d }}; ngày chính thức: {{ member.official_date|d }}; "
                    "số thẻ đảng viên: {{ member.party_card_number|dots }}.",
        decision="Chi bộ đề nghị {{ unit.higher_committee }} xem xét, quyết định xóa tên đồng chí "
                 "{{ member.display_name }} khỏi danh sách đảng viên.")
    return d


def exemption():
    d = new_document()
    _branch_case(
        d, summary="Về việc miễn công tác và sinh hoạt đảng",
        opening="Xét đơn đề nghị ngày {{ case.application_date|d }} của đồng chí {{ member.display_name }}; ngày "
                "{{ case.meeting_date|d }}, {{ unit.name }} đã họp xem xét việc miễn công tác và sinh hoạt đảng.",
        extra_intro="",
        decision="Chi bộ đồng ý cho đồng chí {{ member.display_name }} được miễn công tác và sinh hoạt đảng kể từ ngày "
                 "{{ case.exemption_from|d }} và báo cáo {{ unit.higher_committee }}. Đồng chí thực hiện các nhiệm vụ "
                 "của đảng viên được miễn công tác và sinh hoạt đảng theo quy định.")
    return d


def _personal_header(d, mark: str, heading_lines: tuple[str, str]) -> None:
    para(d, mark, size=12, italic=True, align=RIGHT, indent=None, after=0)
    header_block(d, numbered=False, with_units=True)
    title(d, *heading_lines)
    para(d, "Kính gửi: Chi ủy {{ unit.name }}", bold=True, align=CENTER, indent=None, after=6)


def self_review():
    d = new_document()
    _personal_header(d, "Mẫu 10-KNĐ", ("BẢN TỰ KIỂM ĐIỂM", "Của đảng viên dự bị"))
    para(d, "Tôi là: {{ member.full_name }}; sinh ngày {{ member.date_of_birth|d }}; quê quán: {{ member.hometown }}.")
    para(d, "Được kết nạp vào Đảng ngày {{ member.ceremony_date|d }} (quyết định ngày {{ member.decision_date|d }}) "
            "tại {{ member.admitted_in|dots }}. Thời gian dự bị từ ngày {{ review.probation_start|d }} đến ngày "
            "{{ review.probation_end|d }}.")
    para(d, "Tôi tự kiểm điểm trong thời gian dự bị như sau:")
    heading(d, "I. ƯU ĐIỂM")
    for n, (label, key) in enumerate([("Về tư tưởng chính trị", "political"), ("Về phẩm chất đạo đức, lối sống", "ethics"),
                                      ("Về thực hiện nhiệm vụ được giao", "tasks"), ("Về quan hệ với quần chúng", "relations")], 1):
        para(d, "", runs=[(f"{n}. {label}: ", {"italic": True}), (f"{{{{ review.{key}|dots }}}}", {})])
    para(d, "Ưu điểm nổi bật: {{ review.strengths|dots }}")
    heading(d, "II. KHUYẾT ĐIỂM, HẠN CHẾ VÀ NGUYÊN NHÂN")
    para(d, "{{ review.weaknesses|dots }}")
    heading(d, "III. HƯỚNG KHẮC PHỤC")
    para(d, "{{ review.direction|dots }}")
    para(d, "Tôi tự nhận thấy đủ điều kiện, đề nghị chi bộ xét, đề nghị cấp ủy cấp trên công nhận tôi là đảng viên "
            "chính thức.", after=12)
    signature(d, left=None, right="person", right_lines=["NGƯỜI TỰ KIỂM ĐIỂM"], right_name="{{ member.full_name }}",
              note="(Ký, ghi rõ họ tên)")
    heading(d, "NHẬN XÉT CỦA CHI ỦY")
    para(d, "{{ review.branch_opinion|dots }}", after=12)
    signature(d, left=None)
    return d


def helper_assessment():
    d = new_document()
    _personal_header(d, "Mẫu 11-KNĐ", ("BẢN NHẬN XÉT ĐẢNG VIÊN DỰ BỊ", "(Của đảng viên chính thức được phân công giúp đỡ)"))
    para(d, "Tôi là: {{ helper.name|dots }}{% if helper.position %}, {{ helper.position }}{% endif %}; được chi bộ phân công giúp đỡ đồng chí "
            "{{ member.display_name }}, đảng viên dự bị, kết nạp ngày {{ member.ceremony_date|d }}.")
    para(d, "Qua thời gian giúp đỡ, tôi nhận xét đồng chí {{ member.display_name }} như sau:")
    heading(d, "1. Ưu điểm")
    para(d, "{{ assessment.strengths|dots }}")
    heading(d, "2. Khuyết điểm")
    para(d, "{{ assessment.weaknesses|dots }}")
    heading(d, "3. Đề nghị")
    para(d, "{{ assessment.conclusion|dots }}", after=12)
    signature(d, left=None, right="person", right_lines=["NGƯỜI GIÚP ĐỠ"], right_name="{{ helper.name }}",
              note="(Ký, ghi rõ họ tên)")
    return d


def opinions_summary():
    d = new_document()
    para(d, "Mẫu 12-KNĐ", size=12, italic=True, align=RIGHT, indent=None, after=0)
    header_block(d)
    title(d, "BÁO CÁO", "Tổng hợp ý kiến nhận xét đối với đảng viên dự bị {{ member.display_name }}")
    para(d, "Thực hiện quy định về xét công nhận đảng viên chính thức, chi ủy {{ unit.name }} đã lấy ý kiến nhận xét "
            "của tổ chức đoàn thể nơi làm việc và chi ủy nơi cư trú đối với đồng chí {{ member.full_name }}, sinh ngày "
            "{{ member.date_of_birth|d }}, kết nạp ngày {{ member.ceremony_date|d }}. Kết quả như sau:", after=6)
    grid_table(d, [("STT", 12), ("Tổ chức nhận xét", 58), ("Tóm tắt ý kiến", 90)],
               ["{{ loop.index }}", "<{{ o.organisation }}", "<{{ o.summary }}"], "o in opinions", size=12)
    para(d, "", runs=[("Nhận xét chung: ", {"bold": True}), ("{{ summary|dots }}", {})], before=6, after=12)
    signature(d)
    return d


def badge_list():
    d = new_document()
    para(d, "Mẫu 4-HHĐ", size=12, italic=True, align=RIGHT, indent=None, after=0)
    header_block(d)
    title(d, "DANH SÁCH", "Đảng viên đề nghị tặng Huy hiệu Đảng", "{{ occasion }}")
    # 160 mm: the text width between the 35 mm and 15 mm margins (it ran 8 mm into the left margin)
    # "50 năm" and "691" on one line (every row took two at the 50,000 committee)
    table = grid_table(d, [("TT", 8), ("Họ và tên", 27), ("Ngày sinh", 18), ("Quê quán", 17), ("Ngày QĐ kết nạp", 18),
                           ("Ngày kết nạp", 18), ("Ngày chính thức", 18), ("Số thẻ đảng viên", 16), ("Huy hiệu", 13),
                           ("Ghi chú", 7)],
                       ["{{ loop.index }}", "<{{ m.full_name }}", "{{ m.date_of_birth|d }}", "<{{ m.hometown }}",
                        "{{ m.decision_date|d }}", "{{ m.ceremony_date|d }}", "{{ m.official_date|d }}",
                        "{{ m.party_card_number }}", "{{ m.badge_years }} năm", "{{ m.badge_note }}"], "m in members", size=9)
    # At a committee the round goes branch by branch (which branch presents whom), as DS-ĐV does.
    group_heading_rows(table, "m.group_heading", size=9)
    para(d, "Tổng số: {{ members|length }} đồng chí.", before=6, after=12)
    signature(d)
    return d


def monthly_report():
    d = new_document()
    header_block(d)
    title(d, "BÁO CÁO", "Kết quả hoạt động của {{ report.body_label }} {{ report.period_label }}")
    para(d, "Kính gửi: {{ unit.higher_committee }}", bold=True, align=CENTER, indent=None, after=6)
    heading(d, "I. TÌNH HÌNH CHUNG")
    # thousands with a dot, as every other figure of the report ("48541 đồng chí" beside "49.323/52.572")
    para(d, "- Tổng số đảng viên: {{ report.headcount.total|num }} đồng chí (chính thức: "
            "{{ report.headcount.official|num }}; dự bị: {{ report.headcount.probationary|num }}); trong đó miễn công "
            "tác và sinh hoạt đảng: {{ report.headcount.exempt|num }}; chuyển sinh hoạt tạm thời đi: "
            "{{ report.headcount.away|num }}{% if report.headcount.branches %}; {{ report.headcount.branches|num }} "
            "chi bộ trực thuộc{% endif %}.")
    bullets(d, "report.changes")
    bullets(d, "report.situation")
    heading(d, "II. KẾT QUẢ THỰC HIỆN NHIỆM VỤ")
    bullets(d, "report.meetings")
    bullets(d, "report.results")
    heading(d, "III. HẠN CHẾ")
    bullets(d, "report.limitations")
    heading(d, "IV. NHIỆM VỤ THÁNG TỚI")
    bullets(d, "report.next_tasks")
    heading(d, "V. ĐỀ XUẤT, KIẾN NGHỊ")
    bullets(d, "report.proposals")
    para(d, "", after=12)
    signature(d)
    return d


def transfer_letter(temporary: bool):
    d = new_document()
    para(d, "Mẫu 2-SHĐ" if temporary else "Mẫu 1-SHĐ", size=12, italic=True, align=RIGHT, indent=None, after=0)
    header_block(d)
    title(d, "GIẤY GIỚI THIỆU", "Sinh hoạt đảng tạm thời" if temporary else "Sinh hoạt đảng chính thức")
    para(d, "{{ unit.name }} trân trọng giới thiệu:")
    rows = [
        ("Đồng chí: ", "{{ member.full_name }}", True),
        ("Sinh ngày: ", "{{ member.date_of_birth|d }}", False),
        ("Quê quán: ", "{{ member.hometown }}", False),
        ("Là đảng viên: ", "{{ transfer.standing }}", False),
        ("Ngày vào Đảng: ", "{{ member.decision_date|d }}; ngày chính thức: {{ member.official_date|d }}", False),
        ("Số thẻ đảng viên: ", "{{ member.party_card_number|dots }}; số lý lịch: {{ member.record_number|dots }}", False),
        ("Số sổ đăng ký: ", "{{ transfer.register_number|dots }}", False),
        ("Đang sinh hoạt tại: ", "{{ transfer.from_branch }}", False),
        ("Đã đóng đảng phí đến hết: ", "{{ transfer.dues_paid_to }}", False),
    ]
    for label, value, bold in rows:
        para(d, "", indent=1.0, after=2, runs=[(label, {}), (value, {"bold": bold})])
    if temporary:
        para(d, "Được chuyển đến sinh hoạt đảng tạm thời tại: {{ transfer.to_body }}{% if transfer.to_branch %}, "
                "{{ transfer.to_branch }}{% endif %}, từ ngày {{ transfer.valid_from|d }} đến ngày {{ transfer.valid_until|d }}.")
    else:
        para(d, "Được chuyển đến sinh hoạt đảng chính thức tại: {{ transfer.to_body }}{% if transfer.to_branch %}, "
                "{{ transfer.to_branch }}{% endif %}.")
    para(d, "Lý do: {{ transfer.reason|dots }}.")
    para(d, "Đề nghị cấp ủy nơi đến tiếp nhận và tổ chức sinh hoạt cho đồng chí. Đảng viên phải xuất trình giấy "
            "giới thiệu này với cấp ủy nơi đến trong thời hạn {{ transfer.present_within_days }} ngày làm việc kể từ "
            "ngày ký.", after=12)
    signature(d)
    return d


def card_list():
    d = new_document()
    para(d, "Mẫu 1-TĐV", size=12, italic=True, align=RIGHT, indent=None, after=0)
    header_block(d)
    title(d, "DANH SÁCH", "{{ purpose }}")
    grid_table(d, [("TT", 7), ("Họ và tên", 32), ("Ngày sinh", 18), ("Quê quán", 26), ("Ngày vào Đảng", 18),
                   ("Ngày chính thức", 18), ("Số lý lịch", 18), ("Chi bộ", 23)],
               ["{{ loop.index }}", "<{{ m.full_name }}", "{{ m.date_of_birth|d }}", "<{{ m.hometown }}",
                "{{ m.decision_date|d }}", "{{ m.official_date|d }}", "{{ m.record_number }}", "<{{ m.branch_name }}"],
               "m in members", size=10)
    para(d, "Tổng số: {{ members|length }} đồng chí.", before=6, after=12)
    signature(d)
    return d


BUILDERS = {
    "BB-SHCB": lambda: minutes(False),
    "BB-SHCĐ": lambda: minutes(True),
    "NQ-CB": resolution_monthly,
    "DS-KY": sign_sheet,
    "DS-ĐV": member_list,
    "2-HSĐV": member_sheet,
    "6-KNĐ": admission,
    "10-KNĐ": self_review,
    "11-KNĐ": helper_assessment,
    "12-KNĐ": opinions_summary,
    "13-KNĐ": official_recognition,
    "NQ-XT": removal,
    "NQ-MCT": exemption,
    "4-HHĐ": badge_list,
    "BC-THÁNG": monthly_report,
    "1-SHĐ": lambda: transfer_letter(False),
    "2-SHĐ": lambda: transfer_letter(True),
    "1-TĐV": card_list,
}


def _fix_zip_times(path: Path) -> None:
    """Same input, same bytes: fixed entry dates so that an unchanged template does not show as changed."""
    import zipfile

    with zipfile.ZipFile(path) as source:
        entries = [(info, source.read(info.filename)) for info in source.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info, data in entries:
            fixed = zipfile.ZipInfo(info.filename, date_time=(2026, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = info.external_attr
            target.writestr(fixed, data)


def main() -> int:
    with open(OUT / "catalog.toml", "rb") as handle:
        forms = tomllib.load(handle)["form"]
    missing = [form["code"] for form in forms if form["code"] not in BUILDERS]
    if missing:
        print("Thiếu cách dựng mẫu:", ", ".join(missing), file=sys.stderr)
        return 1
    for form in forms:
        document = BUILDERS[form["code"]]()
        document.core_properties.title = form["title"]
        document.core_properties.subject = form["code"]
        document.save(str(OUT / form["file"]))
        _fix_zip_times(OUT / form["file"])
        print(f"{form['code']:10} → {form['file']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
