//! The read side for the runtime API and the node's RPC: a product's whole story, the products
//! made from a lot, the steps a machine performed in a time range.

use crate::*;
use alloc::vec::Vec;
use frame_support::traits::Get;

/// The most items one query returns, whatever `limit` asks: the runtime API is reachable
/// through the safe `state_call` of any node, so no caller may make the runtime read without
/// bound (the node's RPC refuses a larger `limit` already).
pub const MAX_PAGE: u32 = 1_000;

impl<T: Config> Pallet<T> {
	/// `product`'s whole story with `limit` (at most [`MAX_PAGE`]) steps from step `from`.
	pub fn trace(product: &T::AccountId, from: u32, limit: u32) -> Option<TraceOf<T>> {
		let limit = limit.min(MAX_PAGE);
		let p = Products::<T>::get(product)?;
		let lots = p.lots.iter().filter_map(|id| Lots::<T>::get(id).map(|l| (*id, l))).collect();
		let components = Components::<T>::iter_key_prefix(product).collect();
		let end = from.saturating_add(limit).min(p.steps);
		let steps = (from..end)
			.filter_map(|i| Steps::<T>::get(product, i).map(|s| (i, s)))
			.collect();
		let custody = (0..p.transfers).filter_map(|i| Custody::<T>::get(product, i)).collect();
		let credentials = ProductCredentials::<T>::iter_prefix(product)
			.map(|(digest, attachment)| {
				let state = match T::Credentials::check_credential(product, &digest) {
					Ok(_) => CredentialState::Valid,
					Err(CapabilityError::OutsideValidity) => CredentialState::OutsideValidity,
					Err(CapabilityError::Revoked) => CredentialState::Revoked,
					Err(CapabilityError::Suspended) => CredentialState::Suspended,
					Err(_) => CredentialState::Unknown,
				};
				(digest, attachment, state)
			})
			.collect();
		let recall = p.recall.and_then(|id| Recalls::<T>::get(id).map(|r| (id, r)));
		Some(Trace { product: p, lots, components, steps, custody, credentials, recall })
	}

	/// Up to `limit` (at most [`MAX_PAGE`]) products made from `lot` after `after`, if the lot
	/// exists.
	pub fn lot_products(
		lot: LotId,
		after: Option<T::AccountId>,
		limit: u32,
	) -> Option<Vec<T::AccountId>> {
		Lots::<T>::get(lot)?;
		let keys = match after {
			Some(a) => LotProducts::<T>::iter_key_prefix_from(
				lot,
				LotProducts::<T>::hashed_key_for(lot, a),
			),
			None => LotProducts::<T>::iter_key_prefix(lot),
		};
		Some(keys.take(limit.min(MAX_PAGE) as usize).collect())
	}

	/// Up to `limit` steps `machine` performed overlapping `[from, to]`, in start-time
	/// order, after the step `after` (start, product, index) when paging.
	pub fn products_by_machine(
		machine: &T::AccountId,
		from: Moment,
		to: Moment,
		after: Option<(Moment, T::AccountId, u32)>,
		limit: u32,
	) -> Vec<MachineStep<T::AccountId>> {
		let cursor = match after {
			Some((start, product, index)) => MachineSteps::<T>::hashed_key_for(
				machine,
				MachineStepKey { start: start.to_be_bytes(), product, index },
			),
			None => {
				Self::machine_key_prefix(machine, from.saturating_sub(T::MaxStepDuration::get()))
					.into_inner()
			},
		};
		MachineSteps::<T>::iter_prefix_from(machine, cursor)
			.map(|(key, end)| (Moment::from_be_bytes(key.start), key, end))
			.take_while(|(start, _, _)| *start <= to)
			.filter(|(_, _, end)| *end >= from)
			.take(limit.min(MAX_PAGE) as usize)
			.map(|(start, key, end)| (key.product, key.index, start, end))
			.collect()
	}
}
