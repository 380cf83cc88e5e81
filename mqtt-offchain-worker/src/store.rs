//! Durable key-value storage. In the node it is the offchain database's PERSISTENT storage
//! (the same the runtime's offchain workers read), so buffered telemetry, queued gateway calls
//! and command markers survive restarts; tests use [`MemStore`].

use codec::{Decode, Encode};
use std::{
	collections::BTreeMap,
	sync::{Arc, Mutex},
};

/// A durable key-value store.
pub trait Store: Send + Sync + 'static {
	/// The value under `key`.
	fn get(&self, key: &[u8]) -> Option<Vec<u8>>;
	/// Stores `value` under `key` (durably, before returning).
	fn set(&self, key: &[u8], value: &[u8]);
	/// Removes `key`.
	fn remove(&self, key: &[u8]);
}

/// Typed access to a [`Store`].
pub trait StoreExt: Store {
	/// The SCALE value under `key` (`None` if absent or undecodable).
	fn load<V: Decode>(&self, key: &[u8]) -> Option<V> {
		self.get(key).and_then(|raw| V::decode(&mut &raw[..]).ok())
	}
	/// Stores `value` SCALE-encoded.
	fn save<V: Encode>(&self, key: &[u8], value: &V) {
		self.set(key, &value.encode())
	}
}
impl<S: Store + ?Sized> StoreExt for S {}

/// An in-memory store; clones share their contents (a "restart" keeps them).
#[derive(Clone, Default)]
pub struct MemStore(Arc<Mutex<BTreeMap<Vec<u8>, Vec<u8>>>>);

impl Store for MemStore {
	fn get(&self, key: &[u8]) -> Option<Vec<u8>> {
		self.0.lock().expect("not poisoned").get(key).cloned()
	}
	fn set(&self, key: &[u8], value: &[u8]) {
		self.0.lock().expect("not poisoned").insert(key.to_vec(), value.to_vec());
	}
	fn remove(&self, key: &[u8]) {
		self.0.lock().expect("not poisoned").remove(key);
	}
}

impl MemStore {
	/// How many keys start with `prefix`.
	pub fn count(&self, prefix: &[u8]) -> usize {
		self.0
			.lock()
			.expect("not poisoned")
			.keys()
			.filter(|k| k.starts_with(prefix))
			.count()
	}
}
