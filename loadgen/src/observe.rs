//! Watches the node's best and finalized blocks: what each block included, how full it was,
//! and how far finality trails.

use codec::Decode;
use jsonrpsee::{
	core::client::{ClientT, Subscription, SubscriptionClientT},
	rpc_params,
	ws_client::WsClient,
};
use sp_core::{storage::StorageData, H256};
use std::{
	collections::HashMap,
	sync::{Arc, Mutex},
	time::{Duration, Instant},
};
use tokio::sync::mpsc;
use twinchain_runtime::{Header, Runtime, RuntimeEvent};

pub type EventRecord = frame_system::EventRecord<RuntimeEvent, H256>;

/// One best block as the load generator saw it.
pub struct BlockSeen {
	pub number: u32,
	pub at: Instant,
	/// The block's on-chain timestamp (ms): its slot's start, free of import jitter.
	pub timestamp_ms: u64,
	/// Signed extrinsics that succeeded (inherents not counted).
	pub ok: u32,
	/// Signed extrinsics that failed, and the first failure.
	pub failed: u32,
	pub first_error: Option<String>,
	/// The normal class's weight used, as a fraction of what the class may use.
	pub fullness: f64,
	/// The block's task events.
	pub tasks: Vec<pallet_tasks::Event<Runtime>>,
}

/// How far finality trails the best block.
#[derive(Default)]
pub struct Finality {
	pub best: u32,
	pub finalized: u32,
	best_at: HashMap<u32, Instant>,
	/// For each finalized block: when, and how long after it was the best block.
	pub lags: Vec<(Instant, Duration)>,
	/// The largest best − finalized seen, with when.
	pub block_lags: Vec<(Instant, u32)>,
}

pub struct Observer {
	pub blocks: mpsc::UnboundedReceiver<BlockSeen>,
	pub finality: Arc<Mutex<Finality>>,
}

/// The storage key of a plain storage value.
pub fn storage_key(pallet: &str, item: &str) -> String {
	let mut k = sp_io::hashing::twox_128(pallet.as_bytes()).to_vec();
	k.extend(sp_io::hashing::twox_128(item.as_bytes()));
	format!("0x{}", hex(&k))
}

fn hex(b: &[u8]) -> String {
	b.iter().map(|x| format!("{x:02x}")).collect()
}

/// The raw value at `key` in block `at` (empty if none).
pub async fn storage(client: &WsClient, key: &str, at: H256) -> Result<Vec<u8>, String> {
	let data: Option<StorageData> = client
		.request("state_getStorage", rpc_params![key, at])
		.await
		.map_err(|e| format!("state_getStorage: {e}"))?;
	Ok(data.map(|d| d.0).unwrap_or_default())
}

async fn inspect(
	client: &WsClient,
	number: u32,
	hash: H256,
	at: Instant,
) -> Result<BlockSeen, String> {
	let (events_key, weight_key, now_key) = (
		storage_key("System", "Events"),
		storage_key("System", "BlockWeight"),
		storage_key("Timestamp", "Now"),
	);
	let (events, weight, now) = futures::join!(
		storage(client, &events_key, hash),
		storage(client, &weight_key, hash),
		storage(client, &now_key, hash)
	);
	let timestamp_ms =
		u64::decode(&mut &now?[..]).map_err(|e| format!("timestamp of block {number}: {e}"))?;
	let events = Vec::<EventRecord>::decode(&mut &events?[..])
		.map_err(|e| format!("events of block {number}: {e}"))?;
	let weight =
		frame_support::dispatch::PerDispatchClass::<frame_support::weights::Weight>::decode(
			&mut &weight?[..],
		)
		.map_err(|e| format!("weight of block {number}: {e}"))?;
	let (normal_max, _) = normal_limits();
	let mut seen = BlockSeen {
		number,
		at,
		timestamp_ms,
		ok: 0,
		failed: 0,
		first_error: None,
		fullness: weight.get(frame_support::dispatch::DispatchClass::Normal).ref_time() as f64
			/ normal_max.ref_time() as f64,
		tasks: Vec::new(),
	};
	for r in events {
		// The timestamp inherent is the block's first extrinsic.
		let signed = matches!(r.phase, frame_system::Phase::ApplyExtrinsic(i) if i > 0);
		match r.event {
			RuntimeEvent::System(frame_system::Event::ExtrinsicSuccess { .. }) if signed => {
				seen.ok += 1
			},
			RuntimeEvent::System(frame_system::Event::ExtrinsicFailed {
				dispatch_error, ..
			}) if signed => {
				seen.failed += 1;
				seen.first_error.get_or_insert_with(|| format!("{dispatch_error:?}"));
			},
			RuntimeEvent::Tasks(e) => seen.tasks.push(e),
			_ => {},
		}
	}
	Ok(seen)
}

/// The hash of block `n` of the best chain.
pub async fn hash_of(client: &WsClient, n: u32) -> Result<H256, String> {
	client
		.request("chain_getBlockHash", rpc_params![n])
		.await
		.map_err(|e| format!("chain_getBlockHash: {e}"))
}

/// Subscriptions to the best and the finalized heads.
pub async fn heads(
	client: &WsClient,
) -> Result<(Subscription<Header>, Subscription<Header>), String> {
	let best = client
		.subscribe("chain_subscribeNewHeads", rpc_params![], "chain_unsubscribeNewHeads")
		.await
		.map_err(|e| format!("chain_subscribeNewHeads: {e}"))?;
	let finalized = client
		.subscribe(
			"chain_subscribeFinalizedHeads",
			rpc_params![],
			"chain_unsubscribeFinalizedHeads",
		)
		.await
		.map_err(|e| format!("chain_subscribeFinalizedHeads: {e}"))?;
	Ok((best, finalized))
}

/// Starts watching on its own connection to `url`. Blocks are reported in order, none skipped.
pub async fn watch(url: &str) -> Result<Observer, String> {
	let client = Arc::new(crate::chain::connect(url).await?);
	let (mut best, mut finalized) = heads(&client).await?;
	let (tx, rx) = mpsc::unbounded_channel();
	let finality = Arc::new(Mutex::new(Finality::default()));
	let f = finality.clone();
	tokio::spawn(async move {
		let mut last: Option<u32> = None;
		loop {
			tokio::select! {
				h = best.next() => {
					let Some(Ok(h)) = h else { break };
					let at = Instant::now();
					let n = h.number;
					let from = last.map(|l| l + 1).unwrap_or(n);
					if last.is_some_and(|l| n <= l) {
						continue;
					}
					for m in from..=n {
						let hash = if m == n { h.hash() } else {
							match hash_of(&client, m).await { Ok(x) => x, Err(e) => { eprintln!("{e}"); continue } }
						};
						{
							let mut f = f.lock().unwrap();
							f.best = m;
							f.best_at.insert(m, at);
							let lag = m.saturating_sub(f.finalized);
							f.block_lags.push((at, lag));
						}
						match inspect(&client, m, hash, at).await {
							Ok(seen) => { if tx.send(seen).is_err() { return } },
							Err(e) => eprintln!("block {m}: {e}"),
						}
					}
					last = Some(n);
				}
				h = finalized.next() => {
					let Some(Ok(h)) = h else { break };
					let now = Instant::now();
					let mut f = f.lock().unwrap();
					let prev = f.finalized;
					for m in prev + 1..=h.number {
						if let Some(at) = f.best_at.remove(&m) {
							f.lags.push((now, now - at));
						}
					}
					f.finalized = h.number.max(prev);
				}
			}
		}
	});
	Ok(Observer { blocks: rx, finality })
}

/// The runtime's limits for normal extrinsics: the most weight a block's normal class may use,
/// and the fixed weight each extrinsic adds to its own (call and extensions).
pub fn normal_limits() -> (frame_support::weights::Weight, frame_support::weights::Weight) {
	let limits = <Runtime as frame_system::Config>::BlockWeights::get();
	let normal = limits.get(frame_support::dispatch::DispatchClass::Normal);
	(normal.max_total.unwrap_or(limits.max_block), normal.base_extrinsic)
}
