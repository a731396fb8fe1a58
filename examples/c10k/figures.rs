//! The figures of one run, and of several rounds of a scenario against a
//! server: the median of each figure across the rounds.
//!
//! A median of an even count is the mean of the two middle values (rounded
//! down for integers), so two rounds give their mean. Of one round it is
//! that round's value, unchanged.

use super::Row;

/// The figures of a row, `None` where the run produced none.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub(super) struct Figures {
    /// Connections held; across rounds, the fewest (the worst round).
    pub(super) held: u64,
    pub(super) connect_secs: f64,
    pub(super) msgs_per_sec: f64,
    pub(super) p50: u64,
    pub(super) p99: u64,
    pub(super) p999: u64,
    pub(super) max: u64,
    /// The fewest and the most round trips one connection made.
    pub(super) min_rt: u64,
    pub(super) max_rt: u64,
    /// The fewest round trips one connection made in any round: a
    /// connection that starved in one round is not hidden by the median.
    pub(super) worst_min_rt: u64,
    pub(super) jain: f64,
    pub(super) peak_rss_kib: u64,
    pub(super) bytes_per_conn: Option<f64>,
    pub(super) cpu_per_million: Option<f64>,
}

/// The figures of one run; `None` if the client produced no result.
pub(super) fn figures(row: &Row) -> Option<Figures> {
    let c = &row.client;
    if c.is_null() {
        return None;
    }
    let u = |key: &str| c[key].as_u64().unwrap_or(0);
    let f = |key: &str| c[key].as_f64().unwrap_or(0.0);
    let held = u("held");
    let messages = u("messages");
    Some(Figures {
        held,
        connect_secs: f("connect_secs"),
        msgs_per_sec: f("msgs_per_sec"),
        p50: u("p50_us"),
        p99: u("p99_us"),
        p999: u("p999_us"),
        max: u("max_us"),
        min_rt: u("min_round_trips"),
        max_rt: u("max_round_trips"),
        worst_min_rt: u("min_round_trips"),
        jain: f("jain_fairness"),
        peak_rss_kib: row.peak_rss_kib,
        bytes_per_conn: (held > 0 && row.peak_rss_kib > 0).then(|| {
            row.peak_rss_kib.saturating_sub(row.rss_before_kib) as f64 * 1024.0 / held as f64
        }),
        cpu_per_million: row
            .cpu_secs
            .filter(|_| messages > 0)
            .map(|cpu| cpu / (messages as f64 / 1e6)),
    })
}

/// The figures of every round of one scenario against one server: the
/// median of each figure, the fewest connections held, and the fewest
/// round trips of any connection in any round. `None` if a round produced
/// no result (the table then reads FAILED) or there are no rounds.
pub(super) fn median_figures(rounds: &[Row]) -> Option<Figures> {
    let all: Vec<Figures> = rounds.iter().map(figures).collect::<Option<_>>()?;
    let u = |pick: fn(&Figures) -> u64| median_u64(all.iter().map(pick));
    let f = |pick: fn(&Figures) -> f64| median_f64(all.iter().map(pick));
    let opt = |pick: fn(&Figures) -> Option<f64>| median_f64(all.iter().filter_map(pick));
    Some(Figures {
        held: all.iter().map(|r| r.held).min()?,
        connect_secs: f(|r| r.connect_secs)?,
        msgs_per_sec: f(|r| r.msgs_per_sec)?,
        p50: u(|r| r.p50)?,
        p99: u(|r| r.p99)?,
        p999: u(|r| r.p999)?,
        max: u(|r| r.max)?,
        min_rt: u(|r| r.min_rt)?,
        max_rt: u(|r| r.max_rt)?,
        worst_min_rt: all.iter().map(|r| r.worst_min_rt).min()?,
        jain: f(|r| r.jain)?,
        peak_rss_kib: u(|r| r.peak_rss_kib)?,
        bytes_per_conn: opt(|r| r.bytes_per_conn),
        cpu_per_million: opt(|r| r.cpu_per_million),
    })
}

/// The median; of an even count, the mean of the two middle values.
/// `None` if there are none.
pub(super) fn median_f64(values: impl IntoIterator<Item = f64>) -> Option<f64> {
    let mut v: Vec<f64> = values.into_iter().collect();
    v.sort_by(f64::total_cmp);
    let n = v.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(v[n / 2]),
        _ => Some(v[n / 2 - 1].midpoint(v[n / 2])),
    }
}

/// The median; of an even count, the mean of the two middle values,
/// rounded down. `None` if there are none.
pub(super) fn median_u64(values: impl IntoIterator<Item = u64>) -> Option<u64> {
    let mut v: Vec<u64> = values.into_iter().collect();
    v.sort_unstable();
    let n = v.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(v[n / 2]),
        _ => Some(v[n / 2 - 1].midpoint(v[n / 2])),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::{Scenario, RT};

    #[test]
    fn median_of_odd_and_even_counts() {
        assert_eq!(median_f64([]), None);
        assert_eq!(median_f64([3.0]), Some(3.0));
        assert_eq!(median_f64([9.0, 1.0, 5.0]), Some(5.0));
        assert_eq!(median_f64([4.0, 1.0, 2.0, 9.0]), Some(3.0));
        assert_eq!(median_u64([]), None);
        assert_eq!(median_u64([7]), Some(7));
        assert_eq!(median_u64([30, 10, 20]), Some(20));
        assert_eq!(median_u64([10, 40, 20, 30]), Some(25));
        // Rounded down, and no overflow near the top.
        assert_eq!(median_u64([1, 2]), Some(1));
        assert_eq!(median_u64([u64::MAX, u64::MAX - 2]), Some(u64::MAX - 1));
    }

    fn row(msgs_per_sec: f64, held: u64, min_rt: u64, max_rt: u64) -> Row {
        Row {
            scenario: Scenario::ClosedLoop,
            server: RT,
            client: json!({
                "held": held, "messages": 1_000_000, "msgs_per_sec": msgs_per_sec,
                "min_round_trips": min_rt, "max_round_trips": max_rt,
            }),
            rss_before_kib: 1000,
            peak_rss_kib: 2000,
            cpu_secs: Some(msgs_per_sec / 1000.0),
            totals: None,
            failures: Vec::new(),
        }
    }

    #[test]
    fn one_round_is_itself() {
        let rounds = [row(100.0, 10, 3, 9)];
        assert_eq!(median_figures(&rounds), figures(&rounds[0]));
    }

    #[test]
    fn rounds_give_medians_and_the_worst_held() {
        let rounds = [
            row(300.0, 10, 5, 9),
            row(100.0, 8, 0, 7),
            row(200.0, 9, 4, 8),
        ];
        let m = median_figures(&rounds).unwrap();
        assert_eq!(m.msgs_per_sec, 200.0);
        assert_eq!((m.min_rt, m.max_rt, m.worst_min_rt), (4, 8, 0));
        assert_eq!(m.held, 8);
        assert_eq!(m.cpu_per_million, Some(0.2));
    }

    #[test]
    fn a_round_without_a_result_fails_the_row() {
        let mut failed = row(100.0, 10, 3, 9);
        failed.client = serde_json::Value::Null;
        assert_eq!(median_figures(&[row(100.0, 10, 3, 9), failed]), None);
        assert_eq!(median_figures(&[]), None);
    }
}
