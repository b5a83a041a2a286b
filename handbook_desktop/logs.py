"""Logging: a rotating file in the log folder, with personal numbers masked on the way out.

CCCD (12 digits) and phone numbers must never be written in clear to a log (Luật 91/2025/QH15);
the filter masks them whatever the code that logged them did.
"""

from __future__ import annotations

import logging
import logging.handlers
import re
from pathlib import Path

from handbook_desktop import paths

_CCCD = re.compile(r"(?<!\d)(\d{4})\d{6}(\d{2})(?!\d)")
_PHONE = re.compile(r"(?<!\d)(0\d{2})\d{5}(\d{2})(?!\d)|(?<!\d)(\+84\d{2})\d{5}(\d{2})(?!\d)")
_file_handler: logging.Handler | None = None


def mask_personal_numbers(text: str) -> str:
    text = _CCCD.sub(lambda m: f"{m.group(1)}******{m.group(2)}", text)
    return _PHONE.sub(lambda m: f"{m.group(1) or m.group(3)}*****{m.group(2) or m.group(4)}", text)


class PrivacyFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask_personal_numbers(message)
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_personal_numbers(record.exc_text)
        if masked != message:
            record.msg, record.args = masked, None
        return True


def log_file() -> Path:
    return paths.logs_dir() / "handbook.log"


def setup_logging(*, console: bool = False, level: int = logging.INFO) -> Path:
    """Log to the log folder; called again after the folder moved (HANDBOOK_HOME), it follows."""
    global _file_handler
    path = log_file()
    root = logging.getLogger()
    if _file_handler is not None:
        if Path(_file_handler.baseFilename) == path:
            return path
        root.removeHandler(_file_handler)
        _file_handler.close()
    root.setLevel(level)
    handler = logging.handlers.RotatingFileHandler(path, maxBytes=2_000_000, backupCount=5, encoding="utf-8")
    paths.make_private(path)  # made before the umask by an older version: the owner's only
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(PrivacyFilter())
    root.addHandler(handler)
    _file_handler = handler
    if console:
        stream = logging.StreamHandler()
        stream.addFilter(PrivacyFilter())
        stream.setLevel(logging.WARNING)
        root.addHandler(stream)
    return path
