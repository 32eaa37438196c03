-- Group roles of the audit trail. Nobody logs in as these: the Entra ID principals of the
-- writers (agent gateway, MCP hub), the archiver and the readers are granted membership
-- (charts/audit/migration-script.ts principal scripts, after the migrations). Roles are cluster-wide, so they are created only if absent.
DO $roles$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'audit_writer') THEN
    CREATE ROLE audit_writer NOLOGIN;
  END IF;
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'audit_reader') THEN
    CREATE ROLE audit_reader NOLOGIN;
  END IF;
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'audit_archiver') THEN
    CREATE ROLE audit_archiver NOLOGIN;
  END IF;
END
$roles$;

-- Only the audit roles may connect to this database (the migrator owns it).
DO $connect$
BEGIN
  EXECUTE format('REVOKE CONNECT, TEMPORARY ON DATABASE %I FROM PUBLIC', current_database());
  EXECUTE format('GRANT CONNECT ON DATABASE %I TO audit_writer, audit_reader, audit_archiver', current_database());
END
$connect$;

CREATE SCHEMA audit;
-- Only the owner (the migrator) creates objects; the roles get exactly what their grants say.
REVOKE ALL ON SCHEMA audit FROM PUBLIC;
GRANT USAGE ON SCHEMA audit TO audit_writer, audit_reader, audit_archiver;
