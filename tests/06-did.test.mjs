// Identity: did:twin DIDs resolved by a running node over JSON-RPC (`did_resolve`), over HTTP
// (the Universal Resolver driver interface, `--did-http`) and by the `twinchain did resolve`
// CLI. Documents follow chain state exactly (rotation, delegation, revocation, deactivation,
// signed operations submitted by a gateway for a machine without funds), historic versions
// resolve by `versionId`, and every document produced satisfies DID Core.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Keyring } from '@polkadot/api';
import { u8aToHex } from '@polkadot/util';
import { base58Decode, ed25519PairFromSeed, base64Decode } from '@polkadot/util-crypto';
import { freePort, runBin } from './lib/harness.mjs';
import { devAccounts, did, signAndWait, signedDidPayload, withDevNode } from './lib/chain.mjs';
import { resolutionErrors } from './lib/did-core.mjs';

test('DIDs resolve over RPC, HTTP and the CLI and follow every change', async (t) => {
  const httpPort = await freePort();
  const { node, api } = await withDevNode(t, { name: 'dev-did', args: ['--did-http', `127.0.0.1:${httpPort}`] });
  const { alice, bob, charlie, dave, ferdie } = await devAccounts();

  const checked = [];
  const resolve = async (id, options) => {
    const result = await node.rpc('did_resolve', options ? [id, options] : [id]);
    checked.push([id, result]);
    return result;
  };
  const http = async (id, { query = '', accept } = {}) => {
    const res = await fetch(`http://127.0.0.1:${httpPort}/1.0/identifiers/${encodeURIComponent(id)}${query}`,
      { headers: accept ? { accept } : {} });
    const body = await res.json();
    return { status: res.status, type: res.headers.get('content-type'), body };
  };
  const vmIds = (r) => (r.didDocument.verificationMethod ?? []).map((v) => v.id);

  // What the steps below share: the DIDs, the latest answers, and Bob's document before the rotation.
  const ferdieDid = did(ferdie.address);
  const bobDid = did(bob.address);
  const machine = new Keyring({ type: 'sr25519', ss58Format: 42 }).addFromUri('//Machine/mill-1');
  const machineDid = did(machine.address);
  const ed = ed25519PairFromSeed(new Uint8Array(32).fill(7));
  const charlieVm = `${bobDid}#delegate-assert-${charlie.address}`;
  let r;
  let h;
  let before;
  let versionBefore;

  await t.test('an untouched account resolves to its implicit document', async () => {
    r = await resolve(ferdieDid);
    assert.equal(r.didDocument.id, ferdieDid);
    assert.equal(r.didDocument.controller, ferdieDid);
    assert.deepEqual(r.didDocument.authentication, [`${ferdieDid}#controller`]);
    const controllerKey = base58Decode(r.didDocument.verificationMethod[0].publicKeyMultibase.slice(1));
    assert.equal(u8aToHex(controllerKey.slice(2)), u8aToHex(ferdie.publicKey), '#controller is Ferdie\'s own key');
    assert.equal(r.didDocumentMetadata.deactivated, false);
  });

  await t.test('malformed DIDs are invalidDid over RPC and HTTP', async () => {
    for (const bad of ['did:twin:nope', `did:ethr:${ferdie.address}`, `${ferdieDid}x`, 'twin']) {
      r = await resolve(bad);
      assert.equal(r.didResolutionMetadata.error, 'invalidDid', bad);
      assert.equal(r.didDocument, null);
    }
    h = await http('did:twin:nope');
    assert.equal(h.status, 400);
    assert.equal(h.body.didResolutionMetadata.error, 'invalidDid');
  });

  await t.test('Bob\'s DID lists his keys, service and delegate; Multikey and representation options', async () => {
    await signAndWait(api, api.tx.did.setAttribute(bob.address, 'signing',
      { PublicKey: { keyType: 'Ed25519', purposes: 3, key: ed.publicKey } }, null, null), bob);
    await signAndWait(api, api.tx.did.setAttribute(bob.address, 'agree',
      { PublicKey: { keyType: 'X25519', purposes: 4, key: new Uint8Array(32).fill(9) } }, null, null), bob);
    await signAndWait(api, api.tx.did.setAttribute(bob.address, 'mqtt',
      { Service: { serviceType: 'MqttBroker', endpoint: 'mqtts://factory-b.example:8883' } }, null, null), bob);
    await signAndWait(api, api.tx.did.addDelegate(bob.address, 'Assertion', charlie.address, null, null), bob);
    await assert.rejects(
      signAndWait(api, api.tx.did.setAttribute(bob.address, 'bad name', { Service: { serviceType: 'X', endpoint: 'x:y' } }, null, null), bob),
      /did\.InvalidName/);
    await assert.rejects(
      signAndWait(api, api.tx.did.setAttribute(bob.address, 'k', { PublicKey: { keyType: 'X25519', purposes: 1, key: ed.publicKey } }, null, null), bob),
      /did\.InvalidKeyPurposes/);
    await assert.rejects(
      signAndWait(api, api.tx.did.addDelegate(bob.address, 'Assertion', dave.address, null, null), charlie),
      /did\.NotController/, 'a delegate is not the controller');

    before = await resolve(bobDid);
    const doc = before.didDocument;
    assert.equal(doc.controller, bobDid);
    assert.deepEqual(doc.authentication, [`${bobDid}#controller`, `${bobDid}#signing`]);
    assert.deepEqual(doc.assertionMethod, [`${bobDid}#controller`, charlieVm, `${bobDid}#signing`]);
    assert.deepEqual(doc.keyAgreement, [`${bobDid}#agree`]);
    assert.deepEqual(doc.service, [{ id: `${bobDid}#mqtt`, type: 'MqttBroker', serviceEndpoint: 'mqtts://factory-b.example:8883' }]);
    const signing = doc.verificationMethod.find((v) => v.id === `${bobDid}#signing`);
    assert.equal(signing.type, 'JsonWebKey2020');
    assert.deepEqual(signing.publicKeyJwk.kty + signing.publicKeyJwk.crv, 'OKPEd25519');
    const x = signing.publicKeyJwk.x.replace(/-/g, '+').replace(/_/g, '/');
    assert.equal(u8aToHex(base64Decode(x + '='.repeat((4 - x.length % 4) % 4))), u8aToHex(ed.publicKey), 'the JWK is the key set on chain');
    versionBefore = before.didDocumentMetadata.versionId;
    assert.match(versionBefore, /^\d+$/);
    assert.match(before.didDocumentMetadata.created, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);

    // Multikey presentation.
    r = await resolve(bobDid, { keyFormat: 'Multikey' });
    const mk = r.didDocument.verificationMethod.find((v) => v.id === `${bobDid}#signing`);
    assert.equal(mk.type, 'Multikey');
    assert.deepEqual([...base58Decode(mk.publicKeyMultibase.slice(1))], [0xed, 0x01, ...ed.publicKey]);
    r = await resolve(bobDid, { keyFormat: 'Pem' });
    assert.equal(r.didResolutionMetadata.error, 'invalidOptions');
    r = await resolve(bobDid, { accept: 'application/did+cbor' });
    assert.equal(r.didResolutionMetadata.error, 'representationNotSupported');
    r = await resolve(bobDid, { accept: 'application/did+json' });
    assert.equal(r.didDocument.id, bobDid);
  });

  await t.test('rotation: Dave controls Bob\'s DID, Bob no longer does', async () => {
    await signAndWait(api, api.tx.did.changeController(bob.address, dave.address), bob);
    await assert.rejects(signAndWait(api, api.tx.did.revokeDelegate(bob.address, 'Assertion', charlie.address), bob), /did\.NotController/);
    r = await resolve(bobDid);
    assert.equal(r.didDocument.controller, did(dave.address));
    const ctl = r.didDocument.verificationMethod.find((v) => v.id === `${bobDid}#controller`);
    assert.equal(ctl.controller, did(dave.address));
    assert.equal(u8aToHex(base58Decode(ctl.publicKeyMultibase.slice(1)).slice(2)), u8aToHex(dave.publicKey));
  });

  await t.test('revocation by the new controller: the delegate and the signing key leave the document', async () => {
    await signAndWait(api, api.tx.did.revokeDelegate(bob.address, 'Assertion', charlie.address), dave);
    await signAndWait(api, api.tx.did.revokeAttribute(bob.address, 'signing'), dave);
    r = await resolve(bobDid);
    assert.ok(!vmIds(r).includes(charlieVm), 'revoked delegate listed');
    assert.ok(!vmIds(r).includes(`${bobDid}#signing`), 'revoked key listed');
    assert.deepEqual(r.didDocument.assertionMethod, [`${bobDid}#controller`]);
    assert.ok(Number(r.didDocumentMetadata.versionId) > Number(versionBefore));
  });

  await t.test('historic resolution gives the document as it stood at an earlier version', async () => {
    r = await resolve(bobDid, { versionId: versionBefore });
    assert.deepEqual(r.didDocument, before.didDocument);
    h = await http(bobDid, { query: `?versionId=${versionBefore}` });
    assert.equal(h.status, 200);
    assert.deepEqual(h.body.didDocument, before.didDocument);
    r = await resolve(bobDid, { versionId: 10_000_000 });
    assert.equal(r.didResolutionMetadata.error, 'notFound');
  });

  await t.test('a signed operation from a machine without funds, submitted by its gateway; replays refused', async () => {
    assert.equal((await api.query.system.account(machine.address)).data.free.toBigInt(), 0n);
    const genesis = api.genesisHash.toU8a();
    const until = (await api.query.system.number()).toNumber() + 600;
    const signedOp = async (op, nonce, signer = machine, validUntil = until, submitter = null) => {
      const operation = api.createType('PalletDidDidOperation', op);
      const payload = signedDidPayload(genesis, machine.publicKey, nonce, operation, validUntil, submitter);
      return api.tx.did.executeSigned(machine.address, operation, nonce, validUntil, submitter, { Sr25519: signer.sign(payload) });
    };
    const setMqtt = { SetAttribute: { name: 'mqtt', value: { Service: { serviceType: 'MqttBroker', endpoint: 'mqtt://10.0.0.5:1883' } }, validFrom: null, validUntil: null } };
    const first = await signedOp(setMqtt, 0);
    await signAndWait(api, first, alice);
    r = await resolve(machineDid);
    assert.equal(r.didDocument.service[0].serviceEndpoint, 'mqtt://10.0.0.5:1883');
    await assert.rejects(signAndWait(api, await signedOp(setMqtt, 0), alice), /did\.BadNonce/, 'a replay');
    await assert.rejects(signAndWait(api, await signedOp(setMqtt, 1, ferdie), alice), /did\.BadSignature/, 'not the controller');
    // A signature whose last block has passed is expired; one naming its submitter is refused
    // to anyone else (no front-running), and runs for the named one.
    const past = (await api.query.system.number()).toNumber() - 1;
    await assert.rejects(signAndWait(api, await signedOp(setMqtt, 1, machine, past), alice), /did\.Expired/, 'expired');
    const forBob = await signedOp(setMqtt, 1, machine, until, bob.address);
    await assert.rejects(signAndWait(api, forBob, alice), /did\.WrongSubmitter/, 'front-run');
    await signAndWait(api, await signedOp(setMqtt, 1, machine, until, bob.address), bob);
  });

  await t.test('deactivation is final, and shown as such', async () => {
    await signAndWait(api, api.tx.did.deactivate(bob.address), dave);
    r = await resolve(bobDid);
    assert.equal(r.didDocumentMetadata.deactivated, true);
    assert.equal(r.didDocument.id, bobDid);
    assert.equal(r.didDocument.verificationMethod, undefined);
    await assert.rejects(signAndWait(api, api.tx.did.changeController(bob.address, bob.address), dave), /did\.Deactivated/);
    h = await http(bobDid);
    assert.equal(h.status, 410, 'the Universal Resolver driver answers 410 for deactivated DIDs');
    assert.equal(h.body.didDocumentMetadata.deactivated, true);
  });

  await t.test('HTTP: content negotiation and errors', async () => {
    h = await http(ferdieDid);
    assert.equal(h.status, 200);
    assert.equal(h.type, 'application/did-resolution');
    assert.equal(h.body.didDocument.id, ferdieDid);
    h = await http(ferdieDid, { accept: 'application/did+ld+json' });
    assert.equal(h.type, 'application/did+ld+json');
    assert.equal(h.body.id, ferdieDid, 'only the document');
    h = await http(ferdieDid, { accept: 'application/did+cbor' });
    assert.equal(h.status, 406);
    assert.equal(h.body.didResolutionMetadata.error, 'representationNotSupported');
    assert.equal((await fetch(`http://127.0.0.1:${httpPort}/elsewhere`)).status, 404);
    assert.equal((await fetch(`http://127.0.0.1:${httpPort}/1.0/identifiers/${ferdieDid}`, { method: 'POST' })).status, 405);
    assert.equal((await http(ferdieDid, { query: '?colour=red' })).status, 400);
  });

  await t.test('the CLI resolves (at a version too) and fails with the reason', async () => {
    let cli = runBin(['did', 'resolve', machineDid, '--url', node.wsUrl]);
    assert.equal(cli.status, 0, cli.stderr);
    assert.equal(JSON.parse(cli.stdout).didDocument.id, machineDid);
    cli = runBin(['did', 'resolve', bobDid, '--url', node.wsUrl, '--version-id', versionBefore]);
    assert.equal(cli.status, 0, cli.stderr);
    assert.deepEqual(JSON.parse(cli.stdout).didDocument, before.didDocument);
    cli = runBin(['did', 'resolve', 'did:twin:nope', '--url', node.wsUrl]);
    assert.notEqual(cli.status, 0);
    assert.match(cli.stderr, /invalidDid/);
    cli = runBin(['did', 'resolve', ferdieDid, '--url', 'ws://127.0.0.1:1']);
    assert.notEqual(cli.status, 0);
    assert.match(cli.stderr, /cannot connect/);
  });

  await t.test('every document produced satisfies DID Core', async () => {
    for (const [id, result] of checked) {
      assert.deepEqual(resolutionErrors(result, id), [], `${id}: ${JSON.stringify(result)}`);
    }
  });
});

test('the DID Core checker rejects documents that break the rules', async () => {
  const id = 'did:twin:5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY';
  const good = {
    '@context': ['https://www.w3.org/ns/did/v1'],
    id,
    verificationMethod: [{ id: `${id}#k`, type: 'Multikey', controller: id, publicKeyMultibase: 'z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK' }],
    authentication: [`${id}#k`],
  };
  const result = (doc) => ({ didDocument: doc, didResolutionMetadata: { contentType: 'application/did+ld+json' }, didDocumentMetadata: {} });
  assert.deepEqual(resolutionErrors(result(good), id), []);
  const broken = [
    { ...good, id: 'did:Twin:x' },
    { ...good, '@context': ['https://example.org'] },
    { ...good, authentication: [`${id}#missing`] },
    { ...good, verificationMethod: [{ ...good.verificationMethod[0], publicKeyJwk: { kty: 'OKP', crv: 'Ed25519', x: 'AA', d: 'AA' } }] },
    { ...good, verificationMethod: [good.verificationMethod[0], good.verificationMethod[0]] },
    { ...good, controller: 'not-a-did' },
    { ...good, service: [{ id: 'no uri', type: 'X', serviceEndpoint: 'https://a.example' }] },
  ];
  for (const doc of broken) assert.notDeepEqual(resolutionErrors(result(doc), id), [], JSON.stringify(doc));
  assert.notDeepEqual(resolutionErrors({ ...result(good), didDocumentMetadata: { created: '2026-11-26T00:00:00.123Z' } }, id), []);
  assert.notDeepEqual(resolutionErrors({ ...result(good), didDocumentMetadata: { deactivated: 'no' } }, id), []);
});

test('registrars give roles; only active manufacturers create DIDs for machines and products', async (t) => {
  const { node, api } = await withDevNode(t, { name: 'dev-actors' });
  const { alice, bob, ferdie } = await devAccounts();

  // Alice (a manufacturer at genesis) creates a product's DID; she controls it.
  const { events } = await signAndWait(api, api.tx.did.createDid(), alice);
  const created = events.find(({ event }) => api.events.did.DidCreated.is(event)).event.data;
  const productDid = did(created.did.toString());
  assert.equal(created.controller.toString(), alice.address);
  const r = await node.rpc('did_resolve', [productDid]);
  assert.equal(r.didDocument.controller, did(alice.address));
  assert.deepEqual(resolutionErrors(r, productDid), []);

  // Bob is a supplier, not a manufacturer; Ferdie has no role.
  await assert.rejects(signAndWait(api, api.tx.did.createDid(), bob), /BadOrigin/);
  await assert.rejects(signAndWait(api, api.tx.did.createDid(), ferdie), /BadOrigin/);
  // Only a registrar gives roles.
  await assert.rejects(signAndWait(api, api.tx.actors.registerActor(ferdie.address, 'Manufacturer', 'Ferdie Works'), bob),
    /actors\.NotRegistrar/);
  await signAndWait(api, api.tx.actors.registerActor(ferdie.address, 'Manufacturer', 'Ferdie Works'), alice);
  await signAndWait(api, api.tx.did.createDid(), ferdie);
  // A suspended manufacturer cannot; re-activated, it can again.
  await signAndWait(api, api.tx.actors.suspendActor(ferdie.address), alice);
  await assert.rejects(signAndWait(api, api.tx.did.createDid(), ferdie), /BadOrigin/);
  await signAndWait(api, api.tx.actors.reactivateActor(ferdie.address), alice);
  await signAndWait(api, api.tx.did.createDid(), ferdie);
  // Registrars themselves are set by the privileged origin (sudo on the dev chain).
  await assert.rejects(signAndWait(api, api.tx.actors.addRegistrar(bob.address), alice), /BadOrigin/);
  await signAndWait(api, api.tx.sudo.sudo(api.tx.actors.addRegistrar(bob.address)), alice);
  assert.ok((await api.query.actors.registrars()).map(String).includes(bob.address));
  // A registrar acts only on the actors it registered (Ferdie is Alice's), never on a registrar
  // (Alice), and gives no certifier role: those need the privileged origin.
  await assert.rejects(signAndWait(api, api.tx.actors.suspendActor(ferdie.address), bob), /actors\.NotTheirRegistrar/);
  await assert.rejects(signAndWait(api, api.tx.actors.suspendActor(alice.address), bob), /actors\.PrivilegedOnly/);
  await assert.rejects(signAndWait(api, api.tx.actors.registerActor(bob.address, 'Certifier', 'Bob'), bob),
    /actors\.PrivilegedOnly/);
  assert.equal((await api.query.actors.actorRecords(ferdie.address)).unwrap().status.toString(), 'Active');
});
