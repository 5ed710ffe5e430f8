"""GET /{version}/models: the models this server serves, with their tasks and output options."""

from fastapi import APIRouter, Depends, Path, Request

from omnireel.api.auth import current_tenant
from omnireel.api.routes import VERSION
from omnireel.errors import NotFound
from omnireel.services.request_parsing import clip

router = APIRouter()


@router.get("/{version}/models")
def list_models(request: Request, version: str = Path(pattern=VERSION), tenant=Depends(current_tenant)):
    return {"models": request.app.state.runtime.engines.describe()}


@router.get("/{version}/models/{model_id}")
def get_model(request: Request, model_id: str, version: str = Path(pattern=VERSION), tenant=Depends(current_tenant)):
    for model in request.app.state.runtime.engines.describe():
        if model["id"] == model_id:
            return model
    raise NotFound(f"Model '{clip(model_id)}' not found.")
