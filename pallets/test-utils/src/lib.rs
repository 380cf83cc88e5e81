//! # pallet-test-utils
//!
//! Helpers the Twinchain pallets' unit tests share (a dev-dependency of each pallet): one
//! pallet's events out of a mock runtime's, the name of a refusal, the state root that shows a
//! refused call changed nothing, the random callers of the model-based tests, and
//! [`stand_ins`] for the pallets a pallet asks through `twinchain-primitives`' traits.

pub mod stand_ins;

use rand::{seq::SliceRandom, Rng};
use sp_runtime::DispatchError;

/// The events of one pallet (`E`, e.g. `Event<Test>`) deposited so far, oldest first.
pub fn events<T: frame_system::Config, E>() -> Vec<E>
where
	T::RuntimeEvent: TryInto<E>,
{
	frame_system::Pallet::<T>::events()
		.into_iter()
		.filter_map(|r| r.event.try_into().ok())
		.collect()
}

/// The state root now: equal before and after a call that changed nothing.
pub fn state_root() -> Vec<u8> {
	sp_io::storage::root(sp_runtime::StateVersion::V1)
}

/// A refusal's name: the pallet error's (`NotIssuer`), or the dispatch error's own
/// (`BadOrigin`, `Token(FundsUnavailable)`).
pub fn refusal(e: &DispatchError) -> String {
	match e {
		DispatchError::Module(m) => m.message.unwrap_or("?").to_string(),
		e => format!("{e:?}"),
	}
}

/// What a model expects of a call it refuses: the refusal's name.
pub fn refuse<T>(error: &str) -> Result<T, String> {
	Err(error.into())
}

/// Who makes a random call of a model-based test.
#[derive(Clone, Copy, Debug)]
pub enum Caller<A> {
	Signed(A),
	Root,
	Unsigned,
}

impl<A: Copy> Caller<A> {
	/// `right_percent` of the time one of `right` (who may make the call), then mostly any of
	/// `anyone`, and 3% root, 3% no one.
	pub fn pick(rng: &mut impl Rng, right: &[A], anyone: &[A], right_percent: u32) -> Self {
		let roll = rng.gen_range(0..100u32);
		if roll < right_percent.min(94) {
			Caller::Signed(*right.choose(rng).expect("someone may make the call"))
		} else if roll < 94 {
			Caller::Signed(*anyone.choose(rng).expect("accounts to pick from"))
		} else if roll < 97 {
			Caller::Root
		} else {
			Caller::Unsigned
		}
	}

	/// The call's origin.
	pub fn origin<O: From<frame_system::RawOrigin<A>>>(self) -> O {
		match self {
			Caller::Signed(who) => frame_system::RawOrigin::Signed(who).into(),
			Caller::Root => frame_system::RawOrigin::Root.into(),
			Caller::Unsigned => frame_system::RawOrigin::None.into(),
		}
	}

	/// The signer, or the error every signed-only call gives the others.
	pub fn signer(self) -> Result<A, String> {
		match self {
			Caller::Signed(who) => Ok(who),
			_ => refuse("BadOrigin"),
		}
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use rand::{rngs::StdRng, SeedableRng};

	#[test]
	fn callers_come_in_the_proportions_asked() {
		let mut rng = StdRng::seed_from_u64(7);
		let (mut right, mut other, mut root, mut none) = (0, 0, 0, 0);
		for _ in 0..10_000 {
			match Caller::pick(&mut rng, &[1u64], &[2, 3], 70) {
				Caller::Signed(1) => right += 1,
				Caller::Signed(_) => other += 1,
				Caller::Root => root += 1,
				Caller::Unsigned => none += 1,
			}
		}
		// 70% / 24% / 3% / 3%, within a few standard deviations.
		assert!((6_800..7_200).contains(&right), "{right}");
		assert!((2_200..2_600).contains(&other), "{other}");
		assert!((220..380).contains(&root) && (220..380).contains(&none), "{root} {none}");
		assert_eq!(Caller::Signed(5u64).signer(), Ok(5));
		assert_eq!(Caller::<u64>::Root.signer(), Err("BadOrigin".into()));
	}

	#[test]
	fn a_refusal_is_named_by_its_error() {
		assert_eq!(refusal(&DispatchError::BadOrigin), "BadOrigin");
		let module =
			sp_runtime::ModuleError { index: 3, error: [1, 0, 0, 0], message: Some("NotIssuer") };
		assert_eq!(refusal(&DispatchError::Module(module)), "NotIssuer");
	}
}
