//! What the pallets' storage migrations share.

use frame_support::storage::{storage_prefix, unhashed};

/// Renames `pallet`'s storage item `old` to `new`: every key under `old`'s prefix moves under
/// `new`'s with the same suffix (hashed keys) and value. Returns how many keys moved, so the
/// migration can charge one read and two writes for each.
pub fn rename_storage(pallet: &[u8], old: &[u8], new: &[u8]) -> u64 {
	let from = storage_prefix(pallet, old);
	let to = storage_prefix(pallet, new);
	let mut moved = 0;
	// A storage value's key is the prefix itself; a map's keys follow it.
	if let Some(value) = unhashed::get_raw(&from) {
		unhashed::put_raw(&to, &value);
		unhashed::kill(&from);
		moved += 1;
	}
	let mut cursor = from.to_vec();
	while let Some(key) = sp_io::storage::next_key(&cursor) {
		if !key.starts_with(&from) {
			break;
		}
		if let Some(value) = unhashed::get_raw(&key) {
			let mut target = to.to_vec();
			target.extend_from_slice(&key[from.len()..]);
			unhashed::put_raw(&target, &value);
			unhashed::kill(&key);
			moved += 1;
		}
		cursor = key;
	}
	moved
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn a_renamed_item_keeps_its_keys_and_values_and_nothing_else_moves() {
		sp_io::TestExternalities::default().execute_with(|| {
			let old = storage_prefix(b"Machines", b"Registry");
			let new = storage_prefix(b"Machines", b"Machines");
			let other = storage_prefix(b"Machines", b"Capabilities");
			for i in 0u8..5 {
				unhashed::put_raw(&[&old[..], &[i; 40]].concat(), &[i; 3]);
			}
			unhashed::put_raw(&[&other[..], &[9; 40]].concat(), b"stays");
			unhashed::put_raw(&old, b"the value of a plain storage value");
			assert_eq!(rename_storage(b"Machines", b"Registry", b"Machines"), 6);
			for i in 0u8..5 {
				assert_eq!(unhashed::get_raw(&[&new[..], &[i; 40]].concat()), Some(vec![i; 3]));
				assert_eq!(unhashed::get_raw(&[&old[..], &[i; 40]].concat()), None);
			}
			assert_eq!(
				unhashed::get_raw(&new).as_deref(),
				Some(&b"the value of a plain storage value"[..])
			);
			assert_eq!(
				unhashed::get_raw(&[&other[..], &[9; 40]].concat()).as_deref(),
				Some(&b"stays"[..])
			);
			assert_eq!(sp_io::storage::next_key(&old).filter(|k| k.starts_with(&old)), None);
			assert_eq!(rename_storage(b"Machines", b"Registry", b"Machines"), 0, "idempotent");
		});
	}
}
