// The committed chain specs in chain-spec/ must match what the runtime's presets generate, and
// a validator must start from the committed raw spec and finalize blocks.
//
// The runtime wasm (the `:code` entry) is compared by the runtime version it reports, not byte
// for byte: wasm builds are not bit-reproducible across checkouts.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { LOCAL_NODES, Node, REPO, disposeAll, runBin, tempDir, waitFor } from './lib/harness.mjs';

const CODE_KEY = '0x3a636f6465'; // ":code"

function generated(chain, raw) {
  const r = runBin(['build-spec', '--chain', chain, '--disable-default-bootnode', ...(raw ? ['--raw'] : [])]);
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
}

function committed(file) {
  const p = path.join(REPO, 'chain-spec', file);
  assert.ok(fs.existsSync(p), `${p} is committed (run scripts/build-specs.sh)`);
  return JSON.parse(fs.readFileSync(p, 'utf8'));
}

function withoutCode(spec) {
  const s = structuredClone(spec);
  if (s.genesis.runtimeGenesis) delete s.genesis.runtimeGenesis.code;
  if (s.genesis.raw) delete s.genesis.raw.top[CODE_KEY];
  return s;
}

for (const chain of ['dev', 'local']) {
  test(`chain-spec/${chain}.json and ${chain}-raw.json match the ${chain} preset`, () => {
    for (const raw of [false, true]) {
      const file = `${chain}${raw ? '-raw' : ''}.json`;
      const want = generated(chain, raw);
      const have = committed(file);
      assert.deepEqual(withoutCode(have), withoutCode(want),
        `${file} is stale: regenerate it with scripts/build-specs.sh`);
      const code = raw ? have.genesis.raw.top[CODE_KEY] : have.genesis.runtimeGenesis.code;
      assert.match(code, /^0x0061736d|^0x52bc5376/, `${file} carries a wasm runtime`);
    }
  });
}

test('a validator starts from the committed raw dev spec, finalizes, and runs the current runtime', async (t) => {
  const fromSpec = new Node({ name: 'from-spec', args: ['--chain', path.join(REPO, 'chain-spec', 'dev-raw.json'), '--alice', '--node-key', '42'.repeat(32)] });
  const builtIn = new Node({ name: 'built-in', args: ['--dev'] });
  t.after(() => disposeAll([fromSpec, builtIn]));
  await Promise.all([fromSpec.start(), builtIn.start()]);
  await waitFor('finality from the committed spec', async () => (await fromSpec.finalizedNumber()) >= 2, 90_000);
  const [v1, v2] = await Promise.all([fromSpec.rpc('state_getRuntimeVersion'), builtIn.rpc('state_getRuntimeVersion')]);
  const norm = (v) => ({ ...v, apis: [...v.apis].sort((x, y) => x[0].localeCompare(y[0])) });
  assert.deepEqual(norm(v1), norm(v2), 'the committed runtime is the version this source builds');
});

test('the local network\'s node keys give the peer ids its genesis authorizes (`key inspect-node-key`)', () => {
  const dir = tempDir();
  for (const [name, { nodeKey, peerId }] of Object.entries(LOCAL_NODES)) {
    const file = path.join(dir, name);
    fs.writeFileSync(file, nodeKey);
    const r = runBin(['key', 'inspect-node-key', '--file', file]);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout.trim(), peerId, `${name}'s node key`);
  }
  const local = committed('local.json');
  assert.equal(local.genesis.runtimeGenesis.patch.nodeAuthorization.nodes.length, 3,
    'the local spec lists the three well-known nodes');
});

test('`benchmark pallet --list` lists the runtime\'s benchmarks, ours included', () => {
  const r = runBin(['benchmark', 'pallet', '--chain', 'dev', '--list']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /pallet_validator_set, add_validator/);
  assert.match(r.stdout, /pallet_balances/);
});
