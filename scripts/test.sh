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
# Every temporary folder the tests make goes into one that is removed when the suite ends, so a
# test that is killed, or forgets its own, leaves nothing in the machine's temporary folder: a
# suite run used to leave about 500 folders there, and thousands of them slow down every file
# operation in it (docs/performance.md).
machine_tmp="${TMPDIR:-/tmp}"
TMPDIR="$(mktemp -d "$machine_tmp/platform-tests.XXXXXX")"
# Open to every user, as /tmp is: the embedded PostgreSQL's initdb runs as its own user and reads
# the password file the tests write here.
chmod 1777 "$TMPDIR"
# tsx keeps its compiled files in $TMPDIR/tsx-<uid>: that one stays where it was, shared with
# every run outside the suite (tsx expires its own files).
mkdir -p "$machine_tmp/tsx-$(id -u)"
ln -s "$machine_tmp/tsx-$(id -u)" "$TMPDIR/tsx-$(id -u)"
export TMPDIR
trap 'rm -rf "$TMPDIR"' EXIT
mapfile -t files < <(find test -name '*.test.ts' | sort)
node --import tsx --test --test-reporter=spec --test-concurrency=2 "${files[@]}"
