//! Generated samples have the format of the real release and the physics
//! the demo needs.

use hepkey_atlas::{generate, generate_hyy, GenerateOptions, Sample};
use hepkey_root::{RootFile, Tree};
use std::path::Path;

#[test]
fn generated_files_have_the_branches_and_types_of_the_real_release() {
    let dir = tempfile::tempdir().unwrap();
    let opts = GenerateOptions {
        data_events: 3_000,
        seed: 1,
        ..Default::default()
    };
    let files = generate_hyy(dir.path(), &opts, &|_| {}).unwrap();
    let names: Vec<String> = files
        .iter()
        .map(|f| f.strip_prefix(dir.path()).unwrap().display().to_string())
        .collect();
    assert!(
        names.contains(&"GamGam/Data/data_A.GamGam.root".to_string()),
        "{names:?}"
    );
    assert!(
        names.contains(&"GamGam/MC/mc_343981.ggH125_gamgam.GamGam.root".to_string()),
        "{names:?}"
    );
    // The real 2020 file's branches, names and types, in order.
    let reference: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../../../shared/reference/atlas/data_A.4lep.root.json"),
        )
        .unwrap(),
    )
    .unwrap();
    let expected: Vec<(String, String)> = reference["objects"]["mini;1"]["branches"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.clone(), v["typename"].as_str().unwrap().to_string()))
        .collect();
    for f in &files {
        let file = RootFile::open(f).unwrap();
        let tree = Tree::open(&file, "mini").unwrap();
        let got: Vec<(String, String)> = tree
            .branches()
            .iter()
            .map(|b| (b.path.clone(), b.type_name()))
            .collect();
        let differ: Vec<_> = got.iter().zip(&expected).filter(|(a, b)| a != b).collect();
        assert!(
            got.len() == expected.len() && differ.is_empty(),
            "{}: {differ:?}",
            f.display()
        );
        assert!(tree.entries() > 0);
    }
    // Same options, same bytes.
    let again = tempfile::tempdir().unwrap();
    generate_hyy(again.path(), &opts, &|_| {}).unwrap();
    for n in &names {
        assert!(
            std::fs::read(dir.path().join(n)).unwrap()
                == std::fs::read(again.path().join(n)).unwrap(),
            "{n} differs"
        );
    }
}

/// Every collection: the release's file names, the 81 branches with their
/// types, and the same bytes for the same seed.
#[test]
fn every_collection_is_written_as_the_release_names_it() {
    let reference: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../../../shared/reference/atlas/data_A.4lep.root.json"),
        )
        .unwrap(),
    )
    .unwrap();
    let expected: Vec<(String, String)> = reference["objects"]["mini;1"]["branches"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.clone(), v["typename"].as_str().unwrap().to_string()))
        .collect();
    for (sample, expect) in [
        (
            Sample::Zll,
            [
                "2lep/Data/data_D.2lep.root",
                "2lep/MC/mc_361106.Zee.2lep.root",
            ],
        ),
        (
            Sample::Hzz,
            [
                "4lep/Data/data_A.4lep.root",
                "4lep/MC/mc_345060.ggH125_ZZ4lep.4lep.root",
            ],
        ),
        (
            Sample::Wlnu,
            [
                "1lep/Data/data_B.1lep.root",
                "1lep/MC/mc_361100.Wplusenu.1lep.root",
            ],
        ),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let opts = GenerateOptions {
            data_events: 2_000,
            seed: 5,
            ..Default::default()
        };
        let files = generate(sample, dir.path(), &opts, &|_| {}).unwrap();
        let names: Vec<String> = files
            .iter()
            .map(|f| f.strip_prefix(dir.path()).unwrap().display().to_string())
            .collect();
        for e in expect {
            assert!(names.contains(&e.to_string()), "{sample:?}: {names:?}");
        }
        let mut data = 0;
        for f in &files {
            let file = RootFile::open(f).unwrap();
            let tree = Tree::open(&file, "mini").unwrap();
            let got: Vec<(String, String)> = tree
                .branches()
                .iter()
                .map(|b| (b.path.clone(), b.type_name()))
                .collect();
            assert_eq!(got, expected, "{}", f.display());
            if f.to_string_lossy().contains("/Data/") {
                data += tree.entries();
            } else {
                assert!(tree.entries() > 0);
            }
        }
        // Poisson around the requested size.
        assert!(
            (1_800..2_200).contains(&data),
            "{sample:?}: {data} data events"
        );
        let again = tempfile::tempdir().unwrap();
        generate(sample, again.path(), &opts, &|_| {}).unwrap();
        for n in &names {
            assert!(
                std::fs::read(dir.path().join(n)).unwrap()
                    == std::fs::read(again.path().join(n)).unwrap(),
                "{n} differs"
            );
        }
    }
}
