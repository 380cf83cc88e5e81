//! How the M2M tasks pallet writes provenance: [`ProvenanceRecorder`] for this pallet.

use crate::*;

impl<T: Config> ProvenanceRecorder<T::AccountId> for Pallet<T> {
	fn record_step(
		recorder: &T::AccountId,
		product: &T::AccountId,
		step: StepInput<T::AccountId>,
	) -> sp_runtime::DispatchResult {
		let p = Products::<T>::get(product).ok_or(Error::<T>::UnknownProduct)?;
		Pallet::<T>::append_step(recorder, product, p, step)
	}

	fn finish(product: &T::AccountId) -> sp_runtime::DispatchResult {
		let p = Products::<T>::get(product).ok_or(Error::<T>::UnknownProduct)?;
		Pallet::<T>::do_finish(product, p)
	}

	fn in_production(product: &T::AccountId) -> bool {
		Products::<T>::get(product).is_some_and(|p| p.lifecycle == Lifecycle::InProduction)
	}

	fn custodian(product: &T::AccountId) -> Option<T::AccountId> {
		Products::<T>::get(product).map(|p| p.custodian)
	}

	fn create_product(
		manufacturer: &T::AccountId,
		product_type: ProductType,
		lots: LotList,
	) -> Result<T::AccountId, sp_runtime::DispatchError> {
		Pallet::<T>::do_create(manufacturer.clone(), product_type, lots)
	}
}
