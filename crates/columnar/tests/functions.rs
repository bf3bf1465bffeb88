//! The function registry is the documentation's function list, and every function is suggested
//! for a near miss.

use hepkey_columnar::registry::FUNCTIONS;
use hepkey_columnar::{Chunk, Column, ProgramBuilder, Schema};
use std::collections::BTreeSet;

/// The function names in the first column of README.md's "### Functions" table: in each
/// `code` span, the names called (`sum(x)`), or every word of a span without a call
/// (`abs sqrt exp`, an alias `ndtri`).
fn documented() -> BTreeSet<String> {
    let readme = include_str!("../README.md");
    let table = readme
        .split("### Functions")
        .nth(1)
        .expect("README.md has a ### Functions section");
    let mut names = BTreeSet::new();
    for row in table.lines().skip(2).take_while(|l| l.starts_with('|')) {
        let first = row.split(" | ").next().unwrap_or("");
        for (i, span) in first.split('`').enumerate() {
            if i % 2 == 0 {
                continue; // outside backticks
            }
            if span.contains('(') {
                let mut rest = span;
                while let Some(open) = rest.find('(') {
                    let before = &rest[..open];
                    let start = before
                        .rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                        .map_or(0, |j| j + 1);
                    if start < open {
                        names.insert(before[start..].to_string());
                    }
                    rest = &rest[open + 1..];
                }
            } else {
                names.extend(span.split_whitespace().map(str::to_string));
            }
        }
    }
    names
}

#[test]
fn every_function_is_documented_and_every_documented_one_exists() {
    let documented = documented();
    let registered: BTreeSet<String> = FUNCTIONS
        .iter()
        .flat_map(|f| f.names())
        .map(str::to_string)
        .collect();
    let undocumented: Vec<_> = registered.difference(&documented).collect();
    let unknown: Vec<_> = documented.difference(&registered).collect();
    assert!(
        undocumented.is_empty(),
        "in the registry but not in README.md's function table: {undocumented:?}"
    );
    assert!(
        unknown.is_empty(),
        "in README.md's function table but not in the registry: {unknown:?}"
    );
    for f in FUNCTIONS {
        assert!(!f.summary.is_empty(), "{} has no summary", f.name);
    }
}

/// The hint for calling `name` with two list arguments.
fn hint_for_call(name: &str) -> Option<String> {
    let chunk = Chunk::new(1)
        .with("Jet_pt", Column::from_lists(&[vec![50.0f32]]))
        .unwrap()
        .with("Jet_eta", Column::from_lists(&[vec![0.5f32]]))
        .unwrap();
    let mut b = ProgramBuilder::new(Schema::from_chunk(&chunk));
    let e = b.check(&format!("{name}(Jet, Jet)")).unwrap_err();
    assert!(e.message.contains("unknown function"), "{name}: {e}");
    e.hint
}

#[test]
fn every_function_is_suggested_for_a_near_miss() {
    // The reported omission.
    assert_eq!(
        hint_for_call("cartesain").as_deref(),
        Some("did you mean `cartesian`?")
    );
    for f in FUNCTIONS {
        for name in f.names() {
            // One letter doubled, a common slip.
            let last = name.chars().last().unwrap();
            let typo = format!("{name}{last}");
            assert_eq!(
                hint_for_call(&typo),
                Some(format!("did you mean `{name}`?")),
                "{typo}"
            );
        }
    }
}
