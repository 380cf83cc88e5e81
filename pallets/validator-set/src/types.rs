//! Types of the validator-set pallet.

use crate::Config;
use frame_support::BoundedVec;

/// The bounded, sorted validator set of a runtime.
pub type ValidatorsOf<T> =
	BoundedVec<<T as frame_system::Config>::AccountId, <T as Config>::MaxValidators>;

/// What the benchmarks need from the runtime: an account with registered session keys.
#[cfg(feature = "runtime-benchmarks")]
pub trait BenchmarkHelper<AccountId> {
	/// Make `who` pass `KeysRegistration::is_registered`.
	fn register_keys(who: &AccountId);
}
