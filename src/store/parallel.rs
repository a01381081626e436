//! Running independent per-incident work (reading and parsing files) on every core.

/// `f` over `items` on every core, results in the order of `items`. Reading thousands of small
/// files is parse-bound, and an incident's files are independent of every other's.
pub fn parallel_map<T: Send, R: Send>(items: Vec<T>, f: impl Fn(T) -> R + Sync) -> Vec<R> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    if threads == 1 || items.len() < 64 {
        return items.into_iter().map(f).collect();
    }
    let n = items.len();
    let chunk = n.div_ceil(threads);
    // Each worker writes its results in place, into its part of the one output vector: a parsed
    // incident is large, and gathering per-thread vectors into a new one moved every result
    // once more into freshly faulted pages (most of the page faults of a warm `inc stats`).
    let mut out: Vec<R> = Vec::with_capacity(n);
    let mut items = items.into_iter();
    let f = &f;
    std::thread::scope(|scope| {
        for slots in out.spare_capacity_mut()[..n].chunks_mut(chunk) {
            let part: Vec<T> = items.by_ref().take(slots.len()).collect();
            assert_eq!(part.len(), slots.len(), "one item for each slot");
            scope.spawn(move || {
                for (slot, item) in slots.iter_mut().zip(part) {
                    slot.write(f(item));
                }
            });
        }
        // A worker that panicked makes `scope` panic once all are joined, before `set_len`.
    });
    // SAFETY: the chunks cover the first `n` slots, each worker wrote every slot of its chunk
    // (one item per slot, asserted above) and all of them finished without panicking.
    unsafe { out.set_len(n) };
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn keeps_the_order_of_the_items() {
        for n in [0, 1, 63, 64, 65, 1000, 1001] {
            let items: Vec<String> = (0..n).map(|i| i.to_string()).collect();
            let out = super::parallel_map(items.clone(), |s| format!("{s}!"));
            let expected: Vec<String> = items.iter().map(|s| format!("{s}!")).collect();
            assert_eq!(out, expected);
        }
    }

    #[test]
    fn a_panicking_worker_panics_the_caller_and_returns_nothing() {
        let items: Vec<String> = (0..1000).map(|i| i.to_string()).collect();
        let result = std::panic::catch_unwind(|| {
            super::parallel_map(items, |s| {
                assert_ne!(s, "700", "a worker fails");
                s
            })
        });
        assert!(result.is_err());
    }
}
