//! Lots, products, the process log, environments, composition, custody and credentials.

use super::*;

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
fn the_custodian_and_its_delegates_record_steps() {
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
		// The custodian's gateway (an authentication delegate of its DID) records for it.
		MockDid::add_gateway(MANUFACTURER, GATEWAY);
		assert_ok!(Provenance::record_step(
			RuntimeOrigin::signed(GATEWAY),
			p,
			step(OVEN, "fire", 21_000, 30_000)
		));
		assert_ok!(Provenance::record_step(
			RuntimeOrigin::signed(GATEWAY),
			p,
			step(MILL, "mill", 31_000, 40_000)
		));
		// A machine, or a gateway of the machine only, does not speak for the custodian;
		// strangers for nobody.
		MockDid::add_gateway(MILL, 203);
		for who in [OVEN, MILL, 203] {
			assert_noop!(
				Provenance::record_step(
					RuntimeOrigin::signed(who),
					p,
					step(MILL, "mill", 41_000, 42_000)
				),
				Error::<Test>::NotAuthorized
			);
		}
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
		// Certifiers on their own fill at most half the slots (1 of 2 here): the rest is the
		// custodian's.
		assert_noop!(
			Provenance::attach_credential(RuntimeOrigin::signed(CERTIFIER), p, second),
			Error::<Test>::TooManyCredentials
		);
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
