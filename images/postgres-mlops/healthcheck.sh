#!/bin/sh
# Healthy = the server accepts connections on its TCP port (no password needed).
exec pg_isready -q -h 127.0.0.1 -p "${PGPORT:-5432}" -U postgres -t 3
