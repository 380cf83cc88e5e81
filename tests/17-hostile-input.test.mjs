// Hostile input: a table of oversized inputs at every RPC and extrinsic boundary, and
// a replay of every kind of signed payload, in one place. Everything bad gets an error and
// changes nothing:
// - every bounded argument of every call of our pallets, one element over its bound, is refused
//   by the pool as undecodable — no fee, no nonce, no storage change — while the same call at
//   exactly the bound is accepted (so the bounds are the ones the table says). validator-set
//   takes only accounts; the gateway pallet has no calls (its offchain worker signs ordinary
//   extrinsics, whose replays are below);
// - an extrinsic longer than the block (or than the normal class's share of it) is refused;
// - a JSON-RPC request over the server's size limit is refused and the node serves on; our own
//   RPC methods and the DID HTTP interface answer oversized or ill-typed parameters with errors;
// - a signed extrinsic replayed (after inclusion, twice in the pool, signed for another chain,
//   after its era) and a signed DID operation, credential anchor or revocation replayed are
//   refused.
// The cases and the errors the node gave are printed as a table (`t.diagnostic`) for
// RELIABILITY.md. The last three tests hold what the first run of this file found and what was
// fixed: the error for an undecodable extrinsic was a bare wasm trap (now the runtime's panic
// message), errors quoted megabytes of input back (now at most 64 characters), and a long base58
// DID took time quadratic in its length (minutes for 1 MiB; now refused before decoding).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { Keyring } from '@polkadot/api';
import { WebSocket } from '@polkadot/x-ws';
import { compactAddLength } from '@polkadot/util';
import { blake2AsHex, randomAsU8a, xxhashAsHex } from '@polkadot/util-crypto';
import { freePort, waitFor } from './lib/harness.mjs';
import { describeError, devAccounts, did, schemaId, signAndWait, signedDidPayload, withDevNode } from './lib/chain.mjs';
/** `n` ASCII letters (a `BoundedVec<u8, _>` of length `n` once encoded). */
const text = (n, c = 'a') => c.repeat(n);
/** `n` copies of `item`. */
const times = (n, item) => Array.from({ length: n }, (_, i) => (typeof item === 'function' ? item(i) : item));
const MiB = 1024 * 1024;
/** Our pallets: their storage must not change when hostile input is refused. */
const PALLETS = ['Actors', 'Did', 'Credentials', 'Machines', 'Provenance', 'Telemetry', 'Tasks', 'ValidatorSet', 'Gateway'];

/** One JSON-RPC call over HTTP to `port`: the parsed answer (`result` or `error`) and the HTTP
 *  status; `body` may be a ready string (for oversized requests). Never throws on an RPC error. */
async function rawRpc(port, method, params = [], { body, timeoutMs = 60_000 } = {}) {
  const res = await fetch(`http://127.0.0.1:${port}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: body ?? JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const raw = await res.text();
  try {
    return { status: res.status, ...JSON.parse(raw) };
  } catch {
    return { status: res.status, raw };
  }
}

/** POSTs `body` to 127.0.0.1:`port` over a plain socket with `Expect: 100-continue` (as curl
 *  does for large bodies): the body is sent only once the server says "100 Continue", so a
 *  refusal comes back as an HTTP answer instead of a reset connection. Returns the final
 *  status, whether the body was sent, and the answer's JSON. */
function postExpectContinue(port, body) {
  return new Promise((resolve, reject) => {
    const sock = net.connect(port, '127.0.0.1');
    let buf = '';
    let sent = false;
    const timer = setTimeout(() => { sock.destroy(); reject(new Error('no answer within 60 s')); }, 60_000);
    sock.on('connect', () => sock.write(`POST / HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: application/json\r\n`
      + `Content-Length: ${Buffer.byteLength(body)}\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n`));
    sock.on('data', (c) => {
      buf += c.toString();
      if (!sent && /^HTTP\/1\.1 100 /.test(buf) && buf.includes('\r\n\r\n')) {
        buf = buf.slice(buf.indexOf('\r\n\r\n') + 4);
        sent = true;
        sock.write(body);
      }
    });
    sock.on('error', () => { /* the server closed: what it said is in buf */ });
    sock.on('close', () => {
      clearTimeout(timer);
      const [head, ...rest] = buf.split('\r\n\r\n');
      let json;
      try { json = JSON.parse(rest.join('\r\n\r\n').trim()); } catch { /* not JSON */ }
      resolve({ status: Number(head.match(/^HTTP\/1\.1 (\d+)/)?.[1]), bodySent: sent, ...(json ?? { raw: rest.join('') }) });
    });
  });
}

/** An RPC error as one short line: `code message: data`. */
function errorLine(r, max = 200) {
  if (!r.error) return r.raw !== undefined ? `HTTP ${r.status}: ${r.raw}`.slice(0, max) : '(no error)';
  const { code, message, data } = r.error;
  const d = data === undefined ? '' : `: ${typeof data === 'string' ? data : JSON.stringify(data)}`;
  const line = `${code} ${message}${d}`.replace(/\s+/g, ' ');
  return line.length > max ? `${line.slice(0, max)}… (${line.length} chars)` : line;
}

/** A Markdown table cell. */
const cell = (s) => String(s).replace(/\|/g, '\\|').replace(/\n/g, ' ');

test('hostile input at every boundary: refused with a clear error, nothing changes', async (t) => {
  const httpPort = await freePort();
  const { node, api } = await withDevNode(t, { name: 'hostile', args: ['--did-http', `127.0.0.1:${httpPort}`] });
  const { alice, bob, charlie, dave, eve, ferdie } = await devAccounts();
  const keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });
  const rows = []; // [boundary, input, result] for RELIABILITY.md
  let undecodable; // the whole error text of an undecodable extrinsic
  const answerSizes = []; // [RPC case, bytes of the answer]

  const submit = (hex, timeoutMs) => rawRpc(node.rpcPort, 'author_submitExtrinsic', [hex], { timeoutMs });
  const nextIndex = async (who) => Number(await node.rpc('system_accountNextIndex', [who.address]));
  const account = async (who) => {
    const a = await api.query.system.account(who.address);
    return { nonce: a.nonce.toNumber(), free: a.data.free.toBigInt(), reserved: a.data.reserved.toBigInt() };
  };
  const best = () => node.bestNumber();
  const blocksLater = async (n) => { const b = await best(); await waitFor(`block ${b + n}`, async () => (await best()) >= b + n, 60_000); };
  /** Every key and value under our pallets' storage prefixes at block `at`, hashed per pallet. */
  const snapshot = async (at) => {
    const out = {};
    for (const p of PALLETS) {
      const prefix = xxhashAsHex(p, 128);
      const keys = [];
      for (let start = null; ;) {
        const page = await node.rpc('state_getKeysPaged', [prefix, 1000, start, at]);
        keys.push(...page);
        if (page.length < 1000) break;
        start = page.at(-1);
      }
      const changes = keys.length ? (await node.rpc('state_queryStorageAt', [keys, at]))[0].changes : [];
      out[p] = `${keys.length} keys ${blake2AsHex(JSON.stringify(changes), 64)}`;
    }
    return out;
  };
  /** The dispatch outcome (`ok` or `pallet.Error`) of each extrinsic hash found in blocks from..best. */
  const outcomes = async (from, hashes) => {
    const found = new Map();
    const to = await best();
    for (let n = from; n <= to; n++) {
      const bh = await api.rpc.chain.getBlockHash(n);
      const block = await api.rpc.chain.getBlock(bh);
      const events = await (await api.at(bh)).query.system.events();
      block.block.extrinsics.forEach((x, i) => {
        const h = x.hash.toHex();
        if (!hashes.includes(h)) return;
        const ev = events.find(({ phase, event }) => phase.isApplyExtrinsic && phase.asApplyExtrinsic.eqn(i)
          && (api.events.system.ExtrinsicSuccess.is(event) || api.events.system.ExtrinsicFailed.is(event)));
        found.set(h, api.events.system.ExtrinsicSuccess.is(ev.event) ? 'ok' : describeError(api, ev.event.data[0]));
      });
    }
    return found;
  };

  // Reference data the calls name (existence does not matter for decoding, only for dispatch).
  const machine = keyring.addFromUri('//Hostile/machine');
  const product = keyring.addFromUri('//Hostile/product');
  const capabilitySchema = await schemaId(api, 'MachineCapability');
  const digest = randomAsU8a(32);
  const svc = (type = 'MqttBroker', endpoint = 'mqtt://10.0.0.5:1883') => ({ Service: { serviceType: type, endpoint } });
  const nameplate = (over = {}) => ({ manufacturerName: 'fischertechnik', model: 'LF 4.0', serialNumber: 'SN-1', yearOfConstruction: 2025, ...over });
  const productType = (over = {}) => ({ kind: 'workpiece', colour: 'White', tag: null, ...over });
  const stepInput = (over = {}) => ({
    capability: 'mill', machine: machine.address, task: null, start: 1, end: 2, params: '{}', result: { Ok: '' }, environment: null, ...over,
  });
  const metric = (i, name) => ({ metric: name ?? `m${String(i).padStart(2, '0')}`, count: 1, min: 0, max: 0, mean: 0 });
  const windowInput = (metrics) => ({ start: 0, end: 60_000, root: new Uint8Array(32), count: metrics.length, metrics });
  const rule = (over = {}) => ({ metric: 't', comparison: 'Above', threshold: 0, windows: 1, capability: 'maintain', reward: 10n ** 10n, ...over });
  const capability = (over = {}) => ({ id: 'kiln', params: [], ...over });
  const recipeStep = (over = {}) => ({ capability: 'mill', params: '{}', ...over });
  const didOp = (name) => api.createType('PalletDidDidOperation', { SetAttribute: { name, value: svc(), validFrom: null, validUntil: null } });

  // ---------------------------------------------------------------------------------------
  // 1. Every bounded argument of every call, one over its bound (and at the bound).
  //    `build(n)` makes the call with that argument of length n; `bound` is its limit.
  //    validator-set (add/remove_validator) takes only an account; gateway has no calls.
  const bounded = [
    // actors
    { name: 'actors.register_actor name', bound: 64,
      build: (n) => api.tx.actors.registerActor(keyring.addFromUri(`//Hostile/actor/${n}`).address, 'Customer', text(n)) },
    // credentials
    { name: 'credentials.register_schema name', bound: 64, build: (n) => api.tx.credentials.registerSchema(text(n), '{"type":"object"}') },
    { name: 'credentials.register_schema body', bound: 4096, build: (n) => api.tx.credentials.registerSchema('Hostile', `"${text(n - 2)}"`) },
    { name: 'credentials.anchor capability.id', bound: 32, build: (n) => api.tx.credentials.anchor(digest, ferdie.address, capabilitySchema, null, null, capability({ id: text(n) })) },
    { name: 'credentials.anchor capability.params', bound: 8, build: (n) => api.tx.credentials.anchor(digest, ferdie.address, capabilitySchema, null, null, capability({ params: times(n, (i) => [`k${i}`, '1']) })) },
    { name: 'credentials.anchor capability param key', bound: 32, build: (n) => api.tx.credentials.anchor(digest, ferdie.address, capabilitySchema, null, null, capability({ params: [[text(n), '1']] })) },
    { name: 'credentials.anchor capability param value', bound: 64, build: (n) => api.tx.credentials.anchor(digest, ferdie.address, capabilitySchema, null, null, capability({ params: [['k', text(n, '9')]] })) },
    // did
    { name: 'did.set_attribute name', bound: 32, build: (n) => api.tx.did.setAttribute(alice.address, text(n), svc(), null, null) },
    { name: 'did.set_attribute service type', bound: 32, build: (n) => api.tx.did.setAttribute(alice.address, 'svc', svc(text(n, 'A')), null, null) },
    { name: 'did.set_attribute service endpoint', bound: 200, build: (n) => api.tx.did.setAttribute(alice.address, 'svc', svc('MqttBroker', `mqtt://${text(n - 7)}`), null, null) },
    { name: 'did.revoke_attribute name', bound: 32, build: (n) => api.tx.did.revokeAttribute(alice.address, text(n)) },
    { name: 'did.execute_signed operation name', bound: 32, build: (n) => api.tx.did.executeSigned(machine.address, didOp(text(n)), 0, 1_000_000, null, { Sr25519: new Uint8Array(64) }) },
    // machines
    { name: 'machines.register_machine manufacturer_name', bound: 64, build: (n) => api.tx.machines.registerMachine(machine.address, nameplate({ manufacturerName: text(n) })) },
    { name: 'machines.register_machine model', bound: 64, build: (n) => api.tx.machines.registerMachine(machine.address, nameplate({ model: text(n) })) },
    { name: 'machines.register_machine serial_number', bound: 64, build: (n) => api.tx.machines.registerMachine(machine.address, nameplate({ serialNumber: text(n) })) },
    { name: 'machines.add_capability capability', bound: 32, build: (n) => api.tx.machines.addCapability(machine.address, text(n), digest) },
    { name: 'machines.remove_capability capability', bound: 32, build: (n) => api.tx.machines.removeCapability(machine.address, text(n)) },
    // provenance
    { name: 'provenance.register_lot reference', bound: 64, build: (n) => api.tx.provenance.registerLot(text(n), 'steel', 1) },
    { name: 'provenance.register_lot material', bound: 64, build: (n) => api.tx.provenance.registerLot('L-1', text(n), 1) },
    { name: 'provenance.create_product kind', bound: 64, build: (n) => api.tx.provenance.createProduct(productType({ kind: text(n) }), []) },
    { name: 'provenance.create_product tag', bound: 32, build: (n) => api.tx.provenance.createProduct(productType({ tag: text(n, 'f') }), []) },
    { name: 'provenance.create_product lots', bound: 8, build: (n) => api.tx.provenance.createProduct(productType(), times(n, (i) => i)) },
    { name: 'provenance.record_step capability', bound: 32, build: (n) => api.tx.provenance.recordStep(product.address, stepInput({ capability: text(n) })) },
    { name: 'provenance.record_step params', bound: 256, build: (n) => api.tx.provenance.recordStep(product.address, stepInput({ params: text(n) })) },
    { name: 'provenance.record_step result detail', bound: 64, build: (n) => api.tx.provenance.recordStep(product.address, stepInput({ result: { Failed: text(n) } })) },
    { name: 'provenance.recall_lot reason', bound: 128, build: (n) => api.tx.provenance.recallLot(0, text(n)) },
    { name: 'provenance.recall_machine_range reason', bound: 128, build: (n) => api.tx.provenance.recallMachineRange(machine.address, 0, 1, text(n)) },
    // tasks
    { name: 'tasks.create_task capability', bound: 32, build: (n) => api.tx.tasks.createTask(text(n), '{}', null, null, 10n ** 10n, 100, false, null) },
    { name: 'tasks.create_task params', bound: 256, build: (n) => api.tx.tasks.createTask('mill', text(n), null, null, 10n ** 10n, 100, false, null) },
    { name: 'tasks.complete_task result', bound: 64, build: (n) => api.tx.tasks.completeTask(0, text(n), new Uint8Array(32)) },
    { name: 'tasks.fail_task reason', bound: 64, build: (n) => api.tx.tasks.failTask(0, text(n)) },
    { name: 'tasks.register_recipe name', bound: 64, build: (n) => api.tx.tasks.registerRecipe(text(n), [recipeStep()]) },
    { name: 'tasks.register_recipe steps', bound: 16, build: (n) => api.tx.tasks.registerRecipe('r', times(n, recipeStep())) },
    { name: 'tasks.register_recipe step capability', bound: 32, build: (n) => api.tx.tasks.registerRecipe('r', [recipeStep({ capability: text(n) })]) },
    { name: 'tasks.register_recipe step params', bound: 256, build: (n) => api.tx.tasks.registerRecipe('r', [recipeStep({ params: text(n) })]) },
    { name: 'tasks.place_order kind', bound: 64, build: (n) => api.tx.tasks.placeOrder(0, productType({ kind: text(n) }), [], 10n ** 10n, 100) },
    { name: 'tasks.place_order tag', bound: 32, build: (n) => api.tx.tasks.placeOrder(0, productType({ tag: text(n, 'f') }), [], 10n ** 10n, 100) },
    { name: 'tasks.place_order lots', bound: 8, build: (n) => api.tx.tasks.placeOrder(0, productType(), times(n, (i) => i), 10n ** 10n, 100) },
    // telemetry
    { name: 'telemetry.anchor_window metrics', bound: 16, build: (n) => api.tx.telemetry.anchorWindow(machine.address, windowInput(times(n, (i) => metric(i)))) },
    { name: 'telemetry.anchor_window metric name', bound: 16, build: (n) => api.tx.telemetry.anchorWindow(machine.address, windowInput([metric(0, text(n))])) },
    { name: 'telemetry.set_rule metric', bound: 16, build: (n) => api.tx.telemetry.setRule(machine.address, rule({ metric: text(n) })) },
    { name: 'telemetry.set_rule capability', bound: 32, build: (n) => api.tx.telemetry.setRule(machine.address, rule({ capability: text(n) })) },
    { name: 'telemetry.remove_rule metric', bound: 16, build: (n) => api.tx.telemetry.removeRule(machine.address, text(n), 'Above') },
  ];

  await t.test('extrinsics: every bounded argument one over its bound is refused, at the bound accepted', async (s) => {
    // The runtime refuses to decode the extrinsic (`Bad input data provided to
    // validate_transaction: Codec error`); the last tests check the text.
    const UNDECODABLE = /^1002 Verification Error: Runtime error: Execution failed: Execution aborted due to (trap|panic)/;
    const startAccount = await account(alice);
    const startHash = await node.rpc('chain_getBlockHash', [await best()]);
    const before = await snapshot(startHash);
    assert.doesNotMatch(before.Actors, /^0 keys/, 'the snapshot sees our pallets\' storage');
    for (const c of bounded) {
      const nonce = await nextIndex(alice);
      const tx = await c.build(c.bound + 1).signAsync(alice, { nonce });
      const r = await submit(tx.toHex());
      assert.ok(r.error, `${c.name} = ${c.bound + 1}: accepted (${JSON.stringify(r)})`);
      assert.match(errorLine(r, 1000), UNDECODABLE, c.name);
      undecodable ??= errorLine(r, 10_000);
      assert.equal(await nextIndex(alice), nonce, `${c.name}: the nonce moved`);
      rows.push(['extrinsic', `${c.name}: ${c.bound + 1} (bound ${c.bound})`, `refused: ${errorLine(r, 110)}; nonce unchanged`]);
    }
    // Nothing was included, charged or stored: two blocks later the sender's account and our
    // pallets' storage are as before.
    await blocksLater(2);
    assert.deepEqual(await account(alice), startAccount, 'refused extrinsics charged nothing');
    const afterHash = await node.rpc('chain_getBlockHash', [await best()]);
    assert.deepEqual(await snapshot(afterHash), before, 'refused extrinsics changed no storage of our pallets');

    // At exactly the bound every call decodes: the pool takes it (its dispatch may still fail
    // for its own reasons, e.g. the sender's role).
    const from = await best();
    const start = await nextIndex(alice);
    const hashes = [];
    for (const [i, c] of bounded.entries()) {
      const tx = await c.build(c.bound).signAsync(alice, { nonce: start + i });
      const r = await submit(tx.toHex());
      assert.ok(r.result, `${c.name} = ${c.bound} (the bound) refused: ${errorLine(r)}`);
      hashes.push(r.result);
    }
    await waitFor('the calls at the bound in blocks', async () => (await account(alice)).nonce >= start + bounded.length, 60_000);
    const done = await outcomes(from, hashes);
    s.diagnostic(`at the bound, dispatch results: ${bounded.map((c, i) => `${c.name}=${done.get(hashes[i])}`).join(', ')}`);
    assert.equal(done.size, bounded.length, 'every call at the bound was included');
    rows.push(['extrinsic', `each of the ${bounded.length} arguments at exactly its bound`, `accepted by the pool and included (${[...done.values()].filter((v) => v === 'ok').length} succeed, the others fail on role/existence checks)`]);
  });

  // ---------------------------------------------------------------------------------------
  // 2. Whole extrinsics longer than a block may carry.
  await t.test('extrinsics longer than the block limit are refused, nothing charged', async () => {
    const before = await account(eve);
    for (const [size, why] of [[4 * MiB, 'over the 75% normal share (3.75 MiB)'], [6 * MiB, 'over the whole 5 MiB block']]) {
      const nonce = await nextIndex(eve);
      const tx = await api.tx.system.remark(compactAddLength(new Uint8Array(size).fill(0x61))).signAsync(eve, { nonce });
      assert.ok(tx.encodedLength > size, 'the remark has its full size');
      const r = await submit(tx.toHex(), 120_000);
      assert.ok(r.error, `a ${size / MiB} MiB remark was accepted`);
      assert.match(errorLine(r, 1000), /1010 Invalid Transaction: .*exhaust the block limits/);
      assert.equal(await nextIndex(eve), nonce);
      rows.push(['extrinsic size', `system.remark of ${size / MiB} MiB (${why})`, errorLine(r)]);
    }
    await blocksLater(1);
    assert.deepEqual(await account(eve), before, 'the refused extrinsics charged nothing');
    // A large one within the limit is taken.
    const nonce = await nextIndex(eve);
    const tx = await api.tx.system.remark(compactAddLength(new Uint8Array(3 * MiB).fill(0x61))).signAsync(eve, { nonce });
    const r = await submit(tx.toHex(), 120_000);
    assert.ok(r.result, `a 3 MiB remark was refused: ${errorLine(r)}`);
    await waitFor('the 3 MiB remark in a block', async () => (await account(eve)).nonce > nonce, 60_000);
    const after = await account(eve);
    assert.equal(after.nonce, before.nonce + 1, 'only the 3 MiB remark was included');
    rows.push(['extrinsic size', 'system.remark of 3 MiB (within the limit)', 'accepted and included']);
  });

  // ---------------------------------------------------------------------------------------
  // 3. The RPC server: requests over its size limit; our methods with hostile parameters.
  await t.test('RPC: oversized requests refused, hostile parameters get JSON-RPC errors', async (s) => {
    const alive = async (what) => {
      const h = await node.rpc('system_health');
      assert.ok(h && typeof h.peers === 'number', `${what}: system_health answers`);
      assert.equal(node.proc.exitCode, null, `${what}: the node is running`);
    };
    // Over HTTP: a request body over --rpc-max-request-size (15 MiB by default).
    const huge = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'system_health', params: [text(16 * MiB)] });
    // Sent at once, the server reads up to the limit and closes the connection (the client's
    // write fails; what it answered is lost with the reset).
    const sent = await rawRpc(node.rpcPort, null, null, { body: huge }).then((a) => `answered HTTP ${a.status}: ${errorLine(a)}`, (e) => `connection closed (${e.cause?.code ?? e.message})`);
    assert.doesNotMatch(sent, /"result"|HTTP 200: \(no error\)/, 'a 16 MiB request is not served');
    rows.push(['RPC size', 'HTTP JSON-RPC request of 16 MiB (limit 15 MiB), body sent at once', sent]);
    await alive('after a 16 MiB HTTP request');
    // With Expect: 100-continue the server refuses it before the body, with a clear answer.
    let r = await postExpectContinue(node.rpcPort, huge);
    assert.equal(r.status, 413, `HTTP status for a 16 MiB request: ${r.status} ${errorLine(r)}`);
    assert.equal(r.bodySent, false, 'refused before the body was sent');
    assert.match(errorLine(r), /-32007 Request is too big: Exceeded max limit of 15728640/);
    rows.push(['RPC size', 'the same with Expect: 100-continue (as curl sends it)', `HTTP ${r.status}, ${errorLine(r)}`]);
    await alive('after a 16 MiB HTTP request with Expect: 100-continue');
    // Over WebSocket: the same message; the server answers with an error or closes the socket.
    const ws = await new Promise((resolve, reject) => {
      const sock = new WebSocket(node.wsUrl);
      sock.onopen = () => resolve(sock);
      sock.onerror = (e) => reject(new Error(`ws: ${e.message}`));
    });
    const wsOutcome = await new Promise((resolve) => {
      const timer = setTimeout(() => resolve('no answer within 30 s'), 30_000);
      ws.onmessage = (m) => { clearTimeout(timer); resolve(`answer: ${String(m.data).slice(0, 160)}`); };
      ws.onclose = (e) => { clearTimeout(timer); resolve(`closed with code ${e.code}${e.reason ? ` (${e.reason})` : ''}`); };
      ws.send(huge);
    });
    try { ws.close(); } catch { /* closed */ }
    assert.doesNotMatch(wsOutcome, /no answer/, 'the WebSocket server reacts to a 16 MiB message');
    assert.doesNotMatch(wsOutcome, /"result"/, 'a 16 MiB WebSocket message is not served');
    rows.push(['RPC size', 'WebSocket JSON-RPC message of 16 MiB', wsOutcome]);
    await alive('after a 16 MiB WebSocket message');

    const someDid = did(ferdie.address);
    // Not base58 ('0' is not in its alphabet): refused at the first character. Long base58 DIDs
    // are the last test.
    const big = (n) => `did:twin:${text(n, '0')}`;
    const rpcCases = [
      // [method, params, expected: the JSON-RPC error (or the DID resolution error in the result)
      //  as a pattern, or the exact JSON of the result, what the input is]
      ['did_resolve', [big(MiB)], /invalidDid/, 'a 1 MiB DID'],
      ['did_resolve', [42], /-32602 Invalid params: invalid type: integer `42`, expected a string/, 'a number for the DID'],
      ['did_resolve', [someDid, { versionId: 2 ** 64 }], /invalidOptions.*versionId .*expected a block number/, 'versionId 2^64'],
      ['did_resolve', [someDid, { keyFormat: text(MiB) }], /invalidOptions.*keyFormat/, 'a 1 MiB keyFormat'],
      ['provenance_trace', [big(MiB)], /-32602 .*not a did:twin DID/, 'a 1 MiB DID'],
      ['provenance_trace', [someDid, { fromStep: 2 ** 40, limit: 1 }], /-32602 Invalid params: .*expected u32/, 'fromStep 2^40'],
      ['provenance_trace', [someDid, { limit: 2 ** 31 }], /-32602 limit 2147483648 is outside 1\.\.=1000/, 'limit 2^31'],
      ['provenance_productsByMachine', [someDid, 1e300, 'not a time'], /-32602 from: 1e\+300 is not a time in ms/, 'from 1e300'],
      ['provenance_productsByMachine', [someDid, 0, text(MiB)], /-32602 to: /, 'to: 1 MiB of text'],
      ['provenance_lot', [2 ** 64], /-32602 Invalid params: .*expected u64/, 'lot 2^64'],
      ['provenance_lot', ['abc'], /-32602 Invalid params: invalid type: string "abc", expected u64/, 'a string for the lot'],
      // Lookups of things that cannot exist (tags are ≤ 32 bytes, capabilities ≤ 32) answer "none".
      ['provenance_productByTag', [text(MiB)], 'null', 'a 1 MiB tag'],
      ['machines_byCapability', [text(MiB)], '[]', 'a 1 MiB capability'],
      ['machines_status', [someDid, -1], /-32602 Invalid params: invalid value: integer `-1`, expected u64/, 'at = -1'],
      ['machines_status', [big(MiB)], /-32602 .*not a did:twin DID/, 'a 1 MiB DID'],
      ['telemetry_proof', [someDid, 0, 2 ** 32], /-32602 Invalid params: .*expected u32/, 'index 2^32'],
      ['telemetry_window', [someDid, { nested: times(1000, 1) }], /-32602 start: .* is not a time/, 'an object for the start'],
      ['telemetry_windows', [someDid, { limit: 2 ** 32 - 1 }], /-32602 limit 4294967295 is not 1 \.\.= 100/, 'limit 2^32-1'],
      ['telemetry_rules', [big(MiB)], /-32602 .*not a did:twin DID/, 'a 1 MiB DID'],
      ['did_resolve', [`did:twin:${text(4096, 'z')}`], /invalidDid/, 'a 4 KiB DID of base58 digits'],
      ['system_accountNextIndex', [text(MiB, '0')], /-32602 Invalid params: Base 58 requirement is violated/, 'a 1 MiB account (not base58)'],
      ['payment_queryInfo', [`0x${'ff'.repeat(MiB / 2)}`], /Could not decode `OpaqueExtrinsic/, '512 KiB of garbage as an extrinsic'],
      ['author_submitExtrinsic', [`0x${'ff'.repeat(MiB / 2)}`], /1040 Client error: Could not decode `OpaqueExtrinsic/, '512 KiB of garbage as an extrinsic'],
      ['author_submitExtrinsic', ['not hex'], /-32602 Invalid params: invalid hex character/, 'not hex'],
      ['state_call', ['Core_version', `0x${'ff'.repeat(MiB / 2)}`], /4003 Client error: Execution failed/, 'Core_version with 512 KiB of arguments'],
    ];
    for (const [method, params, expected, what] of rpcCases) {
      const started = Date.now();
      r = await rawRpc(node.rpcPort, method, params, { timeoutMs: 30_000 });
      const bytes = JSON.stringify(r).length;
      const meta = r.result?.didResolutionMetadata;
      const answer = r.error ? errorLine(r) : `result: ${JSON.stringify(r.result)?.slice(0, 200)}`;
      s.diagnostic(`${method} (${what}): ${answer} [${Date.now() - started} ms, ${bytes} bytes]`);
      if (typeof expected === 'string') {
        assert.equal(JSON.stringify(r.result), expected, `${method} with ${what}: ${answer}`);
      } else {
        assert.ok(r.error || meta?.error, `${method} with ${what} answered without an error: ${answer}`);
        assert.match(r.error ? errorLine(r, Infinity) : JSON.stringify(meta), expected, `${method} with ${what}`);
      }
      const said = r.error ? errorLine(r, 160) : meta ? `resolution error ${meta.error}: ${meta.errorMessage}` : `result ${JSON.stringify(r.result)}`;
      rows.push(['RPC params', `${method}: ${what}`, said.length > 160 ? `${said.slice(0, 160)}… (${bytes} bytes in all)` : said]);
      answerSizes.push([`${method} (${what})`, bytes]);
      await alive(`after ${method} with ${what}`);
    }

    // The DID resolver's HTTP interface (--did-http) reads at most 16 KiB of request head.
    for (const [what, id, expected] of [
      ['a 15,000-character DID of base58 digits', `did:twin:${text(15_000, 'z')}`, /^400 .*invalidDid/],
      ['a 1 MiB DID (request head over 16 KiB)', `did:twin:${text(MiB, 'z')}`, /^400 \{"error":"malformed HTTP request"\}|^connection reset/],
    ]) {
      const got = await fetch(`http://127.0.0.1:${httpPort}/1.0/identifiers/${id}`, { signal: AbortSignal.timeout(30_000) })
        .then(async (res) => ({ status: res.status, body: await res.text() }), (e) => ({ reset: e.cause?.code ?? e.message }));
      const line = got.reset ? `connection reset (${got.reset})` : `${got.status} ${got.body}`;
      assert.match(line, expected, `DID HTTP interface, ${what}`);
      const meta = got.body?.startsWith('{"@context"') ? JSON.parse(got.body).didResolutionMetadata : undefined;
      rows.push(['DID HTTP', `GET /1.0/identifiers/ with ${what}`, meta ? `${got.status}, ${meta.error}: ${meta.errorMessage}` : line.slice(0, 160)]);
      await alive(`after the DID HTTP interface got ${what}`);
    }
  });

  // ---------------------------------------------------------------------------------------
  // 4. Replays of every kind of signed payload.
  await t.test('replays of signed extrinsics, signed DID operations and anchors are refused', async () => {
    // (a) A signed extrinsic submitted again after it was included and finalized (until then
    // the pool remembers it: "Already Imported").
    let nonce = await nextIndex(alice);
    const once = (await api.tx.system.remark('hostile: once').signAsync(alice, { nonce })).toHex();
    assert.ok((await submit(once)).result);
    await waitFor('the remark in a finalized block', async () =>
      (await (await api.at(await api.rpc.chain.getFinalizedHead())).query.system.account(alice.address)).nonce.toNumber() > nonce, 60_000);
    const aliceAfter = await account(alice);
    let r = await submit(once);
    assert.match(errorLine(r), /1010 Invalid Transaction: Transaction is outdated/);
    assert.equal(await nextIndex(alice), nonce + 1);
    await blocksLater(1);
    assert.deepEqual(await account(alice), aliceAfter, 'the replay changed Alice\'s account');
    rows.push(['replay', 'signed extrinsic resubmitted after its inclusion (finalized)', errorLine(r)]);

    // (b) Submitted twice before inclusion: held in the future queue (nonce + 1) so that no
    // block can take it between the two submissions.
    nonce = await nextIndex(bob);
    const future = (await api.tx.system.remark('hostile: twice').signAsync(bob, { nonce: nonce + 1 })).toHex();
    assert.ok((await submit(future)).result);
    r = await submit(future);
    assert.match(errorLine(r), /1013 Transaction Already Imported/);
    rows.push(['replay', 'signed extrinsic submitted twice to the pool before inclusion', errorLine(r)]);
    // Another extrinsic with the same nonce and tip: the pool may hold both while they wait, but
    // only one can ever be included.
    const rival = (await api.tx.system.remark('hostile: rival').signAsync(bob, { nonce: nonce + 1 })).toHex();
    const rivalAnswer = await submit(rival);
    const gap = (await api.tx.system.remark('hostile: gap').signAsync(bob, { nonce })).toHex();
    assert.ok((await submit(gap)).result);
    await waitFor('Bob\'s remarks in blocks', async () => (await account(bob)).nonce >= nonce + 2, 60_000);
    await blocksLater(2);
    assert.equal((await account(bob)).nonce, nonce + 2, 'the duplicate and the rival were not included besides the original');
    assert.equal(await nextIndex(bob), nonce + 2, 'nothing of Bob\'s is left in the pool');
    rows.push(['replay', 'another extrinsic with a nonce already waiting in the pool (same tip)',
      `${rivalAnswer.error ? errorLine(rivalAnswer) : 'taken into the future queue'}; only one extrinsic with that nonce was included`]);

    // (c) Signed for another chain (another genesis hash): the signature does not verify here.
    nonce = await nextIndex(eve);
    const foreign = await api.tx.system.remark('hostile: foreign').signAsync(eve, { nonce, era: 0, genesisHash: `0x${'11'.repeat(32)}` });
    r = await submit(foreign.toHex());
    assert.match(errorLine(r), /1010 Invalid Transaction: .*bad signature/);
    assert.equal(await nextIndex(eve), nonce);
    rows.push(['replay', 'signed extrinsic signed for another chain (genesis hash)', errorLine(r)]);

    // (d) A mortal extrinsic (4-block era) submitted after its era: refused.
    nonce = await nextIndex(dave);
    const mortal = await api.tx.system.remark('hostile: mortal').signAsync(dave, { nonce, era: 4 });
    await blocksLater(6);
    r = await submit(mortal.toHex());
    assert.match(errorLine(r), /1010 Invalid Transaction: .*(bad signature|ancient birth block|outdated)/);
    assert.equal(await nextIndex(dave), nonce);
    rows.push(['replay', 'mortal extrinsic (era of 4 blocks) submitted 6 blocks later', errorLine(r)]);

    // (e) A signed DID operation (execute_signed) replayed in a new extrinsic.
    const genesis = api.genesisHash.toU8a();
    const until = 1_000_000;
    const signOp = (op, n, genesisHash = genesis) => machine.sign(signedDidPayload(genesisHash, machine.publicKey, n, op, until));
    const op = didOp('mqtt');
    const sig = signOp(op, 0);
    await signAndWait(api, api.tx.did.executeSigned(machine.address, op, 0, until, null, { Sr25519: sig }), alice);
    assert.equal((await api.query.did.dids(machine.address)).unwrap().nonce.toNumber(), 1);
    /** Submits `tx` from `signer`: it must be included and fail with `expected`, and no storage
     *  of our pallets may change (only the fee and nonce of the submitter do). */
    const refused = async (tx, signer, expected, what) => {
      const at = async () => node.rpc('chain_getBlockHash', [await best()]);
      const before = await snapshot(await at());
      await assert.rejects(signAndWait(api, tx, signer), expected, what);
      assert.deepEqual(await snapshot(await at()), before, `${what}: storage changed`);
      rows.push(['replay', what, `included, fails with ${expected.source.replace(/\\/g, '')}; no storage changed (the submitter pays the fee)`]);
    };
    await refused(api.tx.did.executeSigned(machine.address, op, 0, until, null, { Sr25519: sig }), alice, /did\.BadNonce/,
      'signed DID operation replayed (same nonce and signature)');
    await refused(api.tx.did.executeSigned(machine.address, op, 1, until, null, { Sr25519: sig }), alice, /did\.BadSignature/,
      'signed DID operation replayed with the current nonce');
    await refused(api.tx.did.executeSigned(machine.address, didOp('mqtt2'), 1, until, null, { Sr25519: sig }), alice, /did\.BadSignature/,
      'signature of one DID operation on another operation');
    await refused(api.tx.did.executeSigned(machine.address, op, 1, until, null, { Sr25519: signOp(op, 1, new Uint8Array(32).fill(0x11)) }), alice,
      /did\.BadSignature/, 'signed DID operation signed for another chain (genesis hash)');
    await refused(api.tx.did.executeSigned(ferdie.address, op, 0, until, null, { Sr25519: sig }), alice, /did\.BadSignature/,
      'signed DID operation replayed on another DID');

    // (f) A credential anchor (the VC-JWT's digest, signed by its issuer) replayed, and a
    // revocation replayed.
    const vc = randomAsU8a(32);
    await signAndWait(api, api.tx.credentials.anchor(vc, ferdie.address, capabilitySchema, null, null, null), charlie);
    await refused(api.tx.credentials.anchor(vc, ferdie.address, capabilitySchema, null, null, null), charlie, /credentials\.AlreadyAnchored/,
      'credential anchor replayed by its issuer (same digest)');
    await refused(api.tx.credentials.anchor(vc, bob.address, capabilitySchema, null, null, null), bob, /BadOrigin/,
      'credential anchor replayed by a non-certifier');
    await signAndWait(api, api.tx.credentials.revoke(vc), charlie);
    await refused(api.tx.credentials.revoke(vc), charlie, /credentials\.AlreadyRevoked/, 'credential revocation replayed');
  });

  // ---------------------------------------------------------------------------------------
  // What the first run of this file found, fixed since.
  await t.test('an undecodable extrinsic is refused with a message that says so', () => {
    assert.ok(undecodable, 'an oversized argument was refused above');
    assert.match(undecodable, /Bad input data provided to validate_transaction|Codec error/);
  });

  await t.test('RPC errors do not echo megabytes of hostile input', () => {
    const big = answerSizes.filter(([, bytes]) => bytes > 16_384);
    assert.deepEqual(big, [], 'answers over 16 KiB');
  });

  // Last: before the fix this left the node busy for minutes.
  await t.test('a 1 MiB DID of base58 digits gets its error, and the RPC serves others meanwhile', async () => {
    const long = `did:twin:${text(MiB, 'z')}`;
    const abort = new AbortController();
    const pending = ['did_resolve', 'provenance_trace'].map((method) => fetch(`http://127.0.0.1:${node.rpcPort}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params: [long] }),
      signal: abort.signal,
    }).then((res) => res.json()).catch((e) => ({ aborted: e.message })));
    try {
      const health = await rawRpc(node.rpcPort, 'system_health', [], { timeoutMs: 15_000 }).catch((e) => ({ failed: e.message }));
      assert.ok(health.result, `system_health while two 1 MiB DIDs are parsed: ${JSON.stringify(health)}`);
      const timer = setTimeout(() => abort.abort(), 15_000);
      const [resolved, traced] = await Promise.all(pending);
      clearTimeout(timer);
      assert.equal(resolved.result?.didResolutionMetadata?.error, 'invalidDid', JSON.stringify(resolved).slice(0, 300));
      assert.equal(traced.error?.code, -32602, JSON.stringify(traced).slice(0, 300));
    } finally {
      abort.abort();
    }
  });

  t.diagnostic(`\n| Boundary | Input | Result |\n|---|---|---|\n${rows.map((r) => `| ${r.map(cell).join(' | ')} |`).join('\n')}`);
});
