/**
 * What the audit Job and CronJob containers run: POSIX sh over the tools their pinned images have
 * (curl in the curl image; psql, gzip and sha256sum in the PostgreSQL image), so no image is
 * built for them. Tokens come from the pod's workload identity: the federated service-account
 * token is exchanged for Entra ID access tokens (client credentials with a client assertion) and
 * kept in a memory-backed volume for the containers that follow.
 */

/** Entra ID scopes: Azure Database for PostgreSQL and Azure Storage. */
export const TOKEN_SCOPES = {
  postgres: 'https://ossrdbms-aad.database.windows.net/.default',
  storage: 'https://storage.azure.com/.default',
} as const;

export const TOKENS_DIR = '/run/tokens';
export const WORK_DIR = '/work';
export const SCRIPTS_DIR = '/etc/audit';

/**
 * The client-credentials request that exchanges the pod's federated token for an Entra ID access
 * token of `scope`, the token alone written to `out` (lines of a loop body, indented two spaces).
 */
export function tokenRequestSh(scope: string, out: string): string {
  return `  curl -fsS --retry 3 --max-time 30 "\${AZURE_AUTHORITY_HOST%/}/\${AZURE_TENANT_ID}/oauth2/v2.0/token" \\
    --data-urlencode "client_id=$AZURE_CLIENT_ID" \\
    --data-urlencode "grant_type=client_credentials" \\
    --data-urlencode "client_assertion_type=urn:ietf:params:oauth:client-assertion-type:jwt-bearer" \\
    --data-urlencode "client_assertion=$(cat "$AZURE_FEDERATED_TOKEN_FILE")" \\
    --data-urlencode "scope=${scope}" \\
    | sed -n 's/.*"access_token":"\\([^"]*\\)".*/\\1/p' > ${out}`;
}

/** `TOKEN_SCOPES` (name=scope ...) -> one token file per name. */
export const TOKEN_SH = `#!/bin/sh
# Exchanges the pod's federated token for one Entra ID access token per scope in TOKEN_SCOPES.
set -eu
for pair in $TOKEN_SCOPES; do
  name=\${pair%%=*}
  scope=\${pair#*=}
${tokenRequestSh('$scope', `"${TOKENS_DIR}/$name"`)}
  test -s "${TOKENS_DIR}/$name" || { echo "no $name token" >&2; exit 1; }
done
`;

/** libpq reads the token from a password file (0600, in memory), so it is in no environment or argument list. */
export const PSQL_ENV = `umask 077
printf '*:*:*:*:%s\\n' "$(cat ${TOKENS_DIR}/postgres)" > ${TOKENS_DIR}/pgpass
export PGPASSFILE=${TOKENS_DIR}/pgpass PGSSLMODE=verify-full PGSSLROOTCERT=system PGAPPNAME="$(hostname)"
psql() { command psql -X -q -v ON_ERROR_STOP=1 "$@"; }`;

/** One step of a migration Job: a SQL file of the ConfigMap run in the app's database; `tuplesOnly` prints bare rows (psql -At). */
export interface MigrateStep {
  readonly file: string;
  readonly tuplesOnly: boolean;
}

/**
 * A migration Job's script: the Entra principals (principals.sql in the postgres database, each
 * object id as a psql variable), then `steps` in order in the app's database. `checks` (shell
 * lines) run first, before any token is read.
 */
export function migrationJobSh(scriptsDir: string, principals: readonly { variable: string; env: string }[], steps: readonly MigrateStep[], checks = ''): string {
  const vars = principals.map((p) => ` -v "${p.variable}=$${p.env}"`).join('');
  return `#!/bin/sh
set -eu
${checks}${PSQL_ENV}
psql -d postgres${vars} -f ${scriptsDir}/principals.sql
${steps.map((s) => `psql -d "$PGDATABASE"${s.tuplesOnly ? ' -At' : ''} -f ${scriptsDir}/${s.file}\n`).join('')}`;
}

/** The audit migration Job: Entra principals (postgres database), then migrations and grants (audit database). */
export function migrateSh(principals: readonly { variable: string; env: string }[]): string {
  return migrationJobSh(SCRIPTS_DIR, principals, [
    { file: 'migrate.sql', tuplesOnly: true },
    { file: 'grants.sql', tuplesOnly: false },
  ]);
}

/**
 * One UTC day of events as JSON lines in a fixed order and key order, so a rerun of the same
 * closed day yields the same bytes (and, gzipped with -n, the same SHA-256).
 */
export const EXPORT_DAY_SQL = `SELECT json_build_object(
  'id', id, 'occurred_at', occurred_at, 'recorded_at', recorded_at, 'actor_oid', actor_oid, 'actor_upn', actor_upn,
  'tenant', tenant, 'source', source, 'tool', tool, 'action', action, 'decision', decision, 'reason', reason,
  'trace_id', trace_id, 'span_id', span_id, 'request', request)::text
FROM audit.events
WHERE occurred_at >= (:'day')::date::timestamp AT TIME ZONE 'UTC'
  AND occurred_at < ((:'day')::date + 1)::timestamp AT TIME ZONE 'UTC'
ORDER BY occurred_at, id;
`;

/** Archiver step 1 (PostgreSQL image): partitions ahead, then every closed day not archived yet, exported. */
export const EXPORT_SH = `#!/bin/sh
set -eu
${PSQL_ENV}
psql -At -c 'SELECT audit.ensure_partitions(2)' > /dev/null
psql -At -c "SELECT day FROM audit.days_to_archive LIMIT $MAX_DAYS" > ${WORK_DIR}/days
: > ${WORK_DIR}/manifest
while read -r day; do
  # To a file first: sh has no pipefail, and a failed export must never reach the immutable container.
  psql -At -v day="$day" -f ${SCRIPTS_DIR}/export-day.sql -o "${WORK_DIR}/$day.jsonl"
  rows=$(wc -l < "${WORK_DIR}/$day.jsonl" | tr -d ' ')
  expected=$(echo "SELECT count(*) FROM audit.events WHERE occurred_at >= (:'day')::date::timestamp AT TIME ZONE 'UTC' AND occurred_at < ((:'day')::date + 1)::timestamp AT TIME ZONE 'UTC';" | psql -At -v day="$day")
  [ "$rows" = "$expected" ] || { echo "$day: exported $rows rows, the table has $expected" >&2; exit 1; }
  gzip -n -9 "${WORK_DIR}/$day.jsonl"
  sha=$(sha256sum "${WORK_DIR}/$day.jsonl.gz" | cut -d ' ' -f 1)
  echo "$day events/$(echo "$day" | tr - /).jsonl.gz $rows $sha" >> ${WORK_DIR}/manifest
done < ${WORK_DIR}/days
echo "exported $(wc -l < ${WORK_DIR}/manifest) day(s)"
`;

/**
 * Archiver step 2 (curl image): each day's blob, created only if absent (If-None-Match: *; the
 * container's immutability policy forbids overwrites anyway). A blob already there from an
 * earlier, interrupted run must carry the same SHA-256, else the run fails.
 */
export const UPLOAD_SH = `#!/bin/sh
set -eu
token=$(cat ${TOKENS_DIR}/storage)
api="x-ms-version: 2023-11-03"
while read -r day blob rows sha; do
  url="https://$BLOB_HOST/$CONTAINER/$blob"
  code=$(curl -sS -o /dev/null -w '%{http_code}' -I -H "Authorization: Bearer $token" -H "$api" "$url")
  if [ "$code" = 404 ]; then
    curl -fsS --retry 3 -X PUT -H "Authorization: Bearer $token" -H "$api" -H "x-ms-blob-type: BlockBlob" -H "If-None-Match: *" \\
      -H "Content-Type: application/gzip" -H "x-ms-meta-sha256: $sha" -H "x-ms-meta-rows: $rows" \\
      --data-binary "@${WORK_DIR}/$day.jsonl.gz" "$url"
    echo "$blob: uploaded ($rows rows)"
  elif [ "$code" = 200 ]; then
    existing=$(curl -fsS -I -H "Authorization: Bearer $token" -H "$api" "$url" | tr -d '\\r' | sed -n 's/^[Xx]-[Mm][Ss]-[Mm][Ee][Tt][Aa]-[Ss][Hh][Aa]256: //p')
    [ "$existing" = "$sha" ] || { echo "$blob exists with sha256 '$existing', this export has $sha" >&2; exit 1; }
    echo "$blob: already uploaded"
  else
    echo "$blob: HEAD answered $code" >&2
    exit 1
  fi
done < ${WORK_DIR}/manifest
`;

/** Archiver step 3 (PostgreSQL image): the ledger, only for blobs step 2 saw in the container. */
export const RECORD_SH = `#!/bin/sh
set -eu
${PSQL_ENV}
while read -r day blob rows sha; do
  echo "SELECT audit.record_archived_day(:'day', :'blob', :'rows', :'sha');" | psql -At -v day="$day" -v blob="$blob" -v rows="$rows" -v sha="$sha"
done < ${WORK_DIR}/manifest
`;
