//! What this pallet tells the others: [`DidAuthority`] and [`DidCreator`].

use crate::*;

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
