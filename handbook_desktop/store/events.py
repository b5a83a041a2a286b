"""Session hooks that keep every row honest without each service remembering to.

- every text value is NFC (decomposed input from Excel, macOS or old Word files compares equal);
- a member's ``name_fold`` and ``name_sort`` follow its ``full_name``, its ``search_key`` the name,
  phone and card number;
- a synced row's ``version`` goes up by one and ``updated_at`` moves on each real change.

A sync import that writes a peer's version sets ``session.info["keep_versions"] = True``.
"""

from __future__ import annotations

import unicodedata

from sqlalchemy import String, Text, event, inspect
from sqlalchemy.orm import Session

from handbook_desktop.domain.text import fold, name_sort_key, search_key
from handbook_desktop.store.base import Synced, utcnow


SHADOW_SOURCES = frozenset({"full_name", "phone", "party_card_number"})


def member_shadow_columns(full_name: str, phone: str | None = None, party_card_number: str | None = None
                          ) -> dict[str, str]:
    """The shadow columns of a member; also used by bulk inserts that bypass the session."""
    folded = fold(full_name)
    return {"name_fold": folded, "name_sort": name_sort_key(full_name),
            "search_key": search_key(full_name, phone, party_card_number, folded=folded)}


def _normalise_text(obj) -> None:
    mapper = inspect(obj).mapper
    for column in mapper.columns:
        if isinstance(column.type, (String, Text)):
            value = getattr(obj, column.key, None)
            if isinstance(value, str) and not unicodedata.is_normalized("NFC", value):
                setattr(obj, column.key, unicodedata.normalize("NFC", value))


def _refresh_shadow(obj) -> None:
    if hasattr(obj, "name_fold") and hasattr(obj, "full_name") and obj.full_name:
        shadow = member_shadow_columns(obj.full_name, obj.phone, obj.party_card_number)
        for key, value in shadow.items():
            if getattr(obj, key) != value:
                setattr(obj, key, value)


@event.listens_for(Session, "before_flush")
def _before_flush(session: Session, flush_context, instances) -> None:
    keep_versions = session.info.get("keep_versions", False)
    for obj in session.new:
        _normalise_text(obj)
        _refresh_shadow(obj)
    for obj in session.dirty:
        if not session.is_modified(obj, include_collections=False):
            continue
        _normalise_text(obj)
        _refresh_shadow(obj)
        if isinstance(obj, Synced) and not keep_versions:
            state = inspect(obj)
            if not state.attrs.version.history.has_changes():
                obj.version = (obj.version or 0) + 1
            obj.updated_at = utcnow()
