//! Recalls: opening one, and the walk `on_idle` does over the lot → products and machine →
//! steps indexes, a bounded number of entries per block, marking every product reached and every
//! product it was built into.

use crate::*;
use alloc::vec::Vec;
use frame_support::{pallet_prelude::*, traits::EnsureOrigin};
use frame_system::{ensure_signed, pallet_prelude::OriginFor};

impl<T: Config> Pallet<T> {
	/// `None` for the recall origin, else the signed caller.
	pub(crate) fn recaller(origin: OriginFor<T>) -> Result<Option<T::AccountId>, DispatchError> {
		match T::RecallOrigin::try_origin(origin) {
			Ok(_) => Ok(None),
			Err(origin) => Ok(Some(ensure_signed(origin)?)),
		}
	}

	/// `recall_lot` by `by` (`None`: the recall origin).
	pub(crate) fn do_recall_lot(
		by: Option<T::AccountId>,
		lot: LotId,
		reason: Reason,
	) -> DispatchResult {
		let mut l = Lots::<T>::get(lot).ok_or(Error::<T>::UnknownLot)?;
		if let Some(who) = &by {
			ensure!(&l.supplier == who, Error::<T>::NotAllowedToRecall);
		}
		ensure!(l.recall.is_none(), Error::<T>::AlreadyRecalled);
		let recall = Self::open_recall(RecallScope::Lot(lot), reason, by, Default::default())?;
		l.recall = Some(recall);
		Lots::<T>::insert(lot, l);
		Self::deposit_event(Event::LotRecalled { lot, recall });
		Ok(())
	}

	/// `recall_machine_range` by `by` (`None`: the recall origin).
	pub(crate) fn do_recall_machine_range(
		by: Option<T::AccountId>,
		machine: T::AccountId,
		from: Moment,
		to: Moment,
		reason: Reason,
	) -> DispatchResult {
		let owner = T::Machines::owner(&machine).ok_or(Error::<T>::UnknownMachine)?;
		if let Some(who) = &by {
			ensure!(&owner == who, Error::<T>::NotAllowedToRecall);
		}
		ensure!(from <= to, Error::<T>::InvalidRange);
		let mut ranges = MachineRecalls::<T>::get(&machine);
		// Nothing new inside a recalled range; a range covering earlier ones replaces them
		// (their walks go on; steps recorded later in them are caught by the new range).
		ensure!(
			!ranges.iter().any(|(_, f, t)| *f <= from && to <= *t),
			Error::<T>::AlreadyRecalled
		);
		ranges.retain(|(_, f, t)| !(from <= *f && *t <= to));
		if by.is_some() {
			let members = ranges.iter().filter(|(r, _, _)| Self::by_member(*r)).count() as u32;
			ensure!(members < T::MaxRecallRanges::get() / 2, Error::<T>::TooManyRecallRanges);
		}
		ensure!(!ranges.is_full(), Error::<T>::TooManyRecallRanges);
		// The walk starts at the earliest start of a step that can still overlap `from`.
		let cursor =
			Self::machine_key_prefix(&machine, from.saturating_sub(T::MaxStepDuration::get()));
		let scope = RecallScope::MachineRange { machine: machine.clone(), from, to };
		let recall = Self::open_recall(scope, reason, by, cursor)?;
		#[allow(clippy::let_underscore_must_use, reason = "checked not full above")]
		let _ = ranges.try_push((recall, from, to));
		MachineRecalls::<T>::insert(&machine, ranges);
		Self::deposit_event(Event::MachineRangeRecalled { machine, from, to, recall });
		Ok(())
	}

	pub(crate) fn open_recall(
		scope: RecallScope<T::AccountId>,
		reason: Reason,
		by: Option<T::AccountId>,
		cursor: BoundedVec<u8, ConstU32<256>>,
	) -> Result<RecallId, DispatchError> {
		let id = NextRecallId::<T>::get();
		RecallQueue::<T>::try_mutate(|queue| -> DispatchResult {
			let job = RecallJob { recall: id, cursor, pending_parent: None };
			let full = Error::<T>::RecallQueueFull;
			ensure!(!queue.is_full(), full);
			let makers: Vec<Option<T::AccountId>> =
				queue.iter().map(|j| Recalls::<T>::get(j.recall).and_then(|r| r.by)).collect();
			match &by {
				Some(who) => {
					let members = makers.iter().filter(|m| m.is_some()).count() as u32;
					ensure!(members < T::MaxQueuedRecalls::get() / 2, full);
					let mine = makers.iter().filter(|m| m.as_ref() == Some(who)).count() as u32;
					ensure!(mine < T::MaxQueuedRecallsPerCaller::get(), full);
					queue.try_push(job).map_err(|_| full.into())
				},
				// The recall origin's recalls go before every member's.
				None => {
					let at = makers.iter().position(|m| m.is_some()).unwrap_or(makers.len());
					queue.try_insert(at, job).map_err(|_| full.into())
				},
			}
		})?;
		NextRecallId::<T>::put(id.saturating_add(1));
		Recalls::<T>::insert(
			id,
			Recall { scope, reason, by, at: Self::stamp(), affected: 0, complete: false },
		);
		Ok(id)
	}

	/// Whether `recall` was made by a member (not by the recall origin).
	fn by_member(recall: RecallId) -> bool {
		Recalls::<T>::get(recall).is_some_and(|r| r.by.is_some())
	}

	/// The raw storage key before every `MachineSteps` entry of `machine` starting at
	/// `start` or later (the index is in time order, see [`MachineStepKey`]).
	pub(crate) fn machine_key_prefix(
		machine: &T::AccountId,
		start: Moment,
	) -> BoundedVec<u8, ConstU32<256>> {
		let product = T::AccountId::decode(&mut sp_runtime::traits::TrailingZeroInput::zeroes())
			.expect("infinite zero input decodes an account");
		let key = MachineStepKey { start: start.to_be_bytes(), product, index: 0 };
		let mut raw = MachineSteps::<T>::hashed_key_for(machine, &key);
		raw.truncate(raw.len() - key.encoded_size() + 8);
		BoundedVec::truncate_from(raw)
	}

	/// Marks `product` recalled by `recall` unless it is already; returns the product it is
	/// built into, which must be marked next.
	pub(crate) fn mark(
		product: &T::AccountId,
		recall: RecallId,
		r: &mut RecallOf<T>,
	) -> Option<T::AccountId> {
		let mut p = Products::<T>::get(product)?;
		if p.recall.is_some() {
			return None;
		}
		p.recall = Some(recall);
		p.lifecycle = Lifecycle::Recalled;
		let parent = p.parent.clone();
		Products::<T>::insert(product, p);
		r.affected = r.affected.saturating_add(1);
		Self::deposit_event(Event::ProductRecalled { product: product.clone(), recall });
		parent
	}

	/// Walks at most `max` index entries (or parents) of the queued recalls; returns how
	/// many it walked.
	pub(crate) fn process_recalls(max: u32) -> u32 {
		let mut queue = RecallQueue::<T>::get();
		let mut done = 0;
		while done < max && !queue.is_empty() {
			done += 1;
			let job = &mut queue[0];
			let Some(mut r) = Recalls::<T>::get(job.recall) else {
				queue.remove(0);
				continue;
			};
			if let Some(parent) = job.pending_parent.take() {
				job.pending_parent = Self::mark(&parent, job.recall, &mut r);
				Recalls::<T>::insert(job.recall, r);
				continue;
			}
			let next = match &r.scope {
				RecallScope::Lot(lot) => {
					let mut keys = if job.cursor.is_empty() {
						LotProducts::<T>::iter_key_prefix(lot)
					} else {
						LotProducts::<T>::iter_key_prefix_from(lot, job.cursor.to_vec())
					};
					keys.next().map(|product| {
						let raw = LotProducts::<T>::hashed_key_for(lot, &product);
						(Some(product), raw)
					})
				},
				RecallScope::MachineRange { machine, from, to } => {
					MachineSteps::<T>::iter_prefix_from(machine, job.cursor.to_vec())
						.next()
						.filter(|(key, _)| Moment::from_be_bytes(key.start) <= *to)
						.map(|(key, end)| {
							let raw = MachineSteps::<T>::hashed_key_for(machine, &key);
							(if end >= *from { Some(key.product) } else { None }, raw)
						})
				},
			};
			match next {
				Some((product, raw)) => {
					job.cursor = BoundedVec::truncate_from(raw);
					if let Some(product) = product {
						job.pending_parent = Self::mark(&product, job.recall, &mut r);
					}
					Recalls::<T>::insert(job.recall, r);
				},
				None => {
					r.complete = true;
					let affected = r.affected;
					let recall = job.recall;
					Recalls::<T>::insert(recall, r);
					queue.remove(0);
					Self::deposit_event(Event::RecallCompleted { recall, affected });
				},
			}
		}
		RecallQueue::<T>::put(queue);
		done
	}
}
