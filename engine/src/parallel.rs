//! Work spread over the cores, in one place: rayon when the `parallel` feature is on
//! (the default), plain iteration without it and on WebAssembly, which has one
//! thread. Results always come back in the order of the inputs, so output does not
//! depend on the number of threads.

/// How many threads [`par_map`] uses.
pub(crate) fn threads() -> usize {
    #[cfg(all(feature = "parallel", not(target_arch = "wasm32")))]
    {
        rayon::current_num_threads()
    }
    #[cfg(not(all(feature = "parallel", not(target_arch = "wasm32"))))]
    {
        1
    }
}

/// `items` mapped by `f` in order, in parallel when the `parallel` feature is on.
pub(crate) fn par_map<I: Send, O: Send>(items: Vec<I>, f: impl Fn(I) -> O + Sync + Send) -> Vec<O> {
    #[cfg(all(feature = "parallel", not(target_arch = "wasm32")))]
    {
        use rayon::prelude::*;
        items.into_par_iter().map(f).collect()
    }
    #[cfg(not(all(feature = "parallel", not(target_arch = "wasm32"))))]
    {
        items.into_iter().map(f).collect()
    }
}

/// `f` of each of `items`, in order, computed on every core when the `parallel`
/// feature is on: for many small items, which rayon splits into as few tasks as
/// there are cores to keep busy.
pub(crate) fn par_map_ref<I: Sync, O: Send>(items: &[I], f: impl Fn(&I) -> O + Sync + Send) -> Vec<O> {
    #[cfg(all(feature = "parallel", not(target_arch = "wasm32")))]
    {
        use rayon::prelude::*;
        items.par_iter().map(f).collect()
    }
    #[cfg(not(all(feature = "parallel", not(target_arch = "wasm32"))))]
    {
        items.iter().map(f).collect()
    }
}

/// Drops `items` on every core, as [`par_map_ref`] made them: freeing a million
/// small allocations on one thread, most of them made on others, takes longer than
/// making them.
pub(crate) fn par_drop<T: Send>(items: Vec<T>) {
    #[cfg(all(feature = "parallel", not(target_arch = "wasm32")))]
    {
        use rayon::prelude::*;
        items.into_par_iter().for_each(drop);
    }
    #[cfg(not(all(feature = "parallel", not(target_arch = "wasm32"))))]
    drop(items);
}

/// `background()` on the pool while this thread runs `here()`, both results once
/// both are done: for work beside which this thread has its own to do, with what
/// cannot cross threads (an input being read). One after the other without the
/// `parallel` feature.
pub(crate) fn beside<A: Send, B>(background: impl FnOnce() -> A + Send, here: impl FnOnce() -> B) -> (A, B) {
    #[cfg(all(feature = "parallel", not(target_arch = "wasm32")))]
    {
        let mut done = None;
        let ran = rayon::in_place_scope(|scope| {
            scope.spawn(|_| done = Some(background()));
            here()
        });
        (done.expect("a scope ends once its tasks have"), ran)
    }
    #[cfg(not(all(feature = "parallel", not(target_arch = "wasm32"))))]
    {
        (background(), here())
    }
}
