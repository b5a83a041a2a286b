"""PostgreSQL backups with pg_dump (custom format) and restores with pg_restore.

The row counts in the manifest are taken in the same snapshot the dump reads
(``pg_export_snapshot`` + ``pg_dump --snapshot``), so they describe exactly what was dumped.
The password travels in the environment (PGPASSWORD), never on the command line.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import text

from handbook_desktop import __version__
from handbook_desktop.services.backup.archive import BackupInfo, backup_id, sha256_file
from handbook_desktop.services.errors import UserError


def _tool(name: str) -> str:
    found = shutil.which(name)
    if not found:
        raise UserError(f"Không tìm thấy chương trình '{name}' của PostgreSQL; hãy cài PostgreSQL client "
                        "và thêm thư mục bin vào PATH.")
    return found


def _connection_args(engine) -> tuple[list[str], dict[str, str]]:
    url = engine.url
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    args = []
    if url.host:
        args += ["-h", url.host]
    if url.port:
        args += ["-p", str(url.port)]
    if url.username:
        args += ["-U", url.username]
    return args, env


def _tables(connection) -> list[str]:
    rows = connection.execute(text(
        "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename"))
    return [row[0] for row in rows]


def _run(command: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    result = subprocess.run(command, env=env, capture_output=True, text=True, encoding="utf-8", errors="replace")
    if result.returncode != 0:
        raise UserError(f"{Path(command[0]).name} báo lỗi: {result.stderr.strip()[:300]}")
    return result


def create_dump(database, target: Path, reason: str, now: datetime) -> BackupInfo:
    engine = database.engine
    args, env = _connection_args(engine)
    partial = target.with_name(target.name + ".partial")
    with engine.connect() as connection:
        connection = connection.execution_options(isolation_level="REPEATABLE READ")
        with connection.begin():
            snapshot_id = connection.execute(text("SELECT pg_export_snapshot()")).scalar()
            counts = {name: connection.execute(text(f'SELECT COUNT(*) FROM "{name}"')).scalar()
                      for name in _tables(connection)}
            revision = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
            unit = connection.execute(text("SELECT code FROM unit WHERE is_home")).scalar()
            # The exported snapshot lives as long as this transaction: dump while it is open.
            _run([_tool("pg_dump"), "-Fc", "--no-owner", "--no-privileges", f"--snapshot={snapshot_id}",
                  "-f", str(partial), *args, engine.url.database], env)
    with open(partial, "rb+") as handle:
        os.fsync(handle.fileno())
    os.replace(partial, target)
    info = BackupInfo(id=backup_id(target), path=target, reason=reason, created_at=now, size=target.stat().st_size,
                      encrypted=False, backend="postgresql", schema_version=revision, app_version=__version__,
                      source_name=engine.url.database, unit_code=unit, counts=counts, sha256=sha256_file(target))
    ok, message = verify_dump(info)
    info.verified_at, info.verified_ok, info.verify_message = datetime.now(timezone.utc), ok, message
    if not ok:
        raise UserError(f"Bản sao PostgreSQL không kiểm tra được: {message}")
    return info


def verify_dump(info: BackupInfo) -> tuple[bool, str]:
    """The archive's checksum, then its table of contents read by pg_restore: every table of the
    manifest must be there with its data."""
    if info.sha256 and sha256_file(info.path) != info.sha256:
        return False, "Tệp đã bị thay đổi hoặc hỏng sau khi sao lưu (mã băm không khớp)."
    try:
        listing = _run([_tool("pg_restore"), "--list", str(info.path)], dict(os.environ)).stdout
    except UserError as error:
        return False, str(error)
    with_data = {line.split()[-2] for line in listing.splitlines() if " TABLE DATA " in line}
    missing = [name for name in info.counts if name not in with_data]
    if missing:
        return False, f"Bản sao thiếu dữ liệu của bảng: {', '.join(missing[:5])}."
    return True, "Tốt: tệp nguyên vẹn, đủ các bảng."


def restore_into(database, info: BackupInfo, *, actor) -> None:
    """Replace the database's content with the dump, in one transaction (all or nothing). The checks
    before it, the safety backup, the migration and the audit line are restore.restore_dump's."""
    actor.require("restore")
    engine = database.engine
    args, env = _connection_args(engine)
    database.engine.dispose()
    _run([_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--no-privileges", "--single-transaction",
          "--exit-on-error", "-d", engine.url.database, *args, str(info.path)], env)


def row_counts(engine) -> dict[str, int]:
    """Rows of every table of the database's schema."""
    with engine.connect() as connection:
        return {name: connection.execute(text(f'SELECT COUNT(*) FROM "{name}"')).scalar()
                for name in _tables(connection)}
