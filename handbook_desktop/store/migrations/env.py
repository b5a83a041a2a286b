"""Alembic environment: run only from ``store.migrate`` with a connection handed in.

All pending migrations run in the one transaction the caller opened (SQLite DDL is transactional
with the engine's explicit BEGIN), so a killed process leaves the old schema, never half a new one.
"""

from __future__ import annotations

import os
import time

from alembic import context

from handbook_desktop.store.models import Base

config = context.config
connection = config.attributes["connection"]


def _after_each(ctx, step, heads, run_args):  # noqa: ARG001 - alembic callback signature
    # Crash-safety tests kill the process here, in the middle of the migration transaction,
    # or make a step fail to check that the old database is left as it was.
    if os.environ.get("HANDBOOK_TEST_MIGRATION_FAIL"):
        raise RuntimeError("migration step failed (test)")
    pause = os.environ.get("HANDBOOK_TEST_MIGRATION_PAUSE")
    if pause:
        marker = os.environ.get("HANDBOOK_TEST_MIGRATION_MARKER")
        if marker:
            with open(marker, "w", encoding="utf-8") as handle:
                handle.write("migrating")
        time.sleep(float(pause))


context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=True,
    transaction_per_migration=False,
    on_version_apply=_after_each,
    compare_type=True,
)
context.run_migrations()
