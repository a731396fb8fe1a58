//! The results, printed as a report or as one JSON line for `c10k`.

use hdrhistogram::Histogram;

use super::args::Config;
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

fn held(results: &Results) -> usize {
    results.connected - results.lost
}

pub(super) fn json(config: &Config, results: &Results) -> serde_json::Value {
    let secs = config.duration.as_secs_f64();
    let [p50, p99, p999, max] = quantiles(&results.latency);
    let [_, lag_p99, _, lag_max] = quantiles(&results.send_lag);
    serde_json::json!({
        "connections": config.connections,
        "held": held(results),
        "connect_failed": results.connect_failed,
        "lost": results.lost,
        "corrupt_connections": results.corrupt_connections,
        "wrong_bytes": results.wrong_bytes,
        "connect_secs": results.connect_time.as_secs_f64(),
        "size": config.size,
        "rate": config.rate,
        "duration_secs": secs,
        "messages": results.round_trips,
        "msgs_per_sec": results.round_trips as f64 / secs,
        "mb_per_sec": (results.round_trips * config.size as u64) as f64 / secs / 1e6,
        "p50_us": p50,
        "p99_us": p99,
        "p999_us": p999,
        "max_us": max,
        "send_lag_p99_us": lag_p99,
        "send_lag_max_us": lag_max,
        "min_round_trips": results.min_round_trips,
        "max_round_trips": results.max_round_trips,
        "jain_fairness": results.jain,
        "errors": results.errors,
    })
}

pub(super) fn report(config: &Config, results: &Results) {
    let secs = config.duration.as_secs_f64();
    let mode = match config.rate {
        Some(r) => format!("{r} msg/s per connection (latency from the scheduled send time)"),
        None => "closed loop".into(),
    };
    let addrs: Vec<String> = config.addrs.iter().map(ToString::to_string).collect();
    println!(
        "echo_client: {} connections to {}, {}-byte messages, {mode}, {secs} s measured after {} s warmup",
        config.connections,
        addrs.join(","),
        config.size,
        config.warmup.as_secs_f64()
    );
    println!(
        "connections  {} held, {} failed to connect, {} lost; connected in {:.2} s",
        held(results),
        results.connect_failed,
        results.lost,
        results.connect_time.as_secs_f64()
    );
    let rate = results.round_trips as f64 / secs;
    println!(
        "throughput   {rate:.0} msg/s, {:.2} MB/s echoed ({} round trips)",
        rate * config.size as f64 / 1e6,
        results.round_trips
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
    println!(
        "fairness     round trips per connection: fewest {}, most {}; Jain's index {:.3}",
        results.min_round_trips, results.max_round_trips, results.jain
    );
    if results.wrong_bytes > 0 {
        println!(
            "CORRUPT      {} wrong bytes on {} connections",
            results.wrong_bytes, results.corrupt_connections
        );
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
