"""`omnireel webhooks`: show a tenant's webhook signing secret (run on the server host)."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from omnireel.config import Settings

app = typer.Typer(no_args_is_help=True, help="Webhook signing secrets.")


@app.command("secret")
def secret(tenant: str = typer.Argument(...), data_dir: Optional[Path] = typer.Option(None, "--data-dir")):
    """Print TENANT's signing secret: verify X-Omnireel-Signature = v1=HMAC-SHA256(secret, "<timestamp>.<body>")."""
    from omnireel.jobs.webhooks import tenant_secret

    settings = Settings.from_env(data_dir=data_dir)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    typer.echo(tenant_secret(settings.data_dir, tenant))
