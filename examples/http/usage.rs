//! What the server has used so far, from `/proc`: CPU time and context
//! switches, sampled when the client's measured window opens and closes.

use super::process::cpu_secs;

/// A process's CPU time and context switches so far (or, as a difference
/// of two samples, over a window).
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) struct Usage {
    /// User + system CPU seconds (`/proc/PID/stat`).
    pub(super) cpu_secs: f64,
    /// Voluntary + involuntary context switches of all its threads.
    pub(super) context_switches: u64,
}

impl Usage {
    /// The server's usage so far; `None` if `/proc` does not say.
    pub(super) fn sample(pid: u32) -> Option<Usage> {
        Some(Usage {
            cpu_secs: cpu_secs(pid)?,
            context_switches: context_switches(pid)?,
        })
    }

    /// The usage between `earlier` and `self`.
    pub(super) fn since(self, earlier: Usage) -> Usage {
        Usage {
            cpu_secs: self.cpu_secs - earlier.cpu_secs,
            context_switches: self
                .context_switches
                .saturating_sub(earlier.context_switches),
        }
    }
}

/// Voluntary + involuntary context switches of every thread of `pid`.
///
/// `/proc/PID/status` counts the main thread only, so this adds up each
/// thread's `/proc/PID/task/TID/status`. A thread that exits between two
/// samples takes its count with it: the servers' workers live as long as
/// the process, so only short-lived helper threads could be missed.
fn context_switches(pid: u32) -> Option<u64> {
    let mut total = 0;
    for task in std::fs::read_dir(format!("/proc/{pid}/task")).ok()? {
        let Ok(status) = std::fs::read_to_string(task.ok()?.path().join("status")) else {
            continue; // The thread exited since the listing.
        };
        total += status
            .lines()
            .filter(|line| {
                line.starts_with("voluntary_ctxt_switches:")
                    || line.starts_with("nonvoluntary_ctxt_switches:")
            })
            .filter_map(|line| line.split_whitespace().nth(1)?.parse::<u64>().ok())
            .sum::<u64>();
    }
    Some(total)
}
