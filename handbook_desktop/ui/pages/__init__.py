"""The sidebar pages. Each page module defines ``PAGE = PageSpec(...)``; list it in PAGE_MODULES.

A page is listed only when it works (no placeholders). ``order`` places it in the sidebar in
the order of DESIGN.md: Tổng quan 10, Đảng viên 20, Sinh hoạt chi bộ 30, Nghiệp vụ 40, Đảng phí 50,
Đánh giá xếp loại 60, Báo cáo 65, Biểu mẫu 70, Đồng bộ 80, Đơn vị 85, Sao lưu 90, Nhật ký 95, Cài đặt 100.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Callable

from PySide6.QtWidgets import QWidget

PAGE_MODULES = [
    "handbook_desktop.ui.pages.backup",
    "handbook_desktop.ui.pages.audit",
    "handbook_desktop.ui.pages.settings",
    "handbook_desktop.ui.pages.overview",
    "handbook_desktop.ui.pages.members",
    "handbook_desktop.ui.pages.meetings",
    "handbook_desktop.ui.pages.procedures",
    "handbook_desktop.ui.pages.dues",
    "handbook_desktop.ui.pages.ratings",
    "handbook_desktop.ui.pages.reports",
    "handbook_desktop.ui.pages.forms",
    "handbook_desktop.ui.pages.sync",
    "handbook_desktop.ui.pages.units",
]


@dataclass(frozen=True)
class PageSpec:
    key: str
    title: str
    order: int
    factory: Callable[..., QWidget]  # factory(context: AppContext) -> QWidget
    committee_only: bool = False
    permission: str = "read"


def available_pages(context) -> list[PageSpec]:
    specs = [importlib.import_module(name).PAGE for name in PAGE_MODULES]
    specs = [
        spec for spec in specs
        if (not spec.committee_only or context.is_committee) and context.actor.can(spec.permission)
    ]
    return sorted(specs, key=lambda spec: spec.order)
