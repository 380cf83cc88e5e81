//! [`DidHandOver`]: a machine changing hands takes its DID with it, and the old owner's
//! gateways, keys and signed operations lose their power.

use super::*;

fn add_gateway(did: &AccountId, controller: &AccountId, gateway: &AccountId) {
	assert_ok!(Did::add_delegate(
		RuntimeOrigin::signed(controller.clone()),
		did.clone(),
		DelegateType::Authentication,
		gateway.clone(),
		None,
		None
	));
}

#[test]
fn a_did_its_owner_controls_goes_to_the_new_owner_without_the_old_owners_items() {
	new_test_ext().execute_with(|| {
		// Alice created the machine's DID; her gateway (Charlie) acts for it; she lists a key.
		let machine = <Did as DidCreator<AccountId>>::create_did(&alice()).unwrap();
		add_gateway(&machine, &alice(), &charlie());
		assert_ok!(Did::set_attribute(
			RuntimeOrigin::signed(alice()),
			machine.clone(),
			name("key-1"),
			ed_key(7, KeyPurposes::ASSERTION_METHOD),
			None,
			None
		));
		let nonce = Dids::<Test>::get(&machine).unwrap().nonce;
		assert_eq!(held(&alice()), 100 + 10 + 10);

		assert_ok!(<Did as DidHandOver<AccountId>>::hand_over(&machine, &bob()));
		assert_eq!(last_event(), Event::HandedOver { did: machine.clone(), owner: bob() }.into());
		assert_eq!(Did::controller_of(&machine), bob());
		assert!(!<Did as DidAuthority<AccountId>>::acts_for(&machine, &alice()));
		assert!(!<Did as DidAuthority<AccountId>>::acts_for(&machine, &charlie()));
		assert!(<Did as DidAuthority<AccountId>>::acts_for(&machine, &bob()));
		assert_eq!(Delegates::<Test>::iter_prefix(&machine).count(), 0);
		assert_eq!(Attributes::<Test>::iter_prefix(&machine).count(), 0);
		// Alice gets the items' deposits back; the record's stays hers until deactivation.
		assert_eq!(held(&alice()), 100);
		// A signed operation Alice made before the hand-over is stale.
		assert_eq!(Dids::<Test>::get(&machine).unwrap().nonce, nonce + 1);
		assert_noop!(
			Did::change_controller(RuntimeOrigin::signed(alice()), machine.clone(), alice()),
			Error::<Test>::NotController
		);
		assert_ok!(Did::do_try_state());
	});
}

#[test]
fn a_self_controlled_machine_keeps_its_key_and_the_new_owner_becomes_its_delegate() {
	new_test_ext().execute_with(|| {
		// The machine's own key (Charlie's) controls its DID; Alice, its owner, and her gateway
		// (Ferdie) are its delegates, paid by the machine.
		let ferdie = Sr25519Keyring::Ferdie.to_account_id();
		add_gateway(&charlie(), &charlie(), &alice());
		add_gateway(&charlie(), &charlie(), &ferdie);
		assert_ok!(<Did as DidHandOver<AccountId>>::hand_over(&charlie(), &bob()));
		assert_eq!(Did::controller_of(&charlie()), charlie());
		assert!(<Did as DidAuthority<AccountId>>::acts_for(&charlie(), &charlie()));
		assert!(<Did as DidAuthority<AccountId>>::acts_for(&charlie(), &bob()));
		assert!(!<Did as DidAuthority<AccountId>>::acts_for(&charlie(), &alice()));
		assert!(!<Did as DidAuthority<AccountId>>::acts_for(&charlie(), &ferdie));
		assert_eq!(held(&bob()), 10, "Bob pays for his own delegation");
		assert_eq!(held(&charlie()), 100, "the record's deposit; the delegations' are released");
		assert_ok!(Did::do_try_state());
	});
}

#[test]
fn a_deactivated_did_is_not_handed_over_and_a_new_owner_who_cannot_pay_gets_nothing() {
	new_test_ext().execute_with(|| {
		assert_ok!(Did::deactivate(RuntimeOrigin::signed(charlie()), charlie()));
		assert_noop!(
			<Did as DidHandOver<AccountId>>::hand_over(&charlie(), &bob()),
			Error::<Test>::Deactivated
		);
		// An implicit DID: the new owner pays the record and its delegation; a pauper cannot.
		let pauper = AccountId::new([9; 32]);
		assert!(<Did as DidHandOver<AccountId>>::hand_over(&machine(), &pauper).is_err());
		assert!(Dids::<Test>::get(machine()).is_none());
	});
}
