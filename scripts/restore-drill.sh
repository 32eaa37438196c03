#!/usr/bin/env bash
# Restore drill (docs/runbooks/restore-drill.md): a point-in-time restore of the platform
# PostgreSQL to a throw-away server with a unique name, reached through its own private endpoint;
# then every platform database is opened with an Entra ID token and its tables and rows counted,
# the audit archive ledger is checked against the restored events, and the time from the restore
# request to verified data is compared with the RTO. The throw-away server and its endpoint are
# deleted on every exit, success, failure or interruption (trap), and a failed delete fails the run.
#
# Input (scripts/restore-drill-plan.ts prints them): DRILL_RESOURCE_GROUP, DRILL_SOURCE_SERVER,
# DRILL_NETWORK_RESOURCE_GROUP, DRILL_VNET, DRILL_SUBNET, DRILL_DNS_ZONE, DRILL_RTO_MINUTES,
# DRILL_DATABASES; optional DRILL_RESTORE_TIME (ISO 8601 UTC; default: the latest restore point).
# Needs az (signed in) and psql (libpq 16+). Never prints the access token.
set -euo pipefail

for v in DRILL_RESOURCE_GROUP DRILL_SOURCE_SERVER DRILL_NETWORK_RESOURCE_GROUP DRILL_VNET DRILL_SUBNET DRILL_DNS_ZONE DRILL_RTO_MINUTES DRILL_DATABASES; do
  if [ -z "${!v:-}" ]; then echo "restore-drill: $v is not set (scripts/restore-drill-plan.ts prints it)" >&2; exit 2; fi
done
case "$DRILL_RTO_MINUTES" in '' | *[!0-9]*) echo "restore-drill: DRILL_RTO_MINUTES must be whole minutes" >&2; exit 2 ;; esac

rg=$DRILL_RESOURCE_GROUP
prefix="${DRILL_SOURCE_SERVER:0:30}-drill-"

# `restore-drill.sh sweep`: deletes every throw-away server (and endpoint) of this source that a
# killed run left behind; the pipelines run it after the drill whatever happened to the drill.
if [ "${1:-}" = sweep ]; then
  left=0
  for n in $(az postgres flexible-server list --resource-group "$rg" --query "[?starts_with(name, '$prefix')].name" --output tsv --only-show-errors); do
    echo "restore-drill: sweeping $n"
    if az network private-endpoint show --resource-group "$rg" --name "pe-$n" --output none --only-show-errors 2> /dev/null; then
      az network private-endpoint delete --resource-group "$rg" --name "pe-$n" --only-show-errors || left=1
    fi
    az postgres flexible-server delete --resource-group "$rg" --name "$n" --yes --only-show-errors || left=1
  done
  exit "$left"
fi
# Server names: 3-63 lowercase letters, digits and dashes, globally unique; the suffix makes each run's its own.
suffix="$(date -u +%Y%m%d%H%M%S)-$(od -An -N3 -tx1 /dev/urandom | tr -d ' \n')"
name="${prefix}${suffix}"
pe="pe-${name}"
work=$(mktemp -d)
report="${DRILL_REPORT:-$work/report.md}"

log() { printf 'restore-drill: %s\n' "$*"; }
fail() {
  if [ "${GITHUB_ACTIONS:-}" = true ]; then echo "::error::$*"; elif [ -n "${TF_BUILD:-}" ]; then echo "##vso[task.logissue type=error]$*"; fi
  log "FAILED: $*" >&2
}
# The value never reaches a log: both CI systems mask it from here on.
mask() {
  if [ "${GITHUB_ACTIONS:-}" = true ]; then echo "::add-mask::$1"; fi
  if [ -n "${TF_BUILD:-}" ]; then echo "##vso[task.setsecret]$1"; fi
}

cleanup() {
  local rc=$? leaked=0
  set +e
  # Both deletes are tried whatever happened before: an interrupted restore may still have created the server.
  if az network private-endpoint show --resource-group "$rg" --name "$pe" --output none --only-show-errors 2> /dev/null; then
    if ! az network private-endpoint delete --resource-group "$rg" --name "$pe" --only-show-errors; then leaked=1; fi
  fi
  if az postgres flexible-server show --resource-group "$rg" --name "$name" --output none --only-show-errors 2> /dev/null; then
    log "deleting the throw-away server $name"
    if ! az postgres flexible-server delete --resource-group "$rg" --name "$name" --yes --only-show-errors; then leaked=1; fi
  fi
  rm -rf "$work"
  if [ "$leaked" -ne 0 ]; then
    fail "could not delete $name or $pe in $rg: delete them by hand (docs/runbooks/restore-drill.md#cleanup)"
    [ "$rc" -eq 0 ] && rc=1
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# One claim of a JWT (base64url payload), without verifying it: only to learn our own object id.
jwt_claim() {
  local p
  p=$(printf '%s' "$1" | cut -d. -f2 | tr '_-' '/+')
  while [ $((${#p} % 4)) -ne 0 ]; do p="$p="; done
  printf '%s' "$p" | base64 -d 2> /dev/null | sed -n "s/.*\"$2\":\"\\([^\"]*\\)\".*/\\1/p"
}

started=$(date +%s)
log "restoring $DRILL_SOURCE_SERVER (${DRILL_RESTORE_TIME:-latest restore point}) to $name"
restore=(az postgres flexible-server restore --resource-group "$rg" --name "$name" --source-server "$DRILL_SOURCE_SERVER" --yes --only-show-errors --output none)
if [ -n "${DRILL_RESTORE_TIME:-}" ]; then restore+=(--restore-time "$DRILL_RESTORE_TIME"); fi
"${restore[@]}"
restored=$(date +%s)
log "restored in $(((restored - started + 59) / 60)) min"

# The source accepts only private connections; so does the copy, through its own endpoint and DNS record.
server_id=$(az postgres flexible-server show --resource-group "$rg" --name "$name" --query id --output tsv --only-show-errors)
subnet_id=$(az network vnet subnet show --resource-group "$DRILL_NETWORK_RESOURCE_GROUP" --vnet-name "$DRILL_VNET" --name "$DRILL_SUBNET" --query id --output tsv --only-show-errors)
zone_id=$(az network private-dns zone show --resource-group "$DRILL_NETWORK_RESOURCE_GROUP" --name "$DRILL_DNS_ZONE" --query id --output tsv --only-show-errors)
az network private-endpoint create --resource-group "$rg" --name "$pe" --subnet "$subnet_id" --private-connection-resource-id "$server_id" \
  --group-id postgresqlServer --connection-name "$name" --only-show-errors --output none
az network private-endpoint dns-zone-group create --resource-group "$rg" --endpoint-name "$pe" --name default --private-dns-zone "$zone_id" \
  --zone-name postgres --only-show-errors --output none

# The pipeline's own identity becomes an Entra admin of the copy (only): it signs in with a token, no password exists.
token=$(az account get-access-token --resource-type oss-rdbms --query accessToken --output tsv --only-show-errors)
mask "$token"
oid=$(jwt_claim "$token" oid)
if [ -z "$oid" ]; then fail "the access token carries no oid claim"; exit 1; fi
az postgres flexible-server microsoft-entra-admin create --resource-group "$rg" --server-name "$name" --object-id "$oid" \
  --display-name restore-drill --type ServicePrincipal --only-show-errors --output none
(umask 077 && printf '*:*:*:*:%s\n' "$token" > "$work/pgpass")
export PGPASSFILE="$work/pgpass" PGHOST="$name.postgres.database.azure.com" PGUSER=restore-drill PGSSLMODE=verify-full PGSSLROOTCERT=system PGCONNECT_TIMEOUT=30
q() { psql -X -q -At -v ON_ERROR_STOP=1 "$@"; }

# The private DNS record takes a moment to be served.
for attempt in 1 2 3 4 5 6 7 8 9 10; do
  if q -d postgres -c 'SELECT 1' > /dev/null; then break; fi
  if [ "$attempt" = 10 ]; then fail "cannot connect to $PGHOST"; exit 1; fi
  sleep 15
done

# Tables and their exact rows (statistics are reset by a restore); a table the admin may not read is counted as unreadable.
count_sql="SELECT count(*) || ' tables, ' || count(*) FILTER (WHERE NOT has_table_privilege(format('%I.%I', table_schema, table_name), 'SELECT')) || ' unreadable, '
  || coalesce(sum((xpath('/row/c/text()', query_to_xml(format('SELECT count(*) AS c FROM %I.%I', table_schema, table_name), false, true, '')))[1]::text::bigint)
       FILTER (WHERE has_table_privilege(format('%I.%I', table_schema, table_name), 'SELECT')), 0) || ' rows'
FROM information_schema.tables WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema')"
# Each archived day's recorded row count against the restored events of that day (migrations/audit V0003).
audit_sql="SELECT count(*) FROM audit.archived_days a WHERE a.row_count <> (SELECT count(*) FROM audit.events e
  WHERE e.occurred_at >= a.day::timestamp AT TIME ZONE 'UTC' AND e.occurred_at < (a.day + 1)::timestamp AT TIME ZONE 'UTC')"

failures=0
{
  echo "## Restore drill: $DRILL_SOURCE_SERVER"
  echo
  echo "| database | restored |"
  echo "|---|---|"
} > "$report"
for db in $DRILL_DATABASES; do
  if counts=$(q -d "$db" -c "$count_sql"); then
    echo "| $db | $counts |" >> "$report"
    log "$db: $counts"
  else
    echo "| $db | FAILED |" >> "$report"
    fail "$db: could not be read on the restored server"
    failures=$((failures + 1))
  fi
done
if [ "$(q -d audit -c "SELECT to_regclass('audit.archived_days') IS NOT NULL" 2> /dev/null)" = t ]; then
  if mismatched=$(q -d audit -c "$audit_sql") && [ "$mismatched" = 0 ]; then
    log "audit: every archived day has its recorded number of events"
  else
    fail "audit: ${mismatched:-?} archived day(s) whose restored events differ from the archive ledger"
    failures=$((failures + 1))
  fi
fi

finished=$(date +%s)
minutes=$(((finished - started + 59) / 60))
{
  echo
  echo "Restore to verified data: $minutes min (RTO $DRILL_RTO_MINUTES min)."
} >> "$report"
if [ "$minutes" -gt "$DRILL_RTO_MINUTES" ]; then
  fail "restore to verified data took $minutes min, more than the RTO of $DRILL_RTO_MINUTES min (data.recovery.platformDatabases.rtoMinutes)"
  failures=$((failures + 1))
fi
if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then cat "$report" >> "$GITHUB_STEP_SUMMARY"; fi
log "$minutes min against an RTO of $DRILL_RTO_MINUTES min; $failures failure(s)"
[ "$failures" -eq 0 ]
