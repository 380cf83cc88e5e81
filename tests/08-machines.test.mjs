// Machines' digital twins on a running node: a manufacturer registers machines with nameplates,
// capabilities backed by anchored MachineCapability credentials, status set by owner, machine or
// gateway with history; `machines_byCapability` and `machines_status` answer over JSON-RPC and
// the CLI, and follow credential revocation and retirement.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Keyring } from '@polkadot/api';
import { u8aToString } from '@polkadot/util';
import { randomAsU8a } from '@polkadot/util-crypto';
import { runBin, sleep } from './lib/harness.mjs';
import { devAccounts, did, fund, machineConsent, schemaId, signAndWait, withDevNode } from './lib/chain.mjs';

test('machines: registration, credentialed capabilities, status history, queries', async (t) => {
  const { node, api } = await withDevNode(t, { name: 'dev-machines' });
  const { alice, bob, charlie, dave } = await devAccounts();
  const keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });
  const mill1 = keyring.addFromUri('//Machine/mill-1');
  const mill2 = keyring.addFromUri('//Machine/mill-2');

  const nameplate = (serial) => ({ manufacturerName: 'fischertechnik', model: 'Milling station', serialNumber: serial, yearOfConstruction: 2025 });
  const capabilitySchema = await schemaId(api, 'MachineCapability');
  const anchorMill = async (machine) => {
    const digest = randomAsU8a(32);
    await signAndWait(api, api.tx.credentials.anchor(digest, machine.address, capabilitySchema, null, null,
      { id: 'mill', params: [['maxDepthMm', '20']] }), charlie);
    return digest;
  };

  await t.test('a manufacturer registers machines with nameplates; a supplier may not', async () => {
    // Alice (manufacturer) registers two mills; Bob (a supplier) may not.
    await assert.rejects(signAndWait(api, api.tx.machines.registerMachine(mill1.address, nameplate('M-1')), bob), /BadOrigin/);
    // Not even a manufacturer registers a machine whose DID has not consented.
    await assert.rejects(signAndWait(api, api.tx.machines.registerMachine(mill1.address, nameplate('M-1')), alice), /machines\.NoConsent/);
    for (const [m, serial] of [[mill1, 'M-1'], [mill2, 'M-2']]) {
      // The machine signs its consent off chain (it has no funds); Alice submits it.
      await signAndWait(api, await machineConsent(api, m, alice.address), alice);
      await signAndWait(api, api.tx.machines.registerMachine(m.address, nameplate(serial)), alice);
    }
    const record = (await api.query.machines.machineRecords(mill1.address)).unwrap();
    assert.equal(u8aToString(record.nameplate.serialNumber), 'M-1');
    assert.equal(record.owner.toString(), alice.address);
  });

  let c2; // mill 2's credential
  await t.test('capabilities need a valid credential about the machine', async () => {
    const c1 = await anchorMill(mill1);
    c2 = await anchorMill(mill2);
    await assert.rejects(signAndWait(api, api.tx.machines.addCapability(mill1.address, 'mill', c2), alice), /machines\.CredentialNotForMachine/);
    await assert.rejects(signAndWait(api, api.tx.machines.addCapability(mill1.address, 'kiln', c1), alice), /machines\.CredentialWrongCapability/);
    await signAndWait(api, api.tx.machines.addCapability(mill1.address, 'mill', c1), alice);
    await signAndWait(api, api.tx.machines.addCapability(mill2.address, 'mill', c2), alice);
  });

  await t.test('machines_byCapability lists idle machines first', async () => {
    // Mill 1 is busy: idle machines come first.
    await signAndWait(api, api.tx.machines.setStatus(mill1.address, { Busy: 42 }), alice);
    const found = await node.rpc('machines_byCapability', ['mill']);
    assert.deepEqual(found, [
      { machine: did(mill2.address), status: 'idle' },
      { machine: did(mill1.address), status: { busy: 42 } },
    ]);
    assert.deepEqual(await node.rpc('machines_byCapability', ['kiln']), []);
  });

  await t.test('the machine\'s gateway sets its status, strangers cannot; the history answers for an earlier time', async () => {
    // The machine's gateway (an authentication delegate of its DID) sets its status; strangers cannot.
    await fund(api, alice, mill1);
    await signAndWait(api, api.tx.did.addDelegate(mill1.address, 'Authentication', dave.address, null, null), mill1);
    await assert.rejects(signAndWait(api, api.tx.machines.setStatus(mill1.address, 'Offline'), bob), /machines\.NotAuthorized/);
    const beforeMaintenance = Date.now();
    await sleep(2500);
    await signAndWait(api, api.tx.machines.setStatus(mill1.address, 'Maintenance'), dave);
    let st = await node.rpc('machines_status', [did(mill1.address)]);
    assert.deepEqual(st.status, 'maintenance');
    st = await node.rpc('machines_status', [did(mill1.address), beforeMaintenance]);
    assert.deepEqual(st.status, { busy: 42 }, 'the history answers what it was doing earlier');
    assert.equal((await api.query.machines.machineRecords(mill1.address)).unwrap().maintenanceEvents.toNumber(), 1);
  });

  await t.test('the CLI says the same', async () => {
    let cli = runBin(['machines', 'status', did(mill1.address), '--url', node.wsUrl]);
    assert.equal(cli.status, 0, cli.stderr);
    assert.equal(JSON.parse(cli.stdout).status, 'maintenance');
    cli = runBin(['machines', 'by-capability', 'mill', '--url', node.wsUrl]);
    assert.equal(cli.status, 0, cli.stderr);
    assert.equal(JSON.parse(cli.stdout)[0].machine, did(mill2.address));
    cli = runBin(['machines', 'status', 'did:twin:nope', '--url', node.wsUrl]);
    assert.notEqual(cli.status, 0);
    assert.match(cli.stderr, /not a did:twin DID/);
  });

  await t.test('a revoked credential stops the capability counting', async () => {
    await signAndWait(api, api.tx.credentials.revoke(c2), charlie);
    const found = await node.rpc('machines_byCapability', ['mill']);
    assert.deepEqual(found.map((f) => f.machine), [did(mill1.address)]);
  });

  await t.test('ownership moves; a retired machine leaves the index and changes no more', async () => {
    // Ownership moves to the factory; a retired machine leaves the index and changes no more.
    await signAndWait(api, api.tx.machines.transferOwnership(mill1.address, bob.address), alice);
    // The machine's DID went with it: Bob acts for it now, Alice no longer does.
    const delegate = (who) => api.query.did.delegates(mill1.address, ['Authentication', who.address]);
    assert.ok((await delegate(bob)).isSome);
    assert.ok((await delegate(alice)).isNone);
    await assert.rejects(signAndWait(api, api.tx.machines.retire(mill1.address), alice), /machines\.NotOwner/);
    await signAndWait(api, api.tx.machines.retire(mill1.address), bob);
    assert.deepEqual(await node.rpc('machines_byCapability', ['mill']), []);
    assert.equal((await node.rpc('machines_status', [did(mill1.address)])).status, 'retired');
    // Alice's gateway (Dave) lost the machine with the sale; the machine's own key is refused
    // because the machine is retired.
    await assert.rejects(signAndWait(api, api.tx.machines.setStatus(mill1.address, 'Idle'), dave), /machines\.NotAuthorized/);
    await assert.rejects(signAndWait(api, api.tx.machines.setStatus(mill1.address, 'Idle'), mill1), /machines\.Retired/);
  });
});
