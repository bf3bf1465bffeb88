//! The HTTP client downloads and `refresh` share.

use std::time::Duration;

/// An agent that hands every status to the caller (retries depend on it), gives up on a connection
/// after `connect` and on a stalled body after `read` without a byte — not on a long one: a
/// multi-gigabyte file may take hours.
pub fn agent(connect: Duration, read: Duration) -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_connect(Some(connect))
        .timeout_recv_response(Some(read))
        .timeout_per_read(Some(read))
        .user_agent(concat!("hepkey/", env!("CARGO_PKG_VERSION")))
        .build()
        .into()
}
