import { defineConfig, loadEnv } from 'vite';

// In development the page and the API share one origin, as in production (where baas-server
// serves the built app with `--static dist`): Vite proxies the API to BAAS_API_URL. Allow the dev
// origin on the server, e.g. `BAAS_ORIGINS=http://localhost:5173 baas-server`.
export default defineConfig(({ mode }) => {
  const api = loadEnv(mode, '.', '').BAAS_API_URL ?? 'http://127.0.0.1:8787';
  return {
    server: { proxy: { '/v1': api, '/.well-known': api } },
  };
});
