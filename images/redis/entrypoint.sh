#!/bin/sh
# Entrypoint of lab/redis: write the runtime config (password from REDIS_PASSWORD or the
# first line of REDIS_PASSWORD_FILE, if given) and exec redis-server (PID 1).
# Extra arguments after `redis-server` are passed on (e.g. `redis-server --maxmemory 64mb`).
set -eu

case "${1:-redis-server}" in
    redis-server|-*) ;;
    *) exec "$@" ;;
esac
[ "${1:-}" = redis-server ] && shift

pw=""
if [ -n "${REDIS_PASSWORD_FILE:-}" ]; then
    pw=$(head -n1 "$REDIS_PASSWORD_FILE")
elif [ -n "${REDIS_PASSWORD:-}" ]; then
    pw=$REDIS_PASSWORD
fi

conf=/run/redis/redis.conf
umask 077
{
    echo "include /etc/redis/lab.conf"
    if [ -n "$pw" ]; then
        # Redis config string: double-quoted, backslash and double quote escaped.
        printf 'requirepass "%s"\n' "$(printf '%s' "$pw" | sed 's/\\/\\\\/g; s/"/\\"/g')"
    fi
} >"$conf"
unset pw

exec redis-server "$conf" "$@"
