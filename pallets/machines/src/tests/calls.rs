//! Every call: registration, credentialed capabilities, status with history, ownership,
//! retirement, the task hooks and the capability index.

use super::*;

#[test]
fn manufacturers_register_machines_with_a_deposit() {
	new_test_ext().execute_with(|| {
		assert_noop!(
			Machines::register_machine(RuntimeOrigin::signed(FACTORY), MILL, nameplate(2024)),
			DispatchError::BadOrigin
		);
		assert_noop!(
			Machines::register_machine(RuntimeOrigin::signed(MANUFACTURER), MILL, nameplate(2024)),
			Error::<Test>::NoConsent
		);
		consent(MILL, MANUFACTURER);
		assert_noop!(
			Machines::register_machine(RuntimeOrigin::signed(MANUFACTURER), MILL, nameplate(1700)),
			Error::<Test>::InvalidNameplate
		);
		register();
		assert_eq!(
			last_event(),
			Event::MachineRegistered { machine: MILL, manufacturer: MANUFACTURER }.into()
		);
		let m = MachineRecords::<Test>::get(MILL).unwrap();
		assert_eq!(
			(m.owner, m.manufacturer, m.status),
			(MANUFACTURER, MANUFACTURER, MachineStatus::Idle)
		);
		assert_eq!(m.nameplate.serial_number.to_vec(), b"FT-536630-0042".to_vec());
		assert_eq!(
			Balances::balance_on_hold(&HoldReason::MachineDeposit.into(), &MANUFACTURER),
			100
		);
		assert_noop!(
			Machines::register_machine(RuntimeOrigin::signed(MANUFACTURER), MILL, nameplate(2024)),
			Error::<Test>::AlreadyRegistered
		);
		MockDid::deactivate(101);
		assert_noop!(
			Machines::register_machine(RuntimeOrigin::signed(MANUFACTURER), 101, nameplate(2024)),
			Error::<Test>::DidDeactivated
		);
	});
}

#[test]
fn capabilities_need_a_valid_credential_for_the_machine() {
	new_test_ext().execute_with(|| {
		register();
		let add = |who, cap: &str, digest| {
			Machines::add_capability(RuntimeOrigin::signed(who), MILL, key(cap), digest)
		};
		let good = MockCredentials::anchor_capability(1, MILL, "mill");
		assert_noop!(add(FACTORY, "mill", good), Error::<Test>::NotOwner);
		assert_noop!(add(MANUFACTURER, "mill", [9; 32]), Error::<Test>::CredentialUnknown);
		let other = MockCredentials::anchor_capability(2, 101, "mill");
		assert_noop!(add(MANUFACTURER, "mill", other), Error::<Test>::CredentialNotForMachine);
		assert_noop!(add(MANUFACTURER, "kiln", good), Error::<Test>::CredentialWrongCapability);
		for (digest, error, expected) in [
			(3, CapabilityError::OutsideValidity, Error::<Test>::CredentialNotValidNow),
			(4, CapabilityError::Revoked, Error::<Test>::CredentialRevoked),
			(5, CapabilityError::Suspended, Error::<Test>::CredentialSuspended),
		] {
			let d = MockCredentials::anchor_capability(digest, MILL, "mill");
			MockCredentials::fail(digest, error);
			assert_noop!(add(MANUFACTURER, "mill", d), expected);
		}
		assert_ok!(add(MANUFACTURER, "mill", good));
		assert_eq!(
			last_event(),
			Event::CapabilityAdded { machine: MILL, capability: key("mill"), credential: good }
				.into()
		);
		assert!(ByCapability::<Test>::contains_key(key("mill"), MILL));
		assert!(<Machines as MachineRegistry<u64>>::can_perform(&MILL, b"mill"));
		assert!(!<Machines as MachineRegistry<u64>>::can_perform(&MILL, b"kiln"));
		// The capability stops counting when its credential does.
		MockCredentials::fail(1, CapabilityError::Revoked);
		assert!(!<Machines as MachineRegistry<u64>>::can_perform(&MILL, b"mill"));
		// Re-backing it with another credential keeps one slot.
		let fresh = MockCredentials::anchor_capability(6, MILL, "mill");
		assert_ok!(add(MANUFACTURER, "mill", fresh));
		assert!(<Machines as MachineRegistry<u64>>::can_perform(&MILL, b"mill"));
		assert_eq!(MachineRecords::<Test>::get(MILL).unwrap().capabilities, 1);
		// Bound: three capabilities.
		for (d, cap) in [(7, "drill"), (8, "kiln")] {
			let c = MockCredentials::anchor_capability(d, MILL, cap);
			assert_ok!(add(MANUFACTURER, cap, c));
		}
		let sort = MockCredentials::anchor_capability(10, MILL, "sort");
		assert_noop!(add(MANUFACTURER, "sort", sort), Error::<Test>::TooManyCapabilities);
		// Removal.
		assert_noop!(
			Machines::remove_capability(RuntimeOrigin::signed(FACTORY), MILL, key("kiln")),
			Error::<Test>::NotOwner
		);
		assert_ok!(Machines::remove_capability(
			RuntimeOrigin::signed(MANUFACTURER),
			MILL,
			key("kiln")
		));
		assert_eq!(
			last_event(),
			Event::CapabilityRemoved { machine: MILL, capability: key("kiln") }.into()
		);
		assert!(!ByCapability::<Test>::contains_key(key("kiln"), MILL));
		assert_noop!(
			Machines::remove_capability(RuntimeOrigin::signed(MANUFACTURER), MILL, key("kiln")),
			Error::<Test>::UnknownCapability
		);
		assert_ok!(add(MANUFACTURER, "sort", sort));
	});
}

#[test]
fn owner_machine_or_gateway_set_the_status_with_history() {
	new_test_ext().execute_with(|| {
		register();
		assert_noop!(
			Machines::set_status(RuntimeOrigin::signed(FACTORY), MILL, MachineStatus::Offline),
			Error::<Test>::NotAuthorized
		);
		assert_noop!(
			Machines::set_status(RuntimeOrigin::signed(MANUFACTURER), 999, MachineStatus::Offline),
			Error::<Test>::UnknownMachine
		);
		assert_noop!(
			Machines::set_status(RuntimeOrigin::signed(MANUFACTURER), MILL, MachineStatus::Retired),
			Error::<Test>::UseRetire
		);
		advance(1_000);
		assert_ok!(Machines::set_status(RuntimeOrigin::signed(MILL), MILL, MachineStatus::Busy(7)));
		assert_eq!(
			last_event(),
			Event::StatusChanged { machine: MILL, status: MachineStatus::Busy(7), by: MILL }.into()
		);
		MockDid::add_gateway(MILL, GATEWAY);
		advance(1_000);
		assert_ok!(Machines::set_status(
			RuntimeOrigin::signed(GATEWAY),
			MILL,
			MachineStatus::Maintenance
		));
		advance(1_000);
		assert_ok!(Machines::set_status(
			RuntimeOrigin::signed(MANUFACTURER),
			MILL,
			MachineStatus::Idle
		));
		let m = MachineRecords::<Test>::get(MILL).unwrap();
		assert_eq!((m.status, m.maintenance_events), (MachineStatus::Idle, 1));
		assert_eq!(m.status_since.time, T0 + 3_000);
		// What was it doing when?
		assert_eq!(Machines::status_at(&MILL, T0 - 1), None);
		assert_eq!(Machines::status_at(&MILL, T0), Some(MachineStatus::Idle));
		assert_eq!(Machines::status_at(&MILL, T0 + 1_500), Some(MachineStatus::Busy(7)));
		assert_eq!(Machines::status_at(&MILL, T0 + 2_000), Some(MachineStatus::Maintenance));
		assert_eq!(Machines::status_at(&MILL, T0 + 9_999), Some(MachineStatus::Idle));
		// The history keeps the last four changes.
		advance(1_000);
		assert_ok!(Machines::set_status(RuntimeOrigin::signed(MILL), MILL, MachineStatus::Offline));
		let history = StatusHistory::<Test>::get(MILL);
		assert_eq!(history.len(), 4);
		assert_eq!(history[0].1, MachineStatus::Busy(7), "the oldest entry was dropped");
		assert_eq!(Machines::status_at(&MILL, T0), None, "older than the kept history");
	});
}

#[test]
fn ownership_moves_to_the_factory() {
	new_test_ext().execute_with(|| {
		register();
		assert_noop!(
			Machines::transfer_ownership(RuntimeOrigin::signed(FACTORY), MILL, FACTORY),
			Error::<Test>::NotOwner
		);
		assert_noop!(
			Machines::transfer_ownership(RuntimeOrigin::signed(MANUFACTURER), MILL, MANUFACTURER),
			Error::<Test>::SameOwner
		);
		assert_ok!(Machines::transfer_ownership(
			RuntimeOrigin::signed(MANUFACTURER),
			MILL,
			FACTORY
		));
		assert_eq!(
			last_event(),
			Event::OwnershipTransferred { machine: MILL, from: MANUFACTURER, to: FACTORY }.into()
		);
		assert_ok!(Machines::set_status(
			RuntimeOrigin::signed(FACTORY),
			MILL,
			MachineStatus::Offline
		));
		assert_noop!(
			Machines::set_status(RuntimeOrigin::signed(MANUFACTURER), MILL, MachineStatus::Idle),
			Error::<Test>::NotAuthorized
		);
	});
}

#[test]
fn retired_machines_change_no_more() {
	new_test_ext().execute_with(|| {
		with_mill_capability();
		assert_noop!(
			Machines::retire(RuntimeOrigin::signed(FACTORY), MILL),
			Error::<Test>::NotOwner
		);
		assert_ok!(Machines::retire(RuntimeOrigin::signed(MANUFACTURER), MILL));
		assert_eq!(last_event(), Event::MachineRetired { machine: MILL }.into());
		assert_eq!(MachineRecords::<Test>::get(MILL).unwrap().status, MachineStatus::Retired);
		assert!(!ByCapability::<Test>::contains_key(key("mill"), MILL));
		assert!(!<Machines as MachineRegistry<u64>>::can_perform(&MILL, b"mill"));
		assert_eq!(Balances::balance_on_hold(&HoldReason::MachineDeposit.into(), &MANUFACTURER), 0);
		assert_noop!(
			Machines::retire(RuntimeOrigin::signed(MANUFACTURER), MILL),
			Error::<Test>::Retired
		);
		assert_noop!(
			Machines::set_status(RuntimeOrigin::signed(MILL), MILL, MachineStatus::Idle),
			Error::<Test>::Retired
		);
		let c = MockCredentials::anchor_capability(2, MILL, "kiln");
		assert_noop!(
			Machines::add_capability(RuntimeOrigin::signed(MANUFACTURER), MILL, key("kiln"), c),
			Error::<Test>::Retired
		);
		assert_noop!(
			Machines::transfer_ownership(RuntimeOrigin::signed(MANUFACTURER), MILL, FACTORY),
			Error::<Test>::Retired
		);
	});
}

#[test]
fn tasks_move_machines_between_idle_and_busy_and_count() {
	new_test_ext().execute_with(|| {
		with_mill_capability();
		type Reg = Machines;
		assert_noop!(
			<Reg as MachineRegistry<u64>>::start_task(&999, 1),
			Error::<Test>::UnknownMachine
		);
		assert_ok!(<Reg as MachineRegistry<u64>>::start_task(&MILL, 1));
		assert_eq!(<Reg as MachineRegistry<u64>>::status(&MILL), Some(MachineStatus::Busy(1)));
		assert_noop!(<Reg as MachineRegistry<u64>>::start_task(&MILL, 2), Error::<Test>::NotIdle);
		assert_noop!(
			<Reg as MachineRegistry<u64>>::finish_task(&MILL, 2, true),
			Error::<Test>::NotBusyWithTask
		);
		assert_ok!(<Reg as MachineRegistry<u64>>::finish_task(&MILL, 1, true));
		assert_eq!(
			last_event(),
			Event::TaskFinished { machine: MILL, task: 1, success: true }.into()
		);
		assert_ok!(<Reg as MachineRegistry<u64>>::start_task(&MILL, 2));
		assert_ok!(<Reg as MachineRegistry<u64>>::finish_task(&MILL, 2, false));
		let m = MachineRecords::<Test>::get(MILL).unwrap();
		assert_eq!((m.tasks_completed, m.tasks_failed, m.status), (1, 1, MachineStatus::Idle));
	});
}

#[test]
fn maintenance_can_interrupt_idle_and_busy_machines() {
	new_test_ext().execute_with(|| {
		with_mill_capability();
		type Reg = Machines;
		assert_noop!(
			<Reg as MachineRegistry<u64>>::enter_maintenance(&999),
			Error::<Test>::UnknownMachine
		);
		assert_ok!(<Reg as MachineRegistry<u64>>::start_task(&MILL, 1));
		assert_ok!(<Reg as MachineRegistry<u64>>::enter_maintenance(&MILL));
		assert_eq!(
			last_event(),
			Event::StatusChanged {
				machine: MILL,
				status: MachineStatus::Maintenance,
				by: MANUFACTURER
			}
			.into()
		);
		assert_noop!(
			<Reg as MachineRegistry<u64>>::enter_maintenance(&MILL),
			Error::<Test>::CannotEnterMaintenance
		);
		// The interrupted task may still finish; the machine stays in maintenance.
		assert_ok!(<Reg as MachineRegistry<u64>>::finish_task(&MILL, 1, true));
		let m = MachineRecords::<Test>::get(MILL).unwrap();
		assert_eq!((m.tasks_completed, m.maintenance_events), (1, 1));
		assert_eq!(m.status, MachineStatus::Maintenance);
		assert_noop!(<Reg as MachineRegistry<u64>>::start_task(&MILL, 2), Error::<Test>::NotIdle);
		assert_ok!(Machines::set_status(
			RuntimeOrigin::signed(MANUFACTURER),
			MILL,
			MachineStatus::Offline
		));
		assert_noop!(
			<Reg as MachineRegistry<u64>>::enter_maintenance(&MILL),
			Error::<Test>::CannotEnterMaintenance
		);
	});
}

#[test]
fn the_capability_index_answers_who_can_idle_first() {
	new_test_ext().execute_with(|| {
		for (machine, digest) in [(MILL, 1u8), (101, 2), (102, 3)] {
			consent(machine, MANUFACTURER);
			assert_ok!(Machines::register_machine(
				RuntimeOrigin::signed(MANUFACTURER),
				machine,
				nameplate(2024)
			));
			let c = MockCredentials::anchor_capability(digest, machine, "mill");
			assert_ok!(Machines::add_capability(
				RuntimeOrigin::signed(MANUFACTURER),
				machine,
				key("mill"),
				c
			));
		}
		assert_ok!(Machines::set_status(
			RuntimeOrigin::signed(MANUFACTURER),
			MILL,
			MachineStatus::Busy(1)
		));
		MockCredentials::fail(3, CapabilityError::Suspended);
		let found = Machines::by_capability(b"mill");
		assert_eq!(found, vec![(101, MachineStatus::Idle), (MILL, MachineStatus::Busy(1))]);
		assert!(Machines::by_capability(b"kiln").is_empty());
	});
}

#[test]
fn idle_candidates_are_capable_idle_machines_with_load_and_idle_time() {
	new_test_ext().execute_with(|| {
		for (machine, digest) in [(MILL, 1u8), (101, 2), (102, 3)] {
			consent(machine, MANUFACTURER);
			assert_ok!(Machines::register_machine(
				RuntimeOrigin::signed(MANUFACTURER),
				machine,
				nameplate(2024)
			));
			let c = MockCredentials::anchor_capability(digest, machine, "mill");
			assert_ok!(Machines::add_capability(
				RuntimeOrigin::signed(MANUFACTURER),
				machine,
				key("mill"),
				c
			));
		}
		// 101 did one task and is idle again since a second later; MILL is busy; 102's
		// credential is suspended.
		advance(1_000);
		assert_ok!(<Machines as MachineRegistry<u64>>::start_task(&101, 5));
		assert_ok!(<Machines as MachineRegistry<u64>>::finish_task(&101, 5, true));
		assert_ok!(<Machines as MachineRegistry<u64>>::start_task(&MILL, 6));
		MockCredentials::fail(3, CapabilityError::Suspended);
		let all = |_: &u64| true;
		let found = <Machines as MachineRegistry<u64>>::idle_candidates(b"mill", 10, &all);
		assert_eq!(found, vec![(101, 1, T0 + 1_000)]);
		assert!(<Machines as MachineRegistry<u64>>::idle_candidates(b"mill", 0, &all).is_empty());
		assert!(<Machines as MachineRegistry<u64>>::idle_candidates(b"kiln", 10, &all).is_empty());
		// The busy machine is not in the idle index; the suspended credential's machine left it.
		assert!(!IdleByCapability::<Test>::contains_key(key("mill"), MILL));
		assert!(!IdleByCapability::<Test>::contains_key(key("mill"), 102));
		assert!(IdleByCapability::<Test>::contains_key(key("mill"), 101));
	});
}
