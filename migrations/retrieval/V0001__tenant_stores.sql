-- The retrieval database: one schema per tenant that declares `retrieval: true`, each with its
-- own roles. The structure is versioned here; which tenants exist is not: the migration Job's
-- reconcile step (charts/retrieval/sql.ts) calls the functions below for the environment's
-- current tenant list after the migrations, so onboarding and retirement need no new migration.
-- A change to what a tenant store looks like is a new migration that redefines onboard_tenant
-- and upgrades the registered schemas.

-- pgvector, allow-listed on the server (azure.extensions, constructs/data/postgres.ts). On Azure
-- an azure_pg_admin member (the migrator, an Entra admin) may create an allow-listed extension.
-- In public, which everyone may use but nobody may create in (below), so tenant queries find
-- the type and its operators without being able to add objects there.
CREATE EXTENSION IF NOT EXISTS vector SCHEMA public;

-- Only the tenants' access roles connect (each granted CONNECT when onboarded); nobody creates
-- temporary tables or objects in public (PostgreSQL 15+ already withholds CREATE on public: said
-- here explicitly, since the server's template may differ).
DO $connect$
BEGIN
  EXECUTE format('REVOKE CONNECT, TEMPORARY ON DATABASE %I FROM PUBLIC', current_database());
END
$connect$;
REVOKE CREATE ON SCHEMA public FROM PUBLIC;

-- The registry of tenant stores, readable by the migrator only.
CREATE SCHEMA retrieval;
REVOKE ALL ON SCHEMA retrieval FROM PUBLIC;
CREATE TABLE retrieval.tenants (
  tenant text PRIMARY KEY CHECK (tenant ~ '^[a-z]([-a-z0-9]*[a-z0-9])?$' AND length(tenant) <= 30),
  schema_name name NOT NULL UNIQUE,
  owner_role name NOT NULL UNIQUE,
  access_role name NOT NULL UNIQUE,
  login_role name UNIQUE,
  dimensions integer NOT NULL CHECK (dimensions BETWEEN 1 AND 2000),
  onboarded_at timestamptz NOT NULL DEFAULT now(),
  -- Set when the tenant left the list: its roles lost every privilege, its data stays until purged.
  retired_at timestamptz
);
REVOKE ALL ON retrieval.tenants FROM PUBLIC;

-- Every privilege on the tenant's schema and its relations that neither its owner nor its access
-- role holds is revoked: a grant made by hand (to another tenant, to PUBLIC) does not survive
-- the next reconcile.
CREATE FUNCTION retrieval.revoke_foreign_grants(p_schema name, p_owner name, p_access name) RETURNS integer
LANGUAGE plpgsql SET search_path = pg_catalog AS $fn$
DECLARE
  g record;
  revoked integer := 0;
BEGIN
  FOR g IN
    SELECT DISTINCT a.grantee FROM pg_namespace n, aclexplode(n.nspacl) a
    WHERE n.nspname = p_schema AND a.grantee NOT IN (p_owner::regrole::oid, p_access::regrole::oid)
  LOOP
    EXECUTE format('REVOKE ALL ON SCHEMA %I FROM %s', p_schema, CASE g.grantee WHEN 0 THEN 'PUBLIC' ELSE quote_ident(g.grantee::regrole::text) END);
    revoked := revoked + 1;
  END LOOP;
  FOR g IN
    SELECT DISTINCT c.relname, a.grantee FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace, aclexplode(c.relacl) a
    WHERE n.nspname = p_schema AND a.grantee NOT IN (p_owner::regrole::oid, p_access::regrole::oid)
  LOOP
    EXECUTE format('REVOKE ALL ON %I.%I FROM %s', p_schema, g.relname, CASE g.grantee WHEN 0 THEN 'PUBLIC' ELSE quote_ident(g.grantee::regrole::text) END);
    revoked := revoked + 1;
  END LOOP;
  RETURN revoked;
END
$fn$;

-- One tenant's store, created or repaired, idempotently: the owner and access roles, the schema
-- owned by the owner, USAGE and table privileges for the access role on this schema only, the
-- embeddings table with an HNSW index, and CONNECT on the database. Run by the migrator, which
-- administers the roles it creates and joins each owner role to create and alter its objects.
CREATE FUNCTION retrieval.onboard_tenant(p_tenant text, p_schema name, p_owner name, p_access name, p_dimensions integer) RETURNS text
LANGUAGE plpgsql SET search_path = pg_catalog AS $fn$
DECLARE
  known retrieval.tenants;
  table_name text := format('%I.embeddings', p_schema);
  current_dimensions integer;
BEGIN
  IF p_dimensions NOT BETWEEN 1 AND 2000 THEN
    RAISE EXCEPTION 'tenant %: % dimensions; an HNSW index takes 1 to 2000', p_tenant, p_dimensions;
  END IF;
  SELECT * INTO known FROM retrieval.tenants WHERE tenant = p_tenant;
  IF FOUND AND (known.schema_name, known.owner_role, known.access_role) IS DISTINCT FROM (p_schema, p_owner, p_access) THEN
    RAISE EXCEPTION 'tenant % is registered with schema %, roles % and %, not %, % and %',
      p_tenant, known.schema_name, known.owner_role, known.access_role, p_schema, p_owner, p_access;
  END IF;

  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = p_owner) THEN
    EXECUTE format('CREATE ROLE %I NOLOGIN', p_owner);
  END IF;
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = p_access) THEN
    EXECUTE format('CREATE ROLE %I NOLOGIN', p_access);
  END IF;
  -- PostgreSQL 16: creating objects for a role, and setting its default privileges, takes a
  -- membership that may SET ROLE to it and inherits its privileges.
  EXECUTE format('GRANT %I TO %I WITH INHERIT TRUE, SET TRUE', p_owner, current_user);

  IF to_regnamespace(quote_ident(p_schema)) IS NULL THEN
    EXECUTE format('CREATE SCHEMA %I AUTHORIZATION %I', p_schema, p_owner);
  END IF;
  EXECUTE format('ALTER SCHEMA %I OWNER TO %I', p_schema, p_owner);
  EXECUTE format('REVOKE ALL ON SCHEMA %I FROM PUBLIC', p_schema);
  -- USAGE only: the tenant uses the tables the platform defines and creates none.
  EXECUTE format('GRANT USAGE ON SCHEMA %I TO %I', p_schema, p_access);
  -- Tables and sequences a later migration adds to the schema as its owner are the tenant's too;
  -- functions are nobody's by default (PostgreSQL grants EXECUTE to PUBLIC otherwise).
  EXECUTE format('ALTER DEFAULT PRIVILEGES FOR ROLE %I IN SCHEMA %I GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO %I', p_owner, p_schema, p_access);
  EXECUTE format('ALTER DEFAULT PRIVILEGES FOR ROLE %I IN SCHEMA %I GRANT USAGE, SELECT ON SEQUENCES TO %I', p_owner, p_schema, p_access);
  EXECUTE format('ALTER DEFAULT PRIVILEGES FOR ROLE %I REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC', p_owner);

  IF to_regclass(table_name) IS NULL THEN
    EXECUTE format($ddl$
      CREATE TABLE %s (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        document_id text NOT NULL CHECK (length(document_id) BETWEEN 1 AND 1024),
        -- The chunk's position in its document and its text: a re-ingested document replaces its rows.
        chunk integer NOT NULL CHECK (chunk >= 0),
        content text NOT NULL,
        embedding public.vector(%s) NOT NULL,
        metadata jsonb NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(metadata) = 'object'),
        created_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (document_id, chunk)
      )$ddl$, table_name, p_dimensions);
  ELSE
    -- pgvector keeps a column's dimensions as its type modifier.
    SELECT a.atttypmod INTO current_dimensions FROM pg_attribute a WHERE a.attrelid = table_name::regclass AND a.attname = 'embedding';
    IF current_dimensions IS DISTINCT FROM p_dimensions THEN
      RAISE EXCEPTION 'tenant %: % has vector(%) embeddings, the environment now configures %', p_tenant, table_name, current_dimensions, p_dimensions
        USING HINT = 'embeddings of another model must be recomputed: add a migration that moves the tenant to a new table, or keep data.retrieval.embeddingDimensions';
    END IF;
  END IF;
  EXECUTE format('ALTER TABLE %s OWNER TO %I', table_name, p_owner);
  -- Cosine distance (`<=>`), the measure of normalised text embeddings.
  EXECUTE format('CREATE INDEX IF NOT EXISTS embeddings_embedding_hnsw ON %s USING hnsw (embedding public.vector_cosine_ops)', table_name);
  EXECUTE format('CREATE INDEX IF NOT EXISTS embeddings_metadata ON %s USING gin (metadata jsonb_path_ops)', table_name);
  EXECUTE format('REVOKE ALL ON %s FROM PUBLIC', table_name);
  EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %s TO %I', table_name, p_access);
  PERFORM retrieval.revoke_foreign_grants(p_schema, p_owner, p_access);
  EXECUTE format('GRANT CONNECT ON DATABASE %I TO %I', current_database(), p_access);

  INSERT INTO retrieval.tenants (tenant, schema_name, owner_role, access_role, dimensions)
    VALUES (p_tenant, p_schema, p_owner, p_access, p_dimensions)
    ON CONFLICT (tenant) DO UPDATE SET retired_at = NULL, dimensions = EXCLUDED.dimensions;
  RETURN format('%s: %s', p_tenant, CASE WHEN known.tenant IS NULL THEN 'onboarded' WHEN known.retired_at IS NOT NULL THEN 'onboarded again' ELSE 'in place' END);
END
$fn$;

-- The tenant's Entra login role joins its access role, and no other tenant's.
CREATE FUNCTION retrieval.grant_login(p_tenant text, p_login name) RETURNS text
LANGUAGE plpgsql SET search_path = pg_catalog AS $fn$
DECLARE
  t retrieval.tenants;
  other record;
BEGIN
  SELECT * INTO t FROM retrieval.tenants WHERE tenant = p_tenant AND retired_at IS NULL;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'tenant % has no active store', p_tenant;
  END IF;
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = p_login) THEN
    RAISE EXCEPTION 'role % does not exist', p_login USING HINT = 'the Entra principal is created in the postgres database first (principals.sql)';
  END IF;
  FOR other IN SELECT access_role FROM retrieval.tenants WHERE tenant <> p_tenant LOOP
    IF pg_has_role(p_login, other.access_role, 'MEMBER') THEN
      EXECUTE format('REVOKE %I FROM %I', other.access_role, p_login);
    END IF;
  END LOOP;
  EXECUTE format('GRANT %I TO %I', t.access_role, p_login);
  UPDATE retrieval.tenants SET login_role = p_login WHERE tenant = p_tenant;
  RETURN format('%s: %s may use %s', p_tenant, p_login, t.schema_name);
END
$fn$;

-- Every registered tenant not in the list loses its access: no member in its access role, no
-- CONNECT, no USAGE. Its schema and rows stay (owned by the NOLOGIN owner) until purge_tenant.
-- Already retired tenants are revoked again, so access granted by hand since does not last.
CREATE FUNCTION retrieval.retire_absent(p_active text[]) RETURNS SETOF text
LANGUAGE plpgsql SET search_path = pg_catalog AS $fn$
DECLARE
  t retrieval.tenants;
  m record;
BEGIN
  FOR t IN SELECT * FROM retrieval.tenants WHERE tenant <> ALL (p_active) ORDER BY tenant LOOP
    FOR m IN
      SELECT r.rolname FROM pg_auth_members am JOIN pg_roles r ON r.oid = am.member
      WHERE am.roleid = t.access_role::regrole::oid AND r.rolname <> current_user
    LOOP
      EXECUTE format('REVOKE %I FROM %I', t.access_role, m.rolname);
    END LOOP;
    EXECUTE format('REVOKE CONNECT ON DATABASE %I FROM %I', current_database(), t.access_role);
    EXECUTE format('REVOKE ALL ON SCHEMA %I FROM %I', t.schema_name, t.access_role);
    PERFORM retrieval.revoke_foreign_grants(t.schema_name, t.owner_role, t.access_role);
    IF t.retired_at IS NULL THEN
      UPDATE retrieval.tenants SET retired_at = now() WHERE tenant = t.tenant;
      RETURN NEXT format('%s: retired (data kept in %s)', t.tenant, t.schema_name);
    END IF;
  END LOOP;
END
$fn$;

-- A retired tenant's data and roles, deleted for good (docs/retrieval.md, "Retirement").
CREATE FUNCTION retrieval.purge_tenant(p_tenant text) RETURNS text
LANGUAGE plpgsql SET search_path = pg_catalog AS $fn$
DECLARE
  t retrieval.tenants;
BEGIN
  SELECT * INTO t FROM retrieval.tenants WHERE tenant = p_tenant;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'tenant % has no store', p_tenant;
  ELSIF t.retired_at IS NULL THEN
    RAISE EXCEPTION 'tenant % is active; retire it first (remove retrieval: true or retire the tenant)', p_tenant;
  END IF;
  EXECUTE format('DROP SCHEMA %I CASCADE', t.schema_name);
  -- The owner's default privileges are the last things that name both roles.
  EXECUTE format('DROP OWNED BY %I', t.owner_role);
  EXECUTE format('DROP ROLE %I', t.access_role);
  EXECUTE format('DROP ROLE %I', t.owner_role);
  DELETE FROM retrieval.tenants WHERE tenant = p_tenant;
  RETURN format('%s: purged', p_tenant);
END
$fn$;

REVOKE ALL ON FUNCTION retrieval.revoke_foreign_grants(name, name, name), retrieval.onboard_tenant(text, name, name, name, integer),
  retrieval.grant_login(text, name), retrieval.retire_absent(text[]), retrieval.purge_tenant(text) FROM PUBLIC;
