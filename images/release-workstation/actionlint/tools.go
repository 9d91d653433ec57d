//go:build tools

// Package tools pins the actionlint command as a dependency of this module, for go mod tidy;
// build.sh builds it with `go build github.com/rhysd/actionlint/cmd/actionlint`.
package tools

import _ "github.com/rhysd/actionlint/cmd/actionlint"
