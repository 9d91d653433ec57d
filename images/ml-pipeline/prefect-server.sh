#!/bin/sh
# lab-prefect-server: the Prefect server (REST API at /api, UI at /) on 0.0.0.0:${PORT:-4200},
# its SQLite database in $PREFECT_HOME (default /var/lib/prefect: declare it as a volume).
# The UI calls the API at the relative path /api, so it works behind any published port; the
# server writes its copy of the UI (with that path filled in) to $PREFECT_HOME/ui, since the
# venv is read-only for the server's user.
set -eu
export PREFECT_HOME="${PREFECT_HOME:-/var/lib/prefect}"
export PREFECT_UI_STATIC_DIRECTORY="${PREFECT_UI_STATIC_DIRECTORY:-$PREFECT_HOME/ui}"
export PREFECT_UI_API_URL="${PREFECT_UI_API_URL:-/api}"
unset PREFECT_API_URL  # the server is nobody's client
mkdir -p "$PREFECT_HOME"
exec prefect server start --host 0.0.0.0 --port "${PORT:-4200}" "$@"
