// What the tabs of an origin share about a project's session, for the wasm glue:
// - a Web Lock, so one tab at a time reads and writes the shared session;
// - the shared session in IndexedDB, whose reads see every committed write (localStorage reads
//   come from a per-tab cache that other tabs' writes reach asynchronously, even across a lock).
// Both are feature-detected: without them the glue falls back to localStorage alone.

const DATABASE = 'baas';
const STORE = 'sessions';
let database;

function open() {
  database ??= new Promise((resolve) => {
    try {
      const request = indexedDB.open(DATABASE, 1);
      request.onupgradeneeded = () => request.result.createObjectStore(STORE);
      request.onsuccess = () => resolve(request.result);
      request.onerror = request.onblocked = () => resolve(null);
    } catch {
      resolve(null);
    }
  });
  return database;
}

function settle(request) {
  return new Promise((resolve) => {
    request.onsuccess = () => resolve(request.result ?? null);
    request.onerror = () => resolve(undefined);
  });
}

/** The text stored under `key`: a string, `null` when none, `undefined` without IndexedDB. */
export async function readShared(key) {
  const db = await open();
  if (!db) return undefined;
  try {
    return await settle(db.transaction(STORE).objectStore(STORE).get(key));
  } catch {
    return undefined;
  }
}

/** Stores `text` under `key`; resolves once committed (`false` without IndexedDB). */
export async function writeShared(key, text) {
  const db = await open();
  if (!db) return false;
  try {
    const transaction = db.transaction(STORE, 'readwrite');
    transaction.objectStore(STORE).put(text, key);
    return await new Promise((resolve) => {
      transaction.oncomplete = () => resolve(true);
      transaction.onerror = transaction.onabort = () => resolve(false);
    });
  } catch {
    return false;
  }
}

/**
 * Runs `task` (returning a promise) holding the exclusive Web Lock `name`; gives up waiting for
 * the lock after `timeoutMs`. Without Web Locks, runs `task` at once. The lock is released when
 * the task settles or its tab closes, so a lock cannot be orphaned.
 */
export function withLock(name, timeoutMs, task) {
  const locks = globalThis.navigator?.locks;
  if (!locks?.request) return task();
  return locks.request(name, { signal: AbortSignal.timeout(timeoutMs) }, () => task());
}
