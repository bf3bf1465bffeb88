//! Process-wide memory settings for programs that read columns chunk after chunk.

/// Keeps freed column buffers in the process instead of giving them back to the kernel.
///
/// glibc returns large freed blocks (decoded columns of 100k entries, decompressed baskets) to the kernel
/// at once, so every chunk page-faults fresh zeroed pages in again: about half the page faults and 6 % of
/// the CPU time of reading a NanoAOD-like file (`bench/read`). Memory stays bounded by the chunk size, as
/// the same blocks are reused. Call once at start-up, before threads start; elsewhere than glibc it does
/// nothing.
pub fn keep_freed_memory() {
    #[cfg(all(feature = "native", target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only changes allocator thresholds; called before other threads allocate.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 256 << 20);
        libc::mallopt(libc::M_TRIM_THRESHOLD, 1 << 30);
    }
}
