"""a version number for what the proximity watch reads of cases

Any change to an order, an address, a case's people or agency, or a device's binding
bumps `engine_cursors['watch.version']` in the same transaction (database triggers, so no
write path can forget it). The judge keeps what it read of cases until the number moves.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22 18:25:00
"""

from __future__ import annotations

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

BUMP = "UPDATE engine_cursors SET position = position + 1 WHERE name = 'watch.version'"
# table → the columns whose change matters to the watch (None: any column)
WATCHED: dict[str, str | None] = {
    "orders": None,
    "addresses": None,
    "cases": "victim_id, perpetrator_id, agency",
    "devices": "case_id, person_id, kind, serial",
}


def upgrade() -> None:
    """Apply."""
    op.execute("INSERT INTO engine_cursors (name, position) VALUES ('watch.version', 0)")
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION jikimi_watch_changed() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN {BUMP}; RETURN NULL; END $$"
        )
        for table, cols in WATCHED.items():
            update = f"UPDATE OF {cols}" if cols else "UPDATE"
            op.execute(
                f"CREATE TRIGGER watch_{table} AFTER INSERT OR DELETE OR {update} ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION jikimi_watch_changed()"
            )
        return
    for table, cols in WATCHED.items():
        for event in ("INSERT", "DELETE", f"UPDATE OF {cols}" if cols else "UPDATE"):
            name = f"watch_{table}_{event.split()[0].lower()}"
            op.execute(f"CREATE TRIGGER {name} AFTER {event} ON {table} BEGIN {BUMP}; END")


def downgrade() -> None:
    """Revert."""
    if op.get_bind().dialect.name == "postgresql":
        for table in WATCHED:
            op.execute(f"DROP TRIGGER IF EXISTS watch_{table} ON {table}")
        op.execute("DROP FUNCTION IF EXISTS jikimi_watch_changed()")
    else:
        for table in WATCHED:
            for event in ("insert", "delete", "update"):
                op.execute(f"DROP TRIGGER IF EXISTS watch_{table}_{event}")
    op.execute("DELETE FROM engine_cursors WHERE name = 'watch.version'")
