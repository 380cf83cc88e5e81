//! A consortium member against another: what factory B may try on factory A's products, and the
//! refusal it meets. [`MANUFACTURER`] is factory A (owning [`MILL`] and [`OVEN`]);
//! [`FACTORY_B`] is a second manufacturer with a machine of its own.

use super::*;

/// Factory B, a manufacturer competing with factory A.
const FACTORY_B: u64 = 16;
/// Factory B's mill.
const MILL_B: u64 = 110;
/// Factory B's gateway (an authentication delegate of B's DID and of its mill's).
const GATEWAY_B: u64 = 210;
/// Factory A's gateway, an authentication delegate of A's DID.
const GATEWAY_A: u64 = 201;

fn with_factory_b() {
	MockActors::grant(FACTORY_B, Role::Manufacturer);
	MockMachines::add(MILL_B, FACTORY_B, &["mill"]);
	MockDid::add_gateway(FACTORY_B, GATEWAY_B);
	MockDid::add_gateway(MILL_B, GATEWAY_B);
	MockDid::add_gateway(MANUFACTURER, GATEWAY_A);
}

/// The attack: B recalls a tiny time range of its own machine, then records a step dated 1970
/// on A's product with that machine, so that the recall marks A's product for good. B may not
/// record on A's product at all — not itself, not its machine, not its gateway — and even A's
/// own steps cannot be backdated before the product existed.
#[test]
fn b_cannot_recall_as_products_through_a_backdated_step_on_its_own_machine() {
	new_test_ext().execute_with(|| {
		with_factory_b();
		let a_product = new_product(&[]);
		assert_ok!(Provenance::recall_machine_range(
			RuntimeOrigin::signed(FACTORY_B),
			MILL_B,
			0,
			1,
			reason("self-recall as a weapon")
		));
		let mut backdated = step(MILL_B, "mill", 0, 1_000);
		backdated.start = 0;
		backdated.end = 1;
		for who in [FACTORY_B, MILL_B, GATEWAY_B] {
			assert_noop!(
				Provenance::record_step(RuntimeOrigin::signed(who), a_product, backdated.clone()),
				Error::<Test>::NotAuthorized
			);
		}
		// A itself cannot date a step before its product was created either.
		next_block(1_000);
		let mut own_backdated = step(MILL, "mill", 0, 500);
		own_backdated.start = T0 - 1_000;
		assert_noop!(
			Provenance::record_step(RuntimeOrigin::signed(MANUFACTURER), a_product, own_backdated),
			Error::<Test>::StepBeforeCreation
		);
		next_block(1_000);
		assert_eq!(lifecycle(a_product), Lifecycle::InProduction, "A's product is not recalled");
		assert_eq!(Products::<Test>::get(a_product).unwrap().steps, 0);
	});
}

/// B cannot fill A's product's log with junk steps (up to `MaxSteps`, which would close it).
#[test]
fn b_cannot_fill_as_process_log() {
	new_test_ext().execute_with(|| {
		with_factory_b();
		let a_product = new_product(&[]);
		next_block(10_000);
		for who in [FACTORY_B, MILL_B, GATEWAY_B, STRANGER] {
			assert_noop!(
				Provenance::record_step(
					RuntimeOrigin::signed(who),
					a_product,
					step(MILL_B, "mill", 1_000, 2_000)
				),
				Error::<Test>::NotAuthorized
			);
		}
		assert_eq!(Products::<Test>::get(a_product).unwrap().steps, 0);
	});
}

/// A's own log takes only steps of A's machines: B's machine works on A's product through a
/// task (the tasks pallet records that step), never by A naming it in a step of its own.
#[test]
fn a_step_names_a_machine_the_custodian_put_to_work() {
	new_test_ext().execute_with(|| {
		with_factory_b();
		let a_product = new_product(&[]);
		next_block(10_000);
		assert_noop!(
			Provenance::record_step(
				RuntimeOrigin::signed(MANUFACTURER),
				a_product,
				step(MILL_B, "mill", 1_000, 2_000)
			),
			Error::<Test>::MachineNotPutToWork
		);
		assert_noop!(
			Provenance::record_step(
				RuntimeOrigin::signed(MANUFACTURER),
				a_product,
				step(999, "mill", 1_000, 2_000)
			),
			Error::<Test>::UnknownMachine
		);
		// The custodian and whoever acts for its DID (its gateway) record A's machines' steps.
		assert_ok!(Provenance::record_step(
			RuntimeOrigin::signed(GATEWAY_A),
			a_product,
			step(MILL, "mill", 1_000, 2_000)
		));
		assert_ok!(Provenance::record_step(
			RuntimeOrigin::signed(MANUFACTURER),
			a_product,
			step(OVEN, "fire", 2_000, 3_000)
		));
		assert_eq!(Products::<Test>::get(a_product).unwrap().steps, 2);
	});
}

/// A key that controlled a machine's DID once has no power once the DID was rotated to another
/// key, and nobody acts for a deactivated DID: the old key cannot attach an environment to the
/// machine's steps.
#[test]
fn an_old_machine_key_cannot_attach_an_environment() {
	new_test_ext().execute_with(|| {
		let product = new_product(&[]);
		next_block(10_000);
		record(product, step(MILL, "mill", 1_000, 2_000));
		MockEnvironment::anchor(MILL, T0, T0 + 5_000, [7; 32]);
		MockDid::set_controller(MILL, 555);
		assert_noop!(
			Provenance::attach_environment(RuntimeOrigin::signed(MILL), product, 0, MILL, T0),
			Error::<Test>::NotAuthorized
		);
		assert_ok!(Provenance::attach_environment(
			RuntimeOrigin::signed(555),
			product,
			0,
			MILL,
			T0
		));
	});
}

/// B tries to block recalls: it fills its machine's recalled ranges with tiny self-recalls and
/// the recall queue with its own jobs. B gets half of the ranges and one place in the queue
/// (`MaxQueuedRecallsPerCaller`); the recall origin still recalls, and its recall is walked
/// first. A wider range replaces the ones it covers, so nobody is stuck.
#[test]
fn b_cannot_block_the_consortiums_recalls() {
	new_test_ext().execute_with(|| {
		with_factory_b();
		let b = RuntimeOrigin::signed(FACTORY_B);
		let recall = |origin: RuntimeOrigin, from, to| {
			Provenance::recall_machine_range(origin, MILL_B, from, to, reason("r"))
		};
		assert_ok!(recall(b.clone(), 0, 1));
		// B's half of MILL_B's two ranges is used.
		assert_noop!(recall(b.clone(), 5, 6), Error::<Test>::TooManyRecallRanges);
		// B's one place in the queue is used: its lot recall waits.
		MockActors::grant(FACTORY_B, Role::Supplier);
		<Balances as frame_support::traits::fungible::Mutate<u64>>::set_balance(&FACTORY_B, 1_000);
		assert_ok!(Provenance::register_lot(b.clone(), text("B-1"), text("blank"), 10));
		let lot = NextLotId::<Test>::get() - 1;
		assert_noop!(
			Provenance::recall_lot(b.clone(), lot, reason("r")),
			Error::<Test>::RecallQueueFull
		);
		// The recall origin recalls on B's machine, and goes before B in the queue.
		assert_ok!(recall(RuntimeOrigin::root(), 10, 20));
		let queue: Vec<RecallId> = RecallQueue::<Test>::get().iter().map(|j| j.recall).collect();
		assert_eq!(queue, vec![1, 0]);
		assert_eq!(Recalls::<Test>::get(1).unwrap().by, None);
		// A range inside a recalled one adds nothing.
		next_block(6_000);
		assert_noop!(recall(RuntimeOrigin::root(), 12, 13), Error::<Test>::AlreadyRecalled);
		// B's wider range replaces both it covers; MILL_B keeps one range.
		assert_ok!(recall(b, 0, 100));
		let ranges: Vec<(u64, u64)> =
			MachineRecalls::<Test>::get(MILL_B).iter().map(|(_, f, t)| (*f, *t)).collect();
		assert_eq!(ranges, vec![(0, 100)]);
	});
}

/// A suspended manufacturer acts on no product in its custody — no step, no finish, no offer —
/// nor takes custody; reactivated, it may again.
#[test]
fn a_suspended_custodian_does_nothing_with_its_products() {
	new_test_ext().execute_with(|| {
		let product = new_product(&[]);
		let finished = finished_product();
		next_block(10_000);
		MockActors::suspend(MANUFACTURER);
		assert_noop!(
			Provenance::record_step(
				RuntimeOrigin::signed(MANUFACTURER),
				product,
				step(MILL, "mill", 1_000, 2_000)
			),
			Error::<Test>::NotActiveActor
		);
		assert_noop!(
			Provenance::finish(RuntimeOrigin::signed(MANUFACTURER), product),
			Error::<Test>::NotActiveActor
		);
		assert_noop!(
			Provenance::offer_custody(RuntimeOrigin::signed(MANUFACTURER), finished, CUSTOMER),
			Error::<Test>::NotActiveActor
		);
		MockActors::reactivate(MANUFACTURER);
		assert_ok!(Provenance::offer_custody(
			RuntimeOrigin::signed(MANUFACTURER),
			finished,
			CUSTOMER
		));
		// The receiver, suspended meanwhile, cannot take it.
		MockActors::suspend(CUSTOMER);
		assert_noop!(
			Provenance::accept_custody(RuntimeOrigin::signed(CUSTOMER), finished),
			Error::<Test>::NotActiveActor
		);
		MockActors::reactivate(CUSTOMER);
		assert_ok!(Provenance::accept_custody(RuntimeOrigin::signed(CUSTOMER), finished));
		record(product, step(MILL, "mill", 1_000, 2_000));
	});
}

/// A sold product's DID goes to its buyer when the buyer accepts custody: the seller can no
/// longer change or deactivate it.
#[test]
fn a_sold_products_did_goes_to_its_buyer() {
	new_test_ext().execute_with(|| {
		use twinchain_primitives::DidAuthority;
		let product = finished_product();
		assert_eq!(MockDid::controller(&product), MANUFACTURER);
		assert_ok!(Provenance::offer_custody(
			RuntimeOrigin::signed(MANUFACTURER),
			product,
			CUSTOMER
		));
		assert_eq!(MockDid::controller(&product), MANUFACTURER, "not before the buyer accepts");
		assert_ok!(Provenance::accept_custody(RuntimeOrigin::signed(CUSTOMER), product));
		assert_eq!(MockDid::controller(&product), CUSTOMER);
		assert!(!<MockDid as DidAuthority<u64>>::acts_for(&product, &MANUFACTURER));
		assert!(<MockDid as DidAuthority<u64>>::acts_for(&product, &CUSTOMER));
	});
}
