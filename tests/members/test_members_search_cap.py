"""Search at city scale (issue 18 §4): a typed search counts its matches only up to a cap and says
"hơn N kết quả" (a common word among 500,000 members took up to a second to count on PostgreSQL), and one
or two letters do not search at all (nothing answers them but a read of the whole register): the list
stays whole and the count says to type more. Driven with keys in the members page."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt

from handbook_desktop.services.members import MemberFilter
from handbook_desktop.services.members import query

from test_members_gui import _names, page_for  # noqa: F401  (the page fixture of the members tests)


@pytest.fixture
def register(add_member):
    names = [f"Nguyễn Văn {given}" for given in ("An", "Bình", "Cường", "Dũng", "Giang", "Hải", "Khánh")]
    for index, name in enumerate(names + ["Trần Thị Lan", "Lê Hà"]):
        add_member(name, date_of_birth=date(1970, 1, 1 + index), status="candidate")
    return names


def test_a_common_word_is_counted_up_to_the_cap_and_shown_as_more(qtbot, db, page_for, register, monkeypatch):
    monkeypatch.setattr(query, "COUNT_CAP", 5)
    monkeypatch.setattr("handbook_desktop.ui.pages.members.page.COUNT_CAP", 5)
    monkeypatch.setattr("handbook_desktop.ui.pages.members.model.PAGE_SIZE", 3)  # the count is asked
    with db.read() as session:
        page = query.first_page(session, MemberFilter(search="nguyen"), 3)
        assert page.more and page.total == 6 and len(page.rows) == 3
        assert query.count_members(session, MemberFilter(search="nguyen")) == 7  # uncapped elsewhere
        few = query.first_page(session, MemberFilter(search="nguyen van"), 10)
        assert not few.more and few.total == 7
    view = page_for(db)
    qtbot.keyClicks(view.search, "nguyen")
    assert view.count_label.text() == "hơn 5 kết quả" and view.model.more
    qtbot.keyClicks(view.search, " c")  # "nguyen c": one match, counted exactly
    assert _names(view) == ["Nguyễn Văn Cường"] and view.count_label.text() == "1 kết quả"


def test_one_or_two_letters_leave_the_list_whole_and_ask_for_more(qtbot, db, page_for, register):
    with db.read() as session:
        short = query.first_page(session, MemberFilter(search="Lê"), 50)
        assert short.short and short.total == 9
        assert query.too_short(" h ") and query.too_short("09") and not query.too_short("le ha")
        assert not query.too_short("") and not query.too_short("ngu")
    view = page_for(db)
    qtbot.keyClicks(view.search, "l")
    assert view.model.rowCount() == 9 and view.count_label.text() == "Gõ thêm để tìm"
    assert "3 chữ cái" in view.count_label.toolTip()
    qtbot.keyClicks(view.search, "e h")  # "le h": three letters, searched
    assert _names(view) == ["Lê Hà"] and view.count_label.text() == "1 kết quả"
    qtbot.keyClick(view.search, Qt.Key.Key_Backspace)
    qtbot.keyClick(view.search, Qt.Key.Key_Backspace)
    assert view.model.rowCount() == 9 and view.model.short
