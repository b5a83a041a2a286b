"""Branch meetings (DOMAIN.md §4–§5): planning, roll call, minutes, votes, finalising, screening."""

from handbook_desktop.services.meetings.minutes import (  # noqa: F401
    add_agenda_item,
    add_speech,
    delete_speech,
    finalise,
    finalise_problems,
    remove_agenda_item,
    update_agenda_item,
    update_speech,
)
from handbook_desktop.services.meetings.planning import (  # noqa: F401
    add_attachment,
    attachment_path,
    create_meeting,
    delete_meeting,
    sync_roster,
    update_meeting,
)
from handbook_desktop.services.meetings.queries import (  # noqa: F401
    MeetingDetail,
    MeetingSummary,
    compliance_for,
    list_meetings,
    meeting_detail,
    member_choices,
    subject_choices,
)
from handbook_desktop.services.meetings.roll_call import (  # noqa: F401
    delete_vote,
    mark_all_present,
    record_vote,
    set_attendance,
    update_vote,
)
from handbook_desktop.services.meetings.screening import (  # noqa: F401
    ScreeningResult,
    export_screening_xlsx,
    screening,
)


def meeting_document_context(session, meeting_uuid: str, code: str) -> dict:
    """The forms engine's context for a meeting document (see services/meetings/documents.py)."""
    from handbook_desktop.services.meetings.documents import meeting_document_context as build

    return build(session, meeting_uuid, code)
