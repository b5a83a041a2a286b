"""What a database holds: for `info`, the status bar and the overview page."""

from __future__ import annotations

from sqlalchemy import func, select

from handbook_desktop import __version__
from handbook_desktop.domain.states import MemberStatus
from handbook_desktop.services.units import in_scope
from handbook_desktop.store.migrate import current_revision, head_revision
from handbook_desktop.store.models import Member, Unit, User


def database_info(database) -> dict:
    home = database.home_unit()
    with database.read() as session:
        by_status = dict(
            session.execute(
                select(Member.status, func.count())
                .where(Member.deleted_at.is_(None), in_scope(Member.unit_id))
                .group_by(Member.status)
            ).all()
        )
        units = session.scalar(select(func.count()).select_from(Unit)
                               .where(Unit.deleted_at.is_(None), in_scope(Unit.id)))
        users = session.scalar(select(func.count()).select_from(User))
    headcount = sum(count for status, count in by_status.items() if MemberStatus(status).in_headcount)
    return {
        "app_version": __version__,
        "database": database.file.as_posix() if database.file else database.engine.url.render_as_string(hide_password=True),
        "backend": database.engine.dialect.name,
        "schema_version": current_revision(database.engine),
        "schema_head": head_revision(),
        "initialised": home is not None,
        "unit": None if home is None else {
            "code": home.code, "name": home.name, "level": home.level, "place": home.place_name,
            "higher_body": home.higher_body_name,
            "term_start": home.term_start.isoformat() if home.term_start else None,
        },
        "units": units,
        "users": users,
        "members": sum(by_status.values()),
        "headcount": headcount,
        "members_by_status": {status.value: by_status.get(status.value, 0) for status in MemberStatus},
    }
