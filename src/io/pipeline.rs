//! Pieces of a file read on every core and their results taken in file order: workers take the
//! next piece from the source as they come free (the source itself is read by one at a time),
//! and what each makes is handed on in the order of the pieces, whatever order they finish in.
//! Used for a table's chunks and for the blocks of a story's text being outlined.

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::sync::mpsc;

/// How many workers to read with: one per core.
pub fn workers() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// `work` of the indexes `0..len`, split into one run a core (a run of `least` at the fewest,
/// so that a short list stays on one), on threads; the results in the order of the runs.
pub fn on_cores<T: Send>(
    len: usize,
    least: usize,
    work: impl Fn(std::ops::Range<usize>) -> T + Sync,
) -> Vec<T> {
    let runs = workers().min(len / least.max(1)).max(1);
    if runs == 1 {
        return vec![work(0..len)];
    }
    let step = len.div_ceil(runs);
    std::thread::scope(|scope| {
        let running: Vec<_> = (0..runs)
            .map(|r| {
                let work = &work;
                scope.spawn(move || work(r * step..((r + 1) * step).min(len)))
            })
            .collect();
        running
            .into_iter()
            .map(|run| {
                run.join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .collect()
    })
}

/// What the shared source has come to.
struct Shared<S, E> {
    source: S,
    next: usize,
    error: Option<E>,
    stopped: bool,
}

/// Takes every piece `next_piece` gives (until `None`), makes something of each with `work` on
/// `workers` threads, and gives the results to `take` in the order of the pieces. `work`
/// returning `None`, or `take` returning `false`, stops the reading (the pieces after are not
/// taken); an error of the source stops it too and is returned.
pub fn in_order<I, T, E, S>(
    next_piece: S,
    workers: usize,
    work: impl Fn(I) -> Option<T> + Sync,
    mut take: impl FnMut(T) -> bool,
) -> Result<(), E>
where
    S: FnMut() -> Result<Option<I>, E> + Send,
    I: Send,
    T: Send,
    E: Send,
{
    let shared = Mutex::new(Shared {
        source: next_piece,
        next: 0,
        error: None,
        stopped: false,
    });
    let stop = |shared: &Mutex<Shared<S, E>>| {
        if let Ok(mut shared) = shared.lock() {
            shared.stopped = true;
        }
    };
    // Each worker has at most one result waiting to be sent: memory stays a few pieces' worth.
    let (sender, receiver) = mpsc::sync_channel::<(usize, Option<T>)>(workers);
    std::thread::scope(|scope| {
        for _ in 0..workers.max(1) {
            let sender = sender.clone();
            let (shared, work) = (&shared, &work);
            scope.spawn(move || {
                loop {
                    let (number, piece) = {
                        let Ok(mut guard) = shared.lock() else { break };
                        if guard.stopped {
                            break;
                        }
                        match (guard.source)() {
                            Ok(Some(piece)) => {
                                guard.next += 1;
                                (guard.next - 1, piece)
                            }
                            Ok(None) => break,
                            Err(e) => {
                                guard.error = Some(e);
                                guard.stopped = true;
                                break;
                            }
                        }
                    };
                    let result = work(piece);
                    let failed = result.is_none();
                    if sender.send((number, result)).is_err() || failed {
                        break;
                    }
                }
            });
        }
        drop(sender);
        let mut waiting = BTreeMap::new();
        let mut next = 0;
        'receiving: for (number, result) in receiver {
            waiting.insert(number, result);
            while let Some(result) = waiting.remove(&next) {
                next += 1;
                let taken = match result {
                    Some(result) => take(result),
                    None => false,
                };
                if !taken {
                    stop(&shared);
                    break 'receiving;
                }
            }
        }
    });
    match shared.into_inner() {
        Ok(Shared { error: Some(e), .. }) => Err(e),
        _ => Ok(()),
    }
}

/// Decisions made about numbered pieces in their order, by whichever worker brings the piece
/// that lets the next be decided: a reader whose workers learn something of each piece (the
/// places a chunk's rows name) that must be settled in file order (which place is the first)
/// before they can finish it, without reading the piece a second time.
pub struct Sequence<S, D, F> {
    state: Mutex<SequenceState<S, D, F>>,
    decided: std::sync::Condvar,
}

struct SequenceState<S, D, F> {
    decide: F,
    next: usize,
    waiting: BTreeMap<usize, S>,
    decisions: BTreeMap<usize, D>,
    stopped: bool,
}

impl<S, D, F: FnMut(S) -> D> Sequence<S, D, F> {
    /// A sequence that makes each decision with `decide`, from piece 0 on.
    pub fn new(decide: F) -> Self {
        Self {
            state: Mutex::new(SequenceState {
                decide,
                next: 0,
                waiting: BTreeMap::new(),
                decisions: BTreeMap::new(),
                stopped: false,
            }),
            decided: std::sync::Condvar::new(),
        }
    }

    /// Hands in what piece `number` says, then waits for its decision, made once every piece
    /// before it is decided. `None` once the sequence is stopped: a piece before it will never
    /// come.
    pub fn decide(&self, number: usize, said: S) -> Option<D> {
        let Ok(mut state) = self.state.lock() else {
            return None;
        };
        state.waiting.insert(number, said);
        let mut made = false;
        loop {
            let next = state.next;
            let Some(said) = state.waiting.remove(&next) else {
                break;
            };
            let decision = (state.decide)(said);
            state.decisions.insert(next, decision);
            state.next += 1;
            made = true;
        }
        if made {
            self.decided.notify_all();
        }
        loop {
            if let Some(decision) = state.decisions.remove(&number) {
                return Some(decision);
            }
            if state.stopped {
                return None;
            }
            state = self.decided.wait(state).ok()?;
        }
    }

    /// Wakes every worker waiting, with no decision: a piece will not come (it was cancelled,
    /// or its worker failed).
    pub fn stop(&self) {
        if let Ok(mut state) = self.state.lock() {
            state.stopped = true;
        }
        self.decided.notify_all();
    }

    /// A guard that stops the sequence if dropped while its thread panics, so that no worker
    /// waits for a piece that will never come.
    pub fn stop_on_panic(&self) -> impl Drop + '_ {
        struct Guard<'a, S, D, F: FnMut(S) -> D>(&'a Sequence<S, D, F>);
        impl<S, D, F: FnMut(S) -> D> Drop for Guard<'_, S, D, F> {
            fn drop(&mut self) {
                if std::thread::panicking() {
                    self.0.stop();
                }
            }
        }
        Guard(self)
    }

    /// The decider back, with what it has gathered.
    pub fn into_decider(self) -> Option<F> {
        self.state.into_inner().ok().map(|state| state.decide)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::chunks::ChunkReader;

    #[test]
    fn results_come_in_the_order_of_the_chunks_on_any_number_of_workers() {
        let mut text = String::from("n\n");
        for i in 0..5_000 {
            text.push_str(&format!("{i}\n"));
        }
        for workers in [1, 2, 7] {
            let mut reader = ChunkReader::with_sizes(text.as_bytes(), 100, 1000);
            let mut firsts = Vec::new();
            in_order(
                || reader.next_chunk(),
                workers,
                |chunk| Some(chunk.first_line),
                |line| {
                    firsts.push(line);
                    true
                },
            )
            .expect("read");
            assert!(firsts.len() > 100);
            assert!(firsts.windows(2).all(|w| w[0] < w[1]), "{firsts:?}");
        }
    }

    #[test]
    fn pieces_are_decided_in_order_whichever_worker_brings_them() {
        for workers in [1, 2, 5] {
            let mut text = String::from("n\n");
            for i in 0..3_000 {
                text.push_str(&format!("{i}\n"));
            }
            let mut order = Vec::new();
            let sequence = Sequence::new(|first_line: usize| {
                order.push(first_line);
                order.len()
            });
            let mut reader = ChunkReader::with_sizes(text.as_bytes(), 50, 1000);
            let mut decisions = Vec::new();
            in_order(
                || reader.next_chunk(),
                workers,
                |chunk| sequence.decide(chunk.number, chunk.first_line),
                |decision| {
                    decisions.push(decision);
                    true
                },
            )
            .expect("read");
            drop(sequence);
            assert!(order.len() > 50);
            assert!(order.windows(2).all(|w| w[0] < w[1]), "{order:?}");
            assert_eq!(decisions, (1..=order.len()).collect::<Vec<_>>());
        }
    }

    #[test]
    fn a_stopped_sequence_wakes_its_waiting_workers() {
        let sequence = Sequence::new(|n: usize| n);
        std::thread::scope(|scope| {
            // Piece 1 waits for piece 0, which never comes.
            let waiting = scope.spawn(|| sequence.decide(1, 1));
            std::thread::sleep(std::time::Duration::from_millis(20));
            sequence.stop();
            assert_eq!(waiting.join().expect("joined"), None);
        });
    }

    #[test]
    fn a_worker_or_the_taker_stops_the_reading() {
        let text = "n\n1\n2\n3\n4\n5\n6\n".repeat(100);
        let mut reader = ChunkReader::with_sizes(text.as_bytes(), 8, 1000);
        let mut taken = 0;
        in_order(
            || reader.next_chunk(),
            3,
            |chunk| (chunk.number != 5).then_some(()),
            |()| {
                taken += 1;
                true
            },
        )
        .expect("no error");
        assert_eq!(taken, 5);
        let mut reader = ChunkReader::with_sizes(text.as_bytes(), 8, 1000);
        let mut taken = 0;
        in_order(
            || reader.next_chunk(),
            3,
            |chunk| Some(chunk.number),
            |_| {
                taken += 1;
                taken < 2
            },
        )
        .expect("no error");
        assert_eq!(taken, 2);
    }
}
