/// <reference types="vite/client" />
import type { EIP1193Provider } from '@baas/sdk';

declare global {
  interface ImportMetaEnv {
    /** The BaaS API server; default: this page's origin (the server serves the app). */
    readonly VITE_BAAS_API_URL?: string;
    /** Default `demo`, the zero-config server's project. */
    readonly VITE_BAAS_PROJECT_ID?: string;
    /** Default `sb_publishable_demo`. */
    readonly VITE_BAAS_PUBLISHABLE_KEY?: string;
  }
  interface Window {
    /** A wallet injected the pre-EIP-6963 way. */
    ethereum?: EIP1193Provider;
  }
}
