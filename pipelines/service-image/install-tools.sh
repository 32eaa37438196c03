#!/usr/bin/env bash
# Pinned tools of the service image pipeline, built with `go install` so every module is checked
# against the Go checksum database (no download without a verified hash). Bump versions here.
set -euo pipefail
SYFT=v1.57.1        # github.com/anchore/syft
TRIVY=v0.74.0       # github.com/aquasecurity/trivy
ORAS=v1.3.6         # oras.land/oras
NOTATION=v1.3.2     # github.com/notaryproject/notation
AZURE_KV=v1.2.1     # github.com/Azure/notation-azure-kv (notation's Key Vault plugin)

run() { if [[ "${DRY_RUN:-0}" == 1 ]]; then printf '+ %s\n' "$*"; else "$@"; fi; }
BIN="${TOOLS_BIN:-$HOME/.local/bin}"
run mkdir -p "$BIN"
export GOBIN="$BIN"
run go install "github.com/anchore/syft/cmd/syft@${SYFT}"
run go install "github.com/aquasecurity/trivy/cmd/trivy@${TRIVY}"
run go install "oras.land/oras/cmd/oras@${ORAS}"
run go install "github.com/notaryproject/notation/cmd/notation@${NOTATION}"
# Notation finds plugins by folder name under its config dir.
PLUGIN_DIR="${XDG_CONFIG_HOME:-$HOME/.config}/notation/plugins/azure-kv"
run mkdir -p "$PLUGIN_DIR"
GOBIN="$PLUGIN_DIR" run go install "github.com/Azure/notation-azure-kv/cmd/notation-azure-kv@${AZURE_KV}"
