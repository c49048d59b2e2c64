// Starts the real baas-server on a free loopback port, on a fresh SQLite file, serving the demo.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEMO_DIR, SERVER_BIN } from './package.js';

/** A TCP port nothing listens on right now. */
export async function freePort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * Runs baas-server with the default project (publishable key `sb_publishable_demo`, RP ID
 * `localhost`) allowed at its own `http://localhost:PORT` origin, serving `staticDir`.
 * `env` adds or overrides environment variables. Resolves once `/v1/health` answers 200.
 */
export async function startServer({ env = {}, staticDir = DEMO_DIR, dataDir } = {}) {
  const port = await freePort();
  const dir = dataDir ?? (await mkdtemp(join(tmpdir(), 'baas-e2e-')));
  const url = `http://localhost:${port}`;
  const child = spawn(SERVER_BIN, ['--static', staticDir], {
    env: {
      ...process.env,
      BAAS_LISTEN: `127.0.0.1:${port}`,
      DATABASE_URL: `sqlite://${dir}/baas.sqlite?mode=rwc`,
      BAAS_ORIGINS: url,
      BAAS_RP_ID: 'localhost',
      BAAS_RATE_LIMIT: '0',
      RUST_LOG: 'warn',
      ...env,
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/v1/health`)).ok) break;
    } catch {
      // not listening yet
    }
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`baas-server did not become healthy (exit code ${child.exitCode})`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    url,
    port,
    dataDir: dir,
    /** Stops the server; the data directory is removed unless `keepData`. */
    async stop({ keepData = false } = {}) {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
      if (!keepData && !dataDir) await rm(dir, { recursive: true, force: true });
    },
  };
}
