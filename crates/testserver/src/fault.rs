//! The ways the server can misbehave.

use std::time::Duration;

/// A misbehaviour, injected with [`crate::TestServer::inject`].
#[derive(Clone, Debug, PartialEq)]
pub enum Fault {
    /// Sends the headers and this many body bytes, then closes the connection.
    DropAfter(u64),
    /// Answers with this status and a short text body (e.g. 500, 503, 404).
    Status(u16),
    /// Answers every range request with 416 Range Not Satisfiable.
    RangeNotSatisfiable,
    /// Ignores `Range`: 200 with the whole file.
    IgnoreRange,
    /// Answers a request for several ranges with the whole file (200), as servers without
    /// multi-range support do; single ranges still work.
    NoMultiRange,
    /// Announces the full length but sends this many bytes fewer, then closes.
    Truncate(u64),
    /// Sleeps this long before each 16 KiB of body.
    Slow(Duration),
    /// Flips the bits of the byte at this file offset wherever it is sent.
    Corrupt(u64),
}
