#!/bin/sh
# Entrypoint of lab/https-proxy (under tini): wait for the site the lab's playbook writes
# ($SITE), check the configuration, then exec the command (nginx in the foreground).
set -eu
SITE=${SITE:-/etc/nginx/sites-enabled/lab.conf}

if [ ! -f "$SITE" ]; then
    echo "https-proxy: waiting for $SITE (written by the lab's playbook)" >&2
    while [ ! -f "$SITE" ]; do sleep 0.5; done
fi
nginx -t -q
exec "$@"
