//! The open-files and ephemeral-port limits, raised or checked before the run.

use super::args::Config;

/// Descriptors the process needs besides its connections (stdio, the
/// reactor's epoll and eventfd, ...), with room to spare.
const FD_RESERVE: u64 = 64;

/// Raises the open-files soft limit to the hard limit, and checks that it
/// and the ephemeral ports suffice for the connections asked.
pub(super) fn check_limits(config: &Config) -> Result<(), String> {
    let need = config.connections as u64 + FD_RESERVE;
    let soft = rlimit::increase_nofile_limit(u64::MAX)
        .map_err(|err| format!("cannot raise the open-files limit: {err}"))?;
    if soft < need {
        let (_, hard) = rlimit::getrlimit(rlimit::Resource::NOFILE).unwrap_or((soft, soft));
        return Err(format!(
            "{} connections need about {need} open files, but this process may open only \
             {soft} (hard limit {hard}). Raise the hard limit (`ulimit -Hn`, limits.conf) or \
             ask for fewer --connections.",
            config.connections
        ));
    }
    // Each connection to one destination needs its own ephemeral port.
    if let Some(ports) = ephemeral_ports() {
        let per_addr = config.connections.div_ceil(config.addrs.len()) as u64;
        if per_addr > ports {
            return Err(format!(
                "{per_addr} connections per server address, but only {ports} ephemeral ports \
                 (net.ipv4.ip_local_port_range): give several addresses, e.g. a server on \
                 0.0.0.0:PORT and --addr 127.0.0.1:PORT,127.0.0.2:PORT,..."
            ));
        }
    }
    Ok(())
}

/// How many ephemeral ports the kernel hands out, if it says.
fn ephemeral_ports() -> Option<u64> {
    let range = std::fs::read_to_string("/proc/sys/net/ipv4/ip_local_port_range").ok()?;
    let mut bounds = range.split_whitespace().map(|n| n.parse::<u64>());
    let (low, high) = (bounds.next()?.ok()?, bounds.next()?.ok()?);
    Some(high.saturating_sub(low) + 1)
}
