"""Run in a fresh process by test_window_fits: the window on a 1366×768 screen (offscreen platform's
screen file), at the scale and text size given, every page shown once; prints what it measured as JSON
and saves a screenshot per page."""

from __future__ import annotations

import json
import sys
from pathlib import Path


def main(database_path: str, out: str, large: bool) -> None:
    from PySide6.QtWidgets import QApplication

    from handbook_desktop.services.auth import Actor
    from handbook_desktop.store.database import Database
    from handbook_desktop.ui.app import application, open_window
    from handbook_desktop.ui.pages.members.dialog import MemberDialog

    app = application([], large_font=large)
    database = Database.open(database_path)
    window = open_window(database, Actor("admin", "secretary"))
    window.show()
    app.processEvents()
    area = window.screen().availableGeometry()
    result = {"area": [area.x(), area.y(), area.width(), area.height()], "pages": {}}
    frame = window.frameGeometry()
    result["window"] = [frame.x(), frame.y(), frame.width(), frame.height()]
    result["maximised"] = window.isMaximized()
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    for key in window.pages:
        window.show_page(key)
        for _ in range(5):
            app.processEvents()
        window.grab().save(str(folder / f"{key}.png"))
        result["pages"][key] = window.frameGeometry().height()
    dialog = MemberDialog(window.context, parent=window)
    dialog.show()
    app.processEvents()
    dialog.grab().save(str(folder / "member-dialog.png"))
    box = dialog.frameGeometry()
    result["member_dialog"] = [box.x(), box.y(), box.width(), box.height()]
    save = dialog.save_button.mapTo(dialog, dialog.save_button.rect().bottomRight())
    result["save_button_inside"] = dialog.rect().contains(save)
    dialog.reject()
    window.close()
    database.close()
    print(json.dumps(result))
    QApplication.instance().quit()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3] == "large")
