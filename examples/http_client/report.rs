//! The results, printed as a report or as one JSON line for `http`.

use hdrhistogram::Histogram;

use super::args::{Config, Load};
use super::Results;

/// Quantiles of a merged histogram, in µs: p50, p99, p99.9, max.
fn quantiles(histogram: &Option<Histogram<u64>>) -> [u64; 4] {
    match histogram {
        Some(h) if !h.is_empty() => [
            h.value_at_quantile(0.50),
            h.value_at_quantile(0.99),
            h.value_at_quantile(0.999),
            h.max(),
        ],
        _ => [0; 4],
    }
}

/// What each request is, in a few words.
fn requests(config: &Config) -> String {
    match &config.load {
        Load::Get { path, .. } => format!("GET {path}"),
        Load::Echo(size) => format!("POST /echo with {size} bytes"),
    }
}

pub(super) fn json(config: &Config, results: &Results) -> serde_json::Value {
    let secs = config.duration.as_secs_f64();
    let [p50, p99, p999, max] = quantiles(&results.latency);
    let [_, lag_p99, _, lag_max] = quantiles(&results.send_lag);
    serde_json::json!({
        "connections": config.connections,
        "held": results.connected - results.lost,
        "connect_failed": results.connect_failed,
        "lost": results.lost,
        "bad_responses": results.bad_responses,
        "request": requests(config),
        "rate": config.rate,
        "duration_secs": secs,
        "requests": results.requests,
        "reqs_per_sec": results.requests as f64 / secs,
        "p50_us": p50,
        "p99_us": p99,
        "p999_us": p999,
        "max_us": max,
        "send_lag_p99_us": lag_p99,
        "send_lag_max_us": lag_max,
        "errors": results.errors,
    })
}

pub(super) fn report(config: &Config, results: &Results) {
    let secs = config.duration.as_secs_f64();
    let mode = match config.rate {
        Some(r) => format!("{r} req/s per connection (latency from the scheduled send time)"),
        None => "closed loop".into(),
    };
    println!(
        "http_client: {} connections to {}, {}, {mode}, {secs} s measured after {} s warmup",
        config.connections,
        config.addr,
        requests(config),
        config.warmup.as_secs_f64()
    );
    println!(
        "connections  {} held, {} failed to connect, {} lost; connected in {:.2} s",
        results.connected - results.lost,
        results.connect_failed,
        results.lost,
        results.connect_time.as_secs_f64()
    );
    println!(
        "throughput   {:.0} req/s ({} good responses in the window)",
        results.requests as f64 / secs,
        results.requests
    );
    let [p50, p99, p999, max] = quantiles(&results.latency);
    println!(
        "latency      p50 {}, p99 {}, p99.9 {}, max {}",
        micros(p50),
        micros(p99),
        micros(p999),
        micros(max)
    );
    if config.rate.is_some() {
        let [_, lag_p99, _, lag_max] = quantiles(&results.send_lag);
        println!(
            "send lag     p99 {}, max {} (how late sends left; included in the latency)",
            micros(lag_p99),
            micros(lag_max)
        );
    }
    if results.bad_responses > 0 {
        println!("BAD          {} wrong responses", results.bad_responses);
    }
    if results.errors.is_empty() {
        println!("errors       none");
    }
    for (error, count) in &results.errors {
        println!("errors       {count} × {error}");
    }
}

/// A latency in µs, in the unit that reads best.
fn micros(us: u64) -> String {
    match us {
        0..1_000 => format!("{us} µs"),
        1_000..1_000_000 => format!("{:.1} ms", us as f64 / 1e3),
        _ => format!("{:.2} s", us as f64 / 1e6),
    }
}
