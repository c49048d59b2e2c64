// Paths of what the end-to-end tests run: the release package, the demo, the server binary.
import { resolve } from 'node:path';

export const ROOT = resolve(new URL('../../..', import.meta.url).pathname);
/** The package built by scripts/build-pkg (the demo links to it as `pkg/`). */
export const PKG_DIR = `${ROOT}/pkg`;
export const PAGES_DIR = `${ROOT}/tests/e2e/pages`;
export const DEMO_DIR = `${ROOT}/examples/demo`;
/** Built by scripts/test before this layer runs. */
export const SERVER_BIN = process.env.BAAS_SERVER_BIN ?? `${ROOT}/target/debug/baas-server`;
export const OUTPUT_DIR = `${ROOT}/tests/e2e/output`;
