"""112 look-ups: the case a dispatcher found by the calling number, open to that dispatcher
for a while (docs/security.md, "The dispatcher's scope")

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07 12:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import jikimi.schema

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply."""
    op.create_table(
        "caller_lookups",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("account_id", sa.String(length=32), nullable=False),
        sa.Column("case_id", sa.String(length=32), nullable=False),
        sa.Column("looked_up_at", jikimi.schema.UtcDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", jikimi.schema.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f("fk_caller_lookups_account_id_accounts")
        ),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_caller_lookups_case_id_cases")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_caller_lookups")),
    )
    with op.batch_alter_table("caller_lookups", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_caller_lookups_account_id"), ["account_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_caller_lookups_case_id"), ["case_id"], unique=False)


def downgrade() -> None:
    """Revert."""
    with op.batch_alter_table("caller_lookups", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_caller_lookups_case_id"))
        batch_op.drop_index(batch_op.f("ix_caller_lookups_account_id"))
    op.drop_table("caller_lookups")
