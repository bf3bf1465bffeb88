//! TStreamerInfo: the file's own description of the classes it stores.
//!
//! hepkey reads the common classes (trees, branches, leaves, histograms) with
//! built-in readers, and uses streamer infos to describe the rest: `inspect`
//! lists them, and the members of split objects get their types from them.

use crate::containers::{read_list, read_objarray};
use crate::cursor::Cursor;
use crate::error::Result;

/// One member of a class, as a streamer element describes it.
#[derive(Clone, Debug)]
pub struct StreamerElement {
    pub name: String,
    pub title: String,
    /// The element's class (TStreamerBasicType, TStreamerSTL, …).
    pub element_class: String,
    /// ROOT's type code (`TVirtualStreamerInfo::EReadWrite`).
    pub type_code: i32,
    pub type_name: String,
    pub array_length: i32,
    pub max_index: Vec<i32>,
}

/// A class description.
#[derive(Clone, Debug)]
pub struct StreamerInfo {
    pub class_name: String,
    pub class_version: i32,
    pub checksum: u32,
    pub elements: Vec<StreamerElement>,
}

/// Reads the streamer-info list stored at the file's fSeekInfo.
pub fn read_streamer_infos(c: &mut Cursor) -> Result<Vec<StreamerInfo>> {
    read_list(c, |c, class| {
        if class != "TStreamerInfo" {
            return Ok(None); // schema-evolution rules and the like
        }
        let info = read_streamer_info(c)?;
        let name = info.class_name.clone();
        Ok(Some((info, name)))
    })
}

fn read_streamer_info(c: &mut Cursor) -> Result<StreamerInfo> {
    let v = c.version()?;
    let (class_name, _title) = c.tnamed()?;
    let checksum = c.u32()?;
    let class_version = c.i32()?;
    let mut elements = Vec::new();
    let ptr = c.object_any(|c, _class| {
        let els = read_objarray(c, |c, element_class| {
            let e = read_element(c, element_class)?;
            let name = e.name.clone();
            Ok(Some((e, name)))
        })?;
        Ok((els, String::new()))
    })?;
    if let crate::cursor::Pointer::New(els) = ptr {
        elements = els;
    }
    c.finish(v)?;
    Ok(StreamerInfo {
        class_name,
        class_version,
        checksum,
        elements,
    })
}

fn read_element(c: &mut Cursor, element_class: &str) -> Result<StreamerElement> {
    // Every element class starts with a versioned TStreamerElement base; TStreamerSTLstring wraps
    // a whole TStreamerSTL (itself versioned) around it, one level deeper.
    let outer = c.version()?;
    let middle = if element_class == "TStreamerSTLstring" {
        Some(c.version()?)
    } else {
        None
    };
    let v = c.version()?;
    let (name, title) = c.tnamed()?;
    let type_code = c.i32()?;
    c.i32()?; // fSize
    let array_length = c.i32()?;
    let array_dim = c.i32()?;
    let max_index = if v.version == 1 {
        let n = c.count(4)?;
        (0..n).map(|_| c.i32()).collect::<Result<Vec<_>>>()?
    } else {
        (0..5).map(|_| c.i32()).collect::<Result<Vec<_>>>()?
    };
    let type_name = c.string()?;
    c.finish(v)?;
    // Subclass members (base-class versions, STL types, counters) are skipped.
    if let Some(middle) = middle {
        c.finish(middle)?;
    }
    c.finish(outer)?;
    let dims = array_dim.clamp(0, 5) as usize;
    Ok(StreamerElement {
        name,
        title,
        element_class: element_class.to_string(),
        type_code,
        type_name,
        array_length,
        max_index: max_index.into_iter().take(dims).collect(),
    })
}
