//! The documents and example analysis files compiled into hepkey, so that a key can be built
//! from the binary alone.

/// (file name on the key, page title, Markdown) of each document.
pub const DOCS: &[(&str, &str, &str)] = &[
    ("README.html", "hepkey", include_str!("../../../README.md")),
    (
        "analysis-file.html",
        "The analysis file",
        include_str!("../../../docs/analysis-file.md"),
    ),
    (
        "benchmarks.html",
        "Benchmarks",
        include_str!("../../../docs/benchmarks.md"),
    ),
    (
        "page.html",
        "The page: hepkey in the browser",
        include_str!("../../../docs/page.md"),
    ),
    (
        "catalog.html",
        "The dataset catalog",
        include_str!("../../data/catalog/README.md"),
    ),
];

/// (path under `examples/`, contents) of each example analysis file.
pub const EXAMPLES: &[(&str, &str)] = &[
    (
        "atlas/hyy.toml",
        include_str!("../../../examples/atlas/hyy.toml"),
    ),
    (
        "atlas/hyy_2025.toml",
        include_str!("../../../examples/atlas/hyy_2025.toml"),
    ),
    (
        "atlas/hzz_2020.toml",
        include_str!("../../../examples/atlas/hzz_2020.toml"),
    ),
    (
        "atlas/hzz_2025.toml",
        include_str!("../../../examples/atlas/hzz_2025.toml"),
    ),
    (
        "atlas/wlnu_2020.toml",
        include_str!("../../../examples/atlas/wlnu_2020.toml"),
    ),
    (
        "atlas/zll_2020.toml",
        include_str!("../../../examples/atlas/zll_2020.toml"),
    ),
    (
        "hzz/hzz.toml",
        include_str!("../../../examples/hzz/hzz.toml"),
    ),
    (
        "zmumu/zmumu.toml",
        include_str!("../../../examples/zmumu/zmumu.toml"),
    ),
    (
        "agc/ttbar.toml",
        include_str!("../../../examples/agc/ttbar.toml"),
    ),
    (
        "agc/ttbar_relaxed_lepton.toml",
        include_str!("../../../examples/agc/ttbar_relaxed_lepton.toml"),
    ),
    (
        "agc/fit.toml",
        include_str!("../../../examples/agc/fit.toml"),
    ),
];
