//! Per-source diagnostics shared by the layers reading one source.

use std::cell::RefCell;
use std::rc::Rc;
use std::sync::Arc;

use crate::{TextEncoding, Warning};

/// Warnings kept per source; more are counted and summarised in one last warning.
const MAX_WARNINGS: usize = 100;

#[derive(Debug, Default)]
struct Inner {
    source: Arc<str>,
    warnings: Vec<Warning>,
    dropped: u64,
    partial: bool,
    /// The encoding the decoder switched to mid-stream, if it did.
    encoding: Option<TextEncoding>,
}

/// Cheap handle to one source's warnings and `partial` flag (single-threaded by design:
/// one source is read by one thread).
#[derive(Debug, Clone, Default)]
pub(crate) struct Diag(Rc<RefCell<Inner>>);

impl Diag {
    pub(crate) fn new(source: Arc<str>) -> Self {
        Diag(Rc::new(RefCell::new(Inner {
            source,
            ..Inner::default()
        })))
    }

    pub(crate) fn source(&self) -> Arc<str> {
        self.0.borrow().source.clone()
    }

    /// A problem that means the source was not read completely or not exactly.
    pub(crate) fn warn(&self, offset: Option<u64>, line: Option<u64>, message: impl Into<String>) {
        let mut inner = self.0.borrow_mut();
        inner.partial = true;
        Self::push(&mut inner, offset, line, message.into());
    }

    /// Information worth telling that does not make the source partial (an empty file).
    #[allow(dead_code)]
    pub(crate) fn note(&self, message: impl Into<String>) {
        let mut inner = self.0.borrow_mut();
        Self::push(&mut inner, None, None, message.into());
    }

    #[allow(dead_code)]
    pub(crate) fn mark_partial(&self) {
        self.0.borrow_mut().partial = true;
    }

    fn push(inner: &mut Inner, offset: Option<u64>, line: Option<u64>, message: String) {
        if inner.warnings.len() >= MAX_WARNINGS {
            inner.dropped += 1;
            return;
        }
        let source = inner.source.to_string();
        inner.warnings.push(Warning {
            source,
            offset,
            line,
            message,
        });
    }

    pub(crate) fn set_encoding(&self, encoding: TextEncoding) {
        self.0.borrow_mut().encoding = Some(encoding);
    }

    pub(crate) fn encoding(&self) -> Option<TextEncoding> {
        self.0.borrow().encoding
    }

    pub(crate) fn partial(&self) -> bool {
        self.0.borrow().partial
    }

    /// Takes the collected warnings (adding the "suppressed" summary if any were dropped).
    pub(crate) fn take(&self) -> Vec<Warning> {
        let mut inner = self.0.borrow_mut();
        if inner.dropped > 0 {
            let message = format!("{} more warnings for this source suppressed", inner.dropped);
            let source = inner.source.to_string();
            inner.warnings.push(Warning {
                source,
                offset: None,
                line: None,
                message,
            });
            inner.dropped = 0;
        }
        std::mem::take(&mut inner.warnings)
    }
}
