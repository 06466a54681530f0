"""PostgreSQL: a statement that stores only victims' phone fixes wakes no worker

Every victim's phone reports its fix every half minute or so (2,000 phones: 67 requests a
second), and each request's commit woke the worker for a judge pass of its own, a few
milliseconds of fixed cost for one fix. Phone fixes now wait for the worker's next look
(`JIKIMI_WORKER_POLL_S`, 50 ms by default), where they share a pass with anklet pings and
the other phones' fixes; an anklet's pings still wake it at once. SQLite's API process
simply does not ring its doorbell for phone fixes; on PostgreSQL the positions trigger
notifies only when the statement stored a fix that is not a phone's.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-23 17:40:00
"""

from __future__ import annotations

from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply."""
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        "CREATE FUNCTION jikimi_notify_fixes() RETURNS trigger LANGUAGE plpgsql AS $$ "
        "BEGIN IF EXISTS (SELECT FROM new_rows WHERE NOT phone) THEN "
        "PERFORM pg_notify('jikimi_inbox', TG_TABLE_NAME); END IF; RETURN NULL; END $$"
    )
    op.execute("DROP TRIGGER notify_positions ON positions")
    op.execute(
        "CREATE TRIGGER notify_positions AFTER INSERT ON positions "
        "REFERENCING NEW TABLE AS new_rows "
        "FOR EACH STATEMENT EXECUTE FUNCTION jikimi_notify_fixes()"
    )


def downgrade() -> None:
    """Revert: every statement that stores positions notifies (0006)."""
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP TRIGGER notify_positions ON positions")
    op.execute(
        "CREATE TRIGGER notify_positions AFTER INSERT ON positions "
        "FOR EACH STATEMENT EXECUTE FUNCTION jikimi_notify_inbox()"
    )
    op.execute("DROP FUNCTION jikimi_notify_fixes()")
