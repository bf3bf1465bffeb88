//! The shipped catalog parses, every entry is well formed, and known entries hold the numbers
//! of their sources (the portal records, infofile.py, the AGC inputs, the real files in ../shared).

use hepkey_data::checksum::{adler32_file, hex};
use hepkey_data::{Catalog, Kind};
use std::path::Path;

fn shared() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared"))
}

#[test]
fn parses_and_is_well_formed() {
    let catalog = Catalog::shipped().expect("the shipped catalog loads");
    assert_eq!(catalog.problems(), Vec::<String>::new());
    let groups: Vec<&str> = catalog.groups.iter().map(|g| g.group.as_str()).collect();
    assert_eq!(
        groups,
        ["atlas-2020", "atlas-2025e", "atlas-2024", "agc", "hepdata"]
    );
    // Names are unique (from_groups rejects duplicates) and every file is https with, where
    // given, an 8-hex-digit adler32 and a positive size (problems() checks each); count them.
    let datasets = catalog.datasets().count();
    let files: usize = catalog.datasets().map(|d| d.files.len()).sum();
    assert!(datasets > 5000, "{datasets}");
    assert!(files > 6000, "{files}");
    for ds in catalog.datasets() {
        for f in &ds.files {
            assert!(f.url.starts_with("https://"), "{}", f.url);
        }
        if ds.name.starts_with("atlas-2020/") || ds.name.starts_with("atlas-2025e/") {
            for f in &ds.files {
                // The portal publishes a size and checksum for every ATLAS education file.
                assert!(
                    f.size.is_some_and(|s| s > 0) && f.adler32.is_some(),
                    "{}",
                    ds.name
                );
                assert!(f
                    .root_url()
                    .unwrap()
                    .starts_with("root://eospublic.cern.ch//eos/opendata/atlas/"));
            }
        }
    }
}

#[test]
fn atlas_2020_entries_hold_the_record_and_infofile_numbers() {
    let catalog = Catalog::shipped().unwrap();
    let ggh = catalog
        .get("atlas-2020/4lep/mc_345060.ggH125_ZZ4lep")
        .unwrap();
    assert_eq!(ggh.kind, Kind::Mc);
    assert_eq!(ggh.tree.as_deref(), Some("mini"));
    assert_eq!(ggh.dsid, Some(345060));
    // cernopendata/opendata.cern.ch data/records/atlas-2020-4lep.json
    let f = &ggh.files[0];
    assert_eq!(
        f.url,
        "https://opendata.cern.ch/eos/opendata/atlas/OutreachDatasets/2020-08-19/4lep/MC/mc_345060.ggH125_ZZ4lep.4lep.root"
    );
    assert_eq!(f.size, Some(50518236));
    assert_eq!(f.adler32.as_deref(), Some("1ea0e560"));
    // infofile.py: 'ggH125_ZZ4lep': {'DSID': 345060, 'events': 985000, 'sumw': 27881776.6536, 'xsec': 0.0060239}
    let p = ggh.physics.as_ref().unwrap();
    assert_eq!(p.xsec_pb, 0.0060239);
    assert_eq!(p.sum_weights, Some(27881776.6536));
    assert_eq!(p.events, Some(985000));
    let rec = catalog.record_of(ggh).unwrap();
    assert_eq!(rec.recid, 15005);
    assert_eq!(rec.doi, "10.7483/OPENDATA.ATLAS.2Y1T.TLGL");
    // The 4lep record: 111 files, 975 705 245 bytes (atlas-opendata.md §1a: 0.98 GB).
    assert_eq!(rec.size, Some(975705245));
    let in_4lep: usize = catalog
        .select("atlas-2020/4lep")
        .unwrap()
        .iter()
        .map(|d| d.files.len())
        .sum();
    assert_eq!(in_4lep as u64, rec.number_files.unwrap());
    // GamGam: record 15006, first data file as in the spec's example.
    let a = catalog.get("atlas-2020/GamGam/data_A").unwrap();
    assert_eq!(a.files[0].size, Some(81250713));
    assert_eq!(a.files[0].adler32.as_deref(), Some("29634ba7"));
    assert_eq!(catalog.record_of(a).unwrap().recid, 15006);
    // Every 2020 collection with its periods.
    for coll in [
        "1lep",
        "2lep",
        "3lep",
        "4lep",
        "exactly2lep",
        "GamGam",
        "1largeRjet1lep",
        "1lep1tau",
    ] {
        for period in ["A", "B", "C", "D"] {
            assert!(
                catalog
                    .get(&format!("atlas-2020/{coll}/data_{period}"))
                    .is_some(),
                "{coll} {period}"
            );
        }
    }
}

#[test]
fn atlas_2025_entry_matches_the_real_file_in_shared() {
    let catalog = Catalog::shipped().unwrap();
    let name = "atlas-2025e/2J2LMET30/mc_301333.Pythia8EvtGen_A14NNPDF23LO_zprime3000_tt";
    let ds = catalog.get(name).unwrap();
    assert_eq!(ds.tree.as_deref(), Some("analysis"));
    let f = &ds.files[0];
    assert_eq!(
        f.file_name(),
        "ODEO_FEB2025_v0_2J2LMET30_mc_301333.Pythia8EvtGen_A14NNPDF23LO_zprime3000_tt.2J2LMET30.root"
    );
    let local = shared().join("data/atlas").join(f.file_name());
    let (size, sum) = adler32_file(&local).unwrap();
    assert_eq!(Some(size), f.size);
    assert_eq!(Some(hex(sum)), f.adler32);
    // GamGam data record 93915: 16 files, 9 861 498 743 bytes, 36 564 144 events (spec §5).
    let gg = catalog.select("atlas-2025e/GamGam").unwrap();
    let data: Vec<_> = gg.iter().filter(|d| d.kind == Kind::Data).collect();
    assert_eq!(data.len(), 16);
    let rec = catalog.record_of(data[0]).unwrap();
    assert_eq!(rec.recid, 93915);
    assert_eq!(rec.doi, "10.7483/OPENDATA.ATLAS.GYRR.GRP3");
    assert_eq!(rec.size, Some(9861498743));
    assert_eq!(rec.number_events, Some(36564144));
    assert_eq!(
        data.iter().map(|d| d.files[0].size.unwrap()).sum::<u64>(),
        9861498743
    );
    // 12 skims, each with 16 data periods.
    for skim in [
        "1LMET30",
        "2to4lep",
        "2muons",
        "3J1LMET30",
        "GamGam",
        "2J2LMET30",
        "2bjets70",
        "3lep",
        "exactly3lep",
        "4lep",
        "exactly4lep",
        "noskim",
    ] {
        let n = catalog
            .select(&format!("atlas-2025e/{skim}"))
            .unwrap()
            .iter()
            .filter(|d| d.kind == Kind::Data)
            .count();
        assert_eq!(n, 16, "{skim}");
    }
}

#[test]
fn physlite_is_metadata_only_and_agc_and_hepdata_hold_their_sources() {
    let catalog = Catalog::shipped().unwrap();
    let summary = catalog.get("atlas-2024/summary").unwrap();
    assert_eq!(summary.kind, Kind::Metadata);
    assert!(summary.files.is_empty());
    let rec = catalog.record_of(summary).unwrap();
    assert_eq!(rec.recid, 80020);
    assert_eq!(rec.size, Some(71749688366060));
    // AGC (agc-ttbar.md §1): 9 process/variation entries, 787 files, 940 160 174 events.
    let agc = catalog.select("agc").unwrap();
    assert_eq!(agc.len(), 9);
    assert_eq!(agc.iter().map(|d| d.files.len()).sum::<usize>(), 787);
    assert_eq!(
        agc.iter().map(|d| d.events.unwrap()).sum::<u64>(),
        940160174
    );
    let tt = catalog.get("agc/ttbar/nominal").unwrap();
    assert_eq!(tt.files.len(), 243);
    assert_eq!(tt.events, Some(276079127));
    assert_eq!(
        tt.files.iter().map(|f| f.events.unwrap()).sum::<u64>(),
        276079127
    );
    // utils/file_input.py: ttbar 396.87 + 332.97 pb = 729.84 (agc-ttbar.md: w = 729.84·3378/N)
    assert!((tt.physics.as_ref().unwrap().xsec_pb - 729.84).abs() < 1e-9);
    // HEPData: the sbottom archive is the one in ../shared.
    let sb = catalog.get("hepdata/ins1748602").unwrap();
    assert_eq!(sb.kind, Kind::Likelihood);
    assert_eq!(sb.doi.as_deref(), Some("10.17182/hepdata.89408"));
    let local = shared().join("data/likelihoods/pyhf-ins1748602-probability-models.tar.gz");
    let (size, sum) = adler32_file(&local).unwrap();
    assert_eq!(sb.files[0].size, Some(size));
    assert_eq!(sb.files[0].adler32.as_deref(), Some(hex(sum).as_str()));
}

#[test]
fn search_and_select() {
    let catalog = Catalog::shipped().unwrap();
    let hits: Vec<&str> = catalog
        .search("ggH125_ZZ4lep 4lep")
        .iter()
        .map(|d| d.name.as_str())
        .collect();
    assert!(
        hits.contains(&"atlas-2020/4lep/mc_345060.ggH125_ZZ4lep"),
        "{hits:?}"
    );
    assert!(hits.iter().all(|h| h.to_lowercase().contains("4lep")));
    // Record titles are searched too: "Gamma-Gamma" is only in the 2020 GamGam record's title.
    assert!(catalog
        .search("gamma-gamma")
        .iter()
        .all(|d| d.name.starts_with("atlas-2020/GamGam/")));
    assert!(!catalog.search("gamma-gamma").is_empty());
    let err = catalog
        .select("atlas-2020/4lep/ggH125")
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("atlas-2020/4lep/mc_345060.ggH125_ZZ4lep"),
        "{err}"
    );
}
