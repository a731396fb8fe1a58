//! The figures of one run, and of several rounds against a server: the
//! median of each figure across the rounds.
//!
//! A median of an even count is the mean of the two middle values (rounded
//! down for integers), so two rounds give their mean; of one round it is
//! that round's value, unchanged.

use super::Row;

/// The figures of a row, `None` where the run produced none.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub(super) struct Figures {
    pub(super) reqs_per_sec: f64,
    pub(super) p50: u64,
    pub(super) p99: u64,
    pub(super) p999: u64,
    pub(super) max: u64,
    /// Server CPU (user + system) per request, in µs.
    pub(super) cpu_us_per_req: Option<f64>,
    /// Server context switches (voluntary + involuntary) per request.
    pub(super) switches_per_req: Option<f64>,
    pub(super) peak_rss_kib: u64,
}

/// The figures of one run; `None` if the client produced no result.
pub(super) fn figures(row: &Row) -> Option<Figures> {
    let c = &row.client;
    if c.is_null() {
        return None;
    }
    let u = |key: &str| c[key].as_u64().unwrap_or(0);
    let requests = u("requests");
    let per_request = |total: f64| (requests > 0).then(|| total / requests as f64);
    Some(Figures {
        reqs_per_sec: c["reqs_per_sec"].as_f64().unwrap_or(0.0),
        p50: u("p50_us"),
        p99: u("p99_us"),
        p999: u("p999_us"),
        max: u("max_us"),
        cpu_us_per_req: row.usage.and_then(|u| per_request(u.cpu_secs * 1e6)),
        switches_per_req: row
            .usage
            .and_then(|u| per_request(u.context_switches as f64)),
        peak_rss_kib: row.peak_rss_kib,
    })
}

/// The median of each figure over the rounds; `None` if a round produced
/// no result (the table then reads FAILED) or there are no rounds.
pub(super) fn median_figures(rounds: &[Row]) -> Option<Figures> {
    let all: Vec<Figures> = rounds.iter().map(figures).collect::<Option<_>>()?;
    let u = |pick: fn(&Figures) -> u64| median_u64(all.iter().map(pick));
    let opt = |pick: fn(&Figures) -> Option<f64>| median_f64(all.iter().filter_map(pick));
    Some(Figures {
        reqs_per_sec: median_f64(all.iter().map(|r| r.reqs_per_sec))?,
        p50: u(|r| r.p50)?,
        p99: u(|r| r.p99)?,
        p999: u(|r| r.p999)?,
        max: u(|r| r.max)?,
        cpu_us_per_req: opt(|r| r.cpu_us_per_req),
        switches_per_req: opt(|r| r.switches_per_req),
        peak_rss_kib: u(|r| r.peak_rss_kib)?,
    })
}

/// The median; of an even count, the mean of the two middle values.
fn median_f64(values: impl IntoIterator<Item = f64>) -> Option<f64> {
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
/// rounded down.
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
    use crate::usage::Usage;
    use crate::RT;

    fn row(reqs_per_sec: f64, cpu_secs: f64) -> Row {
        Row {
            connections: 100,
            server: RT,
            client: json!({"requests": 1_000_000, "reqs_per_sec": reqs_per_sec, "p99_us": 7}),
            peak_rss_kib: 2000,
            usage: Some(Usage {
                cpu_secs,
                context_switches: 500_000,
            }),
            failures: Vec::new(),
        }
    }

    #[test]
    fn medians_of_rounds_and_figures_per_request() {
        let rounds = [row(300.0, 3.0), row(100.0, 1.0), row(200.0, 2.0)];
        let m = median_figures(&rounds).unwrap();
        assert_eq!(m.reqs_per_sec, 200.0);
        assert_eq!(m.cpu_us_per_req, Some(2.0));
        assert_eq!(m.switches_per_req, Some(0.5));
        assert_eq!(m.p99, 7);
        assert_eq!(median_figures(&rounds[..1]), figures(&rounds[0]));
        assert_eq!(median_u64([10, 40, 20, 30]), Some(25));
        assert_eq!(median_f64([4.0, 1.0]), Some(2.5));
    }

    #[test]
    fn a_round_without_a_result_fails_the_row() {
        let mut failed = row(100.0, 1.0);
        failed.client = serde_json::Value::Null;
        assert_eq!(median_figures(&[row(100.0, 1.0), failed]), None);
        assert_eq!(median_figures(&[]), None);
    }
}
