#!/usr/bin/env bash
# Floor for `lab up` benchmarks: how fast can plain Docker bring up the same services?
#
# One run = create a user-defined network, `docker run -d` lab/postgres and lab/redis on it
# (started concurrently, ports published on 127.0.0.1 only), wait until PostgreSQL answers
# pg_isready and Redis answers PING with PONG; that is the timed part (baseline_s).
# Then remove both containers, their volumes and the network (timed as teardown_s;
# total_s = both, the median of per-run sums).
# Repeats RUNS times (default 5) and prints one JSON line on stdout, e.g.
#   {"baseline_s": 1.10, "teardown_s": 0.48, "total_s": 1.58, "runs": 5, "samples_s": [...], "teardown_samples_s": [...], ...}
# Progress goes to stderr. Needs bash 5, docker, and the images (images/build).
#
# Env: RUNS=5, PG_IMAGE=lab/postgres:15, REDIS_IMAGE=lab/redis:7, READY_TIMEOUT_S=60
set -euo pipefail

RUNS=${RUNS:-5}
PG_IMAGE=${PG_IMAGE:-lab/postgres:15}
REDIS_IMAGE=${REDIS_IMAGE:-lab/redis:7}
READY_TIMEOUT_S=${READY_TIMEOUT_S:-60}
PASSWORD=baseline-$RANDOM$RANDOM

log() { printf 'baseline: %s\n' "$*" >&2; }
now() { echo "$EPOCHREALTIME"; }
sub() { awk -v a="$1" -v b="$2" 'BEGIN{printf "%.3f", a-b}'; }
median() { printf '%s\n' "$@" | sort -g | awk '{v[NR]=$1} END{ if (NR%2) printf "%.3f", v[(NR+1)/2]; else printf "%.3f", (v[NR/2]+v[NR/2+1])/2 }'; }
join() { local IFS=,; echo "$*"; }

for img in "$PG_IMAGE" "$REDIS_IMAGE"; do
    docker image inspect "$img" >/dev/null 2>&1 || { log "image $img missing: run images/build"; exit 2; }
done

tag="labbench-$$"
cleanup() {
    docker rm -f -v "$tag-pg" "$tag-redis" >/dev/null 2>&1 || true
    docker network rm "$tag-net" >/dev/null 2>&1 || true
}
trap cleanup EXIT

host_port() { docker port "$1" "$2/tcp" | awk -F: 'NR==1{print $NF}'; }

pg_ready() {  # $1 = host port
    if command -v pg_isready >/dev/null 2>&1; then
        pg_isready -q -h 127.0.0.1 -p "$1" -t 1
    else
        docker exec "$tag-pg" pg_isready -q -h 127.0.0.1 -t 1
    fi
}

redis_ready() {  # $1 = host port; AUTH + PING over bash /dev/tcp, so no client is needed
    local auth="" line=""
    { exec 3<>"/dev/tcp/127.0.0.1/$1"; } 2>/dev/null || return 1
    printf 'AUTH %s\r\nPING\r\n' "$PASSWORD" >&3
    if IFS= read -r -t 1 auth <&3; then IFS= read -r -t 1 line <&3 || true; fi
    exec 3<&- 3>&-
    [[ $auth == "+OK"* && $line == "+PONG"* ]]
}

samples=(); teardowns=(); totals=()
for ((i = 1; i <= RUNS; i++)); do
    t0=$(now)
    docker network create "$tag-net" >/dev/null
    docker run -d --name "$tag-pg" --network "$tag-net" --network-alias postgres \
        -e POSTGRES_PASSWORD="$PASSWORD" -p 127.0.0.1:0:5432 "$PG_IMAGE" >/dev/null &
    pg_pid=$!
    docker run -d --name "$tag-redis" --network "$tag-net" --network-alias redis \
        -e REDIS_PASSWORD="$PASSWORD" -p 127.0.0.1:0:6379 "$REDIS_IMAGE" >/dev/null &
    redis_pid=$!
    wait "$pg_pid"; wait "$redis_pid"
    pg_port=$(host_port "$tag-pg" 5432); redis_port=$(host_port "$tag-redis" 6379)
    pg_ok=0; redis_ok=0; deadline=$(( EPOCHSECONDS + READY_TIMEOUT_S ))
    while (( !pg_ok || !redis_ok )); do
        (( pg_ok )) || { pg_ready "$pg_port" && pg_ok=1; } || true
        (( redis_ok )) || { redis_ready "$redis_port" && redis_ok=1; } || true
        (( pg_ok && redis_ok )) && break
        if (( EPOCHSECONDS > deadline )); then
            log "run $i: not ready after ${READY_TIMEOUT_S}s (postgres=$pg_ok redis=$redis_ok)"
            docker logs --tail 20 "$tag-pg" >&2 || true
            docker logs --tail 20 "$tag-redis" >&2 || true
            exit 1
        fi
        sleep 0.02
    done
    t1=$(now)
    cleanup
    t2=$(now)
    samples+=("$(sub "$t1" "$t0")"); teardowns+=("$(sub "$t2" "$t1")"); totals+=("$(sub "$t2" "$t0")")
    log "run $i/$RUNS: ready ${samples[-1]} s, teardown ${teardowns[-1]} s"
done

printf '{"baseline_s": %s, "teardown_s": %s, "total_s": %s, "runs": %d, "samples_s": [%s], "teardown_samples_s": [%s], "postgres_image": "%s", "redis_image": "%s", "engine": "%s"}\n' \
    "$(median "${samples[@]}")" "$(median "${teardowns[@]}")" "$(median "${totals[@]}")" "$RUNS" \
    "$(join "${samples[@]}")" "$(join "${teardowns[@]}")" "$PG_IMAGE" "$REDIS_IMAGE" \
    "$(docker version -f '{{.Server.Version}}' 2>/dev/null)"
