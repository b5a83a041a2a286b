"""The meeting forms of forms_templates/ (minutes, resolution, sign sheet), for build_form_templates.py."""

from __future__ import annotations

from docx_blocks import CENTER, bullets, grid_table, header_block, heading, new_document, para, signature, tag, title

A = "meeting.attendance"


# --- meeting forms -------------------------------------------------------------------------------

def _attendance(d) -> None:
    heading(d, "I. THÀNH PHẦN")
    para(d, "- Chủ trì: đồng chí {{ meeting.chair.name|dots }}{% if meeting.chair.position %}, "
            "{{ meeting.chair.position }}{% endif %}.")
    para(d, "- Thư ký: đồng chí {{ meeting.recorder.name|dots }}{% if meeting.recorder.position %}, "
            "{{ meeting.recorder.position }}{% endif %}.")
    # The identities hold on the page (issue 14): total = official + probationary; summoned = present +
    # absent with reason + absent without reason; exempt members who came and visitors on their own lines.
    para(d, f"- Tổng số đảng viên của chi bộ: {{{{ {A}.total }}}} đồng chí (chính thức: {{{{ {A}.official }}}}; "
            f"dự bị: {{{{ {A}.probationary }}}}); trong đó miễn công tác và sinh hoạt đảng: {{{{ {A}.exempt }}}}; "
            f"chuyển sinh hoạt tạm thời đi: {{{{ {A}.away }}}}.")
    para(d, f"- Đảng viên phải dự họp: {{{{ {A}.summoned }}}} đồng chí; có mặt: {{{{ {A}.present_summoned }}}} "
            f"đồng chí (chính thức: {{{{ {A}.present_official }}}}; dự bị: {{{{ {A}.present_probationary }}}}), "
            f"đạt {{{{ {A}.present_percent|percent }}}}% số đảng viên phải dự họp.")
    para(d, f"- Vắng có lý do: {{{{ {A}.absent_with_reason|length }}}} đồng chí"
            f"{{% if {A}.absent_with_reason %}}:{{% else %}}.{{% endif %}}")
    tag(d, f"for item in {A}.absent_with_reason")
    para(d, "+ Đồng chí {{ item.name }}: {{ item.reason }}.", indent=1.5)
    tag(d, "endfor")
    para(d, f"- Vắng không có lý do: {{{{ {A}.absent_without_reason|length }}}} đồng chí"
            f"{{% if {A}.absent_without_reason %}}: {{{{ {A}.absent_without_reason|join(', ') }}}}{{% endif %}}.")
    tag(d, f"if {A}.unmarked")
    para(d, f"- Chưa điểm danh: {{{{ {A}.unmarked|length }}}} đồng chí: {{{{ {A}.unmarked|join(', ') }}}}.")
    tag(d, "endif")
    para(d, f"- Đảng viên được miễn công tác và sinh hoạt đảng có mặt: {{{{ {A}.exempt_present }}}} đồng chí.")
    tag(d, f"if {A}.visiting")  # no line "0/0 đồng chí" where nobody attends here from elsewhere
    para(d, f"- Đảng viên sinh hoạt tạm thời đến dự: {{{{ {A}.present_visiting }}}}/{{{{ {A}.visiting }}}} đồng chí.")
    tag(d, "endif")
    para(d, f"- Khách mời: {{% if not {A}.guests %}}không có.{{% endif %}}")
    tag(d, f"for item in {A}.guests")
    para(d, "+ {{ item.name }}{% if item.position %}, {{ item.position }}{% endif %}.", indent=1.5)
    tag(d, "endfor")


def _agenda_and_votes(d, content_heading: str) -> None:
    heading(d, content_heading)
    tag(d, "for item in meeting.agenda")
    para(d, "{{ loop.index }}. {{ item.title }}", bold=True, keep_next=True)
    para(d, "{{ item.content }}")
    tag(d, "if item.speeches")
    para(d, "Ý kiến phát biểu:", italic=True, keep_next=True)
    tag(d, "endif")
    tag(d, "for speech in item.speeches")
    para(d, "- {{ speech.speaker }}: {{ speech.text }}")
    tag(d, "endfor")
    tag(d, "if item.conclusion")
    para(d, "", runs=[("Kết luận của chủ trì: ", {"italic": True}), ("{{ item.conclusion }}", {})])
    tag(d, "endif")
    tag(d, "endfor")
    heading(d, "III. KẾT QUẢ BIỂU QUYẾT")
    tag(d, "for vote in meeting.votes")
    para(d, "- {{ vote.subject }} ({{ vote.kind_label }}; hình thức: {{ vote.method_label|lower }}): tán thành "
            "{{ vote.votes_for }}/{{ vote.denominator }} đồng chí; không tán thành {{ vote.votes_against }}; "
            "không biểu quyết {{ vote.abstain }}. Số tán thành cần đạt: {{ vote.required }}. Kết quả: "
            "{% if vote.passed %}được thông qua{% else %}không được thông qua{% endif %}.")
    tag(d, "endfor")
    tag(d, "if not meeting.votes")
    para(d, "Không có nội dung biểu quyết.")
    tag(d, "endif")
    heading(d, "IV. XẾP LOẠI CHẤT LƯỢNG BUỔI SINH HOẠT")
    para(d, "Chi bộ đánh giá buổi sinh hoạt đạt loại: {{ meeting.rating_label|dots }}. {{ meeting.rating_note }}")
    para(d, "Biên bản đã được đọc lại trước chi bộ và được {{ meeting.minutes_approval.votes_for }}/"
            "{{ meeting.minutes_approval.present }} đồng chí có mặt nhất trí thông qua. Buổi sinh hoạt kết thúc "
            "vào lúc {{ meeting.closing_time|time }} cùng ngày.", after=12, keep_next=True)
    signature(d, left="person", right="person", left_lines=["THƯ KÝ"], left_name="{{ meeting.recorder.name }}",
              right_lines=["CHỦ TRÌ"], right_name="{{ meeting.chair.name }}")


def _draft_mark(d) -> None:
    """A meeting not yet held prints only as a draft: marked, unnumbered, outside the register."""
    tag(d, "if doc.draft")
    para(d, "DỰ THẢO", size=14, bold=True, align=CENTER, indent=None, before=6, after=0, keep_next=True)
    tag(d, "endif")


def minutes(thematic: bool):
    d = new_document()
    header_block(d)
    _draft_mark(d)
    if thematic:
        title(d, "BIÊN BẢN", "Sinh hoạt chi bộ chuyên đề {{ meeting.period_label }}",
              "Chuyên đề: {{ meeting.topic }}")
    else:
        title(d, "BIÊN BẢN", "Sinh hoạt chi bộ {{ meeting.kind_label }} {{ meeting.period_label }}")
    para(d, "Hôm nay, vào lúc {{ meeting.start_time|time }}, {{ meeting.date|date_words }}, tại {{ meeting.place }}, "
            "{{ unit.name }} tiến hành sinh hoạt {{ meeting.kind_label }} {{ meeting.period_label }}.")
    _attendance(d)
    if thematic:
        para(d, "- Người trình bày chuyên đề: đồng chí {{ meeting.presenter.name|dots }}{% if meeting.presenter.position %}, "
                "{{ meeting.presenter.position }}{% endif %}.")
    _agenda_and_votes(d, "II. NỘI DUNG SINH HOẠT CHUYÊN ĐỀ" if thematic else "II. NỘI DUNG")
    return d


def resolution_monthly():
    d = new_document()
    header_block(d)
    _draft_mark(d)
    title(d, "NGHỊ QUYẾT", "Hội nghị chi bộ {{ meeting.period_label }}",
          "về lãnh đạo thực hiện nhiệm vụ {{ meeting.resolution.next_period_label }}")
    bullets(d, "meeting.resolution.bases", prefix="- Căn cứ ")
    para(d, "{{ meeting.date|date_words|capitalize }}, {{ unit.name }} họp hội nghị {{ meeting.kind_label }}; có mặt "
            f"{{{{ {A}.present_summoned }}}}/{{{{ {A}.summoned }}}} đồng chí đảng viên phải dự họp. Sau khi thảo luận, chi bộ")
    para(d, "QUYẾT NGHỊ", bold=True, align=CENTER, indent=None, before=6, after=6, keep_next=True)
    heading(d, "1. Đánh giá kết quả thực hiện nhiệm vụ {{ meeting.resolution.period_label }}")
    para(d, "a) Kết quả đạt được:", italic=True, keep_next=True)
    bullets(d, "meeting.resolution.achievements")
    para(d, "b) Hạn chế:", italic=True, keep_next=True)
    bullets(d, "meeting.resolution.shortcomings")
    heading(d, "2. Nhiệm vụ {{ meeting.resolution.next_period_label }}")
    tag(d, "for item in meeting.resolution.tasks")
    para(d, "{{ loop.index }}) {{ item }}")
    tag(d, "endfor")
    heading(d, "3. Tổ chức thực hiện")
    para(d, "{{ meeting.resolution.implementation }}")
    tag(d, "for vote in meeting.votes[:1]")
    para(d, "Nghị quyết được chi bộ biểu quyết thông qua: tán thành {{ vote.votes_for }}/{{ vote.denominator }} "
            "đồng chí ({{ vote.votes_for|percent(vote.denominator) }}%), không tán thành {{ vote.votes_against }}, "
            "không biểu quyết {{ vote.abstain }}.", after=12)
    tag(d, "endfor")
    signature(d)
    return d


def sign_sheet():
    d = new_document()
    header_block(d)
    title(d, "DANH SÁCH", "Đảng viên dự sinh hoạt chi bộ {{ meeting.kind_label }} {{ meeting.period_label }}",
          "{{ meeting.date|date_words|capitalize }}, tại {{ meeting.place }}")
    grid_table(d, [("STT", 11), ("Họ và tên", 46), ("Chức vụ, tình trạng", 57), ("Ký tên", 30), ("Ghi chú", 16)],
               ["{{ loop.index }}", "<{{ person.name }}", "<{{ person.position_label }}{% if person.status_label %}; "
                "{{ person.status_label|lower }}{% endif %}", "", ""], "person in meeting.roster",
               size=12, row_height_mm=10)
    para(d, "Tổng số đảng viên được triệu tập: {{ meeting.roster|length }} đồng chí.", before=6, after=12)
    signature(d, left=None)
    return d
