#!/bin/sh
# Entrypoint of lab/postgres-mlops: on first start copy the cluster made at build time
# (lab-postgres-bake) into $PGDATA, give the superuser `postgres` its password and each role
# named by a POSTGRES_ROLE_PASSWORD_<role> variable that password and LOGIN, then exec postgres
# (PID 1).
# Env: POSTGRES_PASSWORD or POSTGRES_PASSWORD_FILE (needed on first start only),
#      POSTGRES_ROLE_PASSWORD_<role> (optional, first start only; the role must exist in the
#      image), PGDATA, LAB_PGDATA_TEMPLATE (set by the image).
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

# ALTER ROLE statement for single-user mode: role, password, extra options.
alter() { printf "ALTER ROLE %s%s PASSWORD '%s';\n" "$1" "$3" "$(printf '%s' "$2" | sed "s/'/''/g")"; }

# One ALTER ROLE ... LOGIN per POSTGRES_ROLE_PASSWORD_<role>; role names are plain identifiers.
role_passwords() {
    for role in $(env | sed -n 's/^POSTGRES_ROLE_PASSWORD_\([a-z_][a-z0-9_]*\)=.*/\1/p'); do
        eval "rpw=\${POSTGRES_ROLE_PASSWORD_$role}"
        alter "$role" "$rpw" " LOGIN"
    done
}

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
    # Single-user mode: no network and no second server start. The passwords reach it on stdin
    # (printf is a shell builtin: never on a command line); fsync=off because the syncfs below
    # makes everything durable at once. A failed statement stops the start (exit_on_error) and is
    # not echoed to the log (log_min_error_statement): it would show a password.
    { alter postgres "$pw" ""; role_passwords; } |
        postgres --single -D "$PGDATA" -c fsync=off -c exit_on_error=on -c log_min_error_statement=panic \
            postgres >/dev/null
    unset pw rpw
    sync -f "$PGDATA"
fi

exec postgres "$@"
