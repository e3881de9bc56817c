//! Panics of third-party parsers, caught and reported as errors of their input.
//!
//! calamine and rusqlite panic on some hostile files (a shared-string index past the table,
//! a column name that is not UTF-8). The readers catch those panics and report the input as
//! unreadable, but the process's panic hook would still print a `thread panicked at …` message
//! for each, which reads like a crash. [`quiet_contained_panics`] lets a program silence the
//! hook for exactly those panics.

use std::cell::Cell;
use std::panic::{catch_unwind, AssertUnwindSafe};

thread_local! {
    /// How many [`contain`] calls this thread is inside.
    static DEPTH: Cell<u32> = const { Cell::new(0) };
}

/// Runs `f`, catching a panic inside it (the caller reports it as an error of the input).
pub(crate) fn contain<T>(f: impl FnOnce() -> T) -> std::thread::Result<T> {
    DEPTH.with(|d| d.set(d.get() + 1));
    let result = catch_unwind(AssertUnwindSafe(f));
    DEPTH.with(|d| d.set(d.get() - 1));
    result
}

/// Installs a panic hook that prints nothing for the panics the readers catch in third-party
/// parsers (each is reported as an error of its input instead) and hands every other panic
/// to the hook that was installed before. For programs; a library should not change the
/// process's hook.
pub fn quiet_contained_panics() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if DEPTH.with(Cell::get) == 0 {
            previous(info);
        }
    }));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contain_catches_and_keeps_count() {
        assert!(contain(|| panic!("parser bug")).is_err());
        assert_eq!(contain(|| 7).ok(), Some(7));
        assert_eq!(DEPTH.with(Cell::get), 0, "back outside after a panic");
    }
}
