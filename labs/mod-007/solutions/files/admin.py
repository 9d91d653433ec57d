import os
import secrets

from fastapi import APIRouter, Depends, HTTPException, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from app import model

bearer = HTTPBearer(auto_error=False, description="The API token (env API_TOKEN)")


def require_token(credentials: HTTPAuthorizationCredentials | None = Depends(bearer)) -> None:
    """Allow the request only with "Authorization: Bearer <API_TOKEN>"."""
    expected = os.environ.get("API_TOKEN", "")
    given = credentials.credentials if credentials else ""
    # compare_digest takes the same time whatever the mismatch: no timing side channel.
    if not expected or not secrets.compare_digest(given.encode(), expected.encode()):
        raise HTTPException(
            status_code=status.HTTP_401_UNAUTHORIZED,
            detail="missing or invalid API token",
            headers={"WWW-Authenticate": "Bearer"},
        )


router = APIRouter(prefix="/admin", tags=["admin"], dependencies=[Depends(require_token)])


@router.post("/reload")
def reload_model() -> dict[str, object]:
    """Reload the model file from disk."""
    loaded_at = model.reload()
    return {"reloaded": True, "loaded_at": loaded_at}
