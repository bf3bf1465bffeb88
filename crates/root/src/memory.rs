//! Process-wide memory settings for programs that read columns chunk after chunk.

/// Keeps freed column buffers in the process instead of giving them back to the kernel.
///
/// glibc returns freed memory to the kernel in two ways that hurt a reader going chunk after chunk:
/// the main heap is trimmed when its free top grows past a threshold, and a thread's arena heap is
/// given back when it empties. Every chunk then page-faults fresh zeroed pages in again: on the busy
/// AGC benchmark (`bench/agc`, 2 threads) 850,000 page faults and 1.7 of 6.7 CPU-s in the kernel.
/// Large blocks kept on the heap and no trimming: 26,000 page faults. Memory stays bounded by the
/// chunk size, as the same blocks are reused.
///
/// One arena per core, not one for all threads: the expression engine allocates many small blocks
/// (the best-combination step, a few per block of combinations), and threads sharing one arena's
/// lock waited for it (2,300 context switches and 12 % more CPU on the busy AGC workload than with
/// an arena each; page faults and peak memory the same). Call once at start-up, before threads
/// start; elsewhere than glibc it does nothing.
pub fn keep_freed_memory() {
    #[cfg(all(feature = "native", target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only changes allocator settings; called before other threads allocate.
    unsafe {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        libc::mallopt(libc::M_ARENA_MAX, cores.min(64) as libc::c_int);
        // glibc refuses thresholds above 32 MiB (half its arena heap size) on 64-bit.
        libc::mallopt(libc::M_MMAP_THRESHOLD, 32 << 20);
        libc::mallopt(libc::M_TRIM_THRESHOLD, 1 << 30);
    }
}

/// The message printed when a memory-mapped input shrinks under the reader (SIGBUS): the names of
/// the mapped files, prepared when each is mapped since a signal handler may not allocate.
#[cfg(all(feature = "native", unix))]
static SIGBUS_MESSAGE: std::sync::atomic::AtomicPtr<Vec<u8>> =
    std::sync::atomic::AtomicPtr::new(std::ptr::null_mut());

/// Records that `name` is memory-mapped, for the message of [`report_truncated_inputs`].
#[cfg(all(feature = "native", unix))]
pub(crate) fn note_mapped(name: &str) {
    use std::sync::atomic::Ordering;
    static NAMES: std::sync::Mutex<Vec<String>> = std::sync::Mutex::new(Vec::new());
    let Ok(mut names) = NAMES.lock() else { return };
    if names.iter().any(|n| n == name) {
        return;
    }
    names.push(name.to_string());
    let text = format!(
        "\nerror: an input file was truncated while hepkey read it (one of: {}); rerun when the file is complete\n",
        names.join(", ")
    );
    // The previous message is leaked on purpose: a handler running now may still be reading it.
    SIGBUS_MESSAGE.store(
        Box::into_raw(Box::new(text.into_bytes())),
        Ordering::Release,
    );
}

/// Turns the SIGBUS of reading a memory-mapped file that was truncated meanwhile into an error
/// message naming the mapped files and exit code 1, instead of a crash. Call once at start-up.
pub fn report_truncated_inputs() {
    #[cfg(all(feature = "native", unix))]
    // SAFETY: the handler only calls async-signal-safe functions (write, _exit) on a message
    // prepared beforehand.
    unsafe {
        extern "C" fn on_sigbus(_: libc::c_int) {
            let msg = SIGBUS_MESSAGE.load(std::sync::atomic::Ordering::Acquire);
            // SAFETY: a non-null pointer is a leaked, never-freed Vec.
            unsafe {
                if let Some(msg) = msg.as_ref() {
                    libc::write(2, msg.as_ptr().cast(), msg.len());
                }
                libc::_exit(1);
            }
        }
        let mut action: libc::sigaction = std::mem::zeroed();
        action.sa_sigaction = on_sigbus as *const () as usize;
        libc::sigemptyset(&mut action.sa_mask);
        libc::sigaction(libc::SIGBUS, &action, std::ptr::null_mut());
    }
}
