// Verifiable credentials: VC-JWTs issued and anchored by `twinchain vc issue`, verified by
// `twinchain vc verify` against a running node — and by a third-party verifier (did-jwt-vc +
// did-resolver, resolving did:twin through the node's Universal Resolver HTTP interface).
// Every way a credential can be bad fails with its own reason.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { Keyring } from '@polkadot/api';
import { u8aToHex, stringToU8a, u8aToString } from '@polkadot/util';
import { blake2AsU8a } from '@polkadot/util-crypto';
import { Resolver } from 'did-resolver';
import { verifyCredential } from 'did-jwt-vc';
import { freePort, runBin, tempDir, sleep } from './lib/harness.mjs';
import { devAccounts, did, schemaId, signAndWait, sudoExec, withDevNode } from './lib/chain.mjs';
const b64url = (bytes) => Buffer.from(bytes).toString('base64url');
const fromB64url = (s) => Buffer.from(s, 'base64url');

test('credentials: issue, anchor, verify; every failure has its own reason; did-jwt-vc agrees', async (t) => {
  const httpPort = await freePort();
  const dir = tempDir('twinchain-vc-');
  const { node, api } = await withDevNode(t, {
    name: 'dev-vc',
    args: ['--did-http', `127.0.0.1:${httpPort}`],
    after: () => fs.rmSync(dir, { recursive: true, force: true }),
  });
  const { alice, bob, charlie, dave, ferdie } = await devAccounts();
  const ed = new Keyring({ type: 'ed25519', ss58Format: 42 });

  // Charlie is a certifier (dev genesis); his DID lists an Ed25519 assertion key `#signing`.
  const charlieKey = ed.addFromUri('//CharlieVc');
  const addKey = (owner, name, pub) => signAndWait(api, api.tx.did.setAttribute(owner.address, name,
    { PublicKey: { keyType: 'Ed25519', purposes: 2, key: pub } }, null, null), owner);
  await addKey(charlie, 'signing', charlieKey.publicKey);
  const kid = `${did(charlie.address)}#signing`;
  const subject = did(ferdie.address);

  let n = 0;
  const claimsFile = (claims) => {
    const f = path.join(dir, `claims-${n++}.json`);
    fs.writeFileSync(f, JSON.stringify(claims));
    return f;
  };
  const kiln = (max = 1200) => claimsFile({ id: subject, capability: 'kiln', parameters: { maxTemperatureC: max } });
  const issue = (args) => {
    const r = runBin(['vc', 'issue', '--url', node.wsUrl, ...args]);
    assert.equal(r.status, 0, `vc issue failed: ${r.stderr}`);
    return r.stdout.trim();
  };
  const issueAnchored = (args, signer = '//Charlie') => issue([...args, '--anchor', '--signer', signer]);
  const verify = (jwt) => runBin(['vc', 'verify', jwt, '--url', node.wsUrl]);
  const rejects = (jwt, reason, why) => {
    const r = verify(jwt);
    assert.notEqual(r.status, 0, `${why}: verify accepted it`);
    assert.match(r.stderr, reason, `${why}: ${r.stderr}`);
    // One clear reason: a single "invalid credential" line.
    assert.equal(r.stderr.split('\n').filter((l) => l.includes('invalid credential')).length, 1, r.stderr);
  };

  // What the steps below share: the first credential, its payload, the third-party resolver and
  // the time the foreign credential was issued.
  let jwt;
  let payload;
  let resolver;
  let now;

  await t.test('a capability credential issued and anchored by the CLI verifies; its anchor carries the claims', async () => {
    jwt = issueAnchored(['--issuer-key', '//CharlieVc', '--kid', kid, '--claims', kiln()]);
    const [h, p] = jwt.split('.');
    const header = JSON.parse(fromB64url(h));
    payload = JSON.parse(fromB64url(p));
    assert.deepEqual(header, { alg: 'EdDSA', typ: 'JWT', kid });
    assert.equal(payload.iss, did(charlie.address));
    assert.equal(payload.sub, subject);
    assert.ok(payload.nbf && payload.iat && payload.jti.startsWith('urn:uuid:'));
    assert.deepEqual(payload.vc.type, ['VerifiableCredential', 'MachineCapability']);
    assert.equal(payload.vc.credentialSubject.parameters.maxTemperatureC, 1200);
    const r = verify(jwt);
    assert.equal(r.status, 0, r.stderr);
    const facts = JSON.parse(r.stdout);
    assert.equal(facts.valid, true);
    assert.equal(facts.schema, 'MachineCapability');
    const digest = u8aToHex(blake2AsU8a(stringToU8a(jwt), 256));
    assert.equal(facts.digest, digest);

    // The anchor carries the capability claims for the runtime.
    const anchor = (await api.query.credentials.anchors(digest)).unwrap();
    assert.equal(anchor.issuer.toString(), charlie.address);
    assert.equal(anchor.subject.toString(), ferdie.address);
    const cap = anchor.capability.unwrap();
    assert.equal(u8aToString(cap.id), 'kiln');
    assert.deepEqual(cap.params.map(([k, v]) => [u8aToString(k), u8aToString(v)]), [['maxTemperatureC', '1200']]);
  });

  await t.test('did-jwt-vc verifies it, resolving did:twin over the HTTP driver', async () => {
    resolver = new Resolver({
      twin: async (id) => (await fetch(`http://127.0.0.1:${httpPort}/1.0/identifiers/${encodeURIComponent(id)}`)).json(),
    });
    const verified = await verifyCredential(jwt, resolver);
    assert.equal(verified.issuer, did(charlie.address));
    assert.equal(verified.verifiableCredential.credentialSubject.capability, 'kiln');
    assert.equal(verified.signer.id, kid);
  });

  await t.test('a credential signed elsewhere (alg "Ed25519", RFC 9864\'s name) and anchored through polkadot.js verifies', async () => {
    const qualitySchema = await schemaId(api, 'QualityCertificate');
    now = Math.floor(Date.now() / 1000);
    const quality = { id: subject, standard: 'ISO 2768-m', result: 'pass', product: subject };
    const foreignInput = `${b64url(JSON.stringify({ alg: 'Ed25519', typ: 'JWT', kid }))}.${b64url(JSON.stringify({
      iss: did(charlie.address), sub: subject, nbf: now, iat: now, jti: 'urn:uuid:00000000-0000-4000-8000-000000000001',
      vc: { '@context': ['https://www.w3.org/2018/credentials/v1'], type: ['VerifiableCredential', 'QualityCertificate'],
        credentialSubject: quality, credentialSchema: { id: `urn:twin:schema:${u8aToHex(qualitySchema)}`, type: 'JsonSchema' } },
    }))}`;
    const foreign = `${foreignInput}.${b64url(charlieKey.sign(stringToU8a(foreignInput)))}`;
    const anchorTx = (jws, opts = {}) => api.tx.credentials.anchor(blake2AsU8a(stringToU8a(jws), 256), ferdie.address,
      opts.schema ?? qualitySchema, null, null, opts.capability ?? null);
    await signAndWait(api, anchorTx(foreign), charlie);
    const r = verify(foreign);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).schema, 'QualityCertificate');
  });

  // --- Each failure, with its own reason.
  await t.test('invalid: a tampered payload (did-jwt-vc rejects it too)', async () => {
    // Tampered payload (a hotter kiln), original signature.
    const hotter = { ...payload, vc: { ...payload.vc, credentialSubject: { ...payload.vc.credentialSubject, parameters: { maxTemperatureC: 1600 } } } };
    const [h] = jwt.split('.');
    const tampered = `${h}.${b64url(JSON.stringify(hotter))}.${jwt.split('.')[2]}`;
    rejects(tampered, /changed after it was signed/, 'tampered payload');
    await assert.rejects(verifyCredential(tampered, resolver), /signature/i, 'did-jwt-vc rejects the tampered credential too');
  });

  await t.test('invalid: signed with another key than its kid', async () => {
    // Wrong key: signed with another key than the `kid` it names (and anchored as issued).
    const wrongKey = issueAnchored(['--issuer-key', '//NotCharlie', '--kid', kid, '--claims', kiln()]);
    rejects(wrongKey, /wrong key/, 'wrong key');
  });

  await t.test('invalid: signed with a key revoked before issuance', async () => {
    // Key revoked before issuance: `#old` is revoked, then used.
    const oldKey = ed.addFromUri('//CharlieOld');
    await addKey(charlie, 'old', oldKey.publicKey);
    await signAndWait(api, api.tx.did.revokeAttribute(charlie.address, 'old'), charlie);
    await sleep(1500);
    const afterRevocation = issueAnchored(['--issuer-key', '//CharlieOld', '--kid', `${did(charlie.address)}#old`, '--claims', kiln()]);
    rejects(afterRevocation, /revoked or expired before the credential was issued/, 'key revoked before issuance');
  });

  await t.test('invalid: not yet valid', async () => {
    const future = issueAnchored(['--issuer-key', '//CharlieVc', '--kid', kid, '--claims', kiln(), '--valid-from', String(now + 3600)]);
    rejects(future, /not yet valid/, 'not yet valid');
  });

  await t.test('invalid: expired', async () => {
    // Expired: valid for a few seconds only.
    const shortLived = issueAnchored(['--issuer-key', '//CharlieVc', '--kid', kid, '--claims', kiln(), '--valid-until', String(Math.floor(Date.now() / 1000) + 6)]);
    assert.equal(verify(shortLived).status, 0, 'valid before it expires');
    await sleep(8000);
    rejects(shortLived, /expired/, 'expired');
  });

  await t.test('invalid: revoked, or suspended, by its issuer; valid again once unsuspended', async () => {
    // Revoked, and suspended then unsuspended, by the issuer on chain.
    const toRevoke = issueAnchored(['--issuer-key', '//CharlieVc', '--kid', kid, '--claims', kiln(900)]);
    await signAndWait(api, api.tx.credentials.revoke(blake2AsU8a(stringToU8a(toRevoke), 256)), charlie);
    rejects(toRevoke, /revoked \(by its issuer/, 'revoked');
    const toSuspend = issueAnchored(['--issuer-key', '//CharlieVc', '--kid', kid, '--claims', kiln(800)]);
    const suspendDigest = blake2AsU8a(stringToU8a(toSuspend), 256);
    await signAndWait(api, api.tx.credentials.suspend(suspendDigest), charlie);
    rejects(toSuspend, /suspended by its issuer/, 'suspended');
    await signAndWait(api, api.tx.credentials.unsuspend(suspendDigest), charlie);
    assert.equal(verify(toSuspend).status, 0, 'valid again once unsuspended');
  });

  await t.test('invalid while its issuer is suspended; revoked for good by the privileged origin', async () => {
    // The certifier's keys are stolen: suspending it (the privileged origin's, since it is a
    // certifier) suspends what it anchored; reactivated, its credentials count again.
    const cred = issueAnchored(['--issuer-key', '//CharlieVc', '--kid', kid, '--claims', kiln(700)]);
    await assert.rejects(signAndWait(api, api.tx.actors.suspendActor(charlie.address), alice), /actors\.PrivilegedOnly/);
    await sudoExec(api, api.tx.actors.suspendActor(charlie.address), alice);
    rejects(cred, /its issuer .* is suspended/, 'issuer suspended');
    await sudoExec(api, api.tx.actors.reactivateActor(charlie.address), alice);
    assert.equal(verify(cred).status, 0, 'valid again once its issuer is reactivated');
    // Only the privileged origin revokes another's credential.
    const digest = blake2AsU8a(stringToU8a(cred), 256);
    await assert.rejects(signAndWait(api, api.tx.credentials.forceRevoke(digest), alice), /BadOrigin/);
    await sudoExec(api, api.tx.credentials.forceRevoke(digest), alice);
    rejects(cred, /revoked \(by its issuer, or by the consortium/, 'force-revoked');
  });

  await t.test('invalid: an unknown schema', async () => {
    const unknown = issue(['--issuer-key', '//CharlieVc', '--kid', kid, '--claims', kiln(), '--type', 'Paint', '--schema', `0x${'ab'.repeat(32)}`]);
    rejects(unknown, /unknown schema/, 'unknown schema');
  });

  await t.test('invalid: claims that do not match the schema', async () => {
    const badClaims = issue(['--issuer-key', '//CharlieVc', '--kid', kid, '--type', 'QualityCertificate', '--claims', claimsFile({ id: subject, standard: 'ISO 9001', result: 'maybe', product: subject })]);
    rejects(badClaims, /do not match the schema QualityCertificate/, 'claims against the schema');
  });

  await t.test('invalid: the issuer is not a certifier', async () => {
    // Issuer not a certifier: Bob (a supplier) has a key and signs, but cannot anchor.
    const bobKey = ed.addFromUri('//BobVc');
    await addKey(bob, 'signing', bobKey.publicKey);
    const bobArgs = ['--issuer-key', '//BobVc', '--kid', `${did(bob.address)}#signing`, '--claims', kiln()];
    const refused = runBin(['vc', 'issue', '--url', node.wsUrl, ...bobArgs, '--anchor', '--signer', '//Bob']);
    assert.notEqual(refused.status, 0);
    assert.match(refused.stderr, /BadOrigin/);
    rejects(issue(bobArgs), /is not a certifier/, 'issuer not a certifier');
  });

  await t.test('invalid: issued after the certifier role was withdrawn; what was anchored before stays valid', async () => {
    // Certifier withdrawn: Dave becomes a certifier, issues, is withdrawn; what he anchored before
    // stays valid, what he issues afterwards fails.
    const daveKey = ed.addFromUri('//DaveVc');
    await addKey(dave, 'signing', daveKey.publicKey);
    // The certifier role is the privileged origin's to give (sudo on the dev chain): a registrar
    // alone is refused.
    const certifier = api.tx.actors.registerActor(dave.address, 'Certifier', 'Certifier D');
    await assert.rejects(signAndWait(api, certifier, alice), /actors\.PrivilegedOnly/);
    await sudoExec(api, certifier, alice);
    const daveArgs = ['--issuer-key', '//DaveVc', '--kid', `${did(dave.address)}#signing`, '--claims', kiln()];
    const before = issueAnchored(daveArgs, '//Dave');
    assert.equal(verify(before).status, 0);
    await sudoExec(api, api.tx.actors.revokeRole(dave.address, 'Certifier'), alice);
    const after = issue(daveArgs);
    rejects(after, /certifier role was withdrawn/, 'certifier withdrawn');
    assert.equal(verify(before).status, 0, 'credentials anchored before the withdrawal stay valid');
  });

  await t.test('invalid: a malformed JWT, an unsupported alg', async () => {
    rejects('not-a-jwt', /malformed JWT/, 'malformed');
    rejects(jwt.replace(/^[^.]+/, b64url(JSON.stringify({ alg: 'ES256', kid }))), /unsupported alg/, 'alg');
  });
});
