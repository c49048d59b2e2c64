// The demo app: what an app does with @baas/sdk. It talks to the baas-server that serves it.
import init, {
  createBaasClient,
  getInjectedWallets,
  getPasskeyCapabilities,
  isPasskeySupported,
  BaasError,
} from '@baas/sdk';

await init();
const baas = createBaasClient({
  projectId: 'demo',
  publishableKey: 'sb_publishable_demo',
  apiUrl: location.origin,
});
window.baas = baas; // to try the API from the console

const $ = (id) => document.getElementById(id);

function render(session) {
  $('signed-out').hidden = Boolean(session);
  $('signed-in').hidden = !session;
  $('sign-out').disabled = !session;
  if (session) {
    $('address').textContent = session.address;
    const credential = session.credential;
    $('passkey').textContent = credential
      ? credential.backedUp ? 'synced' : credential.backupEligible ? 'can sync, not synced yet' : 'device-bound'
      : 'none (signed in with a wallet)';
    $('expires').textContent = new Date(session.expiresAt * 1000).toLocaleString();
  }
  $('device-bound').hidden = !session?.credential || session.credential.backupEligible;
}

function showError(error) {
  $('error').hidden = false;
  $('error').dataset.code = error instanceof BaasError ? error.code : 'UNKNOWN';
  $('error').textContent = error instanceof BaasError ? `${error.message} (${error.code})` : String(error);
}

async function act(action) {
  $('error').hidden = true;
  for (const b of document.querySelectorAll('button')) b.disabled = true;
  try {
    render(await action());
  } catch (error) {
    showError(error);
  } finally {
    $('sign-up').disabled = !isPasskeySupported();
    $('sign-in').disabled = !isPasskeySupported();
    $('wallet').disabled = false;
    render(baas.auth.getSession());
  }
}

$('sign-up').addEventListener('click', () => act(() => baas.auth.signUpWithPasskey()));
$('sign-in').addEventListener('click', () => act(() => baas.auth.signInWithPasskey()));
// Wallet sign-in: the first wallet announced through EIP-6963, else `window.ethereum` (with
// neither, the SDK answers WALLET_UNAVAILABLE, shown like any error).
$('wallet').addEventListener('click', () => act(async () => {
  const [wallet] = await getInjectedWallets();
  return baas.auth.signInWithWallet(wallet?.provider ?? window.ethereum);
}));
$('sign-out').addEventListener('click', () => act(async () => {
  await baas.auth.signOut();
  return null;
}));

// Passkey autofill: offered while the username field has focus; the user picks a passkey from
// the field's suggestions. Clicking a button instead aborts it.
$('username').addEventListener('focus', () => {
  if (baas.auth.getSession()) return;
  window.autofill = 'pending';
  baas.auth.signInWithPasskey({ mediation: 'conditional' }).then(
    (session) => {
      window.autofill = 'signed-in';
      render(session);
    },
    (error) => {
      window.autofill = error.code;
      if (error.code !== 'WALLET_CONNECT_REJECTED') showError(error);
    },
  );
});

// Keep the UI in step with other tabs and token refreshes.
baas.auth.onAuthStateChange((session) => render(session));

render(baas.auth.getSession()); // correct on first render after a reload
if (isPasskeySupported()) {
  $('sign-up').disabled = false;
  $('sign-in').disabled = false;
  getPasskeyCapabilities().then((capabilities) => {
    $('autofill').hidden = !capabilities.conditionalMediation;
  });
} else {
  $('unsupported').hidden = false;
}
document.body.dataset.ready = 'true';
