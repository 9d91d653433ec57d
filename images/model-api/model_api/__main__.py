"""`python -m model_api`: serve on HOST:PORT with JSON logs (uvicorn's own logging off)."""

import uvicorn

from model_api import logs
from model_api.config import settings


def main() -> None:
    logs.configure(settings.log_level, settings.log_file)
    uvicorn.run(
        "model_api.main:app",
        host=settings.host,
        port=settings.port,
        log_config=None,
        access_log=False,
        server_header=False,
        timeout_graceful_shutdown=5,
    )


if __name__ == "__main__":
    main()
