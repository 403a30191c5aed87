//! Sorting a big list on every core: parts sorted apart, then merged in order. The time index
//! and the event list of ten million features each sorted millions of entries on the window's
//! thread.

/// `items` sorted by `key` (ties in any order, as `sort_unstable_by_key`); on every core from
/// [`ON_CORES_FROM`] items.
pub fn sort_unstable_by_key_on_cores<T, K>(
    mut items: Vec<T>,
    key: impl Fn(&T) -> K + Sync,
) -> Vec<T>
where
    T: Copy + Send + Sync,
    K: Ord,
{
    let workers = crate::io::pipeline::workers().min(items.len() / ON_CORES_FROM.max(1));
    if workers <= 1 {
        items.sort_unstable_by_key(key);
        return items;
    }
    let step = items.len().div_ceil(workers);
    std::thread::scope(|scope| {
        for part in items.chunks_mut(step) {
            let key = &key;
            scope.spawn(move || part.sort_unstable_by_key(key));
        }
    });
    // Merged by their heads: the smallest head next.
    let parts: Vec<&[T]> = items.chunks(step).collect();
    let mut at = vec![0; parts.len()];
    let mut heads: std::collections::BinaryHeap<std::cmp::Reverse<(K, usize)>> = parts
        .iter()
        .enumerate()
        .filter_map(|(k, part)| Some(std::cmp::Reverse((key(part.first()?), k))))
        .collect();
    let mut sorted = Vec::with_capacity(items.len());
    while let Some(std::cmp::Reverse((_, k))) = heads.pop() {
        sorted.push(parts[k][at[k]]);
        at[k] += 1;
        if let Some(next) = parts[k].get(at[k]) {
            heads.push(std::cmp::Reverse((key(next), k)));
        }
    }
    sorted
}

/// Lists shorter than this are sorted on one core: threads cost more than they save.
pub const ON_CORES_FROM: usize = 200_000;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorted_on_cores_as_on_one() {
        for len in [0, 1, 7, ON_CORES_FROM * 2 + 13] {
            let items: Vec<(u32, u32)> = (0..len as u32)
                .map(|i| (i.wrapping_mul(2_654_435_761) % 1000, i))
                .collect();
            let mut expected = items.clone();
            expected.sort_unstable();
            let sorted = sort_unstable_by_key_on_cores(items, |&(a, b)| (a, b));
            assert_eq!(sorted, expected, "{len}");
        }
    }
}
