"""Each defect found when the forms were read page by page (issue 14), pinned so that it cannot return."""

from __future__ import annotations

import shutil
import zipfile
from datetime import date

import pytest
from docx import Document
from docx.oxml.ns import qn
from sqlalchemy import select

from docx_reading import docx_text
from handbook_desktop.services import forms
from handbook_desktop.services import meetings as msvc
from handbook_desktop.services.errors import UserError
from handbook_desktop.services.forms.build import current_members, export_form
from handbook_desktop.services.forms.samples import sample_context
from handbook_desktop.store.models import Member


def _planned(db, secretary, day=date(2026, 12, 6)):
    with db.immediate() as s:
        return msvc.create_meeting(s, secretary, kind="regular", meeting_date=day, start_time="19:00",
                                   place="Nhà văn hóa")


def test_meeting_not_held_has_no_minutes_and_no_number_but_a_draft(demo_db, secretary, tmp_path):
    uuid = _planned(demo_db, secretary)
    with demo_db.read() as s:
        before = len(forms.register(s))
    with pytest.raises(UserError, match="chưa diễn ra"):
        export_form(demo_db, secretary, "BB-SHCB", tmp_path / "bb.docx", meeting_uuid=uuid)
    draft = export_form(demo_db, secretary, "BB-SHCB", tmp_path / "draft.docx", meeting_uuid=uuid, draft=True)
    text = docx_text(draft)
    assert "DỰ THẢO" in text and "Số     -BB/CB" in text
    with demo_db.read() as s:
        assert len(forms.register(s)) == before  # outside the register
    # a held meeting's minutes carry no draft mark
    held = msvc.list_meetings
    assert "DỰ THẢO" not in docx_text(forms.render_form("BB-SHCB", sample_context("BB-SHCB"), tmp_path / "s.docx"))
    assert held


def test_sign_sheet_of_a_coming_meeting_leaves_out_who_has_left(demo_db, secretary, tmp_path):
    from handbook_desktop.services.procedures import status

    uuid = _planned(demo_db, secretary)
    with demo_db.immediate() as s:
        leaving = s.scalars(select(Member).where(Member.status == "official", Member.party_position == "member")
                            .order_by(Member.id)).first()
        name = leaving.full_name
        status.transfer_out(s, secretary, leaving.uuid, day=date(2026, 11, 20), destination="Chi bộ Tổ dân phố 7",
                            dues_paid_to=date(2026, 11, 1))
    sheet = docx_text(export_form(demo_db, secretary, "DS-KY", tmp_path / "ky.docx", meeting_uuid=uuid))
    assert name not in sheet


def test_minutes_leave_out_empty_agenda_items_and_tell_namesakes_apart(demo_db, secretary, tmp_path):
    with demo_db.immediate() as s:
        people = current_members(s)
        chair, twin = people[0], people[5]
        twin.full_name = chair.full_name  # two members share a name
        chair_uuid, twin_uuid = chair.uuid, twin.uuid
        years = (chair.date_of_birth.year, twin.date_of_birth.year)
    with demo_db.immediate() as s:
        uuid = msvc.create_meeting(s, secretary, kind="extraordinary", meeting_date=date(2026, 11, 25),
                                   start_time="19:00", place="Nhà văn hóa", chair_uuid=chair_uuid,
                                   recorder_uuid=people[1].uuid, agenda=["Bầu bổ sung chi ủy viên", "Mục bỏ trống"])
        msvc.mark_all_present(s, secretary, uuid)
        msvc.set_attendance(s, secretary, uuid, twin_uuid, "absent_unexcused")
        first = msvc.meeting_detail(s, uuid).agenda[0]
        msvc.update_agenda_item(s, secretary, first.uuid, content="Chi bộ bầu bổ sung một chi ủy viên.")
    text = docx_text(export_form(demo_db, secretary, "BB-SHCB", tmp_path / "bb.docx", meeting_uuid=uuid))
    assert "Sinh hoạt chi bộ bất thường" in text and "thường kỳ" not in text.split("I. THÀNH PHẦN")[0]
    assert "Bầu bổ sung chi ủy viên" in text and "Mục bỏ trống" not in text
    name = chair_uuid and twin.full_name
    assert f"{name} (sinh năm {years[0]})" in text and f"{name} (sinh năm {years[1]})" in text


def test_member_forms_tell_namesakes_apart_by_birth_year(demo_db, secretary, tmp_path):
    """A resolution about "Nguyễn Văn An" when the branch has two: its sentences add the birth year."""
    from handbook_desktop.services.procedures import status
    from handbook_desktop.services.procedures.documents import procedure_document

    with demo_db.immediate() as s:
        people = current_members(s)
        subject, twin, alone = people[2], people[7], people[9]
        twin.full_name = subject.full_name
        year, name = subject.date_of_birth.year, subject.full_name
        subject_uuid, alone_uuid, alone_name = subject.uuid, alone.uuid, alone.full_name
        status.set_exemption(s, secretary, subject_uuid, date(2026, 10, 1), reason="Tuổi cao, sức yếu")
        status.set_exemption(s, secretary, alone_uuid, date(2026, 10, 1), reason="Tuổi cao, sức yếu")
    for how in ("window", "forms"):
        out = tmp_path / f"{how}.docx"
        if how == "window":  # Nghiệp vụ's one-click document
            with demo_db.immediate() as s:
                procedure_document(s, secretary, "NQ-MCT", out, member_uuid=subject_uuid, on=date(2026, 11, 15))
        else:  # Biểu mẫu and the command line
            export_form(demo_db, secretary, "NQ-MCT", out, member_uuid=subject_uuid, on=date(2026, 11, 15))
        text = docx_text(out)
        assert f"Chi bộ đồng ý cho đồng chí {name} (sinh năm {year}) được miễn" in text, how
        assert f"Họ và tên: {name}; sinh ngày" in text, how  # the identity line keeps the plain name
    text = docx_text(export_form(demo_db, secretary, "NQ-MCT", tmp_path / "alone.docx", member_uuid=alone_uuid,
                                 on=date(2026, 11, 15)))
    assert f"đồng chí {alone_name} được miễn" in text and "(sinh năm" not in text  # no namesake, no year


def test_signature_block_keeps_with_the_text_above(tmp_path):
    out = forms.render_form("BB-SHCB", sample_context("BB-SHCB"), tmp_path / "bb.docx")
    body = Document(str(out)).element.body
    table = body.findall(qn("w:tbl"))[-1]
    assert all(p.find(qn("w:pPr") + "/" + qn("w:keepNext")) is not None for p in table.iter(qn("w:p")))
    before = table.getprevious()
    while not "".join(t.text or "" for t in before.iter(qn("w:t"))).strip():
        before = before.getprevious()
    assert before.find(qn("w:pPr") + "/" + qn("w:keepNext")) is not None


def test_badge_list_stays_within_the_margins(tmp_path):
    out = forms.render_form("4-HHĐ", sample_context("4-HHĐ"), tmp_path / "hh.docx")
    document = Document(str(out))
    section = document.sections[0]
    text_width_mm = (section.page_width - section.left_margin - section.right_margin) / 36000
    grid = document.tables[1]._tbl
    widths = [int(c.get(qn("w:w"))) for c in grid.find(qn("w:tblGrid")).findall(qn("w:gridCol"))]
    assert sum(widths) / 56.7 <= text_width_mm + 0.5  # twips → mm
    indent = grid.find(qn("w:tblPr") + "/" + qn("w:tblInd"))
    assert indent is None or int(indent.get(qn("w:w"))) >= 0


def test_transfer_letters_say_official_or_probationary_and_name_the_destination(demo_db, secretary, tmp_path):
    from handbook_desktop.services.procedures import status

    with demo_db.immediate() as s:
        member = s.scalars(select(Member).where(Member.status == "official", Member.party_position == "member")
                           .order_by(Member.id.desc())).first()
        status.transfer_out(s, secretary, member.uuid, day=date(2026, 11, 10), destination="Chi bộ Tổ dân phố 7",
                            dues_paid_to=date(2026, 11, 1))
        uuid = member.uuid
    text = docx_text(export_form(demo_db, secretary, "1-SHĐ", tmp_path / "shd.docx", member_uuid=uuid,
                                 on=date(2026, 11, 12)))
    assert "chuyển sinh hoạt đi" not in text.split("Là đảng viên:")[1].split("\n")[0]
    assert "chính thức" in text.split("Là đảng viên:")[1].split("\n")[0]
    assert "Chi bộ Tổ dân phố 7" in text


def _edit(path, old_contains, new_text):
    document = Document(str(path))
    for paragraph in document.paragraphs:
        if old_contains in paragraph.text:
            for run in list(paragraph.runs):
                run._r.getparent().remove(run._r)
            paragraph.add_run(new_text)
            document.save(str(path))
            return
    raise AssertionError(old_contains)


def test_user_copy_dropping_a_required_field_is_refused_naming_it(tmp_path):
    copy = forms.make_user_copy("BB-SHCB")
    _edit(copy, "Vắng không có lý do", "- Vắng không có lý do: {{ meeting.attendance.absent_without_reason|length }} đồng chí.")
    with pytest.raises(UserError, match="absent_without_reason"):
        forms.render_form("BB-SHCB", sample_context("BB-SHCB"), tmp_path / "x.docx")
    assert not (tmp_path / "x.docx").exists()
    forms.remove_user_copy("BB-SHCB")
    copy = forms.make_user_copy("2-HSĐV")
    document = Document(str(copy))
    for paragraph in [p for t in document.tables for r in t.rows for c in r.cells for p in c.paragraphs]:
        if "member.full_name" in paragraph.text:
            for run in paragraph.runs:
                run.text = run.text.replace("member.full_name_upper", "member.alias").replace("member.full_name",
                                                                                             "member.alias")
    for paragraph in document.paragraphs:
        for run in paragraph.runs:
            run.text = run.text.replace("member.full_name_upper", "member.alias").replace("member.full_name", "member.alias")
    document.save(str(copy))
    problems = forms.check_template(copy, "2-HSĐV")
    assert any("member.full_name" in p.message for p in problems), [str(p) for p in problems]


def test_syntax_error_is_explained_in_vietnamese_with_the_paragraph(tmp_path):
    path = tmp_path / "t.docx"
    shutil.copyfile(forms.find_form("NQ-MCT").builtin_path, path)
    _edit(path, "-----", "{% if member.full_name %}chưa đóng")
    problem = forms.check_template(path, "NQ-MCT")[0]
    assert problem.place.startswith("đoạn") and "endif" in problem.message and "Jinja" not in problem.message
    _edit(path, "chưa đóng", "{{ member.full_name }")
    problem = forms.check_template(path, "NQ-MCT")[0]
    assert problem.place.startswith("đoạn") or problem.place.startswith("gần"), str(problem)


def test_merged_batch_numbers_pages_from_one_for_every_member(tmp_path):
    from handbook_desktop.services.progress import drain

    contexts = [sample_context("2-HSĐV") for _ in range(3)]
    out = drain(forms.render_batch("2-HSĐV", contexts, tmp_path / "all.docx"))
    xml = zipfile.ZipFile(out).read("word/document.xml").decode("utf-8")
    starts = xml.count('<w:pgNumType w:start="1"/>')
    assert xml.count("<w:sectPr") == 3 and starts == 3  # the last member's section too ("2 … 2 … 4" before)
