"""Finding members: filters, search as you type, counts and pages, all in SQL.

Search looks in ``member.search_key`` (kept by store.events): the accent-folded name token by
token, and a typed number against the start of the phone and of the card number (with or without
its dot). A full 12-digit CCCD finds its member exactly; a part of one finds nobody, so the list
cannot be used to guess one. Ordering is ``name_sort``; the covering index ``ix_member_list``
lets SQLite filter and page without touching the table, and the narrow ``ix_member_find`` counts.
A word of three letters or more is looked up in the substring index (store.search_index: FTS5
trigram on SQLite, pg_trgm on PostgreSQL, which the server uses for the same ``LIKE`` by itself),
so a keystroke does not scan the register at 200,000 or 500,000 members.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Iterator

from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy import text as text_clause
from sqlalchemy.orm import Session

from handbook_desktop.domain.dates import add_months
from handbook_desktop.domain.text import NUMBER_MARK, fold, number_digits
from handbook_desktop.services.units import foreign_member_unit_ids
from handbook_desktop.store import search_index
from handbook_desktop.store.models import Member, Unit

AGE_BANDS = {  # label → (min age, max age) in whole years
    "Dưới 30 tuổi": (None, 29),
    "30–45 tuổi": (30, 45),
    "46–60 tuổi": (46, 60),
    "61–75 tuổi": (61, 75),
    "Trên 75 tuổi": (76, None),
}
_NOT_DIGITS = re.compile(r"[\s.\-]")
_NUMBER_TYPED = re.compile(r"[+\d\s.\-()]+")


@dataclass(frozen=True)
class MemberFilter:
    search: str = ""
    statuses: tuple[str, ...] = ()
    positions: tuple[str, ...] = ()
    gender: str | None = None
    age_min: int | None = None
    age_max: int | None = None
    unit_id: int | None = None
    deleted: bool = False  # True: the trash (Thùng rác)
    on: date = field(default_factory=date.today)  # the day ages are counted on

    def with_search(self, text: str) -> "MemberFilter":
        return replace(self, search=text)


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _contains(text: str):
    return Member.search_key.like(f"%{_escape_like(text)}%", escape="\\")


def _indexable(text: str) -> bool:
    return len(text) >= search_index.MIN_CHARS and not any(ch in text for ch in "%_\\")


def _number_condition(digits: str) -> tuple[str | None, object | None]:
    """(the part looked up in the index, the rest of the condition)."""
    mark = NUMBER_MARK + digits  # the start of a phone or card number
    if len(digits) == 12:  # a whole CCCD, looked up by its own index
        return None, or_(_contains(mark), Member.id.in_(select(Member.id).where(Member.national_id == digits)))
    return mark, None


def _parts(text: str) -> list[tuple[str | None, object | None]]:
    raw = (text or "").strip()
    if not raw:
        return []
    if _NUMBER_TYPED.fullmatch(raw) and number_digits(raw):  # "0912 345", "01.23", "+84 912"
        return [_number_condition(number_digits(raw))]
    parts = []
    for token in fold(raw).split(" "):
        compact = _NOT_DIGITS.sub("", token)
        if compact.isdigit():
            parts.append(_number_condition(compact))
        elif token:
            parts.append((token, None))
    return parts


def _match(words: list[str]) -> str:
    """An FTS5 query: each word a phrase (with the trigram tokenizer: a substring), all of them."""
    return " AND ".join('"' + word.replace('"', '""') + '"' for word in words)


def search_condition(text: str, *, indexed: bool = False):
    """The WHERE clause for what the user typed; ``None`` when nothing was typed. ``indexed``: the
    words of three letters or more are found through the FTS5 trigram table (one ``id IN (…)``);
    shorter words and a whole CCCD keep their ``LIKE``."""
    words: list[str] = []
    conditions = []
    for word, condition in _parts(text):
        if condition is not None:
            conditions.append(condition)
        elif indexed and _indexable(word):
            words.append(word)
        else:
            conditions.append(_contains(word))
    if words:
        fts = search_index.fts_table
        found = select(fts.c.rowid).where(text_clause(f"{search_index.FTS} MATCH :fts_query").bindparams(
            fts_query=_match(words)))
        conditions.insert(0, Member.id.in_(found))
    return and_(*conditions) if conditions else None


def _indexed(session: Session) -> bool:
    """Whether this database has the FTS5 table (remembered per connection)."""
    connection = session.connection()
    if "member_fts" not in connection.info:
        connection.info["member_fts"] = search_index.present(connection)
    return connection.info["member_fts"]


# Up to this many index matches the rows are fetched by their id; above it the words are common
# ("nguyen", "thi") and the list's own index in name order finds the first page sooner.
SPARSE = 2000
# A search typed in the box counts its matches up to this many, then says "more than" (issue 18 §4):
# counting 200,000 "nguyen" of 500,000 members on PostgreSQL took up to a second per keystroke.
COUNT_CAP = 10_000
# A search starts from this many letters (or digits): one or two match nearly everyone and no index
# answers them (a trigram needs three), so every keystroke would read the whole register.
MIN_SEARCH = 3


def too_short(text: str) -> bool:
    """Whether the box holds something but too little to search by (fewer than ``MIN_SEARCH``
    letters or digits, spaces and marks aside): the list stays as if nothing were typed."""
    raw = (text or "").strip()
    if not raw:
        return False
    return sum(ch.isalnum() for ch in fold(raw)) < MIN_SEARCH


@dataclass(frozen=True)
class _Plan:
    indexed: bool  # the id IN (FTS) condition is used
    matches: int | None = None  # the FTS table's count, when every word went to it
    plain: bool = False  # nothing but the search box and the trash flag


def _plan(session: Session, flt: MemberFilter) -> _Plan:
    if not flt.search.strip() or not _indexed(session):
        return _Plan(False)
    parts = _parts(flt.search)
    words = [word for word, condition in parts if condition is None and _indexable(word)]
    if not words:
        return _Plan(False)
    fts = search_index.fts_table
    found = select(fts.c.rowid).where(text_clause(f"{search_index.FTS} MATCH :fts_query").bindparams(
        fts_query=_match(words)))
    # Sparse or not is known after SPARSE + 1 matches: a common word is not counted unless needed.
    seen = session.scalar(select(func.count()).select_from(found.limit(SPARSE + 1).subquery()))
    whole = len(words) == len(parts)
    plain = whole and replace(flt, search="", on=MemberFilter().on) == MemberFilter()
    if seen <= SPARSE:
        return _Plan(True, seen if whole else None, plain)
    if not plain:
        return _Plan(False)
    return _Plan(False, session.scalar(select(func.count()).select_from(found.subquery())), plain)


def _apply(statement: Select, flt: MemberFilter, foreign_units: list[int] = (), plan: _Plan = _Plan(False)
           ) -> Select:
    statement = statement.where(Member.deleted_at.is_not(None) if flt.deleted else Member.deleted_at.is_(None))
    if foreign_units:  # not members who moved to a unit outside ours
        statement = statement.where(Member.unit_id.not_in(foreign_units))
    condition = search_condition(flt.search, indexed=plan.indexed)
    if condition is not None:
        statement = statement.where(condition)
    if flt.statuses:
        statement = statement.where(Member.status.in_(flt.statuses))
    if flt.positions:
        statement = statement.where(Member.party_position.in_(flt.positions))
    if flt.gender:
        statement = statement.where(Member.gender == flt.gender)
    if flt.unit_id is not None:
        statement = statement.where(Member.unit_id == flt.unit_id)
    if flt.age_min is not None:  # at least age_min years old on the day
        statement = statement.where(Member.date_of_birth <= add_months(flt.on, -12 * flt.age_min))
    if flt.age_max is not None:  # not yet age_max + 1
        statement = statement.where(Member.date_of_birth > add_months(flt.on, -12 * (flt.age_max + 1)))
    return statement


def count_members(session: Session, flt: MemberFilter, foreign_units: list[int] | None = None,
                  plan: _Plan | None = None, cap: int | None = None) -> int:
    """How many match. ``foreign_units`` (from ``foreign_member_unit_ids``) may be passed by a
    caller that asks many times in a row, such as the list while the user types. ``cap``: count no
    further than ``cap + 1`` (the list while typing says "more than ``cap``")."""
    if foreign_units is None:
        foreign_units = foreign_member_unit_ids(session)
    plan = _plan(session, flt) if plan is None else plan
    if plan.plain and plan.matches is not None and not plan.indexed:
        # A common word: the index counts it at once; the few in the trash or moved away are taken off.
        like = search_condition(flt.search)
        away = session.scalar(select(func.count(Member.id)).where(Member.deleted_at.is_not(None), like)) or 0
        if foreign_units:
            away += session.scalar(select(func.count(Member.id)).where(
                Member.deleted_at.is_(None), Member.unit_id.in_(foreign_units), like)) or 0
        return plan.matches - away
    if cap is not None:
        found = _apply(select(Member.id), flt, foreign_units, plan).limit(cap + 1).subquery()
        return session.scalar(select(func.count()).select_from(found)) or 0
    return session.scalar(_apply(select(func.count(Member.id)), flt, foreign_units, plan)) or 0


def member_ids(session: Session, flt: MemberFilter, offset: int = 0, limit: int | None = None,
               foreign_units: list[int] | None = None) -> list[int]:
    if foreign_units is None:
        foreign_units = foreign_member_unit_ids(session)
    statement = _apply(select(Member.id), flt, foreign_units, _plan(session, flt)).order_by(Member.name_sort, Member.id).offset(offset)
    if limit is not None:
        statement = statement.limit(limit)
    return list(session.scalars(statement))


def narrows(old: MemberFilter, new: MemberFilter) -> bool:
    """Every member ``new`` finds is among those ``old`` found: the same filters, and the search
    only typed further (a longer word or one more word). Numbers are left out — a whole CCCD
    finds what its first eleven digits did not."""
    if replace(old, search="") != replace(new, search=""):
        return False
    before, after = fold(old.search).strip(), fold(new.search)
    if any(ch.isdigit() for ch in after) or not before:
        return False
    return after.startswith(before)


@dataclass(frozen=True)
class FirstPage:
    total: int
    rows: list[dict]
    ids: list[int]  # every match when ``total`` ≤ the page size, else the page's
    more: bool = False  # a typed search with more than COUNT_CAP matches: ``total`` is COUNT_CAP + 1
    short: bool = False  # too little typed to search by (``too_short``): the list as if nothing were typed


def first_page(session: Session, flt: MemberFilter, limit: int, foreign_units: list[int] | None = None,
               within: list[int] | None = None) -> FirstPage:
    """What the list shows after a keystroke: the first ``limit`` rows and the number of matches.

    The page is asked first; when it is not full it holds every match and no count is needed (a
    rare word would otherwise scan the index twice). ``within`` is every match of a search this
    one ``narrows``: the new matches are among those ids, found by their primary key.
    """
    if foreign_units is None:
        foreign_units = foreign_member_unit_ids(session)
    short = too_short(flt.search)
    if short:
        flt, within = flt.with_search(""), None
    plan = _plan(session, flt) if within is None else _Plan(False)
    statement = _apply(select(Member.id), flt, foreign_units, plan)
    if within is not None:
        statement = statement.where(Member.id.in_(within))
    ids = list(session.scalars(statement.order_by(Member.name_sort, Member.id).limit(limit)))
    cap = COUNT_CAP if flt.search.strip() else None  # the register itself, or a filter, is counted whole
    counted = len(ids) >= limit
    total = count_members(session, flt, foreign_units, plan, cap) if counted else len(ids)
    more = counted and cap is not None and total > cap
    return FirstPage(total, rows_by_ids(session, ids), ids, more, short)


LIST_FIELDS = (
    "uuid", "full_name", "gender", "date_of_birth", "status", "party_position", "decision_date", "ceremony_date",
    "official_date", "party_card_number", "card_issued_date", "record_number", "national_id", "phone", "hometown",
    "birth_place", "permanent_address", "ethnicity", "religion", "occupation", "workplace", "political_theory",
    "general_education", "professional_level", "version", "deleted_at", "birth_year",
)


def _full_fields() -> tuple[str, ...]:
    from handbook_desktop.services.members.fields import EDITABLE_KEYS

    return tuple(dict.fromkeys(LIST_FIELDS + tuple(EDITABLE_KEYS)))


def rows_by_ids(session: Session, ids: list[int], *, full: bool = False) -> list[dict]:
    """Plain rows (no photo) for the ids, in the order given; ``full`` adds every field of the record."""
    if not ids:
        return []
    names = _full_fields() if full else LIST_FIELDS
    columns = [getattr(Member, name) for name in names]
    statement = (
        select(Member.id, *columns, Unit.code, Unit.name)
        .join(Unit, Unit.id == Member.unit_id)
        .where(Member.id.in_(ids))
    )
    found = {}
    for row in session.execute(statement):
        values = dict(zip(("id", *names, "unit_code", "unit_name"), row))
        found[values["id"]] = values
    return [found[i] for i in ids if i in found]


def fetch_page(session: Session, flt: MemberFilter, offset: int, limit: int,
               foreign_units: list[int] | None = None) -> list[dict]:
    return rows_by_ids(session, member_ids(session, flt, offset, limit, foreign_units))


def iter_rows(session: Session, flt: MemberFilter, chunk: int = 2000, *, full: bool = False) -> Iterator[dict]:
    """Every matching row in list order, fetched in chunks (exports use ``full``)."""
    ids = member_ids(session, flt)
    for start in range(0, len(ids), chunk):
        yield from rows_by_ids(session, ids[start : start + chunk], full=full)


def branches(session: Session) -> list[tuple[int, str, str]]:
    """(id, code, name) of the units that hold members, for the committee's branch filter."""
    statement = (
        select(Unit.id, Unit.code, Unit.name)
        .where(Unit.deleted_at.is_(None), Unit.level == "chi-bo")
        .order_by(Unit.code)
    )
    return [tuple(row) for row in session.execute(statement)]


def namesake_tag(born, position: str | None) -> str:
    """«sinh 1958, Bí thư»: what tells two members of the same name apart in a picker (issue 11 §7)."""
    from handbook_desktop.domain.states import PartyPosition

    parts = [f"sinh {born.year}"] if born else []
    if position and position != PartyPosition.MEMBER.value:
        try:
            parts.append(PartyPosition(position).label)
        except ValueError:
            pass
    return ", ".join(parts)
