from fastapi import APIRouter

from app import model

router = APIRouter(prefix="/admin", tags=["admin"])


# TODO (exercise auth-route): only callers with "Authorization: Bearer <API_TOKEN>" may do this.
@router.post("/reload")
def reload_model() -> dict[str, object]:
    """Reload the model file from disk."""
    loaded_at = model.reload()
    return {"reloaded": True, "loaded_at": loaded_at}
