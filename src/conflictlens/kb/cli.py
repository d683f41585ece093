"""`conflictlens kb ...`: look up the knowledge base."""

import typer

app = typer.Typer(help="Search and show knowledge-base entries.", no_args_is_help=True)
