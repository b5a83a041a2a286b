"""The register of issued documents: one number per issuer, document type and committee term."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Date, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from handbook_desktop.store.base import Base, Synced


class IssuedDocument(Synced, Base):
    """A numbered document (DOMAIN.md §11): ``05-BB/CB`` is number 5 of type BB of issuer CB.

    The counter restarts at 01 with each committee term (``term_start``), never per year; a number
    once given is kept when the same document is exported again and never reused, even when the
    row is withdrawn (``deleted_at``).
    """

    __tablename__ = "issued_document"
    __table_args__ = (
        Index("ix_issued_document_counter", "issuer_unit", "doc_type", "term_start", "number", unique=True),
        Index("ix_issued_document_concerns", "issuer_unit", "doc_type", "concerns_uuid"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    issuer_unit: Mapped[str] = mapped_column(String(40))  # unit code of the issuing body
    issuer_abbr: Mapped[str] = mapped_column(String(10))  # CB, ĐU … as printed
    doc_type: Mapped[str] = mapped_column(String(10))  # NQ, BB, BC …
    term_start: Mapped[date] = mapped_column(Date)  # first day of the committee term
    number: Mapped[int] = mapped_column(Integer)
    number_text: Mapped[str] = mapped_column(String(40))  # "05-BB/CB"
    issued_on: Mapped[date] = mapped_column(Date)
    form_code: Mapped[str | None] = mapped_column(String(40), default=None)
    title: Mapped[str | None] = mapped_column(String(300), default=None)
    concerns_kind: Mapped[str | None] = mapped_column(String(20), default=None)  # member | meeting | unit | list
    concerns_uuid: Mapped[str | None] = mapped_column(String(36), default=None)
    concerns_label: Mapped[str | None] = mapped_column(String(300), default=None)
    issued_by: Mapped[str] = mapped_column(String(60), default="")
    note: Mapped[str | None] = mapped_column(Text, default=None)
