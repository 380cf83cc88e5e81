// Chain helpers on @polkadot/api, the library polkadot.js apps is built on.

import { ApiPromise, WsProvider, Keyring } from '@polkadot/api';
import { cryptoWaitReady, decodeAddress } from '@polkadot/util-crypto';
import { bnToU8a, stringToU8a, u8aConcat, u8aToHex, u8aToString } from '@polkadot/util';
import { Node, waitFor } from './harness.mjs';

/** One TWIN in planck (12 decimals). */
export const UNIT = 10n ** 12n;

/** The `did:twin` DID of an SS58 address. */
export const did = (address) => `did:twin:${address}`;

/** Connects to a node's WebSocket RPC. */
export async function connect(url) {
  await cryptoWaitReady();
  const provider = new WsProvider(url, 1000, {}, 30_000);
  return ApiPromise.create({ provider, throwOnConnect: true, noInitWarn: true });
}

/**
 * A dev chain node for the test `t`: `twinchain --dev` followed by `args` (any other option is
 * passed to `Node`: `rpcMethods`, `basePath`, …), started. Unless `api` is false, waits for
 * block 1 and connects @polkadot/api to it. Returns `{ node, api }`.
 *
 * Registered on `t.after` before the node starts (so it also runs when start-up fails): `before()`,
 * then `api` disconnected, the node disposed, then `after()`. A test that reconnects assigns the
 * new API to the returned object's `api`, which is what gets disconnected.
 */
export async function withDevNode(t, { name, args = [], api = true, before, after, ...options }) {
  const node = new Node({ name, args: ['--dev', ...args], ...options });
  const dev = { node, api: undefined };
  t.after(async () => {
    await before?.();
    await dev.api?.disconnect();
    await node.dispose();
    await after?.();
  });
  await node.start();
  if (api) {
    await waitFor('block 1', async () => (await node.bestNumber()) >= 1, 60_000);
    dev.api = await connect(node.wsUrl);
  }
  return dev;
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

/** The id of the credential schema registered under `name` (`MachineCapability`, `QualityCertificate`, …). */
export async function schemaId(api, name) {
  return (await api.query.credentials.schemas.entries())
    .find(([, v]) => u8aToString(v.unwrap().name) === name)[0].args[0];
}

/**
 * The message the controller of the DID of `account` (its public key) signs for
 * `did.executeSigned`: domain tag, genesis hash, account, nonce (u64 little-endian), the last
 * block it may run in (u32 little-endian), the only submitter if any (a SCALE `Option` of an
 * account) and the SCALE-encoded `operation` (docs/did-method.md, "Signed operations").
 */
export function signedDidPayload(genesisHash, account, nonce, operation, validUntil, submitter = null) {
  const who = submitter ? u8aConcat(new Uint8Array([1]), decodeAddress(submitter)) : new Uint8Array([0]);
  return u8aConcat(stringToU8a('twinchain/did/v2'), genesisHash, account,
    bnToU8a(nonce, { bitLength: 64, isLe: true }), bnToU8a(validUntil, { bitLength: 32, isLe: true }),
    who, operation.toU8a());
}

/**
 * The machine's consent to be registered by `manufacturer` (an address): a `did.executeSigned`
 * that makes the manufacturer an authentication delegate of the machine's DID, signed by the
 * machine's key (`machine`, a keyring pair) at its DID's current nonce, valid for 600 blocks
 * (20 minutes); anyone may submit it.
 */
export async function machineConsent(api, machine, manufacturer) {
  const record = await api.query.did.dids(machine.address);
  const nonce = record.isSome ? record.unwrap().nonce.toNumber() : 0;
  const operation = api.createType('PalletDidDidOperation', {
    AddDelegate: { delegateType: 'Authentication', delegate: manufacturer, validFrom: null, validUntil: null },
  });
  const validUntil = (await api.query.system.number()).toNumber() + 600;
  const payload = signedDidPayload(api.genesisHash.toU8a(), machine.publicKey, nonce, operation, validUntil);
  return api.tx.did.executeSigned(machine.address, operation, nonce, validUntil, null, { Sr25519: machine.sign(payload) });
}

/** Transfers `amount` from `from` to `to` (an account or an address), so that `to` can pay fees. */
export function fund(api, from, to, amount = UNIT) {
  return signAndWait(api, api.tx.balances.transferKeepAlive(to.address ?? to, amount), from);
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
 * Dispatches `call` as root through sudo (dev chain) signed by `key`; rejects when the inner
 * call failed (`sudo.Sudid` carries its result: sudo itself succeeds either way).
 */
export async function sudoExec(api, call, key) {
  const r = await signAndWait(api, api.tx.sudo.sudo(call), key);
  const sudid = r.events.find(({ event }) => api.events.sudo.Sudid.is(event));
  if (!sudid) throw new Error('no sudo.Sudid event');
  const result = sudid.event.data.sudoResult ?? sudid.event.data[0];
  if (result.isErr) throw new Error(`the sudo call failed: ${describeError(api, result.asErr)}`);
  return r;
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
