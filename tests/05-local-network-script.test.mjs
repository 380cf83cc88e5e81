// scripts/local-network.sh: three validators on loopback with their own base paths and ports,
// finalizing together; Ctrl-C (SIGINT) stops all three cleanly.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { REPO, removeDir, rpcAt as rpc, tempDir, waitFor } from './lib/harness.mjs';

const alive = (pid) => { try { process.kill(pid, 0); return true; } catch { return false; } };

test('local-network.sh runs the three validators and stops them all on Ctrl-C', async (t) => {
  const base = tempDir('twinchain-localnet-');
  const script = spawn('bash', [path.join(REPO, 'scripts', 'local-network.sh'), '--base', base], {
    stdio: ['ignore', 'pipe', 'pipe'], detached: true,
  });
  let out = '';
  script.stdout.on('data', (d) => { out += d; });
  script.stderr.on('data', (d) => { out += d; });
  const exited = new Promise((r) => script.on('exit', (code, sig) => r({ code, sig })));
  t.after(async () => {
    try { process.kill(-script.pid, 'SIGKILL'); } catch { /* gone */ }
    removeDir(base);
  });

  const ports = [9944, 9945, 9946];
  await waitFor('finality on all three nodes', async () => {
    const heads = await Promise.all(ports.map(async (p) => {
      const h = await rpc(p, 'chain_getHeader', [await rpc(p, 'chain_getFinalizedHead')]);
      return parseInt(h.number, 16);
    }));
    return heads.every((n) => n >= 3);
  }, 120_000, 1000);
  for (const n of ['factory-a', 'factory-b', 'supplier-a']) {
    assert.ok(fs.existsSync(path.join(base, n, 'chains', 'twinchain_local')), `${n} has its own base path`);
  }
  const pids = [...out.matchAll(/\(pid (\d+)\)/g)].map((m) => Number(m[1]));
  assert.equal(pids.length, 3, `three nodes started:\n${out}`);

  process.kill(-script.pid, 'SIGINT');
  const { code } = await exited;
  assert.equal(code, 0, `the script exits cleanly:\n${out}`);
  await waitFor('all three nodes to exit', async () => pids.every((p) => !alive(p)), 30_000, 200);
  assert.match(out, /stopping/);
});
