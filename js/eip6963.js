// EIP-6963 multi-wallet discovery: the injected wallets that announce themselves, so apps need
// not rely on `window.ethereum` (which several wallets overwrite) alone.

/**
 * The wallets that answer `eip6963:requestProvider` within `timeout` ms, each
 * `{ info: { uuid, name, icon, rdns }, provider }`, in the order they answered, one per `uuid`.
 * Resolves to `[]` outside a browser.
 */
export function getInjectedWallets({ timeout = 200 } = {}) {
  const target = globalThis.window;
  if (!target?.addEventListener) return Promise.resolve([]);
  const wallets = new Map();
  const announce = (event) => {
    const detail = event.detail;
    if (detail?.info?.uuid && typeof detail.provider?.request === 'function' && !wallets.has(detail.info.uuid)) {
      wallets.set(detail.info.uuid, Object.freeze({ info: detail.info, provider: detail.provider }));
    }
  };
  target.addEventListener('eip6963:announceProvider', announce);
  target.dispatchEvent(new Event('eip6963:requestProvider'));
  return new Promise((resolve) => {
    setTimeout(() => {
      target.removeEventListener('eip6963:announceProvider', announce);
      resolve([...wallets.values()]);
    }, timeout);
  });
}
