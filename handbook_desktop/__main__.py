"""``handbook-desktop`` alone opens the window; with a command it is the command line."""

from __future__ import annotations

import sys

GUI_FLAGS = {"--demo", "--readonly", "--large-font"}


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    wants_gui = not args or (args[0].startswith("--") and not {"-h", "--help", "--version"} & set(args)
                             and any(a in GUI_FLAGS for a in args) or args[:1] == ["gui"])
    if wants_gui:
        from handbook_desktop.ui.app import run_gui

        return run_gui([a for a in args if a != "gui"])
    from handbook_desktop.cli import main as cli_main

    return cli_main(args)


if __name__ == "__main__":
    sys.exit(main())
