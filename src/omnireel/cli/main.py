"""Entry point of the `omnireel` command."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from omnireel.cli import generate as generate_cmd
from omnireel.cli import keys as keys_cmd
from omnireel.cli import webhooks as webhooks_cmd
from omnireel.cli import worker as worker_cmd

app = typer.Typer(no_args_is_help=True, add_completion=False, help="omnireel: open video generation and editing.")
app.add_typer(keys_cmd.app, name="keys")
app.add_typer(webhooks_cmd.app, name="webhooks")
app.command("generate")(generate_cmd.generate)
app.command("worker")(worker_cmd.worker)


@app.command()
def serve(
    host: Optional[str] = typer.Option(None, help="Bind address (default 127.0.0.1; env OMNIREEL_HOST)."),
    port: Optional[int] = typer.Option(None, help="Port (default 8080; env OMNIREEL_PORT)."),
    data_dir: Optional[Path] = typer.Option(None, help="Data directory (default ./omnireel-data; env OMNIREEL_DATA_DIR)."),
    workers: Optional[int] = typer.Option(
        None, help="In-process render workers (default 2; env OMNIREEL_WORKERS); 0 serves the API only, for "
        "`omnireel worker` processes on PostgreSQL."),
    keyless: Optional[bool] = typer.Option(
        None, "--keyless/--no-keyless", help="Accept requests without an API key (loopback only; env OMNIREEL_ALLOW_KEYLESS)."
    ),
    public_base_url: Optional[str] = typer.Option(None, help="URL clients use to reach this server (for upload URLs)."),
    log_level: str = typer.Option("info", help="uvicorn log level."),
):
    """Run the API server with in-process workers (SQLite + local disk under the data directory)."""
    import uvicorn

    from omnireel.api.app import create_app
    from omnireel.config import Settings

    try:
        settings = Settings.from_env(
            host=host, port=port, data_dir=data_dir, workers=workers, allow_keyless=keyless, public_base_url=public_base_url
        )
        settings.validate()
    except ValueError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2)
    if settings.workers == 0 and not settings.db_url.startswith("postgresql"):
        typer.echo("warning: --workers 0 on SQLite: interactions are queued but nothing renders them "
                   "(`omnireel worker` needs PostgreSQL).", err=True)
    app_ = create_app(settings)
    typer.echo(f"omnireel serving on {settings.base_url} (data: {settings.data_dir})", err=True)
    uvicorn.run(app_, host=settings.host, port=settings.port, log_level=log_level, timeout_graceful_shutdown=30)


if __name__ == "__main__":
    app()
