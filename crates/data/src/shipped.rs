//! The catalog files compiled into the binary, so that list/search/info work offline.

/// (file name, contents) of every shipped catalog file.
pub const FILES: &[(&str, &str)] = &[
    (
        "atlas-2020.json",
        include_str!("../catalog/atlas-2020.json"),
    ),
    (
        "atlas-2025e.json",
        include_str!("../catalog/atlas-2025e.json"),
    ),
    (
        "atlas-2024.json",
        include_str!("../catalog/atlas-2024.json"),
    ),
    ("agc.json", include_str!("../catalog/agc.json")),
    ("hepdata.json", include_str!("../catalog/hepdata.json")),
];
