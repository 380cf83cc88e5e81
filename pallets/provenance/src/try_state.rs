//! The provenance pallet's invariants, checked from storage alone: by the `try_state` hook (with
//! `try-runtime`) and after every call and block of the unit tests' random sequences.

use crate::*;
use alloc::collections::{BTreeMap, BTreeSet};
use frame_support::{
	ensure,
	traits::{fungible::InspectHold, Get},
};
use sp_runtime::{
	traits::{Saturating, Zero},
	TryRuntimeError,
};

impl<T: Config> Pallet<T> {
	/// - each manufacturer's product-deposit hold is its products' deposits, each supplier's
	///   lot-deposit hold its lots' deposits;
	/// - lots are `0..NextLotId`, recalls `0..NextRecallId`; a lot's `used_by` is the products
	///   indexed under it, and each of them lists the lot;
	/// - a product's lots exist; its tag maps back to it; its steps are `0..steps` (at most
	///   `MaxSteps`), each with start ≤ end, at most `MaxStepDuration`, and its entry in the
	///   machine index, which holds nothing else; its components, custody transfers and
	///   credentials number what it counts, within their bounds; a component names it as parent;
	///   it is `Recalled` exactly when a recall reached it;
	/// - the recall queue names stored recalls, each once, and they are exactly the incomplete
	///   ones; each machine's recalled ranges name stored recalls, within `MaxRecallRanges`.
	pub fn do_try_state() -> Result<(), TryRuntimeError> {
		let mut products_owed: BTreeMap<T::AccountId, BalanceOf<T>> = BTreeMap::new();
		let mut machine_steps = 0usize;
		for (id, p) in Products::<T>::iter() {
			let due = products_owed.entry(p.manufacturer.clone()).or_insert_with(Zero::zero);
			*due = due.saturating_add(p.deposit);
			for lot in p.lots.iter() {
				ensure!(Lots::<T>::contains_key(lot), "a product of an unknown lot");
				ensure!(LotProducts::<T>::contains_key(lot, &id), "a product missing from its lot");
			}
			if let Some(tag) = &p.product_type.tag {
				ensure!(ProductByTag::<T>::get(tag) == Some(id.clone()), "a tag not indexed");
			}
			ensure!(p.steps <= T::MaxSteps::get(), "a product above MaxSteps");
			ensure!(Steps::<T>::iter_prefix(&id).count() as u32 == p.steps, "step count is off");
			for (index, s) in Steps::<T>::iter_prefix(&id) {
				ensure!(index < p.steps, "a step beyond the product's count");
				let step = &s.input;
				ensure!(step.start <= step.end, "a step ends before it starts");
				ensure!(
					step.end - step.start <= T::MaxStepDuration::get(),
					"a step above MaxStepDuration"
				);
				let key =
					MachineStepKey { start: step.start.to_be_bytes(), product: id.clone(), index };
				ensure!(
					MachineSteps::<T>::get(&step.machine, key) == Some(step.end),
					"a step missing from its machine's index"
				);
				machine_steps += 1;
			}
			ensure!(p.components <= T::MaxComponents::get(), "a product above MaxComponents");
			ensure!(
				Components::<T>::iter_prefix(&id).count() as u32 == p.components,
				"component count is off"
			);
			for (component, ()) in Components::<T>::iter_prefix(&id) {
				ensure!(
					Products::<T>::get(&component).and_then(|c| c.parent) == Some(id.clone()),
					"a component does not name its product as parent"
				);
			}
			ensure!(p.transfers <= T::MaxTransfers::get(), "a product above MaxTransfers");
			ensure!(
				(0..p.transfers).all(|i| Custody::<T>::contains_key(&id, i))
					&& Custody::<T>::iter_prefix(&id).count() as u32 == p.transfers,
				"custody transfers are not 0..transfers"
			);
			ensure!(p.credentials <= T::MaxCredentials::get(), "a product above MaxCredentials");
			ensure!(
				ProductCredentials::<T>::iter_prefix(&id).count() as u32 == p.credentials,
				"credential count is off"
			);
			ensure!(
				(p.lifecycle == Lifecycle::Recalled) == p.recall.is_some(),
				"Recalled is not the same as reached by a recall"
			);
			if let Some(recall) = p.recall {
				ensure!(Recalls::<T>::contains_key(recall), "a product of an unknown recall");
			}
		}
		ensure!(
			MachineSteps::<T>::iter().count() == machine_steps,
			"the machine index holds entries of no step"
		);
		for (tag, product) in ProductByTag::<T>::iter() {
			ensure!(
				Products::<T>::get(&product).and_then(|p| p.product_type.tag) == Some(tag),
				"a tag index entry of another product"
			);
		}
		let mut lots_owed: BTreeMap<T::AccountId, BalanceOf<T>> = BTreeMap::new();
		let next_lot = NextLotId::<T>::get();
		for (id, lot) in Lots::<T>::iter() {
			ensure!(id < next_lot, "a lot id at or above the next id");
			ensure!(
				LotProducts::<T>::iter_prefix(id).count() as u32 == lot.used_by,
				"a lot's used_by is off"
			);
			let due = lots_owed.entry(lot.supplier.clone()).or_insert_with(Zero::zero);
			*due = due.saturating_add(lot.deposit);
		}
		for (lot, product, ()) in LotProducts::<T>::iter() {
			ensure!(
				Products::<T>::get(&product).is_some_and(|p| p.lots.contains(&lot)),
				"a lot index entry of a product not made from it"
			);
		}
		for (who, due) in products_owed {
			let held = T::Currency::balance_on_hold(&HoldReason::ProductDeposit.into(), &who);
			ensure!(held == due, "a manufacturer's hold is not its products' deposits");
		}
		for (who, due) in lots_owed {
			let held = T::Currency::balance_on_hold(&HoldReason::LotDeposit.into(), &who);
			ensure!(held == due, "a supplier's hold is not its lots' deposits");
		}
		let next_recall = NextRecallId::<T>::get();
		let queued: BTreeSet<RecallId> = RecallQueue::<T>::get().iter().map(|j| j.recall).collect();
		ensure!(queued.len() == RecallQueue::<T>::get().len(), "a recall is queued twice");
		for (id, r) in Recalls::<T>::iter() {
			ensure!(id < next_recall, "a recall id at or above the next id");
			ensure!(r.complete != queued.contains(&id), "a recall is queued exactly while walked");
		}
		for id in &queued {
			ensure!(Recalls::<T>::contains_key(id), "a queued recall is not stored");
		}
		for (_, ranges) in MachineRecalls::<T>::iter() {
			for (recall, from, to) in ranges.iter() {
				ensure!(Recalls::<T>::contains_key(recall), "a range of an unknown recall");
				ensure!(from <= to, "an empty recalled range");
			}
		}
		Ok(())
	}
}
