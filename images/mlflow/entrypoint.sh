#!/bin/sh
# Entrypoint of lab/mlflow: wait until the backend store accepts connections (PostgreSQL may
# still be starting, or its role not yet created by the lab's playbook), then exec
# `mlflow server` on 0.0.0.0. Any other command (`docker run IMAGE bash`) runs as given.
set -eu

case "${1:-server}" in
    server) [ $# -gt 0 ] && shift ;;
    *) exec "$@" ;;
esac

log() { echo "lab-mlflow: $*" >&2; }

: "${MLFLOW_BACKEND_STORE_URI:=sqlite:////mlflow/mlflow.db}"
: "${MLFLOW_ARTIFACTS_DESTINATION:=/mlflow/artifacts}"
: "${MLFLOW_ALLOWED_HOSTS:=$(hostname),$(hostname):*,localhost,localhost:*,127.0.0.1,127.0.0.1:*}"
# Both reach `mlflow server` through its environment variables (no password in argv).
export MLFLOW_BACKEND_STORE_URI MLFLOW_ARTIFACTS_DESTINATION

mkdir -p "$MLFLOW_ARTIFACTS_DESTINATION" 2>/dev/null || true

# The URI holds a password: it goes to Python in the environment, never on a command line.
python - <<'PY'
import os, sys, time
import sqlalchemy

uri = os.environ["MLFLOW_BACKEND_STORE_URI"]
deadline = time.monotonic() + float(os.environ.get("MLFLOW_DB_WAIT", "600"))
engine = sqlalchemy.create_engine(uri, pool_pre_ping=True)
said = 0.0
while True:
    try:
        with engine.connect() as conn:
            conn.execute(sqlalchemy.text("SELECT 1"))
        break
    except Exception as exc:  # noqa: BLE001 - any failure means "not yet"
        if time.monotonic() > deadline:
            sys.exit(f"lab-mlflow: backend store unreachable, giving up: {type(exc).__name__}")
        if time.monotonic() - said > 10:
            print(f"lab-mlflow: waiting for the backend store ({type(exc).__name__})", file=sys.stderr)
            said = time.monotonic()
        time.sleep(1)
engine.dispose()
PY

log "backend store ready; starting mlflow server on port ${PORT:-5000}"
exec mlflow server \
    --host 0.0.0.0 --port "${PORT:-5000}" --workers "${MLFLOW_WORKERS:-1}" \
    --allowed-hosts "$MLFLOW_ALLOWED_HOSTS" \
    "$@"
