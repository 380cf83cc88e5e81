// Machines' digital twins on a running node: a manufacturer registers machines with nameplates,
// capabilities backed by anchored MachineCapability credentials, status set by owner, machine or
// gateway with history; `machines_byCapability` and `machines_status` answer over JSON-RPC and
// the CLI, and follow credential revocation and retirement.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Keyring } from '@polkadot/api';
import { u8aToString } from '@polkadot/util';
import { randomAsU8a } from '@polkadot/util-crypto';
import { Node, runBin, waitFor, sleep } from './lib/harness.mjs';
import { connect, devAccounts, signAndWait } from './lib/chain.mjs';

const did = (address) => `did:twin:${address}`;
const UNIT = 10n ** 12n;

test('machines: registration, credentialed capabilities, status history, queries', async (t) => {
  const node = new Node({ name: 'dev-machines', args: ['--dev'] });
  let api;
  t.after(async () => { await api?.disconnect(); await node.dispose(); });
  await node.start();
  await waitFor('block 1', async () => (await node.bestNumber()) >= 1, 60_000);
  api = await connect(node.wsUrl);
  const { alice, bob, charlie, dave } = await devAccounts();
  const keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });
  const mill1 = keyring.addFromUri('//Machine/mill-1');
  const mill2 = keyring.addFromUri('//Machine/mill-2');

  const nameplate = (serial) => ({ manufacturerName: 'fischertechnik', model: 'Milling station', serialNumber: serial, yearOfConstruction: 2025 });
  const capabilitySchema = (await api.query.credentials.schemas.entries())
    .find(([, v]) => u8aToString(v.unwrap().name) === 'MachineCapability')[0].args[0];
  const anchorMill = async (machine) => {
    const digest = randomAsU8a(32);
    await signAndWait(api, api.tx.credentials.anchor(digest, machine.address, capabilitySchema, null, null,
      { id: 'mill', params: [['maxDepthMm', '20']] }), charlie);
    return digest;
  };

  // Alice (manufacturer) registers two mills; Bob (a supplier) may not.
  await assert.rejects(signAndWait(api, api.tx.machines.registerMachine(mill1.address, nameplate('M-1')), bob), /BadOrigin/);
  await signAndWait(api, api.tx.machines.registerMachine(mill1.address, nameplate('M-1')), alice);
  await signAndWait(api, api.tx.machines.registerMachine(mill2.address, nameplate('M-2')), alice);
  const record = (await api.query.machines.registry(mill1.address)).unwrap();
  assert.equal(u8aToString(record.nameplate.serialNumber), 'M-1');
  assert.equal(record.owner.toString(), alice.address);

  // Capabilities need a valid credential about the machine.
  const c1 = await anchorMill(mill1);
  const c2 = await anchorMill(mill2);
  await assert.rejects(signAndWait(api, api.tx.machines.addCapability(mill1.address, 'mill', c2), alice), /machines\.CredentialNotForMachine/);
  await assert.rejects(signAndWait(api, api.tx.machines.addCapability(mill1.address, 'kiln', c1), alice), /machines\.CredentialWrongCapability/);
  await signAndWait(api, api.tx.machines.addCapability(mill1.address, 'mill', c1), alice);
  await signAndWait(api, api.tx.machines.addCapability(mill2.address, 'mill', c2), alice);

  // Mill 1 is busy: idle machines come first.
  await signAndWait(api, api.tx.machines.setStatus(mill1.address, { Busy: 42 }), alice);
  let found = await node.rpc('machines_byCapability', ['mill']);
  assert.deepEqual(found, [
    { machine: did(mill2.address), status: 'idle' },
    { machine: did(mill1.address), status: { busy: 42 } },
  ]);
  assert.deepEqual(await node.rpc('machines_byCapability', ['kiln']), []);

  // The machine's gateway (an authentication delegate of its DID) sets its status; strangers cannot.
  await signAndWait(api, api.tx.balances.transferKeepAlive(mill1.address, UNIT), alice);
  await signAndWait(api, api.tx.did.addDelegate(mill1.address, 'Authentication', dave.address, null, null), mill1);
  await assert.rejects(signAndWait(api, api.tx.machines.setStatus(mill1.address, 'Offline'), bob), /machines\.NotAuthorized/);
  const beforeMaintenance = Date.now();
  await sleep(2500);
  await signAndWait(api, api.tx.machines.setStatus(mill1.address, 'Maintenance'), dave);
  let st = await node.rpc('machines_status', [did(mill1.address)]);
  assert.deepEqual(st.status, 'maintenance');
  st = await node.rpc('machines_status', [did(mill1.address), beforeMaintenance]);
  assert.deepEqual(st.status, { busy: 42 }, 'the history answers what it was doing earlier');
  assert.equal((await api.query.machines.registry(mill1.address)).unwrap().maintenanceEvents.toNumber(), 1);

  // The CLI says the same.
  let cli = runBin(['machines', 'status', did(mill1.address), '--url', node.wsUrl]);
  assert.equal(cli.status, 0, cli.stderr);
  assert.equal(JSON.parse(cli.stdout).status, 'maintenance');
  cli = runBin(['machines', 'by-capability', 'mill', '--url', node.wsUrl]);
  assert.equal(cli.status, 0, cli.stderr);
  assert.equal(JSON.parse(cli.stdout)[0].machine, did(mill2.address));
  cli = runBin(['machines', 'status', 'did:twin:nope', '--url', node.wsUrl]);
  assert.notEqual(cli.status, 0);
  assert.match(cli.stderr, /not a did:twin DID/);

  // A revoked credential stops the capability counting.
  await signAndWait(api, api.tx.credentials.revoke(c2), charlie);
  found = await node.rpc('machines_byCapability', ['mill']);
  assert.deepEqual(found.map((f) => f.machine), [did(mill1.address)]);

  // Ownership moves to the factory; a retired machine leaves the index and changes no more.
  await signAndWait(api, api.tx.machines.transferOwnership(mill1.address, bob.address), alice);
  await assert.rejects(signAndWait(api, api.tx.machines.retire(mill1.address), alice), /machines\.NotOwner/);
  await signAndWait(api, api.tx.machines.retire(mill1.address), bob);
  assert.deepEqual(await node.rpc('machines_byCapability', ['mill']), []);
  assert.equal((await node.rpc('machines_status', [did(mill1.address)])).status, 'retired');
  await assert.rejects(signAndWait(api, api.tx.machines.setStatus(mill1.address, 'Idle'), dave), /machines\.Retired/);
});
