// Package release holds the one release script of ECS service projects
// (release.sh): `make release` runs it from this folder, and the scaffold
// writes it into a service repository's files (scripts/release.sh), where
// the deploy workflow runs it. One script, so the by-hand release and the
// workflow cannot drift apart.
package release

import _ "embed"

// Script is release.sh.
//
//go:embed release.sh
var Script []byte

// Path is release.sh relative to the repository root.
const Path = "internal/release/release.sh"
