"""Members of a small test branch, one of each kind a roll call meets."""

from sqlalchemy import select

from handbook_desktop.store.models import Member, Unit

PEOPLE = [
    ("Nguyễn Văn An", "official"), ("Trần Thị Bình", "official"), ("Lê Văn Cường", "official"),
    ("Phạm Thị Dung", "official"), ("Hoàng Văn Em", "official"), ("Vũ Thị Giang", "official"),
    ("Đặng Văn Hải", "official"), ("Bùi Thị Hoa", "official"), ("Đỗ Văn Khánh", "temporarily_away"),
    ("Ngô Thị Lan", "exempt"), ("Dương Văn Minh", "probationary"), ("Lý Thị Nga", "visiting"),
    ("Mai Văn Phúc", "removed"), ("Tạ Thị Quyên", "candidate"),
]

def add_people(database, people=PEOPLE) -> dict[str, str]:
    with database.session() as session:
        unit = session.scalars(select(Unit).where(Unit.is_home.is_(True))).one()
        uuids = {}
        for name, status in people:
            member = Member(unit_id=unit.id, full_name=name, status=status, origin_unit=unit.code)
            session.add(member)
            session.flush()
            uuids[name] = member.uuid
    return uuids
