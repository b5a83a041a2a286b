"""Every view and every dialog of the window, for the tests that look at all of them (issue 11 §5–7): the
fit probe (clipping, screenshots), the Vietnamese walk and the keyboard test.

``views(window)`` shows each page, each tab of it (nested tabs too) and the meeting editor's tabs, and
yields a name for each. ``dialogs(window, folder)`` opens each dialog the way the window does — the member
record, the meeting plan and the absence screening, every form of Nghiệp vụ, Đảng phí and Đánh giá (each
«Việc» of the changes tab), a new account, the identity card to trust, a restore, the sign-in, unlock,
recovery and setup dialogs — yields ``(name, dialog)`` while it is on screen and closes it after. A row is
selected first where a form needs one. At a committee also the sync preview of a real package from one of
its branches (a second installation made in ``folder``: new members, and changes to ones sent before)."""

from __future__ import annotations

import re
import time
from pathlib import Path

from PySide6.QtWidgets import QApplication, QDialog, QTabWidget, QWidget


def settle(window, seconds: float = 10) -> None:
    """Until the page on screen and the database worker are done (what a person would wait for)."""
    app = QApplication.instance()
    limit = time.monotonic() + seconds
    for _ in range(3):
        app.processEvents()
    while time.monotonic() < limit:
        app.processEvents()
        page = window.stack.currentWidget()
        if not getattr(page, "loading", False) and not window.context.runner.busy():
            break
        time.sleep(0.01)
    for _ in range(5):
        app.processEvents()


def slug(text: str) -> str:
    from handbook_desktop.domain.text import fold

    return re.sub(r"[^a-z0-9]+", "-", fold(text.replace("&", ""))).strip("-")[:30]


def _tab_widgets(root: QWidget) -> list[QTabWidget]:
    """The tab widgets on screen under ``root``, outermost first (a nested one is walked by its parent)."""
    found = [t for t in root.findChildren(QTabWidget) if t.isVisibleTo(root.window())]
    return [t for t in found if not any(o is not t and o.isAncestorOf(t) for o in found)]


def _walk_tabs(window, root: QWidget, name: str):
    for tabs in _tab_widgets(root):
        for index in range(tabs.count()):
            if not tabs.isTabEnabled(index):
                continue
            tabs.setCurrentIndex(index)
            settle(window)
            here = f"{name}-{index + 1}-{slug(tabs.tabText(index))}"
            if index:  # the first tab is what the page shows as it opens: already yielded
                yield here
            page = tabs.widget(index)
            nested = _tab_widgets(page)
            if nested:
                yield from _walk_tabs(window, page, here)
        tabs.setCurrentIndex(0)


def views(window):
    for key in list(window.pages):
        page = window.show_page(key)
        settle(window)
        yield key
        yield from _walk_tabs(window, page, key)
        if key == "meetings" and page.rows:
            page.open_row(0)  # the latest meeting, as a double click opens it
            editor = page.editor
            settle(window)
            yield "meetings-editor"
            yield from _walk_tabs(window, editor, "meetings-editor")
            page.show_list()
            settle(window)


def _select_first(table) -> bool:
    if table.model() is None or table.model().rowCount() == 0:
        return False
    table.selectRow(0)
    table.setCurrentIndex(table.model().index(0, 0))
    return True


def _shown(window, make):
    """Open with ``make()`` (it returns the dialog, or None when it has nothing to show)."""
    before = set(id(w) for w in QApplication.topLevelWidgets())
    dialog = make()
    settle(window)
    if dialog is None:  # some open a dialog without returning it
        dialog = next((w for w in QApplication.topLevelWidgets() if isinstance(w, QDialog) and w.isVisible()
                       and id(w) not in before), None)
    if dialog is not None and not dialog.isVisible():
        dialog.show()
        settle(window)
    return dialog


def _close(window, dialog) -> None:
    from handbook_desktop.ui import unsaved

    asking, unsaved.ASKING = unsaved.ASKING, False
    try:
        dialog.reject()
        dialog.close()
    finally:
        unsaved.ASKING = asking
    settle(window)


def _page_dialogs(window, folder: Path):
    """(name, make) for each dialog a page opens."""
    pages = window.pages
    context = window.context
    members = pages["members"]
    window.show_page("members")
    settle(window)
    yield "member-new", members.add_member
    if _select_first(members.table):
        yield "member-record", members.edit_current
    meetings = pages["meetings"]
    window.show_page("meetings")
    settle(window)
    yield "meeting-plan", meetings.plan_meeting
    yield "meeting-screening", meetings.show_screening
    from handbook_desktop.ui.pages.meetings.dialogs import ReasonDialog

    yield "meeting-amend-reason", lambda: ReasonDialog(window)
    procedures = pages.get("procedures")
    if procedures is not None:
        window.show_page("procedures")
        settle(window)
        for tab, methods in ((procedures.admission, ("new_candidate", "update_case", "branch_vote", "decision",
                                                     "ceremony")),
                             (procedures.probation, ("recognise",)), (procedures.badges, ("record",)),
                             (procedures.calendar, ("add_day",)), (procedures.rules, ("add_rule",))):
            procedures.tabs.setCurrentWidget(tab)
            settle(window)
            for method in methods:
                if hasattr(tab, "table"):
                    _select_first(tab.table)
                yield f"procedures-{method}", getattr(tab, method)
        changes = procedures.changes
        procedures.tabs.setCurrentWidget(changes)
        settle(window)
        if changes.member_box.count():
            changes.member_box.setCurrentIndex(0)
            for index in range(changes.action_box.count()):
                changes.action_box.setCurrentIndex(index)
                yield f"procedures-change-{changes.action_box.currentData()}", changes.start
        procedures.tabs.setCurrentIndex(0)
    dues = pages.get("dues")
    if dues is not None:
        window.show_page("dues")
        settle(window)
        if dues.table.rowCount() == 0:  # this month's book not made yet: the month before
            from datetime import timedelta

            dues.set_today(dues.month() - timedelta(days=1))
            settle(window)
        if _select_first(dues.table):
            yield "dues-paid", dues.mark_paid
            yield "dues-basis", dues.set_basis
    ratings = pages.get("ratings")
    if ratings is not None:
        window.show_page("ratings")
        settle(window)
        if _select_first(ratings.table):
            yield "ratings-rate", ratings.rate
        yield "ratings-branch", ratings.rate_branch
    settings = pages.get("settings")
    if settings is not None and getattr(settings, "users_box", None) is not None:
        window.show_page("settings")
        settle(window)
        yield "settings-add-user", settings.users_box.add_user
    sync = pages.get("sync")
    if sync is not None:
        from handbook_desktop.services.sync.keys import identity_card
        from handbook_desktop.ui.pages.sync.dialogs import TrustDialog

        from handbook_desktop.services.auth import DEMO_PASSWORD
        from handbook_desktop.services.errors import UserError
        from handbook_desktop.services.sync.keys import unlock

        try:  # the demo's keys open with the demo's password (no question asked)
            sync.set_keyring(unlock(context.database, DEMO_PASSWORD))
        except UserError:
            pass
        else:
            yield "sync-trust-card", lambda: TrustDialog(identity_card(context.database, sync.keyring()), window)
            if context.is_committee:
                def preview():
                    import tempfile

                    made = Path(tempfile.mkdtemp(prefix="fit-branch-"))  # a fresh installation each time
                    package = branch_package(context.database, sync.keyring(), made)
                    sync.refresh()  # the branch now trusted, as the page shows after «Tin cậy»
                    settle(window)
                    sync.import_file(package)  # read at once
                    import shutil

                    shutil.rmtree(made, ignore_errors=True)
                    settle(window, 60)
                    return sync.preview_dialog

                yield "sync-preview", preview
    backup = pages.get("backup")
    if backup is not None and not context.database.readonly:
        from handbook_desktop.services.backup.create import create_backup
        from handbook_desktop.ui.pages.backup.restore_dialog import RestoreDialog

        def restore():
            info = create_backup(context.database, reason="manual").info
            return RestoreDialog(context, info, None, window)

        yield "backup-restore", restore


BRANCH_PASSWORD = "matkhau123"
LONG_NAMES = ("Tôn Nữ Thị Phương Thảo Nguyên", "Nguyễn Huỳnh Đức Trọng Nghĩa", "Công Tằng Tôn Nữ Hoàng Anh")


def branch_package(database, keyring, folder: Path) -> Path:
    """A real package from the committee's first branch, sent from its own installation: it and the
    committee trust each other, a first package is imported, then a second (two new members with long
    names, one changed) is written and returned — the preview then shows new and changed records."""
    from datetime import date

    from handbook_desktop.services.auth import Actor
    from handbook_desktop.services.members.query import branches
    from handbook_desktop.services.members.records import create_member, update_member
    from handbook_desktop.services.progress import drain
    from handbook_desktop.services.setup import HomeUnitSpec, initialise
    from handbook_desktop.services.sync.exchange import export_package
    from handbook_desktop.services.sync.importer import import_package
    from handbook_desktop.services.sync.keys import read_identity_card, trust_card, unlock, write_identity_card
    from handbook_desktop.store.database import Database

    actor = Actor("admin", "secretary")
    home = database.home_unit()
    with database.read() as session:
        _id, code, name = branches(session)[0]
    folder.mkdir(parents=True, exist_ok=True)
    branch = Database.open(folder / f"{code}.sqlite3")
    try:
        initialise(branch, HomeUnitSpec(code, name, "chi-bo", home.code, home.name, "Hà Nội", date(2025, 7, 1)),
                   "admin", BRANCH_PASSWORD)
        branch_keys = unlock(branch, BRANCH_PASSWORD)
        for source, target, keys in ((branch, database, branch_keys), (database, branch, keyring)):
            write_identity_card(source, keys, folder / "the.card")
            card = read_identity_card(folder / "the.card")
            trust_card(target, actor, card, card["fingerprint"])
        with branch.session() as session:
            first, _ = create_member(session, actor, {"full_name": LONG_NAMES[0], "gender": "female",
                                                      "date_of_birth": date(1958, 3, 2), "phone": "0988123456"},
                                     allow_duplicates=True)
            first_uuid = first.uuid
        drain(import_package(database, actor, keyring, export_package(branch, actor, branch_keys, home.code).data,
                             backup=False))
        with branch.session() as session:
            for full_name in LONG_NAMES[1:]:
                create_member(session, actor, {"full_name": full_name, "gender": "male",
                                               "date_of_birth": date(1990, 11, 20)}, allow_duplicates=True)
            update_member(session, actor, first_uuid, {"phone": "0912765432", "occupation": "Giáo viên trung học cơ sở"})
        target = folder / "goi-tu-chi-bo.hbpkg"
        target.write_bytes(export_package(branch, actor, branch_keys, home.code).data)
        return target
    finally:
        branch.close()


def _start_dialogs(window):
    """The dialogs before and around the window: sign-in, unlock, recovery, the recovery code, setup."""
    from handbook_desktop.ui.idle_lock import UnlockDialog
    from handbook_desktop.ui.login_dialog import LoginDialog
    from handbook_desktop.ui.recovery_dialog import RecoveryCodeDialog, RecoveryDialog
    from handbook_desktop.ui.setup_dialog import SetupDialog

    context = window.context
    yield "login", lambda: LoginDialog(context.database, context.home_name, window)
    yield "unlock", lambda: UnlockDialog(context, window)
    yield "recovery", lambda: RecoveryDialog(context.database, "admin", window)
    yield "recovery-code", lambda: RecoveryCodeDialog(
        "ABCD-EFGH-JKLM-NPQR-STUV", "Hãy chép mã khôi phục này và cất ở nơi an toàn; dùng khi quên mật khẩu quản trị:",
        context.home_name, window)
    yield "setup", lambda: SetupDialog(context.database, window)


def no_questions(monkeypatch=None) -> list[str]:
    """Qt's own modal questions (message boxes, input and file dialogs) answered «Hủy» at once and noted:
    a walk has nobody to answer them. Inside a test, pass ``monkeypatch`` so the next test gets Qt's own
    boxes back (a later test answering a question would otherwise see it cancelled)."""
    from PySide6.QtWidgets import QFileDialog, QInputDialog, QMessageBox

    asked: list[str] = []
    if monkeypatch is not None:
        for owner, names in ((QMessageBox, ("question", "warning", "information", "critical")),
                             (QInputDialog, ("getText",)),
                             (QFileDialog, ("getOpenFileName", "getSaveFileName", "getExistingDirectory"))):
            for name in names:  # remembered now, put back at the test's end
                monkeypatch.setattr(owner, name, getattr(owner, name))

    def box(*args, **_kw):
        asked.append(str(args[2] if len(args) > 2 else args))
        return QMessageBox.StandardButton.Cancel

    for name in ("question", "warning", "information", "critical"):
        setattr(QMessageBox, name, staticmethod(box))
    QInputDialog.getText = staticmethod(lambda *a, **k: (asked.append(str(a[1:3])), ("", False))[1])
    for name in ("getOpenFileName", "getSaveFileName"):
        setattr(QFileDialog, name, staticmethod(lambda *a, **k: (asked.append(str(a[1:2])), ("", ""))[1]))
    QFileDialog.getExistingDirectory = staticmethod(lambda *a, **k: (asked.append(str(a[1:2])), "")[1])
    return asked


def dialogs(window, folder: Path):
    """Yields (name, dialog) with the dialog on screen; closed when the caller asks for the next."""
    folder.mkdir(parents=True, exist_ok=True)
    for source in (_page_dialogs(window, folder), _start_dialogs(window)):
        for name, make in source:
            dialog = _shown(window, make)
            if dialog is None:
                continue
            yield name, dialog
            _close(window, dialog)
