"""patrol plans, their stops and the visits recorded

Revision ID: 0018_patrols
Revises: 0017_referrals
Create Date: 2026-12-08 10:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from jikimi.core.tables import UtcDateTime

revision = "0018_patrols"
down_revision = "0017_referrals"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply."""
    op.create_table(
        "patrol_plans",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("agency", sa.String(length=100), nullable=False),
        sa.Column("shift_start", UtcDateTime(timezone=True), nullable=False),
        sa.Column("shift_end", UtcDateTime(timezone=True), nullable=False),
        sa.Column("stop_minutes", sa.Integer(), nullable=False),
        sa.Column("speed_kmh", sa.Float(), nullable=False),
        sa.Column("seed", sa.Integer(), nullable=False),
        sa.Column("units", sa.JSON(), nullable=False),
        sa.Column("unvisited", sa.JSON(), nullable=False),
        sa.Column("solve_ms", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.String(length=32), nullable=True),
        sa.Column("created_at", UtcDateTime(timezone=True), nullable=False),
        sa.Column("missed_checked_at", UtcDateTime(timezone=True), nullable=True),
        sa.Column("missed", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by"], ["accounts.id"], name=op.f("fk_patrol_plans_created_by_accounts")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_patrol_plans")),
    )
    op.create_index(op.f("ix_patrol_plans_agency"), "patrol_plans", ["agency"], unique=False)
    op.create_index(op.f("ix_patrol_plans_shift_end"), "patrol_plans", ["shift_end"], unique=False)
    op.create_index(
        op.f("ix_patrol_plans_missed_checked_at"),
        "patrol_plans",
        ["missed_checked_at"],
        unique=False,
    )
    op.create_table(
        "patrol_stops",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("plan_id", sa.String(length=32), nullable=False),
        sa.Column("unit", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.String(length=32), nullable=False),
        sa.Column("visit", sa.Integer(), nullable=False),
        sa.Column("tier", sa.String(length=12), nullable=False),
        sa.Column("missed_before", sa.Boolean(), nullable=False),
        sa.Column("lat", sa.Text(), nullable=False),
        sa.Column("lon", sa.Text(), nullable=False),
        sa.Column("arrive_at", UtcDateTime(timezone=True), nullable=False),
        sa.Column("depart_at", UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_patrol_stops_case_id_cases")
        ),
        sa.ForeignKeyConstraint(
            ["plan_id"], ["patrol_plans.id"], name=op.f("fk_patrol_stops_plan_id_patrol_plans")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_patrol_stops")),
    )
    op.create_index(op.f("ix_patrol_stops_case_id"), "patrol_stops", ["case_id"], unique=False)
    op.create_index(op.f("ix_patrol_stops_plan_id"), "patrol_stops", ["plan_id"], unique=False)
    op.create_table(
        "patrol_visits",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("plan_id", sa.String(length=32), nullable=False),
        sa.Column("case_id", sa.String(length=32), nullable=False),
        sa.Column("visited_at", UtcDateTime(timezone=True), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("recorded_by", sa.String(length=32), nullable=True),
        sa.Column("created_at", UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_patrol_visits_case_id_cases")
        ),
        sa.ForeignKeyConstraint(
            ["plan_id"], ["patrol_plans.id"], name=op.f("fk_patrol_visits_plan_id_patrol_plans")
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by"], ["accounts.id"], name=op.f("fk_patrol_visits_recorded_by_accounts")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_patrol_visits")),
    )
    op.create_index(op.f("ix_patrol_visits_case_id"), "patrol_visits", ["case_id"], unique=False)
    op.create_index(op.f("ix_patrol_visits_plan_id"), "patrol_visits", ["plan_id"], unique=False)


def downgrade() -> None:
    """Revert (the plans, their stops and visits are lost)."""
    op.drop_table("patrol_visits")
    op.drop_table("patrol_stops")
    op.drop_table("patrol_plans")
