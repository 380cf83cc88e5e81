//! Unit tests of the provenance pallet: every call and every failure, recalls walked over
//! several blocks.

use crate::{mock::*, *};
use frame_support::{assert_noop, assert_ok, traits::fungible::InspectHold};
use pallet_credentials::CapabilityError;
use pallet_machines::MachineStatus;
use sp_runtime::DispatchError;

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
	System::events()
		.into_iter()
		.filter_map(|r| match r.event {
			RuntimeEvent::Provenance(e) => Some(e),
			_ => None,
		})
		.collect()
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
