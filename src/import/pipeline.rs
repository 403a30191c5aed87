//! A table's chunks read on every core and their results taken in file order: workers take the
//! next chunk from the reader as they come free, and what each makes is handed on in the order
//! of the chunks, whatever order they finish in.

use std::collections::BTreeMap;
use std::io::Read;
use std::sync::Mutex;
use std::sync::mpsc;

use super::chunks::{Chunk, ChunkError, ChunkReader};

/// How many workers read chunks: one per core.
pub fn workers() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// What the shared reader has come to.
struct Shared<R> {
    reader: ChunkReader<R>,
    error: Option<ChunkError>,
    stopped: bool,
}

/// Reads every chunk of `reader` with `work` on `workers` threads and gives the results to
/// `take` in the order of the chunks. `work` returning `None`, or `take` returning `false`,
/// stops the reading (the chunks after are not read). `on_read` is told how many bytes have
/// been read as chunks are cut.
pub fn in_order<R, T>(
    reader: ChunkReader<R>,
    workers: usize,
    work: impl Fn(&Chunk) -> Option<T> + Sync,
    on_read: impl Fn(u64) + Sync,
    mut take: impl FnMut(T) -> bool,
) -> Result<(), ChunkError>
where
    R: Read + Send,
    T: Send,
{
    let shared = Mutex::new(Shared {
        reader,
        error: None,
        stopped: false,
    });
    let stop = |shared: &Mutex<Shared<R>>| {
        if let Ok(mut shared) = shared.lock() {
            shared.stopped = true;
        }
    };
    // Each worker has at most one result waiting to be sent: memory stays a few chunks' worth.
    let (sender, receiver) = mpsc::sync_channel::<(usize, Option<T>)>(workers);
    std::thread::scope(|scope| {
        for _ in 0..workers.max(1) {
            let sender = sender.clone();
            let (shared, work, on_read) = (&shared, &work, &on_read);
            scope.spawn(move || {
                loop {
                    let chunk = {
                        let Ok(mut guard) = shared.lock() else { break };
                        if guard.stopped {
                            break;
                        }
                        match guard.reader.next_chunk() {
                            Ok(Some(chunk)) => {
                                on_read(guard.reader.bytes_read());
                                chunk
                            }
                            Ok(None) => break,
                            Err(e) => {
                                guard.error = Some(e);
                                guard.stopped = true;
                                break;
                            }
                        }
                    };
                    let result = work(&chunk);
                    let (number, failed) = (chunk.number, result.is_none());
                    drop(chunk);
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_come_in_the_order_of_the_chunks_on_any_number_of_workers() {
        let mut text = String::from("n\n");
        for i in 0..5_000 {
            text.push_str(&format!("{i}\n"));
        }
        for workers in [1, 2, 7] {
            let reader = ChunkReader::with_sizes(text.as_bytes(), 100, 1000);
            let mut firsts = Vec::new();
            in_order(
                reader,
                workers,
                |chunk| Some(chunk.first_line),
                |_| {},
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
    fn a_worker_or_the_taker_stops_the_reading() {
        let text = "n\n1\n2\n3\n4\n5\n6\n".repeat(100);
        let reader = ChunkReader::with_sizes(text.as_bytes(), 8, 1000);
        let mut taken = 0;
        in_order(
            reader,
            3,
            |chunk| (chunk.number != 5).then_some(()),
            |_| {},
            |()| {
                taken += 1;
                true
            },
        )
        .expect("no error");
        assert_eq!(taken, 5);
        let reader = ChunkReader::with_sizes(text.as_bytes(), 8, 1000);
        let mut taken = 0;
        in_order(
            reader,
            3,
            |chunk| Some(chunk.number),
            |_| {},
            |_| {
                taken += 1;
                taken < 2
            },
        )
        .expect("no error");
        assert_eq!(taken, 2);
    }
}
