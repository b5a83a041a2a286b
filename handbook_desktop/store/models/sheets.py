"""Member sheets brought in: the column mapping the secretary set for a layout, kept for next time."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from handbook_desktop.store.base import Base, UTCDateTime, utcnow


class SheetLayout(Base):
    """One sheet layout (its header's words, hashed) and the field of each column, as last confirmed.
    Local to this installation: another branch's sheets look different."""

    __tablename__ = "sheet_layout"

    signature: Mapped[str] = mapped_column(String(64), primary_key=True)
    sheet_name: Mapped[str] = mapped_column(String(200), default="")
    mapping_json: Mapped[str] = mapped_column(Text)  # {"column index": "field key" or ""}
    username: Mapped[str] = mapped_column(String(60), default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
