//! Vectors for whole decoded pages. A writer that puts a cluster's column in one page (uproot
//! does) makes pages of megabytes, written once into fresh memory; one page fault per 4 KiB
//! then cost a sixth of reading uproot's NanoAOD RNTuple. Such vectors have their memory mapped
//! in one call before the page is written into them.

/// Vectors smaller than this are left to fault in as usual.
#[cfg(all(feature = "native", target_os = "linux"))]
const POPULATE_FROM_BYTES: usize = 1 << 20;

/// `n` zeroed elements (from `calloc`, so fresh memory is not touched twice), mapped in one go.
pub(crate) fn zeroed_page_vec<T: bytemuck::Zeroable + Copy>(n: usize) -> Vec<T> {
    let values = vec![T::zeroed(); n];
    populate(&values);
    values
}

/// Asks the kernel to map the memory of `values` now, in one call, rather than one page fault
/// per 4 KiB at first write. Only advice: on kernels without `MADV_POPULATE_WRITE` (before 5.14)
/// nothing changes.
#[cfg(all(feature = "native", target_os = "linux"))]
fn populate<T>(values: &[T]) {
    const PAGE: usize = 4096;
    let bytes = std::mem::size_of_val(values);
    if bytes < POPULATE_FROM_BYTES {
        return;
    }
    let start = values.as_ptr() as usize;
    let first = start.next_multiple_of(PAGE);
    let end = (start + bytes) / PAGE * PAGE;
    // SAFETY: the whole pages inside `values`' allocation, which stays mapped;
    // MADV_POPULATE_WRITE maps them writable without changing their contents.
    unsafe {
        libc::madvise(
            first as *mut libc::c_void,
            end - first,
            libc::MADV_POPULATE_WRITE,
        );
    }
}

/// Elsewhere memory is left to fault in as usual.
#[cfg(not(all(feature = "native", target_os = "linux")))]
fn populate<T>(_values: &[T]) {}
