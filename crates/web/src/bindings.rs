//! The wasm-bindgen layer: JSON text in and out, errors as JavaScript exceptions with the reader's message.

use crate::analysis::AnalysisRequest;
use crate::session::Session;
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
