//! Shared helpers of the integration tests: paths into ../shared and the sbottom archive.
#![allow(dead_code)]

use hepkey_stats::workspace::archive::read_tar_gz_member;
use hepkey_stats::{model_and_data, Data, JsonPatch, Model, ModelOptions, Workspace};
use std::sync::OnceLock;

pub fn shared(rel: &str) -> String {
    format!("{}/../../../shared/{rel}", env!("CARGO_MANIFEST_DIR"))
}

pub fn fixture(name: &str) -> serde_json::Value {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap()
}

pub fn reference(rel: &str) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(shared(rel)).unwrap()).unwrap()
}

fn archive() -> &'static [u8] {
    static BYTES: OnceLock<Vec<u8>> = OnceLock::new();
    BYTES.get_or_init(|| {
        std::fs::read(shared(
            "data/likelihoods/pyhf-ins1748602-probability-models.tar.gz",
        ))
        .unwrap()
    })
}

pub fn sbottom_text(member: &str) -> String {
    read_tar_gz_member(archive(), member, "sbottom.tar.gz").unwrap()
}

pub fn sbottom_workspace(region: &str) -> Workspace {
    Workspace::from_str(
        &sbottom_text(&format!("{region}/BkgOnly.json")),
        "BkgOnly.json",
    )
    .unwrap()
}

pub fn sbottom_patch(region: &str, patch: &str) -> JsonPatch {
    let name = format!("{region}/patch.{patch}.json");
    JsonPatch::from_str(&sbottom_text(&name), &name).unwrap()
}

/// Model and observed data of a region, with a signal patch if given.
pub fn sbottom(region: &str, patch: Option<&str>) -> (Model, Data) {
    let ws = sbottom_workspace(region);
    let patches: Vec<JsonPatch> = patch
        .map(|p| sbottom_patch(region, p))
        .into_iter()
        .collect();
    model_and_data(&ws, None, &patches, &ModelOptions::default()).unwrap()
}

pub fn assert_rel(actual: f64, expected: f64, rel: f64, what: &str) {
    let scale = expected.abs().max(1e-300);
    assert!(
        ((actual - expected) / scale).abs() <= rel,
        "{what}: got {actual:.12e}, expected {expected:.12e} (rel tol {rel:e}, rel diff {:.3e})",
        ((actual - expected) / scale).abs()
    );
}
