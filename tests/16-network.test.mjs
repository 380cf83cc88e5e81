// Network faults: four validators, the fourth (factory-d) in its own network namespace,
// joined to the other three by a veth link that the test cuts. While it is cut off the other
// three go on (3 of 4 GRANDPA votes) and the council removes it; alone (forced to author), it
// keeps authoring its own fork in its slots. Joined again, it re-syncs to the network's finalized chain, the other
// three refuse every block of its fork, and it authors nothing more. (A node whose peer id is
// not authorized never connects: tests/02-local-network.test.mjs.)

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { u8aToHex } from '@polkadot/util';
import { LOCAL_MEMBERS, Node, disposeAll, finalizedNumbers, freePort, tempDir, waitFor } from './lib/harness.mjs';
import { DAVE, Netns, fourValidatorSpec, netnsUnavailable } from './lib/network.mjs';
import { authorsOf, blockAuthor, connect, councilExec, devAccounts } from './lib/chain.mjs';

test('a validator cut off, removed meanwhile, and joined again: it re-syncs, its fork is refused',
  { skip: netnsUnavailable() }, async (t) => {
    const dir = tempDir('twinchain-network-');
    const spec = fourValidatorSpec(dir, 'twinchain_network');
    const ns = new Netns('n').create();
    const acc = await devAccounts();
    const daveAura = u8aToHex(acc.dave.publicKey);

    // The three on the host listen on loopback (for each other) and on the link's host end.
    const hosts = LOCAL_MEMBERS;
    const loopPorts = await Promise.all(hosts.map(() => freePort()));
    const linkPorts = await Promise.all(hosts.map(() => freePort()));
    const davePort = await freePort();
    const daveAddr = `/ip4/${ns.peerAddr}/tcp/${davePort}/p2p/${DAVE.peerId}`;
    const nodes = hosts.map((m, i) => new Node({
      name: m.name,
      listen: [`/ip4/127.0.0.1/tcp/${loopPorts[i]}`, `/ip4/${ns.hostPeerAddr}/tcp/${linkPorts[i]}`],
      args: [
        '--chain', spec, `--${m.seed}`, '--node-key', m.nodeKey,
        ...hosts.flatMap((o, j) => (j === i ? [] : ['--bootnodes', `/ip4/127.0.0.1/tcp/${loopPorts[j]}/p2p/${o.peerId}`])),
        '--bootnodes', daveAddr,
      ],
    }));
    // factory-d, inside the namespace: peers only over the link, RPC (safe methods) on the RPC
    // link. --force-authoring: it authors even with no peers (a validator normally waits for the
    // network), as a misconfigured or misbehaving one would, so that it builds a fork.
    const d = new Node({
      name: DAVE.name,
      netns: ns.name,
      rpcHost: ns.rpcAddr,
      rpcMethods: null,
      listen: [`/ip4/${ns.peerAddr}/tcp/${davePort}`],
      args: [
        '--chain', spec, `--${DAVE.seed}`, '--node-key', DAVE.nodeKey, '--rpc-external', '--rpc-cors', 'all', '--force-authoring',
        ...hosts.flatMap((m, i) => ['--bootnodes', `/ip4/${ns.hostPeerAddr}/tcp/${linkPorts[i]}/p2p/${m.peerId}`]),
      ],
    });
    const all = [...nodes, d];
    let api;
    let apiD;
    t.after(async () => {
      await api?.disconnect();
      await apiD?.disconnect();
      await disposeAll(all);
      ns.destroy();
      fs.rmSync(dir, { recursive: true, force: true });
    });
    await Promise.all(all.map((n) => n.start()));
    const [a] = nodes;
    await waitFor('finality past block 5 on all four, factory-d connected', async () =>
      (await finalizedNumbers(all)).every((f) => f > 5) && (await d.peers()) >= 1, 120_000);
    api = await connect(a.wsUrl);
    apiD = await connect(d.wsUrl);

    let cutFinalized;
    await t.test('cut off: the other three go on, factory-d finalizes nothing', async (s) => {
      ns.cut();
      const since = Date.now();
      const fin0 = await a.finalizedNumber();
      await waitFor('four more blocks finalized by the three', async () =>
        (await finalizedNumbers(nodes)).every((f) => f >= fin0 + 4), 60_000);
      // Votes in flight at the cut are lost with the link; what factory-d has finalized now
      // stays its finalized block while it is cut off (checked after the removal below).
      cutFinalized = await d.finalizedNumber();
      assert.ok(cutFinalized < (await a.finalizedNumber()), 'factory-d is behind the three');
      // The peer count is not a sign of the cut: the TCP connections outlive a dead link
      // (litep2p closes them only when the kernel gives up), and resume when it is back.
      s.diagnostic(`cut off: the three finalized 4 blocks in ${((Date.now() - since) / 1000).toFixed(1)} s; factory-d's finalized stays at #${cutFinalized} (it still counts ${await d.peers()} peers)`);
    });

    let removedAt;
    await t.test('the council removes factory-d while it is cut off; the three apply it', async () => {
      await councilExec(api, [acc.alice, acc.bob], api.tx.validatorSet.removeValidator(DAVE.account));
      const auraKeys = async () => (await api.query.aura.authorities()).map((k) => u8aToHex(k.toU8a()));
      await waitFor('Aura authorities without factory-d', async () => !(await auraKeys()).includes(daveAura), 150_000, 1000);
      removedAt = await a.bestNumber();
      assert.equal((await api.call.grandpaApi.grandpaAuthorities()).length, 3);
      await waitFor('finality past the removal with three voters', async () =>
        (await finalizedNumbers(nodes)).every((f) => f > removedAt), 90_000);
      // factory-d never heard of any of this.
      assert.equal(await d.finalizedNumber(), cutFinalized, 'factory-d finalized nothing while cut off');
    });

    const fork = [];
    await t.test('alone, factory-d authored a fork of its own', async (s) => {
      const best = await d.bestNumber();
      for (let n = cutFinalized + 1; n <= best; n++) {
        const h = await d.hashAt(n);
        if (h !== (await a.hashAt(n))) fork.push({ n, h, author: await blockAuthor(apiD, h) });
      }
      const own = fork.filter((f) => f.author === daveAura).length;
      assert.ok(own >= 2, `factory-d authored ${own} blocks of its fork (#${fork[0]?.n}..#${best})`);
      s.diagnostic(`factory-d's fork: ${fork.length} blocks (#${fork[0].n}..#${best}), ${own} authored by it; the network was at #${await a.bestNumber()}`);
    });

    await t.test('joined again: factory-d re-syncs to the finalized chain; its fork is refused', async (s) => {
      ns.join();
      const since = Date.now();
      const target = await a.finalizedNumber();
      await waitFor('factory-d connected and past the network\'s finalized block', async () =>
        (await d.peers()) >= 1 && (await d.finalizedNumber()) >= target, 180_000, 1000);
      s.diagnostic(`re-synced: factory-d finalized #${target} ${((Date.now() - since) / 1000).toFixed(1)} s after joining`);
      assert.equal(await d.hashAt(target), await a.hashAt(target));
      const root = async (n) => (await n.rpc('chain_getHeader', [await a.hashAt(target)])).stateRoot;
      assert.equal(await root(d), await root(a), 'the same state at the finalized block');
      // No block of the fork was imported by any of the three, and factory-d dropped it.
      for (const f of fork) {
        for (const n of nodes) assert.equal(await n.rpc('chain_getHeader', [f.h]), null, `${n.name} refused #${f.n} ${f.h}`);
        assert.notEqual(await d.hashAt(f.n), f.h, `factory-d's block #${f.n} is no longer canonical`);
      }
    });

    await t.test('after joining, the removed validator authors nothing and finality goes on', async () => {
      const from = (await a.bestNumber()) + 1;
      await waitFor('12 more blocks', async () => (await a.bestNumber()) >= from + 12, 90_000);
      assert.ok(!(await authorsOf(api, from, from + 12)).includes(daveAura), 'factory-d authored no block');
      await waitFor('finality on all four, factory-d included', async () =>
        (await finalizedNumbers(all)).every((f) => f >= from + 6), 90_000);
      const n = await d.finalizedNumber();
      assert.equal(await d.hashAt(n), await a.hashAt(n));
    });
  });
