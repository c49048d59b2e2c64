// An EIP-1193 wallet in the page, backed by a real secp256k1 key held in Node by viem (a
// library we did not write). It announces itself through EIP-6963 and as `window.ethereum`.
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';

/**
 * Installs the wallet in every page of `context`. Returns a controller: `account` (the viem
 * account), `calls` (the methods the page requested), `failNext(method, error)` to make the next
 * call of `method` fail with an EIP-1193 error, `accounts` (what the wallet shares; `[]` for none)
 * and `switchAccount()`.
 */
export async function installWallet(context, { chainId = 1 } = {}) {
  const wallet = {
    account: privateKeyToAccount(generatePrivateKey()),
    calls: [],
    failures: new Map(),
    shareAccounts: true,
    failNext(method, error) {
      this.failures.set(method, error);
    },
    switchAccount() {
      this.account = privateKeyToAccount(generatePrivateKey());
    },
  };
  await context.exposeFunction('__baasTestWallet', async (method, params) => {
    wallet.calls.push(method);
    const failure = wallet.failures.get(method);
    if (failure) {
      wallet.failures.delete(method);
      return { error: failure };
    }
    const accounts = wallet.shareAccounts ? [wallet.account.address.toLowerCase()] : [];
    switch (method) {
      case 'eth_accounts':
      case 'eth_requestAccounts':
        return { result: accounts };
      case 'eth_chainId':
        return { result: `0x${chainId.toString(16)}` };
      case 'personal_sign':
        return { result: await wallet.account.signMessage({ message: { raw: params[0] } }) };
      default:
        return { error: { code: 4200, message: `unsupported method ${method}` } };
    }
  });
  await context.addInitScript(() => {
    const provider = {
      async request({ method, params }) {
        const { result, error } = await window.__baasTestWallet(method, params ?? []);
        if (error) throw Object.assign(new Error(error.message), { code: error.code });
        return result;
      },
    };
    window.ethereum = provider;
    const info = { uuid: '5c0f3a52-32f2-4a0e-9f2e-8f6d0e1b7a10', name: 'Test Wallet', icon: 'data:image/svg+xml,<svg/>', rdns: 'dev.baas.test' };
    const announce = () => window.dispatchEvent(new CustomEvent('eip6963:announceProvider', { detail: Object.freeze({ info, provider }) }));
    window.addEventListener('eip6963:requestProvider', announce);
    announce();
  });
  return wallet;
}
