"""case work: tasks, follow-up periods, decisions that owe monitoring; closing a case

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07 19:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from jikimi.core.tables import UtcDateTime

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply."""
    op.create_table(
        "case_decisions",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("case_id", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("decided_at", UtcDateTime(timezone=True), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("created_by", sa.String(length=32), nullable=True),
        sa.Column("created_at", UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_case_decisions_case_id_cases")
        ),
        sa.ForeignKeyConstraint(
            ["created_by"], ["accounts.id"], name=op.f("fk_case_decisions_created_by_accounts")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_decisions")),
    )
    op.create_index(op.f("ix_case_decisions_case_id"), "case_decisions", ["case_id"], unique=False)
    op.create_table(
        "follow_ups",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("case_id", sa.String(length=32), nullable=False),
        sa.Column("trigger", sa.String(length=80), nullable=False),
        sa.Column("reason", sa.String(length=40), nullable=False),
        sa.Column("started_at", UtcDateTime(timezone=True), nullable=False),
        sa.Column("ends_at", UtcDateTime(timezone=True), nullable=False),
        sa.Column("ended_at", UtcDateTime(timezone=True), nullable=True),
        sa.Column("end_reason", sa.String(length=40), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_follow_ups_case_id_cases")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_follow_ups")),
        sa.UniqueConstraint("trigger", name=op.f("uq_follow_ups_trigger")),
    )
    op.create_index(op.f("ix_follow_ups_case_id"), "follow_ups", ["case_id"], unique=False)
    op.create_index(op.f("ix_follow_ups_ended_at"), "follow_ups", ["ended_at"], unique=False)
    op.create_table(
        "tasks",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("case_id", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("due_at", UtcDateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("owner_id", sa.String(length=32), nullable=True),
        sa.Column("completed_at", UtcDateTime(timezone=True), nullable=True),
        sa.Column("completed_by", sa.String(length=32), nullable=True),
        sa.Column("outcome", sa.String(length=20), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("escalated_at", UtcDateTime(timezone=True), nullable=True),
        sa.Column("created_at", UtcDateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=32), nullable=True),
        sa.Column("key", sa.String(length=120), nullable=True),
        sa.Column("follow_up_id", sa.String(length=32), nullable=True),
        sa.Column("basis_at", UtcDateTime(timezone=True), nullable=True),
        sa.Column("tier", sa.String(length=12), nullable=True),
        sa.Column("tier_checked_at", UtcDateTime(timezone=True), nullable=True),
        sa.Column("subject_ends_at", UtcDateTime(timezone=True), nullable=True),
        sa.Column("not_reached_in_a_row", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_tasks_case_id_cases")),
        sa.ForeignKeyConstraint(
            ["completed_by"], ["accounts.id"], name=op.f("fk_tasks_completed_by_accounts")
        ),
        sa.ForeignKeyConstraint(
            ["created_by"], ["accounts.id"], name=op.f("fk_tasks_created_by_accounts")
        ),
        sa.ForeignKeyConstraint(
            ["follow_up_id"], ["follow_ups.id"], name=op.f("fk_tasks_follow_up_id_follow_ups")
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["accounts.id"], name=op.f("fk_tasks_owner_id_accounts")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tasks")),
        sa.UniqueConstraint("key", name=op.f("uq_tasks_key")),
    )
    op.create_index(op.f("ix_tasks_case_id"), "tasks", ["case_id"], unique=False)
    op.create_index(op.f("ix_tasks_follow_up_id"), "tasks", ["follow_up_id"], unique=False)
    op.create_index(op.f("ix_tasks_owner_id"), "tasks", ["owner_id"], unique=False)
    op.create_index("ix_tasks_status_due_at", "tasks", ["status", "due_at"], unique=False)
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.add_column(sa.Column("closed_at", UtcDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("closed_by", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("close_reason", sa.Text(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_cases_closed_by_accounts"), "accounts", ["closed_by"], ["id"]
        )


def downgrade() -> None:
    """Revert (tasks, follow-ups and decisions are lost)."""
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_cases_closed_by_accounts"), type_="foreignkey")
        batch_op.drop_column("close_reason")
        batch_op.drop_column("closed_by")
        batch_op.drop_column("closed_at")
    op.drop_table("tasks")
    op.drop_table("follow_ups")
    op.drop_table("case_decisions")
