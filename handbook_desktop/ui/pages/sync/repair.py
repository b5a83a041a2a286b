"""'Kiểm tra cây đơn vị…' on the Đồng bộ page: the dry run of services/sync/repair.py in a box, and
the all-or-nothing repair when the secretary confirms (issue 12: loops and false cards that older
versions let in)."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox

from handbook_desktop.ui.i18n import tr


def ask_repair(page) -> QMessageBox:
    from handbook_desktop.services.sync.repair import repair_tree, tree_problems

    problems = tree_problems(page.context.database)
    if not problems:
        box = QMessageBox(QMessageBox.Icon.Information, tr("Kiểm tra cây đơn vị"), tr(
            "Cây đơn vị và các thẻ định danh đã tin cậy không có vấn đề gì; không cần sửa."), parent=page)
        box.setObjectName("repairBox")
        box.addButton(tr("Đóng"), QMessageBox.ButtonRole.AcceptRole)
        box.open()
        return box
    lines = "\n".join(f"• {problem['message']} {problem['repair']}" for problem in problems)
    box = QMessageBox(QMessageBox.Icon.Warning, tr("Kiểm tra cây đơn vị"), tr(
        "Tìm thấy {n} vấn đề (chưa sửa gì):\n\n{lines}\n\nSửa tất cả? Chương trình sao lưu trước, sửa tất cả "
        "hoặc không sửa gì, và ghi nhật ký.").format(n=len(problems), lines=lines), parent=page)
    box.setObjectName("repairBox")
    yes = box.addButton(tr("Sửa tất cả"), QMessageBox.ButtonRole.DestructiveRole)
    box.addButton(tr("Hủy"), QMessageBox.ButtonRole.RejectRole)
    box.repair_button = yes

    def chosen(button) -> None:
        if button is not yes:
            return

        def work() -> None:
            done = repair_tree(page.context.database, page.context.actor)
            page.message.setText(tr("Đã sửa {n} vấn đề của cây đơn vị và thẻ định danh.").format(n=len(done)))
            page.context.hub.changed.emit("sync")

        page._guard(work)

    box.buttonClicked.connect(chosen)
    box.open()
    return box
