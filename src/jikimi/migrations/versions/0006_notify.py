"""PostgreSQL tells listening processes at commit that alerts changed or work arrived

A statement that appends to the alert timeline notifies `jikimi_alerts` with the newest
sequence number it wrote; one that stores contact events, device events or positions
notifies `jikimi_inbox`. Notifications are delivered when (and only if) the transaction
commits, so a separate API process pushes a worker's alert at once, and a separate worker
judges what an API process stored at once, instead of at their next poll. SQLite has no
such thing: there, other processes are found by polling as before.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-22 21:40:00
"""

from __future__ import annotations

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

INBOXES = ("contact_events", "device_events", "positions")


def upgrade() -> None:
    """Apply."""
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        "CREATE FUNCTION jikimi_notify_alerts() RETURNS trigger LANGUAGE plpgsql AS $$ "
        "BEGIN PERFORM pg_notify('jikimi_alerts', "
        "coalesce((SELECT max(seq) FROM new_rows)::text, '')); RETURN NULL; END $$"
    )
    op.execute(
        "CREATE TRIGGER notify_alert_changes AFTER INSERT ON alert_changes "
        "REFERENCING NEW TABLE AS new_rows "
        "FOR EACH STATEMENT EXECUTE FUNCTION jikimi_notify_alerts()"
    )
    op.execute(
        "CREATE FUNCTION jikimi_notify_inbox() RETURNS trigger LANGUAGE plpgsql AS $$ "
        "BEGIN PERFORM pg_notify('jikimi_inbox', TG_TABLE_NAME); RETURN NULL; END $$"
    )
    for table in INBOXES:
        op.execute(
            f"CREATE TRIGGER notify_{table} AFTER INSERT ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION jikimi_notify_inbox()"
        )


def downgrade() -> None:
    """Revert."""
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in INBOXES:
        op.execute(f"DROP TRIGGER IF EXISTS notify_{table} ON {table}")
    op.execute("DROP TRIGGER IF EXISTS notify_alert_changes ON alert_changes")
    op.execute("DROP FUNCTION IF EXISTS jikimi_notify_inbox()")
    op.execute("DROP FUNCTION IF EXISTS jikimi_notify_alerts()")
