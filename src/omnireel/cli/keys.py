"""`omnireel keys`: create, list and revoke API keys directly in the data directory's database."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from omnireel.config import Settings
from omnireel.errors import OmnireelError

app = typer.Typer(no_args_is_help=True, help="Manage API keys (run on the server host).")


def _db(data_dir: Optional[Path]):
    from omnireel.storage import db as dbmod

    settings = Settings.from_env(data_dir=data_dir)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    dbmod.migrate(settings.db_url)
    return dbmod.make_database(settings.db_url)


DataDir = typer.Option(None, "--data-dir", help="Data directory (default ./omnireel-data; env OMNIREEL_DATA_DIR).")


@app.command("create")
def create(
    tenant: str = typer.Argument(..., help="Tenant name (created if new)."),
    region: Optional[str] = typer.Option(None, help="The tenant's country (ISO code, e.g. DE) for regional limits."),
    data_dir: Optional[Path] = DataDir,
):
    """Create an API key for TENANT; the key is printed as the last line and cannot be shown again."""
    from omnireel.services import region as region_service
    from omnireel.services import tenants

    try:
        db = _db(data_dir)
        key = tenants.create_key(db, tenant)
        if region:
            region_service.set_region(db, tenant, region)
    except OmnireelError as exc:
        typer.echo(f"error: {exc.message}", err=True)
        raise typer.Exit(2)
    typer.echo(f"Created an API key for tenant '{tenant}'. Store it now; it is not shown again:")
    typer.echo(key)


@app.command("list")
def list_(tenant: Optional[str] = typer.Argument(None), data_dir: Optional[Path] = DataDir):
    """List keys (id, tenant, created, revoked); secrets are never shown."""
    import datetime as dt

    from omnireel.services import tenants

    rows = tenants.list_keys(_db(data_dir), tenant)
    if not rows:
        typer.echo("no keys")
    for row in rows:
        created = dt.datetime.fromtimestamp(row["created_at"], dt.timezone.utc).strftime("%Y-%m-%d %H:%M:%SZ")
        state = "revoked" if row["revoked_at"] else "active"
        typer.echo(f"{row['id']}\t{row['tenant_id']}\t{created}\t{state}")


@app.command("revoke")
def revoke(key_id: str = typer.Argument(..., help="Key id (from `keys list`) or the full key."), data_dir: Optional[Path] = DataDir):
    """Revoke a key; requests with it get 401 from then on."""
    from omnireel.services import tenants

    try:
        tenants.revoke_key(_db(data_dir), key_id)
    except OmnireelError as exc:
        typer.echo(f"error: {exc.message}", err=True)
        raise typer.Exit(1)
    typer.echo(f"revoked {key_id}")


@app.command("region")
def region(
    tenant: str = typer.Argument(..., help="Tenant name."),
    code: Optional[str] = typer.Argument(None, help="Country code (ISO 3166-1 alpha-2, e.g. DE, GB, US); 'none' clears it."),
    data_dir: Optional[Path] = DataDir,
):
    """Show or set a tenant's region (regional limits apply in the EEA, Switzerland and the UK); a tenant without
    one takes the server's OMNIREEL_REGION."""
    from omnireel.services import region as region_service

    try:
        db = _db(data_dir)
        if code is not None:
            region_service.set_region(db, tenant, None if code.lower() == "none" else code)
        shown = region_service.region_of(db, tenant)
    except OmnireelError as exc:
        typer.echo(f"error: {exc.message}", err=True)
        raise typer.Exit(2)
    limited = " (regional limits apply)" if shown in region_service.LIMITED else ""
    typer.echo(f"{tenant}: {shown or 'not set (the server default applies)'}{limited}")
