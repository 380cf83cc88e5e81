//! Signs and submits queued gateway calls as they come, so that a call does not wait for the
//! next block's offchain worker run. It follows pallet-gateway's protocol, the same code the
//! worker runs ([`pallet_gateway::protocol`]): it holds the [`SubmitLock`] while it reads
//! nonces, signs, submits and notes what it submitted, and takes its nonces by
//! [`Batches::next_nonce`] — it appends to the gateway key's batch in flight (or starts one),
//! and leaves everything to the worker when the pool no longer holds that whole batch (e.g.
//! after a restart), when it is overdue (taken as dropped) or when a submission is refused.
//! What it submitted the worker retries like its own.

use super::{calls::Queued, store::OffchainStore, ChainClient, GATEWAY_QUEUE_CAPACITY};
use codec::{Decode, Encode};
use frame_support::traits::{Contains, Get};
use mqtt_offchain_worker::{
	metrics::Metrics,
	mqtt::now_ms,
	store::{Store, StoreExt},
};
use pallet_gateway::{Batches, SubmitLock, Tried};
use sc_transaction_pool_api::{InPoolTransaction, TransactionPool, TransactionSource};
use sp_api::Core;
use sp_core::{offchain::OffchainStorage, storage::StorageKey};
use sp_keystore::KeystorePtr;
use std::{sync::Arc, time::Duration};
use tokio::sync::mpsc;
use twinchain_runtime::{opaque::Block, AccountId, Runtime};

/// How long the node waits for the worker to free the lock before it leaves the calls to it.
const LOCK_PATIENCE: Duration = Duration::from_millis(200);
/// How often it looks at the lock meanwhile.
const LOCK_RETRY: Duration = Duration::from_millis(10);

/// Submits the calls queued on `queued` until the channel closes, each batch of what arrived
/// meanwhile at once.
pub async fn submit_at_once<C, P, S>(
	client: Arc<C>,
	pool: Arc<P>,
	keystore: KeystorePtr,
	store: OffchainStore<S>,
	gateway: [u8; 32],
	mut queued: mpsc::Receiver<Queued>,
	metrics: Option<Metrics>,
) where
	C: ChainClient,
	P: TransactionPool<Block = Block> + 'static,
	S: OffchainStorage + 'static,
{
	let mut batch = Vec::new();
	while queued.recv_many(&mut batch, GATEWAY_QUEUE_CAPACITY).await > 0 {
		let n = submit_batch(&*client, &*pool, &keystore, &store, gateway, batch.drain(..)).await;
		if let Some(m) = &metrics {
			m.gateway_submitted.inc_by(n);
		}
	}
}

/// Takes the submitters' lock, waiting up to [`LOCK_PATIENCE`] for the worker to free it.
async fn take_lock<S: OffchainStorage + 'static>(
	store: &OffchainStore<S>,
) -> Option<SubmitLock<'_, OffchainStore<S>>> {
	for _ in 0..LOCK_PATIENCE.as_millis() / LOCK_RETRY.as_millis() {
		if let Some(lock) = SubmitLock::try_take(store, now_ms()) {
			return Some(lock);
		}
		tokio::time::sleep(LOCK_RETRY).await;
	}
	None
}

/// The gateway account's nonce on chain at block `at`.
fn chain_nonce<C: ChainClient>(
	client: &C,
	at: twinchain_runtime::Hash,
	account: &AccountId,
) -> u64 {
	let key = StorageKey(frame_system::Account::<Runtime>::hashed_key_for(account));
	client
		.storage(at, &key)
		.ok()
		.flatten()
		.and_then(|raw| {
			frame_system::AccountInfo::<
				twinchain_runtime::Nonce,
				<Runtime as frame_system::Config>::AccountData,
			>::decode(&mut &raw.0[..])
			.ok()
		})
		.map_or(0, |a| a.nonce as u64)
}

/// The next nonce after the account's transactions the pool holds ready (the tags their nonce
/// check provides), as `system_accountNextIndex` counts it.
fn pool_next<P: TransactionPool<Block = Block>>(pool: &P, account: &AccountId, from: u64) -> u64 {
	let provided: std::collections::HashSet<Vec<u8>> =
		pool.ready().flat_map(|tx| tx.provides().to_vec()).collect();
	let mut next = from;
	while provided.contains(&(account.clone(), next as twinchain_runtime::Nonce).encode()) {
		next += 1;
	}
	next
}

/// Submits what it can of `batch`; returns how many it submitted.
async fn submit_batch<C, P, S>(
	client: &C,
	pool: &P,
	keystore: &KeystorePtr,
	store: &OffchainStore<S>,
	gateway: [u8; 32],
	batch: impl Iterator<Item = Queued>,
) -> u64
where
	C: ChainClient,
	P: TransactionPool<Block = Block> + 'static,
	S: OffchainStorage + 'static,
{
	let public = sp_core::sr25519::Public::from_raw(gateway);
	if !keystore.has_keys(&[(gateway.to_vec(), pallet_gateway::KEY_TYPE)]) {
		return 0;
	}
	let Some(_lock) = take_lock(store).await else {
		log::debug!(target: "mqtt", "the offchain worker is submitting; it takes the new calls");
		return 0;
	};
	let info = client.info();
	let (at, number, genesis) = (info.best_hash, info.best_number as u64, info.genesis_hash);
	let account = AccountId::from(gateway);
	let chain_nonce = chain_nonce(client, at, &account);
	let mut batches = Batches::load(store);
	let retry_after: u32 = <Runtime as pallet_gateway::Config>::RetryAfter::get();
	let pool_next = pool_next(pool, &account, chain_nonce);
	let Some(mut nonce) =
		batches.next_nonce(&gateway, chain_nonce, Some(pool_next), number, retry_after.into())
	else {
		// The pool no longer holds the whole batch in flight (lost with a restart, or dropped),
		// or it is overdue: the worker resubmits it from the chain's nonce once overdue; a call
		// appended now would wait behind the gap, or collide with the worker's.
		return 0;
	};
	let Ok(version) = client.runtime_api().version(at) else { return 0 };
	let mut submitted = 0;
	for (id, call) in batch {
		if store.get(&pallet_gateway::tried_key(id)).is_some()
			|| !twinchain_runtime::configs::GatewayCalls::contains(&call)
		{
			// The worker got there first, or (never for the bridge's calls) not a gateway call.
			continue;
		}
		let sign = |payload: &[u8]| {
			keystore.sr25519_sign(pallet_gateway::KEY_TYPE, &public, payload).ok().flatten()
		};
		let Some(xt) = twinchain_runtime::sign_immortal_with(
			public,
			sign,
			nonce as twinchain_runtime::Nonce,
			call,
			genesis,
			version.spec_version,
			version.transaction_version,
		) else {
			break;
		};
		match pool.submit_one(at, TransactionSource::Local, xt.into()).await {
			Ok(_) => {
				store.save(
					&pallet_gateway::tried_key(id),
					&Tried { at: number, attempts: 1, refused: None },
				);
				log::debug!(target: "mqtt", "gateway call {id} submitted with nonce {nonce}");
				nonce += 1;
				submitted += 1;
			},
			Err(e) => {
				// The worker tries it (and what follows) from the next block on.
				log::debug!(target: "mqtt", "gateway call {id} refused by the pool: {e}");
				break;
			},
		}
	}
	if submitted > 0 {
		batches.submitted(gateway, nonce, number);
		batches.save(store);
	}
	submitted
}
