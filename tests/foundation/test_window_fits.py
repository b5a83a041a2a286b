"""The window fits a 1366×768 laptop (issue 11 §5): at 100 % and 125 % scaling and in large text it opens
within the screen's free area, never taller, and the member record fits with its «Lưu» on screen. Each case
runs in a fresh process (the scale factor is read when Qt starts) on a 1366×768 offscreen screen; the
screenshots of every page, tab and dialog are kept under tests/artifacts/window-fit/ (ignored by git) to be
looked at.

Clipping: on every page, every tab of it (and the meeting editor's), and every dialog (window_walk), no
button, one-line label, column heading or cell in sight shows its text cut (font metrics against the width
given), unless its tooltip holds the whole text; every dialog opens inside the screen's free area and is
not squeezed below the width its layout needs.

Both kinds of installation: the branch demo (120 members) and a small committee demo (a few branches,
301 members; sized for CI), whose pages add a branch column and the branch box (issue 17)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from handbook_desktop.store.datakey import copy_database  # noqa: E402  (with its keyring)

ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts" / "window-fit"
CASES = [("1", "normal"), ("1.25", "normal"), ("1", "large")]


@pytest.fixture(scope="module")
def _committee_template(tmp_path_factory) -> Path:
    from datetime import date

    from handbook_desktop.services.demo import generate
    from handbook_desktop.services.progress import drain
    from handbook_desktop.store.database import Database

    folder = tmp_path_factory.mktemp("fit-committee")
    old = os.environ.get("HANDBOOK_HOME")
    os.environ["HANDBOOK_HOME"] = str(folder / "home")
    try:
        with Database.open(folder / "committee.sqlite3") as database:
            drain(generate(database, members=301, seed=3, today=date(2026, 11, 15)))
    finally:
        if old is None:
            os.environ.pop("HANDBOOK_HOME", None)
        else:
            os.environ["HANDBOOK_HOME"] = old
    return folder / "committee.sqlite3"


@pytest.mark.parametrize("scale,text", CASES)
def test_window_fits_a_laptop_screen(demo_db, tmp_path, scale, text):
    demo_db.close()
    _fits(demo_db.file, tmp_path, ARTIFACTS / f"{scale}-{text}", scale, text, committee=False)


@pytest.mark.parametrize("scale,text", CASES)
def test_committee_window_fits_a_laptop_screen(_committee_template, tmp_path, monkeypatch, scale, text):
    monkeypatch.setenv("HANDBOOK_PASSWORD", "demo1234")
    _fits(_committee_template, tmp_path, ARTIFACTS / f"committee-{scale}-{text}", scale, text, committee=True)


def _fits(database: Path, tmp_path: Path, out: Path, scale: str, text: str, *, committee: bool) -> None:
    screen = tmp_path / "screen.json"
    screen.write_text(json.dumps({"screens": [{"name": "laptop", "x": 0, "y": 0, "width": 1366, "height": 768,
                                               "logicalDpi": 96, "dpr": 1}]}))
    copy = tmp_path / "copy.sqlite3"
    copy_database(database, copy)
    env = {**os.environ, "QT_QPA_PLATFORM": f"offscreen:configfile={screen}", "QT_SCALE_FACTOR": scale,
           "HANDBOOK_HOME": str(tmp_path / "home")}
    probe = Path(__file__).with_name("window_fit_probe.py")
    done = subprocess.run([sys.executable, str(probe), str(copy), str(out), text], env=env, capture_output=True,
                          text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    found = json.loads(done.stdout.strip().splitlines()[-1])
    ax, ay, aw, ah = found["area"]
    x, y, w, h = found["window"]
    assert (aw, ah) == ((1093, 614) if scale == "1.25" else (1366, 768))
    assert ax <= x and ay <= y and x + w <= ax + aw + 1 and y + h <= ay + ah + 1, found
    assert all(height <= ah + 1 for height in found["pages"].values()), found["pages"]  # no page stretches it
    dx, dy, dw, dh = found["member_dialog"]
    assert ax <= dx and ay <= dy and dx + dw <= ax + aw + 1 and dy + dh <= ay + ah + 1, found
    assert found["save_button_inside"]
    assert (out / "meetings.png").exists() and (out / "dialog-member-new.png").exists()
    assert "meetings-editor-3-bien-ban" in found["pages"] and "procedures-6-quy-tac" in found["pages"]
    assert {"member-record", "meeting-plan", "procedures-add_rule", "dues-basis", "login"} <= set(found["dialogs"])
    assert found["committee"] is committee
    if committee:  # the branch box and column are on screen, and a branch's package is previewed
        assert "sync-preview" in found["dialogs"]
        assert found["branch_boxes"], found["branch_boxes"]
    assert found["outside"] == {}, found["outside"]
    print(f"screenshots: {out}")
    # A page wider than the window scrolls sideways (each page asks only its own width); Tổng quan must
    # not. Others still do at 125 % (figures printed; issue 11 §5 follow-up).
    print("too wide:", found["too_wide"])
    assert "overview" not in found["too_wide"], found["too_wide"]
    clipped = {page: texts for page, texts in found["clipped"].items() if texts}
    assert clipped == {}, json.dumps(clipped, ensure_ascii=False, indent=1)
