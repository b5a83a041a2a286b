"""Drafts: text typed into an editor and not yet saved, written to a file under the data folder.

Why a file and not the database: autosave runs every few seconds on the GUI thread, and a write to the
database could wait behind a long import holding the write lock; a small file never waits. One file per
database (the name is a hash of where the database is, so no personal data appears in a file name),
written whole to a temporary file and renamed, so a crash in the middle leaves the previous version.
Several editors may share the file: each keeps only its own pending changes and merges them into what
is on disk when it writes, so one editor never drops another's drafts.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from pathlib import Path

from PySide6.QtCore import QObject, QTimer

from handbook_desktop import paths

log = logging.getLogger(__name__)
AUTOSAVE_MS = 1500


def drafts_path(database) -> Path:
    where = str(database.file.resolve()) if database.file else database.engine.url.render_as_string(
        hide_password=True)
    digest = hashlib.sha256(where.encode("utf-8")).hexdigest()[:16]
    return paths.drafts_dir() / f"drafts-{digest}.json"


def _read(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError):
        # A damaged drafts file is kept aside, never deleted: it may hold the only copy of some text.
        log.exception("drafts file unreadable, kept as .damaged: %s", path)
        try:
            path.replace(path.with_suffix(".damaged"))
        except OSError:
            pass
        return {}


class DraftStore(QObject):
    """``get(key)``, ``put(key, fields)``, ``drop(key)``; writes within ``AUTOSAVE_MS`` of a change."""

    def __init__(self, database, parent=None):
        super().__init__(parent)
        self.path = drafts_path(database)
        self.enabled = not database.readonly
        self._pending: dict[str, dict | None] = {}
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(AUTOSAVE_MS)
        self._timer.timeout.connect(self.flush)

    def get(self, key: str) -> dict | None:
        if key in self._pending:
            return self._pending[key]
        return _read(self.path).get(key)

    def put(self, key: str, fields: dict) -> None:
        self._pending[key] = dict(fields)
        self._schedule()

    def drop(self, key: str) -> None:
        self._pending[key] = None
        self._schedule()

    def _schedule(self) -> None:
        if self.enabled and not self._timer.isActive():
            self._timer.start()

    def flush(self) -> None:
        self._timer.stop()
        if not self._pending or not self.enabled:
            return
        current = _read(self.path)
        for key, fields in self._pending.items():
            if fields is None:
                current.pop(key, None)
            else:
                current[key] = fields
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            temporary = self.path.with_suffix(".tmp")
            with open(temporary, "w", encoding="utf-8") as handle:
                json.dump(current, handle, ensure_ascii=False)
                handle.flush()
                os.fsync(handle.fileno())
            os.chmod(temporary, 0o600)  # minutes and records are personal data
            os.replace(temporary, self.path)
            self._pending.clear()
        except OSError:
            log.exception("drafts not written: %s", self.path)  # kept pending; tried again at the next change
