"""The member register (issue 3): queries and search, records with validation, duplicates, history."""

from handbook_desktop.services.members.query import (  # noqa: F401
    AGE_BANDS, FirstPage, MemberFilter, count_members, fetch_page, first_page, iter_rows, member_ids, narrows,
    rows_by_ids, search_condition,
)
from handbook_desktop.services.members.records import (  # noqa: F401
    DuplicateMember, MemberInvalid, create_member, delete_member, find_duplicates, get_member, member_detail,
    member_history, member_summary, member_values, prepare_values, restore_member, set_photo, update_member,
)
from handbook_desktop.services.members.validation import Issue, validate_member  # noqa: F401
