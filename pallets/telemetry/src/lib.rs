//! # Telemetry pallet: machine readings anchored on chain, and rules that call for maintenance
//!
//! - **Windows** ([`Pallet::anchor_window`]): the node keeps a machine's raw readings off chain
//!   and closes them into windows; the machine's gateway (an authentication delegate of the
//!   machine's DID, whose key sits in the node's keystore — not a shared admin key) anchors
//!   each closed window: the [`merkle`] root of its readings and count/min/max/mean per
//!   metric. Windows of a machine follow each other without overlap, so a window cannot be
//!   anchored twice or rewritten. Any raw reading can later be proven to be in an anchored
//!   window with its Merkle proof.
//! - **Rules** ([`Pallet::set_rule`]): a machine's owner watches a metric, e.g. temperature
//!   above 80 °C in 3 consecutive windows. The rule holds a deposit and the maintenance reward.
//!   When the streak is reached the machine goes into `Maintenance` and a maintenance task for
//!   the rule's capability is opened with the reward in escrow and assigned by the chain
//!   (pallet-tasks' [`MaintenanceRequest`]). The reward for the next time is held again at
//!   once; if the owner cannot pay it the rule is disarmed until set again.
//! - **Retention**: each window holds a per-byte deposit from whoever anchored it and is kept
//!   `WindowRetention` blocks after the block that anchored it (the steps it covers keep its
//!   root for good); then the
//!   machine's next anchors prune it, or anyone does ([`Pallet::prune_windows`]), and the
//!   deposit goes back. `LastEnd` stays, so nothing is anchored in a pruned window's place.
//! - Every change has an event; windows and rules are bounded (16 metrics per window,
//!   `MaxRules` per machine).

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub use pallet::*;
pub use types::*;
pub use weights::WeightInfo;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
pub mod merkle;
#[cfg(test)]
mod mock;
mod retention;
#[cfg(test)]
mod tests;
#[cfg(any(feature = "try-runtime", test))]
mod try_state;
mod types;
pub mod weights;

use frame_support::traits::fungible;
use twinchain_primitives::{
	now_ms, stamp_now, DidAuthority, EnvironmentAnchors, MachineRegistry, MachineStatus,
	MaintenanceRequest, Moment, TaskId,
};

/// A balance of the deposit currency.
pub type BalanceOf<T> =
	<<T as Config>::Currency as fungible::Inspect<<T as frame_system::Config>::AccountId>>::Balance;
type AccountOf<T> = <T as frame_system::Config>::AccountId;
type BlockNumberOf<T> = frame_system::pallet_prelude::BlockNumberFor<T>;
/// An anchored window of this runtime.
pub type WindowOf<T> = Window<AccountOf<T>, BlockNumberOf<T>>;
/// A rule of this runtime.
pub type RuleOf<T> = Rule<AccountOf<T>, BalanceOf<T>>;

#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use frame_support::{
		pallet_prelude::*,
		traits::{fungible::MutateHold, tokens::Precision},
	};
	use frame_system::pallet_prelude::*;
	use sp_runtime::traits::{Saturating, Zero};

	/// The storage layout's version; a change of layout comes with a migration.
	const STORAGE_VERSION: StorageVersion = StorageVersion::new(0);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	#[pallet::config]
	pub trait Config: frame_system::Config<RuntimeEvent: From<Event<Self>>> {
		/// The currency deposits and rewards are held in.
		type Currency: fungible::Mutate<Self::AccountId>
			+ MutateHold<Self::AccountId, Reason = Self::RuntimeHoldReason>;
		/// The runtime's hold reasons.
		type RuntimeHoldReason: From<HoldReason>;
		/// The chain's clock.
		type Time: frame_support::traits::UnixTime;
		/// Gateways are authentication delegates of their machines' DIDs.
		type Dids: DidAuthority<Self::AccountId>;
		/// The machines: status and owners.
		type Machines: MachineRegistry<Self::AccountId>;
		/// Opens maintenance tasks.
		type Maintenance: MaintenanceRequest<Self::AccountId, BalanceOf<Self>, BlockNumberFor<Self>>;
		/// The deposit held for a rule (besides its reward).
		#[pallet::constant]
		type RuleDeposit: Get<BalanceOf<Self>>;
		/// The most rules per machine.
		#[pallet::constant]
		type MaxRules: Get<u32>;
		/// The most consecutive windows a rule may ask for.
		#[pallet::constant]
		type MaxStreak: Get<u8>;
		/// The longest window, in ms.
		#[pallet::constant]
		type MaxWindowLength: Get<Moment>;
		/// How far a window's end may lie ahead of the chain's clock, in ms.
		#[pallet::constant]
		type MaxClockSkew: Get<Moment>;
		/// How many blocks a maintenance task may take.
		#[pallet::constant]
		type MaintenanceBlocks: Get<BlockNumberFor<Self>>;
		/// Blocks after a rule opened a maintenance task in which no rule of the machine opens
		/// another: a gateway that reports breaches over and over cannot loop the machine
		/// through maintenance, drawing a reward from its owner each time.
		#[pallet::constant]
		type MaintenanceCooldown: Get<BlockNumberFor<Self>>;
		/// Held from whoever anchors a window, for the window: this plus
		/// `WindowDepositPerByte` for each byte of it; released when the window is pruned.
		#[pallet::constant]
		type WindowDepositBase: Get<BalanceOf<Self>>;
		/// See `WindowDepositBase`.
		#[pallet::constant]
		type WindowDepositPerByte: Get<BalanceOf<Self>>;
		/// How many blocks after the block that anchored it a window is kept: the time the
		/// bridge has to attach it to the steps it covers (a step keeps the window's root for
		/// good) and anyone has to check it while a task it covers can still be disputed, so
		/// the runtime keeps it longer than a task's deadline, challenge and dispute periods
		/// together. Counted in blocks from the anchoring, like those periods, so neither a
		/// stalled chain nor a window anchored late (its end long past) shortens it. Then it is
		/// pruned: by the machine's next anchors, or by anyone (`prune_windows`).
		#[pallet::constant]
		type WindowRetention: Get<BlockNumberFor<Self>>;
		/// The most expired windows of its machine an anchor prunes (at least two, so a
		/// backlog drains while the machine anchors).
		#[pallet::constant]
		type MaxPrunedPerAnchor: Get<u32>;
		/// The most windows one `prune_windows` call prunes.
		#[pallet::constant]
		type MaxPrunedPerCall: Get<u32>;
		/// Weights from this pallet's benchmarks.
		type WeightInfo: WeightInfo;
		/// Sets up machines, gateways and funds in benchmarks.
		#[cfg(feature = "runtime-benchmarks")]
		type BenchmarkHelper: BenchmarkHelper<Self::AccountId>;
	}

	/// Why this pallet holds funds.
	#[pallet::composite_enum]
	pub enum HoldReason {
		/// A rule's deposit and its maintenance reward.
		Rule,
		/// A window's deposit.
		Window,
	}

	/// Anchored windows by machine and start: the start's big-endian ms under the identity
	/// hasher, so a machine's windows are stored in time order (see [`window_key`]).
	#[pallet::storage]
	pub type Windows<T: Config> =
		StorageDoubleMap<_, Blake2_128Concat, T::AccountId, Identity, WindowKey, WindowOf<T>>;

	/// The deposit held for each window from whoever anchored it (`Window::gateway`); windows
	/// anchored before runtime 112 hold none.
	#[pallet::storage]
	pub type WindowDeposits<T: Config> =
		StorageDoubleMap<_, Blake2_128Concat, T::AccountId, Identity, WindowKey, BalanceOf<T>>;

	/// Where each machine's latest anchored window ends (ms): the next must start there or
	/// later. It stays when the windows are pruned, so no window is anchored in their place.
	#[pallet::storage]
	pub type LastEnd<T: Config> = StorageMap<_, Blake2_128Concat, T::AccountId, Moment, ValueQuery>;

	/// Each machine's rules.
	#[pallet::storage]
	pub type Rules<T: Config> = StorageMap<
		_,
		Blake2_128Concat,
		T::AccountId,
		BoundedVec<RuleOf<T>, T::MaxRules>,
		ValueQuery,
	>;

	/// The block until which each machine's rules open no maintenance task (see
	/// `MaintenanceCooldown`); the entry goes with the first window anchored after it.
	#[pallet::storage]
	pub type CoolingDown<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, BlockNumberFor<T>>;

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// A window of readings was anchored.
		WindowAnchored {
			machine: T::AccountId,
			start: Moment,
			end: Moment,
			root: Hash,
			count: u32,
			gateway: T::AccountId,
		},
		/// A rule was set (or replaced the one on the same metric and side).
		RuleSet { machine: T::AccountId, rule: RuleInput<BalanceOf<T>> },
		/// A rule was removed and its holds released.
		RuleRemoved { machine: T::AccountId, metric: MetricKey, comparison: Comparison },
		/// A window breached a rule.
		ThresholdBreached {
			machine: T::AccountId,
			metric: MetricKey,
			comparison: Comparison,
			value: Value,
			streak: u8,
		},
		/// A rule took the machine into maintenance and opened a maintenance task.
		MaintenanceOpened { machine: T::AccountId, metric: MetricKey, task: TaskId },
		/// A rule's streak was reached but no maintenance task could be opened.
		MaintenanceNotOpened { machine: T::AccountId, metric: MetricKey, error: DispatchError },
		/// A rule's streak was reached while the machine's rules cool down after the last
		/// maintenance task they opened: none is opened before block `until`.
		MaintenanceDeferred { machine: T::AccountId, metric: MetricKey, until: BlockNumberFor<T> },
		/// A rule fired and its owner could not hold the next reward: it stays, disarmed.
		RuleDisarmed { machine: T::AccountId, metric: MetricKey, comparison: Comparison },
		/// `count` of the machine's windows, all anchored in block `before` or earlier, were
		/// pruned and their deposits released.
		WindowsPruned { machine: T::AccountId, count: u32, before: BlockNumberFor<T> },
	}

	#[pallet::error]
	pub enum Error<T> {
		/// The machine is not registered.
		UnknownMachine,
		/// The machine is retired.
		Retired,
		/// The caller is neither the machine nor its gateway.
		NotGateway,
		/// The caller does not own the machine.
		NotOwner,
		/// The window is empty, reversed or longer than `MaxWindowLength`.
		BadWindow,
		/// The window ends too far in the future.
		FutureWindow,
		/// The window starts before the end of the machine's latest anchored window.
		OverlapsAnchored,
		/// The summary does not add up: metrics unsorted or repeated, counts not summing to the
		/// window's count, or min ≤ mean ≤ max broken.
		BadSummary,
		/// A rule needs 1 ..= `MaxStreak` windows and a reward.
		BadRule,
		/// The machine has `MaxRules` rules.
		TooManyRules,
		/// No such rule.
		UnknownRule,
		/// None of the machine's windows is past its retention.
		NothingToPrune,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		#[cfg(feature = "try-runtime")]
		fn try_state(_n: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}

		fn integrity_test() {
			assert!(T::MaxStreak::get() >= 1, "MaxStreak: a rule needs at least one window");
			assert!(T::MaxWindowLength::get() > 0, "MaxWindowLength: no window could be anchored");
			assert!(
				!T::MaintenanceBlocks::get().is_zero(),
				"MaintenanceBlocks: a maintenance task needs time"
			);
			assert!(
				!T::WindowRetention::get().is_zero(),
				"WindowRetention: a window must outlive the block that anchors it"
			);
			assert!(
				T::MaxPrunedPerAnchor::get() >= 2,
				"MaxPrunedPerAnchor: an anchor adds one window, so it must prune two to drain a backlog"
			);
			assert!(
				T::MaxPrunedPerCall::get() >= 1,
				"MaxPrunedPerCall: prune_windows would prune nothing"
			);
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Anchors a closed window of `machine`'s readings: its Merkle root and per-metric
		/// summary. Only the machine or its gateway may; the window must not overlap one
		/// already anchored and must not end more than `MaxClockSkew` after now. The machine's
		/// rules are then evaluated against it.
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::anchor_window(window.metrics.len() as u32, T::MaxRules::get())
			.saturating_add(T::WeightInfo::prune_windows(T::MaxPrunedPerAnchor::get())))]
		pub fn anchor_window(
			origin: OriginFor<T>,
			machine: T::AccountId,
			window: WindowInput,
		) -> DispatchResultWithPostInfo {
			let who = ensure_signed(origin)?;
			match T::Machines::status(&machine) {
				None => return Err(Error::<T>::UnknownMachine.into()),
				Some(MachineStatus::Retired) => return Err(Error::<T>::Retired.into()),
				Some(_) => {},
			}
			ensure!(T::Dids::acts_for(&machine, &who), Error::<T>::NotGateway);
			ensure!(
				window.start < window.end && window.end - window.start <= T::MaxWindowLength::get(),
				Error::<T>::BadWindow
			);
			let now = now_ms::<T, T::Time>();
			ensure!(
				window.end <= now.saturating_add(T::MaxClockSkew::get()),
				Error::<T>::FutureWindow
			);
			ensure!(window.start >= LastEnd::<T>::get(&machine), Error::<T>::OverlapsAnchored);
			Self::check_summary(&window)?;

			let WindowInput { start, end, root, count, metrics } = window;
			LastEnd::<T>::insert(&machine, end);
			Self::deposit_event(Event::WindowAnchored {
				machine: machine.clone(),
				start,
				end,
				root,
				count,
				gateway: who.clone(),
			});
			let metric_count = metrics.len() as u32;
			let w = Window {
				end,
				root,
				count,
				metrics,
				gateway: who,
				anchored: stamp_now::<T, T::Time>(),
			};
			Self::hold_window_deposit(&machine, start, &w)?;
			let rules = Self::evaluate(&machine, &w.metrics);
			// The machine's expired windows go first; the new one, anchored now, is kept its
			// full `WindowRetention` however long ago it ended.
			let pruned = Self::prune(&machine, T::MaxPrunedPerAnchor::get());
			Windows::<T>::insert(&machine, window_key(start), w);
			Ok(Some(
				T::WeightInfo::anchor_window(metric_count, rules)
					.saturating_add(T::WeightInfo::prune_windows(pruned)),
			)
			.into())
		}

		/// Sets a threshold rule on `machine` (its owner only), replacing the rule on the same
		/// metric and side if there is one. Holds `RuleDeposit` plus the rule's reward.
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::set_rule())]
		pub fn set_rule(
			origin: OriginFor<T>,
			machine: T::AccountId,
			rule: RuleInput<BalanceOf<T>>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::ensure_owner(&who, &machine)?;
			ensure!(
				rule.windows >= 1 && rule.windows <= T::MaxStreak::get() && !rule.reward.is_zero(),
				Error::<T>::BadRule
			);
			Rules::<T>::try_mutate(&machine, |rules| -> DispatchResult {
				if let Some(i) = rules.iter().position(|r| Self::same(&r.rule, &rule)) {
					let old = rules.remove(i);
					Self::release(&old);
				}
				let deposit = T::RuleDeposit::get();
				T::Currency::hold(
					&HoldReason::Rule.into(),
					&who,
					deposit.saturating_add(rule.reward),
				)?;
				rules
					.try_push(Rule {
						rule: rule.clone(),
						owner: who,
						deposit,
						armed: true,
						streak: 0,
						fired: 0,
					})
					.map_err(|_| Error::<T>::TooManyRules)?;
				Ok(())
			})?;
			Self::deposit_event(Event::RuleSet { machine, rule });
			Ok(())
		}

		/// Prunes up to `max` (at most `MaxPrunedPerCall`) of `machine`'s windows anchored
		/// `WindowRetention` blocks ago or earlier, oldest first, releasing their deposits to whoever
		/// anchored them. Anyone may: a machine that anchors no more leaves its windows to this.
		#[pallet::call_index(3)]
		#[pallet::weight(T::WeightInfo::prune_windows((*max).min(T::MaxPrunedPerCall::get())))]
		pub fn prune_windows(
			origin: OriginFor<T>,
			machine: T::AccountId,
			max: u32,
		) -> DispatchResultWithPostInfo {
			ensure_signed(origin)?;
			let pruned = Self::prune(&machine, max.min(T::MaxPrunedPerCall::get()));
			ensure!(pruned > 0, Error::<T>::NothingToPrune);
			Ok(Some(T::WeightInfo::prune_windows(pruned)).into())
		}

		/// Removes `machine`'s rule on `metric` and `comparison` (the machine's owner or the
		/// rule's owner) and releases what it holds.
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::remove_rule())]
		pub fn remove_rule(
			origin: OriginFor<T>,
			machine: T::AccountId,
			metric: MetricKey,
			comparison: Comparison,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Rules::<T>::try_mutate(&machine, |rules| -> DispatchResult {
				let i = rules
					.iter()
					.position(|r| r.rule.metric == metric && r.rule.comparison == comparison)
					.ok_or(Error::<T>::UnknownRule)?;
				ensure!(
					rules[i].owner == who || T::Machines::owner(&machine).as_ref() == Some(&who),
					Error::<T>::NotOwner
				);
				let old = rules.remove(i);
				Self::release(&old);
				Ok(())
			})?;
			Self::deposit_event(Event::RuleRemoved { machine, metric, comparison });
			Ok(())
		}
	}

	impl<T: Config> Pallet<T> {
		fn ensure_owner(who: &T::AccountId, machine: &T::AccountId) -> DispatchResult {
			match T::Machines::status(machine) {
				None => return Err(Error::<T>::UnknownMachine.into()),
				Some(MachineStatus::Retired) => return Err(Error::<T>::Retired.into()),
				Some(_) => {},
			}
			ensure!(T::Machines::owner(machine).as_ref() == Some(who), Error::<T>::NotOwner);
			Ok(())
		}

		fn same(a: &RuleInput<BalanceOf<T>>, b: &RuleInput<BalanceOf<T>>) -> bool {
			a.metric == b.metric && a.comparison == b.comparison
		}

		fn held(rule: &RuleOf<T>) -> BalanceOf<T> {
			if rule.armed {
				rule.deposit.saturating_add(rule.rule.reward)
			} else {
				rule.deposit
			}
		}

		fn release(rule: &RuleOf<T>) {
			#[allow(
				clippy::let_underscore_must_use,
				reason = "a best-effort release of what this pallet holds for the item cannot fail; the item goes either way"
			)]
			let _ = T::Currency::release(
				&HoldReason::Rule.into(),
				&rule.owner,
				Self::held(rule),
				Precision::BestEffort,
			);
		}

		/// Sorted unique metrics whose counts add up to `count`, each with min ≤ mean ≤ max.
		fn check_summary(w: &WindowInput) -> DispatchResult {
			let sorted = w.metrics.windows(2).all(|p| p[0].metric < p[1].metric);
			let sane = w.metrics.iter().all(|m| m.count >= 1 && m.min <= m.mean && m.mean <= m.max);
			let total = w.metrics.iter().try_fold(0u32, |acc, m| acc.checked_add(m.count));
			ensure!(
				w.count >= 1 && sorted && sane && total == Some(w.count),
				Error::<T>::BadSummary
			);
			Ok(())
		}

		/// Applies a new window to `machine`'s rules; returns how many rules there are.
		fn evaluate(machine: &T::AccountId, metrics: &Metrics) -> u32 {
			let mut rules = Rules::<T>::get(machine);
			if rules.is_empty() {
				return 0;
			}
			let now = frame_system::Pallet::<T>::block_number();
			let mut cooling = CoolingDown::<T>::get(machine);
			if cooling.is_some_and(|until| now >= until) {
				CoolingDown::<T>::remove(machine);
				cooling = None;
			}
			for r in rules.iter_mut() {
				let Some(m) = metrics.iter().find(|m| m.metric == r.rule.metric) else {
					continue; // no readings of it: the streak neither grows nor breaks
				};
				let (value, breach) = match r.rule.comparison {
					Comparison::Above => (m.max, m.max > r.rule.threshold),
					Comparison::Below => (m.min, m.min < r.rule.threshold),
				};
				if !breach {
					r.streak = 0;
					continue;
				}
				r.streak = r.streak.saturating_add(1).min(r.rule.windows);
				Self::deposit_event(Event::ThresholdBreached {
					machine: machine.clone(),
					metric: r.rule.metric.clone(),
					comparison: r.rule.comparison,
					value,
					streak: r.streak,
				});
				let in_service =
					!matches!(T::Machines::status(machine), Some(MachineStatus::Maintenance));
				if r.streak >= r.rule.windows && r.armed && in_service {
					// A rule pays from its owner's funds for the owner's machine only: once the
					// machine changed hands it is disarmed, never drawing on the former owner.
					if T::Machines::owner(machine).as_ref() != Some(&r.owner) {
						Self::disarm_for_new_owner(machine, r);
					} else if let Some(until) = cooling {
						Self::deposit_event(Event::MaintenanceDeferred {
							machine: machine.clone(),
							metric: r.rule.metric.clone(),
							until,
						});
					} else if Self::fire(machine, r) {
						let until = now.saturating_add(T::MaintenanceCooldown::get());
						CoolingDown::<T>::insert(machine, until);
						cooling = Some(until);
					}
				}
			}
			let n = rules.len() as u32;
			Rules::<T>::insert(machine, rules);
			n
		}

		/// A rule whose owner no longer owns the machine: its held reward goes back and it is
		/// disarmed.
		fn disarm_for_new_owner(machine: &T::AccountId, r: &mut RuleOf<T>) {
			// An armed rule holds its next reward: give it back.
			#[allow(clippy::let_underscore_must_use, reason = "it is held")]
			let _ = T::Currency::release(
				&HoldReason::Rule.into(),
				&r.owner,
				r.rule.reward,
				Precision::BestEffort,
			);
			r.armed = false;
			Self::deposit_event(Event::RuleDisarmed {
				machine: machine.clone(),
				metric: r.rule.metric.clone(),
				comparison: r.rule.comparison,
			});
		}

		/// Moves the rule's held reward into a maintenance task's escrow and holds the next;
		/// whether a maintenance task was opened.
		fn fire(machine: &T::AccountId, r: &mut RuleOf<T>) -> bool {
			let reward = r.rule.reward;
			let opened = frame_support::storage::with_storage_layer(|| {
				T::Currency::release(&HoldReason::Rule.into(), &r.owner, reward, Precision::Exact)?;
				T::Maintenance::open_maintenance(
					machine,
					&r.owner,
					&r.rule.capability,
					reward,
					T::MaintenanceBlocks::get(),
				)
			});
			let metric = r.rule.metric.clone();
			match opened {
				Ok(task) => {
					r.streak = 0;
					r.fired = r.fired.saturating_add(1);
					Self::deposit_event(Event::MaintenanceOpened {
						machine: machine.clone(),
						metric: metric.clone(),
						task,
					});
					if T::Currency::hold(&HoldReason::Rule.into(), &r.owner, reward).is_err() {
						r.armed = false;
						Self::deposit_event(Event::RuleDisarmed {
							machine: machine.clone(),
							metric,
							comparison: r.rule.comparison,
						});
					}
					true
				},
				Err(error) => {
					Self::deposit_event(Event::MaintenanceNotOpened {
						machine: machine.clone(),
						metric,
						error,
					});
					false
				},
			}
		}
	}
}

/// The storage key of a window starting at `start`: its big-endian ms.
pub fn window_key(start: Moment) -> WindowKey {
	start.to_be_bytes()
}

impl<T: Config> Pallet<T> {
	/// `machine`'s window starting at `start`, if anchored.
	pub fn window(machine: &T::AccountId, start: Moment) -> Option<WindowOf<T>> {
		Windows::<T>::get(machine, window_key(start))
	}

	/// Up to `limit` (≤ 100) of `machine`'s windows starting at or after `from`, in time
	/// order. Reads only those entries.
	pub fn windows_from(
		machine: &T::AccountId,
		from: Moment,
		limit: u32,
	) -> alloc::vec::Vec<(Moment, WindowOf<T>)> {
		// Iteration starts *after* the key given, so start after `from - 1`'s key: the first
		// window is then the one starting at `from` if there is one.
		let windows = match from.checked_sub(1) {
			Some(before) => Windows::<T>::iter_prefix_from(
				machine,
				Windows::<T>::hashed_key_for(machine, window_key(before)),
			),
			None => Windows::<T>::iter_prefix(machine),
		};
		windows
			.take(limit.min(100) as usize)
			.map(|(k, w)| (Moment::from_be_bytes(k), w))
			.collect()
	}
}

/// Step environments in pallet-provenance refer to anchored windows.
impl<T: Config> EnvironmentAnchors<T::AccountId> for Pallet<T> {
	fn window(sensor: &T::AccountId, start: Moment) -> Option<(Moment, Hash)> {
		Self::window(sensor, start).map(|w| (w.end, w.root))
	}
}

sp_api::decl_runtime_apis! {
	/// Anchored telemetry for auditors and the node's proof RPC.
	pub trait TelemetryApi<AccountId, Balance, BlockNumber> where
		AccountId: codec::Codec,
		Balance: codec::Codec,
		BlockNumber: codec::Codec,
	{
		/// `machine`'s window starting at `start`, if anchored.
		fn window(machine: AccountId, start: Moment) -> Option<Window<AccountId, BlockNumber>>;
		/// Up to `limit` (≤ 100) of `machine`'s anchored windows starting at or after `from`,
		/// in start order.
		fn windows(
			machine: AccountId,
			from: Moment,
			limit: u32,
		) -> alloc::vec::Vec<(Moment, Window<AccountId, BlockNumber>)>;
		/// `machine`'s rules with their streaks.
		fn rules(machine: AccountId) -> alloc::vec::Vec<Rule<AccountId, Balance>>;
	}
}
