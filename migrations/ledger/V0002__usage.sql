-- One row per metered unit of work: an LLM call from the router's spend log (source
-- router-spend-log, source_id = LiteLLM's request_id) or, once the orchestrator records them, a
-- task's own runtime (orchestrator-task). (source, source_id) is the upsert key: reloading the
-- same spend log rows never counts them twice.
CREATE TABLE ledger.usage (
  source text NOT NULL CHECK (source IN ('router-spend-log', 'orchestrator-task')),
  source_id text NOT NULL CHECK (length(source_id) BETWEEN 1 AND 256),
  -- The agent task the call belongs to, when its caller said (docs/cost-ledger.md "Task ids").
  task_id text CHECK (task_id ~ '^[A-Za-z0-9][A-Za-z0-9._:/-]{0,199}$'),
  tenant text NOT NULL CHECK (tenant ~ '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$' AND length(tenant) <= 63),
  model text NOT NULL CHECK (length(model) BETWEEN 1 AND 200),
  input_tokens bigint NOT NULL DEFAULT 0 CHECK (input_tokens >= 0),
  output_tokens bigint NOT NULL DEFAULT 0 CHECK (output_tokens >= 0),
  runtime_seconds numeric(14, 3) NOT NULL DEFAULT 0 CHECK (runtime_seconds >= 0),
  cost numeric(20, 10) NOT NULL DEFAULT 0 CHECK (cost >= 0),
  currency char(3) NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  started_at timestamptz NOT NULL,
  ended_at timestamptz NOT NULL CHECK (ended_at >= started_at),
  loaded_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (source, source_id)
);
CREATE INDEX usage_tenant_started_at ON ledger.usage (tenant, started_at);
CREATE INDEX usage_task ON ledger.usage (tenant, task_id) WHERE task_id IS NOT NULL;

-- How far each source has been loaded: the newest start time seen. A run re-reads an overlap
-- before it (the router writes its spend logs in batches, not in start-time order).
CREATE TABLE ledger.watermarks (
  source text PRIMARY KEY CHECK (source IN ('router-spend-log', 'orchestrator-task')),
  high_water timestamptz NOT NULL,
  rows_seen bigint NOT NULL DEFAULT 0 CHECK (rows_seen >= 0),
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- Maps the router's spend log rows a loader run staged in pg_temp.router_spend_logs (one jsonb
-- document per row, columns as LiteLLM names them: charts/ledger/scripts.ts EXTRACT_SQL) into
-- ledger rows. Rows without a tenant (the router's own calls with the master key) are skipped.
-- Returns the rows inserted, changed and skipped; unchanged rows are left alone.
CREATE FUNCTION ledger.merge_router_spend_logs(OUT inserted integer, OUT updated integer, OUT skipped integer)
LANGUAGE plpgsql SET search_path = pg_catalog, ledger AS $fn$
DECLARE
  staged integer;
  newest timestamptz;
BEGIN
  SELECT count(*) INTO staged FROM pg_temp.router_spend_logs;
  WITH parsed AS (
    SELECT
      doc->>'request_id' AS source_id,
      -- LiteLLM keeps start and end as timestamp(3) without zone, in UTC.
      (doc->>'startTime')::timestamp AT TIME ZONE 'UTC' AS started_at,
      (doc->>'endTime')::timestamp AT TIME ZONE 'UTC' AS ended_at,
      doc->>'team_id' AS tenant,
      coalesce(nullif(doc->>'model_group', ''), nullif(doc->>'model', ''), 'unknown') AS model,
      greatest(coalesce((doc->>'prompt_tokens')::bigint, 0), 0) AS input_tokens,
      greatest(coalesce((doc->>'completion_tokens')::bigint, 0), 0) AS output_tokens,
      greatest(coalesce((doc->>'spend')::numeric, 0), 0) AS cost,
      coalesce(
        doc->'metadata'->'spend_logs_metadata'->>'task_id',
        (SELECT substr(t, 6) FROM jsonb_array_elements_text(CASE WHEN jsonb_typeof(doc->'request_tags') = 'array' THEN doc->'request_tags' ELSE '[]'::jsonb END) AS t
          WHERE t LIKE 'task:%' ORDER BY t LIMIT 1)
      ) AS task_id
    FROM pg_temp.router_spend_logs
  ), valid AS (
    -- One row per request id even if a batch held one twice (an upsert may touch a row once).
    SELECT DISTINCT ON (source_id) source_id, started_at, greatest(ended_at, started_at) AS ended_at, tenant, model, input_tokens, output_tokens, cost,
      -- A task id the ledger cannot hold (too long, odd characters) is dropped, not the row.
      CASE WHEN task_id ~ '^[A-Za-z0-9][A-Za-z0-9._:/-]{0,199}$' THEN task_id END AS task_id
    FROM parsed
    WHERE tenant ~ '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$' AND length(tenant) <= 63
      AND source_id IS NOT NULL AND length(source_id) BETWEEN 1 AND 256 AND started_at IS NOT NULL AND ended_at IS NOT NULL
    ORDER BY source_id, ended_at DESC
  ), upserted AS (
    INSERT INTO ledger.usage AS u (source, source_id, task_id, tenant, model, input_tokens, output_tokens, runtime_seconds, cost, currency, started_at, ended_at)
    SELECT 'router-spend-log', source_id, task_id, tenant, left(model, 200), input_tokens, output_tokens,
      round(extract(epoch FROM ended_at - started_at)::numeric, 3), cost,
      -- LiteLLM prices every call in US dollars (its model cost map).
      'USD', started_at, ended_at
    FROM valid
    ON CONFLICT (source, source_id) DO UPDATE SET
      task_id = excluded.task_id, tenant = excluded.tenant, model = excluded.model, input_tokens = excluded.input_tokens,
      output_tokens = excluded.output_tokens, runtime_seconds = excluded.runtime_seconds, cost = excluded.cost,
      currency = excluded.currency, started_at = excluded.started_at, ended_at = excluded.ended_at, updated_at = now()
      WHERE (u.task_id, u.tenant, u.model, u.input_tokens, u.output_tokens, u.runtime_seconds, u.cost, u.currency, u.started_at, u.ended_at)
        IS DISTINCT FROM (excluded.task_id, excluded.tenant, excluded.model, excluded.input_tokens, excluded.output_tokens, excluded.runtime_seconds, excluded.cost, excluded.currency, excluded.started_at, excluded.ended_at)
    RETURNING (xmax = 0) AS fresh
  )
  SELECT count(*) FILTER (WHERE fresh), count(*) FILTER (WHERE NOT fresh) INTO inserted, updated FROM upserted;
  skipped := staged - (SELECT count(*) FROM pg_temp.router_spend_logs s
    WHERE s.doc->>'team_id' ~ '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$' AND length(s.doc->>'team_id') <= 63
      AND length(s.doc->>'request_id') BETWEEN 1 AND 256 AND s.doc->>'startTime' IS NOT NULL AND s.doc->>'endTime' IS NOT NULL);
  SELECT max((doc->>'startTime')::timestamp AT TIME ZONE 'UTC') INTO newest FROM pg_temp.router_spend_logs;
  IF newest IS NOT NULL THEN
    INSERT INTO ledger.watermarks AS w (source, high_water, rows_seen) VALUES ('router-spend-log', newest, staged)
    ON CONFLICT (source) DO UPDATE SET high_water = greatest(w.high_water, excluded.high_water), rows_seen = w.rows_seen + excluded.rows_seen, updated_at = now();
  END IF;
END
$fn$;

-- Where the next run starts reading: the watermark less the overlap, or the beginning.
CREATE FUNCTION ledger.router_spend_logs_since(overlap interval) RETURNS timestamp
LANGUAGE sql STABLE SET search_path = pg_catalog, ledger AS $fn$
  SELECT coalesce((SELECT high_water - overlap FROM ledger.watermarks WHERE source = 'router-spend-log'), '-infinity'::timestamptz) AT TIME ZONE 'UTC'
$fn$;

REVOKE ALL ON ledger.usage, ledger.watermarks FROM PUBLIC;
REVOKE ALL ON FUNCTION ledger.merge_router_spend_logs() FROM PUBLIC;
REVOKE ALL ON FUNCTION ledger.router_spend_logs_since(interval) FROM PUBLIC;
-- The loader inserts and corrects rows, never deletes them.
GRANT SELECT, INSERT, UPDATE ON ledger.usage TO ledger_loader;
GRANT SELECT, INSERT, UPDATE ON ledger.watermarks TO ledger_loader;
GRANT EXECUTE ON FUNCTION ledger.merge_router_spend_logs(), ledger.router_spend_logs_since(interval) TO ledger_loader;
GRANT SELECT ON ledger.usage TO ledger_reader, ledger_metrics;
GRANT SELECT ON ledger.watermarks TO ledger_metrics;
