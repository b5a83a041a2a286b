"""Command line over the services: the same operations as the window, scriptable, JSON out.

Exit codes: 0 success, 1 refused or failed (a Vietnamese message on stderr), 2 usage.
Each area registers its commands in its own module, listed in ``COMMAND_MODULES``.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys

from handbook_desktop import __version__
from handbook_desktop.cli.common import CommandError, print_error

COMMAND_MODULES = ["handbook_desktop.cli.foundation", "handbook_desktop.cli.members", "handbook_desktop.cli.backup", "handbook_desktop.cli.meetings", "handbook_desktop.cli.procedures", "handbook_desktop.cli.forms", "handbook_desktop.cli.sync"]

log = logging.getLogger(__name__)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # usage errors: exit 2 with the message in Vietnamese context
        self.print_usage(sys.stderr)
        print(f"Lỗi cú pháp lệnh: {message}", file=sys.stderr)
        raise SystemExit(2)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="handbook-desktop", description="Sổ tay Chi bộ — dòng lệnh.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--db", help="đường dẫn tệp SQLite hoặc URL PostgreSQL (mặc định: CSDL của người dùng; biến HANDBOOK_DB)")
    sub = parser.add_subparsers(dest="command", metavar="LỆNH", parser_class=_Parser)
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return parser


def _utf8_streams() -> None:
    # Windows consoles default to a legacy code page; Vietnamese needs UTF-8.
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            try:
                reconfigure(encoding="utf-8")
            except (ValueError, OSError):
                pass


def main(argv: list[str] | None = None) -> int:
    _utf8_streams()
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "handler", None):
        parser.print_help(sys.stderr)
        return 2
    try:
        return int(args.handler(args) or 0)
    except CommandError as error:
        print_error(str(error))
        return 1
    except Exception as error:  # noqa: BLE001 - last line of defence: a message, not a traceback
        from handbook_desktop.cli.common import user_message

        message = user_message(error)
        if message is None:
            log.exception("command failed")
            from handbook_desktop.logs import log_file

            message = f"Lỗi không mong đợi: {error.__class__.__name__}. Chi tiết trong nhật ký: {log_file()}"
        print_error(message)
        return 1
