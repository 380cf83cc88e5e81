//! A consortium member against another, through a machine's keys: a key that controlled the
//! machine's DID once, or any key of a deactivated DID, has no power over the machine.

use super::*;
use twinchain_primitives::DidAuthority;

/// The machine's key after its DID was rotated to another key (e.g. it was sold, or its key
/// leaked and was replaced): it may no longer set the machine's status; the new key may.
#[test]
fn an_old_machine_key_cannot_set_its_status() {
	new_test_ext().execute_with(|| {
		register();
		assert_ok!(Machines::set_status(RuntimeOrigin::signed(MILL), MILL, MachineStatus::Offline));
		MockDid::set_controller(MILL, 555);
		assert_noop!(
			Machines::set_status(RuntimeOrigin::signed(MILL), MILL, MachineStatus::Idle),
			Error::<Test>::NotAuthorized
		);
		assert_ok!(Machines::set_status(RuntimeOrigin::signed(555), MILL, MachineStatus::Idle));
	});
}

/// Nobody acts for a deactivated DID: neither the machine's key nor its gateway sets its
/// status (its owner still may, e.g. to take it offline).
#[test]
fn a_deactivated_machine_did_can_do_nothing() {
	new_test_ext().execute_with(|| {
		register();
		MockDid::add_gateway(MILL, GATEWAY);
		MockDid::deactivate(MILL);
		for who in [MILL, GATEWAY] {
			assert_noop!(
				Machines::set_status(RuntimeOrigin::signed(who), MILL, MachineStatus::Offline),
				Error::<Test>::NotAuthorized
			);
		}
		assert_ok!(Machines::set_status(
			RuntimeOrigin::signed(MANUFACTURER),
			MILL,
			MachineStatus::Offline
		));
	});
}

/// A rival manufacturer cannot register A's machine, nor a DID A controls (e.g. a product's):
/// the DID's controller never made it a delegate. A registers its own with consent.
#[test]
fn nobody_registers_a_did_whose_controller_did_not_consent() {
	new_test_ext().execute_with(|| {
		let product =
			<MockDid as twinchain_primitives::DidCreator<u64>>::create_did(&MANUFACTURER).unwrap();
		consent(MILL, MANUFACTURER);
		for did in [MILL, product] {
			assert_noop!(
				Machines::register_machine(RuntimeOrigin::signed(RIVAL), did, nameplate(2024)),
				Error::<Test>::NoConsent
			);
		}
		// A controls the derived DID and is the machine's delegate: both register.
		for did in [MILL, product] {
			assert_ok!(Machines::register_machine(
				RuntimeOrigin::signed(MANUFACTURER),
				did,
				nameplate(2024)
			));
		}
		assert_eq!(Balances::balance_on_hold(&HoldReason::MachineDeposit.into(), &RIVAL), 0);
	});
}

/// A machine that changes hands takes its DID along: the seller and its gateway lose every
/// power over it (status, and with it the bridge's commands), the buyer gains them; the
/// machine's own key stays.
#[test]
fn the_seller_and_its_gateway_lose_the_machine_with_its_sale() {
	new_test_ext().execute_with(|| {
		register();
		MockDid::add_gateway(MILL, GATEWAY);
		assert_ok!(Machines::transfer_ownership(
			RuntimeOrigin::signed(MANUFACTURER),
			MILL,
			FACTORY
		));
		for who in [MANUFACTURER, GATEWAY] {
			assert!(!MockDid::acts_for(&MILL, &who));
			assert_noop!(
				Machines::set_status(RuntimeOrigin::signed(who), MILL, MachineStatus::Offline),
				Error::<Test>::NotAuthorized
			);
		}
		assert!(MockDid::acts_for(&MILL, &FACTORY));
		assert_ok!(Machines::set_status(RuntimeOrigin::signed(MILL), MILL, MachineStatus::Offline));
		assert_ok!(Machines::set_status(RuntimeOrigin::signed(FACTORY), MILL, MachineStatus::Idle));
	});
}

/// A machine squatted by a member: the privileged origin retires it or hands it (and its DID)
/// to its rightful owner; nobody else can.
#[test]
fn the_privileged_origin_retires_or_re_owns_a_squatted_machine() {
	new_test_ext().execute_with(|| {
		with_mill_capability();
		for who in [MANUFACTURER, FACTORY, RIVAL] {
			assert_noop!(
				Machines::force_transfer(RuntimeOrigin::signed(who), MILL, FACTORY),
				DispatchError::BadOrigin
			);
			assert_noop!(
				Machines::force_retire(RuntimeOrigin::signed(who), MILL),
				DispatchError::BadOrigin
			);
		}
		assert_noop!(
			Machines::force_transfer(RuntimeOrigin::root(), 999, FACTORY),
			Error::<Test>::UnknownMachine
		);
		assert_ok!(Machines::force_transfer(RuntimeOrigin::root(), MILL, FACTORY));
		assert_eq!(MachineRecords::<Test>::get(MILL).unwrap().owner, FACTORY);
		assert!(!MockDid::acts_for(&MILL, &MANUFACTURER));
		assert!(MockDid::acts_for(&MILL, &FACTORY));
		assert_ok!(Machines::force_retire(RuntimeOrigin::root(), MILL));
		assert_eq!(last_event(), Event::MachineRetired { machine: MILL }.into());
		let m = MachineRecords::<Test>::get(MILL).unwrap();
		assert_eq!((m.status, m.capabilities), (MachineStatus::Retired, 0));
		assert!(!ByCapability::<Test>::contains_key(key("mill"), MILL));
		// The deposit goes back to whoever paid it, the manufacturer.
		assert_eq!(Balances::balance_on_hold(&HoldReason::MachineDeposit.into(), &MANUFACTURER), 0);
		assert_noop!(Machines::force_retire(RuntimeOrigin::root(), MILL), Error::<Test>::Retired);
		assert_noop!(
			Machines::force_transfer(RuntimeOrigin::root(), MILL, MANUFACTURER),
			Error::<Test>::Retired
		);
	});
}

/// Matching starvation: a member's idle machines whose credentials lapsed (and, for the
/// caller, machines it finds unusable, e.g. of a suspended owner) sort first in the idle
/// index. Matching reads at most `max` entries, but each read drops what cannot work, so the
/// usable machine behind them is found within a few rounds, and never again hidden by them;
/// a dropped machine comes back when it is set idle again.
#[test]
fn machines_that_cannot_work_do_not_hide_the_others_from_matching() {
	new_test_ext().execute_with(|| {
		let machines: Vec<u64> = (300..306).collect();
		for (i, machine) in machines.iter().enumerate() {
			consent(*machine, MANUFACTURER);
			assert_ok!(Machines::register_machine(
				RuntimeOrigin::signed(MANUFACTURER),
				*machine,
				nameplate(2024)
			));
			let c = MockCredentials::anchor_capability(10 + i as u8, *machine, "mill");
			assert_ok!(Machines::add_capability(
				RuntimeOrigin::signed(MANUFACTURER),
				*machine,
				key("mill"),
				c
			));
		}
		// All but one machine's credentials lapse; one more is refused by the caller.
		let usable_one = machines[3];
		let refused = machines[4];
		for (i, machine) in machines.iter().enumerate() {
			if *machine != usable_one && *machine != refused {
				MockCredentials::fail(10 + i as u8, CapabilityError::OutsideValidity);
			}
		}
		let caller = |m: &u64| *m != refused;
		let mut rounds = 0;
		let found = loop {
			rounds += 1;
			let found = <Machines as MachineRegistry<u64>>::idle_candidates(b"mill", 2, &caller);
			if !found.is_empty() || rounds > machines.len() {
				break found;
			}
		};
		assert_eq!(found.iter().map(|c| c.0).collect::<Vec<_>>(), vec![usable_one]);
		assert!(rounds <= 3, "{rounds} rounds");
		let listed: Vec<u64> = IdleByCapability::<Test>::iter_key_prefix(key("mill")).collect();
		assert_eq!(listed, vec![usable_one], "only the usable machine stays listed");
		assert!(System::events().iter().any(|r| matches!(
			&r.event,
			RuntimeEvent::Machines(Event::LeftIdleIndex { machine, .. }) if *machine == refused
		)));
		// The refused machine's gateway sets it idle again: it is listed again.
		assert_ok!(Machines::set_status(
			RuntimeOrigin::signed(MANUFACTURER),
			refused,
			MachineStatus::Idle
		));
		assert!(IdleByCapability::<Test>::contains_key(key("mill"), refused));
		// Busy machines are not listed at all.
		assert_ok!(<Machines as MachineRegistry<u64>>::start_task(&usable_one, 1));
		assert!(!IdleByCapability::<Test>::contains_key(key("mill"), usable_one));
		assert_eq!(Machines::do_try_state(), Ok(()));
	});
}
