"""`python -m jikimi` is the `jikimi` command."""

from jikimi.cli.main import app

app()
