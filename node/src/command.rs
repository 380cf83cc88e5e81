//! What the node does for each command line.

use crate::{
	chain_spec,
	cli::{Cli, Subcommand},
	service,
};
use frame_benchmarking_cli::{BenchmarkCmd, SUBSTRATE_REFERENCE_HARDWARE};
use sc_cli::SubstrateCli;
use sc_service::PartialComponents;
use twinchain_runtime::{opaque::Block as OpaqueBlock, Block};

impl SubstrateCli for Cli {
	fn impl_name() -> String {
		"Twinchain Node".into()
	}

	fn impl_version() -> String {
		env!("SUBSTRATE_CLI_IMPL_VERSION").into()
	}

	fn description() -> String {
		env!("CARGO_PKG_DESCRIPTION").into()
	}

	fn author() -> String {
		env!("CARGO_PKG_AUTHORS").into()
	}

	fn support_url() -> String {
		"the project's issue tracker".into()
	}

	fn copyright_start_year() -> i32 {
		2026
	}

	/// `dev` and `local` are built in; anything else is a chain spec file, such as
	/// `chain-spec/local-raw.json`.
	fn load_spec(&self, id: &str) -> Result<Box<dyn sc_service::ChainSpec>, String> {
		Ok(match id {
			"dev" => Box::new(chain_spec::development_chain_spec()?),
			"" | "local" => Box::new(chain_spec::local_chain_spec()?),
			path => {
				Box::new(chain_spec::ChainSpec::from_json_file(std::path::PathBuf::from(path))?)
			},
		})
	}
}

/// The transaction pool the node runs unless `--pool-type` names another. Substrate's default is
/// the fork-aware pool, made for chains whose blocks often fork before finality; a Twinchain
/// chain has one Aura author per slot and GRANDPA finalizing within a block or two. Measured on
/// this chain (BENCHMARKS.md, throughput): at 1,000 transfers/s the fork-aware pool dropped
/// some transactions it had accepted, which then never reached a block, while the single-state
/// pool included all of them.
pub const DEFAULT_POOL_TYPE: &str = "single-state";

/// The command line as Substrate parses it ([`SubstrateCli::from_args`]), with Twinchain's
/// default transaction pool.
fn parse() -> Cli {
	let command =
		Cli::setup_command(<Cli as clap::CommandFactory>::command()).mut_arg("pool_type", |arg| {
			arg.default_value(DEFAULT_POOL_TYPE).help(
				"The type of transaction pool: single-state (Twinchain's default: it keeps every \
				 transaction it accepts under a saturating load, see BENCHMARKS.md) or fork-aware",
			)
		});
	let matches = command.try_get_matches().unwrap_or_else(|e| e.exit());
	<Cli as clap::FromArgMatches>::from_arg_matches(&matches).unwrap_or_else(|e| e.exit())
}

/// Parses the command line and runs the node or the subcommand.
pub fn run() -> sc_cli::Result<()> {
	let cli = parse();

	match &cli.subcommand {
		Some(Subcommand::Key(cmd)) => cmd.run(&cli),
		Some(Subcommand::BuildSpec(cmd)) => {
			let runner = cli.create_runner(cmd)?;
			runner.sync_run(|config| cmd.run(config.chain_spec, config.network))
		},
		Some(Subcommand::CheckBlock(cmd)) => {
			let runner = cli.create_runner(cmd)?;
			runner.async_run(|config| {
				let PartialComponents { client, task_manager, import_queue, .. } =
					service::new_partial(&config)?;
				Ok((cmd.run(client, import_queue), task_manager))
			})
		},
		Some(Subcommand::ExportBlocks(cmd)) => {
			let runner = cli.create_runner(cmd)?;
			runner.async_run(|config| {
				let PartialComponents { client, task_manager, .. } = service::new_partial(&config)?;
				Ok((cmd.run(client, config.database), task_manager))
			})
		},
		Some(Subcommand::ExportState(cmd)) => {
			let runner = cli.create_runner(cmd)?;
			runner.async_run(|config| {
				let PartialComponents { client, task_manager, .. } = service::new_partial(&config)?;
				Ok((cmd.run(client, config.chain_spec), task_manager))
			})
		},
		Some(Subcommand::ImportBlocks(cmd)) => {
			let runner = cli.create_runner(cmd)?;
			runner.async_run(|config| {
				let PartialComponents { client, task_manager, import_queue, .. } =
					service::new_partial(&config)?;
				Ok((cmd.run(client, import_queue), task_manager))
			})
		},
		Some(Subcommand::PurgeChain(cmd)) => {
			let runner = cli.create_runner(cmd)?;
			runner.sync_run(|config| cmd.run(config.database))
		},
		Some(Subcommand::Revert(cmd)) => {
			let runner = cli.create_runner(cmd)?;
			runner.async_run(|config| {
				let PartialComponents { client, task_manager, backend, .. } =
					service::new_partial(&config)?;
				let aux_revert = Box::new(|client, _, blocks| {
					sc_consensus_grandpa::revert(client, blocks)?;
					Ok(())
				});
				Ok((cmd.run(client, backend, Some(aux_revert)), task_manager))
			})
		},
		Some(Subcommand::Benchmark(cmd)) => {
			let runner = cli.create_runner(cmd)?;
			runner.sync_run(|config| match cmd {
				BenchmarkCmd::Pallet(cmd) => cmd
					.run_with_spec::<sp_runtime::traits::HashingFor<Block>, ()>(Some(
						config.chain_spec,
					)),
				BenchmarkCmd::Block(cmd) => {
					let PartialComponents { client, .. } = service::new_partial(&config)?;
					cmd.run(client)
				},
				BenchmarkCmd::Machine(cmd) => {
					cmd.run(&config, SUBSTRATE_REFERENCE_HARDWARE.clone())
				},
				// Measures the fixed cost of a block and of an extrinsic (a signed remark) on
				// this machine: `ExtrinsicBaseWeight` and `BlockExecutionWeight` of the runtime.
				BenchmarkCmd::Overhead(cmd) => cmd
					.run_with_default_builder_and_spec::<OpaqueBlock, ()>(Some(config.chain_spec)),
				BenchmarkCmd::Storage(_) | BenchmarkCmd::Extrinsic(_) => {
					Err("twinchain supports `benchmark pallet`, `benchmark overhead`, \
					     `benchmark block` and `benchmark machine`; storage and extrinsic \
					     benchmarks are not built in"
						.into())
				},
			})
		},
		Some(Subcommand::Did(crate::cli::DidCmd::Resolve(cmd))) => crate::did::resolve_cmd(cmd),
		Some(Subcommand::Vc(crate::cli::VcCmd::Issue(cmd))) => crate::vc::issue_cmd(cmd),
		Some(Subcommand::Vc(crate::cli::VcCmd::Verify(cmd))) => crate::vc::verify_cmd(cmd),
		Some(Subcommand::Machines(cmd)) => crate::twins::machines_cmd(cmd),
		Some(Subcommand::Provenance(cmd)) => crate::provenance::provenance_cmd(cmd),
		Some(Subcommand::Telemetry(cmd)) => crate::telemetry::telemetry_cmd(cmd),
		Some(Subcommand::ChainInfo(cmd)) => {
			let runner = cli.create_runner(cmd)?;
			runner.sync_run(|config| cmd.run::<Block>(&config))
		},
		None => {
			let runner = cli.create_runner(&cli.run)?;
			let extras = service::Extras {
				did_http: cli.did_http,
				bridge: cli.bridge.clone(),
				dev: cli.run.shared_params.dev,
			};
			runner.run_node_until_exit(|config| async move {
				match config.network.network_backend {
					sc_network::config::NetworkBackendType::Libp2p => service::new_full::<
						sc_network::NetworkWorker<
							OpaqueBlock,
							<OpaqueBlock as sp_runtime::traits::Block>::Hash,
						>,
					>(config, extras)
					.map_err(sc_cli::Error::Service),
					sc_network::config::NetworkBackendType::Litep2p => {
						service::new_full::<sc_network::Litep2pNetworkBackend>(config, extras)
							.map_err(sc_cli::Error::Service)
					},
				}
			})
		},
	}
}
