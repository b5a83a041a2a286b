"""Command line over the services: the same operations as the window, scriptable, JSON out.

Exit codes: 0 success, 1 refused or failed (a Vietnamese message on stderr), 2 usage.
Each area registers its commands in its own module, listed in ``COMMAND_MODULES``.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import re
import sys

from handbook_desktop import __version__
from handbook_desktop.cli.common import CommandError, print_error

COMMAND_MODULES = ["handbook_desktop.cli.foundation", "handbook_desktop.cli.members", "handbook_desktop.cli.backup", "handbook_desktop.cli.meetings", "handbook_desktop.cli.procedures", "handbook_desktop.cli.forms", "handbook_desktop.cli.sync", "handbook_desktop.cli.reports", "handbook_desktop.cli.rules", "handbook_desktop.cli.signers"]

log = logging.getLogger(__name__)


# argparse speaks English; the phrases a user meets are put into Vietnamese here.
_ARGPARSE_PHRASES = [
    (re.compile(r"the following arguments are required: (.*)"), r"thiếu tham số bắt buộc: \1"),
    (re.compile(r"argument (\S+): invalid choice: (.*) \(choose from (.*)\)"),
     r"tham số \1: giá trị \2 không hợp lệ (chọn một trong: \3)"),
    (re.compile(r"argument (\S+): invalid (\w+) value: (.*)"), r"tham số \1: giá trị \3 không hợp lệ"),
    (re.compile(r"argument (\S+): expected one argument"), r"tham số \1 cần một giá trị"),
    (re.compile(r"unrecognized arguments: (.*)"), r"tham số không nhận ra: \1"),
    (re.compile(r"invalid choice: (.*) \(choose from (.*)\)"), r"lệnh \1 không có (chọn một trong: \2)"),
]


def _vietnamese(message: str) -> str:
    for pattern, replacement in _ARGPARSE_PHRASES:
        message = pattern.sub(replacement, message)
    return message


class _Formatter(argparse.HelpFormatter):
    def add_usage(self, usage, actions, groups, prefix=None):
        super().add_usage(usage, actions, groups, "Cách dùng: " if prefix is None else prefix)


class _Parser(argparse.ArgumentParser):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("formatter_class", _Formatter)
        kwargs["add_help"] = False
        super().__init__(*args, **kwargs)
        self._positionals.title = "tham số"
        self._optionals.title = "tùy chọn"
        self.add_argument("-h", "--help", action="help", default=argparse.SUPPRESS,
                          help="hiện hướng dẫn này rồi thoát")

    def error(self, message: str):  # usage errors: exit 2 with a Vietnamese message
        self.print_usage(sys.stderr)
        print(f"Lỗi cú pháp lệnh: {_vietnamese(message)}", file=sys.stderr)
        raise SystemExit(2)


DB_HELP = "đường dẫn tệp SQLite hoặc URL PostgreSQL (mặc định: CSDL của người dùng; biến HANDBOOK_DB)"
DB_METAVAR = "ĐƯỜNG_DẪN|URL"


def add_window_options(parser: argparse.ArgumentParser) -> None:
    """The window's own options: the same list for the window's parser and for ``--help``."""
    group = parser.add_argument_group("tùy chọn khi mở cửa sổ (gõ không kèm LỆNH)")
    group.add_argument("--demo", action="store_true", help="mở cửa sổ trên dữ liệu mẫu, không hỏi mật khẩu")
    group.add_argument("--readonly", action="store_true", help="mở ở chế độ chỉ xem: không thay đổi gì")
    group.add_argument("--large-font", action="store_true", help="chữ to (cũng bật được trong Cài đặt)")


def window_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="handbook-desktop", description="Sổ tay Chi bộ — mở cửa sổ.")
    parser.add_argument("--db", metavar=DB_METAVAR, help=DB_HELP)
    add_window_options(parser)
    return parser


def _command_parsers(parser: argparse.ArgumentParser):
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for child in action.choices.values():
                yield child
                yield from _command_parsers(child)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="handbook-desktop", description="Sổ tay Chi bộ — dòng lệnh. Gõ không kèm LỆNH để mở cửa sổ.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}",
                        help="hiện số phiên bản rồi thoát")
    parser.add_argument("--db", metavar=DB_METAVAR, help=DB_HELP)
    add_window_options(parser)
    sub = parser.add_subparsers(dest="command", metavar="LỆNH", parser_class=_Parser)
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    # `--db` before or after the command: every command takes it too; SUPPRESS keeps a value
    # given before the command when none is given after it.
    for child in _command_parsers(parser):
        if "--db" not in child._option_string_actions:
            child.add_argument("--db", metavar=DB_METAVAR, default=argparse.SUPPRESS, help=DB_HELP)
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
    except BrokenPipeError:
        # The reader (`| head`) stopped listening: not an error of ours; silence the final flush.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except CommandError as error:
        print_error(str(error))
        return 1
    except Exception as error:  # noqa: BLE001 - last line of defence: a message, not a traceback
        from handbook_desktop.services.errors import explain_failure, user_message

        message = user_message(error)
        if message is None:
            log.exception("command failed")
            message = explain_failure(error, getattr(args, "db", None))
        if message is None:
            from handbook_desktop.logs import log_file

            message = ("Lệnh không làm xong vì một lỗi của chương trình; dữ liệu đã lưu vẫn an toàn. "
                       f"Hãy gửi tệp nhật ký cho người hỗ trợ: {log_file()}")
        print_error(message)
        return 1
