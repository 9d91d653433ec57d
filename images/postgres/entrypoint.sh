#!/bin/sh
# Entrypoint of lab/postgres: initdb on first start, then exec postgres (PID 1).
# Env: POSTGRES_PASSWORD or POSTGRES_PASSWORD_FILE (needed on first start only),
#      POSTGRES_DB (optional database created on first start), PGDATA.
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
    chmod 0700 "$PGDATA" 2>/dev/null || true
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
    pwfile=$(mktemp)
    printf '%s\n' "$pw" >"$pwfile"
    log "initialising a new cluster in $PGDATA"
    # Superuser password straight from initdb: no temporary server start needed.
    # --no-sync + one syncfs at the end (below): initdb's per-file fsyncs take ~2 s on
    # overlay/virtio disks, a single `sync -f` of the volume ~0.1 s, same durability.
    initdb --username=postgres --pwfile="$pwfile" --encoding=UTF8 --locale=C.UTF-8 \
        --auth-local=peer --auth-host=scram-sha-256 --no-sync >/dev/null
    rm -f "$pwfile"
    unset pw
    cat >>"$PGDATA/postgresql.conf" <<CONF

# lab: reachable on every interface of the container (publish the port on 127.0.0.1 only)
listen_addresses = '0.0.0.0'
CONF
    cat >>"$PGDATA/pg_hba.conf" <<HBA

# lab: password logins from anywhere the container is reachable from
host    all             all             0.0.0.0/0               scram-sha-256
HBA
    if [ -n "${POSTGRES_DB:-}" ] && [ "$POSTGRES_DB" != postgres ]; then
        # Single-user mode: no network, no password, no second server start; fsync=off
        # because the syncfs below makes everything durable at once.
        echo "CREATE DATABASE \"$(printf '%s' "$POSTGRES_DB" | sed 's/"/""/g')\";" |
            postgres --single -D "$PGDATA" -c fsync=off postgres >/dev/null
    fi
    sync -f "$PGDATA"
fi

exec postgres "$@"
