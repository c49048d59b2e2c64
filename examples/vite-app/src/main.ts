// A Vite + TypeScript app on @baas/sdk: passkey sign-up and sign-in, wallet sign-in through
// EIP-6963, sign-out, and the session's address and passkey kind.
import './style.css';
import init, {
  BaasError,
  createBaasClient,
  getInjectedWallets,
  isPasskeySupported,
  type BaasSession,
  type EIP1193Provider,
} from '@baas/sdk';

/** The element with `id`, typed; the page is ours, so a missing one is a bug. */
function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (!element) throw new Error(`#${id} is missing from index.html`);
  return element as T;
}

await init(); // fetches and instantiates the SDK's .wasm, once, before anything else

const baas = createBaasClient({
  projectId: import.meta.env.VITE_BAAS_PROJECT_ID ?? 'demo',
  publishableKey: import.meta.env.VITE_BAAS_PUBLISHABLE_KEY ?? 'sb_publishable_demo',
  apiUrl: import.meta.env.VITE_BAAS_API_URL ?? location.origin,
});

const buttons = {
  signUp: byId<HTMLButtonElement>('sign-up'),
  signIn: byId<HTMLButtonElement>('sign-in'),
  signOut: byId<HTMLButtonElement>('sign-out'),
};
const walletButtons: HTMLButtonElement[] = [];
const passkeys = isPasskeySupported();

/** How a session's passkey is kept: synced across devices, or on this device only. */
function passkeyKind(session: BaasSession): string {
  const credential = session.credential;
  if (!credential) return 'none';
  if (credential.backedUp) return 'synced';
  return credential.backupEligible ? 'can sync, not synced yet' : 'device-bound';
}

function render(session: BaasSession | null): void {
  byId('signed-out').hidden = session !== null;
  byId('signed-in').hidden = session === null;
  byId('device-bound').hidden = !session?.credential || session.credential.backupEligible;
  if (session) {
    byId('address').textContent = session.address;
    byId('method').textContent = session.method;
    const passkey = byId('passkey');
    passkey.textContent = passkeyKind(session);
    passkey.dataset.synced = String(session.credential?.backedUp ?? false);
  }
  const busy = document.body.dataset.busy === 'true';
  buttons.signUp.disabled = busy || !passkeys || session !== null;
  buttons.signIn.disabled = busy || !passkeys || session !== null;
  buttons.signOut.disabled = busy || session === null;
  for (const button of walletButtons) button.disabled = busy || session !== null;
}

function showError(error: unknown): void {
  const element = byId('error');
  element.hidden = false;
  if (error instanceof BaasError) {
    element.dataset.code = error.code;
    element.textContent =
      error.code === 'WALLET_CONNECT_REJECTED'
        ? 'Cancelled. No passkey for this site yet? Create an account.'
        : error.code === 'PASSKEY_ALREADY_REGISTERED'
          ? 'This device already has your passkey: sign in instead.'
          : error.message;
  } else {
    element.dataset.code = 'UNKNOWN';
    element.textContent = String(error);
  }
}

/** Runs one user action: buttons disabled meanwhile, errors shown, the UI redrawn after. */
async function act(action: () => Promise<unknown>): Promise<void> {
  byId('error').hidden = true;
  document.body.dataset.busy = 'true';
  render(baas.auth.getSession());
  try {
    await action();
  } catch (error) {
    showError(error);
  } finally {
    delete document.body.dataset.busy;
    render(baas.auth.getSession());
  }
}

buttons.signUp.addEventListener('click', () => act(() => baas.auth.signUpWithPasskey()));
buttons.signIn.addEventListener('click', () => act(() => baas.auth.signInWithPasskey()));
buttons.signOut.addEventListener('click', () => act(() => baas.auth.signOut()));

function addWalletButton(name: string, provider: EIP1193Provider): void {
  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'wallet';
  button.textContent = `Sign in with ${name}`;
  button.addEventListener('click', () => act(() => baas.auth.signInWithWallet(provider)));
  walletButtons.push(button);
  byId('wallets').append(button);
}

// Keep the page in step with sign-ins, sign-outs and refreshes, in this tab and the others.
baas.auth.onAuthStateChange((session) => render(session));
byId('unsupported').hidden = passkeys;
render(baas.auth.getSession()); // right on the first render after a reload

// Wallets that announce themselves (EIP-6963); else the one injected as `window.ethereum`.
const wallets = await getInjectedWallets();
for (const { info, provider } of wallets) addWalletButton(info.name, provider);
if (wallets.length === 0 && window.ethereum) addWalletButton('browser wallet', window.ethereum);
render(baas.auth.getSession());
document.body.dataset.ready = 'true';
