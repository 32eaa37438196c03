/**
 * What the MLflow containers run besides `mlflow` itself: POSIX sh over the curl and PostgreSQL
 * images the audit app already uses, so no image is built. PostgreSQL takes Entra ID access
 * tokens as passwords; libpq reads its password file each time it opens a connection
 * (src/interfaces/libpq/fe-connect.c, connectOptions2 -> passwordFromFile), so a file refreshed
 * well within a token's lifetime lets MLflow's SQLAlchemy pool (psycopg2 on libpq) open new
 * connections with a fresh token while open ones stay authenticated (the server checks a token
 * at login only).
 */
import { MLFLOW_DATABASE } from '../../catalog/mlflow';
import { TOKEN_SCOPES } from '../audit/scripts';

export const TOKENS_DIR = '/run/tokens';
export const SCRIPTS_DIR = '/etc/mlflow';
/** The password file libpq reads (PGPASSFILE): `*:*:*:*:<token>`, 0600, in memory. */
export const PGPASS_FILE = `${TOKENS_DIR}/pgpass`;
/** The schema MLflow's tables live in (search_path of every connection): created and owned by the bootstrap role. */
export const MLFLOW_SCHEMA = 'mlflow';
/** Entra ID access tokens live 60-90 minutes; refreshing every 20 leaves room for two failed rounds. */
export const TOKEN_REFRESH_SECONDS = 1200;

const exchange = `curl -fsS --retry 3 --max-time 30 "\${AZURE_AUTHORITY_HOST%/}/\${AZURE_TENANT_ID}/oauth2/v2.0/token" \\
    --data-urlencode "client_id=$AZURE_CLIENT_ID" \\
    --data-urlencode "grant_type=client_credentials" \\
    --data-urlencode "client_assertion_type=urn:ietf:params:oauth:client-assertion-type:jwt-bearer" \\
    --data-urlencode "client_assertion=$(cat "$AZURE_FEDERATED_TOKEN_FILE")" \\
    --data-urlencode "scope=${TOKEN_SCOPES.postgres}"`;

/**
 * One round (`once`) or a loop (`loop`): exchange the pod's federated token for a PostgreSQL
 * access token and replace the password file whole (write, then rename), so a reader never sees
 * half a file. In the loop a failed round keeps the previous file and tries again sooner.
 */
export const PGPASS_SH = `#!/bin/sh
set -u
umask 077
refresh() {
  token=$(${exchange} | sed -n 's/.*"access_token":"\\([^"]*\\)".*/\\1/p')
  [ -n "$token" ] || { echo "no PostgreSQL token" >&2; return 1; }
  printf '*:*:*:*:%s\\n' "$token" > ${PGPASS_FILE}.new && mv -f ${PGPASS_FILE}.new ${PGPASS_FILE}
}
if [ "\${1:-}" = once ]; then refresh; exit $?; fi
while :; do
  if refresh; then sleep ${TOKEN_REFRESH_SECONDS}; else sleep 30; fi
done
`;

/** Bootstrap step 1 (postgres database): the server identity's Entra role. */
export function principalSql(role: string): string {
  return `SELECT pg_catalog.pgaadauth_create_principal_with_oid('${role}', :'object_id', 'service', false, false) WHERE NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = '${role}');
`;
}

/** Bootstrap step 2 (mlflow database): the schema the upgrade creates MLflow's tables in. */
export const SCHEMA_SQL = `CREATE SCHEMA IF NOT EXISTS ${MLFLOW_SCHEMA};
REVOKE ALL ON SCHEMA ${MLFLOW_SCHEMA} FROM PUBLIC;
`;

/**
 * Bootstrap step 4 (mlflow database, after `mlflow db upgrade`): the server reads and writes
 * MLflow's tables but changes no schema; tables a later upgrade adds get the same grants.
 */
export function grantsSql(role: string): string {
  return [
    'BEGIN;',
    `GRANT CONNECT ON DATABASE ${MLFLOW_DATABASE} TO "${role}";`,
    `GRANT USAGE ON SCHEMA ${MLFLOW_SCHEMA} TO "${role}";`,
    `GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA ${MLFLOW_SCHEMA} TO "${role}";`,
    `GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA ${MLFLOW_SCHEMA} TO "${role}";`,
    `ALTER DEFAULT PRIVILEGES IN SCHEMA ${MLFLOW_SCHEMA} GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO "${role}";`,
    `ALTER DEFAULT PRIVILEGES IN SCHEMA ${MLFLOW_SCHEMA} GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO "${role}";`,
    'COMMIT;',
    '',
  ].join('\n');
}

/** psql with the token from the password file, TLS verified against the system roots; arguments: `<database>:<file>` in order. */
export const PSQL_SH = `#!/bin/sh
set -eu
PGAPPNAME=$(hostname)
export PGPASSFILE=${PGPASS_FILE} PGSSLMODE=verify-full PGSSLROOTCERT=system PGAPPNAME
for step in "$@"; do
  psql -X -q -v ON_ERROR_STOP=1 -v object_id="$MLFLOW_OBJECT_ID" -d "\${step%%:*}" -f "${SCRIPTS_DIR}/\${step#*:}"
done
`;

/**
 * The SQLAlchemy URL of MLflow's backend store: psycopg2 (libpq) with no password in it, so libpq
 * takes the token from PGPASSFILE; TLS verified against the image's CA bundle (a path, so the
 * bundled libpq's version does not matter); MLflow's tables in their own schema.
 */
export function backendStoreUri(host: string, port: number, role: string): string {
  const query = ['sslmode=verify-full', 'sslrootcert=/etc/ssl/certs/ca-certificates.crt', `options=-csearch_path%3D${MLFLOW_SCHEMA}`, 'application_name=mlflow'].join('&');
  return `postgresql+psycopg2://${encodeURIComponent(role)}@${host}:${port}/${MLFLOW_DATABASE}?${query}`;
}
