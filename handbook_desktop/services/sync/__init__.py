"""Sync packages between a branch and its committee (DESIGN.md "Sync packages").

keys (identity, trust) → capture (what to send) → package (the file) → importer (checks, dry run,
apply, receipts) → merge (per-record comparison and writing) → conflicts, committee (units, transfers).
"""
