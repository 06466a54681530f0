"""Flagged access records get a table of their own, indexed by agency and review state

The supervisors' flag list scanned the agency's newest access records for flags, so
enough ordinary reads after a flag pushed it out of reach. `access_flags` holds one row
per flagged record (its number, its agency) and the review a supervisor gives it; the
hash-chained records themselves do not change. Flags already in the trail are copied in,
unreviewed.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-24 10:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import jikimi.schema

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply."""
    op.create_table(
        "access_flags",
        sa.Column(
            "n",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=False,
            nullable=False,
        ),
        sa.Column("agency", sa.String(length=100), nullable=True),
        sa.Column("reviewed", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("reviewed_at", jikimi.schema.UtcDateTime(timezone=True), nullable=True),
        sa.Column("reviewed_by", sa.String(length=32), nullable=True),
        sa.Column("reviewed_by_name", sa.String(length=200), nullable=True),
        sa.Column("review_note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["n"], ["access_records.n"], name=op.f("fk_access_flags_n_access_records")
        ),
        sa.PrimaryKeyConstraint("n", name=op.f("pk_access_flags")),
    )
    with op.batch_alter_table("access_flags", schema=None) as batch_op:
        batch_op.create_index("ix_access_flags_agency", ["agency", "n"], unique=False)
        batch_op.create_index("ix_access_flags_queue", ["agency", "reviewed", "n"], unique=False)
    # Both SQLite (JSON1) and PostgreSQL (json) have json_array_length.
    op.execute(
        "INSERT INTO access_flags (n, agency) "
        "SELECT n, agency FROM access_records WHERE json_array_length(flags) > 0"
    )


def downgrade() -> None:
    """Revert (the reviews are lost; the flags stay in the chain's records)."""
    with op.batch_alter_table("access_flags", schema=None) as batch_op:
        batch_op.drop_index("ix_access_flags_queue")
        batch_op.drop_index("ix_access_flags_agency")
    op.drop_table("access_flags")
