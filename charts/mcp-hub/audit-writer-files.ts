/**
 * What the MCP hub's audit writer runs (audit-writer.ts): the collector's configuration, the
 * token refresher (curl image) and the loader (PostgreSQL image), POSIX sh over the tools those
 * pinned images have, so no image is built for them.
 *
 * The path of an event: the Gateway's Envoy proxies send access-log records (OTLP logs, gRPC) to
 * the collector; its file exporter appends each export as one OTLP/JSON line to the spool file and
 * rotates the file at a size (lumberjack: the full file is renamed `events-<time>.jsonl`, the
 * same inode). The loader hands the complete lines it has not loaded yet to
 * audit.record_mcp_hub_events in one transaction, remembers per inode how many lines are in the
 * database, and deletes a rotated file once all of it is. A batch whose commit it did not see is
 * sent again; the function skips records already stored (V0004__mcp_hub_events.sql).
 */
import { MCP_AUDIT_WRITER } from '../../catalog/audit';
import { PSQL_ENV, SCRIPTS_DIR, TOKENS_DIR } from '../audit/scripts';

export const SPOOL_DIR = '/var/spool/mcp-audit';
export const SPOOL_FILE = 'events.jsonl';
/** The token refresher writes the loader's token here (its own TOKENS_DIR is private). */
export const SHARED_TOKENS_DIR = '/run/shared-tokens';
/** A rotated spool file is at most this large: one loader transaction. */
export const ROTATE_MEGABYTES = 1;
export const LOAD_INTERVAL_SECONDS = 5;
/** The loader's liveness: a successful round within this long, else the kubelet restarts it (the alert counts restarts). */
export const LOADER_STALE_SECONDS = 600;
/** Entra ID access tokens live 60-90 minutes; a connection needs a valid one only when it opens. */
export const TOKEN_REFRESH_SECONDS = 600;

/** The collector: OTLP/gRPC in, the spool file out; its own health and metrics on the pod address. */
export function collectorConfig(): Record<string, unknown> {
  return {
    receivers: { otlp: { protocols: { grpc: { endpoint: `\${env:MY_POD_IP}:${MCP_AUDIT_WRITER.otlpPort}` } } } },
    processors: {
      memory_limiter: { check_interval: '1s', limit_percentage: 80, spike_limit_percentage: 20 },
      batch: { send_batch_size: 1024, timeout: '1s' },
    },
    exporters: {
      file: {
        path: `${SPOOL_DIR}/${SPOOL_FILE}`,
        format: 'json',
        flush_interval: '1s',
        // 0 keeps every rotated file: the loader deletes them once loaded; the emptyDir's size limit is the bound.
        rotation: { max_megabytes: ROTATE_MEGABYTES, max_backups: 0 },
      },
    },
    extensions: { health_check: { endpoint: `\${env:MY_POD_IP}:${MCP_AUDIT_WRITER.healthPort}` } },
    service: {
      extensions: ['health_check'],
      pipelines: { logs: { receivers: ['otlp'], processors: ['memory_limiter', 'batch'], exporters: ['file'] } },
      telemetry: {
        logs: { level: 'info', encoding: 'json' },
        metrics: { level: 'normal', readers: [{ pull: { exporter: { prometheus: { host: '${env:MY_POD_IP}', port: MCP_AUDIT_WRITER.metricsPort } } } }] },
      },
    },
  };
}

/** The loader's one statement: the batch file as one text value (psql's backquote: no argument-length limit). */
export const LOAD_SQL = `\\set lines \`cat /tmp/batch\`
SELECT audit.record_mcp_hub_events(:'lines');
`;

/** Token refresher (curl image): token.sh into its private dir, then an atomic replace of the shared copy. */
export const REFRESH_SH = `#!/bin/sh
set -u
while :; do
  if sh ${SCRIPTS_DIR}/token.sh; then
    cp ${TOKENS_DIR}/postgres ${SHARED_TOKENS_DIR}/postgres.next && mv ${SHARED_TOKENS_DIR}/postgres.next ${SHARED_TOKENS_DIR}/postgres
    sleep ${TOKEN_REFRESH_SECONDS}
  else
    echo "token refresh failed; retrying in 30s" >&2
    sleep 30
  fi
done
`;

/** Loader (PostgreSQL image): see the module comment. A failed round is retried from where the last one stopped. */
export const LOAD_SH = `#!/bin/sh
set -u
state=/tmp/state
mkdir -p "$state"
until [ -s ${TOKENS_DIR}/postgres ]; do sleep 2; done

load() {
  (
    ${PSQL_ENV.split('\n').join('\n    ')}
    psql -At -f ${SCRIPTS_DIR}/load.sql
  )
}

round() {
  # Rotated files first, oldest first (their names carry the rotation time), then the open one.
  for f in $(ls "${SPOOL_DIR}" | grep -E '^events-.+\\.jsonl$' | sort) ${SPOOL_FILE}; do
    path="${SPOOL_DIR}/$f"
    [ -f "$path" ] || continue
    inode=$(stat -c %i "$path")
    loaded=$(cat "$state/$inode" 2>/dev/null || echo 0)
    # Complete lines only: the collector may be writing the last one.
    lines=$(wc -l < "$path" | tr -d ' ')
    if [ "$lines" -gt "$loaded" ]; then
      tail -n +"$((loaded + 1))" "$path" | head -n "$((lines - loaded))" > /tmp/batch
      got=$(wc -l < /tmp/batch | tr -d ' ')
      [ "$got" = "$((lines - loaded))" ] || { echo "$f: read $got of $((lines - loaded)) lines" >&2; return 1; }
      new=$(load) || { echo "$f: lines $((loaded + 1))-$lines not loaded; retrying" >&2; return 1; }
      echo "$lines" > "$state/$inode"
      echo "$f: lines $((loaded + 1))-$lines loaded, $new new event(s)"
    fi
    if [ "$f" != ${SPOOL_FILE} ]; then rm -f "$path" "$state/$inode"; fi
  done
  # Replaced whole (rename), so the liveness probe never reads a half-written file.
  date +%s > /tmp/last-success.new && mv /tmp/last-success.new /tmp/last-success
}

# On termination the collector flushes its last records; one more round takes them.
stopping=0
trap 'stopping=1' TERM INT
while :; do
  round
  if [ "$stopping" = 1 ]; then sleep 3; round; exit $?; fi
  sleep ${LOAD_INTERVAL_SECONDS} &
  # A TERM ends the wait early (status above 128; no set -e here): the check below takes the stop.
  wait $!
  if [ "$stopping" = 1 ]; then sleep 3; round; exit $?; fi
done
`;

/** Liveness of the loader: a successful round not longer ago than LOADER_STALE_SECONDS. */
export const LOADER_LIVE_SH = `test $(( $(date +%s) - $(cat /tmp/last-success 2>/dev/null || echo 0) )) -lt ${LOADER_STALE_SECONDS}`;

/** The token refresher's probe: the shared token was replaced within three refresh periods. */
export const TOKEN_FRESH_SH = `test $(( $(date +%s) - $(stat -c %Y ${SHARED_TOKENS_DIR}/postgres 2>/dev/null || echo 0) )) -lt ${3 * TOKEN_REFRESH_SECONDS}`;
