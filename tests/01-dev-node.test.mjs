// Test 1: a dev node on a fresh base path produces and finalizes blocks; stopped and restarted
// on the same base path it continues the same chain. export-blocks and purge-chain work on it.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { runBin, waitFor } from './lib/harness.mjs';
import { withDevNode } from './lib/chain.mjs';

test('dev node persists its chain across a restart, exports and purges it', async (t) => {
  const { node } = await withDevNode(t, { name: 'dev', api: false });
  const { basePath } = node;

  await t.test('a fresh dev node finalizes, serves metrics and stops cleanly, its chain in ParityDB', async () => {
    await waitFor('a finalized block > 3', async () => (await node.finalizedNumber()) > 3, 90_000);

    // Prometheus serves the node's metrics.
    const metrics = await (await fetch(`http://127.0.0.1:${node.promPort}/metrics`)).text();
    assert.match(metrics, /substrate_block_height\{status="finalized"/);

    const stopped = await node.stop();
    assert.equal(stopped.code, 0, `graceful shutdown exits 0, got ${JSON.stringify(stopped)}`);
    assert.ok(fs.existsSync(path.join(basePath, 'chains', 'twinchain_dev', 'paritydb', 'full')),
      'the chain is stored in ParityDB');
  });

  let before;
  await t.test('export-blocks and chain-info read the stopped node\'s database', async () => {
    // What the node left on disk, read offline with export-blocks.
    const exported = path.join(basePath, 'blocks.json');
    const exp = runBin(['export-blocks', '--dev', '--base-path', basePath, '--from', '1', '--to', '3', exported]);
    assert.equal(exp.status, 0, exp.stderr);
    const blocks = fs.readFileSync(exported, 'utf8');
    assert.match(blocks, /"number":\s*"0x1"/, 'block 1 is in the export');

    // What the database holds, read offline with chain-info.
    const info = runBin(['chain-info', '--dev', '--base-path', basePath]);
    assert.equal(info.status, 0, info.stderr);
    const stored = JSON.parse(info.stdout.slice(info.stdout.indexOf('{')));
    before = { bestHash: stored.best_hash, bestNumber: stored.best_number, finalized: stored.finalized_hash };
    assert.ok(before.bestNumber > 3, `chain-info reports the stored best block (${before.bestNumber})`);
  });

  await t.test('restarted on the same base path, it continues the same chain', async () => {
    await node.start();
    assert.equal(await node.hashAt(before.bestNumber), before.bestHash,
      'the pre-restart best block is still on the chain');
    const finalizedHeader = await node.rpc('chain_getHeader', [before.finalized]);
    assert.ok(finalizedHeader, 'the pre-restart finalized block is still there');
    await waitFor('new blocks after the restart', async () => (await node.bestNumber()) > before.bestNumber + 1, 60_000);
    await waitFor('finality past the pre-restart best block',
      async () => (await node.finalizedNumber()) > before.bestNumber, 60_000);
    await node.stop();
  });

  await t.test('purge-chain removes the database: the next start is back at genesis', async () => {
    const purge = runBin(['purge-chain', '--dev', '--base-path', basePath, '-y']);
    assert.equal(purge.status, 0, purge.stderr);
    await node.start();
    const genesis = await node.hashAt(0);
    assert.notEqual(await node.hashAt(before.bestNumber + 50), before.bestHash);
    assert.ok((await node.bestNumber()) < before.bestNumber, 'after purge-chain the chain restarted from genesis');
    assert.match(genesis, /^0x[0-9a-f]{64}$/);
  });
});

test('the node runs the single-state transaction pool unless --pool-type names another', async (t) => {
  // --help names the default, and why.
  const help = runBin(['--help']);
  assert.equal(help.status, 0, help.stderr);
  const pool = help.stdout.slice(help.stdout.indexOf('--pool-type'), help.stdout.indexOf('--pool-best-blocks-only'));
  assert.match(pool, /\[default: single-state\]/, pool);
  assert.match(pool, /fork-aware/, pool);

  // The pool the node builds, as sc-transaction-pool logs it when it creates it.
  for (const [args, kind] of [[[], 'SingleState'], [['--pool-type', 'fork-aware'], 'ForkAware']]) {
    const { node } = await withDevNode(t, { name: `pool-${kind}`, args, api: false });
    await waitFor(`the ${kind} pool in the log`, async () => /Creating transaction pool/.test(node.tail(200)), 30_000);
    const line = node.tail(200).split('\n').find((l) => l.includes('Creating transaction pool'));
    assert.match(line, new RegExp(`txpool_type=${kind}\\b`), line);
    // The node produces blocks with either pool.
    await waitFor('a block', async () => (await node.bestNumber()) > 0, 30_000);
    await node.dispose();
  }

  // A pool type that does not exist is refused with the values that do.
  const bad = runBin(['--dev', '--pool-type', 'mempool', '--tmp']);
  assert.notEqual(bad.status, 0);
  assert.match(bad.stderr, /invalid value 'mempool'.*\n[\s\S]*single-state[\s\S]*fork-aware|possible values: single-state, fork-aware/, bad.stderr);
});
