//! Writing a product's twin: creating it, appending process steps with every check, finishing
//! it. The calls and the [`ProvenanceRecorder`](twinchain_primitives::ProvenanceRecorder) that
//! the M2M tasks pallet uses share these.

use crate::*;
use frame_support::{
	ensure,
	pallet_prelude::*,
	traits::{fungible::MutateHold, Get},
};
use frame_system::pallet_prelude::BlockNumberFor;
use sp_runtime::traits::Zero;

impl<T: Config> Pallet<T> {
	/// The current block and time.
	pub(crate) fn stamp() -> Stamp<BlockNumberFor<T>> {
		stamp_now::<T, T::Time>()
	}

	/// Whether `who` is an active actor.
	pub(crate) fn is_actor(who: &T::AccountId) -> bool {
		T::Actors::is_active_actor(who)
	}

	/// `who` is `p`'s custodian and an active actor: a suspended member does nothing with the
	/// products in its custody until reactivated.
	pub(crate) fn ensure_custodian(who: &T::AccountId, p: &ProductOf<T>) -> DispatchResult {
		ensure!(&p.custodian == who, Error::<T>::NotCustodian);
		ensure!(Self::is_actor(who), Error::<T>::NotActiveActor);
		Ok(())
	}

	/// `attach_environment` by `who`.
	pub(crate) fn do_attach_environment(
		who: T::AccountId,
		product: T::AccountId,
		index: u32,
		sensor: T::AccountId,
		start: Moment,
	) -> DispatchResult {
		let p = Products::<T>::get(&product).ok_or(Error::<T>::UnknownProduct)?;
		let mut step = Steps::<T>::get(&product, index).ok_or(Error::<T>::UnknownStep)?;
		ensure!(
			who == p.custodian
				|| T::Dids::acts_for(&p.custodian, &who)
				|| T::Dids::acts_for(&step.input.machine, &who),
			Error::<T>::NotAuthorized
		);
		ensure!(step.input.environment.is_none(), Error::<T>::EnvironmentSet);
		let (end, root) =
			T::Environment::window(&sensor, start).ok_or(Error::<T>::EnvironmentNotAnchored)?;
		ensure!(
			start <= step.input.end && end > step.input.start,
			Error::<T>::EnvironmentNotCovering
		);
		step.input.environment = Some(EnvironmentRef { sensor: sensor.clone(), start, root });
		Steps::<T>::insert(&product, index, step);
		Self::deposit_event(Event::EnvironmentAttached { product, index, sensor, start, root });
		Ok(())
	}

	pub(crate) fn append_step(
		recorder: &T::AccountId,
		product: &T::AccountId,
		mut p: ProductOf<T>,
		step: StepInput<T::AccountId>,
	) -> DispatchResult {
		ensure!(p.lifecycle == Lifecycle::InProduction, Error::<T>::NotInProduction);
		ensure!(p.steps < T::MaxSteps::get(), Error::<T>::TooManySteps);
		let now = Self::stamp();
		ensure!(step.start <= step.end && step.end <= now.time, Error::<T>::InvalidTimes);
		ensure!(step.end - step.start <= T::MaxStepDuration::get(), Error::<T>::StepTooLong);
		ensure!(step.start >= p.created.time, Error::<T>::StepBeforeCreation);
		match T::Machines::status(&step.machine) {
			None => return Err(Error::<T>::UnknownMachine.into()),
			Some(MachineStatus::Retired) => return Err(Error::<T>::MachineRetired.into()),
			Some(_) => {},
		}
		ensure!(
			T::Machines::can_perform(&step.machine, &step.capability),
			Error::<T>::CapabilityNotValid
		);
		if let Some(e) = &step.environment {
			let (end, _) = T::Environment::window(&e.sensor, e.start)
				.filter(|(_, root)| *root == e.root)
				.ok_or(Error::<T>::EnvironmentNotAnchored)?;
			ensure!(e.start <= step.end && end > step.start, Error::<T>::EnvironmentNotCovering);
		}
		let index = p.steps;
		p.steps += 1;
		let key =
			MachineStepKey { start: step.start.to_be_bytes(), product: product.clone(), index };
		MachineSteps::<T>::insert(&step.machine, key, step.end);
		let overlapping = MachineRecalls::<T>::get(&step.machine)
			.iter()
			.find(|(_, from, to)| step.start <= *to && step.end >= *from)
			.map(|(recall, _, _)| *recall);
		let event = Event::StepRecorded {
			product: product.clone(),
			index,
			machine: step.machine.clone(),
			capability: step.capability.clone(),
			task: step.task,
		};
		Steps::<T>::insert(
			product,
			index,
			Step { input: step, recorder: recorder.clone(), recorded: now },
		);
		Products::<T>::insert(product, p);
		Self::deposit_event(event);
		if let Some(recall) = overlapping {
			if let Some(mut r) = Recalls::<T>::get(recall) {
				// A product has no parent while in production, so nothing to walk up.
				let _ = Self::mark(product, recall, &mut r);
				Recalls::<T>::insert(recall, r);
			}
		}
		Ok(())
	}

	/// Creates a product for `manufacturer`; returns its DID's account.
	pub(crate) fn do_create(
		manufacturer: T::AccountId,
		product_type: ProductType,
		lots: LotList,
	) -> Result<T::AccountId, DispatchError> {
		for (i, lot) in lots.iter().enumerate() {
			ensure!(!lots[..i].contains(lot), Error::<T>::DuplicateLot);
			let l = Lots::<T>::get(lot).ok_or(Error::<T>::UnknownLot)?;
			ensure!(l.recall.is_none(), Error::<T>::LotRecalled);
		}
		if let Some(tag) = &product_type.tag {
			ensure!(!ProductByTag::<T>::contains_key(tag), Error::<T>::TagInUse);
		}
		let deposit = T::ProductDeposit::get();
		if !deposit.is_zero() {
			T::Currency::hold(&HoldReason::ProductDeposit.into(), &manufacturer, deposit)?;
		}
		let product = T::Dids::create_did(&manufacturer)?;
		for lot in lots.iter() {
			Lots::<T>::mutate(lot, |l| {
				if let Some(l) = l {
					l.used_by = l.used_by.saturating_add(1);
				}
			});
			LotProducts::<T>::insert(lot, &product, ());
		}
		if let Some(tag) = &product_type.tag {
			ProductByTag::<T>::insert(tag, &product);
		}
		Products::<T>::insert(
			&product,
			Product {
				manufacturer: manufacturer.clone(),
				custodian: manufacturer.clone(),
				product_type,
				lifecycle: Lifecycle::InProduction,
				lots,
				parent: None,
				components: 0,
				steps: 0,
				transfers: 0,
				credentials: 0,
				offer: None,
				recall: None,
				created: Self::stamp(),
				deposit,
			},
		);
		Self::deposit_event(Event::ProductCreated { product: product.clone(), manufacturer });
		Ok(product)
	}

	pub(crate) fn do_finish(product: &T::AccountId, mut p: ProductOf<T>) -> DispatchResult {
		ensure!(p.lifecycle == Lifecycle::InProduction, Error::<T>::AlreadyFinished);
		p.lifecycle = Lifecycle::Finished;
		Products::<T>::insert(product, p);
		Self::deposit_event(Event::ProductFinished { product: product.clone() });
		Ok(())
	}
}
