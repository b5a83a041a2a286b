"""Sổ tay Chi bộ — the branch secretary's records, offline."""

from importlib import metadata as _metadata

APP_NAME = "Sổ tay Chi bộ"
APP_ID = "handbook_desktop"

try:
    __version__ = _metadata.version("handbook-desktop")
except _metadata.PackageNotFoundError:  # frozen build or source tree without install
    __version__ = "0.1.0"
