//! Production orders: each completed step creates the next one, assigned by the chain, until
//! the product is finished; a failed step stops the order and refunds the steps not begun.

use crate::*;
use frame_support::{
	pallet_prelude::*,
	traits::{fungible::MutateHold, tokens::Precision},
};
use sp_runtime::traits::{Saturating, Zero};

impl<T: Config> Pallet<T> {
	/// Creates the task of step `step` of `order`, with the reward the order holds.
	pub(crate) fn start_step(order: OrderId, step: u32) -> DispatchResult {
		let mut o = Orders::<T>::get(order).ok_or(Error::<T>::UnknownRecipe)?;
		let r = Recipes::<T>::get(o.recipe).ok_or(Error::<T>::UnknownRecipe)?;
		let s = r.steps.get(step as usize).ok_or(Error::<T>::UnknownRecipe)?;
		let deadline = frame_system::Pallet::<T>::block_number().saturating_add(o.step_blocks);
		let task = Self::new_task(NewTask {
			requester: o.requester.clone(),
			capability: s.capability.clone(),
			params: s.params.clone(),
			product: Some(o.product.clone()),
			designated: None,
			reward: o.reward_per_step,
			deadline,
			auto_assign: true,
			order: Some((order, step)),
		})?;
		o.remaining = o.remaining.saturating_sub(o.reward_per_step);
		o.step = step;
		o.task = Some(task);
		Orders::<T>::insert(order, o);
		Self::deposit_event(Event::OrderStepCreated { order, step, task });
		Ok(())
	}

	/// After step `step` of `order` completed: the next step, or the finished product.
	pub(crate) fn advance_order(order: OrderId, step: u32) -> DispatchResult {
		let Some(mut o) = Orders::<T>::get(order) else { return Ok(()) };
		if o.state != OrderState::Running {
			return Ok(());
		}
		let steps = Recipes::<T>::get(o.recipe).map(|r| r.steps.len() as u32).unwrap_or(0);
		if step + 1 < steps {
			return Self::start_step(order, step + 1);
		}
		T::Provenance::finish(&o.product)?;
		o.state = OrderState::Finished;
		o.task = None;
		let product = o.product.clone();
		Orders::<T>::insert(order, o);
		Self::deposit_event(Event::OrderFinished { order, product });
		Ok(())
	}

	/// Stops `order` at `step`, refunding the rewards of the steps not begun.
	pub(crate) fn fail_order(order: OrderId, step: u32) {
		let Some(mut o) = Orders::<T>::get(order) else { return };
		if o.state != OrderState::Running {
			return;
		}
		#[allow(
			clippy::let_underscore_must_use,
			reason = "a best-effort release of what this pallet holds for the item cannot fail; the item goes either way"
		)]
		let _ = T::Currency::release(
			&HoldReason::Escrow.into(),
			&o.requester,
			o.remaining,
			Precision::BestEffort,
		);
		o.remaining = Zero::zero();
		o.state = OrderState::Failed;
		Orders::<T>::insert(order, o);
		Self::deposit_event(Event::OrderFailed { order, step });
	}
}
