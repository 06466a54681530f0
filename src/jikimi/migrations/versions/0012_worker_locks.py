"""the position log's place exists before the first batch is judged

Judges claim the place (`engine_cursors['positions']`) with SKIP LOCKED, so a judge that
finds it held passes the log by instead of waiting. A place that did not exist yet was
inserted by the first batch ever judged, and a second judge found no row to claim and
inserted one too, waiting on the first's uncommitted insert: on a fresh database a
stalled first batch held up every worker. The row is now written here, at 0 (nothing
judged), where it is missing.

Revision ID: 0012
Revises: 0010
Create Date: 2026-11-24 10:00:00
"""

from __future__ import annotations

from alembic import op

revision = "0012"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply."""
    op.execute(
        "INSERT INTO engine_cursors (name, position) VALUES ('positions', 0) "
        "ON CONFLICT (name) DO NOTHING"
    )


def downgrade() -> None:
    """Revert: nothing to undo (older builds read a place at 0 as nothing judged)."""
