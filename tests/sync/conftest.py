"""Fixtures of the sync tests live in sync_sites (a unique module name, importable by the tests)."""

from sync_sites import _sync_templates, branch_a, branch_b, committee, sites  # noqa: F401
