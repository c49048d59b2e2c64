// The app the bench loads for the JavaScript reference SDK, bundled and minified by esbuild.
import { createClient } from '../reference/sdk.js';

/** Creates the client (restoring a stored session) and reads the session. */
export async function start(apiUrl, marks = []) {
  marks.push(performance.now(), performance.now()); // nothing to instantiate
  const baas = createClient({ projectId: 'demo', publishableKey: 'sb_publishable_demo', apiUrl });
  marks.push(performance.now());
  return { baas, session: baas.auth.getSession(), memory: null };
}
