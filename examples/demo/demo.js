// The demo app: what an app does with @baas/sdk. It talks to the baas-server that serves it.
import init, { createBaasClient, BaasError } from '@baas/sdk';

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
      : session.method;
    $('expires').textContent = new Date(session.expiresAt * 1000).toLocaleString();
  }
}

async function act(action) {
  $('error').hidden = true;
  for (const b of document.querySelectorAll('button')) b.disabled = true;
  try {
    render(await action());
  } catch (error) {
    $('error').hidden = false;
    $('error').dataset.code = error instanceof BaasError ? error.code : 'UNKNOWN';
    $('error').textContent = error instanceof BaasError ? `${error.message} (${error.code})` : String(error);
  } finally {
    $('sign-up').disabled = false;
    $('sign-in').disabled = false;
    render(baas.auth.getSession());
  }
}

$('sign-up').addEventListener('click', () => act(() => baas.auth.signUpWithPasskey()));
$('sign-in').addEventListener('click', () => act(() => baas.auth.signInWithPasskey()));
$('sign-out').addEventListener('click', () => act(async () => {
  await baas.auth.signOut();
  return null;
}));

render(baas.auth.getSession()); // correct on first render after a reload
$('sign-up').disabled = false;
$('sign-in').disabled = false;
document.body.dataset.ready = 'true';
