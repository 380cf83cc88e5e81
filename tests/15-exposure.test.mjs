// Exposure: with its defaults a node serves JSON-RPC on loopback only (every method,
// for the operator on the machine); with --rpc-external it also listens on the machine's other
// interfaces, and there it serves only the safe methods — key management, peer management and
// the like are refused. README "Exposing the RPC safely" says how to open it up.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import os from 'node:os';
import { withDevNode } from './lib/chain.mjs';

/** An IPv4 address of this machine that is not loopback, if there is one. */
function externalAddress() {
  for (const list of Object.values(os.networkInterfaces())) {
    for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  return undefined;
}

/** One JSON-RPC call to host:port: { result } or { error }, or throws if nothing listens. */
async function call(host, port, method, params = []) {
  const res = await fetch(`http://${host}:${port}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
    signal: AbortSignal.timeout(10_000),
  });
  return res.json();
}

const host = externalAddress();
const skip = !host && 'needs a non-loopback IPv4 address to check what --rpc-external exposes; this machine has only loopback';

test('RPC is on loopback only by default, and safe-only when exposed', { skip }, async (t) => {
  await t.test('defaults: loopback serves every method, other interfaces nothing', async () => {
    const { node } = await withDevNode(t, { name: 'default-rpc', rpcMethods: null, api: false });
    assert.ok((await call('127.0.0.1', node.rpcPort, 'system_health')).result);
    // The operator on the machine may manage keys.
    const rotated = await call('127.0.0.1', node.rpcPort, 'author_rotateKeys');
    assert.match(rotated.result ?? '', /^0x[0-9a-f]+$/, JSON.stringify(rotated));
    await assert.rejects(call(host, node.rpcPort, 'system_health'), /fetch failed/, `nothing answers on ${host}`);
  });

  await t.test('--rpc-external: other interfaces answer, unsafe methods are refused there', async () => {
    const { node } = await withDevNode(t, { name: 'external-rpc', args: ['--rpc-external'], rpcMethods: null, api: false });
    assert.ok((await call(host, node.rpcPort, 'system_health')).result, `${host} answers`);
    assert.ok((await call(host, node.rpcPort, 'chain_getHeader')).result);
    for (const [method, params] of [
      ['author_rotateKeys', []],
      ['author_insertKey', ['aura', '//Eve', '0x' + '00'.repeat(32)]],
      ['system_addReservedPeer', ['/ip4/127.0.0.1/tcp/1/p2p/12D3KooWQ1hShnzWPxivvSTGc1J5QJTuExcgup4mzgp4PgrEYesZ']],
      ['offchain_localStorageSet', ['PERSISTENT', '0x00', '0x00']],
    ]) {
      const r = await call(host, node.rpcPort, method, params);
      assert.ok(r.error, `${method} is refused: ${JSON.stringify(r)}`);
      assert.match(r.error.message, /unsafe/i, `${method}: ${JSON.stringify(r.error)}`);
    }
  });
});
