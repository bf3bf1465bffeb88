//! C++ types of branch values: primitive codes and container type names.

use crate::array::Values;

/// A primitive stored type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Prim {
    Bool,
    I8,
    U8,
    I16,
    U16,
    I32,
    U32,
    I64,
    U64,
    F32,
    F64,
}

impl Prim {
    /// Stored size in bytes.
    pub fn size(self) -> usize {
        match self {
            Prim::Bool | Prim::I8 | Prim::U8 => 1,
            Prim::I16 | Prim::U16 => 2,
            Prim::I32 | Prim::U32 | Prim::F32 => 4,
            Prim::I64 | Prim::U64 | Prim::F64 => 8,
        }
    }

    /// The name uproot gives the type.
    pub fn name(self) -> &'static str {
        self.empty().type_name()
    }

    /// An empty values vector of this type.
    pub fn empty(self) -> Values {
        self.with_capacity(0)
    }

    /// An empty values vector with room for `n`.
    pub fn with_capacity(self, n: usize) -> Values {
        match self {
            Prim::Bool => Values::Bool(Vec::with_capacity(n)),
            Prim::I8 => Values::I8(Vec::with_capacity(n)),
            Prim::U8 => Values::U8(Vec::with_capacity(n)),
            Prim::I16 => Values::I16(Vec::with_capacity(n)),
            Prim::U16 => Values::U16(Vec::with_capacity(n)),
            Prim::I32 => Values::I32(Vec::with_capacity(n)),
            Prim::U32 => Values::U32(Vec::with_capacity(n)),
            Prim::I64 => Values::I64(Vec::with_capacity(n)),
            Prim::U64 => Values::U64(Vec::with_capacity(n)),
            Prim::F32 => Values::F32(Vec::with_capacity(n)),
            Prim::F64 => Values::F64(Vec::with_capacity(n)),
        }
    }

    /// From a leaf class (TLeafI, …) and its unsigned flag.
    pub fn from_leaf_class(class: &str, unsigned: bool) -> Option<Prim> {
        Some(match (class, unsigned) {
            ("TLeafO", _) => Prim::Bool,
            ("TLeafB", false) => Prim::I8,
            ("TLeafB", true) => Prim::U8,
            ("TLeafS", false) => Prim::I16,
            ("TLeafS", true) => Prim::U16,
            ("TLeafI", false) => Prim::I32,
            ("TLeafI", true) => Prim::U32,
            ("TLeafL" | "TLeafG", false) => Prim::I64,
            ("TLeafL" | "TLeafG", true) => Prim::U64,
            ("TLeafF", _) => Prim::F32,
            ("TLeafD", _) => Prim::F64,
            _ => return None,
        })
    }

    /// From ROOT's basic type code (`TVirtualStreamerInfo::EReadWrite`),
    /// the codes for Float16 (19) and Double32 (9) excluded.
    pub fn from_code(code: i32) -> Option<Prim> {
        Some(match code {
            1 => Prim::I8,
            2 => Prim::I16,
            3 | 6 => Prim::I32,
            4 | 16 => Prim::I64,
            5 => Prim::F32,
            8 => Prim::F64,
            11 => Prim::U8,
            12 => Prim::U16,
            13 | 15 => Prim::U32,
            14 | 17 => Prim::U64,
            18 => Prim::Bool,
            _ => return None,
        })
    }
}

/// A C++ type met in branch class names.
#[derive(Clone, Debug, PartialEq)]
pub enum CppType {
    Prim(Prim),
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
            CppType::Prim(p) => p.name().to_string(),
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
        "bool" | "Bool_t" => Prim::Bool,
        "char" | "Char_t" | "int8_t" | "signed char" => Prim::I8,
        "unsigned char" | "UChar_t" | "uint8_t" | "Byte_t" => Prim::U8,
        "short" | "Short_t" | "int16_t" | "short int" => Prim::I16,
        "unsigned short" | "UShort_t" | "uint16_t" | "unsigned short int" => Prim::U16,
        "int" | "Int_t" | "int32_t" => Prim::I32,
        "unsigned int" | "UInt_t" | "uint32_t" | "unsigned" => Prim::U32,
        "long" | "Long_t" | "long long" | "Long64_t" | "int64_t" | "long int" => Prim::I64,
        "unsigned long" | "ULong_t" | "unsigned long long" | "ULong64_t" | "uint64_t" => Prim::U64,
        "float" | "Float_t" => Prim::F32,
        "double" | "Double_t" => Prim::F64,
        "Double32_t" => return Some(CppType::Double32),
        "Float16_t" => Prim::F32,
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
