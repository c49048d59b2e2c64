// The app the bench loads for @baas/sdk, bundled and minified by esbuild with the .wasm next to it.
import init, { createBaasClient } from '@baas/sdk';

/** Instantiates the wasm, creates the client (restoring a stored session), reads the session. */
export async function start(apiUrl) {
  const wasm = await init();
  const baas = createBaasClient({ projectId: 'demo', publishableKey: 'sb_publishable_demo', apiUrl });
  return { baas, session: baas.auth.getSession(), memory: wasm.memory };
}
