-- Group roles of the cost ledger. Nobody logs in as these: the loader's Entra principal joins
-- ledger_loader; PostgREST's principal (ledger-api) may switch to ledger_reader or
-- ledger_anonymous without inheriting either (charts/ledger grants); the metrics exporter's login
-- joins ledger_metrics (docs/cost-ledger.md). Roles are cluster-wide, so they are created only if absent.
DO $roles$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'ledger_loader') THEN
    CREATE ROLE ledger_loader NOLOGIN;
  END IF;
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'ledger_reader') THEN
    CREATE ROLE ledger_reader NOLOGIN;
  END IF;
  -- What PostgREST runs a request as when its token carries no ledger role: it may do nothing.
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'ledger_anonymous') THEN
    CREATE ROLE ledger_anonymous NOLOGIN;
  END IF;
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'ledger_metrics') THEN
    CREATE ROLE ledger_metrics NOLOGIN;
  END IF;
END
$roles$;

DO $connect$
BEGIN
  EXECUTE format('REVOKE CONNECT, TEMPORARY ON DATABASE %I FROM PUBLIC', current_database());
  EXECUTE format('GRANT CONNECT ON DATABASE %I TO ledger_loader, ledger_reader, ledger_anonymous, ledger_metrics', current_database());
  -- The loader stages each batch in a temporary table (charts/ledger/scripts.ts).
  EXECUTE format('GRANT TEMPORARY ON DATABASE %I TO ledger_loader', current_database());
END
$connect$;

CREATE SCHEMA ledger;
REVOKE ALL ON SCHEMA ledger FROM PUBLIC;
GRANT USAGE ON SCHEMA ledger TO ledger_loader, ledger_reader, ledger_metrics;
