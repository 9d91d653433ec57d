from fastapi import APIRouter, Response, status

from app import model, store
from app.config import settings

router = APIRouter(tags=["operations"])


@router.get("/health")
def health(response: Response) -> dict[str, object]:
    """Readiness: 200 only when the model is loaded and the database answers, else 503.

    Without DATABASE_URL (e.g. on Kubernetes without a database) the database is "disabled"
    and only the model decides.
    """
    model_loaded = model.is_loaded()
    if not settings.database_url:
        database = "disabled"
    else:
        database = "ok" if store.ping() else "unavailable"
    ready = model_loaded and database != "unavailable"
    if not ready:
        response.status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    return {
        "status": "ok" if ready else "degraded",
        "model_loaded": model_loaded,
        "model_version": model.version(),
        "app_version": settings.app_version,
        "environment": settings.environment,
        "database": database,
    }
