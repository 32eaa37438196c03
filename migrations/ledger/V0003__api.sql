-- The read-only API PostgREST serves (schema ledger_api, views only) and the per-tenant row
-- filter. PostgREST validates the caller's Entra ID access token (signature, expiry, audience),
-- switches to the role its `roles` claim names and hands the claims to the request as the setting
-- request.jwt.claims; the row filter reads them.

-- Which tenant an Entra ID group may see: the owners group of every tenant file
-- (spec.owners.entraGroupObjectId), replaced whole by the migration Job (charts/ledger/tenants-sql.ts).
CREATE TABLE ledger.tenant_groups (
  tenant text NOT NULL CHECK (tenant ~ '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$' AND length(tenant) <= 63),
  group_oid uuid NOT NULL,
  PRIMARY KEY (tenant, group_oid)
);
-- The token issuer the row filter accepts (https://login.microsoftonline.com/<tenant id>/v2.0):
-- Entra ID signs every directory's tokens with the same keys, and PostgREST checks the audience
-- but not the issuer. One row, written by the migration Job.
CREATE TABLE ledger.api_settings (
  id boolean PRIMARY KEY DEFAULT true CHECK (id),
  issuer text NOT NULL CHECK (issuer ~ '^https://login\.microsoftonline\.com/[0-9a-f-]{36}/v2\.0$')
);
REVOKE ALL ON ledger.tenant_groups, ledger.api_settings FROM PUBLIC;

-- The tenants the current request may see: those whose owners group is in the token's `groups`
-- claim, for a token from the expected issuer; none otherwise (no claims, another directory, no
-- groups). SECURITY DEFINER: the reader may not read the mapping itself.
CREATE FUNCTION ledger.caller_tenants() RETURNS SETOF text
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, ledger AS $fn$
  WITH claims AS (
    SELECT CASE WHEN nullif(current_setting('request.jwt.claims', true), '') IS NULL THEN '{}'::jsonb
                ELSE current_setting('request.jwt.claims', true)::jsonb END AS c
  )
  SELECT DISTINCT tg.tenant
  FROM claims
  JOIN ledger.api_settings s ON s.issuer = claims.c->>'iss'
  CROSS JOIN LATERAL jsonb_array_elements_text(CASE WHEN jsonb_typeof(claims.c->'groups') = 'array' THEN claims.c->'groups' ELSE '[]'::jsonb END) AS g(oid)
  JOIN ledger.tenant_groups tg ON tg.group_oid::text = lower(g.oid)
$fn$;
REVOKE ALL ON FUNCTION ledger.caller_tenants() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION ledger.caller_tenants() TO ledger_reader;

ALTER TABLE ledger.usage ENABLE ROW LEVEL SECURITY;
-- Readers see their tenants' rows; the loader and the metrics exporter see all (they aggregate or
-- write every tenant's); nobody else sees any (RLS denies by default).
CREATE POLICY usage_reader ON ledger.usage FOR SELECT TO ledger_reader USING (tenant IN (SELECT ledger.caller_tenants()));
CREATE POLICY usage_loader ON ledger.usage FOR ALL TO ledger_loader USING (true) WITH CHECK (true);
CREATE POLICY usage_metrics ON ledger.usage FOR SELECT TO ledger_metrics USING (true);

CREATE SCHEMA ledger_api;
REVOKE ALL ON SCHEMA ledger_api FROM PUBLIC;
GRANT USAGE ON SCHEMA ledger_api TO ledger_reader;
COMMENT ON SCHEMA ledger_api IS 'Cost ledger: LLM usage and cost by task, tenant and model (read-only; rows of the tenants whose owners group is in your token)';

-- security_invoker: the views run with the caller's rights, so the row filter applies to them.
CREATE VIEW ledger_api.usage WITH (security_invoker = true) AS
  SELECT source, source_id, task_id, tenant, model, input_tokens, output_tokens, runtime_seconds, cost, currency, started_at, ended_at
  FROM ledger.usage;
COMMENT ON VIEW ledger_api.usage IS 'One row per LLM call (router spend log) or task record';

CREATE VIEW ledger_api.tasks WITH (security_invoker = true) AS
  SELECT tenant, task_id, currency, count(*) AS calls, sum(input_tokens) AS input_tokens, sum(output_tokens) AS output_tokens,
    sum(runtime_seconds) AS runtime_seconds, sum(cost) AS cost, min(started_at) AS started_at, max(ended_at) AS ended_at,
    array_agg(DISTINCT model ORDER BY model) AS models
  FROM ledger.usage WHERE task_id IS NOT NULL
  GROUP BY tenant, task_id, currency;
COMMENT ON VIEW ledger_api.tasks IS 'Totals per agent task';

CREATE VIEW ledger_api.daily WITH (security_invoker = true) AS
  SELECT tenant, model, currency, (started_at AT TIME ZONE 'UTC')::date AS day, count(*) AS calls, sum(input_tokens) AS input_tokens,
    sum(output_tokens) AS output_tokens, sum(runtime_seconds) AS runtime_seconds, sum(cost) AS cost
  FROM ledger.usage
  GROUP BY tenant, model, currency, (started_at AT TIME ZONE 'UTC')::date;
COMMENT ON VIEW ledger_api.daily IS 'Totals per tenant, model and UTC day';

REVOKE ALL ON ledger_api.usage, ledger_api.tasks, ledger_api.daily FROM PUBLIC;
GRANT SELECT ON ledger_api.usage, ledger_api.tasks, ledger_api.daily TO ledger_reader;

-- Totals per tenant and model for the metrics exporter (charts/ledger/exporter.ts): all tenants,
-- no task ids, one row per series.
CREATE VIEW ledger.metrics_totals AS
  SELECT tenant, model, currency, count(*) AS calls, sum(input_tokens) AS input_tokens, sum(output_tokens) AS output_tokens,
    sum(runtime_seconds) AS runtime_seconds, sum(cost) AS cost, count(DISTINCT task_id) AS tasks
  FROM ledger.usage
  GROUP BY tenant, model, currency;
REVOKE ALL ON ledger.metrics_totals FROM PUBLIC;
GRANT SELECT ON ledger.metrics_totals TO ledger_metrics;

-- PostgREST reloads its schema cache when told; the migration Job tells it after every run.
