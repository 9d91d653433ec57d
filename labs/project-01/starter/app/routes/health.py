from fastapi import APIRouter

router = APIRouter(tags=["operations"])


# TODO (milestone health-readiness): report model_loaded, model_version, app_version and the
# database status, and answer 503 when the service cannot serve predictions.
@router.get("/health")
def health() -> dict[str, str]:
    return {"status": "ok"}
