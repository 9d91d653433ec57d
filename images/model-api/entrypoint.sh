#!/bin/sh
# Entrypoint of lab/model-api (under tini).
#   serve (default)  without APP_DIR: the built-in service, `python -m model_api`
#                    with APP_DIR:    development mode, the package `app` in $APP_DIR under
#                                     `uvicorn app.main:app --reload` (labs where learners write
#                                     the service); waits until $APP_DIR/app/main.py exists
#   anything else    exec'd as is (`docker run IMAGE bash`, `python -m model_api.train DIR`)
set -eu

case "${1:-serve}" in
    serve) ;;
    *) exec "$@" ;;
esac

if [ -z "${APP_DIR:-}" ]; then
    exec python -m model_api
fi

if [ ! -f "$APP_DIR/app/main.py" ]; then
    echo "model-api: waiting for $APP_DIR/app/main.py (development mode)" >&2
    while [ ! -f "$APP_DIR/app/main.py" ]; do sleep 0.5; done
fi
cd "$APP_DIR"
exec uvicorn app.main:app --host "${HOST:-0.0.0.0}" --port "${PORT:-8000}" \
    --reload --reload-dir "$APP_DIR"
