"""A complete sample context for every form of the catalogue (tests, docs pictures, template check).

These dictionaries are the contract between the templates and the code that fills them: a key
used by a template must appear here, and the services that build a real context (members,
meetings, procedures) build the same keys. Dates are ``datetime.date``; the templates format
them with the filters of ``forms.filters`` (``|d``, ``|date_line``, ``|date_words``, ``|upper``).

Keys every form gets (``common()``):
  unit      code, name, name_upper, higher_body, higher_body_upper, higher_committee (the body
            that receives: "Đảng ủy phường …"), place, issuer ("CB"/"ĐU"),
            level, level_label, org_upper ("CHI BỘ"/"ĐẢNG ỦY": for "T/M …"), secretary, deputy_secretary
  doc       code (form code), title, number (int or None), number_text ("05-BB/CB"; for a document
            without a number "    -DS/CB" so that it can be written by hand), date, type (NQ, BB…),
            draft (True: a meeting not yet held, printed with "DỰ THẢO" and no number)
  signer    lines (["T/M CHI BỘ", "BÍ THƯ"], or ["T/M CHI BỘ", "K/T BÍ THƯ", "PHÓ BÍ THƯ"]), name
  recipients  list of lines without the leading "- " (the last one "Lưu chi bộ." or similar)

Meeting forms (BB-SHCB regular minutes, BB-SHCĐ thematic minutes, NQ-CB resolution, DS-KY sign
sheet) get ``meeting``:
  uuid, kind ("regular" | "thematic" | "combined"), kind_label ("thường kỳ" / "chuyên đề"),
  period_label ("tháng 3 năm 2026"), topic (thematic topic or ""), presenter {name, position}
  (thematic), date, start_time "HH:MM", end_time "HH:MM", closing_time "HH:MM", place,
  chair {name, position}, recorder {name, position},
  attendance:
    total (official + probationary in the headcount), official, probationary,
    visiting (temporarily attending here from elsewhere), exempt, away (temporarily away),
    summoned (official not exempt nor away + probationary) = present_summoned + absent with reason
    + absent without reason (+ unmarked names, only on a draft), exempt_present (exempt members who came),
    present_official + present_probationary = present_summoned, present_visiting, present_total (everyone
    in the room: present_summoned + exempt_present + present_visiting), present_percent (of the summoned),
    absent_with_reason [{name, reason}], absent_without_reason [name, …], guests [{name, position}],
    denominator (DOMAIN §5)
  agenda [{title, content, speeches [{speaker, text}], conclusion}]
  votes [{subject, kind_label, method_label, votes_for, votes_against, abstain, denominator,
          required, passed}]
  rating_label (the meeting's quality rating, e.g. "Tốt"), rating_note
  minutes_approval {votes_for, votes_against, abstain, present}
  roster [{name, position_label, status_label}] (sign sheet: everyone summoned, Vietnamese name order)
  resolution (NQ-CB) {period_label, next_period_label, bases [..], achievements [..],
          shortcomings [..], tasks [..], implementation}
Member forms get ``member`` (see ``context.member_context``: full_name, display_name (the full name, with
"(sinh năm 1958)" added where another member of the issuing unit shares it), full_name_upper,
gender_label, date_of_birth, hometown, … every field of DOMAIN §3) and, by form:
  6-KNĐ / 13-KNĐ / NQ-XT / NQ-MCT  case {meeting_date, official_total, present_official,
          absent_official, denominator, strengths, weaknesses, reason, vote {as in votes}}
          (13-KNĐ also probation_start, probation_end; NQ-MCT exemption_from, application_date)
  10-KNĐ  review {probation_start, probation_end, political, ethics, tasks, relations, strengths,
          weaknesses, direction, branch_opinion}
  11-KNĐ  helper {name, position}, assessment {strengths, weaknesses, conclusion}
  12-KNĐ  opinions [{organisation, summary}], summary
  1-SHĐ / 2-SHĐ  transfer {from_branch, to_body, to_branch, standing ("chính thức" / "dự bị"), reason,
          dues_paid_to, present_within_days,
          valid_from, valid_until, register_number}
List forms: DS-ĐV ``filter_label``, ``members`` [member + branch_name, group_heading (at a committee, on the
first member of each branch: "Chi bộ … (12 đồng chí)")]; 4-HHĐ ``occasion``, ``members`` [member + badge_years,
badge_note, branch_name, group_heading as DS-ĐV's]; 1-TĐV ``purpose`` (the summary line), ``members`` [member +
branch_name]. BC-THÁNG ``report`` {period_label, body_label ("chi bộ" / "Đảng bộ"),
headcount {total, official, probationary, exempt, away, branches (at a committee)}, changes [..], meetings [..], situation [..], results [..], limitations [..], next_tasks [..],
proposals [..]}.
"""

from __future__ import annotations

import copy
from datetime import date

_TODAY = date(2026, 3, 5)


def common(form_code: str = "", doc_type: str | None = None, number: int | None = 5,
           issuer: str = "CB") -> dict:
    number_text = f"{number:02d}-{doc_type}/{issuer}" if (number and doc_type) else f"    -{doc_type or 'CV'}/{issuer}"
    return {
        "unit": {
            "code": "CB-KDC5",
            "name": "Chi bộ Khu dân cư số 5",
            "name_upper": "CHI BỘ KHU DÂN CƯ SỐ 5",
            "higher_body": "Đảng bộ phường Hoàn Kiếm",
            "higher_body_upper": "ĐẢNG BỘ PHƯỜNG HOÀN KIẾM",
            "higher_committee": "Đảng ủy phường Hoàn Kiếm",
            "place": "Hà Nội",
            "issuer": issuer,
            "level": "chi-bo",
            "level_label": "Chi bộ",
            "org_upper": "CHI BỘ",
            "secretary": "Nguyễn Văn Bình",
            "deputy_secretary": "Trần Thị Hoa",
        },
        "doc": {"code": form_code, "title": "", "number": number if doc_type else None,
                "number_text": number_text, "date": _TODAY, "type": doc_type or "", "draft": False},
        "signer": {"lines": ["T/M CHI BỘ", "BÍ THƯ"], "name": "Nguyễn Văn Bình"},
        "recipients": ["Đảng ủy phường Hoàn Kiếm (để báo cáo),", "Đảng viên trong chi bộ,", "Lưu chi bộ."],
    }


def sample_member(**overrides) -> dict:
    member = {
        "uuid": "7d0c3c52-1a0e-4d3c-9a51-3f1e0c6b2a10",
        "full_name": "Lê Thị Mai",
        "full_name_upper": "LÊ THỊ MAI",
        "birth_name": "Lê Thị Mai",
        "alias": "",
        "gender": "female",
        "gender_label": "Nữ",
        "date_of_birth": date(1985, 9, 2),
        "year_of_birth": 1985,
        "birth_place": "Xã Liên Bạt, huyện Ứng Hòa, Hà Nội",
        "hometown": "Xã Liên Bạt, huyện Ứng Hòa, Hà Nội",
        "permanent_address": "Số 12 ngõ 5 phố Hàng Bạc, phường Hoàn Kiếm, Hà Nội",
        "temporary_address": "",
        "ethnicity": "Kinh",
        "religion": "Không",
        "national_id": "001185012345",
        "phone": "0912345678",
        "decision_date": date(2012, 5, 10),
        "ceremony_date": date(2012, 6, 1),
        "admitted_in": "Chi bộ Khu dân cư số 5",
        "introducer_1": "Nguyễn Văn Bình",
        "introducer_2": "Phạm Quang Huy",
        "official_date": date(2013, 6, 1),
        "party_card_number": "01.234567",
        "card_issued_date": date(2013, 11, 7),
        "record_number": "123456HN",
        "position": "member",
        "position_label": "Đảng viên",
        "status": "official",
        "status_label": "Đảng viên chính thức",
        "awards": "Giấy khen của Đảng ủy phường năm 2024",
        "discipline": "",
        "occupation": "Giáo viên",
        "workplace": "Trường THCS Ngô Sĩ Liên",
        "government_position": "Tổ trưởng chuyên môn",
        "youth_union_date": date(2000, 3, 26),
        "general_education": "12/12",
        "professional_level": "Đại học Sư phạm Ngữ văn",
        "academic_degree": "Thạc sĩ",
        "academic_title": "",
        "political_theory": "Trung cấp",
        "foreign_language": "Tiếng Anh B1",
        "it_skill": "Ứng dụng CNTT cơ bản",
        "social_policy": "",
        "dues_category": "",
        "notes": "",
        "unit_name": "Chi bộ Khu dân cư số 5",
        "party_age_years": 13,
    }
    member.update(overrides)
    member.setdefault("display_name", member["full_name"])  # the name with the birth year for a namesake
    return member


_ROSTER_NAMES = [
    ("Nguyễn Văn Bình", "Bí thư", "Đảng viên chính thức"),
    ("Trần Thị Hoa", "Phó Bí thư", "Đảng viên chính thức"),
    ("Phạm Quang Huy", "Chi ủy viên", "Đảng viên chính thức"),
    ("Lê Thị Mai", "Đảng viên", "Đảng viên chính thức"),
    ("Đỗ Minh Tuấn", "Đảng viên", "Đảng viên chính thức"),
    ("Vũ Thị Lan", "Đảng viên", "Đảng viên chính thức"),
    ("Hoàng Văn Nam", "Đảng viên", "Đảng viên chính thức"),
    ("Bùi Thị Thu", "Đảng viên", "Đảng viên chính thức"),
    ("Ngô Đức Thắng", "Đảng viên", "Miễn công tác và sinh hoạt"),
    ("Đặng Thị Yến", "Đảng viên", "Đảng viên dự bị"),
    ("Trịnh Văn Long", "Đảng viên", "Đảng viên dự bị"),
    ("Phan Thị Ngọc", "Đảng viên", "Sinh hoạt tạm thời đến"),
]


def _vote(subject, kind_label, votes_for, denominator, required, *, against=0, abstain=0,
          method="Giơ thẻ đảng viên"):
    return {"subject": subject, "kind_label": kind_label, "method_label": method,
            "votes_for": votes_for, "votes_against": against, "abstain": abstain,
            "denominator": denominator, "required": required, "passed": votes_for >= required}


def sample_meeting(kind: str = "regular") -> dict:
    thematic = kind == "thematic"
    return {
        "uuid": "2f6a9c1e-8b7d-4e52-a3c1-0d9e8f7a6b5c",
        "kind": kind,
        "kind_label": "chuyên đề" if thematic else "thường kỳ",
        "period_label": "tháng 3 năm 2026",
        "topic": "Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh về xây dựng Đảng" if thematic else "",
        "presenter": {"name": "Trần Thị Hoa", "position": "Phó Bí thư chi bộ"} if thematic else {"name": "", "position": ""},
        "date": _TODAY,
        "start_time": "14:00",
        "end_time": "16:15",
        "closing_time": "16:15",
        "place": "Nhà văn hóa Khu dân cư số 5, số 20 phố Hàng Bạc",
        "chair": {"name": "Nguyễn Văn Bình", "position": "Bí thư chi bộ"},
        "recorder": {"name": "Phạm Quang Huy", "position": "Chi ủy viên"},
        "attendance": {
            "total": 11, "official": 9, "probationary": 2, "visiting": 1, "exempt": 1, "away": 0,
            "summoned": 10, "present_summoned": 8, "exempt_present": 1, "unmarked": [],
            "present_total": 10, "present_official": 6, "present_probationary": 2, "present_visiting": 1,
            "present_percent": 80,
            "absent_with_reason": [{"name": "Hoàng Văn Nam", "reason": "Đi công tác tại Đà Nẵng"}],
            "absent_without_reason": ["Bùi Thị Thu"],
            "guests": [{"name": "Đồng chí Vũ Văn Khải", "position": "Đảng ủy viên, phụ trách địa bàn"}],
            "denominator": 7,
        },
        "agenda": [
            {"title": "Thông tin thời sự và văn bản mới của cấp trên",
             "content": "Đồng chí Bí thư phổ biến Nghị quyết của Đảng ủy phường về nhiệm vụ quý I năm 2026.",
             "speeches": [], "conclusion": ""},
            {"title": "Đánh giá kết quả thực hiện nhiệm vụ tháng 2 năm 2026",
             "content": "Đồng chí Phó Bí thư báo cáo kết quả: 100% đảng viên đóng đảng phí đúng hạn; tổ chức tốt đợt vệ sinh môi trường dịp Tết.",
             "speeches": [
                 {"speaker": "Đồng chí Lê Thị Mai", "text": "Đề nghị chi bộ quan tâm hơn đến việc nắm tình hình các hộ thuê trọ & người lao động tự do."},
                 {"speaker": "Đồng chí Đỗ Minh Tuấn", "text": "Nhất trí với báo cáo; đề nghị bổ sung kết quả công tác an ninh trật tự."},
             ],
             "conclusion": "Chi bộ thống nhất đánh giá chi bộ hoàn thành tốt nhiệm vụ tháng 2 năm 2026."},
            {"title": "Phương hướng, nhiệm vụ tháng 3 năm 2026",
             "content": "Tổ chức các hoạt động kỷ niệm Ngày Quốc tế Phụ nữ 8/3 và Ngày thành lập Đoàn 26/3; rà soát đảng viên đủ điều kiện tặng Huy hiệu Đảng.",
             "speeches": [{"speaker": "Đồng chí Trần Thị Hoa", "text": "Đề nghị phân công đồng chí Vũ Thị Lan phụ trách việc rà soát hồ sơ."}],
             "conclusion": "Chi bộ thống nhất các nhiệm vụ tháng 3 như dự thảo nghị quyết."},
        ],
        "votes": [
            _vote("Thông qua Nghị quyết chi bộ tháng 3 năm 2026", "Nghị quyết thường (quá 1/2)", 7, 7, 4),
        ],
        "rating_label": "Tốt",
        "rating_note": "Sinh hoạt đúng thời gian, nội dung thiết thực, đảng viên phát biểu sôi nổi.",
        "minutes_approval": {"votes_for": 10, "votes_against": 0, "abstain": 0, "present": 10},
        "roster": [{"name": name, "position_label": position, "status_label": status}
                   for name, position, status in _ROSTER_NAMES],
        "resolution": {
            "period_label": "tháng 2 năm 2026",
            "next_period_label": "tháng 3 năm 2026",
            "bases": ["Điều lệ Đảng Cộng sản Việt Nam;",
                      "Nghị quyết của Đảng ủy phường Hoàn Kiếm về nhiệm vụ năm 2026;",
                      "Kết quả thảo luận của chi bộ tại kỳ sinh hoạt ngày 05/3/2026."],
            "achievements": ["100% đảng viên đóng đảng phí đúng hạn.",
                             "Tổ chức tốt đợt vệ sinh môi trường khu dân cư dịp Tết Nguyên đán."],
            "shortcomings": ["Còn 01 đảng viên vắng sinh hoạt không có lý do."],
            "tasks": ["Tổ chức kỷ niệm Ngày Quốc tế Phụ nữ 8/3 và Ngày thành lập Đoàn 26/3.",
                      "Rà soát đảng viên đủ điều kiện tặng Huy hiệu Đảng đợt 19/5/2026.",
                      "Nắm tình hình các hộ thuê trọ, người lao động tự do trên địa bàn."],
            "implementation": "Chi ủy phân công đảng viên phụ trách từng nhiệm vụ; các đồng chí đảng viên có trách nhiệm thực hiện nghị quyết này.",
        },
    }


def _case(**extra) -> dict:
    case = {
        "meeting_date": date(2026, 3, 5),
        "official_total": 9, "present_official": 7, "absent_official": 2, "denominator": 7,
        "strengths": "Có lập trường tư tưởng vững vàng; gương mẫu trong công tác và sinh hoạt nơi cư trú.",
        "weaknesses": "Đôi khi chưa mạnh dạn trong phê bình.",
        "reason": "",
        "vote": _vote("", "Từ 2/3 trở lên", 7, 7, 5),
    }
    case.update(extra)
    return case


def _list_members() -> list[dict]:
    rows = []
    for i, (name, position, status) in enumerate(_ROSTER_NAMES[:8]):
        rows.append(sample_member(full_name=name, full_name_upper=name.upper(), position_label=position,
                                  status_label=status, date_of_birth=date(1950 + 3 * i, 1 + i, 10 + i),
                                  party_card_number=f"01.23{i:04d}", badge_years=[30, 40, 45, 50, 55, 60, 30, 40][i],
                                  branch_name="Chi bộ Khu dân cư số 5", badge_note="", group_heading=""))
    return rows


def sample_context(code: str) -> dict:
    """The complete sample context of form ``code`` (a fresh copy each call)."""
    from handbook_desktop.services.forms.catalog import find_form

    entry = find_form(code)
    builder = _BUILDERS[entry.code]
    context = common(entry.code, entry.doc_type, issuer="ĐU" if entry.scope == "committee" else "CB")
    if not entry.doc_type:
        context["doc"]["number_text"] = f"    -{entry.print_type or 'CV'}/CB"
    context["doc"]["title"] = entry.title
    if entry.scope == "committee":
        context["unit"].update({
            "code": "DU-HK", "name": "Đảng ủy phường Hoàn Kiếm", "name_upper": "ĐẢNG ỦY PHƯỜNG HOÀN KIẾM",
            "higher_body": "Đảng bộ Thành phố Hà Nội", "higher_body_upper": "ĐẢNG BỘ THÀNH PHỐ HÀ NỘI",
            "higher_committee": "Thành ủy Hà Nội",
            "level": "dang-uy-co-so", "level_label": "Đảng ủy cơ sở", "org_upper": "ĐẢNG ỦY",
            "secretary": "Đinh Công Sơn", "deputy_secretary": "Lương Thị Hằng",
        })
        context["signer"] = {"lines": ["T/M ĐẢNG ỦY", "K/T BÍ THƯ", "PHÓ BÍ THƯ"], "name": "Lương Thị Hằng"}
        context["recipients"] = ["Như trên,", "Chi bộ Khu dân cư số 5,", "Lưu văn phòng."]
    context.update(builder())
    return copy.deepcopy(context)


def _meeting_forms(kind):
    def build():
        return {"meeting": sample_meeting(kind)}
    return build


_BUILDERS = {
    "BB-SHCB": _meeting_forms("regular"),
    "BB-SHCĐ": _meeting_forms("thematic"),
    "NQ-CB": _meeting_forms("regular"),
    "DS-KY": _meeting_forms("regular"),
    "DS-ĐV": lambda: {"filter_label": "Đảng viên đang sinh hoạt (chính thức và dự bị)", "members": _list_members()},
    "2-HSĐV": lambda: {"member": sample_member()},
    "6-KNĐ": lambda: {"member": sample_member(full_name="Nguyễn Thị Thu Trang", full_name_upper="NGUYỄN THỊ THU TRANG",
                                               status="candidate", status_label="Quần chúng ưu tú",
                                               date_of_birth=date(1998, 4, 12), decision_date=None, ceremony_date=None,
                                               official_date=None, party_card_number="", record_number=""),
                      "case": _case()},
    "10-KNĐ": lambda: {"member": sample_member(status="probationary", status_label="Đảng viên dự bị",
                                                decision_date=date(2025, 2, 20), ceremony_date=date(2025, 3, 3),
                                                official_date=None),
                       "review": {"probation_start": date(2025, 3, 3), "probation_end": date(2026, 3, 3),
                                  "political": "Luôn trung thành với mục tiêu, lý tưởng của Đảng; chấp hành nghiêm chủ trương, đường lối của Đảng.",
                                  "ethics": "Có lối sống giản dị, lành mạnh; giữ mối quan hệ tốt với nhân dân nơi cư trú.",
                                  "tasks": "Hoàn thành tốt nhiệm vụ chuyên môn; tham gia đầy đủ sinh hoạt chi bộ.",
                                  "relations": "Đoàn kết, giúp đỡ đồng nghiệp và bà con khu dân cư.",
                                  "strengths": "Nhiệt tình, trách nhiệm trong công việc được giao.",
                                  "weaknesses": "Kinh nghiệm công tác vận động quần chúng còn ít.",
                                  "direction": "Tiếp tục học tập, rèn luyện; phát huy ưu điểm, khắc phục khuyết điểm.",
                                  "branch_opinion": "Chi ủy nhất trí với bản tự kiểm điểm của đồng chí."}},
    "11-KNĐ": lambda: {"member": sample_member(status="probationary", status_label="Đảng viên dự bị",
                                                ceremony_date=date(2025, 3, 3), official_date=None),
                       "helper": {"name": "Nguyễn Văn Bình", "position": "Bí thư chi bộ"},
                       "assessment": {"strengths": "Chấp hành tốt chủ trương của Đảng; hoàn thành tốt nhiệm vụ được giao.",
                                      "weaknesses": "Cần mạnh dạn hơn trong tự phê bình và phê bình.",
                                      "conclusion": "Đề nghị chi bộ xét, đề nghị cấp ủy cấp trên công nhận đồng chí là đảng viên chính thức."}},
    "12-KNĐ": lambda: {"member": sample_member(status="probationary", status_label="Đảng viên dự bị",
                                                ceremony_date=date(2025, 3, 3), official_date=None),
                       "opinions": [{"organisation": "Công đoàn Trường THCS Ngô Sĩ Liên", "summary": "Hoàn thành tốt nhiệm vụ; được đồng nghiệp tín nhiệm."},
                                    {"organisation": "Chi ủy Chi bộ Khu dân cư số 5 (nơi cư trú)", "summary": "Gương mẫu thực hiện nghĩa vụ công dân nơi cư trú."}],
                       "summary": "Các ý kiến nhận xét đều đánh giá đồng chí đủ tư cách đảng viên."},
    "13-KNĐ": lambda: {"member": sample_member(status="probationary", status_label="Đảng viên dự bị",
                                                decision_date=date(2025, 2, 20), ceremony_date=date(2025, 3, 3),
                                                official_date=None),
                       "case": _case(probation_start=date(2025, 3, 3), probation_end=date(2026, 3, 3))},
    "NQ-XT": lambda: {"member": sample_member(full_name="Trịnh Văn Long", full_name_upper="TRỊNH VĂN LONG"),
                      "case": _case(reason="Bỏ sinh hoạt chi bộ 3 tháng trong năm 2025 (tháng 6, 8 và 9) không có lý do chính đáng.",
                                    vote=_vote("", "Quá 1/2", 6, 7, 4, against=1))},
    "NQ-MCT": lambda: {"member": sample_member(full_name="Ngô Đức Thắng", full_name_upper="NGÔ ĐỨC THẮNG",
                                                date_of_birth=date(1940, 8, 19)),
                       "case": _case(reason="Tuổi cao, sức khỏe yếu (86 tuổi), có đơn xin miễn công tác và sinh hoạt đảng.",
                                     exemption_from=date(2026, 4, 1), application_date=date(2026, 2, 20),
                                     vote=_vote("", "Quá 1/2", 7, 7, 4))},
    "4-HHĐ": lambda: {"occasion": "dịp kỷ niệm 96 năm Ngày thành lập Đảng (03/02/2026)", "members": _list_members()},
    "BC-THÁNG": lambda: {"report": {
        "period_label": "tháng 2 năm 2026",
        "body_label": "chi bộ",
        "headcount": {"total": 11, "official": 9, "probationary": 2, "exempt": 1, "away": 0, "branches": 0},
        "changes": ["Tiếp nhận 01 đảng viên sinh hoạt tạm thời đến (đồng chí Phan Thị Ngọc)."],
        "meetings": ["Sinh hoạt thường kỳ ngày 05/02/2026: có mặt 10/11 đảng viên (90,9%); xếp loại Tốt."],
        "situation": ["Tình hình chính trị, an ninh trật tự trên địa bàn ổn định; nhân dân phấn khởi đón Tết."],
        "results": ["100% đảng viên đóng đảng phí đúng hạn: tổng số 1.250.000 đồng.",
                    "Tổ chức vệ sinh môi trường khu dân cư dịp Tết Nguyên đán."],
        "limitations": ["Còn 01 đảng viên vắng sinh hoạt không có lý do."],
        "next_tasks": ["Tổ chức kỷ niệm Ngày Quốc tế Phụ nữ 8/3.", "Rà soát đảng viên đủ điều kiện tặng Huy hiệu Đảng."],
        "proposals": ["Đề nghị Đảng ủy phường sớm trao Huy hiệu Đảng cho 02 đảng viên của chi bộ."],
    }},
    "1-SHĐ": lambda: {"member": sample_member(),
                      "transfer": {"from_branch": "Chi bộ Khu dân cư số 5", "to_body": "Đảng ủy phường Cầu Giấy",
                                   "to_branch": "", "standing": "chính thức", "reason": "Chuyển nơi cư trú", "dues_paid_to": "tháng 02/2026",
                                   "present_within_days": 30, "valid_from": None, "valid_until": None,
                                   "register_number": "125"}},
    "2-SHĐ": lambda: {"member": sample_member(),
                      "transfer": {"from_branch": "Chi bộ Khu dân cư số 5", "to_body": "Đảng ủy Trường Đại học Sư phạm Hà Nội",
                                   "to_branch": "", "standing": "chính thức", "reason": "Đi học tập trung", "dues_paid_to": "tháng 02/2026",
                                   "present_within_days": 30, "valid_from": date(2026, 3, 10), "valid_until": date(2027, 3, 10),
                                   "register_number": "126"}},
    "1-TĐV": lambda: {"purpose": "Đảng viên bị mất thẻ đề nghị cấp lại thẻ đảng viên", "members": _list_members()[:5]},
}
