#!/bin/sh
# Build time (Dockerfile, as postgres): make the seeded cluster that the entrypoint copies into
# $PGDATA at first start.
#   lab-postgres-bake FILE.sql...    -> cluster in $LAB_PGDATA_TEMPLATE, database mlops, files loaded
# The cluster has the same settings lab/postgres gives a new one (UTF8, C.UTF-8, peer on the
# socket, scram-sha-256 over TCP from anywhere, listen on 0.0.0.0) and no superuser password:
# nobody can log in over TCP until the entrypoint sets one.
set -eu
tpl=${LAB_PGDATA_TEMPLATE:?}
sock=$(mktemp -d)

# 1 MB WAL segments (not 16): each instance's first start copies the cluster, WAL included, and
# a sandbox never needs more WAL than that at a time.
initdb -D "$tpl" --username=postgres --encoding=UTF8 --locale=C.UTF-8 \
    --auth-local=peer --auth-host=scram-sha-256 --no-sync --wal-segsize=1 >/dev/null
cat >>"$tpl/postgresql.conf" <<CONF

# lab: reachable on every interface of the container (publish the port on 127.0.0.1 only)
listen_addresses = '0.0.0.0'
CONF
cat >>"$tpl/pg_hba.conf" <<HBA

# lab: password logins from anywhere the container is reachable from
host    all             all             0.0.0.0/0               scram-sha-256
HBA

# A private server for loading: socket only; no fsync and minimal WAL (the data is written out
# by the checkpoints, and the image layer is what keeps it).
pg_ctl -D "$tpl" -w -s -l "$sock/log" start -o "-c listen_addresses= -c unix_socket_directories=$sock \
    -c fsync=off -c full_page_writes=off -c wal_level=minimal -c max_wal_senders=0 -c autovacuum=off \
    -c wal_recycle=off"
psql -h "$sock" -X -q -v ON_ERROR_STOP=1 -d postgres -c "CREATE DATABASE mlops"
for file in "$@"; do
    psql -h "$sock" -X -q -v ON_ERROR_STOP=1 -d mlops -f "$file"
done
# Frozen and analysed now, so autovacuum has nothing to do when an instance starts.
vacuumdb -h "$sock" --all --freeze --analyze --quiet
# Old WAL segments are removed, not recycled (wal_recycle=off): the image, and the copy each
# instance makes at first start, carry one segment instead of several.
psql -h "$sock" -X -q -d postgres -c "SELECT pg_switch_wal()" -c CHECKPOINT
pg_ctl -D "$tpl" -w -s -m fast stop
rm -rf "$sock" "$tpl/postmaster.opts"
du -sh "$tpl"
