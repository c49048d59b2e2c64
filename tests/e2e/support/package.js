// Where the release package under test is: PKG_DIR (set by scripts/test), or pkg/ at the root.
import { resolve } from 'node:path';

export const ROOT = resolve(new URL('../../..', import.meta.url).pathname);
export const PKG_DIR = resolve(process.env.PKG_DIR ?? `${ROOT}/pkg`);
export const PAGES_DIR = `${ROOT}/tests/e2e/pages`;
