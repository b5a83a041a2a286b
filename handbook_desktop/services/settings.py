"""Installation settings kept in the database (``setting`` table), as JSON values."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy.orm import Session

from handbook_desktop.store.models import Setting


def get_setting(session: Session, key: str, default: Any = None) -> Any:
    row = session.get(Setting, key)
    return default if row is None else json.loads(row.value_json)


def set_setting(session: Session, key: str, value: Any) -> None:
    row = session.get(Setting, key)
    text = json.dumps(value, ensure_ascii=False)
    if row is None:
        session.add(Setting(key=key, value_json=text))
    else:
        row.value_json = text
