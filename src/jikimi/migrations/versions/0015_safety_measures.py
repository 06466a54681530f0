"""safety measures and their extensions

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07 19:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from jikimi.core.tables import UtcDateTime

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply."""
    op.create_table(
        "safety_measures",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("case_id", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("starts_at", UtcDateTime(timezone=True), nullable=False),
        sa.Column("ends_at", UtcDateTime(timezone=True), nullable=False),
        sa.Column("provider", sa.String(length=200), nullable=True),
        sa.Column("serial", sa.Text(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("ended_at", UtcDateTime(timezone=True), nullable=True),
        sa.Column("end_reason", sa.Text(), nullable=True),
        sa.Column("created_by", sa.String(length=32), nullable=True),
        sa.Column("created_at", UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_safety_measures_case_id_cases")
        ),
        sa.ForeignKeyConstraint(
            ["created_by"], ["accounts.id"], name=op.f("fk_safety_measures_created_by_accounts")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_safety_measures")),
    )
    op.create_index(
        op.f("ix_safety_measures_case_id"), "safety_measures", ["case_id"], unique=False
    )
    op.create_table(
        "measure_extensions",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("measure_id", sa.String(length=32), nullable=False),
        sa.Column("previous_ends_at", UtcDateTime(timezone=True), nullable=False),
        sa.Column("ends_at", UtcDateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=32), nullable=True),
        sa.Column("created_at", UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by"],
            ["accounts.id"],
            name=op.f("fk_measure_extensions_created_by_accounts"),
        ),
        sa.ForeignKeyConstraint(
            ["measure_id"],
            ["safety_measures.id"],
            name=op.f("fk_measure_extensions_measure_id_safety_measures"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_measure_extensions")),
    )
    op.create_index(
        op.f("ix_measure_extensions_measure_id"), "measure_extensions", ["measure_id"], unique=False
    )


def downgrade() -> None:
    """Revert (the measures and their extensions are lost)."""
    op.drop_table("measure_extensions")
    op.drop_table("safety_measures")
