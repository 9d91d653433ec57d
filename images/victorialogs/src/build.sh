#!/bin/sh
# Build victoria-logs and vlogscli from their Go module inside `docker build` (Dockerfile):
#   sh build.sh /usr/local/bin          (in this folder: go.mod, go.sum, tools.go)
# The same path offline and online: everything comes from the Go module proxy, reached with
# curl because the build container may not trust a proxy that re-signs TLS (-k, like pip's
# --trusted-host). The trust anchors are hashes, not TLS: Go's toolchain module (what
# GOTOOLCHAIN=go1.26.8 would download; Debian's Go 1.19 is older than VictoriaLogs needs) is
# checked against the sha256 below, and `go build` refuses any module file whose hash differs
# from go.sum (SECURITY ERROR).
set -eu
out=$1
proxy=${GOPROXY_URL:-https://proxy.golang.org}
toolchain=v0.0.1-go1.26.8.linux-amd64
toolchain_sha256=30c2b1bf7dcc88d3eb0a1364e47ddd9128edb3110a30e8a0ef61cd5856b31de7
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

curl -fsSk --retry 3 -o "$work/go.zip" "$proxy/golang.org/toolchain/@v/$toolchain.zip"
echo "$toolchain_sha256  $work/go.zip" | sha256sum -c -
python3 -m zipfile -e "$work/go.zip" "$work/toolchain"
goroot=$work/toolchain/golang.org/toolchain@$toolchain
chmod -R u+x "$goroot/bin" "$goroot/pkg/tool"

# go.sum: "MODULE VERSION h1:..." (the zip) and "MODULE VERSION/go.mod h1:..." (its go.mod)
while read -r module version _; do
    case $version in
        */go.mod) file=${version%/go.mod}.mod ;;
        *) file=$version.zip ;;
    esac
    # the proxy's case encoding: an upper-case letter becomes ! and the letter in lower case
    path=$(printf '%s' "$module" | sed 's/[A-Z]/!\L&/g')/@v/$file
    mkdir -p "$work/proxy/${path%/*}"
    curl -fsSk --retry 3 -o "$work/proxy/$path" "$proxy/$path"
done <go.sum

# -modcacherw: Go's module cache is read-only otherwise, and the trap could not remove it
GOROOT=$goroot GOTOOLCHAIN=local GOPROXY=file://$work/proxy GOSUMDB=off \
    GOFLAGS="-mod=readonly -modcacherw" GOMODCACHE=$work/mod GOCACHE=$work/cache CGO_ENABLED=0 \
    "$goroot/bin/go" build -trimpath -ldflags "-s -w" -o "$out/" \
    github.com/VictoriaMetrics/VictoriaLogs/app/victoria-logs \
    github.com/VictoriaMetrics/VictoriaLogs/app/vlogscli
"$out/victoria-logs" -version
