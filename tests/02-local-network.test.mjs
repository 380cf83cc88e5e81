// Tests 2, 3 and 4: the `local` consortium network of three validators on loopback; a fourth
// validator added and removed at run time by the council; unauthorized peers refused.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { base58Decode } from '@polkadot/util-crypto';
import { u8aToHex } from '@polkadot/util';
import { LOCAL_NODES, Node, disposeAll, finalizedNumbers, runBin, startLocalNetwork, sleep, waitFor } from './lib/harness.mjs';
import { authorsOf, connect, councilExec, devAccounts, signAndWait } from './lib/chain.mjs';

test('the local consortium: three validators, permissioned peers, validators added and removed at run time', async (t) => {
  const nodes = await startLocalNetwork();
  const extra = [];
  let api;
  t.after(async () => { await api?.disconnect(); await disposeAll([...extra, ...nodes]); });
  const [a] = nodes;
  const acc = await devAccounts();
  const boot = `/ip4/127.0.0.1/tcp/${a.p2pPort}/p2p/${LOCAL_NODES['factory-a'].peerId}`;

  await t.test('2. all three author, finality advances on every node, same finalized hash', async () => {
    await waitFor('finality > 6 on every node',
      async () => (await finalizedNumbers(nodes)).every((f) => f > 6), 120_000);
    api = await connect(a.wsUrl);
    const best = (await api.rpc.chain.getHeader()).number.toNumber();
    const authors = new Set(await authorsOf(api, 1, best));
    const expected = [acc.alice, acc.bob, acc.charlie].map((p) => u8aToHex(p.publicKey));
    for (const k of expected) assert.ok(authors.has(k), `validator ${k} authored a block in 1..${best}`);
    assert.equal(authors.size, 3, 'nobody else authored');
    await waitFor('the same finalized hash on all three nodes', async () => {
      const heads = await Promise.all(nodes.map((n) => n.finalizedHash()));
      return heads.every((h) => h === heads[0]);
    }, 60_000, 100);
    for (const n of nodes) assert.ok((await n.peers()) >= 1, `${n.name} is connected`);
  });

  // Both newcomers start with peer ids the chain does not know.
  const intruder = new Node({ name: 'intruder', args: ['--chain', 'local', '--bootnodes', boot] });
  // A new consortium node starts reserved-only: until its own offchain worker has applied the
  // on-chain allow-list (after it synced), it must not talk to strangers either.
  const dave = new Node({
    name: 'factory-c',
    args: ['--chain', 'local', '--validator', '--reserved-only', '--reserved-nodes', boot],
  });
  extra.push(intruder, dave);

  const notConnectedTo = async (peerId, among) => {
    for (const n of among) {
      const peers = await n.rpc('system_peers');
      assert.ok(!peers.some((p) => p.peerId === peerId), `${n.name} is not connected to ${peerId}`);
    }
  };

  await t.test('4. a node whose peer id is not authorized gets no connections', async () => {
    await intruder.start();
    const intruderId = await intruder.peerId();
    for (let i = 0; i < 20; i++) {
      assert.equal(await intruder.peers(), 0, 'the intruder has no peers');
      await sleep(1000);
    }
    assert.equal(await intruder.bestNumber(), 0, 'the intruder synced nothing');
    await notConnectedTo(intruderId, nodes);

    // The new factory's validator is just as unknown until the council authorizes it.
    // A validator needs a persistent network key: its operator generates one.
    const gen = runBin(['key', 'generate-node-key', '--base-path', dave.basePath, '--chain', 'local']);
    assert.equal(gen.status, 0, gen.stderr);
    await dave.start();
    await sleep(10_000);
    await notConnectedTo(await dave.peerId(), nodes);
    assert.equal(await dave.bestNumber(), 0, 'the unauthorized validator synced nothing');
  });

  await t.test('3. the council adds a fourth validator, which authors after rotation, then removes it', async () => {
    const members = [acc.alice, acc.bob];
    // Authorize the new factory's node (well-known node owned by Dave).
    const davePeer = await dave.peerId();
    await councilExec(api, members, api.tx.nodeAuthorization.addWellKnownNode(u8aToHex(base58Decode(davePeer)), acc.dave.address));
    await waitFor('the authorized node to connect and sync', async () =>
      (await dave.peers()) >= 1 && (await dave.bestNumber()) >= (await a.bestNumber()) - 2, 90_000);

    // Dave's node generates session keys with a proof of possession; Dave registers them.
    const generated = await dave.rpc('author_rotateKeysWithOwner', [u8aToHex(acc.dave.publicKey)]);
    const daveAura = generated.keys.slice(0, 66);
    await signAndWait(api, api.tx.session.setKeys(generated.keys, generated.proof), acc.dave);

    // A validator without keys is refused with a clear error.
    await assert.rejects(
      councilExec(api, members, api.tx.validatorSet.addValidator(acc.eve.address)),
      /validatorSet\.NoSessionKeys/,
    );

    const added = await councilExec(api, members, api.tx.validatorSet.addValidator(acc.dave.address));
    assert.ok(added.events.some(({ event }) => api.events.validatorSet.ValidatorAdded.is(event)));
    const addedAt = (await api.rpc.chain.getHeader(added.blockHash)).number.toNumber();

    const firstDaveBlock = await waitFor('a block authored by the new validator', async () => {
      const best = (await api.rpc.chain.getHeader()).number.toNumber();
      const authors = await authorsOf(api, addedAt + 1, best);
      const i = authors.indexOf(daveAura);
      return i >= 0 ? addedAt + 1 + i : false;
    }, 150_000, 2000);
    const grandpa = await api.call.grandpaApi.grandpaAuthorities();
    assert.equal(grandpa.length, 4, 'GRANDPA votes with four authorities');
    const finalizedAtJoin = await a.finalizedNumber();
    await waitFor('finality beyond the new validator\'s first block', async () =>
      (await finalizedNumbers([...nodes, dave])).every((f) => f > firstDaveBlock), 90_000);
    assert.ok((await a.finalizedNumber()) > finalizedAtJoin);

    // Remove it again.
    const removed = await councilExec(api, members, api.tx.validatorSet.removeValidator(acc.dave.address));
    assert.ok(removed.events.some(({ event }) => api.events.validatorSet.ValidatorRemoved.is(event)));
    const auraKeys = async () => (await api.query.aura.authorities()).map((k) => u8aToHex(k.toU8a()));
    await waitFor('Aura authorities without the removed validator', async () => !(await auraKeys()).includes(daveAura), 120_000, 1000);
    const from = (await api.rpc.chain.getHeader()).number.toNumber() + 1;
    await waitFor('12 more blocks', async () => (await a.bestNumber()) >= from + 12, 90_000);
    const after = await authorsOf(api, from, from + 12);
    assert.ok(!after.includes(daveAura), 'the removed validator authors no more');
    assert.equal((await api.call.grandpaApi.grandpaAuthorities()).length, 3);
    await waitFor('finality continues without it', async () =>
      (await finalizedNumbers(nodes)).every((f) => f >= from + 6), 90_000);

    // The intruder is still refused by every authorized node, the new one included.
    await notConnectedTo(await intruder.peerId(), [...nodes, dave]);
    assert.equal(await intruder.peers(), 0, 'the intruder still has no peers');
    assert.equal(await intruder.bestNumber(), 0, 'the intruder still has no blocks');
  });
});
