#!/usr/bin/env bash
# The steps of the service image pipeline, shared by the GitHub reusable workflow
# (.github/workflows/service-image.yml) and the Azure Pipelines template
# (azure-pipelines/templates/service-image.yml): one implementation, two callers.
#
#   steps.sh <build|sbom|scan|sign|attach|verify|promote>
#
# Everything comes from the environment (see docs/supply-chain.md). With DRY_RUN=1 each tool
# command is printed (`+ tool args`) instead of run, so a test proves what the steps would do
# against a fixture image reference without the tools, a registry or Azure.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

die() { echo "service-image: $*" >&2; exit 1; }
need() { for v in "$@"; do [[ -n "${!v:-}" ]] || die "$v is not set (docs/supply-chain.md lists what each step needs)"; done; }
run() {
  if [[ "${DRY_RUN:-0}" == 1 ]]; then printf '+ %s\n' "$*"; else "$@"; fi
}

# An image is addressed by digest from the push on: a tag can move between steps, a digest cannot.
ref() {
  need ACR_NAME REPOSITORY DIGEST
  [[ "$DIGEST" =~ ^sha256:[a-f0-9]{64}$ ]] || die "DIGEST must be sha256:<64 hex digits>, got \"$DIGEST\""
  echo "${ACR_NAME}.azurecr.io/${REPOSITORY}@${DIGEST}"
}

step_build() {
  need ACR_NAME REPOSITORY TAG
  [[ "$TAG" =~ ^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$ && "$TAG" != latest ]] || die "TAG must be a version such as 1.4.2 (not latest), got \"$TAG\""
  local image="${ACR_NAME}.azurecr.io/${REPOSITORY}:${TAG}"
  # The registry login rides on the federated Azure login before this step: no password exists.
  run az acr login --name "$ACR_NAME"
  run docker buildx build --provenance=mode=max --sbom=false --push --metadata-file build-metadata.json \
    --tag "$image" --file "${DOCKERFILE:-Dockerfile}" "${CONTEXT:-.}"
  if [[ "${DRY_RUN:-0}" == 1 ]]; then echo "digest=${DRY_RUN_DIGEST:?DRY_RUN_DIGEST stands in for the pushed digest}"; return; fi
  local digest
  digest=$(node -e 'console.log(JSON.parse(require("fs").readFileSync("build-metadata.json","utf8"))["containerimage.digest"])')
  echo "digest=${digest}"
}

step_sbom() {
  local image; image=$(ref)
  run syft scan "registry:${image}" -o "spdx-json=sbom.spdx.json" -o "cyclonedx-json=sbom.cdx.json"
}

step_scan() {
  local image; image=$(ref)
  need ENVIRONMENT
  run trivy sbom --format json --output scan.json --scanners vuln sbom.cdx.json
  # The gate, not trivy, decides: CVSS per environment and an allow-list whose entries expire.
  run node "$HERE/scan-gate.mjs" --report scan.json --env "$ENVIRONMENT" --policy "$HERE/scan-policy.json" \
    ${ALLOWLIST:+--allow "$ALLOWLIST"} --image "$image"
}

step_sign() {
  local image; image=$(ref)
  need SIGNING_KEY_ID
  [[ "$SIGNING_KEY_ID" =~ ^https://[a-z0-9-]+\.vault\.azure\.net/keys/[A-Za-z0-9-]+/[a-f0-9]{32}$ ]] \
    || die "SIGNING_KEY_ID must be a versioned Key Vault key id (https://<vault>.vault.azure.net/keys/<name>/<version>)"
  # The key never leaves Key Vault: the plugin signs with the federated Azure CLI login.
  run notation sign --signature-format cose --id "$SIGNING_KEY_ID" --plugin azure-kv \
    --plugin-config credential_type=azurecli "$image"
}

step_attach() {
  local image; image=$(ref)
  run oras attach --artifact-type application/spdx+json "$image" sbom.spdx.json:application/spdx+json
  run oras attach --artifact-type application/vnd.cyclonedx+json "$image" sbom.cdx.json:application/vnd.cyclonedx+json
  run oras attach --artifact-type application/vnd.aquasec.trivy.report+json "$image" scan.json:application/json
}

step_verify() {
  local image; image=$(ref)
  need KEY_VAULT SIGNING_CERT_NAME
  # The trust store holds the signing certificate from Key Vault; the policy trusts only it.
  run az keyvault certificate download --vault-name "$KEY_VAULT" --name "$SIGNING_CERT_NAME" --encoding PEM --file signing.pem
  run notation cert add --type ca --store platform signing.pem
  run notation policy import --force "$HERE/trust-policy.json"
  run notation verify "$image"
}

step_promote() {
  local image; image=$(ref)
  need SERVICE TAG PLATFORM_REPO_DIR PR_TOOL
  # Nothing unverified is proposed: the signature is checked here, not only in an earlier job.
  step_verify
  local env="${PROMOTE_TO:-dev}"
  local branch="promote/${SERVICE}-${env}-${DIGEST:7:12}"
  # The platform CLI validates service name, digest and promotion rules before anything is written.
  run git -C "$PLATFORM_REPO_DIR" switch -c "$branch"
  run npx --prefix "$PLATFORM_REPO_DIR" platform images lock "$SERVICE" --env "$env" --tag "$TAG" --digest "$DIGEST" \
    --lock "$PLATFORM_REPO_DIR/config/workloads-images.lock.yaml"
  run git -C "$PLATFORM_REPO_DIR" commit -am "Promote ${SERVICE} ${TAG} (${DIGEST:0:19}) to ${env}"
  run git -C "$PLATFORM_REPO_DIR" push origin "$branch"
  local title="Promote ${SERVICE} ${TAG} to ${env}"
  local body="Signed image ${image}, verified against the platform signing certificate; SBOM and scan attached as referrers."
  case "$PR_TOOL" in
    github) run gh pr create --repo "${PLATFORM_REPO:?PLATFORM_REPO (owner/name) is not set}" --head "$branch" --base main --title "$title" --body "$body" ;;
    azure) run az repos pr create --repository "${PLATFORM_REPO:?PLATFORM_REPO (the repository name) is not set}" --source-branch "$branch" --target-branch main --title "$title" --description "$body" ;;
    *) die "PR_TOOL must be github or azure, got \"$PR_TOOL\"" ;;
  esac
  echo "promotion=${branch} (${image})"
}

case "${1:-}" in
  build|sbom|scan|sign|attach|verify|promote) "step_$1" ;;
  *) die "usage: steps.sh <build|sbom|scan|sign|attach|verify|promote>" ;;
esac
