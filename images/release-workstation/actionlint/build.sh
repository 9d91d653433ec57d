#!/bin/sh
# Build actionlint from its Go module with Debian's Go, inside `docker build` (Dockerfile):
#   sh build.sh /usr/local/bin/actionlint      (in this folder: go.mod, go.sum, tools.go)
# The same path offline and online: the Go module proxy is reached with curl, because the build
# container may not trust a proxy that re-signs TLS and Go cannot be told to skip verification.
# So every module file go.sum names is fetched into a file:// module proxy (-k, like pip's
# --trusted-host), and `go build` refuses any file whose hash differs from go.sum (SECURITY
# ERROR): go.sum, not TLS, is the trust anchor, as the hashes of requirements.txt are for pip.
set -eu
out=$1
proxy=${GOPROXY_URL:-https://proxy.golang.org}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

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
GOPROXY=file://$work/proxy GOSUMDB=off GOFLAGS="-mod=readonly -modcacherw" \
    GOMODCACHE=$work/mod GOCACHE=$work/cache CGO_ENABLED=0 \
    go build -trimpath -ldflags "-s -w" -o "$out" github.com/rhysd/actionlint/cmd/actionlint
"$out" -version
