// scripts/bench's runner: measures @baas/sdk and baas-server side by side with the JavaScript
// reference stack (bench/reference/) on this machine, prints one table (figure, ours, reference,
// ratio, budget, pass/fail) and writes it to bench/results.md (raw figures: bench/out/results.json).
//
// Inputs (set by scripts/bench): BENCH_PKG (the release package, built by scripts/build-pkg),
// BENCH_WASM_RAW (the cargo output .wasm of that build, for the twiggy profile),
// BAAS_SERVER_BIN (release baas-server), BAAS_BENCH_BIN (bench/loadgen's release binary).
// BENCH_QUICK=1 shortens every run (for working on the bench itself; figures are noisier).
import { execFileSync, spawn } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { addVirtualAuthenticator, launchBrowser } from '../tests/e2e/support/browser.js';
import { freePort } from '../tests/e2e/support/server.js';
import { serveStatic } from '../tests/e2e/support/static-server.js';

const ROOT = resolve(new URL('..', import.meta.url).pathname);
const OUT = `${ROOT}/bench/out`;
const PKG = process.env.BENCH_PKG ?? `${OUT}/pkg`;
const WASM_RAW = process.env.BENCH_WASM_RAW;
const SERVER_BIN = process.env.BAAS_SERVER_BIN ?? `${ROOT}/target/release/baas-server`;
const BENCH_BIN = process.env.BAAS_BENCH_BIN;
const BIN = `${ROOT}/node_modules/.bin`;
const QUICK = process.env.BENCH_QUICK === '1';
const RUNS = {
  signIns: QUICK ? 20 : 100, // full sign-ins per SDK, in one page (also the wasm memory figure)
  startups: QUICK ? 7 : 21, // page loads per SDK with the HTTP cache off
  loadSeconds: QUICK ? 3 : 8, // measured seconds of each server load run (after 1 s of warm-up)
  users: 16, // concurrent users of each load run
  ceilingSeconds: QUICK ? 1 : 2,
};

const log = (...args) => console.error('[bench]', ...args);
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const gzipSize = (file) => execFileSync('gzip', ['-9', '-n', '-c', file], { maxBuffer: 1 << 26 }).length;

/** Cores kept busy by all processes over the next `ms` milliseconds (/proc/stat). */
async function busyCores(ms = 1000) {
  const busy = () => {
    const f = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    return f.reduce((a, b) => a + b, 0) - f[3] - f[4]; // all but idle and iowait, in 1/100 s
  };
  const a = busy();
  await sleep(ms);
  return (busy() - a) / 100 / (ms / 1000);
}

/** Waits up to 30 s for the machine to be quiet (other work under half a core); returns the
 * cores other processes kept busy when the section starts. */
const busyAtStart = {};
async function waitQuiet(section) {
  let cores = await busyCores();
  for (let i = 0; i < 29 && cores > 0.5; i++) cores = await busyCores();
  busyAtStart[section] = cores;
  if (cores > 0.5) log(`the machine is busy (${cores.toFixed(2)} cores used by other processes): ${section} figures will be noisy`);
}

// --- Download size --------------------------------------------------------------------------

async function bundle(entry, outfile, alias = {}) {
  await build({
    entryPoints: [entry],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    alias,
    outfile,
    logLevel: 'error',
  });
}

/** The package's whole entry and the reference SDK, each minified by esbuild, gzip -9. */
async function downloadSize() {
  const dir = `${OUT}/size`;
  await mkdir(dir, { recursive: true });
  await bundle(`${PKG}/index.js`, `${dir}/baas_sdk.min.js`);
  await copyFile(`${PKG}/baas_sdk_bg.wasm`, `${dir}/baas_sdk_bg.wasm`);
  await bundle(`${ROOT}/bench/reference/sdk.js`, `${dir}/reference.min.js`);
  const file = async (name) => ({ bytes: (await stat(`${dir}/${name}`)).size, gzip: gzipSize(`${dir}/${name}`) });
  const wasm = await file('baas_sdk_bg.wasm');
  const glue = await file('baas_sdk.min.js');
  const reference = await file('reference.min.js');
  return { wasm, glue, ours: wasm.gzip + glue.gzip, reference: reference.gzip, referenceBytes: reference.bytes };
}

/**
 * twiggy's top contributors of a build with names: the cargo output of the same release build
 * through wasm-bindgen (which keeps the name section) and wasm-opt -Oz -g (which keeps names),
 * since the package's .wasm is stripped. Also rolled up per crate.
 */
function wasmProfile() {
  if (!WASM_RAW) return null;
  const dir = `${OUT}/named`;
  execFileSync('wasm-bindgen', ['--target', 'web', '--out-dir', dir, '--out-name', 'baas_sdk', WASM_RAW]);
  execFileSync(`${BIN}/wasm-opt`, ['-Oz', '-g', '--strip-dwarf', `${dir}/baas_sdk_bg.wasm`, '-o', `${dir}/named.wasm`]);
  execFileSync(`${BIN}/wasm-opt`, ['-Oz', '--strip-debug', '--strip-producers', `${dir}/named.wasm`, '-o', `${dir}/stripped.wasm`]);
  const items = JSON.parse(execFileSync('twiggy', ['top', '--format', 'json', '-n', '100000', `${dir}/named.wasm`], { maxBuffer: 1 << 28 }));
  // The name section is in this build only (the package's .wasm is stripped).
  const code = items.filter((i) => !/^"(function|data|local|global|type) names" subsection|^"name"|custom section/.test(i.name));
  const total = code.reduce((s, i) => s + i.shallow_size, 0);
  const crates = new Map();
  for (const item of code) {
    const c = crateOf(item.name);
    crates.set(c, (crates.get(c) ?? 0) + item.shallow_size);
  }
  return {
    namedBytes: readFileSync(`${dir}/named.wasm`).length,
    strippedBytes: readFileSync(`${dir}/stripped.wasm`).length,
    strippedGzip: gzipSize(`${dir}/stripped.wasm`),
    total,
    top: code.slice(0, 15).map((i) => ({ name: i.name, bytes: i.shallow_size, percent: (100 * i.shallow_size) / total })),
    crates: [...crates].sort((a, b) => b[1] - a[1]).slice(0, 15).map(([name, bytes]) => ({ name, bytes })),
  };
}

function crateOf(name) {
  if (/^data segment/.test(name)) return 'data segments (strings, tables)';
  if (/externref shim|^import |^export |__externref|__wbindgen|__wbg/.test(name)) return 'wasm-bindgen exports, imports and shims';
  const m = name.match(/([A-Za-z_][A-Za-z0-9_]*)(?:\[[0-9a-f]+\])?::/);
  if (m) return m[1];
  return 'other (unnamed code, tables)';
}

// --- Browser: cached session, start-up, full sign-in, wasm memory ---------------------------

/** bench/out/site: the page, each SDK's app bundled and minified by esbuild (ours with its .wasm). */
async function buildSite() {
  const site = `${OUT}/site`;
  await rm(site, { recursive: true, force: true });
  await mkdir(`${site}/ours`, { recursive: true });
  await mkdir(`${site}/ref`, { recursive: true });
  await copyFile(`${ROOT}/bench/pages/index.html`, `${site}/index.html`);
  await bundle(`${ROOT}/bench/pages/ours-app.js`, `${site}/ours/app.js`, { '@baas/sdk': `${PKG}/index.js` });
  await copyFile(`${PKG}/baas_sdk_bg.wasm`, `${site}/ours/baas_sdk_bg.wasm`);
  await bundle(`${ROOT}/bench/pages/ref-app.js`, `${site}/ref/app.js`);
  return site;
}

async function waitHealthy(url, child, what) {
  const deadline = Date.now() + 20_000;
  for (;;) {
    try {
      if ((await fetch(`${url}/v1/health`)).ok) return;
    } catch {
      // not yet
    }
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`${what} did not become healthy`);
    await sleep(25);
  }
}

/** baas-server (release) on a SQLite file in `dataDir`, optionally serving `staticDir`. */
async function startOurs({ dataDir, staticDir } = {}) {
  const port = await freePort();
  const dir = dataDir ?? (await mkdtemp(join(OUT, 'db-')));
  const url = `http://localhost:${port}`;
  const args = staticDir ? ['--static', staticDir] : [];
  const child = spawn(SERVER_BIN, args, {
    env: {
      ...process.env,
      BAAS_LISTEN: `127.0.0.1:${port}`,
      DATABASE_URL: `sqlite://${dir}/baas.sqlite?mode=rwc`,
      BAAS_ORIGINS: url,
      BAAS_RP_ID: 'localhost',
      BAAS_RATE_LIMIT: '0', // every rate limit off: the load generator is one IP
      RUST_LOG: 'warn',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  children.add(child);
  await waitHealthy(url, child, 'baas-server');
  return { url, port, pid: child.pid, dir, stop: () => stopChild(child) };
}

/** The Node reference server (in memory), optionally serving `staticDir`. */
async function startReference({ staticDir, seedAccounts = 0 } = {}) {
  const port = await freePort();
  const url = `http://localhost:${port}`;
  const child = spawn(process.execPath, [`${ROOT}/bench/reference/server.mjs`], {
    env: { ...process.env, PORT: String(port), ORIGIN: url, STATIC_DIR: staticDir ?? '', SEED_ACCOUNTS: String(seedAccounts) },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  children.add(child);
  await waitHealthy(url, child, 'the Node reference server');
  return { url, port, pid: child.pid, stop: () => stopChild(child) };
}

/** Servers still running: stopped if the run fails half-way, so none outlives it. */
const children = new Set();
process.on('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});

async function stopChild(child) {
  children.delete(child);
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}

/** Counts the ceremonies a page starts (navigator.credentials.get/create). */
const countCeremonies = () => {
  window.__ceremonies = 0;
  const { credentials } = navigator;
  for (const name of ['get', 'create']) {
    const original = credentials[name].bind(credentials);
    credentials[name] = (...args) => {
      window.__ceremonies++;
      return original(...args);
    };
  }
};

/** Everything one SDK does in the browser. */
async function browserRuns(browser, sdk, server, staticSite) {
  // 1. Sign up, then N full sign-ins (empty session → signInWithPasskey() → session), in one page.
  const context = await browser.newContext();
  await context.addInitScript(countCeremonies);
  const page = await context.newPage();
  let requests = 0;
  page.on('request', (r) => {
    if (new URL(r.url()).pathname.startsWith('/v1/')) requests++;
  });
  await page.goto(`${server.url}/index.html?sdk=${sdk}`);
  await page.waitForFunction(() => window.startup);
  const authenticator = await addVirtualAuthenticator(page);
  const signUp = await page.evaluate(async () => (await window.app.baas.auth.signUpWithPasskey()).address);
  const memoryBefore = await page.evaluate(() => window.app.memory?.buffer.byteLength ?? null);
  const signIns = await page.evaluate(async (n) => {
    const { auth } = window.app.baas;
    const times = [];
    for (let i = 0; i < n; i++) {
      await auth.signOut();
      // A user clicks some time after the page is idle: background work (challenge prefetch,
      // sign-out request) settles first, for both SDKs alike.
      await new Promise((r) => setTimeout(r, 60));
      const t0 = performance.now();
      const session = await auth.signInWithPasskey();
      times.push(performance.now() - t0);
      if (!session?.address) throw new Error('no session');
    }
    return times;
  }, RUNS.signIns);
  const cdp = authenticator.cdp;
  await cdp.send('HeapProfiler.collectGarbage');
  const memoryAfter = await page.evaluate(() => window.app.memory?.buffer.byteLength ?? null);
  const { usedSize: jsHeap } = await cdp.send('Runtime.getHeapUsage');

  // 2. Cached session: getSession() and a short-circuited signInWithPasskey(), no request, no
  //    ceremony.
  const requestsBefore = requests;
  const cached = await page.evaluate(async () => {
    const { auth } = window.app.baas;
    // The timer's resolution, as seen by the page (coarsened without cross-origin isolation).
    let resolution = Infinity;
    for (let i = 0; i < 50; i++) {
      const a = performance.now();
      let b = performance.now();
      while (b === a) b = performance.now();
      resolution = Math.min(resolution, b - a);
    }
    const ceremonies = window.__ceremonies;
    let sink = 0;
    const batch = 100_000;
    const perCall = [];
    for (let b = 0; b < 30; b++) {
      const t0 = performance.now();
      for (let i = 0; i < batch; i++) if (auth.getSession()) sink++;
      perCall.push(((performance.now() - t0) / batch) * 1000);
    }
    const means = [];
    for (let r = 0; r < 11; r++) {
      const t0 = performance.now();
      for (let i = 0; i < 1000; i++) await auth.signInWithPasskey();
      means.push(performance.now() - t0);
    }
    const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    return {
      resolutionUs: resolution * 1000,
      getSessionUs: median(perCall),
      signInUs: median(means),
      sameObject: auth.getSession() === auth.getSession() && sink === 30 * batch,
      ceremonies: window.__ceremonies - ceremonies,
      address: auth.getSession()?.address,
    };
  });
  cached.requests = requests - requestsBefore;
  const stored = await page.evaluate(() => Object.fromEntries(Object.entries(localStorage)));
  await context.close();

  // 3. Start-up with the HTTP cache off, from one static server for both SDKs, with the stored
  //    session copied into its origin.
  const startContext = await browser.newContext();
  await startContext.addInitScript((entries) => {
    if (!sessionStorage.getItem('seeded')) {
      for (const [k, v] of Object.entries(entries)) localStorage.setItem(k, v);
      sessionStorage.setItem('seeded', '1');
    }
  }, stored);
  const startPage = await startContext.newPage();
  const startCdp = await startContext.newCDPSession(startPage);
  await startCdp.send('Network.enable');
  await startCdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  const startups = [];
  for (let i = 0; i < RUNS.startups; i++) {
    await startPage.goto(`${staticSite.url}/index.html?sdk=${sdk}&api=${encodeURIComponent(server.url)}`);
    await startPage.waitForFunction(() => window.startup);
    const s = await startPage.evaluate(() => window.startup);
    if (s.address !== cached.address) throw new Error(`${sdk}: the stored session was not restored (${s.address})`);
    // Fetch time: the union of the resources' [startTime, responseEnd] inside the interval.
    const spans = s.resources.map((r) => [Math.max(r.start, s.t0), Math.min(r.end, s.t1)]).filter(([a, b]) => b > a);
    spans.sort((a, b) => a[0] - b[0]);
    let fetch = 0;
    let until = -Infinity;
    for (const [a, b] of spans) {
      if (b <= until) continue;
      fetch += b - Math.max(a, until);
      until = b;
    }
    const [imported, instantiated, created] = s.marks;
    startups.push({ total: s.t1 - s.t0, fetch, files: s.resources.length, imported: imported - s.t0, init: instantiated - imported, client: created - instantiated, getSession: s.t1 - created });
  }
  await startContext.close();
  return {
    signUp,
    signInMs: median(signIns),
    signInRuns: signIns.length,
    memoryBefore,
    memoryAfter,
    jsHeap,
    cached,
    startup: {
      total: median(startups.map((s) => s.total)),
      withoutFetch: median(startups.map((s) => s.total - s.fetch)),
      fetch: median(startups.map((s) => s.fetch)),
      imported: median(startups.map((s) => s.imported)),
      init: median(startups.map((s) => s.init)),
      client: median(startups.map((s) => s.client)),
      getSession: median(startups.map((s) => s.getSession)),
      runs: startups.length,
    },
  };
}

async function browserBench() {
  const site = await buildSite();
  const staticSite = await serveStatic({ '/': site });
  const ours = await startOurs({ staticDir: site });
  const reference = await startReference({ staticDir: site });
  await waitQuiet('browser');
  const browser = await launchBrowser();
  try {
    log('browser: @baas/sdk against baas-server');
    const o = await browserRuns(browser, 'ours', ours, staticSite);
    log('browser: reference SDK against the Node reference server');
    const r = await browserRuns(browser, 'ref', reference, staticSite);
    return { ours: o, reference: r };
  } finally {
    await browser.close();
    await ours.stop();
    await reference.stop();
    await staticSite.close();
    await rm(ours.dir, { recursive: true, force: true });
  }
}

// --- Server ----------------------------------------------------------------------------------

function benchBin(args) {
  return JSON.parse(execFileSync(BENCH_BIN, args, { encoding: 'utf8', maxBuffer: 1 << 24 }).trim().split('\n').pop());
}

function load(server, { seconds = RUNS.loadSeconds, warmup = 1, users = RUNS.users } = {}) {
  const result = benchBin([
    'load', '--addr', `127.0.0.1:${server.port}`, '--origin', server.url,
    '--users', String(users), '--warmup', String(warmup), '--seconds', String(seconds), '--server-pid', String(server.pid),
  ]);
  if (result.error || result.errors) throw new Error(`load: ${result.error ?? result.firstError}`);
  return result;
}

/** Share of the server's CPU samples per kind of work, by symbol name. */
const PROFILE_KINDS = [
  ['P-256 arithmetic (verify, token signing)', /p256::|primeorder|crypto_bigint|elliptic_curve|subtle::|ecdsa::|nistz256|ring_core_|ring::/],
  ['kernel (syscalls, scheduling, I/O)', /^\[k\]/],
  ['SQLite and sqlx', /sqlite3|wal[A-Z]|sqlx|pager|btree|Vdbe|flume|pcache/],
  ['allocator and memcpy', /malloc|free|memmove|memcpy|memset|memcmp|_int_|unlink_chunk/],
  ['axum, hyper, tokio, tower, tracing', /axum|hyper|tokio|tower|http::|tracing/],
  ['JSON, base64, SHA-256', /serde|base64|sha2|Sha256|compress/],
  ['locks and threads (libc)', /pthread|futex|syscall|park/],
];

/**
 * A CPU profile of baas-server during the tmpfs load (perf, when installed): 5 s at 499 Hz
 * after the sign-ups and the warm-up, summed per kind of work.
 */
function startPerf(pid) {
  try {
    execFileSync('perf', ['--version'], { stdio: 'ignore' });
  } catch {
    return Promise.resolve(null);
  }
  const data = `${OUT}/perf.data`;
  const child = spawn('sh', ['-c', `sleep 2.5; exec perf record -q -F 499 -p ${pid} -o ${data} -- sleep 5`], { stdio: 'ignore' });
  return new Promise((done) => child.once('exit', done)).then(() => {
    try {
      const report = execFileSync('perf', ['report', '-i', data, '--no-children', '--sort', 'symbol', '--stdio'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 1 << 26 });
      const kinds = new Map(PROFILE_KINDS.map(([k]) => [k, 0]));
      let other = 0;
      for (const line of report.split('\n')) {
        const m = line.match(/^\s*([\d.]+)%\s+(\[.\])\s+(.*?)\s*$/);
        if (!m) continue;
        const name = `${m[2]} ${m[3]}`;
        const kind = PROFILE_KINDS.find(([, re]) => re.test(name));
        if (kind) kinds.set(kind[0], kinds.get(kind[0]) + Number(m[1]));
        else other += Number(m[1]);
      }
      return [...kinds, ['other', other]].sort((a, b) => b[1] - a[1]).map(([kind, percent]) => ({ kind, percent }));
    } catch {
      return null;
    }
  });
}

function rssKiB(pid) {
  return Number(readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmRSS:\s+(\d+)/)[1]);
}

/** `openssl speed ecdsap256` verify/s on one core. */
function opensslSpeed() {
  const args = ['speed', '-seconds', String(RUNS.ceilingSeconds), 'ecdsap256'];
  const out = execFileSync('openssl', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  const line = out.split('\n').filter((l) => /nistp256\)/.test(l)).pop();
  const numbers = line.trim().split(/\s+/).map(Number).filter((n) => !Number.isNaN(n));
  return numbers[numbers.length - 1];
}

async function serverBench() {
  await waitQuiet('server');
  log('server: verify ceilings (RustCrypto p256, ring, OpenSSL), core verify step, token signing');
  // Rates per CPU second of the measuring threads (bench/loadgen), so that other processes on
  // this shared machine do not lower them; both cores = 2 × one core (2 cores, no SMT).
  const two = benchBin(['ceiling', '--threads', '2', '--seconds', String(RUNS.ceilingSeconds)]);
  const one = Object.fromEntries(Object.entries(two).map(([k, v]) => [k, k === 'threads' ? 1 : v / 2]));
  const single = opensslSpeed(); // openssl speed divides by CPU time (no -elapsed)
  const openssl = { one: single, two: 2 * single };

  log('server: sign-in load on baas-server (SQLite on disk)');
  const disk = await startOurs();
  const oursDisk = load(disk);
  await disk.stop();
  await rm(disk.dir, { recursive: true, force: true });

  log('server: sign-in load on baas-server (SQLite on tmpfs: commits without fsync)');
  const shm = await startOurs({ dataDir: await mkdtemp('/dev/shm/baas-bench-') });
  const perf = startPerf(shm.pid);
  const oursTmpfs = load(shm);
  const profile = await perf;
  await shm.stop();
  await rm(shm.dir, { recursive: true, force: true });

  log('server: sign-in load on the Node reference server');
  const node = await startReference();
  const reference = load(node);
  await node.stop();

  const memory = {};
  for (const accounts of [1000, 100_000]) {
    log(`server: memory with ${accounts} stored accounts`);
    const dir = await mkdtemp(join(OUT, 'db-'));
    const migrate = await startOurs({ dataDir: dir });
    await migrate.stop();
    const seeded = benchBin(['seed', '--db', `${dir}/baas.sqlite`, '--accounts', String(accounts)]);
    const server = await startOurs({ dataDir: dir });
    load(server, { seconds: 2, warmup: 0, users: 8 });
    const ours = rssKiB(server.pid);
    await server.stop();
    await rm(dir, { recursive: true, force: true });
    const ref = await startReference({ seedAccounts: accounts });
    load(ref, { seconds: 2, warmup: 0, users: 8 });
    const refRss = rssKiB(ref.pid);
    await ref.stop();
    memory[accounts] = { ours, reference: refRss, seedSeconds: seeded.seconds };
  }
  return { one, two, openssl, oursDisk, oursTmpfs, reference, memory, profile };
}

// --- Report ----------------------------------------------------------------------------------

const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;
const us = (x) => `${x < 10 ? x.toFixed(2) : x.toFixed(1)} µs`;
const ms = (x) => `${x.toFixed(1)} ms`;
const mib = (kib) => `${(kib / 1024).toFixed(1)} MiB`;
const rate = (x) => `${Math.round(x).toLocaleString('en-US')}/s`;
const ratio = (a, b) => (a != null && b ? `${(a / b).toFixed(2)}×` : '');
const verdict = (ok) => (ok === null ? '' : ok ? 'pass' : 'FAIL');

function table(size, profile, web, server) {
  const rows = [];
  const row = (figure, ours, reference, r, budget, ok) => rows.push({ figure, ours, reference, ratio: r, budget, result: verdict(ok) });
  row('Download: wasm + JS glue, minified, gzip -9', kb(size.ours), kb(size.reference), ratio(size.ours, size.reference), '≤ reference', size.ours <= size.reference);
  row('  of which .wasm / JS glue (gzip -9)', `${kb(size.wasm.gzip)} / ${kb(size.glue.gzip)}`, '', '', '', null);
  const o = web.ours;
  const r = web.reference;
  row('getSession(), median per call', us(o.cached.getSessionUs), us(r.cached.getSessionUs), ratio(o.cached.getSessionUs, r.cached.getSessionUs), '≤ 1 µs', o.cached.getSessionUs <= 1);
  const cachedOk = o.cached.requests === 0 && o.cached.ceremonies === 0;
  row('signInWithPasskey() with a valid session, mean of 1,000 awaited', us(o.cached.signInUs), us(r.cached.signInUs), ratio(o.cached.signInUs, r.cached.signInUs), '≤ 10 µs, no request, no ceremony', o.cached.signInUs <= 10 && cachedOk);
  row('Start-up to first getSession(), HTTP cache off', ms(o.startup.total), ms(r.startup.total), ratio(o.startup.total, r.startup.total), '≤ reference', o.startup.total <= r.startup.total);
  row('  the same without fetch time', ms(o.startup.withoutFetch), ms(r.startup.withoutFetch), ratio(o.startup.withoutFetch, r.startup.withoutFetch), '< 10 ms', o.startup.withoutFetch < 10);
  row(`Full passkey sign-in, median of ${o.signInRuns}`, ms(o.signInMs), ms(r.signInMs), ratio(o.signInMs, r.signInMs), '≤ reference', o.signInMs <= r.signInMs);
  const d = server.oursDisk;
  const t = server.oursTmpfs;
  const n = server.reference;
  row(`Server sign-ins/s, ${RUNS.users} users (ours: SQLite on disk)`, rate(d.perSecond), rate(n.perSecond), ratio(d.perSecond, n.perSecond), '≥ 5× reference', d.perSecond >= 5 * n.perSecond);
  row('  p99 of a sign-in (options + ceremony + login)', ms(d.p99Ms), ms(n.p99Ms), ratio(d.p99Ms, n.p99Ms), '', null);
  row('  p99 of the login request', ms(d.loginP99Ms), ms(n.loginP99Ms), ratio(d.loginP99Ms, n.loginP99Ms), '', null);
  row('  server CPU per sign-in', us(d.serverCpuUsPerSignIn), us(n.serverCpuUsPerSignIn), ratio(d.serverCpuUsPerSignIn, n.serverCpuUsPerSignIn), '', null);
  row('Server sign-ins/s, SQLite on tmpfs (no fsync)', rate(t.perSecond), rate(n.perSecond), ratio(t.perSecond, n.perSecond), '(info)', null);
  row('  p99 of a sign-in / server CPU per sign-in', `${ms(t.p99Ms)} / ${us(t.serverCpuUsPerSignIn)}`, '', '', '', null);
  const ceilP256 = server.two.p256VerifyPerSecond;
  const ceilRing = server.two.ringVerifyPerSecond;
  const ceilSsl = server.openssl.two;
  row('Ceiling: ES256 verify, both cores, RustCrypto p256', rate(ceilP256), '', '', `(per core ${rate(server.one.p256VerifyPerSecond)})`, null);
  row('Ceiling: ES256 verify, both cores, ring', rate(ceilRing), '', '', `(per core ${rate(server.one.ringVerifyPerSecond)})`, null);
  row('Ceiling: ES256 verify, both cores, OpenSSL speed', rate(ceilSsl), '', '', `(per core ${rate(server.openssl.one)})`, null);
  row('Core verify step alone (§7.2, no HTTP/DB/token), both cores', rate(server.two.coreVerifyStepPerSecond), '', '', `${ratio(server.two.coreVerifyStepPerSecond, ceilP256)} of p256, ${ratio(server.two.coreVerifyStepPerSecond, ceilSsl)} of OpenSSL`, null);
  row('  the same step as baas-server runs it (ring), both cores', rate(server.two.serverVerifyStepPerSecond), '', '', `${ratio(server.two.serverVerifyStepPerSecond, ceilRing)} of ring, ${ratio(server.two.serverVerifyStepPerSecond, ceilSsl)} of OpenSSL`, null);
  row('Access-token signing (ES256, jsonwebtoken with ring), both cores', rate(server.two.jwtSignPerSecond), '', '', `(per core ${rate(server.one.jwtSignPerSecond)})`, null);
  row('  raw ES256 signing, one core: p256 / ring', `${rate(server.one.p256SignPerSecond)} / ${rate(server.one.ringSignPerSecond)}`, '', '', '(info)', null);
  row('Sign-ins/s ÷ ceiling: disk / tmpfs, vs p256', `${ratio(d.perSecond, ceilP256)} / ${ratio(t.perSecond, ceilP256)}`, `${ratio(n.perSecond, ceilP256)}`, '', '(info)', null);
  row('Sign-ins/s ÷ ceiling: disk / tmpfs, vs OpenSSL', `${ratio(d.perSecond, ceilSsl)} / ${ratio(t.perSecond, ceilSsl)}`, `${ratio(n.perSecond, ceilSsl)}`, '', '(info)', null);
  for (const [accounts, m] of Object.entries(server.memory)) {
    row(`Server RSS, ${Number(accounts).toLocaleString('en-US')} stored accounts, after warm-up`, mib(m.ours), mib(m.reference), ratio(m.ours, m.reference), '(info)', null);
  }
  row(`wasm linear memory after ${o.signInRuns} sign-ins in one page`, kb(o.memoryAfter), '', '', `(${kb(o.memoryBefore)} after init)`, null);
  row(`JS heap after ${o.signInRuns} sign-ins, after GC`, kb(o.jsHeap), kb(r.jsHeap), ratio(o.jsHeap, r.jsHeap), '(info)', null);
  return rows;
}

function markdown(rows) {
  const head = '| figure | ours | reference | ratio | budget | result |\n|---|---:|---:|---:|---|---|\n';
  return head + rows.map((r) => `| ${r.figure} | ${r.ours} | ${r.reference} | ${r.ratio} | ${r.budget} | ${r.result} |`).join('\n') + '\n';
}

function printTable(rows) {
  const cols = ['figure', 'ours', 'reference', 'ratio', 'budget', 'result'];
  const width = cols.map((c) => Math.max(c.length, ...rows.map((r) => [...String(r[c])].length)));
  const line = (r) => cols.map((c, i) => String(r[c]).padEnd(width[i] + (String(r[c]).length - [...String(r[c])].length))).join('  ');
  console.log(line(Object.fromEntries(cols.map((c) => [c, c]))));
  console.log(width.map((w) => '-'.repeat(w)).join('  '));
  for (const r of rows) console.log(line(r));
}

let loadavgAtStart = '';

async function main() {
  const started = Date.now();
  loadavgAtStart = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  await mkdir(OUT, { recursive: true });
  // BENCH_ONLY=size,profile,browser,server runs those parts alone and prints their raw figures.
  if (process.env.BENCH_ONLY) {
    const parts = { size: downloadSize, profile: wasmProfile, browser: browserBench, server: serverBench };
    for (const part of process.env.BENCH_ONLY.split(',')) console.log(part, JSON.stringify(await parts[part](), null, 1));
    return;
  }
  log('download size');
  const size = await downloadSize();
  const profile = wasmProfile();
  const web = await browserBench();
  const server = await serverBench();
  const rows = table(size, profile, web, server);
  const seconds = (Date.now() - started) / 1000;
  printTable(rows);
  const notes = [];
  notes.push(`Timer resolution seen by the pages: ${web.ours.cached.resolutionUs.toFixed(1)} µs (performance.now is coarsened without cross-origin isolation); per-call figures come from batches of 100,000 calls (getSession) and rounds of 1,000 awaited calls (signInWithPasskey), median of 30 and 11.`);
  notes.push(`Cached-session phase: ${web.ours.cached.requests} API requests and ${web.ours.cached.ceremonies} ceremonies (ours), ${web.reference.cached.requests} and ${web.reference.cached.ceremonies} (reference).`);
  notes.push(`Full sign-in: each page signs out, waits 60 ms (a user clicks some time after the page is idle), then times signInWithPasskey() until the session, with Chromium's virtual authenticator; by then @baas/sdk has prefetched its challenge (one request in the timed part), the reference SDK asks for its options first (two requests).`);
  const st = (x) => `import of the bundle ${ms(x.imported)}, init() ${ms(x.init)}, createBaasClient/createClient ${ms(x.client)}, getSession() ${ms(x.getSession)}`;
  notes.push(`Start-up, where the time goes (medians): ours: ${st(web.ours.startup)}; reference: ${st(web.reference.startup)}.`);
  notes.push(`Start-up: median of ${web.ours.startup.runs} page loads each, from one static server on loopback; fetch time is the union of the resource-timing intervals (ours: fetch ${ms(web.ours.startup.fetch)}, reference ${ms(web.reference.startup.fetch)}).`);
  const sv = server;
  const perCore = (x) => 1e6 / x;
  const verifyUs = perCore(sv.one.serverVerifyStepPerSecond);
  const jwtUs = perCore(sv.one.jwtSignPerSecond);
  const tmpfsCpu = sv.oursTmpfs.serverCpuUsPerSignIn;
  notes.push(`Server CPU per sign-in on tmpfs: ${us(tmpfsCpu)}, of which the verify step on ring ≈ ${us(verifyUs)} (on RustCrypto p256, as the core runs it elsewhere, ${us(perCore(sv.one.coreVerifyStepPerSecond))}; raw ring verify ${us(perCore(sv.one.ringVerifyPerSecond))}), access-token signing ≈ ${us(jwtUs)} (jsonwebtoken with ring, which parses the PKCS#8 key on every token; raw ring signing ${us(perCore(sv.one.ringSignPerSecond))}, raw p256 ${us(perCore(sv.one.p256SignPerSecond))}), the rest ≈ ${us(tmpfsCpu - verifyUs - jwtUs)} (HTTP, JSON, the two requests' SQLite transactions). Node reference: ${us(sv.reference.serverCpuUsPerSignIn)} per sign-in on one core (${sv.reference.serverCpuCores.toFixed(2)} cores busy).`);
  notes.push(`Commits: a baas-server sign-in makes 2 SQLite write transactions (login/options stores its challenge; login takes it, moves the counter and starts the session in one), each fsync'd (synchronous = FULL): ${Math.round(2 * sv.oursDisk.perSecond)} commits/s on disk, ${sv.oursDisk.serverCpuCores.toFixed(2)} server cores busy.`);
  const noisy = [['ours, disk', sv.oursDisk], ['ours, tmpfs', sv.oursTmpfs], ['Node', sv.reference]].map(([n, r]) => `${n} ${r.otherCpuCores.toFixed(2)}`).join(', ');
  if (sv.profile) {
    notes.push(`CPU profile of baas-server during the tmpfs run (perf, 5 s at 499 Hz): ${sv.profile.map((p) => `${p.kind} ${p.percent.toFixed(1)} %`).join(', ')}.`);
  }
  notes.push(`Other processes on the machine (cores busy, noise): at the start of the browser runs ${busyAtStart.browser.toFixed(2)}, of the server runs ${busyAtStart.server.toFixed(2)}, during the load runs ${noisy}; load average at start ${loadavgAtStart}. The bench waits up to 30 s for a quiet machine before each part.`);
  notes.push('Ceilings and the core, token and signing rates are per CPU second of the measuring threads (OpenSSL: `openssl speed`, which divides by CPU time too), so other processes on the machine do not lower them; both cores = 2 × one core.');
  notes.push(`Server load: ${RUNS.users} users with keep-alive connections and software authenticators (baas-testkit), ${RUNS.loadSeconds} s measured after 1 s of warm-up; the load generator used ${us(server.oursDisk.clientCpuUsPerSignIn)} of CPU per sign-in on the same 2 cores. The Node reference keeps its state in memory (no commit).`);
  if (profile) {
    notes.push(`wasm profile (twiggy top, build with names: ${kb(profile.strippedBytes)} stripped, ${kb(profile.strippedGzip)} gzip; package .wasm ${kb(size.wasm.bytes)}):`);
  }
  const top = profile
    ? '\n| wasm item (twiggy top) | bytes | % |\n|---|---:|---:|\n' +
      profile.top.map((i) => `| \`${i.name.replace(/\|/g, '\\|').slice(0, 110)}\` | ${i.bytes} | ${i.percent.toFixed(1)} |`).join('\n') +
      '\n\n| by crate | bytes |\n|---|---:|\n' +
      profile.crates.map((c) => `| ${c.name} | ${c.bytes} |`).join('\n') +
      '\n'
    : '';
  const git = (...args) => execFileSync('git', ['-C', ROOT, ...args], { encoding: 'utf8' }).trim();
  let commit = 'unknown commit';
  try {
    commit = `commit ${git('rev-parse', '--short', 'HEAD')}${git('status', '--porcelain', '--untracked-files=no') ? ' with local changes' : ''}`;
  } catch {
    // not a git checkout
  }
  const md = `${markdown(rows)}\n${notes.map((n) => `- ${n}`).join('\n')}\n${top}\nMeasured by \`scripts/bench\` at ${commit} in ${Math.round(seconds)} s on ${new Date().toISOString().slice(0, 10)}.\n`;
  await writeFile(`${ROOT}/bench/results.md`, md);
  await writeFile(`${OUT}/results.json`, JSON.stringify({ size, profile, web, server, rows, seconds }, null, 2));
  console.log();
  for (const n of notes) console.log(`- ${n}`);
  if (top) console.log(top);
  console.log(`bench: ${Math.round(seconds)} s; table written to bench/results.md (raw figures: bench/out/results.json)`);
}

try {
  await main();
} catch (error) {
  console.error('[bench] failed:', error);
  process.exit(1);
}
