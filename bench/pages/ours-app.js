// The app the bench loads for @baas/sdk, bundled and minified by esbuild with the .wasm next to it.
import init, { createBaasClient } from '@baas/sdk';

/** Instantiates the wasm, creates the client (restoring a stored session), reads the session. */
export async function start(apiUrl, marks = []) {
  marks.push(performance.now());
  const wasm = await init();
  marks.push(performance.now());
  const baas = createBaasClient({ projectId: 'demo', publishableKey: 'sb_publishable_demo', apiUrl });
  marks.push(performance.now());
  return { baas, session: baas.auth.getSession(), memory: wasm.memory };
}
