#!/bin/sh
# Entrypoint of lab/postgres-mlops: on first start copy the cluster made at build time
# (lab-postgres-bake) into $PGDATA and give the superuser `postgres` its password, then exec
# postgres (PID 1).
# Env: POSTGRES_PASSWORD or POSTGRES_PASSWORD_FILE (needed on first start only), PGDATA,
#      LAB_PGDATA_TEMPLATE (set by the image).
set -eu

PGDATA=${PGDATA:-/var/lib/postgresql/data}
export PGDATA

# `docker run IMAGE bash` etc.: run that instead.
case "${1:-postgres}" in
    postgres|-*) ;;
    *) exec "$@" ;;
esac
[ "${1:-}" = postgres ] && shift

log() { echo "lab-postgres-entrypoint: $*" >&2; }

if [ ! -s "$PGDATA/PG_VERSION" ]; then
    mkdir -p "$PGDATA" 2>/dev/null || true
    if [ ! -w "$PGDATA" ]; then
        log "$PGDATA is not writable by $(id -un) (uid $(id -u)); use a named volume, or chown the bind mount to uid $(id -u)"
        exit 1
    fi
    pw=""
    if [ -n "${POSTGRES_PASSWORD_FILE:-}" ]; then
        pw=$(head -n1 "$POSTGRES_PASSWORD_FILE")
    elif [ -n "${POSTGRES_PASSWORD:-}" ]; then
        pw=$POSTGRES_PASSWORD
    fi
    if [ -z "$pw" ]; then
        log "first start needs POSTGRES_PASSWORD (or POSTGRES_PASSWORD_FILE) for the superuser 'postgres'"
        exit 1
    fi
    log "copying the seeded cluster into $PGDATA"
    cp -a "$LAB_PGDATA_TEMPLATE/." "$PGDATA/"
    chmod 0700 "$PGDATA"
    # Single-user mode: no network and no second server start. The password reaches it on stdin
    # (printf is a shell builtin: never on a command line); fsync=off because the syncfs below
    # makes everything durable at once.
    printf "ALTER ROLE postgres PASSWORD '%s';\n" "$(printf '%s' "$pw" | sed "s/'/''/g")" |
        postgres --single -D "$PGDATA" -c fsync=off postgres >/dev/null
    unset pw
    sync -f "$PGDATA"
fi

exec postgres "$@"
