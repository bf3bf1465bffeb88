//! Inputs that used to take memory without bound or be accepted silently (issue #18): each
//! must be a clear error that names the file or object and what was expected.

use hepkey_stats::workspace::archive::{read_file_capped, read_tar_gz_member_capped};
use hepkey_stats::{model_and_data, Error, JsonPatch, ModelOptions, Workspace};
use serde_json::{json, Value};
use std::io::Write;

fn small_workspace() -> Value {
    json!({
        "channels": [{"name": "SR", "samples": [
            {"name": "sig", "data": [5.0, 3.0],
             "modifiers": [{"name": "mu", "type": "normfactor", "data": null}]},
            {"name": "bkg", "data": [50.0, 60.0], "modifiers": [
                {"name": "unc", "type": "shapesys", "data": [5.0, 6.0]},
                {"name": "stat", "type": "staterror", "data": [1.0, 2.0]},
                {"name": "ns", "type": "normsys", "data": {"hi": 1.1, "lo": 0.9}}]}]}],
        "observations": [{"name": "SR", "data": [52.0, 63.0]}],
        "measurements": [{"name": "m", "config": {"poi": "mu", "parameters": []}}],
        "version": "1.0.0"
    })
}

/// A patch that copies a value into itself `n` times (each copy doubles it).
fn copy_bomb(n: usize) -> Value {
    Value::Array(
        (0..n)
            .map(|_| json!({"op": "copy", "from": "/channels", "path": "/channels/-"}))
            .collect(),
    )
}

#[test]
fn a_self_copying_patch_stops_before_it_grows_without_bound() {
    let patch = JsonPatch::from_value(&copy_bomb(40), "bomb.json").unwrap();
    let mut doc = small_workspace();
    let before = doc.clone();
    let start = std::time::Instant::now();
    let err = patch.apply(&mut doc).unwrap_err();
    assert!(start.elapsed().as_secs() < 10, "took {:?}", start.elapsed());
    let msg = err.to_string();
    assert!(matches!(err, Error::Patch { .. }), "{msg}");
    assert!(msg.starts_with("patch bomb.json: operation '/"), "{msg}");
    assert!(msg.contains("copy to '/channels/-'"), "{msg}");
    assert!(msg.contains("64 times"), "{msg}");
    // All or nothing: the document is as it was.
    assert_eq!(doc, before);

    // A few copies stay well within the limit.
    let mut doc = small_workspace();
    JsonPatch::from_value(&copy_bomb(3), "three.json")
        .unwrap()
        .apply(&mut doc)
        .unwrap();
    // Each copy appends the whole array to itself: 1 channel + 3 nested copies.
    assert_eq!(doc["channels"].as_array().unwrap().len(), 4);
}

#[test]
fn a_failing_operation_names_its_index_and_leaves_the_document_unchanged() {
    let patch = JsonPatch::from_value(
        &json!([
            {"op": "add", "path": "/channels/0/name", "value": "CR"},
            {"op": "remove", "path": "/nothing/here"}
        ]),
        "p.json",
    )
    .unwrap();
    let mut doc = small_workspace();
    let err = patch.apply(&mut doc).unwrap_err().to_string();
    assert!(
        err.starts_with("patch p.json: operation '/1' failed at path '/nothing/here'"),
        "{err}"
    );
    assert_eq!(doc, small_workspace());
}

fn tar_gz(name: &str, declared: u64, data: &[u8]) -> Vec<u8> {
    let mut header = tar::Header::new_gnu();
    header.set_path(name).unwrap();
    header.set_size(declared);
    header.set_mode(0o644);
    header.set_cksum();
    let mut raw = header.as_bytes().to_vec();
    raw.extend_from_slice(data);
    raw.resize(raw.len().div_ceil(512) * 512 + 1024, 0);
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(&raw).unwrap();
    gz.finish().unwrap()
}

#[test]
fn archive_members_above_the_limit_are_refused() {
    // Declared larger than the limit: refused before anything is decompressed.
    let archive = tar_gz("big.json", 3 << 30, b"[");
    let err = read_tar_gz_member_capped(&archive, "big.json", "a.tar.gz", 1 << 30)
        .unwrap_err()
        .to_string();
    assert!(
        err.starts_with("a.tar.gz/big.json: larger than 1073741824 bytes"),
        "{err}"
    );

    // Within the declared size but above a small limit: the capped read stops it.
    let body = vec![b' '; 4000];
    let archive = tar_gz("ws.json", body.len() as u64, &body);
    let err = read_tar_gz_member_capped(&archive, "ws.json", "a.tar.gz", 1000)
        .unwrap_err()
        .to_string();
    assert!(
        err.starts_with("a.tar.gz/ws.json: larger than 1000 bytes"),
        "{err}"
    );
    assert_eq!(
        read_tar_gz_member_capped(&archive, "ws.json", "a.tar.gz", 4000)
            .unwrap()
            .len(),
        4000
    );
}

#[test]
fn only_regular_files_of_bounded_size_are_read() {
    let err = read_file_capped("/dev/zero", 1 << 30)
        .unwrap_err()
        .to_string();
    assert_eq!(
        err,
        "/dev/zero: is not a regular file (a device, FIFO or socket); give the path of a file"
    );
    let dir = env!("CARGO_MANIFEST_DIR");
    let err = read_file_capped(dir, 1 << 30).unwrap_err().to_string();
    assert_eq!(
        err,
        format!("{dir}: is a directory; give the path of a file")
    );
    // /proc files report size 0 and are read with the cap all the same.
    let err = read_file_capped("/proc/self/status", 10)
        .unwrap_err()
        .to_string();
    assert!(
        err.starts_with("/proc/self/status: larger than 10 bytes"),
        "{err}"
    );
}

fn model_error(ws: Value) -> String {
    let ws = Workspace::from_value(&ws, "ws.json").unwrap();
    match model_and_data(&ws, None, &[], &ModelOptions::default()) {
        Ok(_) => panic!("the model was built"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn negative_uncertainties_and_factors_are_refused_with_their_place() {
    let mut ws = small_workspace();
    ws["channels"][0]["samples"][1]["modifiers"][0]["data"] = json!([5.0, -6.0]);
    assert_eq!(
        model_error(ws),
        "invalid model: channel \"SR\", sample \"bkg\", modifier \"unc\" (shapesys): bin 1 is -6; \
         expected absolute uncertainties ≥ 0 (pyhf treats a negative one as no uncertainty in \
         that bin: write 0 there, or the absolute value)"
    );
    let mut ws = small_workspace();
    ws["channels"][0]["samples"][1]["modifiers"][1]["data"] = json!([-1.0, 2.0]);
    let err = model_error(ws);
    assert!(
        err.contains("sample \"bkg\", modifier \"stat\" (staterror): bin 0 is -1"),
        "{err}"
    );
    let mut ws = small_workspace();
    ws["channels"][0]["samples"][1]["modifiers"][2]["data"]["lo"] = json!(0.0);
    let err = model_error(ws);
    assert!(
        err.contains("modifier \"ns\" (normsys): lo is 0; expected factors hi and lo > 0"),
        "{err}"
    );

    // A patch cannot bring them in either.
    let ws = Workspace::from_value(&small_workspace(), "ws.json").unwrap();
    let patch = JsonPatch::from_value(
        &json!([{"op": "replace", "path": "/channels/0/samples/1/modifiers/0/data",
                 "value": [-5.0, 6.0]}]),
        "neg.json",
    )
    .unwrap();
    let err = model_and_data(&ws, None, &[patch], &ModelOptions::default())
        .err()
        .unwrap()
        .to_string();
    assert!(
        err.contains("modifier \"unc\" (shapesys): bin 0 is -5"),
        "{err}"
    );

    let mut ws = small_workspace();
    ws["observations"][0]["data"] = json!([52.0, -1.0]);
    assert_eq!(
        model_error(ws),
        "invalid model: observation of channel \"SR\": bin 1 is -1; expected counts ≥ 0"
    );

    // Negative yields of one sample are allowed (pyhf allows them; MC with negative weights).
    let mut ws = small_workspace();
    ws["channels"][0]["samples"][0]["data"] = json!([-1.0, 3.0]);
    let ws = Workspace::from_value(&ws, "ws.json").unwrap();
    assert!(model_and_data(&ws, None, &[], &ModelOptions::default()).is_ok());
}
