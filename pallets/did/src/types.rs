//! Types of the DID pallet.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use frame_support::{pallet_prelude::ConstU32, BoundedVec};
use scale_info::TypeInfo;
use twinchain_primitives::{DelegateType, Moment, Stamp};

/// What the chain stores for a DID once anything about it changed. A DID without a record is
/// the *implicit* DID of its account: controlled by itself, no delegates, no attributes.
#[derive(
	Clone, Debug, Decode, DecodeWithMemTracking, Encode, Eq, MaxEncodedLen, PartialEq, TypeInfo,
)]
pub struct DidRecord<AccountId, Balance, BlockNumber> {
	/// The account whose key controls the DID (ERC-1056's *owner*).
	pub controller: AccountId,
	/// The nonce the next signed operation must carry; every change advances it.
	pub nonce: u64,
	/// When the record was created.
	pub created: Stamp<BlockNumber>,
	/// When the DID last changed; its block number is the document's `versionId`.
	pub updated: Stamp<BlockNumber>,
	/// Whether the DID is deactivated (for good).
	pub deactivated: bool,
	/// How many delegates are stored (revoked ones included).
	pub delegates: u32,
	/// How many attributes are stored (revoked ones included).
	pub attributes: u32,
	/// Who paid the record's deposit.
	pub depositor: AccountId,
	/// The deposit held for the record.
	pub deposit: Balance,
}

/// A validity window in ms since the Unix epoch: from `valid_from` (inclusive, never before the
/// time it was set) to `valid_until` (exclusive; `None` = open-ended). Revoking sets
/// `valid_until` to the revocation time.
#[derive(
	Clone,
	Copy,
	Debug,
	Decode,
	DecodeWithMemTracking,
	Encode,
	Eq,
	MaxEncodedLen,
	PartialEq,
	TypeInfo,
)]
pub struct Validity {
	/// The first moment it is valid.
	pub valid_from: Moment,
	/// The first moment it is no longer valid.
	pub valid_until: Option<Moment>,
}

impl Validity {
	/// Whether it is valid at `now`.
	pub fn is_valid_at(&self, now: Moment) -> bool {
		self.valid_from <= now && self.valid_until.is_none_or(|until| now < until)
	}
}

/// A delegate of a DID.
#[derive(
	Clone, Debug, Decode, DecodeWithMemTracking, Encode, Eq, MaxEncodedLen, PartialEq, TypeInfo,
)]
pub struct Delegate<AccountId, Balance> {
	/// When it may act.
	pub validity: Validity,
	/// Who paid the deposit.
	pub depositor: AccountId,
	/// The deposit held for it.
	pub deposit: Balance,
}

/// The cryptosystem of a public key attribute.
#[derive(
	Clone,
	Copy,
	Debug,
	Decode,
	DecodeWithMemTracking,
	Encode,
	Eq,
	MaxEncodedLen,
	PartialEq,
	TypeInfo,
)]
pub enum KeyType {
	/// An Ed25519 signing key (JWS `EdDSA`; `JsonWebKey2020` / `Multikey`).
	Ed25519,
	/// An Sr25519 (Schnorrkel) signing key (`Multikey`).
	Sr25519,
	/// An X25519 key-agreement key (`JsonWebKey2020` / `Multikey`).
	X25519,
}

/// What a public key attribute is for, one bit each: a set of verification relationships.
#[derive(
	Clone,
	Copy,
	Debug,
	Decode,
	DecodeWithMemTracking,
	Encode,
	Eq,
	MaxEncodedLen,
	PartialEq,
	TypeInfo,
)]
pub struct KeyPurposes(pub u8);

impl KeyPurposes {
	/// `authentication`.
	pub const AUTHENTICATION: u8 = 1;
	/// `assertionMethod`.
	pub const ASSERTION_METHOD: u8 = 2;
	/// `keyAgreement`.
	pub const KEY_AGREEMENT: u8 = 4;
	/// Every defined bit.
	pub const ALL: u8 = 7;

	/// Whether `bit` is set.
	pub fn has(self, bit: u8) -> bool {
		self.0 & bit != 0
	}
}

/// The longest attribute name, service type or delegate fragment.
pub type MaxNameLength = ConstU32<32>;
/// The longest service endpoint URI.
pub type MaxEndpointLength = ConstU32<200>;

/// An attribute's name: the fragment of its id in the DID document (`did:twin:…#<name>`).
/// 1–32 of `A–Z a–z 0–9 . _ -`.
pub type AttributeName = BoundedVec<u8, MaxNameLength>;

/// What an attribute says.
#[derive(
	Clone, Debug, Decode, DecodeWithMemTracking, Encode, Eq, MaxEncodedLen, PartialEq, TypeInfo,
)]
pub enum AttributeValue {
	/// A public key, listed under `verificationMethod` and the relationships in `purposes`.
	PublicKey {
		/// Its cryptosystem.
		key_type: KeyType,
		/// Its verification relationships. X25519 keys serve `keyAgreement` only; signing keys
		/// serve `authentication` and/or `assertionMethod`.
		purposes: KeyPurposes,
		/// The raw 32-byte public key.
		key: [u8; 32],
	},
	/// A service endpoint, listed under `service`.
	Service {
		/// The service type, e.g. `MqttBroker` or `LinkedDomains` (1–32 of `A–Z a–z 0–9`).
		service_type: BoundedVec<u8, MaxNameLength>,
		/// The endpoint URI, e.g. `mqtts://factory-a.example:8883` (printable ASCII with a
		/// scheme, up to 200 bytes).
		endpoint: BoundedVec<u8, MaxEndpointLength>,
	},
}

/// A stored attribute.
#[derive(
	Clone, Debug, Decode, DecodeWithMemTracking, Encode, Eq, MaxEncodedLen, PartialEq, TypeInfo,
)]
pub struct Attribute<AccountId, Balance> {
	/// What it says.
	pub value: AttributeValue,
	/// When it is valid.
	pub validity: Validity,
	/// Who paid the deposit.
	pub depositor: AccountId,
	/// The deposit held for it.
	pub deposit: Balance,
}

/// An operation on a DID. Each call of the pallet performs one; [`crate::Pallet::execute_signed`]
/// performs one that the controller signed off chain.
#[derive(
	Clone, Debug, Decode, DecodeWithMemTracking, Encode, Eq, MaxEncodedLen, PartialEq, TypeInfo,
)]
pub enum DidOperation<AccountId> {
	/// Hand control to another account (key rotation).
	ChangeController {
		/// The new controller.
		new_controller: AccountId,
	},
	/// Add a delegate, or replace the validity window of an existing one.
	AddDelegate {
		/// What it may do.
		delegate_type: DelegateType,
		/// The delegate's account.
		delegate: AccountId,
		/// From when (ms since the epoch; `None` = now).
		valid_from: Option<Moment>,
		/// Until when (exclusive; `None` = until revoked).
		valid_until: Option<Moment>,
	},
	/// Revoke a delegate: it stops being valid now.
	RevokeDelegate {
		/// What it was allowed to do.
		delegate_type: DelegateType,
		/// The delegate's account.
		delegate: AccountId,
	},
	/// Set an attribute (a public key or a service), replacing one of the same name.
	SetAttribute {
		/// Its name.
		name: AttributeName,
		/// Its value.
		value: AttributeValue,
		/// From when (ms since the epoch; `None` = now).
		valid_from: Option<Moment>,
		/// Until when (exclusive; `None` = until revoked).
		valid_until: Option<Moment>,
	},
	/// Revoke an attribute: it stops being valid now.
	RevokeAttribute {
		/// Its name.
		name: AttributeName,
	},
	/// Deactivate the DID for good, releasing every deposit.
	Deactivate,
}

/// What the controller signs for [`crate::Pallet::execute_signed`]: a domain tag, the chain's
/// genesis hash (no cross-chain replay), the DID, its nonce (no replay), the last block it may
/// run in (no signature lies around for ever), the one account that may submit it if any (no
/// front-running by another relayer) and the operation. The signature covers the SCALE encoding
/// of this struct.
#[derive(Clone, Debug, Encode, Eq, PartialEq)]
pub struct SignedPayload<'a, AccountId, Hash, BlockNumber> {
	/// Always [`SIGNED_PAYLOAD_DOMAIN`].
	pub domain: [u8; 16],
	/// The genesis hash of the chain the operation is meant for.
	pub genesis_hash: Hash,
	/// The DID's account.
	pub did: &'a AccountId,
	/// The DID's current nonce.
	pub nonce: u64,
	/// The last block the operation may be executed in.
	pub valid_until: BlockNumber,
	/// The only account that may submit it, or anyone (`None`).
	pub submitter: &'a Option<AccountId>,
	/// The operation.
	pub operation: &'a DidOperation<AccountId>,
}

/// The domain tag that starts every signed DID payload.
pub const SIGNED_PAYLOAD_DOMAIN: [u8; 16] = *b"twinchain/did/v2";

/// How a DID document should present keys.
#[derive(
	Clone, Copy, Debug, Decode, DecodeWithMemTracking, Default, Encode, Eq, PartialEq, TypeInfo,
)]
pub enum KeyFormat {
	/// Ed25519 and X25519 keys as `JsonWebKey2020` (`publicKeyJwk`), Sr25519 keys as `Multikey`.
	#[default]
	JsonWebKey2020,
	/// Every key as `Multikey` (`publicKeyMultibase`).
	Multikey,
}

/// Creates the signature of a signed payload in benchmarks.
#[cfg(feature = "runtime-benchmarks")]
pub trait BenchmarkHelper<AccountId, Signature> {
	/// A fresh controller account whose key this helper can sign with.
	fn controller() -> AccountId;
	/// `controller`'s signature over `message`.
	fn sign(controller: &AccountId, message: &[u8]) -> Signature;
}
