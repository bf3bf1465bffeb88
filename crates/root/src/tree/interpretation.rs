//! How to turn a branch's bytes into a column: decided once per branch from
//! its leaves, class names and titles.

use super::model::{BranchModel, Leaf};
use super::types::{dtype_from_code, dtype_from_leaf_class, uproot_name, CppType};
use crate::error::{Error, Result};
use crate::streamers::{StreamerElement, StreamerInfo};
use hepkey_column::DType;

/// The range and precision of a Float16_t / Double32_t (from `[min,max,nbits]`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Truncation {
    pub float16: bool,
    pub min: f64,
    pub max: f64,
    pub nbits: u32,
    /// True when a `[min,max,…]` range was given.
    pub has_range: bool,
}

/// How a string is stored.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StringKind {
    /// `char*` leaf (TLeafC).
    CharStar,
    StdString,
    TString,
}

/// The decoding recipe of one branch.
#[derive(Clone, Debug, PartialEq)]
pub enum Interpretation {
    /// A fixed number of values per entry (1 for scalars, 3 for `float[3]`).
    Fixed { prim: DType, dims: Vec<usize> },
    /// A leaf-count array (`float[nJet]`), with fixed inner dimensions.
    Jagged { prim: DType, inner: Vec<usize> },
    /// Float16_t / Double32_t, scalars or fixed arrays, read as float/double.
    Truncated {
        trunc: Truncation,
        dims: Vec<usize>,
        jagged: bool,
    },
    /// One string per entry.
    Strings(StringKind),
    /// The `std::string` member of the objects of a split collection (the keys of a split
    /// `std::map<std::string, T>`): per entry an object header, then one string per object.
    MemberStrings,
    /// An STL container, RVec or class, streamed object by object.
    Container(CppType),
    /// Several leaves in one branch (`a/I:b/F:c/D`): one record per entry,
    /// stored field after field.
    LeafList(Vec<(String, DType, usize)>),
    /// A split object: its value is the record of its sub-branches.
    Group(String),
}

impl Interpretation {
    /// The column a branch reads as when it holds numbers: their element type, and whether each
    /// entry is one list of them (`true`) or one number (`false`). None for anything else
    /// (strings, records, lists of lists), which expressions cannot use.
    pub fn numeric_type(&self) -> Option<(DType, bool)> {
        match self {
            Interpretation::Fixed { prim, dims } if dims.len() <= 1 => {
                Some((*prim, !dims.is_empty()))
            }
            Interpretation::Jagged { prim, inner } if inner.is_empty() => Some((*prim, true)),
            Interpretation::Truncated {
                trunc,
                dims,
                jagged,
            } if dims.len() <= 1 => {
                let dtype = if trunc.float16 {
                    DType::F32
                } else {
                    DType::F64
                };
                Some((dtype, *jagged || !dims.is_empty()))
            }
            Interpretation::Container(CppType::Vector(t) | CppType::RVec(t) | CppType::Set(t)) => {
                match **t {
                    CppType::Prim(p) => Some((p, true)),
                    _ => None,
                }
            }
            _ => None,
        }
    }

    /// The type name, spelled as uproot spells it.
    pub fn type_name(&self) -> String {
        let dims_str = |d: &[usize]| d.iter().map(|n| format!("[{n}]")).collect::<String>();
        match self {
            Interpretation::Fixed { prim, dims } => {
                format!("{}{}", uproot_name(*prim), dims_str(dims))
            }
            Interpretation::Jagged { prim, inner } => {
                format!("{}[]{}", uproot_name(*prim), dims_str(inner))
            }
            Interpretation::Truncated {
                trunc,
                dims,
                jagged,
            } => format!(
                "{}{}{}",
                if trunc.float16 {
                    "Float16_t"
                } else {
                    "Double32_t"
                },
                if *jagged { "[]" } else { "" },
                dims_str(dims)
            ),
            Interpretation::Strings(StringKind::CharStar) => "char*".into(),
            Interpretation::Strings(StringKind::StdString) => "std::string".into(),
            Interpretation::Strings(StringKind::TString) => "TString".into(),
            Interpretation::MemberStrings => "std::string[]".into(),
            Interpretation::Container(t) => t.name(),
            Interpretation::LeafList(fields) => {
                let f: Vec<String> = fields
                    .iter()
                    .map(|(n, p, k)| {
                        if *k > 1 {
                            format!("{} {n}[{k}];", uproot_name(*p))
                        } else {
                            format!("{} {n};", uproot_name(*p))
                        }
                    })
                    .collect();
                format!("struct {{{}}}", f.join(" "))
            }
            Interpretation::Group(name) => name.clone(),
        }
    }
}

/// What the file's streamer infos say about a branch: the class member it
/// holds (for members of split objects), and every class description.
#[derive(Clone, Copy, Default)]
pub struct StreamerContext<'a> {
    pub member: Option<&'a StreamerElement>,
    pub infos: &'a [StreamerInfo],
    pub top_level: bool,
}

/// Decides how to read a branch, or says why it cannot be read.
pub fn interpret(branch: &BranchModel, ctx: StreamerContext) -> Result<Interpretation> {
    let unsupported = |why: String| {
        Err(Error::Unsupported(format!(
            "branch {:?} ({}): {why}",
            branch.name,
            describe(branch)
        )))
    };
    if let Some(why) = &branch.unreadable {
        return Err(Error::Format(why.clone()));
    }
    if let Some(el) = &branch.element {
        if el.class_name == "TClonesArray" && !branch.branches.is_empty() {
            // The parent of a split TClonesArray holds the count per entry.
            return Ok(Interpretation::Fixed {
                prim: DType::I32,
                dims: vec![],
            });
        }
    }
    if !branch.branches.is_empty() {
        let name = match (&branch.element, ctx.member) {
            (Some(el), _) if ctx.top_level && !el.class_name.is_empty() => el.class_name.clone(),
            (_, Some(m)) => m.type_name.clone(),
            (Some(el), None) => el.class_name.clone(),
            (None, _) => branch.name.clone(),
        };
        return Ok(Interpretation::Group(name));
    }
    if branch.leaves.len() > 1 && branch.element.is_none() {
        return leaf_list(branch);
    }
    if branch.leaves.len() != 1 {
        return unsupported(format!("{} leaves in one branch", branch.leaves.len()));
    }
    let leaf = &branch.leaves[0];
    let (fixed, jagged) = leaf_dims(leaf);
    if let Some(el) = &branch.element {
        if el.streamer_type == 65
            || el.class_name == "TString" && leaf.element_type.is_some_and(|t| t < 0 || t == 65)
        {
            return Ok(Interpretation::Strings(StringKind::TString));
        }
        match leaf.element_type {
            Some(code @ (9 | 19)) => {
                return Ok(truncated(
                    code == 19,
                    leaf,
                    branch,
                    ctx.member,
                    fixed,
                    jagged,
                ));
            }
            Some(code) if (1..=18).contains(&code) => {
                let prim = dtype_from_code(code).expect("basic type code");
                return Ok(if jagged {
                    Interpretation::Jagged { prim, inner: fixed }
                } else {
                    Interpretation::Fixed { prim, dims: fixed }
                });
            }
            Some(21..=39) => {
                // Fixed-size array member (kOffsetL + code).
                let code = leaf.element_type.unwrap_or(0) - 20;
                if let Some(prim) = dtype_from_code(code) {
                    return Ok(Interpretation::Fixed { prim, dims: fixed });
                }
            }
            _ => {}
        }
        // The member's own type for members of split objects, else the class.
        let class_name = match ctx.member {
            Some(m) if !ctx.top_level => m.type_name.clone(),
            _ if el.class_name.is_empty() => leaf.title.clone(),
            _ => el.class_name.clone(),
        };
        // A member of a split object is written with the object header containers carry.
        let member_of_split = ctx.member.is_some() && !ctx.top_level;
        return match CppType::parse(&class_name) {
            Some(CppType::StdString) if member_of_split && jagged => {
                Ok(Interpretation::MemberStrings)
            }
            Some(CppType::StdString) if member_of_split => {
                Ok(Interpretation::Container(CppType::StdString))
            }
            Some(CppType::StdString) => Ok(Interpretation::Strings(StringKind::StdString)),
            Some(CppType::TString) => Ok(Interpretation::Strings(StringKind::TString)),
            Some(CppType::Prim(prim)) => Ok(Interpretation::Fixed { prim, dims: fixed }),
            Some(t) => Ok(Interpretation::Container(t)),
            None => match super::layout::class_layout(&class_name, ctx.infos) {
                Some(t) => Ok(Interpretation::Container(t)),
                None => unsupported(format!(
                    "class {class_name:?} is not a number, string, STL container or class described in the file's streamers"
                )),
            },
        };
    }
    match leaf.class.as_str() {
        "TLeafC" => Ok(Interpretation::Strings(StringKind::CharStar)),
        "TLeafF16" | "TLeafD32" => Ok(truncated(
            leaf.class == "TLeafF16",
            leaf,
            branch,
            None,
            fixed,
            jagged,
        )),
        class => match dtype_from_leaf_class(class, leaf.is_unsigned) {
            Some(prim) if jagged => Ok(Interpretation::Jagged { prim, inner: fixed }),
            Some(prim) => Ok(Interpretation::Fixed { prim, dims: fixed }),
            None => unsupported(format!("leaf class {class} is not supported")),
        },
    }
}

/// Float16_t / Double32_t; a Double32_t without a range is stored as a float.
fn truncated(
    float16: bool,
    leaf: &Leaf,
    branch: &BranchModel,
    member: Option<&StreamerElement>,
    dims: Vec<usize>,
    jagged: bool,
) -> Interpretation {
    let trunc = truncation(float16, leaf, branch, member);
    if !float16 && !trunc.has_range {
        return if jagged {
            Interpretation::Jagged {
                prim: DType::F32,
                inner: dims,
            }
        } else {
            Interpretation::Fixed {
                prim: DType::F32,
                dims,
            }
        };
    }
    Interpretation::Truncated {
        trunc,
        dims,
        jagged,
    }
}

/// Several leaves of fixed size in one branch.
fn leaf_list(branch: &BranchModel) -> Result<Interpretation> {
    let mut fields = Vec::new();
    for leaf in &branch.leaves {
        let (dims, jagged) = leaf_dims(leaf);
        let prim = dtype_from_leaf_class(&leaf.class, leaf.is_unsigned);
        match prim {
            Some(p) if !jagged => {
                fields.push((leaf.name.clone(), p, dims.iter().product::<usize>().max(1)))
            }
            _ => {
                return Err(Error::Unsupported(format!(
                    "branch {:?}: leaf {:?} ({}) in a leaf list is not supported",
                    branch.name, leaf.name, leaf.class
                )))
            }
        }
    }
    Ok(Interpretation::LeafList(fields))
}

/// A short description of a branch's stored type for messages.
pub fn describe(branch: &BranchModel) -> String {
    match (&branch.element, branch.leaves.first()) {
        (Some(el), _) if !el.class_name.is_empty() => format!("{} {}", branch.class, el.class_name),
        (_, Some(leaf)) => format!("{} {}", leaf.class, leaf.title),
        _ => branch.class.clone(),
    }
}

/// Fixed dimensions of a leaf and whether it has a leaf count. The title of
/// a leaf names its dimensions: `x[3][2]`, `x[n]`, `x[n][2]`.
fn leaf_dims(leaf: &Leaf) -> (Vec<usize>, bool) {
    let jagged = leaf.count.is_some();
    let name_part = leaf.title.split('/').next().unwrap_or("");
    let mut dims = Vec::new();
    let mut rest = name_part;
    while let Some(open) = rest.find('[') {
        let Some(close) = rest[open..].find(']') else {
            break;
        };
        let inside = &rest[open + 1..open + close];
        if let Ok(n) = inside.trim().parse::<usize>() {
            // At most 2^24 values per entry in all: a damaged title must not overflow sizes.
            let product = dims.iter().fold(n, |a: usize, &d| a.saturating_mul(d));
            if product <= 1 << 24 {
                dims.push(n);
            }
        }
        rest = &rest[open + close + 1..];
    }
    // When the title does not say (e.g. TLeafElement), trust fLen.
    let product: usize = dims.iter().fold(1usize, |a, &d| a.saturating_mul(d));
    if dims.is_empty() && leaf.len > 1 && leaf.len <= 1 << 24 {
        dims.push(leaf.len as usize);
    } else if !dims.is_empty() && product != leaf.len.max(1) as usize && !jagged {
        dims = vec![leaf.len.clamp(1, 1 << 24) as usize];
    }
    (dims, jagged)
}

/// Reads `[min,max]` or `[min,max,nbits]` from the member's, the leaf's or
/// the branch's title.
fn truncation(
    float16: bool,
    leaf: &Leaf,
    branch: &BranchModel,
    member: Option<&StreamerElement>,
) -> Truncation {
    let mut t = Truncation {
        float16,
        min: 0.0,
        max: 0.0,
        nbits: if float16 { 12 } else { 32 },
        has_range: false,
    };
    let member_title = member.map(|m| &m.title);
    for title in member_title.into_iter().chain([&leaf.title, &branch.title]) {
        if let Some(range) = find_range(title) {
            t.min = range.0;
            t.max = range.1;
            if let Some(n) = range.2 {
                t.nbits = n.clamp(2, 32);
            }
            t.has_range = true;
            break;
        }
    }
    t
}

fn find_range(title: &str) -> Option<(f64, f64, Option<u32>)> {
    let open = title.rfind('[')?;
    let close = title[open..].find(']')? + open;
    let parts: Vec<&str> = title[open + 1..close].split(',').map(str::trim).collect();
    if parts.len() < 2 {
        return None;
    }
    let num = |s: &str| -> Option<f64> {
        let s = s.replace("pi", &std::f64::consts::PI.to_string());
        s.parse::<f64>().ok()
    };
    Some((
        num(parts[0])?,
        num(parts[1])?,
        parts.get(2).and_then(|s| s.parse().ok()),
    ))
}

#[cfg(test)]
mod tests {
    use super::leaf_dims;
    use crate::tree::model::Leaf;

    fn leaf(title: &str, len: i32, count: Option<&str>) -> Leaf {
        Leaf {
            class: "TLeafF".into(),
            name: "x".into(),
            title: title.into(),
            len,
            len_type: 4,
            is_unsigned: false,
            count: count.map(String::from),
            element_type: None,
        }
    }

    #[test]
    fn dimensions_come_from_the_title() {
        assert_eq!(leaf_dims(&leaf("x[3][2]/F", 6, None)), (vec![3, 2], false));
        assert_eq!(leaf_dims(&leaf("x[n][2]/F", 2, Some("n"))), (vec![2], true));
        assert_eq!(leaf_dims(&leaf("x/F", 1, None)), (vec![], false));
    }

    /// Found by fuzzing: a damaged title asked for terabytes per entry.
    #[test]
    fn damaged_dimensions_stay_bounded() {
        let (dims, _) = leaf_dims(&leaf("x[n][16777216][16777216][4]/F", 1, Some("n")));
        assert!(dims.iter().product::<usize>() <= 1 << 24, "{dims:?}");
    }
}
