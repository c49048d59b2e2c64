// Driving the demo page: open it in a fresh profile with a virtual authenticator, click its
// buttons, and run SDK calls in it.
import { addVirtualAuthenticator } from './browser.js';

/**
 * Opens the demo of `server` in a new page of `context` (a fresh profile when `context` is a
 * browser) with a virtual authenticator (`false` for none). Counts the page's API requests.
 */
export async function openDemo(contextOrBrowser, server, authenticatorOptions = {}, { initScript } = {}) {
  const context = contextOrBrowser.newContext ? await contextOrBrowser.newContext() : contextOrBrowser;
  if (initScript) await context.addInitScript(initScript);
  const page = await context.newPage();
  const apiRequests = [];
  page.on('request', (request) => {
    if (new URL(request.url()).pathname.startsWith('/v1/')) apiRequests.push(request.url());
  });
  await page.goto(server.url);
  await page.waitForSelector('body[data-ready="true"]');
  const authenticator =
    authenticatorOptions === false ? null : await addVirtualAuthenticator(page, authenticatorOptions);
  return { context, page, authenticator, apiRequests };
}

/** Clicks a demo button and waits until the page shows a session or an error. */
export async function click(page, id) {
  await page.click(`#${id}`);
  await page.waitForFunction(() => {
    const busy = document.getElementById('sign-up').disabled;
    const error = !document.getElementById('error').hidden;
    const signedIn = !document.getElementById('signed-in').hidden;
    return !busy && (error || signedIn);
  });
  return page.evaluate(() => ({
    session: window.baas.auth.getSession(),
    error: document.getElementById('error').hidden ? null : document.getElementById('error').dataset.code,
    shown: document.getElementById('address').textContent,
  }));
}

/**
 * Runs `source` (an async function body over `baas`, the SDK module `sdk` and `arg`) in the
 * page. Resolves to `{ value }`, or `{ error: {code, name, message, baas, cause, causeCode} }`
 * (`cause` is the cause's name or code; `causeCode` its `code`, e.g. an EIP-1193 error's).
 */
export function attempt(page, source, arg) {
  return page.evaluate(
    async ([source, arg]) => {
      const sdk = await import('@baas/sdk');
      const run = new Function('baas', 'sdk', 'arg', `return (async () => { ${source} })()`);
      try {
        return { value: await run(window.baas, sdk, arg) };
      } catch (error) {
        return {
          error: {
            code: error.code,
            name: error.name,
            message: error.message,
            baas: error instanceof sdk.BaasError,
            cause: error.cause?.name ?? error.cause?.code ?? error.cause,
            causeCode: error.cause?.code,
          },
        };
      }
    },
    [source, arg],
  );
}

/** The demo project's stored session text, or null. */
export function storedSession(page) {
  return page.evaluate(() => localStorage.getItem('baas:demo:session'));
}

/** The claims of a JWT, unverified. */
export function jwtClaims(token) {
  return JSON.parse(Buffer.from(token.split('.')[1], 'base64url'));
}

/**
 * Records the auth events of the page's `window.baas` into `window.events` as
 * `{event, address, token, at}`.
 */
export function recordEvents(page) {
  return page.evaluate(() => {
    window.events = [];
    window.baas.auth.onAuthStateChange((session, event) => {
      window.events.push({ event, address: session?.address ?? null, token: session?.accessToken ?? null, at: Date.now() });
    });
  });
}

/** Waits until the page has recorded `event` (at least `count` times); returns the events. */
export async function waitForEvent(page, event, { count = 1, timeout = 15_000 } = {}) {
  await page.waitForFunction(
    ([event, count]) => window.events.filter((e) => e.event === event).length >= count,
    [event, count],
    { timeout },
  );
  return page.evaluate(() => window.events);
}
