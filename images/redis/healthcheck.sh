#!/bin/sh
# Healthy = PING answers PONG (authenticating with the container's password if it has one).
if [ -n "${REDIS_PASSWORD_FILE:-}" ]; then
    REDISCLI_AUTH=$(head -n1 "$REDIS_PASSWORD_FILE"); export REDISCLI_AUTH
elif [ -n "${REDIS_PASSWORD:-}" ]; then
    REDISCLI_AUTH=$REDIS_PASSWORD; export REDISCLI_AUTH
fi
[ "$(redis-cli -h 127.0.0.1 -p "${REDIS_PORT:-6379}" ping 2>/dev/null)" = PONG ]
