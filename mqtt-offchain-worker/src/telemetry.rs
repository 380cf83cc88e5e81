//! Telemetry windows: readings are kept per machine in fixed windows of `window_ms` (by their
//! timestamp). A window closes `close_delay_ms` after its end: its readings are summarised
//! (count/min/max/mean per metric), their Merkle root computed, the raw readings kept for
//! proofs (the latest [`RAW_RETAINED`] windows per machine), and the summary handed on to be
//! anchored on chain.
//!
//! Open windows live in memory, each with its readings' Merkle leaves and a set of them to
//! recognise a second delivery in constant time. Durability is a journal in the [`Store`]:
//! [`Windows::add`] only takes readings in memory, and [`Windows::flush`] appends what each
//! window took since the last flush as one chunk, then the machine's index (closed-until and
//! chunk count per open window). The caller flushes before it acknowledges the messages the
//! readings came in (group commit: one flush covers every message taken meanwhile, so a burst
//! costs a few writes, not two per message); a node that stops before the flush loses only
//! unacknowledged messages, which the broker delivers again. A restarted buffer replays the
//! journal; chunks are removed when their window closes.
//!
//! The buffer is bounded (`buffer_capacity` readings in open windows, all machines): a reading
//! that does not fit is refused ([`Refused::BufferFull`]), never silently dropped.

use crate::store::{Store, StoreExt};
use codec::{Decode, Encode};
use pallet_telemetry::{merkle, MetricSummary, Reading, WindowInput};
use sp_core::crypto::AccountId32;
use std::{
	collections::{BTreeMap, HashMap, HashSet},
	sync::Mutex,
};

/// Closed windows whose raw readings are kept per machine.
pub const RAW_RETAINED: usize = 8_640;
/// The most readings one window holds.
pub const MAX_WINDOW_READINGS: usize = 65_536;

/// The journal's index of a machine: [`Index`].
const INDEX: &[u8] = b"twinchain/mqtt/journal-index/";
/// Journal chunks: machine ++ window start ++ chunk number → the readings it added.
const JOURNAL: &[u8] = b"twinchain/mqtt/journal/";
/// Before the journal, a machine's open windows were stored whole under this prefix
/// ([`LegacyOpen`]); a buffer that finds one moves it into the journal.
const LEGACY_OPEN: &[u8] = b"twinchain/mqtt/open/";
const LEGACY_COUNT: &[u8] = b"twinchain/mqtt/open-count";
const RAW: &[u8] = b"twinchain/mqtt/raw/";
const RAW_INDEX: &[u8] = b"twinchain/mqtt/rawidx/";

fn key(prefix: &[u8], machine: &AccountId32) -> Vec<u8> {
	[prefix, machine.as_ref()].concat()
}

fn raw_key(machine: &AccountId32, start: u64) -> Vec<u8> {
	[RAW, machine.as_ref(), &start.to_be_bytes()].concat()
}

fn chunk_key(machine: &AccountId32, start: u64, chunk: u32) -> Vec<u8> {
	[JOURNAL, machine.as_ref(), &start.to_be_bytes(), &chunk.to_be_bytes()].concat()
}

/// Why a reading was not taken.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refused {
	/// The buffer holds `buffer_capacity` readings.
	BufferFull,
	/// Its window closed already.
	Late,
	/// Its window holds [`MAX_WINDOW_READINGS`].
	WindowFull,
}

/// What the journal holds of a machine: where its latest closed window ended (older readings
/// are late) and how many chunks each open window has.
#[derive(Clone, Debug, Decode, Default, Encode, PartialEq, Eq)]
struct Index {
	closed_until: u64,
	windows: Vec<(u64, u32)>,
}

/// The earlier format: a machine's open windows, whole.
#[derive(Decode, Encode)]
struct LegacyOpen {
	windows: BTreeMap<u64, Vec<Reading>>,
	closed_until: u64,
}

/// An open window in memory.
#[derive(Default)]
struct Buf {
	readings: Vec<Reading>,
	/// The readings' Merkle leaves, in the same order.
	leaves: Vec<[u8; 32]>,
	/// The same leaves, to recognise a reading delivered twice.
	seen: HashSet<[u8; 32]>,
	/// How many of `readings` are in the journal.
	journaled: usize,
	/// How many journal chunks hold them.
	chunks: u32,
}

impl Buf {
	/// Takes `r` unless the window holds it already; whether it was new.
	fn take(&mut self, machine: &AccountId32, r: &Reading) -> bool {
		let leaf = merkle::leaf(machine, r);
		if !self.seen.insert(leaf) {
			return false;
		}
		self.readings.push(r.clone());
		self.leaves.push(leaf);
		true
	}
}

/// A machine's open windows.
#[derive(Default)]
struct Machine {
	windows: BTreeMap<u64, Buf>,
	closed_until: u64,
	/// Whether it took readings the journal does not hold yet.
	dirty: bool,
}

#[derive(Default)]
struct State {
	machines: HashMap<AccountId32, Machine>,
	/// Readings in open windows, all loaded machines.
	count: usize,
}

/// A closed window: what to anchor, and whose.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Closed {
	/// The machine.
	pub machine: AccountId32,
	/// The summary to anchor.
	pub window: WindowInput,
}

/// A reading with its proof against a window's root.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReadingProof {
	/// The window's start and end.
	pub start: u64,
	/// The window's end.
	pub end: u64,
	/// The reading's position among the window's readings.
	pub index: u32,
	/// The reading.
	pub reading: Reading,
	/// Its Merkle proof.
	pub proof: Vec<merkle::ProofStep>,
	/// The root the proof leads to.
	pub root: [u8; 32],
}

/// The window buffer.
pub struct Windows<S> {
	store: S,
	window_ms: u64,
	close_delay_ms: u64,
	capacity: usize,
	state: Mutex<State>,
}

impl<S: Store> Windows<S> {
	/// A buffer over `store`. A machine's journal is read the first time the machine is
	/// named ([`Windows::load`] reads several at once).
	pub fn new(store: S, window_ms: u64, close_delay_ms: u64, capacity: usize) -> Self {
		Self { store, window_ms, close_delay_ms, capacity, state: Mutex::new(State::default()) }
	}

	/// Reads the journals of `machines`, so that [`Windows::buffered`] counts their readings.
	pub fn load(&self, machines: &[AccountId32]) {
		let mut st = self.state.lock().expect("not poisoned");
		for m in machines {
			self.machine(&mut st, m);
		}
	}

	/// Readings held in open windows, all machines loaded.
	pub fn buffered(&self) -> usize {
		self.state.lock().expect("not poisoned").count
	}

	/// `machine`'s windows, read from the journal the first time.
	fn machine<'a>(&self, st: &'a mut State, m: &AccountId32) -> &'a mut Machine {
		if !st.machines.contains_key(m) {
			let (machine, count) = self.replay(m);
			st.count += count;
			st.machines.insert(m.clone(), machine);
		}
		st.machines.get_mut(m).expect("inserted above")
	}

	/// Rebuilds `m`'s open windows from the journal (and moves a legacy record into it).
	fn replay(&self, m: &AccountId32) -> (Machine, usize) {
		let index: Index = self.store.load(&key(INDEX, m)).unwrap_or_default();
		let mut machine = Machine { closed_until: index.closed_until, ..Default::default() };
		let mut count = 0;
		for (start, chunks) in index.windows {
			let buf = machine.windows.entry(start).or_default();
			for c in 0..chunks {
				let Some(readings) = self.store.load::<Vec<Reading>>(&chunk_key(m, start, c))
				else {
					log::warn!(target: "mqtt", "telemetry journal: chunk {c} of window {start} is missing");
					continue;
				};
				for r in &readings {
					count += buf.take(m, r) as usize;
				}
			}
			buf.journaled = buf.readings.len();
			buf.chunks = chunks;
		}
		let legacy = key(LEGACY_OPEN, m);
		if let Some(old) = self.store.load::<LegacyOpen>(&legacy) {
			machine.closed_until = machine.closed_until.max(old.closed_until);
			for (start, readings) in old.windows {
				let buf = machine.windows.entry(start).or_default();
				for r in &readings {
					count += buf.take(m, r) as usize;
				}
			}
			machine.dirty = true;
			self.flush_machine(m, &mut machine);
			self.store.remove(&legacy);
			self.store.remove(LEGACY_COUNT);
		}
		(machine, count)
	}

	/// Takes `readings` of `machine` (all or none) into memory; returns how many were new. A
	/// reading equal to one its window holds (same metric, timestamp and value) is a second
	/// delivery of the same message (MQTT QoS 1 is at least once) and is not taken twice.
	/// They are durable once [`Windows::flush`] returns.
	pub fn add(&self, machine: &AccountId32, readings: &[Reading]) -> Result<usize, Refused> {
		let mut st = self.state.lock().expect("not poisoned");
		let count = st.count;
		if count + readings.len() > self.capacity {
			return Err(Refused::BufferFull);
		}
		let window_ms = self.window_ms;
		let open = self.machine(&mut st, machine);
		for r in readings {
			if r.ts < open.closed_until {
				return Err(Refused::Late);
			}
			let start = r.ts - r.ts % window_ms;
			if open.windows.get(&start).map_or(0, |w| w.readings.len()) + readings.len()
				> MAX_WINDOW_READINGS
			{
				return Err(Refused::WindowFull);
			}
		}
		let mut added = 0;
		for r in readings {
			let start = r.ts - r.ts % window_ms;
			added += open.windows.entry(start).or_default().take(machine, r) as usize;
		}
		open.dirty |= added > 0;
		st.count += added;
		Ok(added)
	}

	/// Makes every reading taken so far durable: per window one chunk of what it took since the
	/// last flush, then the machine's index.
	pub fn flush(&self) {
		let mut st = self.state.lock().expect("not poisoned");
		for (m, machine) in st.machines.iter_mut().filter(|(_, machine)| machine.dirty) {
			self.flush_machine(m, machine);
		}
	}

	fn flush_machine(&self, m: &AccountId32, machine: &mut Machine) {
		for (start, buf) in machine.windows.iter_mut() {
			if buf.journaled < buf.readings.len() {
				self.store.set(
					&chunk_key(m, *start, buf.chunks),
					&buf.readings[buf.journaled..].encode(),
				);
				buf.chunks += 1;
				buf.journaled = buf.readings.len();
			}
		}
		self.save_index(m, machine);
		machine.dirty = false;
	}

	fn save_index(&self, m: &AccountId32, machine: &Machine) {
		let index = Index {
			closed_until: machine.closed_until,
			windows: machine.windows.iter().map(|(start, buf)| (*start, buf.chunks)).collect(),
		};
		self.store.save(&key(INDEX, m), &index);
	}

	/// Closes `machine`'s windows that ended at least `close_delay_ms` before `now`: their raw
	/// readings are kept, the journal forgets them.
	pub fn close_due(&self, machine: &AccountId32, now: u64) -> Vec<Closed> {
		let mut st = self.state.lock().expect("not poisoned");
		let (window_ms, delay) = (self.window_ms, self.close_delay_ms);
		let open = self.machine(&mut st, machine);
		let due: Vec<u64> = open
			.windows
			.keys()
			.copied()
			.take_while(|start| start + window_ms + delay <= now)
			.collect();
		if due.is_empty() {
			return Vec::new();
		}
		let mut closed = Vec::new();
		let mut gone = Vec::new();
		let mut removed = 0usize;
		for start in due {
			let buf = open.windows.remove(&start).expect("listed above");
			removed += buf.readings.len();
			let end = start + window_ms;
			open.closed_until = open.closed_until.max(end);
			let window = summarise_leaves(start, end, &buf.readings, &buf.leaves);
			self.keep_raw(machine, start, &buf.readings);
			gone.push((start, buf.chunks));
			closed.push(Closed { machine: machine.clone(), window });
		}
		// Kept raw first, then the index without them, then their chunks: a stop in between
		// closes them again (the same summary), it never loses them.
		self.save_index(machine, open);
		for (start, chunks) in gone {
			for c in 0..chunks {
				self.store.remove(&chunk_key(machine, start, c));
			}
		}
		st.count = st.count.saturating_sub(removed);
		closed
	}

	fn keep_raw(&self, machine: &AccountId32, start: u64, readings: &[Reading]) {
		self.store.save(&raw_key(machine, start), &readings.to_vec());
		let ik = key(RAW_INDEX, machine);
		let mut index: Vec<u64> = self.store.load(&ik).unwrap_or_default();
		index.push(start);
		while index.len() > RAW_RETAINED {
			let old = index.remove(0);
			self.store.remove(&raw_key(machine, old));
		}
		self.store.save(&ik, &index);
	}

	/// The raw readings of `machine`'s closed window starting at `start`, if kept.
	pub fn raw(&self, machine: &AccountId32, start: u64) -> Option<Vec<Reading>> {
		self.store.load(&raw_key(machine, start))
	}

	/// The start of the kept window of `machine` holding time `ts`.
	pub fn window_of(&self, ts: u64) -> u64 {
		ts - ts % self.window_ms
	}

	/// Reading `index` of `machine`'s closed window starting at `start`, with its proof.
	pub fn proof(&self, machine: &AccountId32, start: u64, index: u32) -> Option<ReadingProof> {
		let readings = self.raw(machine, start)?;
		let leaves: Vec<[u8; 32]> = readings.iter().map(|r| merkle::leaf(machine, r)).collect();
		let proof = merkle::proof(&leaves, index as usize)?;
		Some(ReadingProof {
			start,
			end: start + self.window_ms,
			index,
			reading: readings[index as usize].clone(),
			proof,
			root: merkle::root(&leaves)?,
		})
	}
}

/// The summary of a window's readings: sorted metrics with count/min/max/mean and the Merkle
/// root. At most 16 metrics are summarised (the rest still count in the root).
pub fn summarise(machine: &AccountId32, start: u64, end: u64, readings: &[Reading]) -> WindowInput {
	let leaves: Vec<[u8; 32]> = readings.iter().map(|r| merkle::leaf(machine, r)).collect();
	summarise_leaves(start, end, readings, &leaves)
}

/// [`summarise`] with the readings' leaves at hand.
fn summarise_leaves(
	start: u64,
	end: u64,
	readings: &[Reading],
	leaves: &[[u8; 32]],
) -> WindowInput {
	let mut by_metric: BTreeMap<&[u8], (u32, i64, i64, i128)> = BTreeMap::new();
	for r in readings {
		let e = by_metric.entry(&r.metric[..]).or_insert((0, i64::MAX, i64::MIN, 0));
		e.0 += 1;
		e.1 = e.1.min(r.value);
		e.2 = e.2.max(r.value);
		e.3 += r.value as i128;
	}
	let metrics: Vec<MetricSummary> = by_metric
		.into_iter()
		.take(pallet_telemetry::MAX_METRICS as usize)
		.map(|(metric, (count, min, max, sum))| MetricSummary {
			metric: metric.to_vec().try_into().expect("metric keys come from MetricKey"),
			count,
			min,
			max,
			mean: (sum / count as i128) as i64,
		})
		.collect();
	let count = metrics.iter().map(|m| m.count).sum();
	WindowInput {
		start,
		end,
		root: merkle::root(leaves).unwrap_or_default(),
		count,
		metrics: metrics.try_into().expect("at most MAX_METRICS"),
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use crate::store::MemStore;

	fn reading(metric: &str, ts: u64, value: i64) -> Reading {
		Reading { metric: metric.as_bytes().to_vec().try_into().unwrap(), ts, value }
	}

	#[test]
	fn readings_close_into_summarised_provable_windows_that_survive_a_restart() {
		let store = MemStore::default();
		let m = AccountId32::from([7; 32]);
		let w = Windows::new(store.clone(), 10_000, 2_000, 100);
		w.add(&m, &[reading("t", 1_000, 20_000), reading("h", 1_000, 40_000)]).unwrap();
		w.add(&m, &[reading("t", 9_999, 24_000)]).unwrap();
		w.add(&m, &[reading("t", 10_000, 30_000)]).unwrap();
		assert_eq!(w.buffered(), 4);
		assert!(w.close_due(&m, 11_999).is_empty(), "not before end + delay");
		w.flush();

		// A "restart": a new buffer over the same store.
		let w = Windows::new(store.clone(), 10_000, 2_000, 100);
		let closed = w.close_due(&m, 12_000);
		assert_eq!(closed.len(), 1);
		let win = &closed[0].window;
		assert_eq!((win.start, win.end, win.count), (0, 10_000, 3));
		let t = win.metrics.iter().find(|s| &s.metric[..] == b"t").unwrap();
		assert_eq!((t.count, t.min, t.max, t.mean), (2, 20_000, 24_000, 22_000));
		assert_eq!(&win.metrics[0].metric[..], b"h", "sorted");
		assert_eq!(w.buffered(), 1);
		// Every kept reading proves against the root; the window is late for new readings.
		for i in 0..3 {
			let p = w.proof(&m, 0, i).unwrap();
			assert_eq!(p.root, win.root);
			assert!(merkle::verify(&win.root, merkle::leaf(&m, &p.reading), &p.proof));
		}
		assert!(w.proof(&m, 0, 3).is_none());
		assert_eq!(w.add(&m, &[reading("t", 5_000, 1)]), Err(Refused::Late));
	}

	#[test]
	fn the_buffer_is_bounded_and_refuses_whole_messages() {
		let m = AccountId32::from([1; 32]);
		let w = Windows::new(MemStore::default(), 10_000, 0, 3);
		w.add(&m, &[reading("a", 1, 1), reading("b", 1, 1)]).unwrap();
		assert_eq!(w.add(&m, &[reading("a", 2, 1), reading("b", 2, 1)]), Err(Refused::BufferFull));
		assert_eq!(w.buffered(), 2, "nothing of the refused message was taken");
		w.add(&m, &[reading("a", 2, 1)]).unwrap();
		assert_eq!(w.close_due(&m, 10_000).len(), 1);
		assert_eq!(w.buffered(), 0, "closing frees the buffer");
	}

	#[test]
	fn a_second_delivery_of_a_reading_is_not_taken_twice() {
		let m = AccountId32::from([3; 32]);
		let w = Windows::new(MemStore::default(), 10_000, 0, 100);
		assert_eq!(w.add(&m, &[reading("t", 1, 20), reading("h", 1, 40)]), Ok(2));
		// QoS 1 redelivers the same message: nothing new.
		assert_eq!(w.add(&m, &[reading("t", 1, 20), reading("h", 1, 40)]), Ok(0));
		// Another value or another time is another reading.
		assert_eq!(w.add(&m, &[reading("t", 1, 21), reading("t", 2, 20)]), Ok(2));
		assert_eq!(w.buffered(), 4);
		assert_eq!(w.close_due(&m, 10_000)[0].window.count, 4);
	}

	#[test]
	fn summaries_pass_the_chains_checks() {
		let m = AccountId32::from([2; 32]);
		let readings: Vec<Reading> = (0..50)
			.map(|i| reading(if i % 3 == 0 { "x" } else { "y" }, i, -(i as i64) * 7))
			.collect();
		let w = summarise(&m, 0, 10_000, &readings);
		assert_eq!(w.count, 50);
		assert!(w.metrics.windows(2).all(|p| p[0].metric < p[1].metric));
		assert!(w.metrics.iter().all(|s| s.min <= s.mean && s.mean <= s.max));
		assert_eq!(w.metrics.iter().map(|s| s.count).sum::<u32>(), 50);
	}

	/// A store that counts its writes.
	#[derive(Clone, Default)]
	struct Counting(MemStore, std::sync::Arc<std::sync::atomic::AtomicUsize>);

	impl Store for Counting {
		fn get(&self, key: &[u8]) -> Option<Vec<u8>> {
			self.0.get(key)
		}
		fn set(&self, key: &[u8], value: &[u8]) {
			self.1.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
			self.0.set(key, value)
		}
		fn remove(&self, key: &[u8]) {
			self.1.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
			self.0.remove(key)
		}
	}

	impl Counting {
		fn writes(&self) -> usize {
			self.1.load(std::sync::atomic::Ordering::SeqCst)
		}
	}

	#[test]
	fn only_flushed_readings_survive_a_restart_and_closing_empties_the_journal() {
		let store = MemStore::default();
		let m = AccountId32::from([4; 32]);
		let w = Windows::new(store.clone(), 10_000, 0, 1_000);
		w.add(&m, &[reading("t", 1, 1), reading("t", 2, 2)]).unwrap();
		w.flush();
		w.add(&m, &[reading("t", 3, 3)]).unwrap();
		w.add(&m, &[reading("t", 10_001, 4)]).unwrap();
		w.flush();
		// Taken but not flushed: the caller has not acknowledged its message, the broker
		// delivers it again after the restart.
		w.add(&m, &[reading("t", 4, 5)]).unwrap();
		assert_eq!(w.buffered(), 5);
		assert_eq!(store.count(JOURNAL), 3, "a chunk per window per flush that added to it");

		let w = Windows::new(store.clone(), 10_000, 0, 1_000);
		w.load(std::slice::from_ref(&m));
		assert_eq!(w.buffered(), 4, "the unflushed reading is gone");
		assert_eq!(w.add(&m, &[reading("t", 3, 3)]), Ok(0), "replayed readings still dedupe");
		assert_eq!(w.add(&m, &[reading("t", 4, 5)]), Ok(1), "the redelivered one is taken");
		let closed = w.close_due(&m, 10_000);
		assert_eq!(closed.len(), 1);
		assert_eq!(closed[0].window.count, 4);
		// The closed window's chunks are gone, its raw readings kept in arrival order; the
		// open window's chunk stays.
		assert_eq!(store.count(JOURNAL), 1);
		let raw: Vec<i64> = w.raw(&m, 0).unwrap().iter().map(|r| r.value).collect();
		assert_eq!(raw, vec![1, 2, 3, 5]);
		w.flush();
		let w = Windows::new(store.clone(), 10_000, 0, 1_000);
		assert_eq!(w.add(&m, &[reading("t", 5, 1)]), Err(Refused::Late), "closed-until is kept");
		assert_eq!(w.buffered(), 1);
		assert_eq!(w.close_due(&m, 20_000)[0].window.count, 1);
		assert_eq!(store.count(JOURNAL), 0);
	}

	#[test]
	fn a_burst_into_one_window_costs_two_writes_per_flush() {
		let store = Counting::default();
		let m = AccountId32::from([6; 32]);
		let w = Windows::new(store.clone(), 10_000, 0, 100_000);
		for i in 0..10_000 {
			assert_eq!(w.add(&m, &[reading("t", i % 10_000, i as i64)]), Ok(1));
		}
		assert_eq!(store.writes(), 0, "nothing written before the flush");
		w.flush();
		assert_eq!(store.writes(), 2, "one chunk and the index");
		w.flush();
		assert_eq!(store.writes(), 2, "nothing new, nothing written");
		let w = Windows::new(store.clone(), 10_000, 0, 100_000);
		w.load(std::slice::from_ref(&m));
		assert_eq!(w.buffered(), 10_000);
		let closed = w.close_due(&m, 10_000);
		assert_eq!(closed[0].window.count, 10_000);
		let p = w.proof(&m, 0, 9_999).unwrap();
		assert!(merkle::verify(&closed[0].window.root, merkle::leaf(&m, &p.reading), &p.proof));
	}

	#[test]
	fn a_window_is_refused_beyond_its_bound() {
		let m = AccountId32::from([8; 32]);
		let w = Windows::new(MemStore::default(), 10_000, 0, 1_000_000);
		let batch: Vec<Reading> = (0..1_024).map(|i| reading("t", 1, i)).collect();
		for _ in 0..MAX_WINDOW_READINGS / 1_024 {
			let n = w.buffered() as i64;
			let fresh: Vec<Reading> = batch.iter().map(|r| reading("t", 1, r.value + n)).collect();
			assert_eq!(w.add(&m, &fresh), Ok(1_024));
		}
		assert_eq!(w.add(&m, &[reading("t", 2, -1)]), Err(Refused::WindowFull));
		assert_eq!(w.add(&m, &[reading("t", 10_000, -1)]), Ok(1), "the next window is open");
	}

	#[test]
	fn an_open_record_of_the_earlier_format_moves_into_the_journal() {
		let store = MemStore::default();
		let m = AccountId32::from([9; 32]);
		let legacy = LegacyOpen {
			windows: [(0u64, vec![reading("t", 1, 1), reading("t", 2, 2)])].into(),
			closed_until: 0,
		};
		store.save(&key(LEGACY_OPEN, &m), &legacy);
		let w = Windows::new(store.clone(), 10_000, 0, 100);
		w.load(std::slice::from_ref(&m));
		assert_eq!(w.buffered(), 2);
		assert_eq!(store.count(LEGACY_OPEN), 0, "moved");
		assert_eq!(store.count(JOURNAL), 1);
		let w = Windows::new(store.clone(), 10_000, 0, 100);
		assert_eq!(w.close_due(&m, 10_000)[0].window.count, 2);
	}
}
