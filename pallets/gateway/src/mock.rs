//! A test runtime for the gateway pallet: sr25519 accounts (gateway keys are accounts), and
//! `System::remark` as the one call gateways may have signed.

use crate as pallet_gateway;
use frame_support::{derive_impl, traits::Contains};
use sp_core::sr25519;
use sp_runtime::{traits::IdentityLookup, BuildStorage};

type Block = frame_system::mocking::MockBlock<Test>;
/// Extrinsics as the test pool sees them: the "address" slot carries the nonce.
pub type Extrinsic = sp_runtime::generic::UncheckedExtrinsic<u64, RuntimeCall, (), ()>;

frame_support::construct_runtime!(
	pub enum Test {
		System: frame_system,
		Gateway: pallet_gateway,
	}
);

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
	type AccountId = sr25519::Public;
	type Lookup = IdentityLookup<Self::AccountId>;
}

impl frame_system::offchain::SigningTypes for Test {
	type Public = sr25519::Public;
	type Signature = sr25519::Signature;
}

impl<C> frame_system::offchain::CreateTransactionBase<C> for Test
where
	RuntimeCall: From<C>,
{
	type Extrinsic = Extrinsic;
	type RuntimeCall = RuntimeCall;
}

impl<C> frame_system::offchain::CreateSignedTransaction<C> for Test
where
	RuntimeCall: From<C>,
{
	fn create_signed_transaction<
		A: frame_system::offchain::AppCrypto<Self::Public, Self::Signature>,
	>(
		call: RuntimeCall,
		_public: Self::Public,
		_account: Self::AccountId,
		nonce: u32,
	) -> Option<Extrinsic> {
		Some(Extrinsic::new_signed(call, nonce.into(), (), ()))
	}
}

/// Gateways may have remarks signed, nothing else.
pub struct OnlyRemarks;
impl Contains<RuntimeCall> for OnlyRemarks {
	fn contains(call: &RuntimeCall) -> bool {
		matches!(call, RuntimeCall::System(frame_system::Call::remark { .. }))
	}
}

impl pallet_gateway::Config for Test {
	type AuthorityId = crate::crypto::GatewayAuthId;
	type GatewayCalls = OnlyRemarks;
	type RetryAfter = frame_support::traits::ConstU64<3>;
	type MaxAttempts = frame_support::traits::ConstU32<2>;
	type MaxPerBlock = frame_support::traits::ConstU32<3>;
}

pub fn new_test_ext() -> sp_io::TestExternalities {
	frame_system::GenesisConfig::<Test>::default().build_storage().unwrap().into()
}
