//! Weights of the polkadot-sdk pallets and of the block and extrinsic overhead, measured on this
//! project's machine by `scripts/bench.sh weights runtime` (our own pallets keep theirs in
//! `pallets/<pallet>/src/weights.rs`). Do not edit by hand: the files are generated.

pub mod block_weights;
pub mod extrinsic_weights;
pub mod frame_system;
pub mod frame_system_extensions;
pub mod pallet_balances;
pub mod pallet_transaction_payment;
