"""emergency support: applications and the chained ledger of payments

Revision ID: 0016_support
Revises: 0015
Create Date: 2026-12-08 10:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from jikimi.core.tables import UtcDateTime

revision = "0016_support"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply."""
    op.create_table(
        "support_applications",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("case_id", sa.String(length=32), nullable=False),
        sa.Column("agency", sa.String(length=100), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("amount_krw", sa.BigInteger(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("applied_by", sa.String(length=32), nullable=False),
        sa.Column("applied_at", UtcDateTime(timezone=True), nullable=False),
        sa.Column("decided_by", sa.String(length=32), nullable=True),
        sa.Column("decided_at", UtcDateTime(timezone=True), nullable=True),
        sa.Column("approved_krw", sa.BigInteger(), nullable=True),
        sa.Column("decision_reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["applied_by"],
            ["accounts.id"],
            name=op.f("fk_support_applications_applied_by_accounts"),
        ),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_support_applications_case_id_cases")
        ),
        sa.ForeignKeyConstraint(
            ["decided_by"],
            ["accounts.id"],
            name=op.f("fk_support_applications_decided_by_accounts"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_support_applications")),
    )
    op.create_index(
        op.f("ix_support_applications_case_id"), "support_applications", ["case_id"], unique=False
    )
    op.create_table(
        "support_ledger",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("n", sa.BigInteger(), nullable=False),
        sa.Column("application_id", sa.String(length=32), nullable=False),
        sa.Column("case_id", sa.String(length=32), nullable=False),
        sa.Column("agency", sa.String(length=100), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("amount_krw", sa.BigInteger(), nullable=False),
        sa.Column("paid_at", UtcDateTime(timezone=True), nullable=False),
        sa.Column("reference", sa.Text(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("recorded_by", sa.String(length=32), nullable=False),
        sa.Column("recorded_at", UtcDateTime(timezone=True), nullable=False),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["support_applications.id"],
            name=op.f("fk_support_ledger_application_id_support_applications"),
        ),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_support_ledger_case_id_cases")
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by"], ["accounts.id"], name=op.f("fk_support_ledger_recorded_by_accounts")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_support_ledger")),
        sa.UniqueConstraint("n", name=op.f("uq_support_ledger_n")),
    )
    op.create_index(
        "ix_support_ledger_agency_paid_at", "support_ledger", ["agency", "paid_at"], unique=False
    )
    op.create_index(
        op.f("ix_support_ledger_application_id"),
        "support_ledger",
        ["application_id"],
        unique=False,
    )
    op.create_index(op.f("ix_support_ledger_case_id"), "support_ledger", ["case_id"], unique=False)


def downgrade() -> None:
    """Revert (the applications and the ledger are lost)."""
    op.drop_table("support_ledger")
    op.drop_table("support_applications")
