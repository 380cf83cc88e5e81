//! The bridge's actions as runtime calls: each is queued for the gateway in the offchain
//! database (where pallet-gateway's worker finds it) and handed to the node's submitter.

use super::{store::OffchainStore, GATEWAY_QUEUE_CAPACITY};
use codec::Encode;
use mqtt_offchain_worker::{
	bridge::Action, metrics::Metrics, mqtt::ActionSink, outbox::GatewayQueue,
};
use sp_core::offchain::OffchainStorage;
use std::sync::Arc;
use tokio::sync::mpsc;
use twinchain_runtime::RuntimeCall;

/// A queued call for the submitter: its id in the gateway queue and the call.
pub type Queued = (u64, RuntimeCall);

fn key(s: &str) -> frame_support::BoundedVec<u8, frame_support::traits::ConstU32<64>> {
	s.as_bytes().to_vec().try_into().unwrap_or_default()
}

/// The call that carries out `action` as the gateway.
pub fn call_of(action: Action) -> Option<RuntimeCall> {
	Some(match action {
		Action::Anchor { machine, window } => {
			RuntimeCall::Telemetry(pallet_telemetry::Call::anchor_window { machine, window })
		},
		Action::Start { task } => RuntimeCall::Tasks(pallet_tasks::Call::start_task { task }),
		Action::Confirm { task } => RuntimeCall::Tasks(pallet_tasks::Call::confirm_task { task }),
		Action::Complete { task, evidence } => {
			RuntimeCall::Tasks(pallet_tasks::Call::complete_task {
				task,
				result: Default::default(),
				evidence,
			})
		},
		Action::AttachEnvironment { product, index, sensor, start } => {
			RuntimeCall::Provenance(pallet_provenance::Call::attach_environment {
				product,
				index,
				sensor,
				start,
			})
		},
		Action::Order { owner, recipe, colour, tag, reward_per_step, step_blocks } => {
			let colour: twinchain_primitives::Colour = colour.parse().ok()?;
			let product_type = twinchain_primitives::ProductType {
				kind: key("workpiece").into_inner().try_into().ok()?,
				colour: Some(colour),
				tag: tag.and_then(|t| t.into_bytes().try_into().ok()),
			};
			let lots = Default::default();
			match owner {
				Some(owner) => RuntimeCall::Tasks(pallet_tasks::Call::place_order_for {
					owner,
					recipe,
					product_type,
					lots,
					reward_per_step,
					step_blocks,
				}),
				None => RuntimeCall::Tasks(pallet_tasks::Call::place_order {
					recipe,
					product_type,
					lots,
					reward_per_step,
					step_blocks,
				}),
			}
		},
	})
}

/// Where the bridge's actions go: each becomes a call queued for `gateway` in `queue` and is
/// handed to the submitter (`submit`). What the submitter cannot take (its channel is full)
/// stays queued for pallet-gateway's worker.
pub fn gateway_sink<S: OffchainStorage + 'static>(
	queue: Arc<GatewayQueue<OffchainStore<S>>>,
	gateway: [u8; 32],
	submit: mpsc::Sender<Queued>,
	metrics: Option<Metrics>,
) -> ActionSink {
	Arc::new(move |actions: Vec<Action>| {
		for action in actions {
			let what = format!("{action:?}");
			let Some(call) = call_of(action) else { continue };
			match queue.push(gateway, call.encode()) {
				Ok(id) => {
					log::debug!(target: "mqtt", "gateway call {id} queued: {what}");
					if let Some(m) = &metrics {
						m.gateway_queued.inc();
					}
					if submit.try_send((id, call)).is_err() {
						log::debug!(target: "mqtt", "gateway call {id} left to the offchain worker");
					}
				},
				Err(_) => {
					log::warn!(target: "mqtt", "gateway queue full ({GATEWAY_QUEUE_CAPACITY}): {what} dropped");
					if let Some(m) = &metrics {
						m.gateway_full.inc();
					}
				},
			}
		}
	})
}

#[cfg(test)]
mod tests {
	use super::*;
	use sp_core::crypto::AccountId32;

	#[test]
	fn each_action_is_its_gateway_call() {
		assert_eq!(
			call_of(Action::Start { task: 3 }),
			Some(RuntimeCall::Tasks(pallet_tasks::Call::start_task { task: 3 }))
		);
		assert_eq!(
			call_of(Action::Confirm { task: 4 }),
			Some(RuntimeCall::Tasks(pallet_tasks::Call::confirm_task { task: 4 }))
		);
		let order = |colour: &str| Action::Order {
			owner: None,
			recipe: 1,
			colour: colour.into(),
			tag: Some("04aa".into()),
			reward_per_step: 10,
			step_blocks: 60,
		};
		let Some(RuntimeCall::Tasks(pallet_tasks::Call::place_order { product_type, .. })) =
			call_of(order("RED"))
		else {
			panic!("an order")
		};
		assert_eq!(product_type.colour, Some(twinchain_primitives::Colour::Red));
		assert_eq!(product_type.tag.map(|t| t.to_vec()), Some(b"04aa".to_vec()));
		assert_eq!(&product_type.kind[..], b"workpiece");
		assert_eq!(call_of(order("PURPLE")), None, "no such colour: nothing");
		let product = AccountId32::from([1; 32]);
		assert!(matches!(
			call_of(Action::AttachEnvironment {
				product: product.clone(),
				index: 0,
				sensor: product,
				start: 5
			}),
			Some(RuntimeCall::Provenance(pallet_provenance::Call::attach_environment { .. }))
		));
	}
}
