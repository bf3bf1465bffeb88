//! The wasm-bindgen layer: JSON text in and out, errors as JavaScript exceptions with the reader's message.

use crate::analysis::{AnalysisRequest, AnalysisResult};
use crate::session::Session;
use crate::set::{SampleSet, SetRequest};
use std::collections::BTreeMap;
use wasm_bindgen::prelude::*;

/// A ROOT file the page opened.
#[wasm_bindgen]
pub struct WebFile {
    session: Session,
}

#[wasm_bindgen]
impl WebFile {
    /// Opens a file from its bytes (`name` names it in messages).
    #[wasm_bindgen(constructor)]
    pub fn new(name: &str, bytes: Vec<u8>) -> Result<WebFile, JsError> {
        Session::open(name, bytes)
            .map(|session| WebFile { session })
            .map_err(|e| JsError::new(&e))
    }

    /// The file's objects as JSON (see `contents::Object`).
    pub fn contents(&self) -> Result<String, JsError> {
        let list = self.session.contents().map_err(|e| JsError::new(&e))?;
        Ok(serde_json::to_string(&list)?)
    }

    /// A TH1/TH2 as JSON (see `histogram::HistogramJson`).
    pub fn histogram(&self, path: &str) -> Result<String, JsError> {
        let h = self.session.histogram(path).map_err(|e| JsError::new(&e))?;
        Ok(serde_json::to_string(&h)?)
    }

    /// Runs an analysis request (JSON `AnalysisRequest`) and returns the histogram and cutflow, or
    /// `{"error": ...}` with where the expression is wrong.
    pub fn analyse(&mut self, request: &str) -> Result<String, JsError> {
        let request: AnalysisRequest = serde_json::from_str(request)?;
        Ok(serde_json::to_string(&self.session.analyse(&request))?)
    }
}

/// The version of hepkey the page runs.
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}

/// A sample set: an analysis file's samples, weighted as `hepkey run` weights them.
#[wasm_bindgen]
pub struct WebSampleSet {
    set: SampleSet,
}

#[wasm_bindgen]
impl WebSampleSet {
    /// Reads the analysis file `path` (relative to the served directory) and matches its samples'
    /// files among `available` (JSON list of paths); `variables` (JSON object) override its
    /// `[variables]`.
    #[wasm_bindgen(constructor)]
    pub fn new(
        path: &str,
        text: &str,
        available: &str,
        variables: &str,
    ) -> Result<WebSampleSet, JsError> {
        let available: Vec<String> = serde_json::from_str(available)?;
        let variables: BTreeMap<String, String> = serde_json::from_str(variables)?;
        SampleSet::resolve(path, text, &available, &variables)
            .map(|set| WebSampleSet { set })
            .map_err(|e| JsError::new(&e))
    }

    /// The samples, files to fetch, selections and histograms (see `set::SetInfo`).
    pub fn info(&self) -> Result<String, JsError> {
        Ok(serde_json::to_string(self.set.info())?)
    }

    /// Opens one of the set's files.
    pub fn add_file(&mut self, path: &str, bytes: Vec<u8>) -> Result<(), JsError> {
        self.set.add_file(path, bytes).map_err(|e| JsError::new(&e))
    }

    /// Fills every sample (JSON `SetRequest`): `set::SetResult`, or `{"error": ...}`.
    pub fn analyse(&mut self, request: &str) -> Result<String, JsError> {
        let request: SetRequest = serde_json::from_str(request)?;
        Ok(match self.set.analyse(&request) {
            Ok(result) => serde_json::to_string(&result)?,
            Err(error) => serde_json::to_string(&AnalysisResult::Failed { error })?,
        })
    }

    /// `[low, high]` of the values an expression takes over the set, `null`, or `{"error": ...}`.
    pub fn range(&mut self, definitions: &str, expression: &str) -> Result<String, JsError> {
        Ok(match self.set.range(definitions, expression) {
            Ok(span) => serde_json::to_string(&span)?,
            Err(error) => serde_json::to_string(&AnalysisResult::Failed { error })?,
        })
    }

    /// The analysis file that `hepkey run` fills this request's histograms with.
    pub fn save(&self, request: &str) -> Result<String, JsError> {
        let request: SetRequest = serde_json::from_str(request)?;
        self.set.save(&request).map_err(|e| JsError::new(&e))
    }
}

/// The bump hunt of `hepkey demo` (background exp(quadratic) + μ × signal) on binned data: JSON with
/// μ, its error, the observed and expected significance, and the fitted curves at the bin centres.
#[wasm_bindgen]
pub fn bump_fit(data: Vec<f64>, centres: Vec<f64>, signal: Vec<f64>) -> Result<String, JsError> {
    let fit = hepkey_stats::bump::fit(&data, &centres, &signal).map_err(|e| JsError::new(&e))?;
    Ok(serde_json::to_string(&crate::fit::FitJson::of(
        &fit, &centres, &signal,
    ))?)
}
