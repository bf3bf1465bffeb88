//! The listing the page's file browser shows: directories, trees with their branches, histograms.

use hepkey_root::{hist::is_histogram_class, RootFile, Tree};
use serde::Serialize;

/// One object of a file.
#[derive(Debug, Serialize)]
pub struct Object {
    /// Full path, directories separated by `/`.
    pub path: String,
    pub class: String,
    pub title: String,
    pub kind: Kind,
    /// Entries of a tree.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub entries: Option<u64>,
    /// Branches of a tree.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub branches: Vec<BranchInfo>,
    /// Why a tree could not be opened (the rest of the listing still shows).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// What the page can do with an object.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Directory,
    Tree,
    Histogram1d,
    Histogram2d,
    Other,
}

/// A branch of a tree.
#[derive(Debug, Serialize)]
pub struct BranchInfo {
    pub name: String,
    /// The type as uproot names it (`float`, `var * float32`, ...).
    pub r#type: String,
    /// Whether it reads as numbers (one or a list per entry), so it can be histogrammed and used in
    /// expressions.
    pub numeric: bool,
    pub jagged: bool,
}

/// The whole listing of a file, depth first.
pub fn list(file: &RootFile) -> hepkey_root::Result<Vec<Object>> {
    let mut out = Vec::new();
    for entry in file.walk()? {
        let class = entry.key.class_name.clone();
        let kind = kind_of(&class);
        let mut object = Object {
            path: entry.path.clone(),
            class,
            title: entry.key.title.clone(),
            kind,
            entries: None,
            branches: Vec::new(),
            error: None,
        };
        if kind == Kind::Tree {
            match Tree::open(file, &entry.path) {
                Ok(tree) => {
                    object.entries = Some(tree.entries());
                    object.branches = tree
                        .branches()
                        .iter()
                        .map(|b| {
                            let numeric = b.numeric_type();
                            BranchInfo {
                                name: b.path.clone(),
                                r#type: b.type_name(),
                                numeric: numeric.is_some(),
                                jagged: numeric.is_some_and(|(_, jagged)| jagged),
                            }
                        })
                        .collect();
                }
                Err(e) => object.error = Some(e.to_string()),
            }
        }
        out.push(object);
    }
    Ok(out)
}

fn kind_of(class: &str) -> Kind {
    if class == "TDirectory" || class == "TDirectoryFile" {
        Kind::Directory
    } else if matches!(class, "TTree" | "TNtuple" | "TNtupleD") {
        Kind::Tree
    } else if is_histogram_class(class) && class.starts_with("TH2") {
        Kind::Histogram2d
    } else if is_histogram_class(class) {
        Kind::Histogram1d
    } else {
        Kind::Other
    }
}
