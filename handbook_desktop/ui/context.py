"""What every page gets: the open database, who is logged in, the task runner, a change signal."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal

from handbook_desktop.services.auth import Actor
from handbook_desktop.store.database import Database
from handbook_desktop.ui.tasks import TaskRunner


class ChangeHub(QObject):
    """Pages announce what they changed ('member', 'meeting', …) so that other pages refresh."""

    changed = Signal(str)


@dataclass
class AppContext:
    database: Database
    actor: Actor
    runner: TaskRunner
    hub: ChangeHub
    home_code: str
    home_name: str
    home_level: str

    @property
    def is_committee(self) -> bool:
        return self.home_level != "chi-bo"

    @property
    def readonly(self) -> bool:
        return self.database.readonly or not self.actor.can("write")
