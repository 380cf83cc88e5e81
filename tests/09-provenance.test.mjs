// Products' provenance on a running node: a supplier registers lots, a manufacturer creates
// products with DIDs, colours and NFC tags, three machines record four process steps, a quality
// credential is attached, custody goes to a customer who accepts it; `provenance_trace` is
// checked step by step over JSON-RPC and the CLI; recalls of a lot and of a machine's time
// range reach exactly the affected products.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Keyring } from '@polkadot/api';
import { u8aToHex } from '@polkadot/util';
import { randomAsU8a } from '@polkadot/util-crypto';
import { runBin, sleep, waitFor } from './lib/harness.mjs';
import { devAccounts, did, fund, machineConsent, schemaId, signAndWait, withDevNode } from './lib/chain.mjs';

test('provenance: lots, products, steps on several machines, custody, credentials, recalls', async (t) => {
  const { node, api } = await withDevNode(t, { name: 'dev-provenance' });
  const { alice, bob, charlie, dave, eve } = await devAccounts();
  const keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });
  const hbw = keyring.addFromUri('//Factory/hbw');
  const mpo = keyring.addFromUri('//Factory/mpo');
  const sld = keyring.addFromUri('//Factory/sld');

  const capabilitySchema = await schemaId(api, 'MachineCapability');
  const qualitySchema = await schemaId(api, 'QualityCertificate');
  const eventOf = (events, name) => {
    const e = events.find(({ event }) => api.events.provenance[name].is(event));
    assert.ok(e, `a provenance.${name} event`);
    return e.event.data;
  };

  // Three stations of the fischertechnik line, each with credentialed capabilities.
  const nameplate = (model, serial) => ({ manufacturerName: 'fischertechnik', model, serialNumber: serial, yearOfConstruction: 2025 });
  const stations = [[hbw, 'High-bay warehouse', ['retrieve']], [mpo, 'Multi-processing station', ['fire', 'mill']], [sld, 'Sorting line', ['sort']]];
  for (const [m, model, caps] of stations) {
    await signAndWait(api, await machineConsent(api, m, alice.address), alice);
    await signAndWait(api, api.tx.machines.registerMachine(m.address, nameplate(model, `${model}-1`)), alice);
    for (const cap of caps) {
      const digest = randomAsU8a(32);
      await signAndWait(api, api.tx.credentials.anchor(digest, m.address, capabilitySchema, null, null, { id: cap, params: [] }), charlie);
      await signAndWait(api, api.tx.machines.addCapability(m.address, cap, digest), alice);
    }
  }

  // What the steps below share: lots, products, the steps' plan and times, the kiln's environment
  // window, the quality certificate and p1's trace.
  const create = async (colour, tag, lots) => {
    const { events } = await signAndWait(api, api.tx.provenance.createProduct({ kind: 'workpiece', colour, tag }, lots), alice);
    return eventOf(events, 'ProductCreated').product.toString();
  };
  const lifecycle = async (p) => (await node.rpc('provenance_trace', [did(p), { limit: 1 }])).lifecycle;
  let lotWhite;
  let p1;
  let p2;
  let p3;
  let t0;
  let plan;
  let env;
  let certificate;
  let trace;

  await t.test('a supplier registers lots; a manufacturer creates products with their own DIDs and tags', async () => {
    // Bob (supplier) registers two lots; Alice (manufacturer) may not.
    await assert.rejects(signAndWait(api, api.tx.provenance.registerLot('L-X', 'blank', 1), alice), /BadOrigin/);
    lotWhite = eventOf((await signAndWait(api, api.tx.provenance.registerLot('L-2026-W', 'workpiece blank, white', 100), bob)).events, 'LotRegistered').lot.toNumber();
    const lotRed = eventOf((await signAndWait(api, api.tx.provenance.registerLot('L-2026-R', 'workpiece blank, red', 100), bob)).events, 'LotRegistered').lot.toNumber();

    // Alice creates three workpieces; each gets its own DID, controlled by her.
    p1 = await create('White', '04a1b2c3d4e5f6', [lotWhite]);
    p2 = await create('Red', '04a1b2c3d4e5f7', [lotRed]);
    p3 = await create('White', null, [lotWhite]);
    await assert.rejects(create('Blue', '04a1b2c3d4e5f6', []), /provenance\.TagInUse/);
    assert.equal(await node.rpc('provenance_productByTag', ['04a1b2c3d4e5f6']), did(p1));
    assert.equal(await node.rpc('provenance_productByTag', ['ffff']), null);
    const doc = await node.rpc('did_resolve', [did(p1)]);
    assert.equal(doc.didDocument.controller, did(alice.address), 'the product DID is controlled by its manufacturer');
  });

  await t.test('the custodian records steps of its machines with capabilities they hold; an anchored environment window joins its step', async () => {
    // Four steps on three machines for p1, one step each for p2 and p3 on the warehouse, all
    // after the products were created (a step may not start earlier) and reported once they
    // ended: the plan spans 6.8 s from now.
    t0 = Date.now();
    await sleep(7_500);
    plan = [
      [p1, hbw, 'retrieve', 0, 800, '{"from":"A1"}', { Ok: '' }],
      [p1, mpo, 'fire', 1_000, 2_500, '{"tempC":220,"s":15}', { Ok: '221C' }],
      [p1, mpo, 'mill', 2_600, 3_600, '{"depthMm":2}', { Ok: '' }],
      [p1, sld, 'sort', 4_000, 4_500, '{}', { Ok: 'WHITE' }],
      [p2, hbw, 'retrieve', 5_000, 5_800, '{"from":"B2"}', { Ok: '' }],
      [p3, hbw, 'retrieve', 6_000, 6_800, '{"from":"C3"}', { Failed: 'E42 gripper' }],
    ];
    const stepInput = ([, m, capability, s, e, params, result], task) => ({
      capability, machine: m.address, task, start: t0 + s, end: t0 + e, params, result, environment: null,
    });
    for (const [i, row] of plan.entries()) {
      await signAndWait(api, api.tx.provenance.recordStep(row[0], stepInput(row, 100 + i)), alice);
    }
    // Only the custodian (or whoever acts for its DID) records: not the step's own machine.
    await fund(api, alice, sld);
    await assert.rejects(signAndWait(api, api.tx.provenance.recordStep(p1, stepInput(plan[3], null)), sld), /provenance\.NotAuthorized/);
    // Refusals: a capability the machine lacks; a stranger recording.
    await assert.rejects(signAndWait(api, api.tx.provenance.recordStep(p1, stepInput([p1, hbw, 'mill', 0, 1, '', { Ok: '' }], null)), alice), /provenance\.CapabilityNotValid/);
    await assert.rejects(signAndWait(api, api.tx.provenance.recordStep(p1, stepInput(plan[0], null)), eve), /provenance\.NotAuthorized/);
    // The kiln's telemetry window is anchored later (by the kiln itself) and attached to its step:
    // the chain checks that the window is anchored and overlaps the step.
    env = u8aToHex(randomAsU8a(32));
    await fund(api, alice, mpo);
    const tempC = { metric: 't', count: 1, min: 221_000, max: 221_000, mean: 221_000 };
    await signAndWait(api, api.tx.telemetry.anchorWindow(mpo.address, { start: t0 + 1_000, end: t0 + 2_000, root: env, count: 1, metrics: [tempC] }), mpo);
    await assert.rejects(signAndWait(api, api.tx.provenance.attachEnvironment(p1, 1, mpo.address, t0 + 3_000), alice), /provenance\.EnvironmentNotAnchored/);
    await signAndWait(api, api.tx.provenance.attachEnvironment(p1, 1, mpo.address, t0 + 1_000), alice);
  });

  await t.test('finished, certified, shipped to a customer who accepts it', async () => {
    // Finished, certified, shipped to Dave (customer), who accepts it.
    await signAndWait(api, api.tx.provenance.finish(p1), alice);
    certificate = randomAsU8a(32);
    await signAndWait(api, api.tx.credentials.anchor(certificate, p1, qualitySchema, null, null, null), charlie);
    await signAndWait(api, api.tx.provenance.attachCredential(p1, certificate), charlie);
    await assert.rejects(signAndWait(api, api.tx.provenance.offerCustody(p1, keyring.addFromUri('//Nobody').address), alice), /provenance\.ReceiverNotActor/);
    await signAndWait(api, api.tx.provenance.offerCustody(p1, dave.address), alice);
    await assert.rejects(signAndWait(api, api.tx.provenance.acceptCustody(p1), eve), /provenance\.NotReceiver/);
    await signAndWait(api, api.tx.provenance.acceptCustody(p1), dave);
    // The product's DID went with it: Dave controls it now, Alice can no longer deactivate it.
    const doc = await node.rpc('did_resolve', [did(p1)]);
    assert.equal(doc.didDocument.controller, did(dave.address), 'the buyer controls the sold product\'s DID');
    await assert.rejects(signAndWait(api, api.tx.did.deactivate(p1), alice), /did\.NotController/);
  });

  await t.test('provenance_trace tells the story step by step', async () => {
    trace = await node.rpc('provenance_trace', [did(p1)]);
    assert.equal(trace.product, did(p1));
    assert.equal(trace.manufacturer, did(alice.address));
    assert.equal(trace.custodian, did(dave.address));
    assert.equal(trace.lifecycle, 'Delivered');
    assert.deepEqual(trace.type, { kind: 'workpiece', colour: 'WHITE', nfcTag: '04a1b2c3d4e5f6' });
    assert.equal(trace.lots.length, 1);
    assert.deepEqual([trace.lots[0].id, trace.lots[0].supplier, trace.lots[0].reference, trace.lots[0].material],
      [lotWhite, did(bob.address), 'L-2026-W', 'workpiece blank, white']);
    assert.equal(trace.steps.total, 4);
    assert.equal(trace.steps.next, null);
    const p1Plan = plan.filter((row) => row[0] === p1);
    for (const [i, step] of trace.steps.items.entries()) {
      const [, m, capability, s, e, params, result] = p1Plan[i];
      assert.equal(step.index, i);
      assert.equal(step.capability, capability, `step ${i}`);
      assert.equal(step.machine, did(m.address), `step ${i}`);
      assert.equal(step.task, 100 + i);
      assert.equal(step.start.ms, t0 + s);
      assert.equal(step.end.ms, t0 + e);
      assert.equal(step.start.utc, new Date(Math.floor((t0 + s) / 1000) * 1000).toISOString().replace('.000Z', 'Z'));
      assert.equal(step.params, params);
      assert.deepEqual(step.result, { ok: 'Ok' in result, detail: Object.values(result)[0] });
      assert.equal(step.recorder, did(alice.address));
      assert.deepEqual(step.environment, i === 1 ? { sensor: did(mpo.address), start: { ms: t0 + 1_000, utc: new Date(t0 + 1_000).toISOString().replace(/\.\d{3}Z$/, 'Z') }, root: env } : null);
    }
    assert.deepEqual(trace.custody.map((c) => [c.from, c.to]), [[did(alice.address), did(dave.address)]]);
    assert.equal(trace.pendingOffer, null);
    assert.equal(trace.credentials.length, 1);
    assert.deepEqual([trace.credentials[0].digest, trace.credentials[0].issuer, trace.credentials[0].status],
      [u8aToHex(certificate), did(charlie.address), 'valid']);
    assert.equal(trace.recall, null);
  });

  await t.test('the trace pages its steps; bad requests get errors', async () => {
    // Pages of the log.
    const page1 = await node.rpc('provenance_trace', [did(p1), { limit: 2 }]);
    assert.deepEqual(page1.steps.items.map((s) => s.capability), ['retrieve', 'fire']);
    assert.equal(page1.steps.next, 2);
    const page2 = await node.rpc('provenance_trace', [did(p1), { fromStep: page1.steps.next, limit: 2 }]);
    assert.deepEqual(page2.steps.items.map((s) => s.capability), ['mill', 'sort']);
    assert.equal(page2.steps.next, null);
    await assert.rejects(node.rpc('provenance_trace', [did(p1), { limit: 5000 }]), /limit 5000 is outside/);
    await assert.rejects(node.rpc('provenance_trace', [did(eve.address)]), /-32001.*no product has the DID/);
    await assert.rejects(node.rpc('provenance_trace', ['did:twin:nope']), /not a did:twin DID/);
  });

  await t.test('the CLI prints the same trace', async () => {
    const cli = runBin(['provenance', 'trace', did(p1), '--url', node.wsUrl]);
    assert.equal(cli.status, 0, cli.stderr);
    assert.deepEqual(JSON.parse(cli.stdout).steps, trace.steps);
  });

  await t.test('what a machine worked on, in time order, by ms or RFC 3339 bounds (RPC and CLI)', async () => {
    // What the warehouse worked on, in time order; RFC 3339 bounds work as well as ms.
    const byHbw = await node.rpc('provenance_productsByMachine', [did(hbw.address), t0, t0 + 7_000]);
    assert.deepEqual(byHbw.steps.map((s) => [s.product, s.index]), [[did(p1), 0], [did(p2), 0], [did(p3), 0]]);
    assert.deepEqual(byHbw.products, [did(p1), did(p2), did(p3)]);
    const iso = (ms) => new Date(ms).toISOString();
    const window = await node.rpc('provenance_productsByMachine', [did(hbw.address), iso(t0 + 5_000), iso(t0 + 5_500)]);
    assert.deepEqual(window.products, [did(p2)]);
    const first = await node.rpc('provenance_productsByMachine', [did(hbw.address), t0, t0 + 7_000, { limit: 2 }]);
    const rest = await node.rpc('provenance_productsByMachine', [did(hbw.address), t0, t0 + 7_000, { limit: 2, after: first.next }]);
    assert.deepEqual([...first.products, ...rest.products], [did(p1), did(p2), did(p3)]);
    let cli = runBin(['provenance', 'by-machine', did(mpo.address), '--from', iso(t0), '--to', String(t0 + 7_000), '--url', node.wsUrl]);
    assert.equal(cli.status, 0, cli.stderr);
    assert.deepEqual(JSON.parse(cli.stdout).steps.map((s) => s.index), [1, 2]);
    cli = runBin(['provenance', 'by-machine', did(mpo.address), '--from', 'yesterday', '--to', '1', '--url', node.wsUrl]);
    assert.notEqual(cli.status, 0);
    assert.match(cli.stderr, /not an RFC 3339 date-time/);
  });

  await t.test('a lot recall reaches every product made from the lot, and only those', async () => {
    // Bob recalls the white lot: every product made from it is marked, and only those.
    assert.deepEqual((await node.rpc('provenance_lot', [lotWhite])).products.sort(), [did(p1), did(p3)].sort());
    await assert.rejects(signAndWait(api, api.tx.provenance.recallLot(lotWhite, 'contaminated'), alice), /provenance\.NotAllowedToRecall/);
    await signAndWait(api, api.tx.provenance.recallLot(lotWhite, 'resin contaminated'), bob);
    await waitFor('the lot recall reaches its products', async () => (await lifecycle(p1)) === 'Recalled' && (await lifecycle(p3)) === 'Recalled', 30_000);
    assert.equal(await lifecycle(p2), 'InProduction');
    const recalled = await node.rpc('provenance_trace', [did(p3)]);
    assert.deepEqual([recalled.recall.scope, recalled.recall.reason, recalled.recall.by, recalled.recall.affected, recalled.recall.complete],
      [{ lot: lotWhite }, 'resin contaminated', did(bob.address), 2, true]);
    await assert.rejects(create('White', null, [lotWhite]), /provenance\.LotRecalled/);
  });

  await t.test('a recall of a machine\'s time range reaches what it made then', async () => {
    // Alice, the warehouse's owner, recalls what it did while p2 was in it.
    await signAndWait(api, api.tx.provenance.recallMachineRange(hbw.address, t0 + 4_900, t0 + 5_200, 'gripper miscalibrated'), alice);
    await waitFor('the machine recall reaches p2', async () => (await lifecycle(p2)) === 'Recalled', 30_000);
    const r2 = (await node.rpc('provenance_trace', [did(p2)])).recall;
    assert.deepEqual(r2.scope, { machine: did(hbw.address), from: { ms: t0 + 4_900, utc: r2.scope.from.utc }, to: { ms: t0 + 5_200, utc: r2.scope.to.utc } });
    assert.equal(r2.affected, 1);
  });

  await t.test('revoking the quality certificate shows in the trace at once', async () => {
    await signAndWait(api, api.tx.credentials.revoke(certificate), charlie);
    assert.equal((await node.rpc('provenance_trace', [did(p1)])).credentials[0].status, 'revoked');
  });
});
