"""Positions: the repeat check keyed by time first; a per-device index for phones only

The unique key that finds a repeated (device, recorded_at) was ordered device first. Each
feed request carries pings of thousands of anklets, so each of its commits changed the
index page at the end of every anklet's run: about one 4 KiB page per anklet (5,700 pages,
23 MB of SQLite's write-ahead log for a request of 10,000 pings from 2,000 anklets, where
the rows themselves are 2 MB). Ordered time first, new keys land together at the index's
end (about 770 pages a request in all). The check is the same: a unique key is a set of
columns, whatever their order.

The victim's phone's fixes are still read by device and time (the judge reads them for
every batch of anklet pings), so they keep a partial index of their own, marked by the new
`phone` column; an anklet's track is read through the time key (docs/proximity.md).

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-23 06:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

PHONES = sa.text("phone")


def upgrade() -> None:
    """Apply."""
    # SQLite keeps a table's unique keys in its CREATE TABLE: the batch copies the table.
    with op.batch_alter_table("positions", recreate="auto") as batch:
        batch.add_column(
            sa.Column("phone", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch.drop_constraint("uq_positions_device_time", type_="unique")
        batch.create_unique_constraint("uq_positions_time_device", ["recorded_at", "device_id"])
    op.execute(
        "UPDATE positions SET phone = true "
        "WHERE device_id IN (SELECT id FROM devices WHERE kind <> 'anklet')"
    )
    op.create_index(
        "ix_positions_phone_time",
        "positions",
        ["device_id", "recorded_at"],
        sqlite_where=PHONES,
        postgresql_where=PHONES,
    )


def downgrade() -> None:
    """Revert."""
    op.drop_index("ix_positions_phone_time", table_name="positions")
    with op.batch_alter_table("positions", recreate="auto") as batch:
        batch.drop_constraint("uq_positions_time_device", type_="unique")
        batch.create_unique_constraint("uq_positions_device_time", ["device_id", "recorded_at"])
        batch.drop_column("phone")
