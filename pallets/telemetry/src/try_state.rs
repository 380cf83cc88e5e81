//! The telemetry pallet's invariants, checked from storage alone: by the `try_state` hook (with
//! `try-runtime`) and after every call of the unit tests' random sequences.

use crate::*;
use alloc::collections::BTreeMap;
use frame_support::{
	ensure,
	traits::{fungible::InspectHold, Get},
};
use sp_runtime::{
	traits::{Saturating, Zero},
	TryRuntimeError,
};

impl<T: Config> Pallet<T> {
	/// - each rule asks for 1 ..= `MaxStreak` windows, its streak stays within them, and no two
	///   rules of a machine watch the same metric on the same side;
	/// - each owner's rule hold is the deposits of its rules plus the rewards of the armed ones;
	/// - each machine's windows are non-empty, no longer than `MaxWindowLength`, do not overlap,
	///   and their counts add up per metric (metrics sorted, min ≤ mean ≤ max); they were anchored
	///   in the order of their starts (pruning takes the expired ones from the front); `LastEnd`
	///   is where the latest one ends (a machine whose windows were all pruned keeps it);
	/// - each window deposit belongs to a stored window, and each anchorer's window hold is the
	///   deposits of the windows it anchored.
	pub fn do_try_state() -> Result<(), TryRuntimeError> {
		let mut owed: BTreeMap<T::AccountId, BalanceOf<T>> = BTreeMap::new();
		for (_, rules) in Rules::<T>::iter() {
			for (i, r) in rules.iter().enumerate() {
				ensure!(
					(1..=T::MaxStreak::get()).contains(&r.rule.windows),
					"a rule's window count is out of bounds"
				);
				ensure!(r.streak <= r.rule.windows, "a rule's streak is beyond its windows");
				ensure!(
					rules[..i].iter().all(|o| o.rule.metric != r.rule.metric
						|| o.rule.comparison != r.rule.comparison),
					"two rules watch one metric on one side"
				);
				let held =
					if r.armed { r.deposit.saturating_add(r.rule.reward) } else { r.deposit };
				let due = owed.entry(r.owner.clone()).or_insert_with(Zero::zero);
				*due = due.saturating_add(held);
			}
		}
		for (who, due) in owed {
			let held = T::Currency::balance_on_hold(&HoldReason::Rule.into(), &who);
			ensure!(held == due, "an owner's rule hold is not its rules' deposits and rewards");
		}
		let mut last: BTreeMap<T::AccountId, Moment> = BTreeMap::new();
		for (machine, key, w) in Windows::<T>::iter() {
			let start = Moment::from_be_bytes(key);
			ensure!(start < w.end, "an empty window");
			ensure!(w.end - start <= T::MaxWindowLength::get(), "a window above its longest");
			let sum = w.metrics.iter().map(|m| m.count).fold(0u32, |a, c| a.saturating_add(c));
			ensure!(w.count >= 1 && w.count == sum, "a window's count is not its metrics' sum");
			ensure!(
				w.metrics.windows(2).all(|p| p[0].metric < p[1].metric),
				"a window's metrics are not sorted"
			);
			ensure!(
				w.metrics.iter().all(|m| m.count >= 1 && m.min <= m.mean && m.mean <= m.max),
				"a metric's summary is inconsistent"
			);
			let latest = last.entry(machine).or_insert(0);
			*latest = (*latest).max(w.end);
		}
		for (machine, end) in &last {
			ensure!(LastEnd::<T>::get(machine) == *end, "LastEnd is not the latest window's end");
			let mut previous_end = 0;
			let mut previous_block = Zero::zero();
			for (key, w) in Windows::<T>::iter_prefix(machine) {
				let start = Moment::from_be_bytes(key);
				ensure!(previous_end <= start, "a machine's windows overlap");
				ensure!(
					previous_block <= w.anchored.block,
					"a machine's windows were not anchored in the order of their starts"
				);
				previous_end = w.end;
				previous_block = w.anchored.block;
			}
		}
		// A machine whose windows were all pruned keeps its `LastEnd`.
		let mut deposits: BTreeMap<T::AccountId, BalanceOf<T>> = BTreeMap::new();
		for (machine, key, deposit) in WindowDeposits::<T>::iter() {
			let w = Windows::<T>::get(&machine, key).ok_or("a deposit for a window not stored")?;
			let due = deposits.entry(w.gateway).or_insert_with(Zero::zero);
			*due = due.saturating_add(deposit);
		}
		for (who, due) in deposits {
			let held = T::Currency::balance_on_hold(&HoldReason::Window.into(), &who);
			ensure!(held == due, "an anchorer's window hold is not its windows' deposits");
		}
		Ok(())
	}
}
