//! `rt::net::lookup_host` resolves `"localhost:port"` to loopback addresses
//! with the port kept, passes an IP literal through as it is, and reports a
//! name that cannot be resolved as an error (no panic, the runtime goes on).

use std::net::{Ipv4Addr, SocketAddr};
use std::time::Duration;

use crate::io_support::{runtime, watchdog};

/// Bound on each test: a resolver with no DNS server answers "not found"
/// after its own timeouts, well within this.
const LIMIT: Duration = Duration::from_secs(120);

#[test]
fn localhost_resolves_to_loopback_with_the_port() {
    watchdog(LIMIT, || {
        let rt = runtime(2);
        rt.block_on(async {
            let addrs: Vec<SocketAddr> = rt::net::lookup_host("localhost:4321")
                .await
                .unwrap()
                .collect();
            assert!(!addrs.is_empty());
            assert!(
                addrs
                    .iter()
                    .all(|a| a.ip().is_loopback() && a.port() == 4321),
                "{addrs:?}"
            );
            assert!(
                addrs.contains(&SocketAddr::from((Ipv4Addr::LOCALHOST, 4321))),
                "{addrs:?}"
            );

            let addrs: Vec<SocketAddr> = rt::net::lookup_host(("localhost", 99))
                .await
                .unwrap()
                .collect();
            assert!(
                addrs.iter().all(|a| a.ip().is_loopback() && a.port() == 99),
                "{addrs:?}"
            );

            // An IP literal comes back as it is.
            let addrs: Vec<SocketAddr> = rt::net::lookup_host("192.0.2.7:80")
                .await
                .unwrap()
                .collect();
            assert_eq!(addrs, [SocketAddr::from(([192, 0, 2, 7], 80))]);
        });
    });
}

#[test]
fn a_bad_name_is_an_error_not_a_panic() {
    watchdog(LIMIT, || {
        let rt = runtime(2);
        rt.block_on(async {
            // No port: rejected before any lookup.
            assert!(rt::net::lookup_host("localhost").await.is_err());
            // A reserved top-level domain that never resolves (RFC 6761).
            let err = rt::net::lookup_host("no-such-host.invalid:80").await.err();
            assert!(err.is_some(), "the .invalid name resolved");
            // The runtime is still fine afterwards.
            assert_eq!(rt::spawn(async { 1 }).await.unwrap(), 1);
        });
    });
}
