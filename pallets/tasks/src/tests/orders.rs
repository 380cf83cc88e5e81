//! Recipes and production orders that machines run to a finished product alone.

use super::*;
use codec::MaxEncodedLen;
use twinchain_primitives::Role;

#[test]
fn recipes_are_registered_by_manufacturers_with_a_deposit() {
	new_test_ext().execute_with(|| {
		let name: ShortText = b"fire and mill".to_vec().try_into().unwrap();
		assert_noop!(
			Tasks::register_recipe(
				RuntimeOrigin::signed(CUSTOMER),
				name.clone(),
				recipe(&[("mill", "")])
			),
			DispatchError::BadOrigin
		);
		assert_noop!(
			Tasks::register_recipe(RuntimeOrigin::signed(MAKER), name.clone(), recipe(&[])),
			Error::<Test>::EmptyRecipe
		);
		assert_ok!(Tasks::register_recipe(
			RuntimeOrigin::signed(MAKER),
			name,
			recipe(&[("fire", "{}"), ("mill", "{}")])
		));
		assert_eq!(last_event(), Event::RecipeRegistered { recipe: 0, manufacturer: MAKER });
		assert_eq!(Balances::balance_on_hold(&HoldReason::RecipeDeposit.into(), &MAKER), 50);
		assert_noop!(
			Tasks::place_order(
				RuntimeOrigin::signed(MAKER),
				7,
				workpiece(),
				Default::default(),
				10,
				20
			),
			Error::<Test>::UnknownRecipe
		);
		assert_noop!(
			Tasks::place_order(
				RuntimeOrigin::signed(MAKER),
				0,
				workpiece(),
				Default::default(),
				5,
				20
			),
			Error::<Test>::RewardTooLow
		);
		assert_noop!(
			Tasks::place_order(
				RuntimeOrigin::signed(MAKER),
				0,
				workpiece(),
				Default::default(),
				10,
				0
			),
			Error::<Test>::InvalidDeadline
		);
	});
}

/// Plays every machine: takes nothing, completes whatever it is assigned.
fn machines_complete_assigned() {
	let assigned: Vec<(TaskId, u64)> = TaskRecords::<Test>::iter()
		.filter(|(_, t)| t.state == TaskState::Assigned)
		.map(|(id, t)| (id, t.provider.unwrap()))
		.collect();
	for (id, machine) in assigned {
		assert_ok!(Tasks::start_task(RuntimeOrigin::signed(machine), id));
		assert_ok!(Tasks::complete_task(RuntimeOrigin::signed(machine), id, detail("ok"), [9; 32]));
	}
}

#[test]
fn an_order_runs_its_recipe_to_a_finished_product_with_machines_alone() {
	new_test_ext().execute_with(|| {
		MockMachines::add(104, OWNER_A, &["retrieve"]);
		MockMachines::add(105, OWNER_A, &["sort"]);
		assert_ok!(Tasks::register_recipe(
			RuntimeOrigin::signed(MAKER),
			b"line".to_vec().try_into().unwrap(),
			recipe(&[("retrieve", "A1"), ("fire", "220C"), ("mill", "2mm"), ("sort", "WHITE")])
		));
		assert_ok!(Tasks::place_order(
			RuntimeOrigin::signed(MAKER),
			0,
			workpiece(),
			Default::default(),
			25,
			20
		));
		let product = FIRST_PRODUCT;
		assert!(events().contains(&Event::OrderPlaced { order: 0, recipe: 0, product }));
		// Every step's reward is held from the start.
		assert_eq!(escrow(MAKER), 100);
		assert_eq!(TaskRecords::<Test>::get(0).unwrap().provider, Some(104));
		// From here on, only machines act.
		for _ in 0..4 {
			next_block();
			machines_complete_assigned();
		}
		assert!(events().contains(&Event::OrderFinished { order: 0, product }));
		let o = Orders::<Test>::get(0).unwrap();
		assert_eq!((o.state, o.remaining), (OrderState::Finished, 0));
		let story: Vec<(u64, Vec<u8>)> = MockProvenance::get(product)
			.steps
			.iter()
			.map(|s| (s.machine, s.capability.to_vec()))
			.collect();
		assert_eq!(
			story,
			vec![
				(104, b"retrieve".to_vec()),
				(OVEN, b"fire".to_vec()),
				(MILL1, b"mill".to_vec()),
				(105, b"sort".to_vec())
			]
		);
		assert!(!MockProvenance::get(product).in_production);
		// The rewards settle after the challenge period.
		run_to(20);
		assert_eq!(escrow(MAKER), 0);
		assert_eq!(Balances::total_balance(&MAKER), 10_000 - 100);
		// Retrieve, mill (MILL1 wins the tie with MILL2) and sort are A's; the kiln is B's.
		assert_eq!(Balances::balance(&OWNER_A), 175);
		assert_eq!(Balances::balance(&OWNER_B), 125);
	});
}

#[test]
fn an_order_stops_when_a_step_expires_and_refunds_the_rest() {
	new_test_ext().execute_with(|| {
		assert_ok!(Tasks::register_recipe(
			RuntimeOrigin::signed(MAKER),
			b"fire, mill".to_vec().try_into().unwrap(),
			recipe(&[("fire", ""), ("mill", "")])
		));
		assert_ok!(Tasks::place_order(
			RuntimeOrigin::signed(MAKER),
			0,
			workpiece(),
			Default::default(),
			30,
			3
		));
		assert_eq!(escrow(MAKER), 60);
		run_to(4);
		assert_eq!(state(0), TaskState::Expired);
		assert!(events().contains(&Event::OrderFailed { order: 0, step: 0 }));
		assert_eq!(Orders::<Test>::get(0).unwrap().state, OrderState::Failed);
		assert_eq!(escrow(MAKER), 0);
		assert_eq!(Balances::total_balance(&MAKER), 10_000);
	});
}

/// A factory's gateway is no manufacturer: it places orders only for the manufacturer that gave
/// it a budget, which holds the rewards and the product; all its orders together stay within the
/// budget; it confirms (or disputes) the steps of those orders; and the manufacturer withdraws
/// the budget, getting its deposit back.
#[test]
fn a_gateway_orders_for_its_manufacturer_within_a_budget() {
	new_test_ext().execute_with(|| {
		const FACTORY_GATEWAY: u64 = 300;
		assert_ok!(Tasks::register_recipe(
			RuntimeOrigin::signed(MAKER),
			b"mill".to_vec().try_into().unwrap(),
			recipe(&[("mill", "")])
		));
		let order = |who: u64, owner: u64| {
			Tasks::place_order_for(
				RuntimeOrigin::signed(who),
				owner,
				0,
				workpiece(),
				Default::default(),
				40,
				20,
			)
		};
		// No manufacturer role, no order of its own; no budget, no order for MAKER.
		assert_noop!(
			Tasks::place_order(
				RuntimeOrigin::signed(FACTORY_GATEWAY),
				0,
				workpiece(),
				Default::default(),
				40,
				20
			),
			DispatchError::BadOrigin
		);
		assert_noop!(order(FACTORY_GATEWAY, MAKER), Error::<Test>::NoOrderBudget);
		assert_noop!(
			Tasks::set_order_budget(RuntimeOrigin::signed(CUSTOMER), FACTORY_GATEWAY, Some(100)),
			DispatchError::BadOrigin
		);
		assert_ok!(Tasks::set_order_budget(
			RuntimeOrigin::signed(MAKER),
			FACTORY_GATEWAY,
			Some(100)
		));
		assert_eq!(Balances::balance_on_hold(&HoldReason::OrderBudget.into(), &MAKER), 5);
		// For a customer (not a manufacturer) nothing is ordered, budget or not.
		assert_noop!(order(FACTORY_GATEWAY, CUSTOMER), Error::<Test>::NotManufacturer);
		let first = NextTaskId::<Test>::get();
		assert_ok!(order(FACTORY_GATEWAY, MAKER));
		assert_ok!(order(FACTORY_GATEWAY, MAKER));
		assert_noop!(order(FACTORY_GATEWAY, MAKER), Error::<Test>::OverBudget);
		assert_eq!(OrderBudgets::<Test>::get(MAKER, FACTORY_GATEWAY).unwrap().remaining, 20);
		// MAKER holds the rewards and the products; the gateway pays nothing.
		let o = Orders::<Test>::get(0).unwrap();
		assert_eq!(o.requester, MAKER);
		assert_eq!(MockProvenance::get(o.product).custodian, MAKER);
		assert_eq!(escrow(MAKER), 80);
		assert_eq!(escrow(FACTORY_GATEWAY), 0);
		// The gateway confirms its orders' completed steps for MAKER, and no other task.
		let step = TaskRecords::<Test>::get(first).unwrap();
		let machine = step.provider.unwrap();
		assert_ok!(Tasks::complete_task(
			RuntimeOrigin::signed(machine),
			first,
			detail(""),
			[1; 32]
		));
		let other = mill_task(false);
		assert_ok!(Tasks::accept_task(RuntimeOrigin::signed(machine), other, machine));
		assert_ok!(Tasks::complete_task(
			RuntimeOrigin::signed(machine),
			other,
			detail(""),
			[1; 32]
		));
		assert_noop!(
			Tasks::confirm_task(RuntimeOrigin::signed(FACTORY_GATEWAY), other),
			Error::<Test>::NotRequester
		);
		assert_ok!(Tasks::confirm_task(RuntimeOrigin::signed(FACTORY_GATEWAY), first));
		assert_eq!(state(first), TaskState::Settled);
		// Withdrawn: no more orders; the deposit comes back.
		assert_ok!(Tasks::set_order_budget(RuntimeOrigin::signed(MAKER), FACTORY_GATEWAY, None));
		assert_eq!(Balances::balance_on_hold(&HoldReason::OrderBudget.into(), &MAKER), 0);
		assert_noop!(order(FACTORY_GATEWAY, MAKER), Error::<Test>::NoOrderBudget);
		assert_noop!(
			Tasks::set_order_budget(RuntimeOrigin::signed(MAKER), FACTORY_GATEWAY, None),
			Error::<Test>::NoOrderBudget
		);
		assert_eq!(Tasks::do_try_state(), Ok(()));
	});
}

/// A manufacturer removes its own recipe and gets its deposit back, but only once no running
/// order follows it — a competitor's order on it included — and no one else may remove it.
#[test]
fn a_recipe_is_removed_by_its_manufacturer_once_no_order_runs_it() {
	new_test_ext().execute_with(|| {
		MockActors::set(vec![
			(MAKER, Role::Manufacturer),
			(STRANGER, Role::Manufacturer),
			(OWNER_A, Role::Supplier),
			(OWNER_B, Role::Supplier),
		]);
		assert_ok!(Tasks::register_recipe(
			RuntimeOrigin::signed(MAKER),
			b"fire, mill".to_vec().try_into().unwrap(),
			recipe(&[("fire", ""), ("mill", "")])
		));
		assert_eq!(Balances::balance_on_hold(&HoldReason::RecipeDeposit.into(), &MAKER), 50);
		// A competitor orders on MAKER's recipe: while that order runs, the recipe stays.
		assert_ok!(Tasks::place_order(
			RuntimeOrigin::signed(STRANGER),
			0,
			workpiece(),
			Default::default(),
			30,
			3
		));
		assert_eq!(RecipeOrders::<Test>::get(0), 1);
		assert_noop!(
			Tasks::remove_recipe(RuntimeOrigin::signed(STRANGER), 0),
			Error::<Test>::NotRecipeOwner
		);
		assert_noop!(
			Tasks::remove_recipe(RuntimeOrigin::signed(MAKER), 0),
			Error::<Test>::RecipeInUse
		);
		assert_noop!(
			Tasks::remove_recipe(RuntimeOrigin::signed(MAKER), 7),
			Error::<Test>::UnknownRecipe
		);
		// The order's first step expires: the order fails and no longer holds the recipe.
		run_to(4);
		assert_eq!(Orders::<Test>::get(0).unwrap().state, OrderState::Failed);
		assert!(!RecipeOrders::<Test>::contains_key(0));
		assert_ok!(Tasks::remove_recipe(RuntimeOrigin::signed(MAKER), 0));
		assert_eq!(last_event(), Event::RecipeRemoved { recipe: 0, manufacturer: MAKER });
		assert_eq!(Balances::balance_on_hold(&HoldReason::RecipeDeposit.into(), &MAKER), 0);
		assert!(!Recipes::<Test>::contains_key(0));
		// The failed order keeps the recipe's id; no new order can name it.
		assert_eq!(Orders::<Test>::get(0).unwrap().recipe, 0);
		assert_noop!(
			Tasks::place_order(
				RuntimeOrigin::signed(STRANGER),
				0,
				workpiece(),
				Default::default(),
				30,
				3
			),
			Error::<Test>::UnknownRecipe
		);
		assert_noop!(
			Tasks::remove_recipe(RuntimeOrigin::signed(MAKER), 0),
			Error::<Test>::UnknownRecipe
		);
		Tasks::do_try_state().unwrap();
	});
}

/// A gateway's budget pays for all that an order can hold from its manufacturer, deposits
/// included: a rogue gateway cannot lock more of the manufacturer's funds than it was given.
#[test]
fn an_order_budget_pays_for_the_deposits_an_order_holds_too() {
	new_test_ext().execute_with(|| {
		const FACTORY_GATEWAY: u64 = 300;
		RecordBase::set(5);
		RecordPerByte::set(1);
		assert_ok!(Tasks::register_recipe(
			RuntimeOrigin::signed(MAKER),
			b"mill".to_vec().try_into().unwrap(),
			recipe(&[("mill", ""), ("mill", "")])
		));
		let recipe_id = NextRecipeId::<Test>::get() - 1;
		let order = || {
			Tasks::place_order_for(
				RuntimeOrigin::signed(FACTORY_GATEWAY),
				MAKER,
				recipe_id,
				workpiece(),
				Default::default(),
				40,
				20,
			)
		};
		assert_ok!(Tasks::set_order_budget(
			RuntimeOrigin::signed(MAKER),
			FACTORY_GATEWAY,
			Some(1_000)
		));
		let (order_id, first) = (NextOrderId::<Test>::get(), NextTaskId::<Test>::get());
		assert_ok!(order());
		let order_deposit = OrderDeposits::<Test>::get(order_id).unwrap();
		let task_deposit = TaskDeposits::<Test>::get(first).unwrap();
		assert!(order_deposit > 0 && task_deposit > 0);
		let remaining = OrderBudgets::<Test>::get(MAKER, FACTORY_GATEWAY).unwrap().remaining;
		// Two rewards, the order's and the first step's deposits, and the most the second
		// step's deposit can be.
		let second_step = 5 + TaskOf::<Test>::max_encoded_len() as Balance;
		assert_eq!(1_000 - remaining, 80 + order_deposit + task_deposit + second_step);
		// A budget that covers the rewards and all but the last step's deposit places nothing.
		assert_ok!(Tasks::set_order_budget(
			RuntimeOrigin::signed(MAKER),
			FACTORY_GATEWAY,
			Some(80 + order_deposit + task_deposit)
		));
		let next = NextOrderId::<Test>::get();
		assert_noop!(order(), Error::<Test>::OverBudget);
		assert_eq!(NextOrderId::<Test>::get(), next);
	});
}
