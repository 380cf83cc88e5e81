//! Unit tests of the provenance pallet: every call and every failure, recalls walked over
//! several blocks.

use crate::{mock::*, *};
use frame_support::{
	assert_noop, assert_ok,
	traits::{fungible::InspectHold, Get},
	weights::Weight,
};
use pallet_actors::{Role, RoleProvider};
use pallet_credentials::CapabilityError;
use pallet_machines::{MachineRegistry, MachineStatus};
use pallet_test_utils::refusal;
use rand::{rngs::StdRng, seq::SliceRandom, Rng, SeedableRng};
use sp_runtime::{DispatchError, DispatchResult};
use std::collections::{BTreeMap, BTreeSet};

fn text(s: &str) -> ShortText {
	s.as_bytes().to_vec().try_into().unwrap()
}

fn reason(s: &str) -> Reason {
	s.as_bytes().to_vec().try_into().unwrap()
}

fn cap(s: &str) -> CapabilityKey {
	s.as_bytes().to_vec().try_into().unwrap()
}

fn workpiece(colour: Colour, tag: Option<&str>) -> ProductType {
	ProductType {
		kind: text("workpiece"),
		colour: Some(colour),
		tag: tag.map(|t| t.as_bytes().to_vec().try_into().unwrap()),
	}
}

fn lots(ids: &[LotId]) -> crate::LotList {
	ids.to_vec().try_into().unwrap()
}

fn events() -> Vec<Event<Test>> {
	pallet_test_utils::events::<Test, _>()
}

fn last_event() -> Event<Test> {
	events().pop().expect("an event")
}

fn new_lot() -> LotId {
	assert_ok!(Provenance::register_lot(
		RuntimeOrigin::signed(SUPPLIER),
		text("L-2026-11"),
		text("workpiece blank"),
		100
	));
	match last_event() {
		Event::LotRegistered { lot, .. } => lot,
		e => panic!("unexpected {e:?}"),
	}
}

fn new_product(lot_ids: &[LotId]) -> u64 {
	assert_ok!(Provenance::create_product(
		RuntimeOrigin::signed(MANUFACTURER),
		workpiece(Colour::Red, None),
		lots(lot_ids)
	));
	match last_event() {
		Event::ProductCreated { product, .. } => product,
		e => panic!("unexpected {e:?}"),
	}
}

/// A step on `machine` from `start` to `end` (ms after T0).
fn step(machine: u64, capability: &str, start: u64, end: u64) -> StepInput<u64> {
	StepInput {
		capability: cap(capability),
		machine,
		task: Some(7),
		start: T0 + start,
		end: T0 + end,
		params: b"{\"speed\":3}".to_vec().try_into().unwrap(),
		result: StepResult::Ok(Default::default()),
		environment: None,
	}
}

fn record(product: u64, s: StepInput<u64>) {
	assert_ok!(Provenance::record_step(RuntimeOrigin::signed(MANUFACTURER), product, s));
}

fn lifecycle(product: u64) -> Lifecycle {
	Products::<Test>::get(product).unwrap().lifecycle
}

fn finished_product() -> u64 {
	let p = new_product(&[]);
	assert_ok!(Provenance::finish(RuntimeOrigin::signed(MANUFACTURER), p));
	p
}

#[test]
fn suppliers_register_lots_with_a_deposit() {
	new_test_ext().execute_with(|| {
		assert_noop!(
			Provenance::register_lot(RuntimeOrigin::signed(MANUFACTURER), text("x"), text("y"), 1),
			DispatchError::BadOrigin
		);
		assert_eq!(new_lot(), 0);
		assert_eq!(new_lot(), 1);
		let lot = Lots::<Test>::get(1).unwrap();
		assert_eq!((lot.supplier, lot.quantity, lot.used_by), (SUPPLIER, 100, 0));
		assert_eq!(lot.reference.to_vec(), b"L-2026-11".to_vec());
		assert_eq!(Balances::balance_on_hold(&HoldReason::LotDeposit.into(), &SUPPLIER), 10);
	});
}

#[test]
fn manufacturers_create_products_with_dids_types_and_lots() {
	new_test_ext().execute_with(|| {
		let l0 = new_lot();
		let l1 = new_lot();
		assert_noop!(
			Provenance::create_product(
				RuntimeOrigin::signed(SUPPLIER),
				workpiece(Colour::White, None),
				lots(&[])
			),
			DispatchError::BadOrigin
		);
		assert_noop!(
			Provenance::create_product(
				RuntimeOrigin::signed(MANUFACTURER),
				workpiece(Colour::White, None),
				lots(&[l0, 9])
			),
			Error::<Test>::UnknownLot
		);
		assert_noop!(
			Provenance::create_product(
				RuntimeOrigin::signed(MANUFACTURER),
				workpiece(Colour::White, None),
				lots(&[l0, l1, l0])
			),
			Error::<Test>::DuplicateLot
		);
		assert_ok!(Provenance::create_product(
			RuntimeOrigin::signed(MANUFACTURER),
			workpiece(Colour::Blue, Some("04a1b2c3d4e5f6")),
			lots(&[l0, l1])
		));
		assert_eq!(
			last_event(),
			Event::ProductCreated { product: FIRST_PRODUCT, manufacturer: MANUFACTURER }
		);
		let p = Products::<Test>::get(FIRST_PRODUCT).unwrap();
		assert_eq!((p.manufacturer, p.custodian), (MANUFACTURER, MANUFACTURER));
		assert_eq!(p.lifecycle, Lifecycle::InProduction);
		assert_eq!(p.product_type.colour, Some(Colour::Blue));
		assert_eq!(p.lots.to_vec(), vec![l0, l1]);
		assert_eq!(Lots::<Test>::get(l0).unwrap().used_by, 1);
		assert!(LotProducts::<Test>::contains_key(l1, FIRST_PRODUCT));
		let tag: TagId = b"04a1b2c3d4e5f6".to_vec().try_into().unwrap();
		assert_eq!(ProductByTag::<Test>::get(&tag), Some(FIRST_PRODUCT));
		assert_eq!(
			Balances::balance_on_hold(&HoldReason::ProductDeposit.into(), &MANUFACTURER),
			10
		);
		assert_noop!(
			Provenance::create_product(
				RuntimeOrigin::signed(MANUFACTURER),
				workpiece(Colour::Red, Some("04a1b2c3d4e5f6")),
				lots(&[])
			),
			Error::<Test>::TagInUse
		);
		assert_eq!(Provenance::lot_products(l0, None, 10), Some(vec![FIRST_PRODUCT]));
		assert_eq!(Provenance::lot_products(9, None, 10), None);
	});
}

#[test]
fn custodians_machines_and_gateways_record_steps() {
	new_test_ext().execute_with(|| {
		let p = new_product(&[]);
		next_block(60_000);
		record(p, step(MILL, "mill", 1_000, 20_000));
		assert_eq!(
			last_event(),
			Event::StepRecorded {
				product: p,
				index: 0,
				machine: MILL,
				capability: cap("mill"),
				task: Some(7)
			}
		);
		assert_ok!(Provenance::record_step(
			RuntimeOrigin::signed(OVEN),
			p,
			step(OVEN, "fire", 21_000, 30_000)
		));
		MockDid::add_gateway(MILL, GATEWAY);
		assert_ok!(Provenance::record_step(
			RuntimeOrigin::signed(GATEWAY),
			p,
			step(MILL, "mill", 31_000, 40_000)
		));
		// The mill's gateway does not speak for the oven; strangers for nobody.
		assert_noop!(
			Provenance::record_step(
				RuntimeOrigin::signed(GATEWAY),
				p,
				step(OVEN, "fire", 41_000, 42_000)
			),
			Error::<Test>::NotAuthorized
		);
		assert_noop!(
			Provenance::record_step(
				RuntimeOrigin::signed(STRANGER),
				p,
				step(MILL, "mill", 41_000, 42_000)
			),
			Error::<Test>::NotAuthorized
		);
		let s = Steps::<Test>::get(p, 2).unwrap();
		assert_eq!((s.recorder, s.input.machine, s.recorded.block), (GATEWAY, MILL, 2));
		assert_eq!(Products::<Test>::get(p).unwrap().steps, 3);
		assert_noop!(
			Provenance::record_step(
				RuntimeOrigin::signed(MANUFACTURER),
				4242,
				step(MILL, "mill", 0, 1)
			),
			Error::<Test>::UnknownProduct
		);
	});
}

#[test]
fn steps_need_a_capable_machine_and_sane_times() {
	new_test_ext().execute_with(|| {
		let p = new_product(&[]);
		next_block(7_200_000);
		let refused = |s: StepInput<u64>, e: Error<Test>| {
			assert_noop!(Provenance::record_step(RuntimeOrigin::signed(MANUFACTURER), p, s), e);
		};
		refused(step(555, "mill", 0, 1), Error::<Test>::UnknownMachine);
		refused(step(OVEN, "mill", 0, 1), Error::<Test>::CapabilityNotValid);
		refused(step(MILL, "mill", 10, 5), Error::<Test>::InvalidTimes);
		refused(step(MILL, "mill", 10, 7_300_000), Error::<Test>::InvalidTimes);
		refused(step(MILL, "mill", 0, 3_600_001), Error::<Test>::StepTooLong);
		// A credential that stops being valid takes the capability with it.
		MockMachines::invalidate(MILL, "mill");
		refused(step(MILL, "mill", 0, 1), Error::<Test>::CapabilityNotValid);
		MockMachines::set_status(OVEN, MachineStatus::Retired);
		refused(step(OVEN, "fire", 0, 1), Error::<Test>::MachineRetired);
	});
}

#[test]
fn the_log_is_bounded_and_closes_when_finished() {
	new_test_ext().execute_with(|| {
		let p = new_product(&[]);
		next_block(60_000);
		for i in 0..5 {
			record(p, step(MILL, "mill", i * 100, i * 100 + 50));
		}
		assert_noop!(
			Provenance::record_step(
				RuntimeOrigin::signed(MANUFACTURER),
				p,
				step(MILL, "mill", 900, 950)
			),
			Error::<Test>::TooManySteps
		);
		let q = new_product(&[]);
		assert_noop!(
			Provenance::finish(RuntimeOrigin::signed(STRANGER), q),
			Error::<Test>::NotCustodian
		);
		assert_ok!(Provenance::finish(RuntimeOrigin::signed(MANUFACTURER), q));
		assert_eq!(last_event(), Event::ProductFinished { product: q });
		assert_eq!(lifecycle(q), Lifecycle::Finished);
		assert_noop!(
			Provenance::finish(RuntimeOrigin::signed(MANUFACTURER), q),
			Error::<Test>::AlreadyFinished
		);
		assert_noop!(
			Provenance::record_step(
				RuntimeOrigin::signed(MANUFACTURER),
				q,
				step(MILL, "mill", 0, 10)
			),
			Error::<Test>::NotInProduction
		);
	});
}

#[test]
fn environments_are_anchored_windows_overlapping_the_step_attached_once() {
	new_test_ext().execute_with(|| {
		let p = new_product(&[]);
		next_block(60_000);
		record(p, step(MILL, "mill", 10_000, 20_000));
		const ENV: u64 = 300;
		let attach = |who, index, start| {
			Provenance::attach_environment(RuntimeOrigin::signed(who), p, index, ENV, T0 + start)
		};
		MockEnvironment::anchor(ENV, T0, T0 + 10_000, [1; 32]);
		MockEnvironment::anchor(ENV, T0 + 15_000, T0 + 25_000, [2; 32]);
		assert_noop!(attach(OVEN, 0, 15_000), Error::<Test>::NotAuthorized);
		assert_noop!(attach(MILL, 1, 15_000), Error::<Test>::UnknownStep);
		assert_noop!(attach(MILL, 0, 5_000), Error::<Test>::EnvironmentNotAnchored);
		// [T0, T0+10 s) ends where the step starts: no overlap.
		assert_noop!(attach(MILL, 0, 0), Error::<Test>::EnvironmentNotCovering);
		assert_ok!(attach(MILL, 0, 15_000));
		assert_eq!(
			last_event(),
			Event::EnvironmentAttached {
				product: p,
				index: 0,
				sensor: ENV,
				start: T0 + 15_000,
				root: [2; 32]
			}
		);
		assert_eq!(
			Steps::<Test>::get(p, 0).unwrap().input.environment,
			Some(EnvironmentRef { sensor: ENV, start: T0 + 15_000, root: [2; 32] })
		);
		assert_noop!(attach(MANUFACTURER, 0, 15_000), Error::<Test>::EnvironmentSet);

		// Given with the step, it is checked the same way, root included.
		let with_env = |root, start| StepInput {
			environment: Some(EnvironmentRef { sensor: ENV, start: T0 + start, root }),
			..step(MILL, "mill", 10_000, 20_000)
		};
		let rec = |s| Provenance::record_step(RuntimeOrigin::signed(MANUFACTURER), p, s);
		assert_noop!(rec(with_env([9; 32], 15_000)), Error::<Test>::EnvironmentNotAnchored);
		assert_noop!(rec(with_env([1; 32], 0)), Error::<Test>::EnvironmentNotCovering);
		assert_ok!(rec(with_env([2; 32], 15_000)));
	});
}

#[test]
fn finished_products_are_built_into_products_in_production() {
	new_test_ext().execute_with(|| {
		let parent = new_product(&[]);
		let part = new_product(&[]);
		assert_noop!(
			Provenance::add_component(RuntimeOrigin::signed(MANUFACTURER), parent, parent),
			Error::<Test>::SelfComponent
		);
		assert_noop!(
			Provenance::add_component(RuntimeOrigin::signed(MANUFACTURER), parent, part),
			Error::<Test>::ComponentNotFinished
		);
		assert_ok!(Provenance::finish(RuntimeOrigin::signed(MANUFACTURER), part));
		assert_noop!(
			Provenance::add_component(RuntimeOrigin::signed(STRANGER), parent, part),
			Error::<Test>::NotCustodian
		);
		// A finished product takes no components: no cycles.
		assert_noop!(
			Provenance::add_component(RuntimeOrigin::signed(MANUFACTURER), part, parent),
			Error::<Test>::NotInProduction
		);
		assert_ok!(Provenance::add_component(RuntimeOrigin::signed(MANUFACTURER), parent, part));
		assert_eq!(last_event(), Event::ComponentAdded { parent, component: part });
		assert_eq!(Products::<Test>::get(part).unwrap().parent, Some(parent));
		let other = new_product(&[]);
		assert_noop!(
			Provenance::add_component(RuntimeOrigin::signed(MANUFACTURER), other, part),
			Error::<Test>::PartOfAssembly
		);
		assert_noop!(
			Provenance::offer_custody(RuntimeOrigin::signed(MANUFACTURER), part, CUSTOMER),
			Error::<Test>::PartOfAssembly
		);
		let second = finished_product();
		assert_ok!(Provenance::add_component(RuntimeOrigin::signed(MANUFACTURER), parent, second));
		let third = finished_product();
		assert_noop!(
			Provenance::add_component(RuntimeOrigin::signed(MANUFACTURER), parent, third),
			Error::<Test>::TooManyComponents
		);
		let trace = Provenance::trace(&parent, 0, 10).unwrap();
		let mut components = trace.components;
		components.sort();
		assert_eq!(components, vec![part, second]);
	});
}

#[test]
fn custody_moves_only_when_a_registered_receiver_accepts() {
	new_test_ext().execute_with(|| {
		let p = finished_product();
		assert_noop!(
			Provenance::offer_custody(RuntimeOrigin::signed(MANUFACTURER), p, STRANGER),
			Error::<Test>::ReceiverNotActor
		);
		assert_noop!(
			Provenance::offer_custody(RuntimeOrigin::signed(MANUFACTURER), p, MANUFACTURER),
			Error::<Test>::SelfTransfer
		);
		assert_noop!(
			Provenance::offer_custody(RuntimeOrigin::signed(CUSTOMER), p, SUPPLIER),
			Error::<Test>::NotCustodian
		);
		assert_noop!(
			Provenance::accept_custody(RuntimeOrigin::signed(CUSTOMER), p),
			Error::<Test>::NoOffer
		);
		assert_ok!(Provenance::offer_custody(RuntimeOrigin::signed(MANUFACTURER), p, CUSTOMER));
		assert_eq!(
			last_event(),
			Event::CustodyOffered { product: p, from: MANUFACTURER, to: CUSTOMER }
		);
		assert_eq!(lifecycle(p), Lifecycle::Shipped);
		assert_noop!(
			Provenance::offer_custody(RuntimeOrigin::signed(MANUFACTURER), p, SUPPLIER),
			Error::<Test>::OfferPending
		);
		// The offer can be withdrawn, and the product is finished again.
		assert_ok!(Provenance::withdraw_offer(RuntimeOrigin::signed(MANUFACTURER), p));
		assert_eq!(lifecycle(p), Lifecycle::Finished);
		assert_noop!(
			Provenance::withdraw_offer(RuntimeOrigin::signed(MANUFACTURER), p),
			Error::<Test>::NoOffer
		);
		assert_ok!(Provenance::offer_custody(RuntimeOrigin::signed(MANUFACTURER), p, CUSTOMER));
		assert_noop!(
			Provenance::accept_custody(RuntimeOrigin::signed(SUPPLIER), p),
			Error::<Test>::NotReceiver
		);
		next_block(1_000);
		assert_ok!(Provenance::accept_custody(RuntimeOrigin::signed(CUSTOMER), p));
		assert_eq!(
			last_event(),
			Event::CustodyTransferred { product: p, from: MANUFACTURER, to: CUSTOMER }
		);
		let product = Products::<Test>::get(p).unwrap();
		assert_eq!(
			(product.custodian, product.lifecycle, product.transfers),
			(CUSTOMER, Lifecycle::Delivered, 1)
		);
		let t = Custody::<Test>::get(p, 0).unwrap();
		assert_eq!((t.from, t.to, t.at.block), (MANUFACTURER, CUSTOMER, 2));
		// Back and forth until the bound.
		assert_ok!(Provenance::offer_custody(RuntimeOrigin::signed(CUSTOMER), p, MANUFACTURER));
		assert_ok!(Provenance::accept_custody(RuntimeOrigin::signed(MANUFACTURER), p));
		assert_ok!(Provenance::offer_custody(RuntimeOrigin::signed(MANUFACTURER), p, CUSTOMER));
		assert_ok!(Provenance::accept_custody(RuntimeOrigin::signed(CUSTOMER), p));
		assert_noop!(
			Provenance::offer_custody(RuntimeOrigin::signed(CUSTOMER), p, MANUFACTURER),
			Error::<Test>::TooManyTransfers
		);
		let custody = Provenance::trace(&p, 0, 0).unwrap().custody;
		assert_eq!(
			custody.iter().map(|t| (t.from, t.to)).collect::<Vec<_>>(),
			vec![(MANUFACTURER, CUSTOMER), (CUSTOMER, MANUFACTURER), (MANUFACTURER, CUSTOMER)]
		);
	});
}

/// Found by the random call sequences: a product offered while in production and finished
/// before the offer was withdrawn went back into production with the withdrawal.
#[test]
fn withdrawing_an_offer_never_takes_a_finished_product_back_into_production() {
	new_test_ext().execute_with(|| {
		let p = new_product(&[]);
		assert_ok!(Provenance::offer_custody(RuntimeOrigin::signed(MANUFACTURER), p, CUSTOMER));
		assert_eq!(lifecycle(p), Lifecycle::InProduction);
		assert_ok!(Provenance::finish(RuntimeOrigin::signed(MANUFACTURER), p));
		assert_ok!(Provenance::withdraw_offer(RuntimeOrigin::signed(MANUFACTURER), p));
		assert_eq!(lifecycle(p), Lifecycle::Finished);
		next_block(60_000);
		assert_noop!(
			Provenance::record_step(
				RuntimeOrigin::signed(MANUFACTURER),
				p,
				step(MILL, "mill", 0, 10)
			),
			Error::<Test>::NotInProduction
		);
		// Withdrawn while still in production, it stays in production.
		let q = new_product(&[]);
		assert_ok!(Provenance::offer_custody(RuntimeOrigin::signed(MANUFACTURER), q, CUSTOMER));
		assert_ok!(Provenance::withdraw_offer(RuntimeOrigin::signed(MANUFACTURER), q));
		assert_eq!(lifecycle(q), Lifecycle::InProduction);
	});
}

#[test]
fn quality_credentials_are_attached_and_traced_with_their_live_state() {
	new_test_ext().execute_with(|| {
		let p = finished_product();
		let good = MockCredentials::anchor(1, p, CERTIFIER);
		let other = MockCredentials::anchor(2, MILL, CERTIFIER);
		assert_noop!(
			Provenance::attach_credential(RuntimeOrigin::signed(MANUFACTURER), p, [9; 32]),
			Error::<Test>::CredentialUnknown
		);
		assert_noop!(
			Provenance::attach_credential(RuntimeOrigin::signed(MANUFACTURER), p, other),
			Error::<Test>::CredentialNotForProduct
		);
		assert_noop!(
			Provenance::attach_credential(RuntimeOrigin::signed(STRANGER), p, good),
			Error::<Test>::NotCustodian
		);
		for (d, e, expected) in [
			(3, CapabilityError::Revoked, Error::<Test>::CredentialRevoked),
			(4, CapabilityError::Suspended, Error::<Test>::CredentialSuspended),
			(5, CapabilityError::OutsideValidity, Error::<Test>::CredentialNotValidNow),
		] {
			let digest = MockCredentials::anchor(d, p, CERTIFIER);
			MockCredentials::fail(d, e);
			assert_noop!(
				Provenance::attach_credential(RuntimeOrigin::signed(MANUFACTURER), p, digest),
				expected
			);
		}
		// The issuer may attach it as well as the custodian.
		assert_ok!(Provenance::attach_credential(RuntimeOrigin::signed(CERTIFIER), p, good));
		assert_eq!(last_event(), Event::CredentialAttached { product: p, credential: good });
		assert_noop!(
			Provenance::attach_credential(RuntimeOrigin::signed(MANUFACTURER), p, good),
			Error::<Test>::CredentialAttached
		);
		let second = MockCredentials::anchor(6, p, CERTIFIER);
		assert_ok!(Provenance::attach_credential(RuntimeOrigin::signed(MANUFACTURER), p, second));
		let third = MockCredentials::anchor(7, p, CERTIFIER);
		assert_noop!(
			Provenance::attach_credential(RuntimeOrigin::signed(MANUFACTURER), p, third),
			Error::<Test>::TooManyCredentials
		);
		let state = |digest: Digest| {
			Provenance::trace(&p, 0, 0)
				.unwrap()
				.credentials
				.into_iter()
				.find(|(d, _, _)| *d == digest)
				.map(|(_, a, s)| (a.issuer, s))
				.unwrap()
		};
		assert_eq!(state(good), (CERTIFIER, CredentialState::Valid));
		MockCredentials::fail(1, CapabilityError::Revoked);
		assert_eq!(state(good), (CERTIFIER, CredentialState::Revoked));
	});
}

#[test]
fn a_lot_recall_reaches_every_product_and_assembly_over_several_blocks() {
	new_test_ext().execute_with(|| {
		let bad = new_lot();
		let good = new_lot();
		let affected: Vec<u64> = (0..4).map(|_| new_product(&[bad])).collect();
		let unaffected = new_product(&[good]);
		// One affected product is built into an assembly, itself built into another.
		let part = affected[0];
		assert_ok!(Provenance::finish(RuntimeOrigin::signed(MANUFACTURER), part));
		let assembly = new_product(&[good]);
		assert_ok!(Provenance::add_component(RuntimeOrigin::signed(MANUFACTURER), assembly, part));
		assert_ok!(Provenance::finish(RuntimeOrigin::signed(MANUFACTURER), assembly));
		let machine = new_product(&[]);
		assert_ok!(Provenance::add_component(
			RuntimeOrigin::signed(MANUFACTURER),
			machine,
			assembly
		));

		assert_noop!(
			Provenance::recall_lot(RuntimeOrigin::signed(MANUFACTURER), bad, reason("x")),
			Error::<Test>::NotAllowedToRecall
		);
		assert_noop!(
			Provenance::recall_lot(RuntimeOrigin::signed(SUPPLIER), 77, reason("x")),
			Error::<Test>::UnknownLot
		);
		assert_ok!(Provenance::recall_lot(
			RuntimeOrigin::signed(SUPPLIER),
			bad,
			reason("contaminated")
		));
		assert_eq!(last_event(), Event::LotRecalled { lot: bad, recall: 0 });
		assert_noop!(
			Provenance::recall_lot(RuntimeOrigin::root(), bad, reason("again")),
			Error::<Test>::AlreadyRecalled
		);
		// A recalled lot cannot be used.
		assert_noop!(
			Provenance::create_product(
				RuntimeOrigin::signed(MANUFACTURER),
				workpiece(Colour::White, None),
				lots(&[bad])
			),
			Error::<Test>::LotRecalled
		);
		// Three entries per block: 4 products + 2 parents + the end of the walk.
		let recalled = || {
			events()
				.into_iter()
				.filter(|e| matches!(e, Event::ProductRecalled { .. }))
				.count()
		};
		next_block(6_000);
		assert_eq!(recalled(), 3);
		assert!(!Recalls::<Test>::get(0).unwrap().complete);
		next_block(6_000);
		assert_eq!(recalled(), 6);
		assert!(!Recalls::<Test>::get(0).unwrap().complete);
		next_block(6_000);
		assert_eq!(last_event(), Event::RecallCompleted { recall: 0, affected: 6 });
		assert_eq!(recalled(), 6);
		for p in affected.iter().chain([&assembly, &machine]) {
			assert_eq!(lifecycle(*p), Lifecycle::Recalled, "product {p}");
			assert_eq!(Products::<Test>::get(p).unwrap().recall, Some(0));
		}
		assert_eq!(lifecycle(unaffected), Lifecycle::InProduction);
		assert!(RecallQueue::<Test>::get().is_empty());
		let trace = Provenance::trace(&machine, 0, 0).unwrap();
		assert_eq!(
			trace.recall.map(|(id, r)| (id, r.scope, r.by)),
			Some((0, RecallScope::Lot(bad), Some(SUPPLIER)))
		);
	});
}

#[test]
fn recalls_queue_up_to_the_bound() {
	new_test_ext().execute_with(|| {
		let lots: Vec<LotId> = (0..3).map(|_| new_lot()).collect();
		assert_ok!(Provenance::recall_lot(RuntimeOrigin::root(), lots[0], reason("a")));
		assert_ok!(Provenance::recall_lot(RuntimeOrigin::root(), lots[1], reason("b")));
		assert_noop!(
			Provenance::recall_lot(RuntimeOrigin::root(), lots[2], reason("c")),
			Error::<Test>::RecallQueueFull
		);
		next_block(6_000);
		assert_ok!(Provenance::recall_lot(RuntimeOrigin::root(), lots[2], reason("c")));
		assert_eq!(Recalls::<Test>::get(2).unwrap().by, None);
	});
}

#[test]
fn a_machine_range_recall_reaches_exactly_the_overlapping_steps() {
	new_test_ext().execute_with(|| {
		let before = new_product(&[]);
		let straddling = new_product(&[]);
		let inside = new_product(&[]);
		let after = new_product(&[]);
		let elsewhere = new_product(&[]);
		next_block(10_000_000);
		record(before, step(MILL, "mill", 0, 100_000));
		record(straddling, step(MILL, "mill", 150_000, 250_000));
		record(inside, step(MILL, "mill", 300_000, 350_000));
		record(inside, step(OVEN, "fire", 360_000, 370_000));
		record(after, step(MILL, "mill", 600_000, 700_000));
		record(elsewhere, step(OVEN, "fire", 300_000, 350_000));

		let (from, to) = (T0 + 200_000, T0 + 500_000);
		assert_noop!(
			Provenance::recall_machine_range(
				RuntimeOrigin::signed(STRANGER),
				MILL,
				from,
				to,
				reason("x")
			),
			Error::<Test>::NotAllowedToRecall
		);
		assert_noop!(
			Provenance::recall_machine_range(RuntimeOrigin::root(), 555, from, to, reason("x")),
			Error::<Test>::UnknownMachine
		);
		assert_noop!(
			Provenance::recall_machine_range(RuntimeOrigin::root(), MILL, to, from, reason("x")),
			Error::<Test>::InvalidRange
		);
		assert_ok!(Provenance::recall_machine_range(
			RuntimeOrigin::signed(MANUFACTURER),
			MILL,
			from,
			to,
			reason("spindle out of tolerance")
		));
		assert_eq!(
			last_event(),
			Event::MachineRangeRecalled { machine: MILL, from, to, recall: 0 }
		);
		for _ in 0..3 {
			next_block(6_000);
		}
		assert!(Recalls::<Test>::get(0).unwrap().complete);
		assert_eq!(lifecycle(straddling), Lifecycle::Recalled);
		assert_eq!(lifecycle(inside), Lifecycle::Recalled);
		for p in [before, after, elsewhere] {
			assert_eq!(lifecycle(p), Lifecycle::InProduction, "product {p}");
		}
		assert_eq!(Recalls::<Test>::get(0).unwrap().affected, 2);

		// A step reported later that overlaps the range is caught when recorded.
		let late = new_product(&[]);
		record(late, step(MILL, "mill", 450_000, 460_000));
		assert_eq!(last_event(), Event::ProductRecalled { product: late, recall: 0 });
		assert_eq!(lifecycle(late), Lifecycle::Recalled);

		assert_ok!(Provenance::recall_machine_range(
			RuntimeOrigin::root(),
			MILL,
			1,
			2,
			reason("b")
		));
		assert_noop!(
			Provenance::recall_machine_range(RuntimeOrigin::root(), MILL, 3, 4, reason("c")),
			Error::<Test>::TooManyRecallRanges
		);
	});
}

#[test]
fn products_by_machine_walks_a_time_range_in_order_and_pages() {
	new_test_ext().execute_with(|| {
		let a = new_product(&[]);
		let b = new_product(&[]);
		next_block(10_000_000);
		record(b, step(MILL, "mill", 500_000, 510_000));
		record(a, step(MILL, "mill", 100_000, 110_000));
		record(a, step(MILL, "mill", 300_000, 310_000));
		record(b, step(OVEN, "fire", 300_000, 310_000));
		let all = Provenance::products_by_machine(&MILL, T0, T0 + 1_000_000, None, 10);
		assert_eq!(
			all.iter().map(|(p, i, s, _)| (*p, *i, *s - T0)).collect::<Vec<_>>(),
			vec![(a, 0, 100_000), (a, 1, 300_000), (b, 0, 500_000)]
		);
		let window = Provenance::products_by_machine(&MILL, T0 + 105_000, T0 + 300_000, None, 10);
		assert_eq!(
			window.iter().map(|(p, i, _, _)| (*p, *i)).collect::<Vec<_>>(),
			vec![(a, 0), (a, 1)]
		);
		let first = Provenance::products_by_machine(&MILL, T0, T0 + 1_000_000, None, 1);
		assert_eq!(first.len(), 1);
		let (p, i, s, _) = first[0];
		let rest = Provenance::products_by_machine(&MILL, T0, T0 + 1_000_000, Some((s, p, i)), 10);
		assert_eq!(
			rest.iter().map(|(p, i, _, _)| (*p, *i)).collect::<Vec<_>>(),
			vec![(a, 1), (b, 0)]
		);
	});
}

#[test]
fn traces_page_through_the_log() {
	new_test_ext().execute_with(|| {
		let l = new_lot();
		let p = new_product(&[l]);
		next_block(60_000);
		for i in 0..5 {
			record(
				p,
				step(
					if i % 2 == 0 { MILL } else { OVEN },
					if i % 2 == 0 { "mill" } else { "fire" },
					i * 1000,
					i * 1000 + 500,
				),
			);
		}
		let page = Provenance::trace(&p, 1, 2).unwrap();
		assert_eq!(
			page.steps.iter().map(|(i, s)| (*i, s.input.machine)).collect::<Vec<_>>(),
			vec![(1, OVEN), (2, MILL)]
		);
		assert_eq!(page.lots.len(), 1);
		assert_eq!(page.product.steps, 5);
		let tail = Provenance::trace(&p, 4, 100).unwrap();
		assert_eq!(tail.steps.len(), 1);
		assert!(Provenance::trace(&p, 9, 100).unwrap().steps.is_empty());
		assert!(Provenance::trace(&4242, 0, 1).is_none());
	});
}

#[test]
fn the_tasks_pallet_records_through_the_trait() {
	new_test_ext().execute_with(|| {
		let p = new_product(&[]);
		next_block(60_000);
		assert!(<Provenance as ProvenanceRecorder<u64>>::in_production(&p));
		assert_ok!(<Provenance as ProvenanceRecorder<u64>>::record_step(
			&MILL,
			&p,
			step(MILL, "mill", 0, 10)
		));
		assert_eq!(Steps::<Test>::get(p, 0).unwrap().recorder, MILL);
		assert_ok!(<Provenance as ProvenanceRecorder<u64>>::finish(&p));
		assert!(!<Provenance as ProvenanceRecorder<u64>>::in_production(&p));
		assert_eq!(
			<Provenance as ProvenanceRecorder<u64>>::record_step(
				&MILL,
				&p,
				step(MILL, "mill", 0, 10)
			),
			Err(Error::<Test>::NotInProduction.into())
		);
	});
}

/// A manufacturer and supplier with little money: its deposits run out.
const POOR: u64 = 15;
/// A third machine, owned by the customer.
const DRILL: u64 = 102;
/// An environment sensor with anchored telemetry windows.
const ENV: u64 = 300;
/// No machine has this account.
const NO_MACHINE: u64 = 555;
/// Everyone who calls in the random sequences.
const ANYONE: [u64; 10] =
	[MANUFACTURER, SUPPLIER, CUSTOMER, CERTIFIER, STRANGER, POOR, MILL, OVEN, DRILL, GATEWAY];

/// An anchored telemetry window: sensor, start, end, root.
type Window = (u64, Moment, Moment, [u8; 32]);

/// The names of the pallet's errors, from its metadata.
fn pallet_error_names() -> Vec<&'static str> {
	use scale_info::{TypeDef, TypeInfo};
	match Error::<Test>::type_info().type_def {
		TypeDef::Variant(v) => {
			v.variants.iter().map(|v| v.name).filter(|n| !n.starts_with("__")).collect()
		},
		_ => unreachable!("an error enum"),
	}
}

fn held(reason: HoldReason, who: u64) -> Balance {
	Balances::balance_on_hold(&reason.into(), &who)
}

/// What the random sequences remember between calls, to check that lifecycles only move
/// forward.
#[derive(Default)]
struct History {
	/// Products that were finished once.
	finished: BTreeSet<u64>,
	/// The recall that reached each recalled product.
	recalled: BTreeMap<u64, RecallId>,
}

/// The invariants of the provenance pallet, checked after every call and block:
/// - funds: total issuance never changes; each account holds as product deposit exactly the
///   deposits of the products it made, and as lot deposit exactly those of its lots;
/// - ids: lots are `0..NextLotId`, recalls `0..NextRecallId`, products the DIDs handed out;
/// - lots: `used_by` equals the products indexed under the lot, and each of them lists it;
/// - products: their lots exist, are indexed and not duplicated; the tag index maps each tag to
///   the product carrying it and back; steps are `0..steps`, at most `MaxSteps`, each with sane
///   times (start ≤ end ≤ recorded, at most `MaxStepDuration`), a known machine, its entry in
///   the machine index and, if set, an anchored environment with its root that overlaps it; the
///   machine index holds nothing else; components number `components` (≤ `MaxComponents`) and
///   each names the product as its parent; a parent exists and lists the product, which is
///   finished or recalled, has no offer, and the parent chain has no cycle; custody transfers
///   are `0..transfers` (≤ `MaxTransfers`) and chain from the manufacturer to the custodian;
///   credentials number `credentials` (≤ `MaxCredentials`); an offer goes to another active
///   actor and is the only way to be `Shipped`; `Recalled` exactly when a recall reached it;
///   a finished product never goes back into production and a recall never goes away; the trace
///   shows every item counted;
/// - recalls: `affected` equals the products that name the recall; a recall is complete exactly
///   when it is not queued; the queue is bounded and free of duplicates; a lot recall is named
///   by its lot and a range recall by its machine's ranges (≤ `MaxRecallRanges`), and back; a
///   signed recall was made by the lot's supplier or the machine's owner;
/// - once no recall is queued: every product made from a recalled lot, or with a step
///   overlapping a recalled range of its machine, is recalled, and so is the parent of every
///   recalled product.
fn check_provenance_invariants(accounts: &[u64], issuance: Balance, history: &mut History) {
	let max_steps: u32 = <Test as Config>::MaxSteps::get();
	let max_duration: Moment = <Test as Config>::MaxStepDuration::get();
	let max_components: u32 = <Test as Config>::MaxComponents::get();
	let max_transfers: u32 = <Test as Config>::MaxTransfers::get();
	let max_credentials: u32 = <Test as Config>::MaxCredentials::get();
	let max_ranges: u32 = <Test as Config>::MaxRecallRanges::get();
	let max_queued: u32 = <Test as Config>::MaxQueuedRecalls::get();
	let product_deposit: Balance = <Test as Config>::ProductDeposit::get();
	let lot_deposit: Balance = <Test as Config>::LotDeposit::get();

	assert_eq!(Balances::total_issuance(), issuance, "funds made or lost");
	let products: BTreeMap<u64, ProductOf<Test>> = Products::<Test>::iter().collect();
	let lots: BTreeMap<LotId, LotOf<Test>> = Lots::<Test>::iter().collect();
	let recalls: BTreeMap<RecallId, RecallOf<Test>> = Recalls::<Test>::iter().collect();
	let queue: Vec<RecallId> = RecallQueue::<Test>::get().iter().map(|j| j.recall).collect();
	let mut product_deposits: BTreeMap<u64, Balance> = BTreeMap::new();
	let mut lot_deposits: BTreeMap<u64, Balance> = BTreeMap::new();
	let mut affected: BTreeMap<RecallId, u32> = BTreeMap::new();

	assert!(lots.keys().copied().eq(0..NextLotId::<Test>::get()), "lot ids");
	assert!(recalls.keys().copied().eq(0..NextRecallId::<Test>::get()), "recall ids");
	let next_product = FIRST_PRODUCT + products.len() as u64;
	assert!(products.keys().copied().eq(FIRST_PRODUCT..next_product), "product ids");

	for (id, l) in &lots {
		assert_eq!(l.deposit, lot_deposit, "lot {id}'s deposit");
		*lot_deposits.entry(l.supplier).or_default() += l.deposit;
		let users: Vec<u64> = LotProducts::<Test>::iter_key_prefix(id).collect();
		assert_eq!(l.used_by as usize, users.len(), "lot {id}'s use count");
		for p in &users {
			assert!(products.get(p).is_some_and(|p| p.lots.contains(id)), "lot {id} lists {p}");
		}
		if let Some(r) = l.recall {
			let scope = recalls.get(&r).map(|r| r.scope.clone());
			assert_eq!(scope, Some(RecallScope::Lot(*id)), "lot {id}'s recall {r}");
		}
	}
	for (lot, _) in LotProducts::<Test>::iter_keys() {
		assert!(lots.contains_key(&lot), "a product index of a lot that does not exist");
	}
	for (tag, p) in ProductByTag::<Test>::iter() {
		let carried = products.get(&p).and_then(|p| p.product_type.tag.clone());
		assert_eq!(carried, Some(tag), "the tag index names {p}, which does not carry the tag");
	}

	let mut total_steps = 0;
	for (id, p) in &products {
		assert_eq!(p.deposit, product_deposit, "{id}'s deposit");
		*product_deposits.entry(p.manufacturer).or_default() += p.deposit;
		for (i, lot) in p.lots.iter().enumerate() {
			assert!(!p.lots[..i].contains(lot), "{id} lists lot {lot} twice");
			assert!(lots.contains_key(lot), "{id} is made from lot {lot}, which does not exist");
			assert!(LotProducts::<Test>::contains_key(lot, id), "{id} missing under lot {lot}");
		}
		if let Some(tag) = &p.product_type.tag {
			assert_eq!(ProductByTag::<Test>::get(tag), Some(*id), "{id}'s tag is not indexed");
		}

		// The process log and the machine index.
		let mut steps: Vec<(u32, StepOf<Test>)> = Steps::<Test>::iter_prefix(id).collect();
		steps.sort_by_key(|(i, _)| *i);
		assert!(p.steps <= max_steps, "{id} has {} steps", p.steps);
		assert!(steps.iter().map(|(i, _)| *i).eq(0..p.steps), "{id}'s step indices");
		for (i, s) in &steps {
			let input = &s.input;
			assert!(input.start <= input.end, "{id}'s step {i} ends before it starts");
			assert!(input.end - input.start <= max_duration, "{id}'s step {i} is too long");
			assert!(input.end <= s.recorded.time, "{id}'s step {i} ended after it was recorded");
			assert!(MockMachines::status(&input.machine).is_some(), "{id}'s step {i}'s machine");
			let key = MachineStepKey { start: input.start.to_be_bytes(), product: *id, index: *i };
			assert_eq!(
				MachineSteps::<Test>::get(input.machine, key),
				Some(input.end),
				"{id}'s step {i} is not in the machine index"
			);
			if let Some(e) = &input.environment {
				let (end, root) = MockEnvironment::window(&e.sensor, e.start)
					.expect("a step's environment is an anchored window");
				assert_eq!(root, e.root, "{id}'s step {i}'s environment root");
				assert!(e.start <= input.end && end > input.start, "{id}'s step {i}'s window");
			}
		}
		total_steps += steps.len();

		// Composition.
		let components: Vec<u64> = Components::<Test>::iter_key_prefix(id).collect();
		assert!(p.components <= max_components, "{id} has {} components", p.components);
		assert_eq!(components.len() as u32, p.components, "{id}'s component count");
		for c in &components {
			let parent = products.get(c).and_then(|c| c.parent);
			assert_eq!(parent, Some(*id), "component {c} of {id} names another parent");
		}
		if let Some(parent) = p.parent {
			assert!(products.contains_key(&parent), "{id}'s parent {parent} does not exist");
			assert!(Components::<Test>::contains_key(parent, id), "{parent} does not list {id}");
			assert!(
				matches!(p.lifecycle, Lifecycle::Finished | Lifecycle::Recalled),
				"component {id} is {:?}",
				p.lifecycle
			);
			assert!(p.offer.is_none(), "component {id} is offered");
			let (mut up, mut hops) = (parent, 0);
			while let Some(next) = products[&up].parent {
				hops += 1;
				assert!(next != *id && hops <= products.len(), "a cycle through {id}");
				up = next;
			}
		}

		// Custody.
		let mut transfers: Vec<(u32, Transfer<u64, u64>)> =
			Custody::<Test>::iter_prefix(id).collect();
		transfers.sort_by_key(|(i, _)| *i);
		assert!(p.transfers <= max_transfers, "{id} went through {} transfers", p.transfers);
		assert!(transfers.iter().map(|(i, _)| *i).eq(0..p.transfers), "{id}'s transfer indices");
		let mut holder = p.manufacturer;
		for (i, t) in &transfers {
			assert_eq!(t.from, holder, "{id}'s transfer {i} is not from the holder");
			assert_ne!(t.to, t.from, "{id}'s transfer {i} goes nowhere");
			holder = t.to;
		}
		assert_eq!(holder, p.custodian, "{id}'s custodian is not the last receiver");

		// Credentials.
		let credentials = ProductCredentials::<Test>::iter_prefix(id).count();
		assert!(p.credentials <= max_credentials, "{id} has {} credentials", p.credentials);
		assert_eq!(credentials as u32, p.credentials, "{id}'s credential count");

		// Offer and lifecycle.
		match p.offer {
			Some((to, before)) => {
				assert_ne!(to, p.custodian, "{id} is offered to its custodian");
				assert!(MockActors::is_active_actor(&to), "{id} is offered to a non-actor");
				assert_ne!(before, Lifecycle::Shipped, "{id}'s offer would go back to Shipped");
				if p.lifecycle != Lifecycle::Recalled {
					assert_eq!(
						p.lifecycle == Lifecycle::Shipped,
						matches!(before, Lifecycle::Finished | Lifecycle::Delivered),
						"{id} is {:?} with an offer made when {before:?}",
						p.lifecycle
					);
				}
			},
			None => assert_ne!(p.lifecycle, Lifecycle::Shipped, "{id} is shipped without an offer"),
		}
		assert_eq!(p.recall.is_some(), p.lifecycle == Lifecycle::Recalled, "{id}'s recall");
		if let Some(r) = p.recall {
			assert!(recalls.contains_key(&r), "{id} names recall {r}, which does not exist");
			*affected.entry(r).or_default() += 1;
		}
		if matches!(p.lifecycle, Lifecycle::Finished | Lifecycle::Shipped | Lifecycle::Delivered) {
			history.finished.insert(*id);
		}
		if history.finished.contains(id) {
			assert_ne!(p.lifecycle, Lifecycle::InProduction, "{id} went back into production");
		}
		if let Some(r) = history.recalled.get(id) {
			assert_eq!(p.recall, Some(*r), "{id}'s recall changed or went away");
		}
		if let Some(r) = p.recall {
			history.recalled.insert(*id, r);
		}

		// The trace shows every item counted: no dangling references.
		let trace = Provenance::trace(id, 0, u32::MAX).expect("a trace");
		assert_eq!(trace.product, *p);
		assert_eq!(trace.lots.len(), p.lots.len(), "{id}'s traced lots");
		assert_eq!(trace.components.len() as u32, p.components, "{id}'s traced components");
		assert_eq!(trace.steps.len() as u32, p.steps, "{id}'s traced steps");
		assert_eq!(trace.custody.len() as u32, p.transfers, "{id}'s traced transfers");
		assert_eq!(trace.credentials.len() as u32, p.credentials, "{id}'s traced credentials");
		assert_eq!(trace.recall.map(|(r, _)| r), p.recall, "{id}'s traced recall");
	}
	assert_eq!(MachineSteps::<Test>::iter().count(), total_steps, "machine index without steps");

	// Recalls.
	assert!(queue.len() as u32 <= max_queued, "{} recalls queued", queue.len());
	for (i, r) in queue.iter().enumerate() {
		assert!(!queue[..i].contains(r), "recall {r} queued twice");
	}
	for (id, r) in &recalls {
		let marked = affected.get(id).copied().unwrap_or(0);
		assert_eq!(
			r.affected, marked,
			"recall {id} counts {} products, {marked} name it",
			r.affected
		);
		assert_eq!(r.complete, !queue.contains(id), "recall {id} complete: {}", r.complete);
		match &r.scope {
			RecallScope::Lot(lot) => {
				assert_eq!(lots.get(lot).and_then(|l| l.recall), Some(*id), "recall {id}'s lot");
				if let Some(by) = r.by {
					assert_eq!(Some(by), lots.get(lot).map(|l| l.supplier), "recall {id} by {by}");
				}
			},
			RecallScope::MachineRange { machine, from, to } => {
				assert!(
					MachineRecalls::<Test>::get(machine).contains(&(*id, *from, *to)),
					"recall {id} missing from {machine}'s ranges"
				);
				if let Some(by) = r.by {
					assert_eq!(Some(by), MockMachines::owner(machine), "recall {id} by {by}");
				}
			},
		}
	}
	for (machine, ranges) in MachineRecalls::<Test>::iter() {
		assert!(ranges.len() as u32 <= max_ranges, "{machine} has {} ranges", ranges.len());
		for (id, from, to) in ranges {
			assert!(from <= to, "an empty range of {machine}");
			let scope = recalls.get(&id).map(|r| r.scope.clone());
			assert_eq!(scope, Some(RecallScope::MachineRange { machine, from, to }));
		}
	}

	// Funds.
	for who in accounts {
		let expected = product_deposits.get(who).copied().unwrap_or(0);
		assert_eq!(held(HoldReason::ProductDeposit, *who), expected, "{who}'s product deposits");
		let expected = lot_deposits.get(who).copied().unwrap_or(0);
		assert_eq!(held(HoldReason::LotDeposit, *who), expected, "{who}'s lot deposits");
	}

	// Once every recall is walked, it reached every product it covers.
	if queue.is_empty() {
		for (id, p) in &products {
			let lot_recalled = p.lots.iter().any(|l| lots[l].recall.is_some());
			let range_recalled = Steps::<Test>::iter_prefix(id).any(|(_, s)| {
				let (start, end) = (s.input.start, s.input.end);
				MachineRecalls::<Test>::get(s.input.machine)
					.iter()
					.any(|(_, from, to)| start <= *to && end >= *from)
			});
			if lot_recalled || range_recalled {
				assert!(p.recall.is_some(), "{id} escaped a completed recall");
			}
			if let (Some(_), Some(parent)) = (p.recall, p.parent) {
				assert!(products[&parent].recall.is_some(), "{id} is recalled, its parent not");
			}
		}
	}
}

/// A product for a call: mostly one that `fits` (if any), else any product, or the next DID,
/// which is no product yet.
fn pick_product(rng: &mut StdRng, fits: impl Fn(&ProductOf<Test>) -> bool) -> u64 {
	let mut all: Vec<(u64, ProductOf<Test>)> = Products::<Test>::iter().collect();
	all.sort_by_key(|(id, _)| *id);
	let fitting: Vec<u64> = all.iter().filter(|(_, p)| fits(p)).map(|(id, _)| *id).collect();
	if !fitting.is_empty() && rng.gen_bool(0.75) {
		return *fitting.choose(rng).unwrap();
	}
	FIRST_PRODUCT + rng.gen_range(0..=all.len() as u64)
}

/// Like [`pick_product`], but with probability `focus` the fitting product that is deepest by
/// `depth` (most steps, transfers, …), so that some products reach their bounds.
fn pick_deep(
	rng: &mut StdRng,
	focus: f64,
	fits: impl Fn(&ProductOf<Test>) -> bool,
	depth: impl Fn(&ProductOf<Test>) -> u32,
) -> u64 {
	let deepest = Products::<Test>::iter()
		.filter(|(_, p)| fits(p))
		.max_by_key(|(id, p)| (depth(p), core::cmp::Reverse(*id)))
		.map(|(id, _)| id);
	match deepest {
		Some(id) if rng.gen_bool(focus) => id,
		_ => pick_product(rng, fits),
	}
}

fn custodian(product: u64) -> u64 {
	Products::<Test>::get(product).map_or(STRANGER, |p| p.custodian)
}

/// Mostly `likely`, else anyone.
fn pick_caller(rng: &mut StdRng, likely: u64) -> u64 {
	if rng.gen_bool(0.7) {
		likely
	} else {
		*ANYONE.choose(rng).unwrap()
	}
}

/// Up to three lots, some of which may not exist, be recalled or repeat.
fn random_lots(rng: &mut StdRng) -> LotList {
	let next = NextLotId::<Test>::get();
	let n = rng.gen_range(0..=3);
	let ids: Vec<LotId> = (0..n)
		.map(|_| if next > 0 && rng.gen_bool(0.9) { rng.gen_range(0..next) } else { next })
		.collect();
	ids.try_into().unwrap()
}

/// A product type, with one of a few NFC tags half of the time.
fn random_type(rng: &mut StdRng) -> ProductType {
	let colour = *[None, Some(Colour::White), Some(Colour::Red), Some(Colour::Blue)]
		.choose(rng)
		.unwrap();
	let tag = rng.gen_bool(0.5).then(|| {
		format!("04A1B2C3D4E5{:02}", rng.gen_range(0..10))
			.into_bytes()
			.try_into()
			.unwrap()
	});
	ProductType { kind: text("workpiece"), colour, tag }
}

/// A step that is mostly valid; otherwise on an unknown machine, with a capability the machine
/// lacks, ending before it starts or in the future, too long, or with a wrong environment.
fn random_step(rng: &mut StdRng, now: Moment, windows: &[Window]) -> StepInput<u64> {
	let max_duration: Moment = <Test as Config>::MaxStepDuration::get();
	let (machine, capability) = *[
		(MILL, "mill"),
		(MILL, "mill"),
		(MILL, "mill"),
		(OVEN, "fire"),
		(OVEN, "fire"),
		(DRILL, "drill"),
		(MILL, "fire"),
		(NO_MACHINE, "mill"),
	]
	.choose(rng)
	.unwrap();
	let (mut start, mut end) = match rng.gen_range(0..12) {
		0 => {
			let end = now - rng.gen_range(0..3_600_000);
			(end + 1, end)
		},
		1 => (now - 1_000, now + rng.gen_range(1..60_000)),
		2 => {
			let start = now - 2 * max_duration - rng.gen_range(0..1_000_000);
			(start, start + max_duration + 1 + rng.gen_range(0..1_000))
		},
		_ => {
			let start = now - rng.gen_range(0..7_200_000);
			(start, (start + rng.gen_range(0..1_200_000)).min(now))
		},
	};
	let environment = match (rng.gen_range(0..8), windows.choose(rng)) {
		(0 | 1, Some(&(sensor, from, to, root))) => {
			// Within the window, so that it mostly covers the step.
			if start <= end && end <= now {
				start = (from + rng.gen_range(0..=(to - from))).min(now);
				end = (start + rng.gen_range(0..600_000)).min(now);
			}
			Some(EnvironmentRef { sensor, start: from, root })
		},
		(2, Some(&(sensor, from, _, _))) => {
			Some(EnvironmentRef { sensor, start: from, root: [0xAB; 32] })
		},
		(3, _) => Some(EnvironmentRef { sensor: ENV, start: now - 7, root: [1; 32] }),
		_ => None,
	};
	let result = if rng.gen_bool(0.8) {
		StepResult::Ok(Default::default())
	} else {
		StepResult::Failed(b"E42".to_vec().try_into().unwrap())
	};
	StepInput {
		capability: cap(capability),
		machine,
		task: rng.gen_bool(0.5).then(|| rng.gen_range(0..100)),
		start,
		end,
		params: b"{\"speed\":3}".to_vec().try_into().unwrap(),
		result,
		environment,
	}
}

/// The credentials the random sequences attach, with their subjects: three valid ones and one
/// revoked, suspended or expired about each of the first twelve products, one about a machine,
/// and one not anchored.
fn anchor_credentials() -> Vec<(Digest, u64)> {
	let failures =
		[CapabilityError::Revoked, CapabilityError::Suspended, CapabilityError::OutsideValidity];
	let mut digests: Vec<(Digest, u64)> = (0..48u8)
		.map(|i| {
			let subject = FIRST_PRODUCT + (i % 12) as u64;
			let digest = MockCredentials::anchor(i + 1, subject, CERTIFIER);
			if i >= 36 {
				MockCredentials::fail(i + 1, failures[i as usize % 3]);
			}
			(digest, subject)
		})
		.collect();
	digests.push((MockCredentials::anchor(100, MILL, CERTIFIER), MILL));
	digests.push(([200; 32], 0));
	digests
}

/// Random sequences of every call of the pallet (and of [`ProvenanceRecorder`], through which
/// the tasks pallet records), from the right callers mostly and anyone else sometimes, with
/// arguments that hit each success and each refusal: unknown, recalled and repeated lots, tags
/// in use, steps on unknown, retired or incapable machines, with bad times or environments, on
/// finished or transferred products and beyond `MaxSteps`, components that are not finished,
/// are built in already or would exceed `MaxComponents`, offers to non-actors or oneself,
/// accepts by the wrong account, credentials unknown, foreign, revoked, suspended, expired,
/// repeated or beyond the bound, and recalls by the wrong account, repeated, beyond the ranges
/// per machine or the queue. Blocks pass in between, walking queued recalls in `on_idle` with
/// all, some or no weight, and the world changes (telemetry windows anchored, machines retired
/// or restored, capabilities and credentials invalidated). After every call and block the
/// invariants of [`check_provenance_invariants`] hold, and every refused call leaves the state
/// root as it was. Every error of the pallet is hit.
#[test]
fn twins_stay_consistent_over_random_call_sequences() {
	use frame_support::traits::{fungible::Mutate, Hooks};
	const SEQUENCES: u64 = 150;
	const CALLS: usize = 100;
	// Per call: (succeeded, refused).
	let mut outcomes: BTreeMap<&'static str, (u32, u32)> = BTreeMap::new();
	let mut refused: BTreeMap<String, u32> = BTreeMap::new();
	let (mut blocks, mut world_changes, mut recalls_completed, mut products_recalled) =
		(0u32, 0u32, 0u32, 0u32);
	for seed in 1..=SEQUENCES {
		new_test_ext().execute_with(|| {
			let mut rng = StdRng::seed_from_u64(seed);
			pallet_did::mock_state::with(b":mock:actors", |a: &mut Vec<(u64, Role)>| {
				a.push((POOR, Role::Manufacturer));
				a.push((POOR, Role::Supplier));
			});
			assert_ok!(Balances::mint_into(&POOR, 36));
			MockMachines::add(DRILL, CUSTOMER, &["drill"]);
			MockDid::add_gateway(MILL, GATEWAY);
			let credentials = anchor_credentials();
			let issuance = Balances::total_issuance();
			let mut history = History::default();
			// A start: two lots, four products, and telemetry windows of the last two hours.
			for _ in 0..2 {
				new_lot();
			}
			for lot in [0, 1, 0, 1] {
				new_product(&[lot]);
			}
			let mut windows: Vec<Window> = Vec::new();
			for (k, sensor) in [ENV, ENV, MILL, ENV, OVEN, ENV].into_iter().enumerate() {
				let start = T0 - 7_200_000 + k as u64 * 1_200_000;
				let root: [u8; 32] = rng.gen();
				MockEnvironment::anchor(sensor, start, start + 1_800_000, root);
				windows.push((sensor, start, start + 1_800_000, root));
			}
			check_provenance_invariants(&ANYONE, issuance, &mut history);
			for _ in 0..CALLS {
				let now = Timestamp::get();
				let root = sp_io::storage::root(sp_runtime::StateVersion::V1);
				let (call, outcome): (&'static str, DispatchResult) = match rng.gen_range(0..100) {
					0..=3 => {
						let who = *[SUPPLIER, SUPPLIER, SUPPLIER, POOR, MANUFACTURER]
							.choose(&mut rng)
							.unwrap();
						let origin = if rng.gen_bool(0.05) {
							RuntimeOrigin::root()
						} else {
							RuntimeOrigin::signed(who)
						};
						let quantity = rng.gen_range(1..1000);
						(
							"register_lot",
							Provenance::register_lot(origin, text("L-7"), text("blank"), quantity),
						)
					},
					4..=13 => {
						let who = *[MANUFACTURER, MANUFACTURER, MANUFACTURER, POOR, SUPPLIER]
							.choose(&mut rng)
							.unwrap();
						let (product_type, lots) = (random_type(&mut rng), random_lots(&mut rng));
						(
							"create_product",
							Provenance::create_product(
								RuntimeOrigin::signed(who),
								product_type,
								lots,
							),
						)
					},
					14..=29 => {
						let product = pick_deep(
							&mut rng,
							0.5,
							|p| p.lifecycle == Lifecycle::InProduction,
							|p| p.steps,
						);
						let step = random_step(&mut rng, now, &windows);
						let who = match rng.gen_range(0..10) {
							0..=4 => custodian(product),
							5 | 6 => step.machine,
							7 => GATEWAY,
							_ => *ANYONE.choose(&mut rng).unwrap(),
						};
						(
							"record_step",
							Provenance::record_step(RuntimeOrigin::signed(who), product, step),
						)
					},
					30..=35 => {
						let product = pick_product(&mut rng, |p| p.steps > 0);
						let steps = Products::<Test>::get(product).map_or(0, |p| p.steps);
						let index = if steps > 0 && rng.gen_bool(0.9) {
							rng.gen_range(0..steps)
						} else {
							steps
						};
						let step = Steps::<Test>::get(product, index);
						// Mostly a window that overlaps the step, else any, else none.
						let covering: Vec<Window> = windows
							.iter()
							.copied()
							.filter(|&(_, from, to, _)| {
								step.as_ref()
									.is_some_and(|s| from <= s.input.end && to > s.input.start)
							})
							.collect();
						let (sensor, start) =
							match (covering.choose(&mut rng), windows.choose(&mut rng)) {
								(Some(&(sensor, start, _, _)), _) if rng.gen_bool(0.7) => {
									(sensor, start)
								},
								(_, Some(&(sensor, start, _, _))) if rng.gen_bool(0.8) => {
									(sensor, start)
								},
								_ => (ENV, now - 3),
							};
						let machine = step.map_or(MILL, |s| s.input.machine);
						let who = match rng.gen_range(0..10) {
							0..=5 => custodian(product),
							6 | 7 => machine,
							_ => *ANYONE.choose(&mut rng).unwrap(),
						};
						(
							"attach_environment",
							Provenance::attach_environment(
								RuntimeOrigin::signed(who),
								product,
								index,
								sensor,
								start,
							),
						)
					},
					36..=42 => {
						let product =
							pick_product(&mut rng, |p| p.lifecycle == Lifecycle::InProduction);
						let who = pick_caller(&mut rng, custodian(product));
						("finish", Provenance::finish(RuntimeOrigin::signed(who), product))
					},
					43..=50 => {
						let parent = pick_deep(
							&mut rng,
							0.5,
							|p| p.lifecycle == Lifecycle::InProduction,
							|p| p.components,
						);
						let component = if rng.gen_bool(0.05) {
							parent
						} else {
							pick_product(&mut rng, |p| {
								p.lifecycle == Lifecycle::Finished && p.parent.is_none()
							})
						};
						let who = pick_caller(&mut rng, custodian(parent));
						(
							"add_component",
							Provenance::add_component(
								RuntimeOrigin::signed(who),
								parent,
								component,
							),
						)
					},
					51..=58 => {
						let product = pick_deep(
							&mut rng,
							0.8,
							|p| p.parent.is_none() && p.offer.is_none(),
							|p| p.transfers,
						);
						let holder = custodian(product);
						// Mostly another actor, else a stranger or the holder itself.
						let others: Vec<u64> = [CUSTOMER, MANUFACTURER, CERTIFIER, SUPPLIER, POOR]
							.into_iter()
							.filter(|a| *a != holder)
							.collect();
						let to = match rng.gen_range(0..10) {
							0 => STRANGER,
							1 => holder,
							_ => *others.choose(&mut rng).unwrap(),
						};
						let who = pick_caller(&mut rng, holder);
						(
							"offer_custody",
							Provenance::offer_custody(RuntimeOrigin::signed(who), product, to),
						)
					},
					59..=64 => {
						let product =
							pick_deep(&mut rng, 0.8, |p| p.offer.is_some(), |p| p.transfers);
						let to = Products::<Test>::get(product)
							.and_then(|p| p.offer)
							.map_or(CUSTOMER, |(to, _)| to);
						let who = pick_caller(&mut rng, to);
						(
							"accept_custody",
							Provenance::accept_custody(RuntimeOrigin::signed(who), product),
						)
					},
					65..=67 => {
						let product = pick_product(&mut rng, |p| p.offer.is_some());
						let who = pick_caller(&mut rng, custodian(product));
						(
							"withdraw_offer",
							Provenance::withdraw_offer(RuntimeOrigin::signed(who), product),
						)
					},
					68..=74 => {
						let product =
							pick_deep(&mut rng, 0.5, |p| p.recall.is_none(), |p| p.credentials);
						// Mostly one about the product.
						let about: Vec<Digest> = credentials
							.iter()
							.filter(|(_, s)| *s == product)
							.map(|(d, _)| *d)
							.collect();
						let credential = match about.choose(&mut rng) {
							Some(d) if rng.gen_bool(0.7) => *d,
							_ => credentials.choose(&mut rng).unwrap().0,
						};
						let who = match rng.gen_range(0..10) {
							0..=4 => custodian(product),
							5..=7 => CERTIFIER,
							_ => *ANYONE.choose(&mut rng).unwrap(),
						};
						(
							"attach_credential",
							Provenance::attach_credential(
								RuntimeOrigin::signed(who),
								product,
								credential,
							),
						)
					},
					75..=77 => {
						let lot = rng.gen_range(0..=NextLotId::<Test>::get());
						let supplier = Lots::<Test>::get(lot).map_or(SUPPLIER, |l| l.supplier);
						let origin = match rng.gen_range(0..10) {
							0..=3 => RuntimeOrigin::root(),
							4..=7 => RuntimeOrigin::signed(supplier),
							8 => RuntimeOrigin::signed(MANUFACTURER),
							_ => RuntimeOrigin::none(),
						};
						("recall_lot", Provenance::recall_lot(origin, lot, reason("contaminated")))
					},
					78..=81 => {
						let (machine, owner) = *[
							(MILL, MANUFACTURER),
							(MILL, MANUFACTURER),
							(OVEN, MANUFACTURER),
							(DRILL, CUSTOMER),
							(NO_MACHINE, STRANGER),
						]
						.choose(&mut rng)
						.unwrap();
						let origin = match rng.gen_range(0..10) {
							0..=3 => RuntimeOrigin::root(),
							4..=7 => RuntimeOrigin::signed(owner),
							8 => RuntimeOrigin::signed(SUPPLIER),
							_ => RuntimeOrigin::none(),
						};
						let from = now - rng.gen_range(0..10_800_000);
						let to = if rng.gen_bool(0.1) {
							from - 1
						} else {
							from + rng.gen_range(0..3_600_000)
						};
						(
							"recall_machine_range",
							Provenance::recall_machine_range(
								origin,
								machine,
								from,
								to,
								reason("spindle"),
							),
						)
					},
					82..=85 => {
						// What the tasks pallet does through `ProvenanceRecorder`: the task's
						// provider records, completing the last step finishes, an order creates.
						let product =
							pick_product(&mut rng, |p| p.lifecycle == Lifecycle::InProduction);
						match rng.gen_range(0..3) {
							0 => {
								let step = random_step(&mut rng, now, &windows);
								let recorder = step.machine;
								(
									"recorder.record_step",
									<Provenance as ProvenanceRecorder<u64>>::record_step(
										&recorder, &product, step,
									),
								)
							},
							1 => (
								"recorder.finish",
								<Provenance as ProvenanceRecorder<u64>>::finish(&product),
							),
							_ => {
								let manufacturer =
									*[MANUFACTURER, CUSTOMER, STRANGER].choose(&mut rng).unwrap();
								let (product_type, lots) =
									(random_type(&mut rng), random_lots(&mut rng));
								(
									"recorder.create_product",
									<Provenance as ProvenanceRecorder<u64>>::create_product(
										&manufacturer,
										product_type,
										lots,
									)
									.map(|_| ()),
								)
							},
						}
					},
					86..=94 => {
						// A block passes: on_idle walks queued recalls with all, some or no
						// weight left.
						let weight = match rng.gen_range(0..4) {
							0 => Weight::zero(),
							1 => <() as WeightInfo>::process_recalls(1),
							_ => Weight::MAX,
						};
						let before = events().len();
						Provenance::on_idle(System::block_number(), weight);
						for e in &events()[before..] {
							match e {
								Event::RecallCompleted { .. } => recalls_completed += 1,
								Event::ProductRecalled { .. } => products_recalled += 1,
								_ => {},
							}
						}
						System::set_block_number(System::block_number() + 1);
						Timestamp::set_timestamp(now + rng.gen_range(1_000..900_000));
						blocks += 1;
						check_provenance_invariants(&ANYONE, issuance, &mut history);
						continue;
					},
					_ => {
						// The world changes.
						match rng.gen_range(0..5) {
							0 | 1 => {
								let sensor = *[ENV, ENV, MILL, OVEN].choose(&mut rng).unwrap();
								let start = now - rng.gen_range(0..7_200_000);
								let end = start + rng.gen_range(1..1_800_000);
								if MockEnvironment::window(&sensor, start).is_none() {
									let root: [u8; 32] = rng.gen();
									MockEnvironment::anchor(sensor, start, end, root);
									windows.push((sensor, start, end, root));
								}
							},
							2 => {
								let machine = *[MILL, OVEN, DRILL].choose(&mut rng).unwrap();
								let status = *[
									MachineStatus::Retired,
									MachineStatus::Maintenance,
									MachineStatus::Idle,
								]
								.choose(&mut rng)
								.unwrap();
								MockMachines::set_status(machine, status);
							},
							3 => {
								if rng.gen_bool(0.5) {
									MockMachines::invalidate(OVEN, "fire");
								} else {
									MockMachines::add(OVEN, MANUFACTURER, &["fire"]);
								}
							},
							_ => MockCredentials::fail(
								rng.gen_range(1..=32),
								*[CapabilityError::Revoked, CapabilityError::Suspended]
									.choose(&mut rng)
									.unwrap(),
							),
						}
						world_changes += 1;
						check_provenance_invariants(&ANYONE, issuance, &mut history);
						continue;
					},
				};
				let entry = outcomes.entry(call).or_default();
				match outcome {
					Ok(()) => entry.0 += 1,
					Err(e) => {
						entry.1 += 1;
						assert_eq!(
							sp_io::storage::root(sp_runtime::StateVersion::V1),
							root,
							"a refused {call} changed the state: {e:?}"
						);
						*refused.entry(refusal(&e)).or_default() += 1;
					},
				}
				check_provenance_invariants(&ANYONE, issuance, &mut history);
			}
			// Every queued recall completes in a few blocks.
			for _ in 0..100 {
				if RecallQueue::<Test>::get().is_empty() {
					break;
				}
				next_block(6_000);
			}
			assert!(RecallQueue::<Test>::get().is_empty(), "recalls never complete");
			check_provenance_invariants(&ANYONE, issuance, &mut history);
		});
	}
	let (ok, no) = outcomes.values().fold((0, 0), |(a, b), (o, r)| (a + o, b + r));
	println!(
		"{SEQUENCES} sequences: {} calls, {ok} succeeded, {no} refused; {blocks} blocks, \
		 {world_changes} world changes, {recalls_completed} recalls completed in on_idle, \
		 {products_recalled} products recalled in on_idle",
		ok + no
	);
	for (call, (o, r)) in &outcomes {
		println!("  {call}: {o} succeeded, {r} refused");
	}
	println!("  refusals: {refused:?}");
	for (call, (o, r)) in &outcomes {
		assert!(*o >= 20 && *r >= 20, "{call}: {o} succeeded, {r} refused");
	}
	assert_eq!(outcomes.len(), 15, "every call was made: {outcomes:?}");
	let missed: Vec<_> =
		pallet_error_names().into_iter().filter(|e| !refused.contains_key(*e)).collect();
	assert!(missed.is_empty(), "errors never hit: {missed:?}");
	assert!(refused.contains_key("BadOrigin"));
	assert!(recalls_completed >= 50 && products_recalled >= 50);
}
