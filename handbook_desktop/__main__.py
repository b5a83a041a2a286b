"""``handbook-desktop`` alone (or with window options only) opens the window; with a command it is
the command line."""

from __future__ import annotations

import sys

_OPTIONS_WITH_VALUE = {"--db"}


def _wants_gui(args: list[str]) -> bool:
    if args[:1] == ["gui"]:
        return True
    if {"-h", "--help", "--version"} & set(args):
        return False
    commands = [
        arg for i, arg in enumerate(args)
        if not arg.startswith("-") and not (i > 0 and args[i - 1] in _OPTIONS_WITH_VALUE)
    ]
    return not commands


def main(argv: list[str] | None = None) -> int:
    from handbook_desktop.paths import private_umask

    private_umask()  # issue 13: every file written from here on is the owner's only (POSIX)
    args = list(sys.argv[1:] if argv is None else argv)
    if _wants_gui(args):
        from handbook_desktop.ui.app import run_gui

        return run_gui([a for a in args if a != "gui"])
    from handbook_desktop.cli import main as cli_main

    return cli_main(args)


if __name__ == "__main__":
    sys.exit(main())
