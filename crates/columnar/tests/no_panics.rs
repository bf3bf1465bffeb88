//! Random expressions, well-formed or not, must give a value or an error — never a panic.

mod common;

use common::{events, Rng};
use hepkey_columnar::{ProgramBuilder, Schema};

const ATOMS: &[&str] = &[
    "Jet_pt",
    "Jet_eta",
    "Jet_jetId",
    "Muon_pt",
    "Muon_tightId",
    "MET_pt",
    "run",
    "Jet",
    "Muon",
    "1",
    "-1",
    "0",
    "2.5",
    "1e300",
    "true",
    "nan",
    "pi",
    "3000000000",
    "jets",
    "tri",
    "p",
    "m",
];
const UNARY: &[&str] = &[
    "abs",
    "sqrt",
    "log",
    "normal_ppf",
    "sum",
    "count",
    "num",
    "min",
    "max",
    "argmax",
    "first",
    "mean",
    "any",
    "all",
    "int8",
    "uint64",
    "float32",
    "bool",
    "local_index",
    "argsort",
    "sort",
    "isnan",
    "-",
    "!",
    "~",
];
const BINARY: &[&str] = &[
    "+", "-", "*", "/", "%", "**", "==", "<", ">=", "&&", "||", "&", "|", "^", "<<", ">>",
];
const FUNCS2: &[&str] = &[
    "atan2",
    "hypot",
    "min",
    "max",
    "pow",
    "combinations",
    "cartesian",
    "delta_phi",
    "mt",
    "mass",
];
const FIELDS: &[&str] = &["pt", "eta", "0", "1", "index", "jetId", "tightId", "nope"];

fn gen(r: &mut Rng, depth: u32) -> String {
    if depth == 0 || r.below(4) == 0 {
        return ATOMS[r.below(ATOMS.len() as u64) as usize].to_string();
    }
    match r.below(7) {
        0 => {
            let f = UNARY[r.below(UNARY.len() as u64) as usize];
            if f.len() == 1 {
                format!("{f}{}", gen(r, depth - 1))
            } else {
                format!("{f}({})", gen(r, depth - 1))
            }
        }
        1 | 2 => format!(
            "({} {} {})",
            gen(r, depth - 1),
            BINARY[r.below(BINARY.len() as u64) as usize],
            gen(r, depth - 1)
        ),
        3 => format!("{}[{}]", gen(r, depth - 1), gen(r, depth - 1)),
        4 => format!(
            "{}.{}",
            gen(r, depth - 1),
            FIELDS[r.below(FIELDS.len() as u64) as usize]
        ),
        5 => format!(
            "{}({}, {})",
            FUNCS2[r.below(FUNCS2.len() as u64) as usize],
            gen(r, depth - 1),
            gen(r, depth - 1)
        ),
        _ => format!(
            "where({}, {}, {})",
            gen(r, depth - 1),
            gen(r, depth - 1),
            gen(r, depth - 1)
        ),
    }
}

#[test]
fn random_expressions_never_panic() {
    let ev = events(60, 21);
    let chunk = ev.chunk();
    let mut r = Rng::new(5);
    let (mut compiled, mut evaluated) = (0, 0);
    for i in 0..3000 {
        let mut b = ProgramBuilder::new(Schema::from_chunk(&chunk));
        b.define_all("jets = Jet[Jet_pt > 30]\ntri = combinations(jets, 3)\np = cartesian(Jet, Muon)\nm = Muon[0]")
            .unwrap();
        let mut expr = gen(&mut r, 4);
        if i % 5 == 0 {
            // Also feed broken text: drop or duplicate a random character.
            let k = r.below(expr.len() as u64) as usize;
            if expr.is_char_boundary(k) {
                if r.below(2) == 0 {
                    expr.remove(k);
                } else {
                    let c = expr[k..].chars().next().unwrap();
                    expr.insert(k, c);
                }
            }
        }
        if b.output("x", &expr).is_ok() {
            compiled += 1;
            if b.build().evaluate(&chunk).is_ok() {
                evaluated += 1;
            }
        }
    }
    eprintln!("compiled {compiled}, evaluated {evaluated}");
    // The generator must exercise both paths.
    assert!(
        compiled > 300 && evaluated > 300,
        "compiled {compiled}, evaluated {evaluated}"
    );
}
