//! # Gateway pallet: the factory gateway signs what the node's MQTT bridge decided
//!
//! The node's MQTT bridge (`mqtt-offchain-worker`) turns factory messages into calls — anchor a
//! telemetry window, start or complete a task, place an order — and queues them in the node's
//! offchain database (PERSISTENT kind, so they survive restarts). This pallet's offchain worker
//! signs each queued call with the **gateway key** it names, which must be in the node's
//! keystore under [`KEY_TYPE`] (`gate`), and submits it to the pool. The chain then checks the
//! signer like any other caller, e.g. that it is an authentication delegate of the machine's
//! DID: there is no shared admin key.
//!
//! Only calls the runtime allows a gateway ([`Config::GatewayCalls`]) are signed. A call the
//! pool took is submitted again every `RetryAfter` blocks, at most `MaxAttempts` times, until
//! the node has seen it in a finalized block and removed it from the queue; one the pool refused
//! (e.g. its nonce is still taken by the gateway's previous transaction) is tried again at the
//! next block.
//!
//! The node's bridge also submits each call it queues at once, signed with the same key from
//! the same keystore, so that a call need not wait for the next block's worker run. Both
//! submitters follow one protocol, written once in [`protocol`]: they take the [`SubmitLock`]
//! first and follow the same nonce rule ([`Batches::next_nonce`]), so they never sign two
//! transactions with one nonce; this worker then only retries what the node
//! submitted (after `RetryAfter` blocks, if it is still queued) and takes over what the node
//! could not submit.
//!
//! ## The queue (written by the node, read here)
//! - [`QUEUE_KEY`]: SCALE `Vec<u64>`, the ids of queued entries, oldest first (node writes).
//! - [`entry_key`]`(id)`: SCALE [`Entry`] — the signer's sr25519 public key and the SCALE-encoded
//!   runtime call (node writes).
//! - [`tried_key`]`(id)`: SCALE [`Tried`] — when this worker last submitted it and how often
//!   (this worker writes; the node removes it with the entry).
//!
//! The pallet has no calls and no storage on chain. Its genesis config dispatches a list of
//! calls, each as signed by its account: how the development preset sets up the demo factory
//! (machine DIDs, gateway delegates, credentials, capabilities, recipes, rules) through the
//! same checks as on a live chain.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub use pallet::*;

#[cfg(test)]
mod mock;
pub mod protocol;
#[cfg(test)]
mod tests;

use alloc::vec::Vec;
use codec::{Decode, DecodeWithMemTracking, Encode};
use scale_info::TypeInfo;
use sp_core::crypto::KeyTypeId;

pub use protocol::{
	Batches, InFlight, OffchainDb, SubmitLock, WorkerDb, IN_FLIGHT_KEY, LOCK_KEY, LOCK_MS,
};

/// The keystore key type of gateway keys.
pub const KEY_TYPE: KeyTypeId = KeyTypeId(*b"gate");

/// The queued entry ids, oldest first: SCALE `Vec<u64>`.
pub const QUEUE_KEY: &[u8] = b"twinchain/gateway/queue";

/// Where entry `id` is kept.
pub fn entry_key(id: u64) -> Vec<u8> {
	[&b"twinchain/gateway/entry/"[..], &id.to_be_bytes()].concat()
}

/// Where this worker notes its attempts for entry `id`.
pub fn tried_key(id: u64) -> Vec<u8> {
	[&b"twinchain/gateway/tried/"[..], &id.to_be_bytes()].concat()
}

/// A call the node wants signed.
#[derive(Clone, Debug, Decode, DecodeWithMemTracking, Encode, Eq, PartialEq, TypeInfo)]
pub struct Entry {
	/// The sr25519 public key of the gateway that must sign it.
	pub signer: [u8; 32],
	/// The SCALE-encoded runtime call.
	pub call: Vec<u8>,
}

/// This worker's attempts at an entry.
#[derive(Clone, Debug, Decode, Default, Encode, Eq, PartialEq, TypeInfo)]
pub struct Tried {
	/// The block of the last attempt.
	pub at: u64,
	/// How many attempts were made.
	pub attempts: u32,
	/// Why it will not be tried again, if so.
	pub refused: Option<Refusal>,
}

/// Why an entry is not signed.
#[derive(Clone, Copy, Debug, Decode, Encode, Eq, PartialEq, TypeInfo)]
pub enum Refusal {
	/// The bytes are not a call of this runtime.
	Undecodable,
	/// The runtime does not allow gateways this call.
	NotAllowed,
	/// `MaxAttempts` attempts were made.
	GaveUp,
}

/// The gateway key type's application crypto.
pub mod crypto {
	use super::KEY_TYPE;
	use sp_runtime::{
		app_crypto::{app_crypto, sr25519},
		MultiSignature, MultiSigner,
	};
	app_crypto!(sr25519, KEY_TYPE);

	/// Signs gateway transactions with a `gate` key.
	pub struct GatewayAuthId;

	impl frame_system::offchain::AppCrypto<MultiSigner, MultiSignature> for GatewayAuthId {
		type RuntimeAppPublic = Public;
		type GenericSignature = sp_core::sr25519::Signature;
		type GenericPublic = sp_core::sr25519::Public;
	}

	impl frame_system::offchain::AppCrypto<sp_core::sr25519::Public, sp_core::sr25519::Signature>
		for GatewayAuthId
	{
		type RuntimeAppPublic = Public;
		type GenericSignature = sp_core::sr25519::Signature;
		type GenericPublic = sp_core::sr25519::Public;
	}
}

#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use codec::DecodeAll;
	use frame_support::{pallet_prelude::*, traits::Contains};
	use frame_system::{
		offchain::{AppCrypto, CreateSignedTransaction, SendSignedTransaction, Signer},
		pallet_prelude::*,
	};
	use sp_runtime::{offchain::StorageKind, traits::SaturatedConversion, RuntimeAppPublic};

	/// The storage layout's version; a change of layout comes with a migration.
	const STORAGE_VERSION: StorageVersion = StorageVersion::new(0);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	#[pallet::config]
	pub trait Config:
		frame_system::Config + CreateSignedTransaction<<Self as frame_system::Config>::RuntimeCall>
	{
		/// The gateway keys' crypto.
		type AuthorityId: AppCrypto<Self::Public, Self::Signature>;
		/// The calls a gateway may have signed.
		type GatewayCalls: Contains<<Self as frame_system::Config>::RuntimeCall>;
		/// Blocks before a submitted entry that is still queued is submitted again.
		#[pallet::constant]
		type RetryAfter: Get<BlockNumberFor<Self>>;
		/// Attempts before an entry is given up.
		#[pallet::constant]
		type MaxAttempts: Get<u32>;
		/// The most entries submitted per block.
		#[pallet::constant]
		type MaxPerBlock: Get<u32>;
	}

	#[pallet::genesis_config]
	#[derive(frame_support::DefaultNoBound)]
	pub struct GenesisConfig<T: Config> {
		/// Calls dispatched at genesis, in order: each a signer and a SCALE-encoded runtime
		/// call. A failing call fails the genesis.
		pub calls: Vec<(T::AccountId, Vec<u8>)>,
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			use sp_runtime::traits::Dispatchable;
			for (i, (who, raw)) in self.calls.iter().enumerate() {
				let call = <T as frame_system::Config>::RuntimeCall::decode_all(&mut &raw[..])
					.unwrap_or_else(|_| panic!("genesis call {i} is not a call of this runtime"));
				if let Err(e) = call.dispatch(frame_system::RawOrigin::Signed(who.clone()).into()) {
					panic!("genesis call {i} failed: {:?}", e.error);
				}
			}
		}
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		/// Signs and submits the queued entries that are due.
		fn offchain_worker(now: BlockNumberFor<T>) {
			let submitted = Self::process_queue(now.saturated_into());
			if submitted > 0 {
				log::debug!(target: "gateway", "submitted {submitted} gateway transaction(s)");
			}
		}

		fn integrity_test() {
			assert!(T::MaxPerBlock::get() >= 1, "MaxPerBlock: nothing would ever be submitted");
			assert!(T::MaxAttempts::get() >= 1, "MaxAttempts: nothing would ever be submitted");
		}
	}

	impl<T: Config> Pallet<T> {
		fn get<V: Decode>(key: &[u8]) -> Option<V> {
			sp_io::offchain::local_storage_get(StorageKind::PERSISTENT, key)
				.and_then(|raw| V::decode(&mut &raw[..]).ok())
		}

		fn note(id: u64, tried: &Tried) {
			sp_io::offchain::local_storage_set(
				StorageKind::PERSISTENT,
				&tried_key(id),
				&tried.encode(),
			);
		}

		/// The chain's account nonce of gateway key `signer`.
		fn chain_nonce(signer: &[u8; 32]) -> Option<u64> {
			let who = T::AccountId::decode(&mut &signer[..]).ok()?;
			Some(frame_system::Pallet::<T>::account_nonce(&who).saturated_into())
		}

		/// Whether `signer` may submit now (the nonce rule of [`Batches::next_nonce`] for a
		/// submitter that sees only the chain): its last batch is included, or old enough to be
		/// taken as dropped. A signer that is no account of this chain is not held back.
		fn may_submit(
			batches: &Batches,
			signer: &[u8; 32],
			chain_nonce: Option<u64>,
			now: u64,
		) -> bool {
			let retry_after: u64 = T::RetryAfter::get().saturated_into();
			chain_nonce
				.is_none_or(|n| batches.next_nonce(signer, n, None, now, retry_after).is_some())
		}

		/// Submits the due entries; returns how many were submitted. Does nothing while the
		/// node's bridge holds the [`SubmitLock`] (it then submits; what it leaves is taken next
		/// block).
		pub fn process_queue(now: u64) -> u32 {
			let Some(_lock) =
				SubmitLock::try_take(&WorkerDb, sp_io::offchain::timestamp().unix_millis())
			else {
				log::debug!(target: "gateway", "the node is submitting; next block");
				return 0;
			};
			let queue: Vec<u64> = Self::get(QUEUE_KEY).unwrap_or_default();
			let retry_after: u64 = T::RetryAfter::get().saturated_into();
			let mut batches = Batches::load(&WorkerDb);
			// Per gateway key met in this run: whether it may submit, its nonce on chain, and
			// how many it submitted.
			let mut keys: Vec<([u8; 32], bool, Option<u64>, u64)> = Vec::new();
			let mut submitted = 0;
			for id in queue {
				if submitted >= T::MaxPerBlock::get() {
					break;
				}
				let Some(entry) = Self::get::<Entry>(&entry_key(id)) else { continue };
				let k = match keys.iter().position(|(s, ..)| *s == entry.signer) {
					Some(k) => k,
					None => {
						let chain_nonce = Self::chain_nonce(&entry.signer);
						let may = Self::may_submit(&batches, &entry.signer, chain_nonce, now);
						if !may {
							log::debug!(target: "gateway", "waiting for the previous batch of 0x{} to be included", sp_core::hexdisplay::HexDisplay::from(&entry.signer));
						}
						keys.push((entry.signer, may, chain_nonce, 0));
						keys.len() - 1
					},
				};
				if !keys[k].1 {
					continue;
				}
				let mut tried: Tried = Self::get(&tried_key(id)).unwrap_or_default();
				if tried.refused.is_some()
					|| (tried.attempts > 0 && now < tried.at.saturating_add(retry_after))
				{
					continue;
				}
				if tried.attempts >= T::MaxAttempts::get() {
					tried.refused = Some(Refusal::GaveUp);
					log::warn!(target: "gateway", "entry {id}: gave up after {} attempts", tried.attempts);
					Self::note(id, &tried);
					continue;
				}
				let call = match <T as frame_system::Config>::RuntimeCall::decode_all(
					&mut &entry.call[..],
				) {
					Ok(call) => call,
					Err(_) => {
						tried.refused = Some(Refusal::Undecodable);
						log::warn!(target: "gateway", "entry {id}: not a call of this runtime");
						Self::note(id, &tried);
						continue;
					},
				};
				if !T::GatewayCalls::contains(&call) {
					tried.refused = Some(Refusal::NotAllowed);
					log::warn!(target: "gateway", "entry {id}: call not allowed to gateways");
					Self::note(id, &tried);
					continue;
				}
				let key =
					<T::AuthorityId as AppCrypto<T::Public, T::Signature>>::RuntimeAppPublic::all()
						.into_iter()
						.find(|k| k.to_raw_vec() == entry.signer);
				let Some(key) = key else {
					// Not counted as an attempt: the operator may still insert the key.
					log::warn!(
						target: "gateway",
						"entry {id}: no gateway key 0x{} in the keystore",
						sp_core::hexdisplay::HexDisplay::from(&entry.signer)
					);
					tried.at = now;
					tried.attempts = tried.attempts.max(1);
					Self::note(id, &tried);
					continue;
				};
				let generic: <T::AuthorityId as AppCrypto<T::Public, T::Signature>>::GenericPublic =
					key.into();
				let public: T::Public = generic.into();
				let results = Signer::<T, T::AuthorityId>::all_accounts()
					.with_filter(alloc::vec![public])
					.send_signed_transaction(|_| call.clone());
				match results.first() {
					Some((_, Ok(()))) => {
						tried.at = now;
						tried.attempts = tried.attempts.saturating_add(1);
						Self::note(id, &tried);
						submitted += 1;
						keys[k].3 += 1;
					},
					// Refused by the pool, typically because the previous block's transaction of
					// this gateway is not included yet and the nonce read from the chain is
					// taken: not an attempt; tried again next block.
					_ => {
						log::debug!(target: "gateway", "entry {id}: the pool refused it; next block")
					},
				}
			}
			let mut changed = false;
			for (signer, _, nonce, count) in keys.into_iter().filter(|k| k.3 > 0) {
				let Some(nonce) = nonce else { continue };
				batches.submitted(signer, nonce + count, now);
				changed = true;
			}
			if changed {
				batches.save(&WorkerDb);
			}
			submitted
		}
	}
}
