// The package as an app installs it: `npm pack` of the built pkg/, unpacked into
// tests/types/node_modules/@baas/sdk (so only the files of its `files` list are there, and
// imports resolve through its `exports`). Checks its types with tsc (typescript from npm),
// that they name exactly the runtime exports with no `any` reachable from them, and that
// importing it in Node (SSR) touches no browser global.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { PKG_DIR, ROOT } from '../e2e/support/package.js';

const run = promisify(execFile);
const HERE = `${ROOT}/tests/types`;
const INSTALLED = `${HERE}/node_modules/@baas/sdk`;
const TSC = `${ROOT}/node_modules/.bin/tsc`;

let packed;

before(async () => {
  const scratch = await mkdtemp(join(tmpdir(), 'baas-pack-'));
  const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', scratch], { cwd: PKG_DIR });
  [packed] = JSON.parse(stdout);
  await rm(INSTALLED, { recursive: true, force: true });
  await mkdir(INSTALLED, { recursive: true });
  await run('tar', ['-xzf', join(scratch, packed.filename), '-C', INSTALLED, '--strip-components=1']);
  await rm(scratch, { recursive: true, force: true });
});

/** Runs tsc; fails the test with its diagnostics. */
async function tsc(...args) {
  try {
    await run(TSC, args, { cwd: HERE });
  } catch (error) {
    assert.fail(`tsc ${args.join(' ')}\n${error.stdout}${error.stderr}`);
  }
}

test('the package ships its entry, types, glue and wasm, and nothing of the build', async () => {
  const files = packed.files.map((f) => f.path).sort();
  for (const file of ['package.json', 'README.md', 'index.js', 'index.d.ts', 'baas_sdk.js', 'baas_sdk.d.ts', 'baas_sdk_bg.wasm', 'eip6963.js']) {
    assert.ok(files.includes(file), `${file} is in the package: ${files}`);
  }
  assert.ok(files.some((f) => /^snippets\/[^/]+\/js\/errors\.js$/.test(f)), 'the error classes are in the package');
  assert.deepEqual(files.filter((f) => /\.(rs|toml|lock|map)$|^\.gitignore$|bg\.wasm\.d\.ts$/.test(f)), []);

  const manifest = JSON.parse(await readFile(`${INSTALLED}/package.json`, 'utf8'));
  assert.equal(manifest.name, '@baas/sdk');
  assert.equal(manifest.type, 'module');
  assert.equal(manifest.sideEffects, false);
  assert.deepEqual(manifest.exports['.'], { types: './index.d.ts', default: './index.js' });
  assert.equal(Object.keys(manifest.exports['.'])[0], 'types', '`types` comes first, as TypeScript requires');
  assert.equal(manifest.types, './index.d.ts');
  assert.ok(manifest.license && manifest.repository?.url);

  // Bundlers (Vite, webpack 5, Parcel) find the wasm through this exact pattern.
  const glue = await readFile(`${INSTALLED}/baas_sdk.js`, 'utf8');
  assert.match(glue, /new URL\('baas_sdk_bg\.wasm', import\.meta\.url\)/);
});

test('importing the installed package in Node (SSR) touches no browser global and starts nothing', async () => {
  const probe = `
    const watched = ['window', 'self', 'document', 'navigator', 'location', 'localStorage',
      'sessionStorage', 'indexedDB', 'addEventListener', 'dispatchEvent', 'BroadcastChannel',
      'fetch', 'XMLHttpRequest', 'WebAssembly', 'crypto', 'setTimeout', 'setInterval',
      'queueMicrotask', 'requestAnimationFrame'];
    const touched = [];
    for (const name of watched) {
      const value = globalThis[name];
      Object.defineProperty(globalThis, name, {
        configurable: true,
        get() { touched.push(name); return value; },
        set() { touched.push(name + ' (set)'); },
      });
    }
    const sdk = await import('@baas/sdk');
    console.log(JSON.stringify({ touched, exports: Object.keys(sdk).sort() }));
  `;
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', probe], { cwd: HERE });
  const { touched, exports } = JSON.parse(stdout);
  assert.deepEqual(touched, []);
  assert.ok(exports.includes('createBaasClient') && exports.includes('default'), exports.join());
});

test('the typed usage compiles with tsc --strict, with bundler and with Node resolution', async () => {
  await tsc('-p', 'tsconfig.json');
  await tsc('-p', 'tsconfig.nodenext.json');
});

test('the typed value exports are exactly the runtime exports', async () => {
  const runtime = Object.keys(await import(`${INSTALLED}/index.js`)).sort();
  const dir = await mkdtemp(join(tmpdir(), 'baas-exports-'));
  try {
    await mkdir(`${dir}/node_modules/@baas`, { recursive: true });
    await symlink(INSTALLED, `${dir}/node_modules/@baas/sdk`);
    const names = runtime.map((n) => `'${n}'`).join(' | ');
    await writeFile(
      `${dir}/exports.ts`,
      `import * as sdk from '@baas/sdk';
type Runtime = ${names};
type Typed = keyof typeof sdk;
export const untyped: [Exclude<Runtime, Typed>] extends [never] ? true : { untyped: Exclude<Runtime, Typed> } = true;
export const missing: [Exclude<Typed, Runtime>] extends [never] ? true : { missing: Exclude<Typed, Runtime> } = true;
`,
    );
    await writeFile(
      `${dir}/tsconfig.json`,
      JSON.stringify({ extends: `${HERE}/tsconfig.json`, files: ['exports.ts'] }),
    );
    await tsc('-p', `${dir}/tsconfig.json`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

// --- `any` reachable from the entry's types -------------------------------------------------

/** The top-level declarations of a .d.ts file, comments removed: `[{ name, text }]`. */
function declarations(source) {
  const code = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/[^\n]*/g, '');
  const out = [];
  let chunk = [];
  let depth = 0;
  for (const line of code.split('\n')) {
    if (!chunk.length && !line.trim()) continue;
    chunk.push(line);
    for (const c of line) depth += c === '{' || c === '(' ? 1 : c === '}' || c === ')' ? -1 : 0;
    const end = line.trim();
    if (depth === 0 && (end.endsWith(';') || end.endsWith('}'))) {
      const text = chunk.join('\n');
      const named = /^\s*(?:export\s+)?(?:default\s+)?(?:declare\s+)?(?:class|interface|type|function|const|let|enum)\s+([\w$]+)/.exec(text);
      out.push({ name: named?.[1] ?? null, text });
      chunk = [];
    }
  }
  assert.equal(depth, 0, 'balanced declarations');
  return out;
}

/** Names imported or re-exported from `./baas_sdk.js` by a declaration. */
function namesFromGlue(text) {
  const match = /^\s*(?:import|export)\s+(?:type\s+)?\{([^}]*)\}\s+from\s+'\.\/baas_sdk\.js'/.exec(text);
  return match ? match[1].split(',').map((n) => n.trim().split(/\s+as\s+/)[0]).filter(Boolean) : [];
}

/** Every declaration reachable from the entry, as `file:name`, and those that mention `any`. */
async function reachableAny() {
  const files = {
    entry: declarations(await readFile(`${INSTALLED}/index.d.ts`, 'utf8')),
    glue: declarations(await readFile(`${INSTALLED}/baas_sdk.d.ts`, 'utf8')),
  };
  const todo = [];
  for (const decl of files.entry) {
    if (/^\s*export\b/.test(decl.text) && decl.name) todo.push(['entry', decl.name]);
    if (/^\s*export\b/.test(decl.text)) for (const n of namesFromGlue(decl.text)) todo.push(['glue', n]);
  }
  const imported = new Set(files.entry.flatMap((d) => namesFromGlue(d.text)));
  const seen = new Set();
  const withAny = [];
  while (todo.length) {
    const [file, name] = todo.pop();
    const key = `${file}:${name}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const found = files[file].filter((d) => d.name === name);
    assert.ok(found.length || (file === 'entry' && imported.has(name)), `${key} is declared`);
    if (file === 'entry' && imported.has(name) && !found.length) todo.push(['glue', name]);
    for (const { text } of found) {
      if (/\bany\b/.test(text)) withAny.push(key);
      const glueRefs = [...text.matchAll(/import\('\.\/baas_sdk\.js'\)\.([\w$]+)/g)].map((m) => m[1]);
      for (const ref of glueRefs) todo.push(['glue', ref]);
      for (const [, id] of text.matchAll(/\b([A-Za-z_$][\w$]*)\b/g)) {
        if (id === name) continue;
        if (files[file].some((d) => d.name === id)) todo.push([file, id]);
        else if (file === 'entry' && imported.has(id)) todo.push(['glue', id]);
      }
    }
  }
  return { seen, withAny, glue: files.glue };
}

test('nothing reachable from the entry types is `any`', async () => {
  const { seen, withAny, glue } = await reachableAny();
  // The walk really covers the surface (so an empty result means something)…
  for (const key of ['glue:BaasSession', 'glue:Auth', 'glue:BaasClient', 'glue:createBaasClient', 'glue:EIP1193Provider', 'entry:init', 'entry:BaasError', 'entry:EIP6963ProviderDetail']) {
    assert.ok(seen.has(key), `${key} is reachable`);
  }
  // …and would see an `any`: the glue's own InitOutput has them, but the entry does not expose it.
  assert.ok(glue.some((d) => d.name === 'InitOutput' && /\bany\b/.test(d.text)));
  assert.deepEqual(withAny, [], 'declarations with `any` reachable from index.d.ts');
});
