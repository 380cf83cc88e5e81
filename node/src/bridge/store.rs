//! The offchain database's PERSISTENT storage, which the runtime's offchain workers share: the
//! bridge keeps its state there ([`Store`]: windows, queues, command markers), and submits
//! under pallet-gateway's protocol there ([`OffchainDb`]: the submitters' lock and batches).

use mqtt_offchain_worker::store::Store;
use pallet_gateway::OffchainDb;
use sp_core::offchain::OffchainStorage;

/// The offchain database's PERSISTENT storage.
#[derive(Clone)]
pub struct OffchainStore<S>(pub S);

impl<S: OffchainStorage + 'static> Store for OffchainStore<S> {
	fn get(&self, key: &[u8]) -> Option<Vec<u8>> {
		self.0.get(sp_offchain::STORAGE_PREFIX, key)
	}
	fn set(&self, key: &[u8], value: &[u8]) {
		self.0.clone().set(sp_offchain::STORAGE_PREFIX, key, value)
	}
	fn remove(&self, key: &[u8]) {
		self.0.clone().remove(sp_offchain::STORAGE_PREFIX, key)
	}
}

impl<S: OffchainStorage + 'static> OffchainDb for OffchainStore<S> {
	fn get(&self, key: &[u8]) -> Option<Vec<u8>> {
		Store::get(self, key)
	}
	fn set(&self, key: &[u8], value: &[u8]) {
		Store::set(self, key, value)
	}
	fn compare_and_set(&self, key: &[u8], old: Option<&[u8]>, new: &[u8]) -> bool {
		self.0.clone().compare_and_set(sp_offchain::STORAGE_PREFIX, key, old, new)
	}
	fn remove(&self, key: &[u8]) {
		Store::remove(self, key)
	}
}
