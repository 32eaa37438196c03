-- The MCP hub's events arrive as the Gateway's access-log records (charts/mcp-hub/audit-writer.ts):
-- OTLP/JSON lines, one ExportLogsServiceRequest per line as the collector's file exporter writes
-- them, each log record's attributes holding the fields catalog/audit.ts MCP_AUDIT_FIELDS names.
-- The writer hands a batch of lines to this function, which maps every record to one event.
--
-- A batch may be sent twice (the writer retries after a failure it cannot tell from a lost
-- commit): the event id is derived from the record (Envoy's request id, its start time, the MCP
-- request id), and a record already stored is skipped. SECURITY DEFINER because ON CONFLICT needs
-- the owner's view of the rows; the writer still cannot read, change or delete any event.
CREATE FUNCTION audit.record_mcp_hub_events(p_lines text) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, audit AS $fn$
DECLARE
  inserted integer;
BEGIN
  WITH lines AS (
    SELECT l::jsonb AS doc FROM regexp_split_to_table(p_lines, E'\n') AS l WHERE btrim(l) <> ''
  ), records AS (
    SELECT r.rec FROM lines CROSS JOIN LATERAL jsonb_path_query(lines.doc, '$.resourceLogs[*].scopeLogs[*].logRecords[*]') AS r(rec)
  ), fields AS (
    -- Envoy writes "-" (or nothing) for a value it does not have.
    SELECT rec, coalesce((
      SELECT jsonb_object_agg(a->>'key', a->'value'->>'stringValue')
      FROM jsonb_array_elements(coalesce(rec->'attributes', '[]'::jsonb)) AS a
      WHERE nullif(nullif(a->'value'->>'stringValue', ''), '-') IS NOT NULL), '{}'::jsonb) AS f
    FROM records
  ), parsed AS (
    SELECT f,
      (f->>'start_time')::timestamptz AS occurred_at,
      (f->>'response_code')::integer AS code,
      CASE WHEN rec->>'traceId' ~ '^[0-9a-f]{32}$' AND rec->>'traceId' !~ '^0+$' THEN rec->>'traceId'
           WHEN f->>'traceparent' ~ '^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$' THEN split_part(f->>'traceparent', '-', 2)
           WHEN replace(lower(f->>'client_request_id'), '-', '') ~ '^[0-9a-f]{32}$' THEN replace(lower(f->>'client_request_id'), '-', '')
           WHEN replace(lower(f->>'request_id'), '-', '') ~ '^[0-9a-f]{32}$' THEN replace(lower(f->>'request_id'), '-', '')
      END AS trace_id,
      CASE WHEN rec->>'spanId' ~ '^[0-9a-f]{16}$' AND rec->>'spanId' !~ '^0+$' THEN rec->>'spanId'
           WHEN f->>'traceparent' ~ '^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$' THEN split_part(f->>'traceparent', '-', 3)
      END AS span_id,
      -- The MCPRoute (`<namespace>/mcp-<tenant>`) on the tool calls, the tenant's path on the calls the Gateway refused.
      coalesce(substring(f->>'route' FROM '/mcp-([a-z0-9]([-a-z0-9]*[a-z0-9])?)$'), substring(f->>'path' FROM '^/tenants/([a-z0-9]([-a-z0-9]*[a-z0-9])?)/mcp(/|\?|$)')) AS tenant
    FROM fields
  )
  INSERT INTO audit.events (id, occurred_at, actor_oid, actor_upn, tenant, source, tool, action, decision, reason, trace_id, span_id, request)
  SELECT
    md5(concat_ws('|', 'mcp-hub', f->>'request_id', f->>'start_time', f->>'mcp_request_id'))::uuid,
    occurred_at,
    -- The caller headers are the token's claims, set by the Gateway's JWT filter only for a valid
    -- token (it runs before the role check and the rate limit); on a 401 they can only be the
    -- client's own, so the caller is the nil id, as it is when the claim is missing.
    CASE WHEN code <> 401 AND f->>'caller_oid' ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' THEN (f->>'caller_oid')::uuid ELSE '00000000-0000-0000-0000-000000000000'::uuid END,
    -- No UPN: Entra ID resolves the object id (catalog/audit.ts MCP_CALLER_CLAIMS says why).
    NULL,
    tenant,
    'mcp-hub',
    left(coalesce(f->>'mcp_tool_name', f->>'mcp_method', '-'), 200),
    left(coalesce(f->>'mcp_method', lower(f->>'http_method'), 'request'), 100),
    CASE WHEN code IN (401, 403, 429) THEN 'deny' WHEN code BETWEEN 200 AND 399 THEN 'allow' ELSE 'error' END,
    CASE code WHEN 401 THEN 'no valid Entra ID token' WHEN 403 THEN 'the token lacks the tenant''s role' WHEN 429 THEN 'the tenant''s rate limit'
      ELSE CASE WHEN code NOT BETWEEN 200 AND 399 THEN format('HTTP %s', code) END END,
    coalesce(trace_id, md5(concat_ws('|', 'mcp-hub', f->>'request_id', f->>'start_time'))),
    span_id,
    jsonb_strip_nulls(jsonb_build_object(
      'method', f->>'http_method', 'path', left(f->>'path', 512), 'status', code, 'duration_ms', (f->>'duration_ms')::bigint,
      'mcp_request_id', left(f->>'mcp_request_id', 128), 'mcp_backend', f->>'mcp_backend', 'client_app', CASE WHEN code <> 401 THEN f->>'caller_app' END,
      'request_id', f->>'request_id', 'client_request_id', f->>'client_request_id'))
  FROM parsed
  -- The access log matches only the hub's tenant routes (constructs/edge/gateway.ts), so a record
  -- without a tenant or a time is not an MCP call; it is skipped rather than failing the batch.
  WHERE tenant IS NOT NULL AND occurred_at IS NOT NULL
  ON CONFLICT (occurred_at, id) DO NOTHING;
  GET DIAGNOSTICS inserted = ROW_COUNT;
  RETURN inserted;
END
$fn$;

REVOKE ALL ON FUNCTION audit.record_mcp_hub_events(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION audit.record_mcp_hub_events(text) TO audit_writer;
