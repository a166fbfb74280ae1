//! Progress lines for the examples' long-running loads.
//!
//! On a terminal the count is redrawn in place; in a log (CI) a line is written at
//! each quarter, so the output stays short and readable in both.

use std::io::{IsTerminal, Write};
use std::time::Instant;

/// Counts work done out of a known total and reports it on stderr.
pub struct Progress {
    label: String,
    total: usize,
    done: usize,
    next_quarter: usize,
    tty: bool,
    started: Instant,
}

impl Progress {
    /// Starts counting `total` units of `label`.
    pub fn new(label: impl Into<String>, total: usize) -> Self {
        Progress {
            label: label.into(),
            total,
            done: 0,
            next_quarter: 1,
            tty: std::io::stderr().is_terminal(),
            started: Instant::now(),
        }
    }

    /// Records `n` more units.
    pub fn advance(&mut self, n: usize) {
        self.done = (self.done + n).min(self.total);
        let mut err = std::io::stderr().lock();
        if self.tty {
            let _ = write!(err, "\r  {}: {}/{}", self.label, self.done, self.total);
            let _ = err.flush();
            return;
        }
        while self.next_quarter <= 4 && self.done * 4 >= self.total * self.next_quarter {
            let _ = writeln!(
                err,
                "  {}: {}/{} ({}%)",
                self.label,
                self.done,
                self.total,
                self.next_quarter * 25
            );
            self.next_quarter += 1;
        }
    }

    /// Ends the count and returns the elapsed seconds.
    pub fn finish(self) -> f64 {
        if self.tty {
            let _ = writeln!(std::io::stderr());
        }
        self.started.elapsed().as_secs_f64()
    }
}
