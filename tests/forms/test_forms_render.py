"""Every form renders as a proper party document (DOMAIN.md §11) with its sample context."""

from __future__ import annotations

import unicodedata
import zipfile

import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Mm

from handbook_desktop.services import forms
from handbook_desktop.services.forms.samples import sample_context

CODES = [entry.code for entry in forms.catalog()]


def _all_text(document) -> str:
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                parts.append(cell.text)
    return "\n".join(parts)


def _runs(document):
    return list(document.element.body.iter(qn("w:r")))


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    folder = tmp_path_factory.mktemp("rendered")
    return {code: forms.render_form(code, sample_context(code), folder / f"{i}.docx") for i, code in enumerate(CODES)}


def test_catalogue_has_every_form_of_the_issue():
    expected = {"BB-SHCB", "BB-SHCĐ", "NQ-CB", "DS-KY", "DS-ĐV", "2-HSĐV", "6-KNĐ", "10-KNĐ", "11-KNĐ", "12-KNĐ",
                "13-KNĐ", "NQ-XT", "NQ-MCT", "4-HHĐ", "BC-THÁNG", "1-SHĐ", "2-SHĐ", "1-TĐV"}
    assert expected <= set(CODES)
    for entry in forms.catalog():
        assert entry.builtin_path.is_file(), entry.file
        assert entry.subject in {"member", "meeting", "unit", "list"}
        assert entry.notes, f"{entry.code}: write what is uncertain about the layout"


@pytest.mark.parametrize("code", CODES)
def test_form_renders_without_leftover_tags(rendered, code):
    xml = zipfile.ZipFile(rendered[code]).read("word/document.xml").decode("utf-8")
    assert "{{" not in xml and "{%" not in xml and "}}" not in xml
    text = _all_text(Document(str(rendered[code])))
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in text
    assert "None" not in text


@pytest.mark.parametrize("code", CODES)
def test_page_is_a4_with_rule_margins(rendered, code):
    margins = forms.margins_mm()
    for section in Document(str(rendered[code])).sections:
        assert abs(section.page_width - Mm(210)) < Mm(0.5)
        assert abs(section.page_height - Mm(297)) < Mm(0.5)
        assert abs(section.top_margin - Mm(margins["top"])) < Mm(0.5)
        assert abs(section.bottom_margin - Mm(margins["bottom"])) < Mm(0.5)
        assert abs(section.left_margin - Mm(margins["left"])) < Mm(0.5)
        assert abs(section.right_margin - Mm(margins["right"])) < Mm(0.5)


@pytest.mark.parametrize("code", CODES)
def test_every_run_and_style_is_times_new_roman_in_four_slots(rendered, code):
    document = Document(str(rendered[code]))
    runs = _runs(document)
    assert runs
    for run in runs:
        fonts = run.find(qn("w:rPr") + "/" + qn("w:rFonts"))
        assert fonts is not None
        for slot in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
            assert fonts.get(qn(slot)) == "Times New Roman", (code, slot)
        assert fonts.get(qn("w:asciiTheme")) is None
    for style in document.styles.element.findall(qn("w:style")):
        fonts = style.find(qn("w:rPr") + "/" + qn("w:rFonts"))
        assert fonts is not None and fonts.get(qn("w:cs")) == "Times New Roman"


@pytest.mark.parametrize("code", CODES)
def test_header_party_name_bold_15_and_italic_date_line(rendered, code):
    document = Document(str(rendered[code]))
    header = document.tables[0]
    right = header.rows[0].cells[1]
    party = [p for p in right.paragraphs if p.text == "ĐẢNG CỘNG SẢN VIỆT NAM"]
    assert party, code
    for run in party[0].runs:
        assert run.bold and run.font.size.pt == 15
    assert party[0]._p.find(qn("w:pPr") + "/" + qn("w:pBdr") + "/" + qn("w:bottom")) is not None
    date_lines = [p for p in right.paragraphs if "ngày 05 tháng 3 năm 2026" in p.text]
    assert date_lines and date_lines[0].text == "Hà Nội, ngày 05 tháng 3 năm 2026"
    assert all(run.italic for run in date_lines[0].runs if run.text.strip())
    left = header.rows[0].cells[0]
    issuing = [p for p in left.paragraphs if p.text == sample_context(code)["unit"]["name_upper"]]
    assert issuing and all(run.bold for run in issuing[0].runs)


def test_numbered_form_prints_its_number(rendered):
    document = Document(str(rendered["BB-SHCB"]))
    left = document.tables[0].rows[0].cells[0]
    assert "Số 05-BB/CB" in [p.text for p in left.paragraphs]


def test_minutes_signatures_recorder_left_chair_right(rendered):
    document = Document(str(rendered["BB-SHCB"]))
    last = document.tables[-1]
    left, right = last.rows[0].cells
    assert "THƯ KÝ" in left.text and "Phạm Quang Huy" in left.text
    assert "CHỦ TRÌ" in right.text and "Nguyễn Văn Bình" in right.text
    text = _all_text(document)
    assert "Vắng có lý do: 1 đồng chí" in text and "Hoàng Văn Nam: Đi công tác tại Đà Nẵng" in text
    assert "Vắng không có lý do: 1 đồng chí: Bùi Thị Thu" in text
    assert "tán thành 7/7" in text


def test_resolution_signs_for_the_branch_with_recipients(rendered):
    document = Document(str(rendered["NQ-CB"]))
    left, right = document.tables[-1].rows[0].cells
    assert "Nơi nhận:" in left.text and "- Lưu chi bộ." in left.text
    assert right.text.split("\n")[:2] == ["T/M CHI BỘ", "BÍ THƯ"]


def test_deputy_signs_k_t(tmp_path):
    context = sample_context("NQ-MCT")
    context["signer"] = forms.signer_context(context["unit"], deputy=True)
    document = Document(str(forms.render_form("NQ-MCT", context, tmp_path / "x.docx")))
    right = document.tables[-1].rows[0].cells[1].text
    assert right.startswith("T/M CHI BỘ\nK/T BÍ THƯ\nPHÓ BÍ THƯ") and "Trần Thị Hoa" in right


def test_names_with_ampersand_angle_and_decomposed_diacritics(tmp_path):
    context = sample_context("2-HSĐV")
    decomposed = unicodedata.normalize("NFD", "Nguyễn Thị Hồng")
    context["member"]["full_name_upper"] = f"{decomposed} & <Lan>".upper()
    context["member"]["birth_name"] = f"{decomposed} & <Lan>"
    out = forms.render_form("2-HSĐV", context, tmp_path / "names.docx")
    text = _all_text(Document(str(out)))
    assert "Nguyễn Thị Hồng & <Lan>" in text
    assert unicodedata.normalize("NFC", "NGUYỄN THỊ HỒNG & <LAN>") in text
    assert decomposed not in text


def test_page_numbers_from_page_two_centred_top(rendered):
    document = Document(str(rendered["BB-SHCB"]))
    section = document.sections[0]
    assert section.different_first_page_header_footer
    header_xml = section.header._element.xml
    assert "PAGE" in header_xml
    assert section.header.paragraphs[0].alignment == 1  # centre
    assert "PAGE" not in section.first_page_header._element.xml


def test_filters_vietnamese_dates_and_numbers():
    from datetime import date

    from handbook_desktop.services.forms.filters import date_line, number, percent, time_words, upper_vn

    assert date_line(date(2026, 3, 5), "Hà Nội") == "Hà Nội, ngày 05 tháng 3 năm 2026"
    assert date_line(date(2026, 2, 15), "Hà Nội") == "Hà Nội, ngày 15 tháng 02 năm 2026"
    assert date_line(date(2026, 12, 1), "") == "Ngày 01 tháng 12 năm 2026"
    assert number(1250000) == "1.250.000"
    assert percent(5, 7) == "71,4" and percent(7, 7) == "100" and percent("……", "……") == "……"
    assert time_words("14:05") == "14 giờ 05"
    assert upper_vn("Đảng bộ phường Hoàn Kiếm") == "ĐẢNG BỘ PHƯỜNG HOÀN KIẾM"


def test_unknown_code_is_a_vietnamese_error():
    from handbook_desktop.services.errors import UserError

    with pytest.raises(UserError, match="Không có biểu mẫu"):
        forms.find_form("XYZ")
    assert forms.find_form("bb-shcd").code == "BB-SHCĐ"


def test_multiline_text_keeps_its_lines(tmp_path):
    context = sample_context("BB-SHCB")
    context["meeting"]["agenda"][1]["content"] = "Dòng một.\nDòng hai & <ba>."
    out = forms.render_form("BB-SHCB", context, tmp_path / "nl.docx")
    xml = zipfile.ZipFile(out).read("word/document.xml").decode("utf-8")
    assert "Dòng một.</w:t><w:br/>" in xml and "Dòng hai &amp; &lt;ba&gt;." in xml
