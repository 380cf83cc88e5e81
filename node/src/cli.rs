//! The command line: the standard Substrate node CLI.

use sc_cli::RunCmd;

/// The Twinchain node.
#[derive(Debug, clap::Parser)]
pub struct Cli {
	#[command(subcommand)]
	pub subcommand: Option<Subcommand>,

	#[clap(flatten)]
	pub run: RunCmd,

	/// Serve DID resolution over HTTP on this address (e.g. `127.0.0.1:8080`): the Universal
	/// Resolver driver interface, `GET /1.0/identifiers/{did}`. Off unless given.
	#[arg(long, value_name = "ADDR")]
	pub did_http: Option<std::net::SocketAddr>,
}

/// What the node can do besides running.
#[derive(Debug, clap::Subcommand)]
#[allow(clippy::large_enum_variant)]
pub enum Subcommand {
	/// Key management: generate, inspect, insert keys and node keys.
	#[command(subcommand)]
	Key(sc_cli::KeySubcommand),

	/// Build a chain specification (`--chain dev|local|<file>`, `--raw` for the raw form).
	BuildSpec(sc_cli::BuildSpecCmd),

	/// Validate blocks.
	CheckBlock(sc_cli::CheckBlockCmd),

	/// Export blocks.
	ExportBlocks(sc_cli::ExportBlocksCmd),

	/// Export the state of a given block into a chain spec.
	ExportState(sc_cli::ExportStateCmd),

	/// Import blocks.
	ImportBlocks(sc_cli::ImportBlocksCmd),

	/// Remove the whole chain.
	PurgeChain(sc_cli::PurgeChainCmd),

	/// Revert the chain to a previous state.
	Revert(sc_cli::RevertCmd),

	/// Runtime and node benchmarks (`benchmark pallet` generates the pallets' weights).
	#[command(subcommand)]
	Benchmark(frame_benchmarking_cli::BenchmarkCmd),

	/// Database metadata.
	ChainInfo(sc_cli::ChainInfoCmd),

	/// did:twin DIDs: `did resolve <did> --url ws://…` asks a node for a DID's document.
	#[command(subcommand)]
	Did(DidCmd),
}

/// DID commands.
#[derive(Debug, clap::Subcommand)]
pub enum DidCmd {
	/// Resolve a did:twin DID through a node's `did_resolve` JSON-RPC method and print the W3C
	/// DID resolution result. Exits non-zero when resolution fails (e.g. `invalidDid`).
	Resolve(DidResolveCmd),
}

/// `did resolve`.
#[derive(Debug, clap::Args)]
pub struct DidResolveCmd {
	/// The DID, `did:twin:<SS58 address>`.
	pub did: String,

	/// The node's JSON-RPC WebSocket endpoint.
	#[arg(long, default_value = "ws://127.0.0.1:9944")]
	pub url: String,

	/// Resolve the document as it stood at this block (historic resolution; needs a node that
	/// still has that block's state, e.g. `--state-pruning archive`).
	#[arg(long)]
	pub version_id: Option<u32>,

	/// How keys are presented.
	#[arg(long, value_parser = ["JsonWebKey2020", "Multikey"])]
	pub key_format: Option<String>,
}
