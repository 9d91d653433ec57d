// actionlint for the release-workstation image (build.sh builds it with Debian's Go 1.19).
// Pinned at v1.7.7, the last actionlint whose go.mod allows Go 1.19 (v1.7.11 declares go 1.24.0,
// v1.7.12 go 1.25.0). go.sum is the lock, checked against sum.golang.org when made; regenerate with
//   cd images/release-workstation/actionlint && go get github.com/rhysd/actionlint@VERSION && go mod tidy
module lab.local/actionlint-build

go 1.19

require github.com/rhysd/actionlint v1.7.7

require (
	github.com/bmatcuk/doublestar/v4 v4.8.0 // indirect
	github.com/fatih/color v1.18.0 // indirect
	github.com/mattn/go-colorable v0.1.14 // indirect
	github.com/mattn/go-isatty v0.0.20 // indirect
	github.com/mattn/go-runewidth v0.0.16 // indirect
	github.com/mattn/go-shellwords v1.0.12 // indirect
	github.com/rivo/uniseg v0.4.7 // indirect
	github.com/robfig/cron/v3 v3.0.1 // indirect
	golang.org/x/sync v0.10.0 // indirect
	golang.org/x/sys v0.29.0 // indirect
	gopkg.in/yaml.v3 v3.0.1 // indirect
)
