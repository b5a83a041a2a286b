"""Member states (DOMAIN.md §2) with their stable English codes and Vietnamese labels.

The codes are what the database, the packages and ``--json`` carry; they never change once
released. The labels are what a secretary reads.
"""

from __future__ import annotations

from enum import Enum


class MemberStatus(str, Enum):
    CANDIDATE = "candidate"
    PROBATIONARY = "probationary"
    OFFICIAL = "official"
    EXEMPT = "exempt"
    TEMPORARILY_AWAY = "temporarily_away"
    VISITING = "visiting"
    TRANSFERRED_OUT = "transferred_out"
    REMOVED = "removed"
    EXPELLED = "expelled"
    DECEASED = "deceased"

    @property
    def label(self) -> str:
        return STATUS_LABELS[self]

    @property
    def in_headcount(self) -> bool:
        """Counts in the branch's đảng số (DOMAIN.md §2)."""
        return self in HEADCOUNT_STATES

    @property
    def is_current(self) -> bool:
        """Still on the branch's books (not gone for good)."""
        return self not in GONE_STATES


STATUS_LABELS = {
    MemberStatus.CANDIDATE: "Quần chúng ưu tú",
    MemberStatus.PROBATIONARY: "Đảng viên dự bị",
    MemberStatus.OFFICIAL: "Đảng viên chính thức",
    MemberStatus.EXEMPT: "Miễn công tác và sinh hoạt",
    MemberStatus.TEMPORARILY_AWAY: "Chuyển sinh hoạt tạm thời đi",
    MemberStatus.VISITING: "Sinh hoạt tạm thời đến",
    MemberStatus.TRANSFERRED_OUT: "Đã chuyển sinh hoạt đi",
    MemberStatus.REMOVED: "Xóa tên",
    MemberStatus.EXPELLED: "Khai trừ",
    MemberStatus.DECEASED: "Từ trần",
}

HEADCOUNT_STATES = frozenset(
    {MemberStatus.PROBATIONARY, MemberStatus.OFFICIAL, MemberStatus.EXEMPT, MemberStatus.TEMPORARILY_AWAY}
)
# The codes of HEADCOUNT_STATES, for queries (``Member.status.in_(HEADCOUNT_CODES)``): who pays dues, is
# rated, gets a lost card reissued — the members on the unit's register.
HEADCOUNT_CODES = tuple(sorted(s.value for s in HEADCOUNT_STATES))
GONE_STATES = frozenset(
    {MemberStatus.TRANSFERRED_OUT, MemberStatus.REMOVED, MemberStatus.EXPELLED, MemberStatus.DECEASED}
)


class Gender(str, Enum):
    MALE = "male"
    FEMALE = "female"

    @property
    def label(self) -> str:
        return "Nam" if self is Gender.MALE else "Nữ"


class PartyPosition(str, Enum):
    SECRETARY = "secretary"
    DEPUTY_SECRETARY = "deputy_secretary"
    COMMITTEE_MEMBER = "committee_member"
    MEMBER = "member"

    @property
    def label(self) -> str:
        return POSITION_LABELS[self]


POSITION_LABELS = {
    PartyPosition.SECRETARY: "Bí thư",
    PartyPosition.DEPUTY_SECRETARY: "Phó Bí thư",
    PartyPosition.COMMITTEE_MEMBER: "Chi ủy viên",
    PartyPosition.MEMBER: "Đảng viên",
}


class UnitLevel(str, Enum):
    """Levels of the tree of units; never hard-code which level sits above which (DOMAIN.md §1)."""

    BRANCH = "chi-bo"
    SUB_COMMITTEE = "dang-bo-bo-phan"
    GRASSROOTS_COMMITTEE = "dang-uy-co-so"
    COMMUNE_COMMITTEE = "dang-uy-xa-phuong"  # since 01/07/2025 directly under the province (294-QĐ/TW)
    PROVINCE = "tinh-thanh-uy"

    @property
    def label(self) -> str:
        return LEVEL_LABELS[self]

    @property
    def receives_packages(self) -> bool:
        return self is not UnitLevel.BRANCH

    @property
    def issues_decisions(self) -> bool:
        """A committee that decides for the branches under it (admission, official recognition, cards,
        transfers, discipline): đảng ủy cơ sở, xã/phường, tỉnh/thành ủy. A đảng bộ bộ phận passes the
        decisions of the đảng ủy above it on but does not make them (DOMAIN.md §1)."""
        return self in (UnitLevel.GRASSROOTS_COMMITTEE, UnitLevel.COMMUNE_COMMITTEE, UnitLevel.PROVINCE)


LEVEL_LABELS = {
    UnitLevel.BRANCH: "Chi bộ",
    UnitLevel.SUB_COMMITTEE: "Đảng bộ bộ phận",
    UnitLevel.GRASSROOTS_COMMITTEE: "Đảng ủy cơ sở",
    UnitLevel.COMMUNE_COMMITTEE: "Đảng ủy xã, phường, đặc khu",
    UnitLevel.PROVINCE: "Tỉnh ủy / Thành ủy",
}
