"""The fields of a member record (DOMAIN.md §3): label, tab, kind and the choices of each enumeration.

One table serves the editing dialog, the Excel export, the import template and the importer, so a
field has the same Vietnamese name everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass

from handbook_desktop.domain.dues import BASIS_LABELS
from handbook_desktop.domain.states import Gender, MemberStatus, PartyPosition

IDENTITY, PARTY, WORK, SOCIAL, NOTES = "identity", "party", "work", "social", "notes"
GROUP_LABELS = {
    IDENTITY: "Thông tin cá nhân",
    PARTY: "Thông tin đảng",
    WORK: "Công tác và đào tạo",
    SOCIAL: "Chính sách xã hội",
    NOTES: "Ghi chú",
}

# The 54 ethnic groups of Việt Nam (Danh mục các dân tộc Việt Nam, Tổng cục Thống kê).
ETHNICITIES = [
    "Kinh", "Tày", "Thái", "Mường", "Khmer", "Hoa", "Nùng", "Mông", "Dao", "Gia Rai", "Ê Đê", "Ba Na",
    "Sán Chay", "Chăm", "Cơ Ho", "Xơ Đăng", "Sán Dìu", "Hrê", "Ra Glai", "Mnông", "Thổ", "Stiêng",
    "Khơ Mú", "Bru - Vân Kiều", "Cơ Tu", "Giáy", "Tà Ôi", "Mạ", "Giẻ Triêng", "Co", "Chơ Ro", "Xinh Mun",
    "Hà Nhì", "Chu Ru", "Lào", "La Chí", "Kháng", "Phù Lá", "La Hủ", "La Ha", "Pà Thẻn", "Lự", "Ngái",
    "Chứt", "Lô Lô", "Mảng", "Cơ Lao", "Bố Y", "Cống", "Si La", "Pu Péo", "Rơ Măm", "Brâu", "Ơ Đu",
    "Người nước ngoài",
]
RELIGIONS = ["Không", "Phật giáo", "Công giáo", "Tin lành", "Cao Đài", "Hòa Hảo", "Hồi giáo", "Khác"]
GENERAL_EDUCATION = ["12/12", "10/10", "11/12", "10/12", "9/12", "9/10", "8/10", "7/10"]
POLITICAL_THEORY = ["Sơ cấp", "Trung cấp", "Cao cấp", "Cử nhân"]
ACADEMIC_DEGREES = ["Tiến sĩ khoa học", "Tiến sĩ", "Thạc sĩ"]
ACADEMIC_TITLES = ["Giáo sư", "Phó Giáo sư"]
SOCIAL_POLICY = ["Thương binh", "Bệnh binh", "Gia đình liệt sĩ", "Gia đình có công với cách mạng"]


@dataclass(frozen=True)
class Field:
    key: str
    label: str
    group: str
    kind: str = "text"  # text | date | enum | choice (free text with suggestions) | long
    choices: tuple[tuple[str, str], ...] = ()  # (stored value, label)
    synonyms: tuple[str, ...] = ()  # other headings people give the column in their own sheets
    sensitive: bool = False

    def label_of(self, value) -> str:
        for code, label in self.choices:
            if code == value:
                return label
        return "" if value is None else str(value)


def _same(values) -> tuple[tuple[str, str], ...]:
    return tuple((value, value) for value in values)


FIELDS: list[Field] = [
    Field("full_name", "Họ và tên", IDENTITY,
          synonyms=("Họ tên", "Ho ten", "Họ và tên đang dùng", "Họ tên đảng viên", "Tên đảng viên", "Họ và tên đảng viên")),
    Field("birth_name", "Họ tên khai sinh", IDENTITY),
    Field("alias", "Tên gọi khác", IDENTITY, synonyms=("Bí danh", "Tên gọi khác, bí danh")),
    Field("gender", "Giới tính", IDENTITY, "enum", tuple((g.value, g.label) for g in Gender),
          synonyms=("Nam/Nữ", "Nam, nữ", "Phái")),
    Field("date_of_birth", "Ngày sinh", IDENTITY, "date",
          synonyms=("Ngày tháng năm sinh", "Ngày, tháng, năm sinh", "Sinh ngày", "Năm sinh")),
    Field("birth_place", "Nơi sinh", IDENTITY, synonyms=("Nơi đăng ký khai sinh",)),
    Field("hometown", "Quê quán", IDENTITY, synonyms=("Nguyên quán",)),
    Field("permanent_address", "Nơi thường trú", IDENTITY,
          synonyms=("Địa chỉ thường trú", "Thường trú", "Địa chỉ", "Nơi ở hiện nay", "Chỗ ở hiện nay"), sensitive=True),
    Field("temporary_address", "Nơi tạm trú", IDENTITY, synonyms=("Tạm trú", "Địa chỉ tạm trú"), sensitive=True),
    Field("ethnicity", "Dân tộc", IDENTITY, "choice", _same(ETHNICITIES)),
    Field("religion", "Tôn giáo", IDENTITY, "choice", _same(RELIGIONS)),
    Field("national_id", "Số CCCD", IDENTITY,
          synonyms=("CCCD", "Số căn cước", "Căn cước công dân", "Số CCCD/CMND", "Số định danh", "Số căn cước công dân",
                    "Số định danh cá nhân"), sensitive=True),
    Field("phone", "Điện thoại", IDENTITY, synonyms=("Số điện thoại", "SĐT", "Điện thoại liên hệ", "Di động"),
          sensitive=True),
    Field("status", "Trạng thái", PARTY, "enum", tuple((s.value, s.label) for s in MemberStatus),
          synonyms=("Tình trạng", "Loại đảng viên", "Chính thức/Dự bị")),
    Field("decision_date", "Ngày quyết định kết nạp", PARTY, "date",
          synonyms=("Ngày vào Đảng", "Ngày kết nạp Đảng", "Ngày QĐ kết nạp", "Ngày kết nạp", "Kết nạp")),
    Field("ceremony_date", "Ngày lễ kết nạp", PARTY, "date", synonyms=("Ngày tổ chức lễ kết nạp", "Lễ kết nạp")),
    Field("admitted_in", "Chi bộ kết nạp", PARTY, synonyms=("Nơi kết nạp", "Kết nạp tại")),
    Field("introducer_1", "Người giới thiệu 1", PARTY, synonyms=("Người giới thiệu thứ nhất",)),
    Field("introducer_2", "Người giới thiệu 2", PARTY, synonyms=("Người giới thiệu thứ hai",)),
    Field("official_date", "Ngày chính thức", PARTY, "date",
          synonyms=("Ngày công nhận chính thức", "Ngày vào Đảng chính thức", "Chính thức")),
    Field("party_card_number", "Số thẻ đảng viên", PARTY,
          synonyms=("Số thẻ ĐV", "Số thẻ", "Số thẻ Đảng", "Số thẻ đảng")),
    Field("card_issued_date", "Ngày cấp thẻ", PARTY, "date", synonyms=("Ngày cấp thẻ đảng", "Ngày phát thẻ")),
    Field("record_number", "Số lý lịch", PARTY, synonyms=("Số lý lịch đảng viên", "Số LL", "Số LLĐV")),
    Field("party_position", "Chức vụ đảng", PARTY, "enum", tuple((p.value, p.label) for p in PartyPosition),
          synonyms=("Chức vụ Đảng", "Chức vụ trong chi bộ")),
    Field("awards", "Khen thưởng", PARTY, "long"),
    Field("discipline", "Kỷ luật", PARTY, "long"),
    Field("occupation", "Nghề nghiệp", WORK, synonyms=("Nghề nghiệp hiện nay",)),
    Field("workplace", "Đơn vị công tác", WORK, synonyms=("Nơi công tác", "Cơ quan công tác")),
    Field("government_position", "Chức vụ chính quyền, đoàn thể", WORK,
          synonyms=("Chức vụ chính quyền", "Chức vụ", "Chức vụ đoàn thể")),
    Field("youth_union_date", "Ngày vào Đoàn", WORK, "date", synonyms=("Ngày vào Đoàn TNCS",)),
    Field("general_education", "Giáo dục phổ thông", WORK, "choice", _same(GENERAL_EDUCATION),
          synonyms=("Trình độ văn hóa", "Văn hóa", "GDPT")),
    Field("professional_level", "Chuyên môn nghiệp vụ", WORK, synonyms=("Trình độ chuyên môn", "Chuyên môn")),
    Field("academic_degree", "Học vị", WORK, "choice", _same(ACADEMIC_DEGREES)),
    Field("academic_title", "Học hàm", WORK, "choice", _same(ACADEMIC_TITLES)),
    Field("political_theory", "Lý luận chính trị", WORK, "choice", _same(POLITICAL_THEORY),
          synonyms=("Trình độ lý luận chính trị", "LLCT", "Lý luận")),
    Field("foreign_language", "Ngoại ngữ", WORK),
    Field("it_skill", "Tin học", WORK),
    Field("social_policy", "Thương binh, gia đình chính sách", SOCIAL, "choice", _same(SOCIAL_POLICY),
          synonyms=("Chính sách", "Gia đình chính sách", "Đối tượng chính sách")),
    # The bases Đảng phí computes by, as suggestions (free text from old sheets is kept and read by
    # domain.dues.category_kind); once a basis is entered on Đảng phí, it writes its label here.
    Field("dues_category", "Đối tượng đảng phí", SOCIAL, "choice", _same(BASIS_LABELS.values())),
    Field("notes", "Ghi chú", NOTES, "long"),
]
FIELD_BY_KEY = {f.key: f for f in FIELDS}
DATE_FIELDS = [f.key for f in FIELDS if f.kind == "date"]
EDITABLE_KEYS = [f.key for f in FIELDS]
# The unit a member belongs to: a column of its own in a committee's sheets.
UNIT_LABEL = "Chi bộ"
UNIT_SYNONYMS = ("Mã chi bộ", "Tên chi bộ", "Chi bộ sinh hoạt", "Đơn vị", "Mã đơn vị")


def enum_code(field: Field, text: str | None) -> str | None:
    """The stored code of an enumeration from a code, its label or a loose spelling; None if unknown."""
    from handbook_desktop.domain.text import fold

    if text is None:
        return None
    wanted = fold(text)
    for code, label in field.choices:
        if wanted in (fold(code), fold(label)):
            return code
    extra = _LOOSE.get(field.key, {})
    return extra.get(wanted)


_LOOSE = {
    "gender": {"nu": "female", "f": "female", "m": "male", "trai": "male", "gai": "female"},
    "status": {
        "chinh thuc": "official", "du bi": "probationary", "dang vien du bi": "probationary",
        "dang vien chinh thuc": "official", "mien sinh hoat": "exempt", "mien cong tac": "exempt",
        "mien cong tac va sinh hoat dang": "exempt", "quan chung": "candidate", "doi tuong ket nap": "candidate",
        "tam thoi di": "temporarily_away", "sinh hoat tam thoi": "visiting", "tu tran": "deceased",
        "da chuyen di": "transferred_out", "chuyen sinh hoat chinh thuc di": "transferred_out",
    },
    "party_position": {
        "pho bi thu chi bo": "deputy_secretary", "bi thu chi bo": "secretary", "chi uy": "committee_member",
        "uy vien": "committee_member", "dv": "member", "": "member",
    },
}
