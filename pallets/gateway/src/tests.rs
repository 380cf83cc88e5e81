//! Unit tests of the gateway pallet: the worker signs queued calls with the named key, only
//! allowed ones, retries on schedule and gives up.

use crate::{mock::*, *};
use codec::{Decode, Encode};
use sp_core::offchain::{
	testing::{PoolState, TestOffchainExt, TestTransactionPoolExt},
	OffchainDbExt, OffchainStorage, OffchainWorkerExt, TransactionPoolExt,
};
use sp_keystore::{testing::MemoryKeystore, Keystore, KeystoreExt};
use std::sync::Arc;

struct Env {
	ext: sp_io::TestExternalities,
	pool: Arc<parking_lot::RwLock<PoolState>>,
	offchain: Arc<parking_lot::RwLock<sp_core::offchain::testing::OffchainState>>,
	gateway: [u8; 32],
}

fn env() -> Env {
	let (offchain, offchain_state) = TestOffchainExt::new();
	let (pool, pool_state) = TestTransactionPoolExt::new();
	let keystore = MemoryKeystore::new();
	let gateway = keystore.sr25519_generate_new(KEY_TYPE, Some("//Gateway")).unwrap().0;
	let mut ext = new_test_ext();
	ext.register_extension(OffchainWorkerExt::new(offchain.clone()));
	ext.register_extension(OffchainDbExt::new(offchain));
	ext.register_extension(TransactionPoolExt::new(pool));
	ext.register_extension(KeystoreExt::new(Arc::new(keystore)));
	Env { ext, pool: pool_state, offchain: offchain_state, gateway }
}

fn remark(n: u8) -> RuntimeCall {
	RuntimeCall::System(frame_system::Call::remark { remark: vec![n] })
}

impl Env {
	/// Queues `entries` as the node does (tests' offchain DB has an empty prefix).
	fn queue(&self, entries: &[(u64, Entry)]) {
		let mut state = self.offchain.write();
		let ids: Vec<u64> = entries.iter().map(|(id, _)| *id).collect();
		state.persistent_storage.set(b"", QUEUE_KEY, &ids.encode());
		for (id, e) in entries {
			state.persistent_storage.set(b"", &entry_key(*id), &e.encode());
		}
	}
	fn tried(&self, id: u64) -> Option<Tried> {
		OffchainStorage::get(&self.offchain.read().persistent_storage, b"", &tried_key(id))
			.map(|raw| Tried::decode(&mut &raw[..]).unwrap())
	}
	fn submitted(&self) -> Vec<(u64, RuntimeCall)> {
		self.pool
			.write()
			.transactions
			.drain(..)
			.map(|raw| {
				let xt = Extrinsic::decode(&mut &raw[..]).unwrap();
				let sp_runtime::generic::Preamble::Signed(nonce, (), ()) = xt.preamble else {
					panic!("a signed transaction")
				};
				(nonce, xt.function)
			})
			.collect()
	}
	/// Runs the worker at `block`; like a real offchain worker's, its state changes (the
	/// nonces it counted up) are thrown away.
	fn run(&mut self, block: u64) -> u32 {
		let who = self.account();
		self.ext.execute_with(|| {
			let before = frame_system::Account::<Test>::get(who);
			let n = Gateway::process_queue(block);
			frame_system::Account::<Test>::insert(who, before);
			n
		})
	}
	fn account(&self) -> <Test as frame_system::Config>::AccountId {
		Decode::decode(&mut &self.gateway[..]).unwrap()
	}
	/// `n` of the gateway's transactions are included: its nonce goes up.
	fn include(&mut self, n: u64) {
		let who = self.account();
		self.ext.execute_with(|| {
			for _ in 0..n {
				frame_system::Pallet::<Test>::inc_account_nonce(who);
			}
		})
	}
}

#[test]
fn queued_calls_are_signed_by_their_gateway_with_consecutive_nonces() {
	let mut env = env();
	let g = env.gateway;
	env.queue(&[
		(1, Entry { signer: g, call: remark(1).encode() }),
		(2, Entry { signer: g, call: remark(2).encode() }),
	]);
	assert_eq!(env.run(10), 2);
	assert_eq!(env.submitted(), vec![(0, remark(1)), (1, remark(2))]);
	assert_eq!(env.tried(1), Some(Tried { at: 10, attempts: 1, refused: None }));
	// Not again before RetryAfter (3) blocks, then once more, then given up.
	assert_eq!(env.run(12), 0);
	assert_eq!(env.run(13), 2);
	assert_eq!(env.tried(2), Some(Tried { at: 13, attempts: 2, refused: None }));
	assert_eq!(env.run(16), 0);
	assert_eq!(env.tried(2).unwrap().refused, Some(Refusal::GaveUp));
	assert!(env.submitted().len() == 2, "the retry, nothing after giving up");
}

#[test]
fn a_new_batch_waits_until_the_previous_one_is_included() {
	let mut env = env();
	let g = env.gateway;
	let entry = |n: u8| Entry { signer: g, call: remark(n).encode() };
	env.queue(&[(1, entry(1)), (2, entry(2))]);
	assert_eq!(env.run(10), 2);
	assert_eq!(env.submitted(), vec![(0, remark(1)), (1, remark(2))]);
	// Entry 3 arrives; the batch is not included yet: signing it with the chain's nonce (0)
	// would push a transaction of the batch out of the pool.
	env.queue(&[(1, entry(1)), (2, entry(2)), (3, entry(3))]);
	assert_eq!(env.run(11), 0);
	// The batch is in a block: entry 3 goes with the next nonce.
	env.include(2);
	assert_eq!(env.run(12), 1);
	assert_eq!(env.submitted(), vec![(2, remark(3))]);
	// A batch never included is taken as dropped after RetryAfter (3) blocks: what is due is
	// signed again from the chain's nonce.
	assert_eq!(env.run(14), 0);
	assert_eq!(env.run(15), 3);
	assert_eq!(env.submitted().iter().map(|(n, _)| *n).collect::<Vec<_>>(), vec![2, 3, 4]);
}

#[test]
fn only_allowed_decodable_calls_with_a_known_key_are_signed() {
	let mut env = env();
	let g = env.gateway;
	let not_allowed = RuntimeCall::System(frame_system::Call::set_heap_pages { pages: 1 });
	env.queue(&[
		(1, Entry { signer: g, call: not_allowed.encode() }),
		(2, Entry { signer: g, call: vec![0xff, 0xff, 0xff] }),
		(3, Entry { signer: [9; 32], call: remark(3).encode() }),
		(4, Entry { signer: g, call: remark(4).encode() }),
	]);
	assert_eq!(env.run(1), 1);
	assert_eq!(env.submitted(), vec![(0, remark(4))]);
	assert_eq!(env.tried(1).unwrap().refused, Some(Refusal::NotAllowed));
	assert_eq!(env.tried(2).unwrap().refused, Some(Refusal::Undecodable));
	// An unknown key is waited for, not refused.
	assert_eq!(env.tried(3), Some(Tried { at: 1, attempts: 1, refused: None }));
}

#[test]
fn at_most_max_per_block_and_removed_entries_are_skipped() {
	let mut env = env();
	let g = env.gateway;
	let entries: Vec<(u64, Entry)> = (1..=5)
		.map(|i| (i, Entry { signer: g, call: remark(i as u8).encode() }))
		.collect();
	env.queue(&entries);
	// The node removed entry 2 (seen on chain) but its id is still queued.
	env.offchain.write().persistent_storage.remove(b"", &entry_key(2));
	assert_eq!(env.run(1), 3);
	let calls: Vec<RuntimeCall> = env.submitted().into_iter().map(|(_, c)| c).collect();
	assert_eq!(calls, vec![remark(1), remark(3), remark(4)]);
	env.include(3);
	assert_eq!(env.run(2), 1, "the rest next block");
	assert_eq!(env.submitted()[0].1, remark(5));
}

#[test]
fn genesis_calls_are_dispatched_as_their_signers_and_failures_stop_the_genesis() {
	use sp_runtime::BuildStorage;
	let who = sp_core::sr25519::Public::from_raw([1; 32]);
	let build = |call: Vec<u8>| {
		std::panic::catch_unwind(|| {
			RuntimeGenesisConfig {
				system: Default::default(),
				gateway: crate::GenesisConfig { calls: vec![(who, call)] },
			}
			.build_storage()
		})
		.map(|_| ())
		.map_err(|e| e.downcast_ref::<String>().cloned().unwrap_or_default())
	};
	assert_eq!(build(remark(1).encode()), Ok(()));
	// Root-only, dispatched as a signed account: refused, and the genesis with it.
	let root_only = RuntimeCall::System(frame_system::Call::set_heap_pages { pages: 1 });
	let err = build(root_only.encode()).unwrap_err();
	assert!(err.contains("genesis call 0 failed: BadOrigin"), "{err}");
	let err = build(vec![0xff]).unwrap_err();
	assert!(err.contains("not a call of this runtime"), "{err}");
}

#[test]
fn nothing_is_submitted_while_the_node_holds_the_lock_and_all_once_it_expires() {
	let mut env = env();
	let gateway = env.gateway;
	env.queue(&[(0, Entry { signer: gateway, call: remark(1).encode() })]);
	// The node took the lock until 10 s from the test clock's start.
	let held_until: u64 = 10_000;
	env.offchain.write().persistent_storage.set(b"", LOCK_KEY, &held_until.encode());
	assert_eq!(env.run(1), 0);
	assert!(env.submitted().is_empty());
	assert_eq!(env.tried(0), None, "not an attempt");
	// The holder died: once its deadline passed, the lock is taken and freed again.
	env.offchain.write().timestamp = sp_core::offchain::Timestamp::from_unix_millis(held_until + 1);
	assert_eq!(env.run(2), 1);
	assert_eq!(env.submitted(), vec![(0, remark(1))]);
	let lock = OffchainStorage::get(&env.offchain.read().persistent_storage, b"", LOCK_KEY);
	assert_eq!(lock, None, "freed after the run");
}

#[test]
fn a_batch_in_flight_is_pending_until_its_last_nonce_and_overdue_after_retry_after_blocks() {
	let f = InFlight { signer: [1; 32], nonce_after: 10, at: 100 };
	// Nonces 7, 8, 9 submitted: the account reaches 10 once all are in.
	assert!(f.pending(7) && f.pending(9));
	assert!(!f.pending(10) && !f.pending(11));
	assert!(!f.overdue(104, 5));
	assert!(f.overdue(105, 5) && f.overdue(200, 5));
	// No overflow at the far end of the block numbers.
	assert!(!InFlight { at: u64::MAX, ..f }.overdue(u64::MAX - 1, 5));
}
