"""The catalogue of forms (``forms_templates/catalog.toml``): codes, titles and files are data."""

from __future__ import annotations

import shutil
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from handbook_desktop import paths
from handbook_desktop.domain.text import fold
from handbook_desktop.services.errors import UserError

SUBJECT_LABELS = {"member": "Đảng viên", "meeting": "Cuộc họp", "unit": "Đơn vị", "list": "Danh sách"}
SCOPE_LABELS = {"branch": "Chi bộ", "committee": "Đảng ủy"}


@dataclass(frozen=True)
class FormEntry:
    code: str
    file: str
    title: str
    subject: str  # member | meeting | unit | list
    scope: str  # branch | committee
    doc_type: str | None
    version: int
    pages: int
    source: str
    notes: str
    print_type: str | None = None  # printed on the number line of an unnumbered document
    required: tuple[str, ...] = ()  # fields the template must print and the document must have

    @property
    def builtin_path(self) -> Path:
        return paths.builtin_templates_dir() / self.file

    @property
    def user_path(self) -> Path:
        return paths.user_templates_dir() / self.file

    @property
    def has_user_copy(self) -> bool:
        return self.user_path.is_file()

    def template_path(self) -> Path:
        """The user's edited copy wins over the built-in template."""
        return self.user_path if self.has_user_copy else self.builtin_path

    def as_dict(self) -> dict:
        return {
            "code": self.code, "title": self.title, "subject": self.subject, "scope": self.scope,
            "doc_type": self.doc_type, "version": self.version, "file": self.file, "pages": self.pages,
            "user_copy": self.has_user_copy, "source": self.source, "notes": self.notes,
            "required": list(self.required),
        }


@lru_cache(maxsize=4)
def _load(folder: str) -> tuple[tuple[FormEntry, ...], dict, dict]:
    with open(Path(folder) / "catalog.toml", "rb") as handle:
        data = tomllib.load(handle)
    entries = tuple(
        FormEntry(
            code=item["code"], file=item["file"], title=item["title"], subject=item["subject"],
            scope=item.get("scope", "branch"), doc_type=item.get("doc_type") or None,
            version=int(item.get("version", 1)), pages=int(item.get("pages", 1)),
            source=item.get("source", ""), notes=item.get("notes", ""),
            print_type=item.get("print_type") or item.get("doc_type") or None,
            required=tuple(item.get("required", ())),
        )
        for item in data.get("form", [])
    )
    return entries, dict(data.get("issuers", {})), dict(data.get("doc_types", {}))


def catalog() -> list[FormEntry]:
    return list(_load(str(paths.builtin_templates_dir()))[0])


def issuer_abbreviation(level: str) -> str:
    return _load(str(paths.builtin_templates_dir()))[1].get(level, "CB")


def doc_type_names() -> dict[str, str]:
    return dict(_load(str(paths.builtin_templates_dir()))[2])


def find_form(code: str) -> FormEntry:
    """By code; diacritics and case ignored so that ``bb-shcd`` finds ``BB-SHCĐ`` on any keyboard."""
    wanted = fold(code or "").replace(" ", "")
    for entry in catalog():
        if fold(entry.code).replace(" ", "") == wanted:
            return entry
    raise UserError(f"Không có biểu mẫu mã '{code}'. Xem danh sách bằng lệnh: forms list.")


def make_user_copy(code: str) -> Path:
    """Copy the built-in template into the user's template folder (kept if it already exists)."""
    entry = find_form(code)
    target = entry.user_path
    if not target.exists():
        shutil.copyfile(entry.builtin_path, target)
    return target


def remove_user_copy(code: str) -> Path | None:
    """Set the user's copy aside (renamed, never deleted) so that the built-in template is used again."""
    entry = find_form(code)
    if not entry.has_user_copy:
        return None
    n = 1
    while True:
        aside = entry.user_path.with_name(f"{entry.user_path.stem}.cu-{n}{entry.user_path.suffix}")
        if not aside.exists():
            break
        n += 1
    entry.user_path.rename(aside)
    return aside
