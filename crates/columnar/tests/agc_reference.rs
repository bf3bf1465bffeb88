//! The AGC tt̄ expressions (../shared/specs/agc-ttbar.md) against the test vectors of
//! `reference/agc/events_tree200.json` (made by an independent uproot+awkward implementation).
//!
//! The ROOT reader is not part of this crate, so the inputs come from what the reference files hold:
//! * the JER factor per jet needs only jet pt: the `first5`/`last5` jet pts in `reference/root/*.json`
//!   are whole events (or leading jets) whose factors the test vectors list;
//! * the selected jets' pts follow from the nominal b-tag factors `1 + pt·0.075/50` (leading 4), so events
//!   with at most 4 selected jets give HT under the pt_scale_up and pt_res_up variations.
#![allow(clippy::needless_range_loop)]

use hepkey_columnar::{Chunk, Column, DType, ProgramBuilder, Schema, Type};
use serde_json::Value;

const SHARED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared");

fn load(path: &str) -> Value {
    let p = format!("{SHARED}/{path}");
    let text = std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{p}: {e}"));
    // The reference summaries write Python's NaN/Infinity, which JSON lacks; no value used here is one.
    let text = text
        .replace("-Infinity", "null")
        .replace("Infinity", "null")
        .replace("NaN", "null");
    serde_json::from_str(&text).unwrap()
}

/// The deterministic JER factor of the RDF implementation (spec §6), in the expression language.
const JER: &str = "float32(1 + 0.05 * normal_ppf(0.001 * (int64(Jet_pt * 1000) % 1000) + 0.0005))";

fn f32s(v: &Value) -> Vec<f32> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap() as f32)
        .collect()
}

fn jer_of(lists: &[Vec<f32>]) -> Vec<Vec<f32>> {
    let chunk = Chunk::new(lists.len())
        .with("Jet_pt", Column::from_lists(lists))
        .unwrap();
    let mut b = ProgramBuilder::new(Schema::from_chunk(&chunk));
    assert_eq!(b.output("jer", JER).unwrap(), Type::jagged(DType::F32));
    b.build().evaluate(&chunk).unwrap()[0]
        .to_lists::<f32>()
        .unwrap()
}

#[test]
fn jer_factor_per_jet_matches_the_test_vectors() {
    let events = load("reference/agc/events_tree200.json");
    let files = events["files"].as_object().unwrap();
    let mut checked = 0;
    for (root_json, key_prefix, tree) in [
        ("reference/root/nanoAOD_2015_CMS_Open_Data_ttbar.root.json", "nanoAOD_2015", "branches"),
        ("reference/root/cmsopendata2015_ttbar_19980_NANOAOD_RNTupleImporter_rntuple_v1-0-0-1.root.json", "cmsopendata2015", "fields"),
    ] {
        let root = load(root_json);
        let branches = &root["objects"]["Events;1"][tree];
        let counts: Vec<usize> = events_of(files, key_prefix).iter().map(|e| e["jer_factor_per_jet"].as_array().unwrap().len()).collect();
        let first5 = f32s(&branches["Jet_pt"]["first5"]);
        let last5 = f32s(&branches["Jet_pt"]["last5"]);
        // Split the first five jets into events by the per-event jet counts; the last five likewise from the end.
        let mut lists: Vec<(usize, Vec<f32>, bool)> = Vec::new();
        let (mut taken, mut ev) = (0, 0);
        while taken < 5 {
            let n = counts[ev].min(5 - taken);
            lists.push((ev, first5[taken..taken + n].to_vec(), true));
            taken += n;
            ev += 1;
        }
        let (mut taken, mut ev) = (0, counts.len());
        while taken < 5 {
            ev -= 1;
            let n = counts[ev].min(5 - taken);
            lists.push((ev, last5[5 - taken - n..5 - taken].to_vec(), false));
            taken += n;
        }
        let inputs: Vec<Vec<f32>> = lists.iter().map(|(_, l, _)| l.clone()).collect();
        let got = jer_of(&inputs);
        let evs = events_of(files, key_prefix);
        for ((ev, l, leading), g) in lists.iter().zip(&got) {
            let want = f32s(&evs[*ev]["jer_factor_per_jet"]);
            // A partial event holds its leading jets (first5) or its trailing jets (last5).
            let want = if *leading { &want[..l.len()] } else { &want[want.len() - l.len()..] };
            assert_eq!(g.as_slice(), want, "event {ev} of {key_prefix}");
            checked += g.len();
        }
    }
    assert_eq!(checked, 20);
}

fn events_of<'a>(files: &'a serde_json::Map<String, Value>, prefix: &str) -> &'a Vec<Value> {
    files
        .iter()
        .find(|(k, _)| k.starts_with(prefix))
        .unwrap()
        .1
        .as_array()
        .unwrap()
}

#[test]
fn ht_under_jet_variations_matches_the_test_vectors() {
    let events = load("reference/agc/events_tree200.json");
    let files = events["files"].as_object().unwrap();
    let mut pts: Vec<Vec<f32>> = Vec::new();
    let mut want: Vec<[f64; 3]> = Vec::new();
    for evs in files.values() {
        for e in evs.as_array().unwrap() {
            let n = e["nominal"]["n_jets"].as_u64().unwrap() as usize;
            let same_jets = ["pt_scale_up", "pt_res_up"]
                .iter()
                .all(|v| e[v]["n_jets"].as_u64() == Some(n as u64));
            if n == 0 || n > 4 || !same_jets {
                continue;
            }
            // Undo the b-tag factor 1 + pt·0.075/50 (float64) and round back to the float32 input.
            let factors = e["nominal"]["btag_weight_up_down_leading4"]
                .as_array()
                .unwrap();
            let l: Vec<f32> = factors[..n]
                .iter()
                .map(|f| ((f[0].as_f64().unwrap() - 1.0) * 50.0 / 0.075) as f32)
                .collect();
            let ht = |v: &str| e[v]["HT"].as_f64().unwrap();
            assert_eq!(
                l.iter().map(|&p| p as f64).sum::<f64>(),
                ht("nominal"),
                "entry {}",
                e["entry"]
            );
            pts.push(l);
            want.push([ht("nominal"), ht("pt_scale_up"), ht("pt_res_up")]);
        }
    }
    assert_eq!(pts.len(), 50);
    let chunk = Chunk::new(pts.len())
        .with("Jet_pt", Column::from_lists(&pts))
        .unwrap();
    let mut b = ProgramBuilder::new(Schema::from_chunk(&chunk));
    b.define("jer", JER).unwrap();
    for (name, pt) in [
        ("HT", "Jet_pt"),
        ("HT_scale", "Jet_pt * 1.03"),
        ("HT_res", "Jet_pt * jer"),
    ] {
        b.output(name, &format!("sum(({pt})[{pt} > 30])")).unwrap();
    }
    let out = b.build().evaluate(&chunk).unwrap();
    for (i, w) in want.iter().enumerate() {
        for v in 0..3 {
            assert_eq!(out[v].values().get_f64(i), w[v], "event {i} variation {v}");
        }
    }
}

/// The whole AGC object and event selection type-checks against the real file's branch types.
#[test]
fn agc_definitions_compile_against_the_nanoaod_schema() {
    let root = load("reference/root/nanoAOD_2015_CMS_Open_Data_ttbar.root.json");
    let mut schema = Schema::new();
    for (name, b) in root["objects"]["Events;1"]["branches"].as_object().unwrap() {
        let t = b["typename"].as_str().unwrap();
        let jagged = t.ends_with("[]");
        let dtype = match t.trim_end_matches("[]") {
            "float" => DType::F32,
            "double" => DType::F64,
            "int32_t" => DType::I32,
            "uint32_t" => DType::U32,
            "int64_t" | "Long64_t" => DType::I64,
            "uint64_t" | "ULong64_t" => DType::U64,
            "bool" => DType::Bool,
            "uint8_t" | "UChar_t" => DType::U8,
            "int8_t" | "Char_t" => DType::I8,
            "int16_t" => DType::I16,
            "uint16_t" => DType::U16,
            _ => continue,
        };
        schema.insert(name, Type { dtype, jagged });
    }
    let mut b = ProgramBuilder::new(schema);
    b.define_all(AGC)
        .unwrap_or_else(|e| panic!("{}", e.render(AGC, "agc", 0)));
    let t = |b: &mut ProgramBuilder, e: &str| b.output(e, e).unwrap();
    assert_eq!(t(&mut b, "HT"), Type::flat(DType::F64));
    assert_eq!(t(&mut b, "m_bjj"), Type::flat(DType::F64));
    assert_eq!(t(&mut b, "region_4j1b"), Type::flat(DType::Bool));
    assert_eq!(t(&mut b, "btag_up_0"), Type::flat(DType::F64));
    assert_eq!(
        t(&mut b, "1 + jets.pt[0] * 0.075 / 50"),
        Type::flat(DType::F32)
    );
    assert_eq!(t(&mut b, "jets.pt"), Type::jagged(DType::F32));
    let p = b.build();
    let mut inputs = p.inputs();
    inputs.sort();
    assert_eq!(
        inputs,
        vec![
            "Electron_cutBased",
            "Electron_eta",
            "Electron_pt",
            "Electron_sip3d",
            "Jet_btagCSVV2",
            "Jet_eta",
            "Jet_jetId",
            "Jet_mass",
            "Jet_phi",
            "Jet_pt",
            "Muon_eta",
            "Muon_pfRelIso04_all",
            "Muon_pt",
            "Muon_sip3d",
            "Muon_tightId"
        ]
    );
}

pub const AGC: &str = "
# objects (spec §3)
electrons = Electron[Electron_pt > 30 && abs(Electron_eta) < 2.1 && Electron_cutBased == 4 && Electron_sip3d < 4]
muons = Muon[Muon_pt > 30 && abs(Muon_eta) < 2.1 && Muon_tightId && Muon_sip3d < 4 && Muon_pfRelIso04_all < 0.15]
jets = Jet[Jet_pt > 30 && abs(Jet_eta) < 2.4 && (Jet_jetId & 4) != 0]
n_btag = count(jets.btagCSVV2 > 0.5)
# regions (§4)
one_lepton = count(electrons) + count(muons) == 1
region_4j1b = one_lepton && count(jets) >= 4 && n_btag == 1
region_4j2b = one_lepton && count(jets) >= 4 && n_btag >= 2
# observables (§5)
HT = sum(jets.pt)
tri = combinations(jets, 3)
has_b = max(tri.0.btagCSVV2, tri.1.btagCSVV2, tri.2.btagCSVV2) > 0.5
best = tri[has_b][argmax(pt(tri.0, tri.1, tri.2)[has_b])]
m_bjj = mass(best.0, best.1, best.2)
# b-tag weight variation (§6), in float64 as the spec's arithmetic says (float32 * literal stays float32)
btag_up_0 = 1 + float64(jets.pt[0]) * 0.075 / 50
";
