"""The first page of every form, as LibreOffice prints it, looks like its approved image in docs/forms/.

All forms are converted in one LibreOffice call (CI time); page 1 of each PDF becomes a 60 dpi PNG
with pdftoppm, as tools/form_previews.py makes the approved ones. A pixel counts as different when
its grey level moves by more than a quarter of the range; up to 0.6 % of the page may differ (font
hinting, anti-aliasing). A change of look needs a new approved image:
``python tools/form_previews.py`` rewrites docs/forms/*.png — look at them before committing.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from handbook_desktop.services import forms
from handbook_desktop.services.forms.export import find_soffice
from handbook_desktop.services.forms.samples import sample_context

ROOT = Path(__file__).resolve().parents[2]
APPROVED = ROOT / "docs" / "forms"
TOLERANCE = 0.006

pytestmark = pytest.mark.skipif(find_soffice() is None or shutil.which("pdftoppm") is None,
                                reason="LibreOffice and pdftoppm are installed by .ci/run")


def _slug(code: str) -> str:
    import re

    from handbook_desktop.domain.text import fold

    return re.sub(r"[^a-z0-9]+", "-", fold(code)).strip("-")


def _grey(path: Path):
    from PySide6.QtGui import QImage

    image = QImage(str(path))
    assert not image.isNull(), path
    image = image.convertToFormat(QImage.Format.Format_Grayscale8)
    width, height, stride = image.width(), image.height(), image.bytesPerLine()
    data = bytes(image.constBits())[: stride * height]
    rows = [data[y * stride: y * stride + width] for y in range(height)]
    return width, height, rows


def _difference(a: Path, b: Path) -> float:
    wa, ha, ra = _grey(a)
    wb, hb, rb = _grey(b)
    if (wa, ha) != (wb, hb):
        return 1.0
    changed = 0
    for row_a, row_b in zip(ra, rb):
        if row_a != row_b:
            changed += sum(1 for x, y in zip(row_a, row_b) if abs(x - y) > 64)
    return changed / (wa * ha)


def test_first_pages_match_the_approved_images(tmp_path):
    docs = []
    for entry in forms.catalog():
        docs.append(forms.render_form(entry.code, sample_context(entry.code), tmp_path / f"{_slug(entry.code)}.docx"))
    profile = tmp_path / "lo-profile"
    subprocess.run([find_soffice(), f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
                    "--convert-to", "pdf", "--outdir", str(tmp_path), *map(str, docs)],
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=600, check=False)
    changed = []
    for entry in forms.catalog():
        slug = _slug(entry.code)
        pdf = tmp_path / f"{slug}.pdf"
        assert pdf.is_file(), f"LibreOffice did not convert {entry.code}"
        subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile", str(pdf),
                        str(tmp_path / slug)], check=True, timeout=120)
        approved = APPROVED / f"{slug}.png"
        assert approved.is_file(), f"no approved image for {entry.code}: run tools/form_previews.py"
        share = _difference(tmp_path / f"{slug}.png", approved)
        if share > TOLERANCE:
            changed.append(f"{entry.code}: {share:.1%} of the page differs from {approved.name}")
    assert not changed, "; ".join(changed)
