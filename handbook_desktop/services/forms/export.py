"""After export: PDF through LibreOffice, and opening a file with the system's program."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from handbook_desktop.services.errors import UserError

PDF_TIMEOUT_S = 180

_WINDOWS_CANDIDATES = (
    r"C:\Program Files\LibreOffice\program\soffice.exe",
    r"C:\Program Files (x86)\LibreOffice\program\soffice.exe",
)


def find_soffice() -> str | None:
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    if sys.platform == "win32":
        for candidate in _WINDOWS_CANDIDATES:
            if Path(candidate).is_file():
                return candidate
    if sys.platform == "darwin":
        candidate = "/Applications/LibreOffice.app/Contents/MacOS/soffice"
        if Path(candidate).is_file():
            return candidate
    return None


def export_pdf(docx_path, out_dir=None, *, timeout: float = PDF_TIMEOUT_S) -> Path:
    """Convert a .docx to PDF beside it (or in ``out_dir``); returns the PDF path.

    Each run uses its own LibreOffice profile folder, so a LibreOffice the user has open (or a
    crashed earlier run) never blocks the conversion.
    """
    source = Path(docx_path)
    soffice = find_soffice()
    if soffice is None:
        raise UserError("Máy chưa cài LibreOffice nên không xuất được PDF; tệp Word vẫn dùng được bình thường.")
    target_dir = Path(out_dir) if out_dir else source.parent
    target_dir.mkdir(parents=True, exist_ok=True)
    target = target_dir / (source.stem + ".pdf")
    with tempfile.TemporaryDirectory(prefix="handbook-lo-") as profile:
        command = [soffice, f"-env:UserInstallation={Path(profile).as_uri()}", "--headless", "--norestore",
                   "--convert-to", "pdf", "--outdir", str(target_dir), str(source)]
        try:
            subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=timeout, check=False)
        except subprocess.TimeoutExpired as error:
            raise UserError(f"LibreOffice không chuyển xong sang PDF sau {int(timeout)} giây; hãy thử lại "
                            "hoặc mở tệp Word rồi lưu thành PDF.") from error
    if not target.is_file() or target.stat().st_size == 0:
        raise UserError(f"LibreOffice không tạo được tệp PDF cho {source.name}.")
    return target


def pdf_pages(pdf_path) -> int:
    """Number of pages of a PDF (counts page objects; enough for the PDFs LibreOffice writes)."""
    pdfinfo = shutil.which("pdfinfo")
    if pdfinfo:
        result = subprocess.run([pdfinfo, str(pdf_path)], capture_output=True, text=True, timeout=60)
        for line in result.stdout.splitlines():
            if line.startswith("Pages:"):
                return int(line.split()[1])
    import re

    data = Path(pdf_path).read_bytes()
    return len(re.findall(rb"/Type\s*/Page(?![s\w])", data))


def open_with_system(path) -> bool:
    """Open a file with the program the system associates with it (Word, a PDF reader…)."""
    target = str(Path(path))
    try:
        if sys.platform == "win32":
            os.startfile(target)  # noqa: S606 - the user's own exported file
            return True
        opener = "open" if sys.platform == "darwin" else shutil.which("xdg-open")
        if not opener:
            return False
        subprocess.Popen([opener, target], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        return True
    except OSError:
        return False
