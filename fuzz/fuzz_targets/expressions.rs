//! Compiles arbitrary text as analysis definitions and evaluates every one on a small chunk of
//! events (jets, muons, event numbers): errors are fine, panics are bugs.
#![no_main]

use hepkey_columnar::{Chunk, Column, ProgramBuilder, Schema};
use libfuzzer_sys::fuzz_target;

fn chunk() -> Chunk {
    let jets = |v: Vec<f32>| Column::jagged(v, vec![0, 3, 3, 4, 7]).unwrap();
    let mut c = Chunk::new(4);
    let cols = [
        (
            "Jet_pt",
            jets(vec![40.0, 31.5, 25.0, 90.0, 33.0, 60.0, 1e30]),
        ),
        (
            "Jet_eta",
            jets(vec![0.5, -2.5, 1.0, 0.0, 2.3, -1.0, f32::NAN]),
        ),
        ("Jet_phi", jets(vec![0.1, 3.1, -3.1, 1.0, 0.0, -0.5, 2.0])),
        ("Jet_mass", jets(vec![5.0, 4.0, 0.0, 10.0, -1.0, 3.0, 0.0])),
        (
            "Jet_btagCSVV2",
            jets(vec![0.9, 0.1, 0.6, -1.0, 0.0, 1.0, 0.5]),
        ),
        (
            "Jet_jetId",
            Column::jagged(vec![6i32, 2, 4, 0, 7, 6, -1], vec![0, 3, 3, 4, 7]).unwrap(),
        ),
        (
            "Muon_pt",
            Column::jagged(vec![35.0f32, 12.0], vec![0, 0, 2, 2, 2]).unwrap(),
        ),
        (
            "Muon_charge",
            Column::jagged(vec![1i32, -1], vec![0, 0, 2, 2, 2]).unwrap(),
        ),
        (
            "MET_pt",
            Column::flat(vec![10.0f64, 0.0, -5.0, f64::INFINITY]),
        ),
        ("event", Column::flat(vec![1i64, i64::MAX, i64::MIN, 0])),
        ("flag", Column::flat(vec![true, false, true, false])),
    ];
    for (name, col) in cols {
        c.insert(name, col).unwrap();
    }
    c
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let chunk = chunk();
    let mut b = ProgramBuilder::new(Schema::from_chunk(&chunk));
    let Ok(defined) = b.define_all(text) else {
        return;
    };
    for (i, (d, _)) in defined.iter().enumerate() {
        let _ = b.output(&format!("out{i}"), &d.name);
    }
    let program = b.build();
    let _ = program.evaluate(&chunk);
    let keep = [true, false, true, true];
    let _ = program.evaluate_selected(&chunk, &keep);
});
