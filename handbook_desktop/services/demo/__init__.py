"""Realistic demo data for trying the program and for benchmarks; deterministic for a seed.

``generate`` makes the units and members, then runs every extension in ``EXTENSIONS`` (meetings,
procedures, dues … each area adds its own module), all with the same seeded random source.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date
from typing import Callable

from handbook_desktop.services.auth import DEMO_PASSWORD
from handbook_desktop.services.demo.people import make_members
from handbook_desktop.services.progress import Progress, ProgressGen
from handbook_desktop.services.setup import HomeUnitSpec, initialise
from handbook_desktop.store.base import seeded_uuids

BRANCH_MAX = 300


@dataclass
class DemoContext:
    database: object
    rng: random.Random
    today: date
    home_code: str
    branch_ids: list[int] = field(default_factory=list)


# Each area of the program appends a function(context) -> ProgressGen | None here (see its module).
EXTENSIONS: list[Callable[[DemoContext], ProgressGen | None]] = []


def _load_extensions() -> None:
    # Imported for their side effect of registering in EXTENSIONS; an area without demo data is absent.
    import importlib

    for name in ("meetings", "procedures", "documents", "sync"):
        try:
            importlib.import_module(f"handbook_desktop.services.demo.{name}")
        except ModuleNotFoundError as error:
            if error.name != f"handbook_desktop.services.demo.{name}":
                raise


def generate(database, *, members: int = 120, seed: int = 1, today: date | None = None) -> ProgressGen:
    today = today or date.today()
    rng = random.Random(seed)
    committee = members > BRANCH_MAX
    if committee:
        spec = HomeUnitSpec(
            code="DU-PHUONG-DEMO", name="Đảng ủy phường Hoàn Kiếm (dữ liệu mẫu)", level="dang-uy-co-so",
            parent_code="TU-HN", parent_name="Đảng bộ Thành phố Hà Nội", place="Hà Nội",
            term_start=date(2025, 7, 1),
        )
    else:
        spec = HomeUnitSpec(
            code="CB-DEMO", name="Chi bộ Khu dân cư số 3 (dữ liệu mẫu)", level="chi-bo",
            parent_code="DU-PHUONG-DEMO", parent_name="Đảng bộ phường Hoàn Kiếm", place="Hà Nội",
            term_start=date(2025, 7, 1),
        )
    yield Progress(0, members, "Tạo đơn vị")
    initialise(database, spec, "admin", DEMO_PASSWORD,
               admin_full_name="Quản trị viên mẫu")
    context = DemoContext(database, rng, today, spec.code)
    yield from make_members(context, members, committee)
    _load_extensions()
    for extension in EXTENSIONS:
        # Rows that extensions create through the services get seeded uuids too.
        with seeded_uuids(random.Random(rng.getrandbits(64))):
            work = extension(context)
            if work is not None:
                yield from work
    yield Progress(members, members, "Xong")
    return context
