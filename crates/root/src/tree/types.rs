//! C++ types of branch values: primitive codes and container type names.

use hepkey_column::DType;

/// The name uproot gives a stored number type (`float`, `int32_t`, ...), shown by `inspect`.
pub fn uproot_name(d: DType) -> &'static str {
    match d {
        DType::Bool => "bool",
        DType::I8 => "int8_t",
        DType::U8 => "uint8_t",
        DType::I16 => "int16_t",
        DType::U16 => "uint16_t",
        DType::I32 => "int32_t",
        DType::U32 => "uint32_t",
        DType::I64 => "int64_t",
        DType::U64 => "uint64_t",
        DType::F32 => "float",
        DType::F64 => "double",
    }
}

/// The stored type of a leaf class (TLeafI, …) and its unsigned flag.
pub(crate) fn dtype_from_leaf_class(class: &str, unsigned: bool) -> Option<DType> {
    Some(match (class, unsigned) {
        ("TLeafO", _) => DType::Bool,
        ("TLeafB", false) => DType::I8,
        ("TLeafB", true) => DType::U8,
        ("TLeafS", false) => DType::I16,
        ("TLeafS", true) => DType::U16,
        ("TLeafI", false) => DType::I32,
        ("TLeafI", true) => DType::U32,
        ("TLeafL" | "TLeafG", false) => DType::I64,
        ("TLeafL" | "TLeafG", true) => DType::U64,
        ("TLeafF", _) => DType::F32,
        ("TLeafD", _) => DType::F64,
        _ => return None,
    })
}

/// The stored type of ROOT's basic type code (`TVirtualStreamerInfo::EReadWrite`), the codes for
/// Float16 (19) and Double32 (9) excluded.
pub(crate) fn dtype_from_code(code: i32) -> Option<DType> {
    Some(match code {
        1 => DType::I8,
        2 => DType::I16,
        3 | 6 => DType::I32,
        4 | 16 => DType::I64,
        5 => DType::F32,
        8 => DType::F64,
        11 => DType::U8,
        12 => DType::U16,
        13 | 15 => DType::U32,
        14 | 17 => DType::U64,
        18 => DType::Bool,
        _ => return None,
    })
}

/// A C++ type met in branch class names.
#[derive(Clone, Debug, PartialEq)]
pub enum CppType {
    /// A number stored as one of the column element types.
    Prim(DType),
    /// `Double32_t` inside containers: stored as float, read as double.
    Double32,
    StdString,
    TString,
    Vector(Box<CppType>),
    RVec(Box<CppType>),
    Set(Box<CppType>),
    Map(Box<CppType>, Box<CppType>),
    /// A class described by the file's streamer infos: named members in order.
    Struct(String, Vec<(String, CppType)>),
    /// A fixed-size array member (`float arr[3]`).
    Array(Box<CppType>, usize),
}

impl CppType {
    /// Parses a type name such as `vector<vector<float> >` or
    /// `ROOT::VecOps::RVec<int>`. Unknown types give None.
    pub fn parse(name: &str) -> Option<CppType> {
        let compact: String = name.split_whitespace().collect::<Vec<_>>().join(" ");
        parse_type(compact.trim())
    }

    /// The name uproot gives the type.
    pub fn name(&self) -> String {
        match self {
            CppType::Prim(p) => uproot_name(*p).to_string(),
            CppType::Double32 => "Double32_t".to_string(),
            CppType::StdString => "std::string".to_string(),
            CppType::TString => "TString".to_string(),
            CppType::Vector(t) => format!("std::vector<{}>", t.name()),
            CppType::RVec(t) => format!("RVec<{}>", t.name()),
            CppType::Set(t) => format!("std::set<{}>", t.name()),
            CppType::Map(k, v) => format!("std::map<{}, {}>", k.name(), v.name()),
            CppType::Struct(name, _) => name.clone(),
            CppType::Array(t, n) => format!("{}[{n}]", t.name()),
        }
    }
}

fn parse_type(s: &str) -> Option<CppType> {
    let s = s.trim().trim_start_matches("const ").trim();
    let s = s.strip_prefix("std::").unwrap_or(s);
    if let Some(open) = s.find('<') {
        let close = s.rfind('>')?;
        if close < open {
            return None;
        }
        let outer = s[..open].trim();
        let args = split_args(&s[open + 1..close]);
        let one = |args: &[&str]| -> Option<Box<CppType>> {
            (args.len() == 1 || outer_allows_allocator(args))
                .then(|| parse_type(args[0]).map(Box::new))
                .flatten()
        };
        return match outer {
            "vector" | "list" | "deque" => one(&args).map(CppType::Vector),
            "ROOT::VecOps::RVec" | "ROOT::RVec" | "RVec" => one(&args).map(CppType::RVec),
            "set" | "unordered_set" | "multiset" => one(&args).map(CppType::Set),
            "map" | "unordered_map" | "multimap" if args.len() >= 2 => Some(CppType::Map(
                Box::new(parse_type(args[0])?),
                Box::new(parse_type(args[1])?),
            )),
            _ => None,
        };
    }
    let prim = match s {
        "bool" | "Bool_t" => DType::Bool,
        "char" | "Char_t" | "int8_t" | "signed char" => DType::I8,
        "unsigned char" | "UChar_t" | "uint8_t" | "Byte_t" => DType::U8,
        "short" | "Short_t" | "int16_t" | "short int" => DType::I16,
        "unsigned short" | "UShort_t" | "uint16_t" | "unsigned short int" => DType::U16,
        "int" | "Int_t" | "int32_t" => DType::I32,
        "unsigned int" | "UInt_t" | "uint32_t" | "unsigned" => DType::U32,
        "long" | "Long_t" | "long long" | "Long64_t" | "int64_t" | "long int" => DType::I64,
        "unsigned long" | "ULong_t" | "unsigned long long" | "ULong64_t" | "uint64_t" => DType::U64,
        "float" | "Float_t" => DType::F32,
        "double" | "Double_t" => DType::F64,
        "Double32_t" => return Some(CppType::Double32),
        "Float16_t" => DType::F32,
        "string" => return Some(CppType::StdString),
        "TString" => return Some(CppType::TString),
        _ => return None,
    };
    Some(CppType::Prim(prim))
}

fn outer_allows_allocator(args: &[&str]) -> bool {
    args.len() == 2 && args[1].contains("allocator")
}

/// Splits template arguments at top-level commas.
fn split_args(s: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let (mut depth, mut start) = (0i32, 0usize);
    for (i, ch) in s.char_indices() {
        match ch {
            '<' => depth += 1,
            '>' => depth -= 1,
            ',' if depth == 0 => {
                out.push(s[start..i].trim());
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(s[start..].trim());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_container_names() {
        let t = CppType::parse("vector<vector<double> >").unwrap();
        assert_eq!(t.name(), "std::vector<std::vector<double>>");
        let t = CppType::parse("map<string,vector<short> >").unwrap();
        assert_eq!(t.name(), "std::map<std::string, std::vector<int16_t>>");
        let t = CppType::parse("ROOT::VecOps::RVec<unsigned int>").unwrap();
        assert_eq!(t.name(), "RVec<uint32_t>");
        assert!(CppType::parse("MyClass").is_none());
    }
}
