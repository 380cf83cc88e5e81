//! Unit tests of the actors pallet.

use crate::{mock::*, *};
use frame_support::{assert_noop, assert_ok, parameter_types, traits::EnsureOrigin};
use sp_runtime::DispatchError;

fn last_event() -> RuntimeEvent {
	System::events().pop().expect("an event").event
}

#[test]
fn genesis_sets_registrars_and_actors() {
	new_test_ext().execute_with(|| {
		assert_eq!(Registrars::<Test>::get().into_inner(), vec![1, 2]);
		let a = ActorOf::<Test>::get(10).unwrap();
		assert!(a.roles.contains(Role::Manufacturer));
		assert!(!a.roles.contains(Role::Supplier));
		assert_eq!(a.status, ActorStatus::Active);
		assert_eq!(a.name.to_vec(), b"Factory A".to_vec());
		assert!(<Actors as RoleProvider<u64>>::has_role(&10, Role::Manufacturer));
	});
}

#[test]
fn privileged_origin_manages_registrars() {
	new_test_ext().execute_with(|| {
		assert_noop!(Actors::add_registrar(RuntimeOrigin::signed(1), 3), DispatchError::BadOrigin);
		assert_ok!(Actors::add_registrar(RuntimeOrigin::root(), 3));
		assert_eq!(last_event(), Event::RegistrarAdded { registrar: 3 }.into());
		assert_noop!(
			Actors::add_registrar(RuntimeOrigin::root(), 3),
			Error::<Test>::AlreadyRegistrar
		);
		assert_noop!(
			Actors::add_registrar(RuntimeOrigin::root(), 4),
			Error::<Test>::TooManyRegistrars
		);
		assert_ok!(Actors::remove_registrar(RuntimeOrigin::root(), 1));
		assert_eq!(last_event(), Event::RegistrarRemoved { registrar: 1 }.into());
		assert_noop!(
			Actors::remove_registrar(RuntimeOrigin::root(), 1),
			Error::<Test>::NotRegistrar
		);
		assert_noop!(
			Actors::register_actor(RuntimeOrigin::signed(1), 20, Role::Customer, vec![]),
			Error::<Test>::NotRegistrar
		);
		assert_eq!(Registrars::<Test>::get().into_inner(), vec![2, 3]);
	});
}

#[test]
fn only_registrars_register_and_roles_accumulate() {
	new_test_ext().execute_with(|| {
		assert_noop!(
			Actors::register_actor(RuntimeOrigin::signed(10), 20, Role::Supplier, vec![]),
			Error::<Test>::NotRegistrar
		);
		assert_ok!(Actors::register_actor(
			RuntimeOrigin::signed(1),
			20,
			Role::Supplier,
			b"Supplier A".to_vec()
		));
		assert_eq!(
			last_event(),
			Event::ActorRegistered { actor: 20, role: Role::Supplier, registrar: 1 }.into()
		);
		assert_noop!(
			Actors::register_actor(RuntimeOrigin::signed(2), 20, Role::Supplier, vec![]),
			Error::<Test>::AlreadyHasRole
		);
		assert_ok!(Actors::register_actor(RuntimeOrigin::signed(2), 20, Role::Certifier, vec![]));
		let a = ActorOf::<Test>::get(20).unwrap();
		assert!(a.roles.contains(Role::Supplier) && a.roles.contains(Role::Certifier));
		assert_eq!(a.name.to_vec(), b"Supplier A".to_vec(), "an empty name keeps the old one");
		assert_eq!(a.registrar, 1);
		assert!(!<Actors as RoleProvider<u64>>::has_role(&20, Role::Auditor));
		assert_noop!(
			Actors::register_actor(RuntimeOrigin::signed(1), 21, Role::Customer, vec![b'x'; 65]),
			Error::<Test>::NameTooLong
		);
	});
}

#[test]
fn suspension_withdraws_roles_until_reactivated() {
	new_test_ext().execute_with(|| {
		assert_noop!(
			Actors::suspend_actor(RuntimeOrigin::signed(10), 10),
			Error::<Test>::NotRegistrar
		);
		assert_noop!(
			Actors::suspend_actor(RuntimeOrigin::signed(1), 99),
			Error::<Test>::UnknownActor
		);
		assert_noop!(
			Actors::reactivate_actor(RuntimeOrigin::signed(1), 10),
			Error::<Test>::NotSuspended
		);
		assert_ok!(Actors::suspend_actor(RuntimeOrigin::signed(1), 10));
		assert_eq!(last_event(), Event::ActorSuspended { actor: 10, registrar: 1 }.into());
		assert!(!<Actors as RoleProvider<u64>>::has_role(&10, Role::Manufacturer));
		assert_noop!(
			Actors::suspend_actor(RuntimeOrigin::signed(2), 10),
			Error::<Test>::AlreadySuspended
		);
		assert_noop!(
			Actors::reactivate_actor(RuntimeOrigin::signed(2), 99),
			Error::<Test>::UnknownActor
		);
		assert!(!<Actors as RoleProvider<u64>>::is_active_actor(&10), "suspended");
		assert_ok!(Actors::reactivate_actor(RuntimeOrigin::signed(2), 10));
		assert_eq!(last_event(), Event::ActorReactivated { actor: 10, registrar: 2 }.into());
		assert!(<Actors as RoleProvider<u64>>::has_role(&10, Role::Manufacturer));
		assert!(<Actors as RoleProvider<u64>>::is_active_actor(&10));
		assert!(!<Actors as RoleProvider<u64>>::is_active_actor(&99), "never registered");
	});
}

#[test]
fn registrars_revoke_single_roles() {
	new_test_ext().execute_with(|| {
		assert_ok!(Actors::register_actor(RuntimeOrigin::signed(1), 10, Role::Certifier, vec![]));
		assert_noop!(
			Actors::revoke_role(RuntimeOrigin::signed(10), 10, Role::Certifier),
			Error::<Test>::NotRegistrar
		);
		assert_noop!(
			Actors::revoke_role(RuntimeOrigin::signed(1), 99, Role::Certifier),
			Error::<Test>::UnknownActor
		);
		assert_noop!(
			Actors::revoke_role(RuntimeOrigin::signed(1), 10, Role::Auditor),
			Error::<Test>::RoleNotHeld
		);
		assert_ok!(Actors::revoke_role(RuntimeOrigin::signed(2), 10, Role::Certifier));
		assert_eq!(
			last_event(),
			Event::RoleRevoked { actor: 10, role: Role::Certifier, registrar: 2 }.into()
		);
		assert!(!<Actors as RoleProvider<u64>>::has_role(&10, Role::Certifier));
		assert!(
			<Actors as RoleProvider<u64>>::has_role(&10, Role::Manufacturer),
			"other roles stay"
		);
		assert_ok!(Actors::revoke_role(RuntimeOrigin::signed(2), 10, Role::Manufacturer));
		let a = ActorOf::<Test>::get(10).unwrap();
		assert!(a.roles.is_empty());
		assert!(!<Actors as RoleProvider<u64>>::is_active_actor(&10), "no role left");
		assert!(a.withdrawn.contains(Role::Certifier) && a.withdrawn.contains(Role::Manufacturer));
		// Given back, the role is no longer withdrawn.
		assert_ok!(Actors::register_actor(RuntimeOrigin::signed(1), 10, Role::Certifier, vec![]));
		let a = ActorOf::<Test>::get(10).unwrap();
		assert!(!a.withdrawn.contains(Role::Certifier) && a.withdrawn.contains(Role::Manufacturer));
	});
}

parameter_types! {
	pub const ManufacturerRole: Role = Role::Manufacturer;
}

#[test]
fn ensure_actor_with_role_gates_by_active_role() {
	new_test_ext().execute_with(|| {
		type Ensure = EnsureActorWithRole<Test, ManufacturerRole>;
		assert_eq!(Ensure::try_origin(RuntimeOrigin::signed(10)).ok(), Some(10));
		assert!(Ensure::try_origin(RuntimeOrigin::signed(11)).is_err(), "no role");
		assert!(Ensure::try_origin(RuntimeOrigin::root()).is_err(), "not signed");
		assert_ok!(Actors::register_actor(RuntimeOrigin::signed(1), 11, Role::Supplier, vec![]));
		assert!(Ensure::try_origin(RuntimeOrigin::signed(11)).is_err(), "another role");
		assert_ok!(Actors::suspend_actor(RuntimeOrigin::signed(1), 10));
		assert!(Ensure::try_origin(RuntimeOrigin::signed(10)).is_err(), "suspended");
	});
}

#[test]
fn ensure_registrar_passes_registrars_only() {
	new_test_ext().execute_with(|| {
		type Ensure = EnsureRegistrar<Test>;
		assert_eq!(Ensure::try_origin(RuntimeOrigin::signed(1)).ok(), Some(1));
		assert!(
			Ensure::try_origin(RuntimeOrigin::signed(10)).is_err(),
			"an actor, not a registrar"
		);
		assert!(Ensure::try_origin(RuntimeOrigin::root()).is_err(), "not signed");
		assert_ok!(Actors::remove_registrar(RuntimeOrigin::root(), 1));
		assert!(Ensure::try_origin(RuntimeOrigin::signed(1)).is_err(), "removed");
	});
}
