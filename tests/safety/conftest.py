"""The log scan runs after every other test of the session, whatever the order of the folders."""

from __future__ import annotations

LAST = "test_no_complete_personal_number_in_any_log"


def pytest_collection_modifyitems(session, config, items):
    last = [item for item in items if item.name == LAST]
    for item in last:
        items.remove(item)
        items.append(item)
