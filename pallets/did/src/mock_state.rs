//! State for other pallets' test stand-ins, kept in unhashed storage under a key of their own:
//! it is rolled back with a failed call and starts empty in every test and every benchmark run,
//! like the storage of the pallet it stands in for (a thread-local would do neither).

use codec::{Decode, Encode};

/// The value under `key`, or its default.
pub fn get<V: Decode + Default>(key: &[u8]) -> V {
	frame_support::storage::unhashed::get(key).unwrap_or_default()
}

/// Runs `f` on the value under `key` (its default if absent) and stores the result.
pub fn with<V: Decode + Encode + Default, R>(key: &[u8], f: impl FnOnce(&mut V) -> R) -> R {
	let mut value = get::<V>(key);
	let r = f(&mut value);
	frame_support::storage::unhashed::put(key, &value);
	r
}
