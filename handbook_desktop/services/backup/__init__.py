"""Backups and restore (issue 8): see ``create``, ``restore``, ``archive``, ``verify``, ``crypto``,
``postgres``.

Other services call ``safety_backup(database, reason)`` before an import or a purge
(reasons: "excel_import", "package_import", "purge").
"""

from handbook_desktop.services.backup.archive import (  # noqa: F401
    REASONS,
    BackupInfo,
    find_backup,
    list_backups,
    reason_label,
)
from handbook_desktop.services.backup.create import (  # noqa: F401
    BackupResult,
    backup_if_due,
    backup_on_exit,
    create_backup,
    rotate,
    safety_backup,
    second_folder_warning,
)
from handbook_desktop.services.backup.verify import verify_backup  # noqa: F401
from handbook_desktop.services.backup.restore import (  # noqa: F401
    BackupContents,
    RestoreResult,
    inspect_backup,
    restore_backup,
)


def backups_of(database) -> list[BackupInfo]:
    """This database's backups, newest first."""
    from handbook_desktop.services.backup.create import database_stem

    return list_backups(source_stem=database_stem(database))
