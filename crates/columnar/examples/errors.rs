//! Prints how expression errors look (`cargo run -p hepkey-columnar --example errors`).
use hepkey_columnar::{DType, ProgramBuilder, Schema, Type};

fn main() {
    let schema = Schema::new()
        .with("Jet_pt", Type::jagged(DType::F32))
        .with("Jet_eta", Type::jagged(DType::F32))
        .with("Jet_jetId", Type::jagged(DType::I32))
        .with("Muon_pt", Type::jagged(DType::F32))
        .with("MET_pt", Type::flat(DType::F32));
    for src in [
        "sum(Jet_pT[Jet_eta < 2.4])",
        "Jet.pT > 30",
        "Jet_eta & 4",
        "Jet_pt > 30 && Jet_eta",
        "MET_pt[0]",
        "Jet_pt + Muon_pt",
        "30 < Jet_pt < 50",
        "sum(Jet)",
        "jets = Jet[Jet_pt > 30]",
        "mass(Jet_pt)",
        "sqrtt(MET_pt)",
        "combinations(Jet, n)",
    ] {
        // As the analysis-file layer does: the expression sits on line 12 of a file, after `expr = "`.
        let file = format!(
            "# analysis file\n{}[hist.x]\nexpr = \"{src}\"\n",
            "\n".repeat(9)
        );
        let mut b = ProgramBuilder::new(schema.clone());
        match b.output("x", src) {
            Ok(t) => println!("ok: {src} -> {t}"),
            Err(e) => println!("{}\n", e.shifted(11, 8).render(&file, "analysis.toml", 0)),
        }
    }
}
