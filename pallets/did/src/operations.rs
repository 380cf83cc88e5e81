//! Performing a DID operation: the checks of names, values and validity windows, the record
//! an implicit DID gets on its first change, and [`Pallet::apply`], which every call and every
//! signed operation ends in.

use crate::*;
use frame_support::{dispatch::PostDispatchInfo, ensure, pallet_prelude::*, traits::Get};

impl<T: Config> Pallet<T> {
	/// A fresh record of an implicit DID, its deposit held from `payer`.
	pub(crate) fn new_record(
		did: &T::AccountId,
		payer: &T::AccountId,
	) -> Result<DidRecordOf<T>, DispatchError> {
		let deposit = T::RecordDeposit::get();
		Self::hold(payer, deposit)?;
		let now = Self::stamp();
		Ok(DidRecord {
			controller: did.clone(),
			nonce: 0,
			created: now,
			updated: now,
			deactivated: false,
			delegates: 0,
			attributes: 0,
			depositor: payer.clone(),
			deposit,
		})
	}

	/// The window from optional bounds, checked against now.
	pub(crate) fn validity(
		from: Option<Moment>,
		until: Option<Moment>,
	) -> Result<Validity, DispatchError> {
		let now = Self::now();
		let valid_from = from.unwrap_or(now);
		ensure!(valid_from >= now, Error::<T>::InvalidValidity);
		if let Some(until) = until {
			ensure!(until > valid_from, Error::<T>::InvalidValidity);
		}
		Ok(Validity { valid_from, valid_until: until })
	}

	pub(crate) fn check_name(name: &AttributeName) -> DispatchResult {
		let ok = !name.is_empty()
			&& name.iter().all(|c| c.is_ascii_alphanumeric() || b"._-".contains(c))
			&& !name.starts_with(b"controller")
			&& !name.starts_with(b"delegate");
		ensure!(ok, Error::<T>::InvalidName);
		Ok(())
	}

	pub(crate) fn check_value(value: &AttributeValue) -> DispatchResult {
		match value {
			AttributeValue::PublicKey { key_type, purposes, .. } => {
				let p = purposes.0;
				let ok = p & !KeyPurposes::ALL == 0
					&& match key_type {
						KeyType::X25519 => p == KeyPurposes::KEY_AGREEMENT,
						KeyType::Ed25519 | KeyType::Sr25519 => {
							p != 0 && p & KeyPurposes::KEY_AGREEMENT == 0
						},
					};
				ensure!(ok, Error::<T>::InvalidKeyPurposes);
			},
			AttributeValue::Service { service_type, endpoint } => {
				ensure!(
					!service_type.is_empty()
						&& service_type.iter().all(|c| c.is_ascii_alphanumeric()),
					Error::<T>::InvalidServiceType
				);
				let colon = endpoint.iter().position(|c| *c == b':');
				let ok = match colon {
					Some(i) if i > 0 && i + 1 < endpoint.len() => {
						let scheme = &endpoint[..i];
						scheme[0].is_ascii_alphabetic()
							&& scheme
								.iter()
								.all(|c| c.is_ascii_alphanumeric() || b"+.-".contains(c))
							&& endpoint
								.iter()
								.all(|c| c.is_ascii_graphic() && !b"\"<>\\^`{|}".contains(c))
					},
					_ => false,
				};
				ensure!(ok, Error::<T>::InvalidEndpoint);
			},
		}
		Ok(())
	}

	/// Removes every delegate and attribute of `did`, releasing each deposit to whoever paid it.
	pub(crate) fn clear_items(did: &T::AccountId, record: &mut DidRecordOf<T>) {
		for (_, item) in Delegates::<T>::drain_prefix(did) {
			Self::release(&item.depositor, item.deposit);
		}
		for (_, item) in Attributes::<T>::drain_prefix(did) {
			Self::release(&item.depositor, item.deposit);
		}
		record.delegates = 0;
		record.attributes = 0;
	}

	/// Performs `op` on `did`; `payer` pays any new deposit. The caller has checked that the
	/// operation is authorised.
	pub(crate) fn apply(
		did: &T::AccountId,
		payer: &T::AccountId,
		op: DidOperation<T::AccountId>,
	) -> DispatchResultWithPostInfo {
		let mut record = match Dids::<T>::get(did) {
			Some(r) => {
				ensure!(!r.deactivated, Error::<T>::Deactivated);
				r
			},
			None => Self::new_record(did, payer)?,
		};
		let mut actual_weight = None;
		let event = match op {
			DidOperation::ChangeController { new_controller } => {
				ensure!(new_controller != record.controller, Error::<T>::SameController);
				record.controller = new_controller.clone();
				Event::ControllerChanged { did: did.clone(), controller: new_controller }
			},
			DidOperation::AddDelegate { delegate_type, delegate, valid_from, valid_until } => {
				ensure!(&delegate != did, Error::<T>::SelfDelegation);
				let validity = Self::validity(valid_from, valid_until)?;
				let key = (delegate_type, delegate.clone());
				let entry = match Delegates::<T>::get(did, &key) {
					Some(old) => Delegate { validity, ..old },
					None => {
						ensure!(
							record.delegates < T::MaxDelegates::get(),
							Error::<T>::TooManyDelegates
						);
						let deposit = T::ItemDeposit::get();
						Self::hold(payer, deposit)?;
						record.delegates += 1;
						Delegate { validity, depositor: payer.clone(), deposit }
					},
				};
				Delegates::<T>::insert(did, &key, entry);
				Event::DelegateAdded { did: did.clone(), delegate_type, delegate, validity }
			},
			DidOperation::RevokeDelegate { delegate_type, delegate } => {
				let key = (delegate_type, delegate.clone());
				let mut entry =
					Delegates::<T>::get(did, &key).ok_or(Error::<T>::DelegateNotFound)?;
				let now = Self::now();
				ensure!(
					entry.validity.valid_until.is_none_or(|u| u > now),
					Error::<T>::AlreadyRevoked
				);
				entry.validity.valid_until = Some(now);
				Delegates::<T>::insert(did, &key, entry);
				Event::DelegateRevoked { did: did.clone(), delegate_type, delegate }
			},
			DidOperation::SetAttribute { name, value, valid_from, valid_until } => {
				Self::check_name(&name)?;
				Self::check_value(&value)?;
				let validity = Self::validity(valid_from, valid_until)?;
				let entry = match Attributes::<T>::get(did, &name) {
					Some(old) => Attribute { value: value.clone(), validity, ..old },
					None => {
						ensure!(
							record.attributes < T::MaxAttributes::get(),
							Error::<T>::TooManyAttributes
						);
						let deposit = T::ItemDeposit::get();
						Self::hold(payer, deposit)?;
						record.attributes += 1;
						Attribute {
							value: value.clone(),
							validity,
							depositor: payer.clone(),
							deposit,
						}
					},
				};
				Attributes::<T>::insert(did, &name, entry);
				Event::AttributeSet { did: did.clone(), name, value, validity }
			},
			DidOperation::RevokeAttribute { name } => {
				let mut entry =
					Attributes::<T>::get(did, &name).ok_or(Error::<T>::AttributeNotFound)?;
				let now = Self::now();
				ensure!(
					entry.validity.valid_until.is_none_or(|u| u > now),
					Error::<T>::AlreadyRevoked
				);
				entry.validity.valid_until = Some(now);
				Attributes::<T>::insert(did, &name, entry);
				Event::AttributeRevoked { did: did.clone(), name }
			},
			DidOperation::Deactivate => {
				let (d, a) = (record.delegates, record.attributes);
				Self::clear_items(did, &mut record);
				Self::release(&record.depositor, record.deposit);
				record.deposit = Zero::zero();
				record.deactivated = true;
				actual_weight = Some(T::WeightInfo::deactivate(d, a));
				Event::Deactivated { did: did.clone() }
			},
		};
		record.updated = Self::stamp();
		record.nonce = record.nonce.saturating_add(1);
		Dids::<T>::insert(did, record);
		Self::deposit_event(event);
		Ok(PostDispatchInfo { actual_weight, pays_fee: Pays::Yes })
	}
}
