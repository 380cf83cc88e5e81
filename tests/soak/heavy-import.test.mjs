// SIGKILL during a heavy import (scripts/soak.sh import; minutes, so not in
// scripts/test.sh). The load generator fills blocks with transfers on a dev node and keeps its
// database (--keep-db). That node then serves the chain to a fresh node, which is killed with
// SIGKILL while it imports the full blocks, restarted, and killed again, three times: each time
// its database opens again and the import continues. At the end it has the source's best block,
// with the same state root, and every loaded block.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { BIN, Node, TARGET, disposeAll, freePort, tempDir, waitFor } from '../lib/harness.mjs';

const LOAD_BIN = process.env.TWINCHAIN_LOAD_BIN || path.join(TARGET, 'release', 'twinchain-load');
const KILLS = 3;

test('a node killed (SIGKILL) while it imports full blocks reopens its database and finishes', async (t) => {
  const dir = tempDir('twinchain-heavy-import-');
  // Blocks full of transfers: one load step at a rate the node sustains, kept on disk.
  const load = spawnSync(LOAD_BIN, [
    'transfers', '--node', BIN, '--keep-db', '--log-dir', dir, '--accounts', '1000', '--seconds', '30',
    '--repeat', '1', '--transfer-rates', '500', '--rpc-port', String(await freePort()),
  ], { encoding: 'utf8', timeout: 15 * 60_000, maxBuffer: 64 << 20 });
  assert.equal(load.status, 0, `twinchain-load failed:\n${load.stderr}\n${load.stdout}`);
  const kept = path.join(dir, 'twinchain-load-transfers');
  const spec = path.join(kept, 'spec.json');
  assert.ok(fs.existsSync(spec), `the load generator kept ${kept}`);

  // The source serves the loaded chain; offchain workers off on both nodes, so that neither
  // applies the chain's peer allow-list to this test's throwaway node keys.
  const source = new Node({
    name: 'source', basePath: path.join(kept, 'db'), keepBasePath: true,
    args: ['--chain', spec, '--node-key', '11'.repeat(32), '--offchain-worker', 'never'],
  });
  const importer = new Node({ name: 'importer', args: ['--chain', spec, '--offchain-worker', 'never'] });
  t.after(async () => { await disposeAll([source, importer]); fs.rmSync(dir, { recursive: true, force: true }); });
  await source.start();
  const sourcePeer = await source.peerId();
  importer.args.push('--bootnodes', `/ip4/127.0.0.1/tcp/${source.p2pPort}/p2p/${sourcePeer}`);

  // Which blocks are loaded, and how much they hold.
  const best = await source.bestNumber();
  const sizes = [];
  for (let n = 1; n <= best; n++) {
    const block = await source.rpc('chain_getBlock', [await source.rpc('chain_getBlockHash', [n])]);
    sizes.push({ n, xts: block.block.extrinsics.length });
  }
  const loaded = sizes.filter((b) => b.xts >= 100);
  assert.ok(loaded.length >= 5, `at least five loaded blocks (${loaded.length} of ${best})`);
  const totalXts = loaded.reduce((s, b) => s + b.xts, 0);
  t.diagnostic(`source: ${best} blocks, ${loaded.length} loaded (#${loaded[0].n}..#${loaded.at(-1).n}, ${totalXts} extrinsics, up to ${Math.max(...loaded.map((b) => b.xts))} a block)`);

  // Kill points spread over the loaded range.
  const killAt = Array.from({ length: KILLS }, (_, i) => loaded[Math.floor(((i + 1) * loaded.length) / (KILLS + 1))].n);
  const kills = [];
  for (const target of killAt) {
    // start() waits for the RPC; a node importing fast may be past the target by then.
    await importer.start();
    const at = await waitFor(`importer at #${target}`, async () => {
      const n = await importer.bestNumber();
      return n >= target ? n : false;
    }, 300_000, 20);
    await importer.kill();
    kills.push({ target, at, importing: at < best });
  }
  t.diagnostic(`killed at: ${kills.map((k) => `#${k.at}${k.importing ? ' (importing)' : ''}`).join(', ')}`);
  assert.ok(kills.filter((k) => k.importing).length >= 2, 'at least two kills during the import');

  // Restarted once more: it opens the database and finishes the import.
  await importer.start();
  await waitFor('the importer at the source\'s best block', async () => (await importer.bestNumber()) >= best, 300_000);
  const hash = await source.rpc('chain_getBlockHash', [best]);
  assert.equal(await importer.rpc('chain_getBlockHash', [best]), hash);
  const [h1, h2] = await Promise.all([source, importer].map((n) => n.rpc('chain_getHeader', [hash])));
  assert.equal(h2.stateRoot, h1.stateRoot, 'the same state root');
  for (const b of loaded) {
    const block = await importer.rpc('chain_getBlock', [await importer.rpc('chain_getBlockHash', [b.n])]);
    assert.equal(block.block.extrinsics.length, b.xts, `block #${b.n}`);
  }
});
