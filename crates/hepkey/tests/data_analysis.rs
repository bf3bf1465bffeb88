//! Analysis files that name catalog datasets (`dataset = "…"`) and take their normalisation from
//! the catalog (`xsec = "catalog"` …) give exactly what the same analysis gives with the files
//! and numbers written out by hand.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const ZPRIME: &str =
    "ODEO_FEB2025_v0_2J2LMET30_mc_301333.Pythia8EvtGen_A14NNPDF23LO_zprime3000_tt.2J2LMET30.root";

fn shared() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared")
        .canonicalize()
        .unwrap()
}

fn run(dir: &Path, toml: &str, out: &str, envs: &[(&str, &Path)]) -> Output {
    let file = dir.join(format!("{out}.toml"));
    std::fs::write(&file, toml).unwrap();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_hepkey"));
    cmd.args([
        "run",
        file.to_str().unwrap(),
        "-o",
        dir.join(out).to_str().unwrap(),
    ])
    .env_remove("HEPKEY_CATALOG");
    for (k, v) in envs {
        cmd.env(k, v);
    }
    cmd.output().unwrap()
}

fn text(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn histograms(dir: &Path, out: &str) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(dir.join(out).join("histograms.json")).unwrap()).unwrap()
}

const HEAD_2020: &str = r#"
[analysis]
name = "4lep data by catalog name"
tree = "mini"
[[histograms]]
name = "lep_n"
expression = "lep_n"
bins = 6
range = [0, 6]
[[histograms]]
name = "lead_pt"
expression = "lep_pt[0] / 1000"
bins = 20
range = [0, 200]
"#;

#[test]
fn a_dataset_name_reads_the_cached_file_and_a_missing_one_says_what_to_run() {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache");
    // As `hepkey data get atlas-2020/4lep/data_A` lays it out (the shared copy is an older
    // version of the file than the catalog's, which does not matter for resolving it).
    let place = cache.join("atlas-2020/4lep/data_A");
    std::fs::create_dir_all(&place).unwrap();
    std::fs::copy(
        shared().join("data/atlas/data_A.4lep.root"),
        place.join("data_A.4lep.root"),
    )
    .unwrap();

    let by_name = format!("{HEAD_2020}[[samples]]\nname = \"A\"\nkind = \"data\"\ndataset = \"atlas-2020/4lep/data_A\"\n");
    let out = run(dir.path(), &by_name, "by_name", &[("HEPKEY_CACHE", &cache)]);
    assert!(out.status.success(), "{}", text(&out));
    let by_path = format!(
        "{HEAD_2020}[[samples]]\nname = \"A\"\nkind = \"data\"\nfiles = [\"{}\"]\n",
        shared().join("data/atlas/data_A.4lep.root").display()
    );
    let out = run(dir.path(), &by_path, "by_path", &[]);
    assert!(out.status.success(), "{}", text(&out));
    let (a, b) = (
        histograms(dir.path(), "by_name"),
        histograms(dir.path(), "by_path"),
    );
    assert_eq!(a, b);
    // 39 entries in data_A (atlas-opendata.md).
    assert!(a.to_string().contains("39"), "{a}");

    let missing = format!("{HEAD_2020}[[samples]]\nname = \"B\"\nkind = \"data\"\ndataset = \"atlas-2020/4lep/data_B\"\n");
    let out = run(dir.path(), &missing, "missing", &[("HEPKEY_CACHE", &cache)]);
    assert!(!out.status.success());
    assert!(
        text(&out).contains("is not downloaded")
            && text(&out).contains("run `hepkey data get atlas-2020/4lep/data_B`"),
        "{}",
        text(&out)
    );

    let unknown = format!("{HEAD_2020}[[samples]]\nname = \"B\"\nkind = \"data\"\ndataset = \"atlas-2020/4lep/data_Q\"\n");
    let out = run(dir.path(), &unknown, "unknown", &[("HEPKEY_CACHE", &cache)]);
    assert!(!out.status.success());
    assert!(
        text(&out).contains("no dataset named \"atlas-2020/4lep/data_Q\""),
        "{}",
        text(&out)
    );
}

#[test]
fn catalog_numbers_normalise_like_the_same_numbers_written_out() {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache");
    let name = "test/2J2LMET30/mc_301333.zprime3000_tt";
    std::fs::create_dir_all(cache.join(name)).unwrap();
    std::fs::copy(
        shared().join("data/atlas").join(ZPRIME),
        cache.join(name).join(ZPRIME),
    )
    .unwrap();
    // The numbers the file itself carries (atlas-opendata.md: xsec 0.005084 pb, kfac 1,
    // filteff 1, sum_of_weights 30000), in a test catalog; k and ε made non-trivial to see them used.
    let catalog = dir.path().join("catalog.json");
    std::fs::write(
        &catalog,
        serde_json::json!({"schema": 1, "group": "test", "title": "t", "datasets": [
            {"name": name, "kind": "mc", "tree": "analysis",
             "files": [{"url": format!("https://example.invalid/{ZPRIME}")}],
             "physics": {"xsec_pb": 0.005084, "kfactor": 1.25, "filter_eff": 0.5, "sum_weights": 30000.0, "source": "test"}}]})
        .to_string(),
    )
    .unwrap();
    let hist =
        "[[histograms]]\nname = \"met\"\nexpression = \"met\"\nbins = 10\nrange = [0, 500]\n";
    let head = "[analysis]\nname = \"zprime\"\nluminosity = 36600.0\n";
    let by_catalog = format!(
        "{head}{hist}[[samples]]\nname = \"zp\"\nkind = \"signal\"\ndataset = \"{name}\"\nxsec = \"catalog\"\nkfactor = \"catalog\"\nfilter_eff = \"catalog\"\nsum_weights = \"catalog\"\n"
    );
    let envs = [
        ("HEPKEY_CACHE", cache.as_path()),
        ("HEPKEY_CATALOG", catalog.as_path()),
    ];
    let out = run(dir.path(), &by_catalog, "by_catalog", &envs);
    assert!(out.status.success(), "{}", text(&out));
    let by_hand = format!(
        "{head}{hist}[[samples]]\nname = \"zp\"\nkind = \"signal\"\ntree = \"analysis\"\nfiles = [\"{}\"]\nxsec = 0.005084\nkfactor = 1.25\nfilter_eff = 0.5\nsum_weights = 30000\n",
        shared().join("data/atlas").join(ZPRIME).display()
    );
    let out = run(dir.path(), &by_hand, "by_hand", &[]);
    assert!(out.status.success(), "{}", text(&out));
    let (a, b) = (
        histograms(dir.path(), "by_catalog"),
        histograms(dir.path(), "by_hand"),
    );
    assert_eq!(a, b);

    // A catalog entry without physics numbers (the shipped 2025 entries) is a clear error.
    let real = "atlas-2025e/2J2LMET30/mc_301333.Pythia8EvtGen_A14NNPDF23LO_zprime3000_tt";
    std::fs::create_dir_all(cache.join(real)).unwrap();
    std::fs::copy(
        shared().join("data/atlas").join(ZPRIME),
        cache.join(real).join(ZPRIME),
    )
    .unwrap();
    let no_numbers = format!("{head}{hist}[[samples]]\nname = \"zp\"\nkind = \"signal\"\ndataset = \"{real}\"\nxsec = \"catalog\"\nsum_weights = 30000\n");
    let out = run(
        dir.path(),
        &no_numbers,
        "no_numbers",
        &[("HEPKEY_CACHE", &cache)],
    );
    assert!(!out.status.success());
    assert!(
        text(&out).contains("the catalog has no cross-section or weights for atlas-2025e/"),
        "{}",
        text(&out)
    );
    // "catalog" without a dataset is caught before anything is read.
    let no_dataset = format!("{head}{hist}[[samples]]\nname = \"zp\"\nkind = \"signal\"\nfiles = [\"x.root\"]\nxsec = \"catalog\"\nsum_weights = 1\n");
    let out = run(dir.path(), &no_dataset, "no_dataset", &[]);
    assert!(!out.status.success());
    assert!(
        text(&out).contains("xsec = \"catalog\" needs `dataset = \"NAME\"`"),
        "{}",
        text(&out)
    );
}
