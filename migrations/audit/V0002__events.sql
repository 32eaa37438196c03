-- The audit events: append-only, partitioned by month so closed months can be archived and,
-- after their retention, dropped as a whole (docs/runbooks/audit.md).
CREATE TABLE audit.events (
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  occurred_at timestamptz NOT NULL DEFAULT now(),
  recorded_at timestamptz NOT NULL DEFAULT now(),
  -- Who: the Entra ID object id of the caller (user or service principal) and, for people, the UPN.
  actor_oid uuid NOT NULL,
  actor_upn text,
  tenant text NOT NULL CHECK (tenant ~ '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$' AND length(tenant) <= 63),
  source text NOT NULL CHECK (source IN ('agent-gateway', 'mcp-hub')),
  -- The MCP tool or the gateway operation (operationId of contracts/agent-gateway.openapi.yaml).
  tool text NOT NULL CHECK (length(tool) BETWEEN 1 AND 200),
  action text NOT NULL CHECK (length(action) BETWEEN 1 AND 100),
  decision text NOT NULL CHECK (decision IN ('allow', 'deny', 'error')),
  reason text CHECK (length(reason) <= 2000),
  -- W3C trace context: the key to the request's traces in Tempo and its logs in Loki.
  trace_id char(32) NOT NULL CHECK (trace_id ~ '^[0-9a-f]{32}$'),
  span_id char(16) CHECK (span_id ~ '^[0-9a-f]{16}$'),
  -- Request metadata (method, path, client address, model, token counts); never secrets or prompts.
  request jsonb NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(request) = 'object' AND pg_column_size(request) <= 16384),
  PRIMARY KEY (occurred_at, id)
) PARTITION BY RANGE (occurred_at);

CREATE INDEX events_trace_id ON audit.events (trace_id);
CREATE INDEX events_tenant_occurred_at ON audit.events (tenant, occurred_at);

-- Rows outside every monthly partition (a writer's clock far off) still land here; the archiver
-- exports by day from the parent table, so they are archived with their day like any other.
CREATE TABLE audit.events_default PARTITION OF audit.events DEFAULT;

-- Append-only even for roles that could otherwise change rows (the owner included):
-- updates, deletes and truncation are refused. Dropping a whole archived month's partition, in a
-- reviewed migration after verifying its archive (docs/runbooks/audit.md), is the only way rows leave.
CREATE FUNCTION audit.refuse_change() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  RAISE EXCEPTION 'audit events are append-only: % is not allowed', TG_OP USING ERRCODE = 'insufficient_privilege';
END
$fn$;
CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON audit.events FOR EACH ROW EXECUTE FUNCTION audit.refuse_change();
CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON audit.events FOR EACH STATEMENT EXECUTE FUNCTION audit.refuse_change();

-- Monthly partitions, created ahead by the migration and by every archiver run.
CREATE FUNCTION audit.ensure_partitions(months_ahead integer DEFAULT 2) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, audit AS $fn$
DECLARE
  month date := date_trunc('month', now() AT TIME ZONE 'UTC')::date;
  created integer := 0;
  name text;
BEGIN
  IF months_ahead NOT BETWEEN 0 AND 24 THEN
    RAISE EXCEPTION 'months_ahead must be 0-24, got %', months_ahead;
  END IF;
  FOR i IN 0..months_ahead LOOP
    name := format('events_%s', to_char(month + make_interval(months => i), 'YYYY_MM'));
    IF to_regclass(format('audit.%I', name)) IS NULL THEN
      EXECUTE format('CREATE TABLE audit.%I PARTITION OF audit.events FOR VALUES FROM (%L) TO (%L)',
        name, (month + make_interval(months => i))::timestamp AT TIME ZONE 'UTC', (month + make_interval(months => i + 1))::timestamp AT TIME ZONE 'UTC');
      created := created + 1;
    END IF;
  END LOOP;
  RETURN created;
END
$fn$;
SELECT audit.ensure_partitions(2);

REVOKE ALL ON audit.events FROM PUBLIC;
-- Writers append and nothing else: no SELECT (they cannot read other callers' events), no UPDATE/DELETE/TRUNCATE.
GRANT INSERT ON audit.events TO audit_writer;
GRANT SELECT ON audit.events TO audit_reader, audit_archiver;
REVOKE ALL ON FUNCTION audit.ensure_partitions(integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION audit.ensure_partitions(integer) TO audit_archiver;
REVOKE ALL ON FUNCTION audit.refuse_change() FROM PUBLIC;
