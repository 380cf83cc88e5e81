//! Production orders: each completed step creates the next one, assigned by the chain, until
//! the product is finished; a failed step stops the order and refunds the steps not begun.

use crate::*;
use frame_support::{
	pallet_prelude::*,
	traits::{fungible::MutateHold, tokens::Precision},
};
use frame_system::pallet_prelude::BlockNumberFor;
use sp_runtime::traits::{CheckedMul, CheckedSub, Saturating, Zero};
use twinchain_primitives::{LotList, ProductType, Role, ShortText};

impl<T: Config> Pallet<T> {
	/// `place_order` by `requester`: the product, the order holding every step's reward, and
	/// the first step's task.
	pub(crate) fn do_place_order(
		requester: T::AccountId,
		recipe: RecipeId,
		product_type: ProductType,
		lots: LotList,
		reward_per_step: BalanceOf<T>,
		step_blocks: BlockNumberFor<T>,
	) -> DispatchResult {
		let r = Recipes::<T>::get(recipe).ok_or(Error::<T>::UnknownRecipe)?;
		ensure!(reward_per_step >= T::MinReward::get(), Error::<T>::RewardTooLow);
		ensure!(
			!step_blocks.is_zero() && step_blocks <= T::MaxDeadline::get(),
			Error::<T>::InvalidDeadline
		);
		let total = reward_per_step
			.checked_mul(&(r.steps.len() as u32).into())
			.ok_or(Error::<T>::Overflow)?;
		T::Currency::hold(&HoldReason::Escrow.into(), &requester, total)?;
		let product = T::Provenance::create_product(&requester, product_type, lots)?;
		let order = NextOrderId::<T>::get();
		NextOrderId::<T>::put(order.saturating_add(1));
		let deposit = Self::record_deposit(OrderOf::<T>::max_encoded_len());
		Self::hold_record_deposit(&requester, deposit)?;
		if !deposit.is_zero() {
			OrderDeposits::<T>::insert(order, deposit);
		}
		Orders::<T>::insert(
			order,
			Order {
				requester,
				recipe,
				product: product.clone(),
				reward_per_step,
				step_blocks,
				step: 0,
				task: None,
				state: OrderState::Running,
				remaining: total,
			},
		);
		RecipeOrders::<T>::mutate(recipe, |n| *n = n.saturating_add(1));
		Self::deposit_event(Event::OrderPlaced { order, recipe, product });
		Self::start_step(order, 0)
	}

	/// `register_recipe` by `manufacturer`.
	pub(crate) fn do_register_recipe(
		manufacturer: T::AccountId,
		name: ShortText,
		steps: RecipeSteps,
	) -> DispatchResult {
		ensure!(!steps.is_empty(), Error::<T>::EmptyRecipe);
		let deposit = T::RecipeDeposit::get();
		if !deposit.is_zero() {
			T::Currency::hold(&HoldReason::RecipeDeposit.into(), &manufacturer, deposit)?;
		}
		let recipe = NextRecipeId::<T>::get();
		NextRecipeId::<T>::put(recipe.saturating_add(1));
		Recipes::<T>::insert(
			recipe,
			Recipe { manufacturer: manufacturer.clone(), name, steps, deposit },
		);
		Self::deposit_event(Event::RecipeRegistered { recipe, manufacturer });
		Ok(())
	}

	/// `remove_recipe` by `who`: its own recipe, which no running order follows.
	pub(crate) fn do_remove_recipe(who: T::AccountId, recipe: RecipeId) -> DispatchResult {
		let r = Recipes::<T>::get(recipe).ok_or(Error::<T>::UnknownRecipe)?;
		ensure!(r.manufacturer == who, Error::<T>::NotRecipeOwner);
		ensure!(RecipeOrders::<T>::get(recipe) == 0, Error::<T>::RecipeInUse);
		Recipes::<T>::remove(recipe);
		#[allow(
			clippy::let_underscore_must_use,
			reason = "a best-effort release of what this pallet holds for the item cannot fail; the item goes either way"
		)]
		let _ = T::Currency::release(
			&HoldReason::RecipeDeposit.into(),
			&who,
			r.deposit,
			Precision::BestEffort,
		);
		Self::deposit_event(Event::RecipeRemoved { recipe, manufacturer: who });
		Ok(())
	}

	/// One running order of `recipe` is over (finished or failed).
	fn order_over(recipe: RecipeId) {
		RecipeOrders::<T>::mutate_exists(recipe, |n| {
			*n = n.and_then(|n| n.checked_sub(1)).filter(|n| *n > 0);
		});
	}

	/// `set_order_budget` by `owner`.
	pub(crate) fn do_set_budget(
		owner: T::AccountId,
		gateway: T::AccountId,
		budget: Option<BalanceOf<T>>,
	) -> DispatchResult {
		let old = OrderBudgets::<T>::take(&owner, &gateway);
		let Some(remaining) = budget else {
			let old = old.ok_or(Error::<T>::NoOrderBudget)?;
			Self::release_budget_deposit(&owner, old.deposit);
			Self::deposit_event(Event::OrderBudgetSet { owner, gateway, budget: None });
			return Ok(());
		};
		let deposit = match old {
			Some(o) => o.deposit,
			None => {
				let deposit = T::BudgetDeposit::get();
				if !deposit.is_zero() {
					T::Currency::hold(&HoldReason::OrderBudget.into(), &owner, deposit)?;
				}
				deposit
			},
		};
		OrderBudgets::<T>::insert(&owner, &gateway, OrderBudget { remaining, deposit });
		Self::deposit_event(Event::OrderBudgetSet { owner, gateway, budget: Some(remaining) });
		Ok(())
	}

	fn release_budget_deposit(owner: &T::AccountId, deposit: BalanceOf<T>) {
		#[allow(
			clippy::let_underscore_must_use,
			reason = "a best-effort release of what this pallet holds for the item cannot fail; the item goes either way"
		)]
		let _ = T::Currency::release(
			&HoldReason::OrderBudget.into(),
			owner,
			deposit,
			Precision::BestEffort,
		);
	}

	/// `place_order_for` by `gateway` for `owner`: the order, paid from `gateway`'s budget.
	pub(crate) fn do_place_order_for(
		gateway: T::AccountId,
		owner: T::AccountId,
		(recipe, product_type, lots, reward_per_step, step_blocks): (
			RecipeId,
			ProductType,
			LotList,
			BalanceOf<T>,
			BlockNumberFor<T>,
		),
	) -> DispatchResult {
		Self::check_budget(&owner, &gateway)?;
		let held = Self::held_as_requester(&owner);
		let later = Self::later_step_deposits(recipe);
		let placed = owner.clone();
		Self::do_place_order(placed, recipe, product_type, lots, reward_per_step, step_blocks)?;
		Self::spend_budget(&owner, &gateway, held, later)
	}

	/// Whether `gateway` may place orders for `owner`: `owner` is an active manufacturer and
	/// gave `gateway` a budget.
	fn check_budget(owner: &T::AccountId, gateway: &T::AccountId) -> DispatchResult {
		ensure!(T::Actors::has_role(owner, Role::Manufacturer), Error::<T>::NotManufacturer);
		ensure!(OrderBudgets::<T>::contains_key(owner, gateway), Error::<T>::NoOrderBudget);
		Ok(())
	}

	/// All `who` has on hold except its providers' stakes: what placing an order adds to it
	/// is what the order costs its requester (a machine of `who` taking the first step
	/// stakes as a provider, not as a requester; the stake comes back when the step settles).
	pub(crate) fn held_as_requester(who: &T::AccountId) -> BalanceOf<T> {
		use frame_support::traits::fungible::InspectHold;
		T::Currency::total_balance_on_hold(who)
			.saturating_sub(T::Currency::balance_on_hold(&HoldReason::ProviderStake.into(), who))
	}

	/// The most the record deposits of `recipe`'s steps after the first can be (each step's
	/// task holds its deposit from the order's requester when the step starts).
	pub(crate) fn later_step_deposits(recipe: RecipeId) -> BalanceOf<T> {
		let steps = Recipes::<T>::get(recipe).map_or(0, |r| r.steps.len() as u32);
		let per_step = Self::record_deposit(TaskOf::<T>::max_encoded_len());
		per_step.saturating_mul(steps.saturating_sub(1).into())
	}

	/// Takes what an order `gateway` just placed for `owner` costs `owner` off the budget
	/// `owner` gave `gateway`: what `owner` holds now beyond `held_before` (stakes aside), plus
	/// `later`, the later steps' deposits; `OverBudget` if that exceeds what is left.
	pub(crate) fn spend_budget(
		owner: &T::AccountId,
		gateway: &T::AccountId,
		held_before: BalanceOf<T>,
		later: BalanceOf<T>,
	) -> DispatchResult {
		let spent =
			Self::held_as_requester(owner).saturating_sub(held_before).saturating_add(later);
		let mut budget = OrderBudgets::<T>::get(owner, gateway).ok_or(Error::<T>::NoOrderBudget)?;
		budget.remaining = budget.remaining.checked_sub(&spent).ok_or(Error::<T>::OverBudget)?;
		OrderBudgets::<T>::insert(owner, gateway, budget);
		Ok(())
	}

	/// Whether `who` is a gateway `owner` gave an order budget (it confirms or disputes the
	/// steps of `owner`'s orders).
	pub(crate) fn is_order_gateway(who: &T::AccountId, owner: &T::AccountId) -> bool {
		OrderBudgets::<T>::contains_key(owner, who)
	}

	/// After step `step` of `order` completed: the next step, or the finished product. If the
	/// next step cannot be created (no deadline slot, the requester's live-task limit, the
	/// product recalled meanwhile), the order stops there and its remaining rewards go back —
	/// the provider's completion stands either way.
	pub(crate) fn advance_order_or_stop(order: OrderId, step: u32) {
		let advanced =
			frame_support::storage::with_storage_layer(|| Self::advance_order(order, step));
		if advanced.is_err() {
			Self::fail_order(order, step.saturating_add(1));
		}
	}

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
			challenge: None,
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
		// `task` stays the last step's: the order is reaped only after it (`reap_order`).
		o.state = OrderState::Finished;
		Self::order_over(o.recipe);
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
		Self::order_over(o.recipe);
		Orders::<T>::insert(order, o);
		Self::deposit_event(Event::OrderFailed { order, step });
	}
}
