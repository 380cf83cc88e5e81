// Actions for actors: register a machine, place a production order, confirm or dispute a task,
// transfer custody, revoke a credential — signed with a browser extension's account (when one is
// installed) or a development key. Each shows where it landed, or the chain's error in words.

import { Keyring } from '@polkadot/keyring';
import { cryptoWaitReady } from '@polkadot/util-crypto';
import type { SubmittableExtrinsic } from '@polkadot/api/types';
import type { Signer } from '@polkadot/api/types';
import { addressOf, didOf, esc, text, type Chain, type Json } from '../chain';
import type { View } from '../main';

const DEV_KEYS = ['Alice', 'Bob', 'Charlie', 'Dave', 'Eve', 'Ferdie'];

interface Account { label: string; address: string; pair?: Json; signer?: Signer }

let accounts: Account[] | null = null;

async function loadAccounts(): Promise<Account[]> {
  if (accounts) return accounts;
  await cryptoWaitReady();
  const keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });
  const list: Account[] = DEV_KEYS.map((n) => {
    const pair = keyring.addFromUri(`//${n}`, { name: n });
    return { label: `${n} (development key)`, address: pair.address, pair };
  });
  // A browser extension (polkadot{.js}, Talisman, SubWallet…) injects itself here.
  const injected = (window as Json).injectedWeb3 ?? {};
  for (const [name, ext] of Object.entries<Json>(injected)) {
    try {
      const enabled = await ext.enable('Twinchain');
      for (const a of await enabled.accounts.get()) list.unshift({ label: `${a.name ?? a.address} (${name})`, address: a.address, signer: enabled.signer });
    } catch (e) {
      console.warn(`extension ${name}:`, e);
    }
  }
  accounts = list;
  return list;
}

/** Signs and submits; resolves to a line for the result box. */
function submit(chain: Chain, tx: SubmittableExtrinsic<'promise'>, who: Account): Promise<string> {
  return new Promise((resolve, reject) => {
    const done = (result: Json) => {
      if (!result.status.isInBlock) return;
      if (result.dispatchError) {
        let why = result.dispatchError.toString();
        if (result.dispatchError.isModule) {
          const m = chain.api.registry.findMetaError(result.dispatchError.asModule);
          why = `${m.section}.${m.name}: ${m.docs.join(' ')}`;
        }
        reject(new Error(why));
        return;
      }
      const events = result.events.map((e: Json) => `${e.event.section}.${e.event.method}`).filter((n: string) => !n.startsWith('system.') && !n.startsWith('balances.') && !n.startsWith('transactionPayment.'));
      const placed = result.events.find((e: Json) => e.event.section === 'tasks' && e.event.method === 'OrderPlaced');
      const product = placed ? ` <a data-testid="new-product" href="#/product/${esc(didOf(placed.event.data.product.toString()))}">see the product</a>` : '';
      resolve(`✓ in block ${esc(result.status.asInBlock.toHex().slice(0, 12))}…: ${esc(events.join(', ') || 'done')}${product}`);
    };
    const options = who.signer ? { signer: who.signer } : {};
    const sender = who.pair ?? who.address;
    tx.signAndSend(sender, options, done).catch((e: unknown) => reject(e instanceof Error ? e : new Error(String(e))));
  });
}

const FORMS = `
  <form data-action="order" class="card"><h2>Place a production order</h2>
    <label>Recipe <select name="recipe" data-testid="order-recipe"></select></label>
    <label>Colour <select name="colour" data-testid="order-colour"><option>White</option><option selected>Red</option><option>Blue</option></select></label>
    <label>Reward per step (TWIN) <input name="reward" value="0.01" size="8"></label>
    <label>Blocks per step <input name="blocks" value="60" size="5"></label>
    <button type="submit" data-testid="order-submit">Place order</button></form>
  <form data-action="register" class="card"><h2>Register a machine</h2>
    <label>Machine DID <input name="machine" size="56" placeholder="did:twin:5…" data-testid="register-machine"></label>
    <label>Manufacturer <input name="maker" value="fischertechnik"></label><label>Model <input name="model" data-testid="register-model"></label>
    <label>Serial number <input name="serial" data-testid="register-serial"></label><label>Year <input name="year" value="2026" size="5"></label>
    <p class="hint">The machine's DID must consent first: its key makes you an authentication delegate
      (<code>did.addDelegate</code>, or signed off chain for <code>did.executeSigned</code>).</p>
    <button type="submit" data-testid="register-submit">Register</button></form>
  <form data-action="task" class="card"><h2>Confirm or dispute a completed task</h2>
    <label>Task <input name="task" size="6" data-testid="task-id"></label>
    <button type="submit" name="how" value="confirm" data-testid="task-confirm">Confirm</button> <button type="submit" name="how" value="dispute" data-testid="task-dispute">Dispute</button></form>
  <form data-action="custody" class="card"><h2>Transfer custody</h2>
    <label>Product DID <input name="product" size="56" data-testid="custody-product"></label><label>To (DID) <input name="to" size="56" data-testid="custody-to"></label>
    <button type="submit" name="how" value="offer" data-testid="custody-offer">Offer</button> <button type="submit" name="how" value="accept" data-testid="custody-accept">Accept (as the receiver)</button></form>
  <form data-action="revoke" class="card"><h2>Revoke a credential</h2>
    <label>Credential digest <input name="digest" size="68" data-testid="revoke-digest" placeholder="0x…"></label>
    <button type="submit" data-testid="revoke-submit">Revoke</button></form>`;

export function actionsView(root: HTMLElement, chain: Chain): View {
  root.innerHTML = `<section><h1>Actions</h1>
    <label>Sign as <select id="signer" data-testid="signer"></select></label>
    <div id="result" data-testid="result" class="result" aria-live="polite"></div>
    <div class="forms">${FORMS}</div></section>`;
  const api = chain.api;
  const signerSelect = root.querySelector<HTMLSelectElement>('#signer')!;
  const result = root.querySelector<HTMLElement>('#result')!;
  const recipeSelect = root.querySelector<HTMLSelectElement>('select[name=recipe]')!;
  let loaded = false;

  void loadAccounts().then((list) => {
    signerSelect.innerHTML = list.map((a, i) => `<option value="${i}">${esc(a.label)}</option>`).join('');
  });

  const build: Record<string, (f: FormData, how: string) => SubmittableExtrinsic<'promise'>> = {
    order: (f) => {
      const reward = BigInt(Math.round(Number(f.get('reward')) * 1e6)) * 10n ** 6n;
      return api.tx.tasks.placeOrder(Number(f.get('recipe')), { kind: 'workpiece', colour: f.get('colour'), tag: null }, [], reward, Number(f.get('blocks')));
    },
    register: (f) => api.tx.machines.registerMachine(addressOf(String(f.get('machine'))), {
      manufacturerName: String(f.get('maker')), model: String(f.get('model')), serialNumber: String(f.get('serial')), yearOfConstruction: Number(f.get('year')),
    }),
    task: (f, how) => (how === 'dispute' ? api.tx.tasks.disputeTask(Number(f.get('task'))) : api.tx.tasks.confirmTask(Number(f.get('task')))),
    custody: (f, how) => (how === 'accept'
      ? api.tx.provenance.acceptCustody(addressOf(String(f.get('product'))))
      : api.tx.provenance.offerCustody(addressOf(String(f.get('product'))), addressOf(String(f.get('to'))))),
    revoke: (f) => api.tx.credentials.revoke(String(f.get('digest')).trim()),
  };

  root.querySelectorAll<HTMLFormElement>('form[data-action]').forEach((form) => {
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      const how = ((e as SubmitEvent).submitter as HTMLButtonElement | null)?.value ?? '';
      const list = await loadAccounts();
      const who = list[Number(signerSelect.value)];
      result.className = 'result';
      result.textContent = 'Signing and submitting…';
      try {
        const tx = build[form.dataset.action!](new FormData(form), how);
        result.innerHTML = await submit(chain, tx, who);
        result.className = 'result ok';
      } catch (err) {
        result.textContent = `✗ ${err instanceof Error ? err.message : String(err)}`;
        result.className = 'result error';
      }
    });
  });

  return {
    async update() {
      if (loaded) return;
      const recipes = await api.query.tasks.recipes.entries();
      recipeSelect.innerHTML = recipes
        .map(([k, v]) => {
          const id = (k.args[0] as Json).toNumber();
          const r = (v as Json).unwrap();
          const steps = r.steps.map((s: Json) => text(s.capability)).join(' → ');
          return `<option value="${id}" ${id === 1 ? 'selected' : ''}>${id}: ${esc(text(r.name))} (${esc(steps)})</option>`;
        })
        .join('');
      loaded = true;
    },
  };
}
