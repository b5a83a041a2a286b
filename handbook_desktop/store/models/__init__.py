"""All models, imported here so that ``Base.metadata`` is complete for migrations and checks.

Each area of the program keeps its models in its own module; add the import of a new module here.
"""

from handbook_desktop.store.base import Base, Synced  # noqa: F401
from handbook_desktop.store.models.core import (  # noqa: F401
    AuditLog,
    Member,
    MemberEvent,
    RuleRow,
    Setting,
    Unit,
    User,
)
from handbook_desktop.store.models.meetings import (  # noqa: F401
    AgendaItem,
    Meeting,
    MeetingAmendment,
    MeetingAttachment,
    MeetingAttendance,
    Speech,
    Vote,
)
from handbook_desktop.store.models.sheets import SheetLayout  # noqa: F401
from handbook_desktop.store.models.procedures import (  # noqa: F401
    CalendarDay,
    Candidate,
    DuesBasis,
    DuesMonth,
    Rating,
)
from handbook_desktop.store.models.documents import IssuedDocument  # noqa: F401
from handbook_desktop.store.models.sync import (  # noqa: F401
    SyncConflict,
    SyncInbox,
    SyncKey,
    KeyEscrow,
    SyncOutbox,
    SyncPeer,
    SyncPeerKey,
    SyncRow,
)
