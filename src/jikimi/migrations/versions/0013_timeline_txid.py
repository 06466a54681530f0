"""Each alert change records the transaction that wrote it

On PostgreSQL a change's seq is handed out at insert, so a smaller seq can commit after a
larger one, or never. The live streams follow the timeline by commit instead: each change
records its writing transaction's id (`txid`, filled in by the database), and a reader
takes the changes of every transaction its last snapshot did not yet see committed. On
SQLite the column stays empty: one writer commits at a time, in seq order.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07 16:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply."""
    with op.batch_alter_table("alert_changes", schema=None) as batch_op:
        batch_op.add_column(sa.Column("txid", sa.BigInteger(), nullable=True))
        batch_op.create_index(batch_op.f("ix_alert_changes_txid"), ["txid"], unique=False)
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "ALTER TABLE alert_changes ALTER COLUMN txid "
            "SET DEFAULT (pg_current_xact_id()::text::bigint)"
        )


def downgrade() -> None:
    """Revert."""
    with op.batch_alter_table("alert_changes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_alert_changes_txid"))
        batch_op.drop_column("txid")
