//! The basic containers: TObjArray, TList, TArray*.

use crate::cursor::{Cursor, Pointer};
use crate::error::Result;

/// Reads a `TObjArray`, calling `item` on each non-null element with its
/// class name. `item` returns the element and the name other pointers may
/// refer to it by, or `None` to skip it.
pub fn read_objarray<'a, T>(
    c: &mut Cursor<'a>,
    mut item: impl FnMut(&mut Cursor<'a>, &str) -> Result<Option<(T, String)>>,
) -> Result<Vec<T>> {
    let v = c.version()?;
    c.tobject()?;
    c.string()?; // fName
    let n = c.count(4)?;
    c.i32()?; // fLowerBound
    let mut out = Vec::with_capacity(n);
    for _ in 0..n {
        let p = c.object_any(|c, class| match item(c, class)? {
            Some((t, name)) => Ok((Some(t), name)),
            None => Ok((None, String::new())),
        })?;
        if let Pointer::New(Some(t)) = p {
            out.push(t);
        }
    }
    c.finish(v)?;
    Ok(out)
}

/// Reads a `TList` (elements followed by an option string each).
pub fn read_list<'a, T>(
    c: &mut Cursor<'a>,
    mut item: impl FnMut(&mut Cursor<'a>, &str) -> Result<Option<(T, String)>>,
) -> Result<Vec<T>> {
    let v = c.version()?;
    if v.version > 3 {
        c.tobject()?;
        c.string()?; // fName
    }
    let n = c.count(4)?;
    let mut out = Vec::with_capacity(n);
    for _ in 0..n {
        let p = c.object_any(|c, class| match item(c, class)? {
            Some((t, name)) => Ok((Some(t), name)),
            None => Ok((None, String::new())),
        })?;
        if let Pointer::New(Some(t)) = p {
            out.push(t);
        }
        let opt_len = c.u8()? as usize;
        c.skip(opt_len)?;
    }
    c.finish(v)?;
    Ok(out)
}

/// A `TArrayD` (count then doubles).
pub fn read_array_f64(c: &mut Cursor) -> Result<Vec<f64>> {
    let n = c.count(8)?;
    (0..n).map(|_| c.f64()).collect()
}

/// A `TArrayF` widened to f64.
pub fn read_array_f32(c: &mut Cursor) -> Result<Vec<f64>> {
    let n = c.count(4)?;
    (0..n).map(|_| c.f32().map(f64::from)).collect()
}

/// A `TArrayI` widened to f64.
pub fn read_array_i32(c: &mut Cursor) -> Result<Vec<f64>> {
    let n = c.count(4)?;
    (0..n).map(|_| c.i32().map(f64::from)).collect()
}

/// A `TArrayS` widened to f64.
pub fn read_array_i16(c: &mut Cursor) -> Result<Vec<f64>> {
    let n = c.count(2)?;
    (0..n).map(|_| c.i16().map(f64::from)).collect()
}

/// A `TArrayC` widened to f64.
pub fn read_array_i8(c: &mut Cursor) -> Result<Vec<f64>> {
    let n = c.count(1)?;
    (0..n).map(|_| c.i8().map(f64::from)).collect()
}
