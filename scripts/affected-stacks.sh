#!/usr/bin/env bash
# The stacks a deploy applies, in deploy order, one per line, written to <output-file>: those the
# merge changed (platform review --format affected against <base-ref>), or every stack when
# DEPLOY_ALL=true is the explicit choice. It fails when it cannot decide (a base commit that is
# gone after a force push, a project that does not install, invalid input): a deploy pipeline
# must stop then, not go green having deployed nothing. An empty list is a decision: nothing changed.
# Usage: scripts/affected-stacks.sh <base-ref> <output-file>
set -euo pipefail
base=${1:?usage: scripts/affected-stacks.sh <base-ref> <output-file>}
out=${2:?usage: scripts/affected-stacks.sh <base-ref> <output-file>}
cd "$(dirname "$0")/.."

if [ "${DEPLOY_ALL:-false}" = "true" ]; then
  echo "DEPLOY_ALL=true: every stack, in deploy order" >&2
  npx --no-install platform stacks --quiet --names > "$out.partial"
else
  npx --no-install platform review --quiet --base "$base" --format affected > "$out.partial"
fi
mv "$out.partial" "$out"
echo "stacks to deploy ($(awk 'NF' "$out" | wc -l)):" >&2
cat "$out" >&2
