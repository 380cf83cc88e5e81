//! The block followers: finalized blocks (every one once, in order, also those finalized while
//! the node was down) turn task assignments into machine commands, let the bridge's calls seen
//! on chain leave the gateway queue and attach environment windows to steps; with
//! `--commands-on best`, each new best block's assignments are commanded too.

use super::{store::OffchainStore, ChainClient};
use codec::{Decode, Encode};
use futures::StreamExt;
use mqtt_offchain_worker::{
	bridge::{Action, Assignment, Bridge, PendingStep},
	mqtt::{now_ms, ActionSink},
	outbox::GatewayQueue,
	store::StoreExt,
};
use pallet_provenance::runtime_api::ProvenanceApi;
use pallet_telemetry::TelemetryApi;
use sp_core::{crypto::Ss58Codec, offchain::OffchainStorage, storage::StorageKey};
use std::sync::Arc;
use twinchain_runtime::{Hash, RuntimeEvent, UncheckedExtrinsic};

/// The last finalized block whose events the bridge handled.
const LAST_BLOCK: &[u8] = b"twinchain/mqtt/last-finalized";
/// How long a step waits for an environment window before it goes without.
const ENVIRONMENT_PATIENCE_MS: u64 = 5 * 60_000;

type EventRecords = Vec<frame_system::EventRecord<RuntimeEvent, Hash>>;

/// Handles every finalized block once, in order, also those finalized while the node was down
/// (from the last one handled). Ends when the client's finality notifications end.
pub async fn follow_finalized<C, S>(
	client: Arc<C>,
	bridge: Arc<Bridge<OffchainStore<S>>>,
	queue: Arc<GatewayQueue<OffchainStore<S>>>,
	store: OffchainStore<S>,
	gateway: [u8; 32],
	sink: ActionSink,
) where
	C: ChainClient,
	S: OffchainStorage + 'static,
{
	let mut finality = client.finality_notification_stream();
	loop {
		let finalized = client.info().finalized_number;
		let mut next: u32 = match store.load::<u32>(LAST_BLOCK) {
			Some(last) => last + 1,
			None => finalized,
		};
		while next <= finalized {
			if let Ok(Some(hash)) = client.hash(next) {
				handle_finalized(&*client, &bridge, &queue, gateway, hash, &*sink);
				attach_environments(&*client, &bridge, hash, &*sink);
			}
			store.save(LAST_BLOCK, &next);
			next += 1;
		}
		if finality.next().await.is_none() {
			return;
		}
	}
}

/// Commands the task assignments of each new best block (`--commands-on best`). The finalized
/// follower still sees every assignment; a task is commanded once, whichever sees it first.
/// Ends when the client's import notifications end.
pub async fn follow_best<C, S>(client: Arc<C>, bridge: Arc<Bridge<OffchainStore<S>>>)
where
	C: ChainClient,
	S: OffchainStorage + 'static,
{
	let mut imports = client.import_notification_stream();
	while let Some(block) = imports.next().await {
		if block.is_new_best {
			command_assignments(&*client, &bridge, block.hash, &events_at(&*client, block.hash));
		}
	}
}

fn events_key() -> StorageKey {
	StorageKey(
		[sp_crypto_hashing::twox_128(b"System"), sp_crypto_hashing::twox_128(b"Events")].concat(),
	)
}

fn events_at<C: ChainClient>(client: &C, hash: Hash) -> EventRecords {
	client
		.storage(hash, &events_key())
		.ok()
		.flatten()
		.and_then(|raw| Decode::decode(&mut &raw.0[..]).ok())
		.unwrap_or_default()
}

/// Queues the command of each task in block `hash` assigned to one of the factory's machines.
fn command_assignments<C, S>(
	client: &C,
	bridge: &Bridge<OffchainStore<S>>,
	hash: Hash,
	events: &EventRecords,
) where
	C: ChainClient,
	S: OffchainStorage + 'static,
{
	for record in events {
		if let RuntimeEvent::Tasks(pallet_tasks::Event::TaskAssigned {
			task,
			machine,
			capability,
			params,
			product,
			..
		}) = &record.event
		{
			if bridge.factory().machine_index(machine).is_none() {
				continue;
			}
			let product_type = product
				.as_ref()
				.and_then(|p| client.runtime_api().trace(hash, p.clone(), 0, 0).ok().flatten());
			let (tag, colour) = product_type
				.map(|t| {
					let pt = t.product.product_type;
					(
						pt.tag.map(|t| String::from_utf8_lossy(&t).to_string()),
						pt.colour.map(|c| c.as_str().to_string()),
					)
				})
				.unwrap_or_default();
			let a = Assignment {
				task: *task,
				machine: machine.clone(),
				capability: String::from_utf8_lossy(capability).to_string(),
				params: params.to_vec(),
				product: product.clone(),
				tag,
				colour,
			};
			if bridge.on_assigned(&a, now_ms()) {
				log::info!(target: "mqtt", "task {task} ({}) assigned to {}: command queued", a.capability, machine.to_ss58check());
			}
		}
	}
}

/// A finalized block: its assignments become commands, the steps done on the factory's
/// machines wait for their environment, the gateway calls in it leave the queue, and the
/// completions the gateway relayed for its own orders' tasks are confirmed.
fn handle_finalized<C, S>(
	client: &C,
	bridge: &Bridge<OffchainStore<S>>,
	queue: &GatewayQueue<OffchainStore<S>>,
	gateway: [u8; 32],
	hash: Hash,
	sink: &(dyn Fn(Vec<Action>) + Send + Sync),
) where
	C: ChainClient,
	S: OffchainStorage + 'static,
{
	let events = events_at(client, hash);
	command_assignments(client, bridge, hash, &events);
	for record in &events {
		if let RuntimeEvent::Provenance(pallet_provenance::Event::StepRecorded {
			product,
			index,
			machine,
			..
		}) = &record.event
		{
			if bridge.factory().machine_index(machine).is_some() {
				let step = client
					.runtime_api()
					.trace(hash, product.clone(), *index, 1)
					.ok()
					.flatten()
					.and_then(|t| t.steps.into_iter().next());
				if let Some((_, step)) = step {
					bridge.note_step(PendingStep {
						product: product.clone(),
						index: *index,
						start: step.input.start,
						end: step.input.end,
					});
				}
			}
		}
	}
	// Gateway calls included in this block leave the queue.
	let Ok(Some(body)) = client.block_body(hash) else { return };
	for (index, opaque) in body.iter().enumerate() {
		let Ok(xt) = UncheckedExtrinsic::decode(&mut &opaque.encode()[..]) else { continue };
		let sp_runtime::generic::Preamble::Signed(address, _, _) = &xt.preamble else { continue };
		let sp_runtime::MultiAddress::Id(signer) = address else { continue };
		let signer: [u8; 32] = signer.clone().into();
		if signer != gateway {
			continue;
		}
		let call = xt.function.encode();
		let failed = events.iter().find_map(|r| match (&r.phase, &r.event) {
			(
				frame_system::Phase::ApplyExtrinsic(i),
				RuntimeEvent::System(frame_system::Event::ExtrinsicFailed {
					dispatch_error, ..
				}),
			) if *i as usize == index => Some(*dispatch_error),
			_ => None,
		});
		// A completion the gateway relayed from its machine's own done acknowledgement, of a
		// task the bridge's orders asked for (placed as the gateway, or for the factory's owner
		// within the budget it gave the gateway): the gateway confirms it for the requester,
		// and the reward settles now. Others' tasks wait for their requesters.
		if let twinchain_runtime::RuntimeCall::Tasks(pallet_tasks::Call::complete_task {
			task,
			..
		}) = &xt.function
		{
			let owner = bridge.factory().order_owner.clone().map(<[u8; 32]>::from);
			let ours = |r: [u8; 32]| r == gateway || Some(r) == owner;
			if failed.is_none() && requester_of(client, hash, *task).is_some_and(ours) {
				sink(vec![Action::Confirm { task: *task }]);
			}
		}
		if let Some(id) = queue.confirm(&signer, &call) {
			match failed {
				None => log::debug!(target: "mqtt", "gateway call {id} is on chain"),
				Some(e) => log::warn!(target: "mqtt", "gateway call {id} failed on chain: {e:?}"),
			}
		}
	}
}

/// The requester of `task` at block `hash`, read from the tasks pallet's storage.
fn requester_of<C: ChainClient>(client: &C, hash: Hash, task: u64) -> Option<[u8; 32]> {
	let id = task.encode();
	let key = [
		&sp_crypto_hashing::twox_128(b"Tasks")[..],
		&sp_crypto_hashing::twox_128(b"TaskRecords")[..],
		&sp_crypto_hashing::twox_64(&id)[..],
		&id[..],
	]
	.concat();
	let raw = client.storage(hash, &StorageKey(key)).ok().flatten()?;
	let t = pallet_tasks::TaskOf::<twinchain_runtime::Runtime>::decode(&mut &raw.0[..]).ok()?;
	Some(t.requester.into())
}

/// Attaches to each waiting step the first anchored window of the environment sensor that
/// overlaps it.
fn attach_environments<C, S>(
	client: &C,
	bridge: &Bridge<OffchainStore<S>>,
	hash: Hash,
	sink: &(dyn Fn(Vec<Action>) + Send + Sync),
) where
	C: ChainClient,
	S: OffchainStorage + 'static,
{
	let Some(sensor) = bridge.factory().environment.clone() else { return };
	let window_ms = bridge.factory().config.window_ms;
	for step in bridge.pending_steps() {
		let from = step.start.saturating_sub(window_ms);
		let windows =
			client.runtime_api().windows(hash, sensor.clone(), from, 4).unwrap_or_default();
		let covering = windows.iter().find(|(start, w)| *start <= step.end && w.end > step.start);
		if let Some((start, _)) = covering {
			sink(vec![Action::AttachEnvironment {
				product: step.product.clone(),
				index: step.index,
				sensor: sensor.clone(),
				start: *start,
			}]);
			bridge.forget_step(&step.product, step.index);
		} else if now_ms() > step.end + ENVIRONMENT_PATIENCE_MS {
			log::warn!(
				target: "mqtt",
				"no environment window covers step {} of {}: it stays without",
				step.index,
				step.product.to_ss58check()
			);
			bridge.forget_step(&step.product, step.index);
		}
	}
}
