"""Authentication: API key (x-goog-api-key, ?key=, or Authorization: Bearer) to tenant; keyless only on loopback."""

from __future__ import annotations

from fastapi import Request

from omnireel.config import is_loopback
from omnireel.errors import Unauthenticated
from omnireel.services import tenants


def presented_key(request: Request) -> str | None:
    key = request.headers.get("x-goog-api-key") or request.query_params.get("key")
    if not key:
        auth = request.headers.get("authorization", "")
        if auth.lower().startswith("bearer "):
            key = auth[7:].strip()
    return key or None


def current_tenant(request: Request) -> tenants.Tenant:
    """FastAPI dependency: the tenant of the request, or 401."""
    runtime = request.app.state.runtime
    key = presented_key(request)
    if key is None:
        client_host = request.client.host if request.client else ""
        if runtime.settings.allow_keyless and is_loopback(client_host) and is_loopback(runtime.settings.host):
            return tenants.Tenant(tenants.LOCAL_TENANT)
        raise Unauthenticated("Missing API key. Pass it in the x-goog-api-key header (create one with `omnireel keys create TENANT`).")
    if runtime.settings.allow_keyless and key and not key.startswith(tenants.KEY_PREFIX + "_"):
        # In keyless local mode any placeholder key (the SDK insists on one) maps to the local tenant.
        client_host = request.client.host if request.client else ""
        if is_loopback(client_host):
            return tenants.Tenant(tenants.LOCAL_TENANT)
    return tenants.authenticate(runtime.db, key)
