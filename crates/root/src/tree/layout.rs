//! Class layouts from the file's streamer infos, for objects stored whole
//! (not split into branches): each member becomes a field of a record.

use super::types::{dtype_from_code, CppType};
use crate::streamers::{StreamerElement, StreamerInfo};

/// ROOT's codes for members (`TVirtualStreamerInfo::EReadWrite`).
const BASE: i32 = 0;
const OFFSET_L: i32 = 20;
const OBJECT: i32 = 61;
const ANY: i32 = 62;
const TSTRING: i32 = 65;
const TOBJECT: i32 = 66;
const TNAMED: i32 = 67;
const STL: i32 = 500;
const STL_STRING: i32 = 365;

/// The layout of class `name`, or None when a member is not supported.
pub fn class_layout(name: &str, infos: &[StreamerInfo]) -> Option<CppType> {
    layout(name, infos, 0)
}

fn layout(name: &str, infos: &[StreamerInfo], depth: usize) -> Option<CppType> {
    if depth > 16 {
        return None;
    }
    let info = infos.iter().find(|i| i.class_name == name)?;
    let mut fields = Vec::new();
    for e in &info.elements {
        fields.push((e.name.clone(), member_type(e, infos, depth)?));
    }
    Some(CppType::Struct(name.to_string(), fields))
}

/// The type of one member.
pub fn member_type(e: &StreamerElement, infos: &[StreamerInfo], depth: usize) -> Option<CppType> {
    match e.type_code {
        TOBJECT => Some(CppType::Struct("TObject".into(), vec![])),
        TNAMED => Some(CppType::Struct("TNamed".into(), vec![])),
        BASE => layout(&e.name, infos, depth + 1),
        OBJECT | ANY => layout(e.type_name.trim_end_matches('*'), infos, depth + 1),
        TSTRING => Some(CppType::TString),
        STL | STL_STRING => CppType::parse(&e.type_name).or_else(|| {
            // An STL container of a class: vector<P3>.
            let inner = e.type_name.strip_prefix("vector<")?.strip_suffix('>')?;
            Some(CppType::Vector(Box::new(layout(
                inner.trim(),
                infos,
                depth + 1,
            )?)))
        }),
        9 => Some(CppType::Double32),
        code if (1..=18).contains(&code) => dtype_from_code(code).map(CppType::Prim),
        code if (OFFSET_L + 1..=OFFSET_L + 19).contains(&code) => {
            let inner = if code - OFFSET_L == 9 {
                CppType::Double32
            } else {
                CppType::Prim(dtype_from_code(code - OFFSET_L)?)
            };
            let n = e.array_length.max(1) as usize;
            Some(CppType::Array(Box::new(inner), n))
        }
        _ => None,
    }
}
