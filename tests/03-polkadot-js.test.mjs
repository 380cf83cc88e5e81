// Test 5: a client that is not ours — @polkadot/api, the library behind polkadot.js apps —
// connects to a dev node, decodes the metadata, reads storage and submits a signed transfer.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { devAccounts, signAndWait, withDevNode } from './lib/chain.mjs';

test('@polkadot/api reads the chain and sees a signed transfer finalized', async (t) => {
  const { api } = await withDevNode(t, { name: 'dev-pjs' });
  const { alice, bob } = await devAccounts();

  await t.test('the metadata names our pallets, the 2 s slot and the TWIN token', async () => {
    // Metadata decoded: our pallets and calls are known by name.
    const pallets = api.runtimeMetadata.asLatest.pallets.map((p) => p.name.toString());
    for (const p of ['System', 'Balances', 'Aura', 'Grandpa', 'Session', 'ValidatorSet', 'Sudo', 'Council', 'NodeAuthorization', 'Actors', 'Did']) {
      assert.ok(pallets.includes(p), `metadata lists ${p}`);
    }
    assert.equal(api.runtimeVersion.specName.toString(), 'twinchain');
    assert.equal(api.consts.aura.slotDuration.toNumber(), 2000, 'the slot is 2 s');
    assert.equal(api.registry.chainTokens[0], 'TWIN');
  });

  let after;
  await t.test('a storage read, and a signed transfer seen finalized', async () => {
    // A storage read.
    const before = (await api.query.system.account(bob.address)).data.free.toBigInt();
    assert.ok(before > 0n, 'Bob is funded at genesis');
    assert.equal((await api.query.sudo.key()).toString(), alice.address, 'Alice holds the dev sudo key');

    // A signed transfer, seen finalized.
    const amount = 1_234_567_890_000n;
    const { blockHash, events } = await signAndWait(api, api.tx.balances.transferKeepAlive(bob.address, amount), alice, { finalized: true });
    const transfer = events.find(({ event }) => api.events.balances.Transfer.is(event));
    assert.ok(transfer, 'a Transfer event');
    assert.equal(transfer.event.data.amount.toBigInt(), amount);
    assert.ok(events.some(({ event }) => api.events.system.ExtrinsicSuccess.is(event)));
    const finalized = await api.rpc.chain.getFinalizedHead();
    const finalizedNumber = (await api.rpc.chain.getHeader(finalized)).number.toNumber();
    const inclusion = (await api.rpc.chain.getHeader(blockHash)).number.toNumber();
    assert.ok(finalizedNumber >= inclusion, 'the block with the transfer is finalized');
    after = (await api.query.system.account(bob.address)).data.free.toBigInt();
    assert.equal(after - before, amount);
  });

  await t.test('bad input gets a clear error and moves no funds', async () => {
    // Bob pays only the fee.
    const aliceBefore = (await api.query.system.account(alice.address)).data.free.toBigInt();
    await assert.rejects(
      signAndWait(api, api.tx.balances.transferKeepAlive(alice.address, 10n ** 30n), bob),
      /arithmetic\.Underflow|token\.FundsUnavailable|balances\.InsufficientBalance/,
    );
    assert.equal((await api.query.system.account(alice.address)).data.free.toBigInt(), aliceBefore,
      'the failed transfer credited nothing');
    const bobAfterFailure = (await api.query.system.account(bob.address)).data.free.toBigInt();
    assert.ok(after - bobAfterFailure < 10n ** 12n, 'Bob lost at most a fee');
  });
});
