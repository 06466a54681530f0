"""Storage: SQLAlchemy tables, unit of work, repositories, read queries, migrations."""
