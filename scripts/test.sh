#!/usr/bin/env bash
# The whole test suite: installs the pinned tools when missing, type-checks, then runs every
# test (unit tests on the synthesized JSON, conftest, opa test, checkov) with node's runner.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== tools (pinned, cached in .tools/)"
bash scripts/tools.sh

echo "== type-check (tsc --noEmit)"
npx --no-install tsc --noEmit -p tsconfig.json

echo "== tests"
mapfile -t files < <(find test -name '*.test.ts' | sort)
node --import tsx --test --test-reporter=spec --test-concurrency=2 "${files[@]}"
