//! Literals for the generated files.

/// A Python string literal (JSON's escapes are Python's too), e.g. `"a \"b\""`.
pub fn py(s: &str) -> String {
    serde_json::to_string(s).expect("a string serialises")
}

/// A YAML double-quoted scalar: JSON's escapes are YAML's too.
pub fn yaml(s: &str) -> String {
    py(s)
}
