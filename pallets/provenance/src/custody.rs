//! Custody: a product changes hands by offer and acceptance, and its DID goes with it.

use crate::*;
use frame_support::{ensure, pallet_prelude::*, traits::Get};

impl<T: Config> Pallet<T> {
	pub(crate) fn do_offer_custody(
		who: T::AccountId,
		product: T::AccountId,
		to: T::AccountId,
	) -> DispatchResult {
		let mut p = Products::<T>::get(&product).ok_or(Error::<T>::UnknownProduct)?;
		Self::ensure_custodian(&who, &p)?;
		ensure!(p.parent.is_none(), Error::<T>::PartOfAssembly);
		ensure!(p.offer.is_none(), Error::<T>::OfferPending);
		ensure!(to != who, Error::<T>::SelfTransfer);
		ensure!(Self::is_actor(&to), Error::<T>::ReceiverNotActor);
		ensure!(p.transfers < T::MaxTransfers::get(), Error::<T>::TooManyTransfers);
		p.offer = Some((to.clone(), p.lifecycle));
		if matches!(p.lifecycle, Lifecycle::Finished | Lifecycle::Delivered) {
			p.lifecycle = Lifecycle::Shipped;
		}
		Products::<T>::insert(&product, p);
		Self::deposit_event(Event::CustodyOffered { product, from: who, to });
		Ok(())
	}

	pub(crate) fn do_accept_custody(who: T::AccountId, product: T::AccountId) -> DispatchResult {
		let mut p = Products::<T>::get(&product).ok_or(Error::<T>::UnknownProduct)?;
		let (to, _) = p.offer.clone().ok_or(Error::<T>::NoOffer)?;
		ensure!(to == who, Error::<T>::NotReceiver);
		ensure!(Self::is_actor(&who), Error::<T>::NotActiveActor);
		// The product's DID goes to its new custodian. A DID its controller deactivated
		// cannot move (and needs to: nobody controls it any more); the custody moves anyway.
		#[allow(clippy::let_underscore_must_use, reason = "see the comment above")]
		let _ = frame_support::storage::with_storage_layer(|| T::Dids::hand_over(&product, &who));
		let from = core::mem::replace(&mut p.custodian, who.clone());
		p.offer = None;
		if p.lifecycle == Lifecycle::Shipped {
			p.lifecycle = Lifecycle::Delivered;
		}
		Custody::<T>::insert(
			&product,
			p.transfers,
			Transfer { from: from.clone(), to: who.clone(), at: Self::stamp() },
		);
		p.transfers += 1;
		Products::<T>::insert(&product, p);
		Self::deposit_event(Event::CustodyTransferred { product, from, to: who });
		Ok(())
	}

	pub(crate) fn do_withdraw_offer(who: T::AccountId, product: T::AccountId) -> DispatchResult {
		let mut p = Products::<T>::get(&product).ok_or(Error::<T>::UnknownProduct)?;
		Self::ensure_custodian(&who, &p)?;
		let (_, before) = p.offer.take().ok_or(Error::<T>::NoOffer)?;
		// Undo only what the offer did: a product offered in production may have been finished
		// since, and must not go back into production.
		if p.lifecycle == Lifecycle::Shipped {
			p.lifecycle = before;
		}
		Products::<T>::insert(&product, p);
		Self::deposit_event(Event::CustodyOfferWithdrawn { product });
		Ok(())
	}
}
