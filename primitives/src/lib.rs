//! What Twinchain's pallets share, and the only crate through which they know each other.
//!
//! A pallet depends on this crate, never on another pallet: each pallet's `Config` names the
//! traits of [`traits`] it needs (`type Dids: DidAuthority<Self::AccountId>`, …), and the
//! runtime wires the pallet that implements a trait into the pallet that asks (as polkadot-sdk
//! keeps its cross-pallet traits in `frame_support::traits` and `sp-staking`).
//!
//! - [`time`]: the chain's clock (`Moment`, `Stamp`, `now_ms`, `stamp_now`);
//! - [`identity`]: what the DID and actors pallets tell others (`DelegateType`, `Role`);
//! - [`credential`]: credential digests and capabilities as credentials claim them;
//! - [`machine`]: task ids and what a machine is doing;
//! - [`product`]: products' types, workpiece colours, lots and process steps as the tasks pallet
//!   reports them;
//! - [`traits`]: every trait one pallet implements for another;
//! - [`text`]: SS58 addresses, base64url, RFC 3339 times, quoting hostile input in errors;
//! - [`migration`]: what the pallets' storage migrations share.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub mod credential;
pub mod identity;
pub mod machine;
pub mod migration;
pub mod product;
pub mod text;
pub mod time;
pub mod traits;

pub use credential::*;
pub use identity::*;
pub use machine::*;
pub use product::*;
pub use time::*;
pub use traits::*;
