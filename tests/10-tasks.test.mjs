// M2M tasks on a running node: a manufacturer registers a five-step recipe (the fischertechnik
// line: retrieve → transport → fire → mill → sort) over five machines and places one production
// order. From then on only the machines and Alice's gateway act — each machine takes what the
// chain assigns it, starts and completes it; the gateway, an authentication delegate of Alice's
// DID, confirms each completion for her — until the product is finished; its provenance lists
// the five steps in order, every reward settles to the machines' operator on the gateway's
// confirmation (the default challenge period is minutes), and the operator's stakes come back.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Keyring } from '@polkadot/api';
import { u8aToString } from '@polkadot/util';
import { randomAsU8a, blake2AsHex } from '@polkadot/util-crypto';
import { waitFor } from './lib/harness.mjs';
import { UNIT, devAccounts, did, machineConsent, schemaId, signAndWait, signAndWaitAll, withDevNode } from './lib/chain.mjs';

const REWARD = UNIT / 10n;

test('tasks: a five-step recipe runs to a finished product with only the order from a person', async (t) => {
  let unsubscribe;
  const { node, api } = await withDevNode(t, { name: 'dev-tasks', before: () => unsubscribe?.() });
  const { alice, charlie, dave } = await devAccounts();
  const keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });
  const line = [
    ['hbw', 'retrieve', '{"from":"A1"}'],
    ['vgr', 'transport', '{"to":"MPO"}'],
    ['kiln', 'fire', '{"tempC":220,"s":15}'],
    ['mill', 'mill', '{"depthMm":2}'],
    ['sld', 'sort', '{"colour":"WHITE"}'],
  ].map(([name, capability, params]) => ({ key: keyring.addFromUri(`//Line/${name}`), capability, params }));
  const byAddress = new Map(line.map((m) => [m.key.address, m]));
  // Alice's factory gateway: it confirms the completions of her order's steps for her.
  const gateway = keyring.addFromUri('//Line/gateway');

  // Set-up (people): machines with credentialed capabilities, operated by Dave; a recipe.
  const schema = await schemaId(api, 'MachineCapability');
  const digests = line.map(() => randomAsU8a(32));
  const nameplate = (serial) => ({ manufacturerName: 'fischertechnik', model: 'Learning Factory 4.0', serialNumber: serial, yearOfConstruction: 2025 });
  const consents = await Promise.all(line.map((m) => machineConsent(api, m.key, alice.address)));
  await Promise.all([
    signAndWaitAll(api, line.flatMap((m, i) => [
      consents[i],
      api.tx.machines.registerMachine(m.key.address, nameplate(`LF-${i}`)),
      api.tx.balances.transferKeepAlive(m.key.address, UNIT),
    ]), alice),
    signAndWaitAll(api, line.map((m, i) => api.tx.credentials.anchor(digests[i], m.key.address, schema, null, null, { id: m.capability, params: [] })), charlie),
  ]);
  const steps = line.map((m) => ({ capability: m.capability, params: m.params }));
  await signAndWaitAll(api, [
    ...line.map((m, i) => api.tx.machines.addCapability(m.key.address, m.capability, digests[i])),
    ...line.map((m) => api.tx.machines.transferOwnership(m.key.address, dave.address)),
    api.tx.tasks.registerRecipe('white workpiece: retrieve, transport, fire, mill, sort', steps),
    api.tx.did.addDelegate(alice.address, 'Authentication', gateway.address, null, null),
    api.tx.balances.transferKeepAlive(gateway.address, UNIT),
  ], alice);
  const recipe = (await api.query.tasks.nextRecipeId()).toNumber() - 1;

  // The machines: each does what the chain assigns it, signing as itself.
  const assignments = [];
  const seen = new Set();
  const confirmed = new Set();
  let work = Promise.resolve();
  let confirming = Promise.resolve();
  unsubscribe = await api.query.system.events((records) => {
    for (const { event } of records) {
      if (api.events.tasks.TaskCompleted.is(event) && byAddress.has(event.data.machine.toString())) {
        const task = event.data.task.toNumber();
        if (confirmed.has(task)) continue;
        confirmed.add(task);
        confirming = confirming.then(() => signAndWait(api, api.tx.tasks.confirmTask(task), gateway));
        continue;
      }
      if (!api.events.tasks.TaskAssigned.is(event)) continue;
      const machine = byAddress.get(event.data.machine.toString());
      if (!machine) continue;
      const task = event.data.task.toNumber();
      if (seen.has(task)) continue;
      seen.add(task);
      assignments.push({ task, machine: machine.key.address, capability: u8aToString(event.data.capability), params: u8aToString(event.data.params), product: event.data.product.toString() });
      work = work.then(async () => {
        await signAndWait(api, api.tx.tasks.startTask(task), machine.key);
        await signAndWait(api, api.tx.tasks.completeTask(task, 'ok', blake2AsHex(`${task}:${machine.capability}:done`)), machine.key);
      });
    }
  });

  // The one human act: Alice orders a white workpiece.
  const daveBefore = (await api.query.system.account(dave.address)).data.free.toBigInt();
  const { events, blockHash: orderBlock } = await signAndWait(api, api.tx.tasks.placeOrder(recipe, { kind: 'workpiece', colour: 'White', tag: null }, [], REWARD, 30), alice);
  const placed = events.find(({ event }) => api.events.tasks.OrderPlaced.is(event)).event.data;
  const order = placed.order.toNumber();
  const product = placed.product.toString();
  await waitFor('the order finishes', async () => (await api.query.tasks.orders(order)).unwrap().state.isFinished, 120_000, 500);
  await work;
  await waitFor('every completion confirmed', async () => confirmed.size === line.length, 60_000, 500);
  await confirming;

  await t.test('the chain assigned each step to the machine with the capability, in recipe order', async () => {
    // The chain assigned each step to the machine with the capability, in recipe order, and
    // the events carried what a gateway needs to command it.
    assert.deepEqual(assignments.map((a) => a.capability), line.map((m) => m.capability));
    assert.deepEqual(assignments.map((a) => a.machine), line.map((m) => m.key.address));
    assert.deepEqual(assignments.map((a) => a.params), line.map((m) => m.params));
    assert.ok(assignments.every((a) => a.product === product));
  });

  await t.test('the product\'s story lists the five steps in order', async () => {
    const trace = await node.rpc('provenance_trace', [did(product)]);
    assert.equal(trace.lifecycle, 'Finished');
    assert.equal(trace.steps.total, 5);
    assert.deepEqual(trace.steps.items.map((s) => [s.capability, s.machine, s.task]),
      line.map((m, i) => [m.capability, did(m.key.address), assignments[i].task]));
    for (const s of trace.steps.items) assert.ok(s.start.ms <= s.end.ms);
  });

  await t.test('after the order, only machines and the custodian\'s gateway signed extrinsics', async () => {
    const first = (await api.rpc.chain.getHeader(orderBlock)).number.toNumber() + 1;
    const last = await node.bestNumber();
    for (let n = first; n <= last; n++) {
      const block = await api.rpc.chain.getBlock(await api.rpc.chain.getBlockHash(n));
      for (const xt of block.block.extrinsics) {
        if (!xt.isSigned) continue;
        const signer = xt.signer.toString();
        const call = `${xt.method.section}.${xt.method.method}`;
        assert.ok(byAddress.has(signer) || (signer === gateway.address && call === 'tasks.confirmTask'), `block ${n}: ${call} signed by ${signer}`);
      }
    }
  });

  await t.test('every reward settles to the machines\' operator on the gateway\'s confirmation', async () => {
    // Every reward settles to Dave, the machines' operator, as soon as Alice's gateway confirmed
    // it — long before the default challenge period (5 minutes) is over — and Dave's stakes
    // (a fifth of each reward while the task ran) are released.
    await waitFor('all five rewards settle', async () => {
      const tasks = await Promise.all(assignments.map((a) => api.query.tasks.taskRecords(a.task)));
      return tasks.every((x) => x.unwrap().state.isSettled);
    }, 60_000, 1000);
    const daveAfter = (await api.query.system.account(dave.address)).data.free.toBigInt();
    assert.equal(daveAfter - daveBefore, 5n * REWARD);
    assert.equal((await api.query.balances.holds(dave.address)).filter((h) => h.id.isTasks && h.id.asTasks.isProviderStake).length, 0, 'no stake left held');
    assert.equal((await api.query.balances.holds(alice.address)).filter((h) => h.id.isTasks && h.id.asTasks.isEscrow).length, 0, 'nothing left in escrow');
  });

  await t.test('Alice holds a deposit for each step\'s task record and the order\'s, until they are reaped', async () => {
    // The records stay 30 days past their deadlines (docs/storage.md); until someone reaps them,
    // their requester holds a per-byte deposit for each.
    const deposits = await Promise.all(assignments.map((a) => api.query.tasks.taskDeposits(a.task)));
    const orderDeposit = await api.query.tasks.orderDeposits(order);
    assert.ok(deposits.every((d) => d.isSome && d.unwrap().toBigInt() > 0n), 'every step task holds a deposit');
    assert.ok(orderDeposit.isSome, 'the order holds a deposit');
    const held = (await api.query.balances.holds(alice.address))
      .filter((h) => h.id.isTasks && h.id.asTasks.isRecordDeposit)
      .reduce((sum, h) => sum + h.amount.toBigInt(), 0n);
    const due = deposits.reduce((sum, d) => sum + d.unwrap().toBigInt(), orderDeposit.unwrap().toBigInt());
    assert.ok(held >= due, `Alice holds ${held} for records, at least the ${due} of this order`);
    // Reaping now is refused: the tasks are over but within their retention.
    await assert.rejects(signAndWait(api, api.tx.tasks.reapTask(assignments[0].task), charlie), /RetentionNotOver/);
    assert.ok((await api.query.tasks.taskRecords(assignments[0].task)).isSome, 'the record is kept');
  });

  await t.test('only Alice removes her recipe, now that no order runs on it, and gets its deposit back', async () => {
    assert.equal((await api.query.tasks.recipeOrders(recipe)).toNumber(), 0, 'no order runs on it');
    await assert.rejects(signAndWait(api, api.tx.tasks.removeRecipe(recipe), charlie), /NotRecipeOwner/);
    const recipeHold = async () => (await api.query.balances.holds(alice.address))
      .filter((h) => h.id.isTasks && h.id.asTasks.isRecipeDeposit)
      .reduce((sum, h) => sum + h.amount.toBigInt(), 0n);
    const before = await recipeHold();
    const deposit = (await api.query.tasks.recipes(recipe)).unwrap().deposit.toBigInt();
    const { events } = await signAndWait(api, api.tx.tasks.removeRecipe(recipe), alice);
    assert.ok(events.some(({ event }) => api.events.tasks.RecipeRemoved.is(event) && event.data.recipe.toNumber() === recipe));
    assert.ok((await api.query.tasks.recipes(recipe)).isNone, 'the recipe is gone');
    assert.equal(await recipeHold(), before - deposit, 'its deposit is released');
    assert.ok((await api.query.tasks.orders(order)).unwrap().recipe.toNumber() === recipe, 'the order keeps its id');
  });
});
