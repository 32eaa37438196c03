/**
 * What the ledger's Job, CronJob and API sidecar run: POSIX sh and SQL over the tools of the
 * pinned postgres and curl images (like the audit app's, charts/audit/scripts.ts, whose token
 * exchange and psql settings they share), so no image is built for them.
 */
import { LEDGER_DATABASE, LEDGER_LOADER_LOCK_KEY } from '../../catalog/ledger';
import { migrationJobSh, PSQL_ENV, TOKEN_SCOPES, tokenRequestSh, TOKENS_DIR, WORK_DIR } from '../audit/scripts';

export { TOKENS_DIR, WORK_DIR };
export const SCRIPTS_DIR = '/etc/ledger';

/**
 * The columns of the router's "LiteLLM_SpendLogs" the loader reads: all in LiteLLM's baseline
 * migration (litellm-proxy-extras 20250326162113_baseline), so every release since has them.
 * Messages, responses and caller IP addresses are never read (the router's owner grants only these).
 */
export const SPEND_LOG_COLUMNS = ['request_id', 'call_type', 'spend', 'prompt_tokens', 'completion_tokens', 'startTime', 'endTime', 'model', 'model_group', 'team_id', 'request_tags', 'metadata'] as const;

const col = (c: string) => `"${c}"`;

/**
 * One batch of spend log rows after the keyset cursor (start time, request id), oldest first, one
 * JSON document a line; of `metadata` only what the caller put in spend_logs_metadata.
 */
export const EXTRACT_SQL = `SELECT jsonb_build_object(
  ${SPEND_LOG_COLUMNS.filter((c) => c !== 'metadata').map((c) => `'${c}', ${col(c)}`).join(', ')},
  'metadata', jsonb_build_object('spend_logs_metadata', "metadata"->'spend_logs_metadata'))::text
FROM "LiteLLM_SpendLogs"
WHERE ("startTime", "request_id") > ((:'after_time')::timestamp, :'after_id')
ORDER BY "startTime", "request_id"
LIMIT :batch_rows;
`;

/**
 * One batch into the ledger, in one transaction: staged as JSON documents (CSV with control
 * characters as quote and delimiter, so the JSON text arrives byte for byte), merged, and the
 * cursor of the batch's newest row written for the next batch.
 */
export const LOAD_SQL = `BEGIN;
SELECT pg_advisory_xact_lock(${LEDGER_LOADER_LOCK_KEY});
CREATE TEMP TABLE router_spend_logs (doc jsonb NOT NULL) ON COMMIT DROP;
\\copy router_spend_logs (doc) FROM '${WORK_DIR}/batch.jsonl' WITH (FORMAT csv, QUOTE E'\\x01', DELIMITER E'\\x02')
SELECT format('inserted=%s updated=%s skipped=%s', inserted, updated, skipped) FROM ledger.merge_router_spend_logs();
\\o ${WORK_DIR}/cursor
SELECT doc->>'startTime', doc->>'request_id' FROM router_spend_logs ORDER BY (doc->>'startTime')::timestamp DESC, doc->>'request_id' DESC LIMIT 1;
\\o
COMMIT;
`;

/** Where this run starts: the watermark less the overlap (late-written spend logs are re-read and upserted, never double counted). */
export const SINCE_SQL = `SELECT ledger.router_spend_logs_since((:'overlap')::interval);\n`;

/**
 * The loader (postgres image): batches until the router has no newer rows or MAX_BATCHES is
 * reached (the next run goes on from the watermark). Reads the router's database and writes the
 * ledger's, both as the loader's Entra ID principal.
 */
export const LOAD_SH = `#!/bin/sh
set -eu
${PSQL_ENV}
after_time=$(psql -d ${LEDGER_DATABASE} -At -v overlap="$OVERLAP" -f ${SCRIPTS_DIR}/since.sql)
after_id=''
batches=0
while [ "$batches" -lt "$MAX_BATCHES" ]; do
  # To a file first: sh has no pipefail, and a failed read must not look like an empty batch.
  psql -d "$ROUTER_DATABASE" -At -v after_time="$after_time" -v after_id="$after_id" -v batch_rows="$BATCH_ROWS" -f ${SCRIPTS_DIR}/extract.sql -o ${WORK_DIR}/batch.jsonl
  rows=$(wc -l < ${WORK_DIR}/batch.jsonl | tr -d ' ')
  [ "$rows" -gt 0 ] || break
  rm -f ${WORK_DIR}/cursor
  # An assignment, not an echo argument: only then does a failed load stop the run (set -e).
  result=$(psql -d ${LEDGER_DATABASE} -At -f ${SCRIPTS_DIR}/load.sql)
  echo "batch $batches: $rows spend log rows after $after_time:" $result
  IFS='|' read -r after_time after_id < ${WORK_DIR}/cursor
  batches=$((batches + 1))
  [ "$rows" -eq "$BATCH_ROWS" ] || break
done
echo "loaded $batches batch(es)"
`;

/** The migration Job: principals (postgres database), migrations, grants, then the tenants' groups; PostgREST reloads its schema cache. */
export function ledgerMigrateSh(principals: readonly { variable: string; env: string }[]): string {
  return migrationJobSh(SCRIPTS_DIR, principals, [
    { file: 'migrate.sql', tuplesOnly: true },
    { file: 'grants.sql', tuplesOnly: false },
    { file: 'tenants.sql', tuplesOnly: false },
  ]);
}

/**
 * The API pod's Entra ID sidecar (curl image), run once as an init container (\`once\`) and then
 * alongside PostgREST: every REFRESH_SECONDS it writes a fresh PostgreSQL access token to the
 * libpq password file PostgREST connects with (libpq reads it on every new connection) and
 * fetches the directory's signing keys (JWKS); when they changed it tells PostgREST to reload its
 * configuration (SIGUSR2), which re-reads the key file. Both files are replaced whole (rename).
 */
export const ENTRA_SH = `#!/bin/sh
set -eu
# Only this pod's user reads what is written here (libpq refuses a password file others can read).
umask 077
dir=${TOKENS_DIR}
refresh() {
${tokenRequestSh(TOKEN_SCOPES.postgres, '"$dir/token"')}
  test -s "$dir/token" || { echo "no PostgreSQL token" >&2; return 1; }
  printf '*:*:*:*:%s\\n' "$(cat "$dir/token")" > "$dir/pgpass.new"
  mv "$dir/pgpass.new" "$dir/pgpass"
  rm -f "$dir/token"
  curl -fsS --retry 3 --max-time 30 "$JWKS_URL" -o "$dir/jwks.new"
  grep -q '"keys"' "$dir/jwks.new" || { echo "$JWKS_URL returned no key set" >&2; return 1; }
  if ! cmp -s "$dir/jwks.new" "$dir/jwks.json"; then
    mv "$dir/jwks.new" "$dir/jwks.json"
    echo "signing keys changed"
    # Before PostgREST has started there is nothing to tell: it reads the file at start.
    if pid=$(pidof postgrest); then kill -USR2 $pid; fi
  else
    # Unchanged: only the time moves on, which the probes read as "refreshed".
    rm -f "$dir/jwks.new"
    touch "$dir/jwks.json"
  fi
}
# The server's CA for verify-full: the curl image's bundle (PostgREST's image has none).
cp /etc/ssl/certs/ca-certificates.crt "$dir/ca.crt"
refresh
[ "\${1:-}" = once ] && exit 0
while :; do
  sleep "$REFRESH_SECONDS"
  refresh || echo "refresh failed; retrying in $REFRESH_SECONDS s" >&2
done
`;

/**
 * What the router database's owner (the LiteLLM login) runs once so the loader can read the spend
 * logs: connect, and select exactly the columns the loader reads (docs/cost-ledger.md). The
 * migrator cannot: an Entra admin of the server is no superuser and does not own LiteLLM's tables.
 */
export function routerGrantSql(loaderRole: string, database = 'router'): string {
  return [
    `GRANT CONNECT ON DATABASE ${database} TO "${loaderRole}";`,
    `GRANT USAGE ON SCHEMA public TO "${loaderRole}";`,
    `GRANT SELECT (${SPEND_LOG_COLUMNS.map(col).join(', ')}) ON "LiteLLM_SpendLogs" TO "${loaderRole}";`,
    '',
  ].join('\n');
}
