//! Benchmarks of the tasks pallet at their worst cases: automatic matching reading
//! `MaxCandidates` capable idle machines, completions that record provenance and create the
//! next step of an order (matched again), owners acting for machines (the machine and gateway
//! checks fail first), and the hook's per-task work.

use super::*;
use alloc::vec;
use frame_benchmarking::v2::*;
use frame_support::traits::{EnsureOrigin, Get};
use frame_system::RawOrigin;
use twinchain_primitives::{Colour, ResultDetail, Role};

fn cap(c: u8) -> CapabilityKey {
	let len = <twinchain_primitives::MaxCapabilityKeyLength as Get<u32>>::get() as usize;
	vec![c; len].try_into().expect("fits")
}

fn params() -> StepParams {
	vec![b'p'; 256].try_into().expect("fits")
}

fn detail() -> ResultDetail {
	vec![b'd'; 64].try_into().expect("fits")
}

/// A funded manufacturer.
fn maker<T: Config>() -> Result<T::AccountId, BenchmarkError> {
	let origin =
		T::RecipeOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
	let who = T::RecipeOrigin::ensure_origin(origin).map_err(|_| BenchmarkError::Weightless)?;
	T::BenchmarkHelper::fund(&who);
	Ok(who)
}

/// `MaxCandidates` idle machines for capability `c`, owned by a funded owner; returns the owner.
fn machines<T: Config>(c: u8) -> T::AccountId {
	let owner: T::AccountId = account("owner", c as u32, 0);
	T::BenchmarkHelper::fund(&owner);
	// A machine works only while its owner is an active actor.
	T::BenchmarkHelper::actor(&owner, Role::Supplier);
	for i in 0..T::MaxCandidates::get() {
		let machine: T::AccountId = account("machine", c as u32, i);
		T::BenchmarkHelper::machine(&owner, &machine, &cap(c));
	}
	owner
}

fn product_type() -> ProductType {
	ProductType {
		kind: vec![b'k'; 64].try_into().expect("fits"),
		colour: Some(Colour::Red),
		tag: None,
	}
}

fn product<T: Config>(maker: &T::AccountId) -> Result<T::AccountId, BenchmarkError> {
	T::Provenance::create_product(maker, product_type(), Default::default())
		.map_err(|_| BenchmarkError::Stop("product failed"))
}

fn deadline<T: Config>() -> frame_system::pallet_prelude::BlockNumberFor<T> {
	frame_system::Pallet::<T>::block_number() + T::MaxDeadline::get()
}

/// A task of `maker` for capability `c` on a product, which the chain assigns if a machine is
/// idle; returns its id.
fn auto_task<T: Config>(maker: &T::AccountId, c: u8) -> Result<TaskId, BenchmarkError> {
	let p = product::<T>(maker)?;
	let id = NextTaskId::<T>::get();
	Pallet::<T>::create_task(
		RawOrigin::Signed(maker.clone()).into(),
		cap(c),
		params(),
		Some(p),
		None,
		T::MinReward::get(),
		deadline::<T>(),
		true,
		None,
	)
	.map_err(|_| BenchmarkError::Stop("create failed"))?;
	Ok(id)
}

/// A task for capability 1 with no product, matched at once if `auto_assign` (else open).
fn plain_task<T: Config>(
	maker: &T::AccountId,
	auto_assign: bool,
) -> Result<TaskId, BenchmarkError> {
	let id = NextTaskId::<T>::get();
	Pallet::<T>::create_task(
		RawOrigin::Signed(maker.clone()).into(),
		cap(1),
		params(),
		None,
		None,
		T::MinReward::get(),
		deadline::<T>(),
		auto_assign,
		None,
	)
	.map_err(|_| BenchmarkError::Stop("create failed"))?;
	Ok(id)
}

fn provider<T: Config>(task: TaskId) -> Result<T::AccountId, BenchmarkError> {
	TaskRecords::<T>::get(task)
		.and_then(|t| t.provider)
		.ok_or(BenchmarkError::Stop("not assigned"))
}

/// An order of two steps (capabilities 1 and 2) whose first step is assigned; returns the
/// task of step 1.
fn order<T: Config>(maker: &T::AccountId) -> Result<TaskId, BenchmarkError> {
	machines::<T>(1);
	machines::<T>(2);
	let steps: RecipeSteps = vec![
		RecipeStep { capability: cap(1), params: params() },
		RecipeStep { capability: cap(2), params: params() },
	]
	.try_into()
	.map_err(|_| BenchmarkError::Stop("steps"))?;
	let recipe = NextRecipeId::<T>::get();
	Pallet::<T>::register_recipe(
		RawOrigin::Signed(maker.clone()).into(),
		vec![b'n'; 64].try_into().expect("fits"),
		steps,
	)
	.map_err(|_| BenchmarkError::Stop("recipe failed"))?;
	let id = NextTaskId::<T>::get();
	Pallet::<T>::place_order(
		RawOrigin::Signed(maker.clone()).into(),
		recipe,
		product_type(),
		Default::default(),
		T::MinReward::get(),
		T::MaxDeadline::get(),
	)
	.map_err(|_| BenchmarkError::Stop("order failed"))?;
	Ok(id)
}

/// Idle machines for capability 1 and a one-step recipe of `maker` using it; returns the recipe.
fn recipe_for_order<T: Config>(maker: &T::AccountId) -> Result<RecipeId, BenchmarkError> {
	machines::<T>(1);
	let steps: RecipeSteps = vec![RecipeStep { capability: cap(1), params: params() }]
		.try_into()
		.map_err(|_| BenchmarkError::Stop("steps"))?;
	// The chain's genesis may hold recipes already (the dev factory's): take the new one.
	let recipe = NextRecipeId::<T>::get();
	Pallet::<T>::register_recipe(
		RawOrigin::Signed(maker.clone()).into(),
		vec![b'n'; 64].try_into().expect("fits"),
		steps,
	)
	.map_err(|_| BenchmarkError::Stop("recipe failed"))?;
	Ok(recipe)
}

/// A completed task of `maker`; returns it.
fn completed<T: Config>(maker: &T::AccountId) -> Result<TaskId, BenchmarkError> {
	let task = auto_task::<T>(maker, 1)?;
	let machine = provider::<T>(task)?;
	Pallet::<T>::complete_task(RawOrigin::Signed(machine).into(), task, detail(), [1; 32])
		.map_err(|_| BenchmarkError::Stop("complete failed"))?;
	Ok(task)
}

fn owner_of<T: Config>(task: TaskId) -> Result<T::AccountId, BenchmarkError> {
	T::Machines::owner(&provider::<T>(task)?).ok_or(BenchmarkError::Stop("no owner"))
}

#[benchmarks]
mod benches {
	use super::*;

	/// On a product, matched among `MaxCandidates` idle machines.
	#[benchmark]
	fn create_task() -> Result<(), BenchmarkError> {
		let m = maker::<T>()?;
		machines::<T>(1);
		let p = product::<T>(&m)?;
		let task = NextTaskId::<T>::get();
		#[extrinsic_call]
		_(
			RawOrigin::Signed(m),
			cap(1),
			params(),
			Some(p),
			None,
			T::MinReward::get(),
			deadline::<T>(),
			true,
			// Its own period (not the default) is stored.
			Some(T::MaxChallengePeriod::get()),
		);
		assert_eq!(TaskRecords::<T>::get(task).map(|t| t.state), Some(TaskState::Assigned));
		Ok(())
	}

	/// On a product, for a designated machine, without matching: what a machine hiring a
	/// known machine pays.
	#[benchmark]
	fn create_task_unmatched() -> Result<(), BenchmarkError> {
		let m = maker::<T>()?;
		let p = product::<T>(&m)?;
		let machine: T::AccountId = account("machine", 1, 0);
		let task = NextTaskId::<T>::get();
		#[extrinsic_call]
		create_task(
			RawOrigin::Signed(m),
			cap(1),
			params(),
			Some(p),
			Some(machine),
			T::MinReward::get(),
			deadline::<T>(),
			false,
			None,
		);
		assert_eq!(TaskRecords::<T>::get(task).map(|t| t.state), Some(TaskState::Open));
		Ok(())
	}

	#[benchmark]
	fn accept_task() -> Result<(), BenchmarkError> {
		let m = maker::<T>()?;
		let owner = machines::<T>(1);
		let machine: T::AccountId = account("machine", 1, 0);
		let task = plain_task::<T>(&m, false)?;
		#[extrinsic_call]
		_(RawOrigin::Signed(owner), task, machine.clone());
		assert_eq!(TaskRecords::<T>::get(task).and_then(|t| t.provider), Some(machine));
		Ok(())
	}

	#[benchmark]
	fn start_task() -> Result<(), BenchmarkError> {
		let m = maker::<T>()?;
		machines::<T>(1);
		let task = auto_task::<T>(&m, 1)?;
		let owner = owner_of::<T>(task)?;
		#[extrinsic_call]
		_(RawOrigin::Signed(owner), task);
		assert_eq!(TaskRecords::<T>::get(task).map(|t| t.state), Some(TaskState::InProgress));
		Ok(())
	}

	/// A step of an order: provenance recorded, the next step created and matched.
	#[benchmark]
	fn complete_task() -> Result<(), BenchmarkError> {
		let m = maker::<T>()?;
		let task = order::<T>(&m)?;
		let owner = owner_of::<T>(task)?;
		#[extrinsic_call]
		_(RawOrigin::Signed(owner), task, detail(), [1; 32]);
		assert_eq!(TaskRecords::<T>::get(task + 1).map(|t| t.state), Some(TaskState::Assigned));
		Ok(())
	}

	/// A task without a product: no provenance step, no next step.
	#[benchmark]
	fn complete_task_plain() -> Result<(), BenchmarkError> {
		let m = maker::<T>()?;
		let owner = machines::<T>(1);
		let task = plain_task::<T>(&m, true)?;
		#[extrinsic_call]
		complete_task(RawOrigin::Signed(owner), task, detail(), [1; 32]);
		assert_eq!(TaskRecords::<T>::get(task).map(|t| t.state), Some(TaskState::Completed));
		Ok(())
	}

	#[benchmark]
	fn confirm_task() -> Result<(), BenchmarkError> {
		let m = maker::<T>()?;
		machines::<T>(1);
		let task = completed::<T>(&m)?;
		#[extrinsic_call]
		_(RawOrigin::Signed(m), task);
		assert_eq!(TaskRecords::<T>::get(task).map(|t| t.state), Some(TaskState::Settled));
		Ok(())
	}

	/// A first budget: the deposit is held.
	#[benchmark]
	fn set_order_budget() -> Result<(), BenchmarkError> {
		let m = maker::<T>()?;
		let gateway: T::AccountId = account("gateway", 0, 0);
		#[extrinsic_call]
		_(RawOrigin::Signed(m.clone()), gateway.clone(), Some(T::MinReward::get()));
		assert!(OrderBudgets::<T>::contains_key(&m, &gateway));
		Ok(())
	}

	/// `place_order` by a gateway for the manufacturer that gave it a budget.
	#[benchmark]
	fn place_order_for() -> Result<(), BenchmarkError> {
		let m = maker::<T>()?;
		let recipe = recipe_for_order::<T>(&m)?;
		let gateway: T::AccountId = account("gateway", 0, 0);
		Pallet::<T>::set_order_budget(
			RawOrigin::Signed(m.clone()).into(),
			gateway.clone(),
			Some(T::MinReward::get() * 100u32.into()),
		)
		.map_err(|_| BenchmarkError::Stop("budget failed"))?;
		let id = NextTaskId::<T>::get();
		#[extrinsic_call]
		_(
			RawOrigin::Signed(gateway),
			m,
			recipe,
			product_type(),
			Default::default(),
			T::MinReward::get(),
			T::MaxDeadline::get(),
		);
		assert_eq!(TaskRecords::<T>::get(id).map(|t| t.state), Some(TaskState::Assigned));
		Ok(())
	}

	/// A completion whose challenge end found no room in the schedule, settled by anyone once
	/// its period is over.
	#[benchmark]
	fn settle_task() -> Result<(), BenchmarkError> {
		let m = maker::<T>()?;
		machines::<T>(1);
		let task = completed::<T>(&m)?;
		let end = TaskRecords::<T>::get(task)
			.and_then(|t| t.completion)
			.map(|c| c.challenge_end)
			.ok_or(BenchmarkError::Stop("not completed"))?;
		frame_system::Pallet::<T>::set_block_number(end);
		let caller: T::AccountId = account("anyone", 0, 0);
		#[extrinsic_call]
		_(RawOrigin::Signed(caller), task);
		assert_eq!(TaskRecords::<T>::get(task).map(|t| t.state), Some(TaskState::Settled));
		Ok(())
	}

	#[benchmark]
	fn cancel_task() -> Result<(), BenchmarkError> {
		let m = maker::<T>()?;
		let task = auto_task::<T>(&m, 1)?;
		#[extrinsic_call]
		_(RawOrigin::Signed(m), task);
		assert_eq!(TaskRecords::<T>::get(task).map(|t| t.state), Some(TaskState::Cancelled));
		Ok(())
	}

	/// A cancelled task with its deposit, past its retention.
	#[benchmark]
	fn reap_task() -> Result<(), BenchmarkError> {
		let m = maker::<T>()?;
		let task = auto_task::<T>(&m, 1)?;
		Pallet::<T>::cancel_task(RawOrigin::Signed(m.clone()).into(), task)
			.map_err(|_| BenchmarkError::Stop("cancel failed"))?;
		let t = TaskRecords::<T>::get(task).ok_or(BenchmarkError::Stop("no task"))?;
		frame_system::Pallet::<T>::set_block_number(t.deadline + T::TaskRetention::get());
		#[extrinsic_call]
		_(RawOrigin::Signed(m), task);
		assert!(!TaskRecords::<T>::contains_key(task));
		Ok(())
	}

	/// A failed order (its first step expired) whose task is reaped.
	#[benchmark]
	fn reap_order() -> Result<(), BenchmarkError> {
		let m = maker::<T>()?;
		let order_id = NextOrderId::<T>::get();
		let task = order::<T>(&m)?;
		let t = TaskRecords::<T>::get(task).ok_or(BenchmarkError::Stop("no task"))?;
		Pallet::<T>::expire(task);
		let end = t.deadline + T::TaskRetention::get();
		frame_system::Pallet::<T>::set_block_number(end);
		Pallet::<T>::reap_task(RawOrigin::Signed(m.clone()).into(), task)
			.map_err(|_| BenchmarkError::Stop("reap failed"))?;
		#[extrinsic_call]
		_(RawOrigin::Signed(m), order_id);
		assert!(!Orders::<T>::contains_key(order_id));
		Ok(())
	}

	#[benchmark]
	fn dispute_task() -> Result<(), BenchmarkError> {
		let m = maker::<T>()?;
		machines::<T>(1);
		let task = completed::<T>(&m)?;
		#[extrinsic_call]
		_(RawOrigin::Signed(m), task);
		assert_eq!(TaskRecords::<T>::get(task).map(|t| t.state), Some(TaskState::Disputed));
		Ok(())
	}

	#[benchmark]
	fn resolve_dispute() -> Result<(), BenchmarkError> {
		let m = maker::<T>()?;
		machines::<T>(1);
		let task = completed::<T>(&m)?;
		Pallet::<T>::dispute_task(RawOrigin::Signed(m).into(), task)
			.map_err(|_| BenchmarkError::Stop("dispute failed"))?;
		let origin =
			T::ArbiterOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, task, true);
		assert_eq!(TaskRecords::<T>::get(task).map(|t| t.state), Some(TaskState::Settled));
		Ok(())
	}

	/// A step of an order: the failure recorded, the order stopped and refunded.
	#[benchmark]
	fn fail_task() -> Result<(), BenchmarkError> {
		let m = maker::<T>()?;
		let task = order::<T>(&m)?;
		let owner = owner_of::<T>(task)?;
		#[extrinsic_call]
		_(RawOrigin::Signed(owner), task, detail());
		assert_eq!(Orders::<T>::get(0).map(|o| o.state), Some(OrderState::Failed));
		Ok(())
	}

	#[benchmark]
	fn assign_task() -> Result<(), BenchmarkError> {
		let m = maker::<T>()?;
		let task = auto_task::<T>(&m, 1)?;
		machines::<T>(1);
		let anyone: T::AccountId = account("anyone", 0, 0);
		#[extrinsic_call]
		_(RawOrigin::Signed(anyone), task);
		assert_eq!(TaskRecords::<T>::get(task).map(|t| t.state), Some(TaskState::Assigned));
		Ok(())
	}

	/// `s`: the recipe's steps.
	#[benchmark]
	fn register_recipe(s: Linear<1, MAX_RECIPE_STEPS>) -> Result<(), BenchmarkError> {
		let m = maker::<T>()?;
		let steps: RecipeSteps = (0..s)
			.map(|i| RecipeStep { capability: cap(b'a' + i as u8), params: params() })
			.collect::<alloc::vec::Vec<_>>()
			.try_into()
			.map_err(|_| BenchmarkError::Stop("steps"))?;
		#[extrinsic_call]
		_(RawOrigin::Signed(m), vec![b'n'; 64].try_into().expect("fits"), steps);
		assert!(Recipes::<T>::contains_key(0));
		Ok(())
	}

	/// A recipe of the most steps, none of its orders running.
	#[benchmark]
	fn remove_recipe() -> Result<(), BenchmarkError> {
		let m = maker::<T>()?;
		let steps: RecipeSteps = (0..MAX_RECIPE_STEPS)
			.map(|i| RecipeStep { capability: cap(b'a' + i as u8), params: params() })
			.collect::<alloc::vec::Vec<_>>()
			.try_into()
			.map_err(|_| BenchmarkError::Stop("steps"))?;
		let recipe = NextRecipeId::<T>::get();
		Pallet::<T>::register_recipe(
			RawOrigin::Signed(m.clone()).into(),
			vec![b'n'; 64].try_into().expect("fits"),
			steps,
		)
		.map_err(|_| BenchmarkError::Stop("register failed"))?;
		#[extrinsic_call]
		_(RawOrigin::Signed(m), recipe);
		assert!(!Recipes::<T>::contains_key(recipe));
		Ok(())
	}

	/// Creates the product and the first step's task, matched.
	#[benchmark]
	fn place_order() -> Result<(), BenchmarkError> {
		let m = maker::<T>()?;
		let recipe = recipe_for_order::<T>(&m)?;
		let task = NextTaskId::<T>::get();
		#[extrinsic_call]
		_(
			RawOrigin::Signed(m),
			recipe,
			product_type(),
			Default::default(),
			T::MinReward::get(),
			T::MaxDeadline::get(),
		);
		assert_eq!(TaskRecords::<T>::get(task).map(|t| t.state), Some(TaskState::Assigned));
		Ok(())
	}

	/// `n` assigned tasks on products expire: refunds, machines freed.
	#[benchmark]
	fn expire_tasks(n: Linear<0, { T::MaxTasksPerBlock::get() }>) -> Result<(), BenchmarkError> {
		let m = maker::<T>()?;
		machines::<T>(1);
		for _ in 0..n {
			auto_task::<T>(&m, 1)?;
			// More tasks than one requester may have live: the hook's cost does not depend on
			// who asked for them.
			LiveTasks::<T>::remove(&m);
		}
		let due = deadline::<T>();
		let looked;
		#[block]
		{
			looked = Pallet::<T>::expire_due(due);
		}
		assert_eq!(looked, n);
		Ok(())
	}

	/// `n` completed tasks settle: transfers from escrow.
	#[benchmark]
	fn settle_tasks(n: Linear<0, { T::MaxTasksPerBlock::get() }>) -> Result<(), BenchmarkError> {
		let m = maker::<T>()?;
		machines::<T>(1);
		for _ in 0..n {
			completed::<T>(&m)?;
			LiveTasks::<T>::remove(&m);
		}
		let due = frame_system::Pallet::<T>::block_number() + T::ChallengePeriod::get();
		let looked;
		#[block]
		{
			looked = Pallet::<T>::settle_due(due);
		}
		assert_eq!(looked, n);
		Ok(())
	}

	/// `n` waiting tasks are retried; each finds its machine.
	#[benchmark]
	fn retry_waiting(n: Linear<0, { T::MaxRetriesPerBlock::get() }>) -> Result<(), BenchmarkError> {
		let m = maker::<T>()?;
		for _ in 0..n {
			auto_task::<T>(&m, 1)?;
		}
		machines::<T>(1);
		let tried;
		#[block]
		{
			tried = Pallet::<T>::retry_waiting();
		}
		assert_eq!(tried, n);
		Ok(())
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::new_test_ext(), crate::mock::Test);
}
