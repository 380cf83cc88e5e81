//! What this pallet tells the others: [`DidAuthority`], [`DidCreator`] and [`DidHandOver`].

use crate::*;
use frame_support::traits::Get;

impl<T: Config> DidAuthority<T::AccountId> for Pallet<T> {
	fn controller(did: &T::AccountId) -> T::AccountId {
		Pallet::<T>::controller_of(did)
	}

	fn is_delegate(did: &T::AccountId, who: &T::AccountId, kind: DelegateType) -> bool {
		let now = Pallet::<T>::now();
		Delegates::<T>::get(did, (kind, who.clone())).is_some_and(|d| d.validity.is_valid_at(now))
	}

	fn is_deactivated(did: &T::AccountId) -> bool {
		Dids::<T>::get(did).is_some_and(|r| r.deactivated)
	}
}

impl<T: Config> DidCreator<T::AccountId> for Pallet<T> {
	fn create_did(creator: &T::AccountId) -> Result<T::AccountId, sp_runtime::DispatchError> {
		Pallet::<T>::derive_did(creator)
	}
}

impl<T: Config> DidHandOver<T::AccountId> for Pallet<T> {
	fn hand_over(did: &T::AccountId, new_owner: &T::AccountId) -> sp_runtime::DispatchResult {
		let mut record = match Dids::<T>::get(did) {
			Some(r) => {
				frame_support::ensure!(!r.deactivated, Error::<T>::Deactivated);
				r
			},
			None => Pallet::<T>::new_record(did, new_owner)?,
		};
		Pallet::<T>::clear_items(did, &mut record);
		if record.controller == *did {
			// The machine's own key stays with the machine; the new owner acts for it.
			if new_owner != did {
				let deposit = T::ItemDeposit::get();
				Pallet::<T>::hold(new_owner, deposit)?;
				let validity = Pallet::<T>::validity(None, None)?;
				Delegates::<T>::insert(
					did,
					(DelegateType::Authentication, new_owner.clone()),
					Delegate { validity, depositor: new_owner.clone(), deposit },
				);
				record.delegates = 1;
			}
		} else {
			record.controller = new_owner.clone();
		}
		record.updated = Pallet::<T>::stamp();
		record.nonce = record.nonce.saturating_add(1);
		Dids::<T>::insert(did, record);
		Pallet::<T>::deposit_event(Event::HandedOver {
			did: did.clone(),
			owner: new_owner.clone(),
		});
		Ok(())
	}

	fn hand_over_weight() -> frame_support::weights::Weight {
		// The same work as a deactivation of a full DID (every delegate and attribute drained,
		// the record written), plus one delegate added.
		T::WeightInfo::deactivate(T::MaxDelegates::get(), T::MaxAttributes::get())
			.saturating_add(T::WeightInfo::add_delegate())
	}
}
