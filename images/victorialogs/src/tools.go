//go:build tools

// Package tools pins the two commands as dependencies of this module, for go mod tidy;
// build.sh builds them with `go build`.
package tools

import (
	_ "github.com/VictoriaMetrics/VictoriaLogs/app/victoria-logs"
	_ "github.com/VictoriaMetrics/VictoriaLogs/app/vlogscli"
)
