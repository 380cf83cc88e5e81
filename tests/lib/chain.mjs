// Chain helpers on @polkadot/api, the library polkadot.js apps is built on.

import { ApiPromise, WsProvider, Keyring } from '@polkadot/api';
import { cryptoWaitReady } from '@polkadot/util-crypto';
import { u8aToHex } from '@polkadot/util';

/** Connects to a node's WebSocket RPC. */
export async function connect(url) {
  await cryptoWaitReady();
  const provider = new WsProvider(url, 1000, {}, 30_000);
  return ApiPromise.create({ provider, throwOnConnect: true, noInitWarn: true });
}

/** The development accounts (sr25519, //Alice ...). */
export async function devAccounts() {
  await cryptoWaitReady();
  const keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });
  const acc = {};
  for (const n of ['Alice', 'Bob', 'Charlie', 'Dave', 'Eve', 'Ferdie']) {
    acc[n.toLowerCase()] = keyring.addFromUri(`//${n}`);
  }
  return acc;
}

/** A dispatch error as `pallet.Error` text. */
export function describeError(api, err) {
  if (err.isModule) {
    const m = api.registry.findMetaError(err.asModule);
    return `${m.section}.${m.name}`;
  }
  if (err.isToken) return `token.${err.asToken.type}`;
  if (err.isArithmetic) return `arithmetic.${err.asArithmetic.type}`;
  return err.toString();
}

/**
 * Signs and submits `tx`; resolves with { blockHash, events } once it is in a block
 * (`finalized` waits for finality), rejects with the decoded error if it failed.
 */
export function signAndWait(api, tx, signer, { finalized = false, nonce } = {}) {
  return new Promise((resolve, reject) => {
    let unsub;
    const timer = setTimeout(() => { unsub?.(); reject(new Error('transaction not included within 90 s')); }, 90_000);
    tx.signAndSend(signer, nonce === undefined ? {} : { nonce }, ({ status, events, dispatchError }) => {
      if (status.isInvalid || status.isDropped || status.isUsurped) {
        clearTimeout(timer); unsub?.();
        reject(new Error(`transaction ${status.type}`));
        return;
      }
      const done = finalized ? status.isFinalized : (status.isInBlock || status.isFinalized);
      if (!done) return;
      clearTimeout(timer); unsub?.();
      if (dispatchError) reject(new Error(describeError(api, dispatchError)));
      else resolve({ blockHash: finalized ? status.asFinalized : (status.isInBlock ? status.asInBlock : status.asFinalized), events });
    }).then((u) => { unsub = u; }, (e) => { clearTimeout(timer); reject(e); });
  });
}

/**
 * Submits `txs` from one signer at once, with consecutive nonces, so they land in as few blocks
 * as possible; resolves with their results in order (rejects with the first failure).
 */
export async function signAndWaitAll(api, txs, signer) {
  const start = (await api.rpc.system.accountNextIndex(signer.address)).toNumber();
  return Promise.all(txs.map((tx, i) => signAndWait(api, tx, signer, { nonce: start + i })));
}

/**
 * Passes `call` through the council: proposed by `members[0]`, voted aye by both members
 * (2 of 3 = the 2/3 majority), then closed. Resolves when it executed successfully.
 */
export async function councilExec(api, members, call) {
  const length = call.method.encodedLength;
  const { events } = await signAndWait(api, api.tx.council.propose(2, call, length), members[0]);
  const proposed = events.find(({ event }) => api.events.council.Proposed.is(event));
  if (!proposed) throw new Error('no council.Proposed event');
  const [, index, hash] = proposed.event.data;
  // Proposing is not voting: both members vote aye.
  for (const m of members) await signAndWait(api, api.tx.council.vote(hash, index, true), m);
  const closed = await signAndWait(
    api,
    api.tx.council.close(hash, index, { refTime: 5_000_000_000n, proofSize: 1_000_000n }, length),
    members[1],
  );
  const executed = closed.events.find(({ event }) => api.events.council.Executed.is(event));
  if (!executed) throw new Error('the motion was not executed');
  const result = executed.event.data.result;
  if (result.isErr) throw new Error(`the motion failed: ${describeError(api, result.asErr)}`);
  return closed;
}

/** The Aura key (hex) that authored the block `hash`: authorities at the parent, by slot. */
export async function blockAuthor(api, hash) {
  const header = await api.rpc.chain.getHeader(hash);
  const pre = header.digest.logs.find((l) => l.isPreRuntime && l.asPreRuntime[0].toString() === 'aura');
  if (!pre) throw new Error(`block ${hash} has no aura pre-runtime digest`);
  const slot = api.createType('u64', pre.asPreRuntime[1]).toBigInt();
  const authorities = await (await api.at(header.parentHash)).query.aura.authorities();
  return u8aToHex(authorities[Number(slot % BigInt(authorities.length))].toU8a());
}

/** The authors (Aura keys) of blocks from..to (inclusive) on the best chain. */
export async function authorsOf(api, from, to) {
  const out = [];
  for (let n = from; n <= to; n++) {
    const hash = await api.rpc.chain.getBlockHash(n);
    out.push(await blockAuthor(api, hash));
  }
  return out;
}
