//! "Save analysis": the analysis file the sample set came from, with the page's definitions, cuts and
//! histogram in place of its own, so that `hepkey run` on it fills the histograms the page shows.
//! Samples, weights, variables and comments stay as the user wrote them.

use crate::set::{SetInfo, SetRequest};
use toml_edit::{value, ArrayOfTables, DocumentMut, Item, Table, Value};

/// What the page adds on top of the saved file.
const HEADER: &str =
    "# Saved from the hepkey page: [[selections]], [[histograms]] and the definitions are\n\
# as the page set them; run it with `hepkey run FILE -o OUT` next to the file it came from.\n";

/// A multi-line TOML string when the text allows one (easier to read and edit), else a plain one.
fn text_value(text: &str) -> Value {
    if text.contains('\n') && !text.contains("\"\"\"") && !text.contains('\\') {
        if let Ok(v) = format!("\"\"\"\n{text}\"\"\"").parse::<Value>() {
            return v;
        }
    }
    Value::from(text)
}

/// The saved analysis file.
pub fn analysis_file(original: &str, info: &SetInfo, r: &SetRequest) -> Result<String, String> {
    let mut doc: DocumentMut = original
        .parse()
        .map_err(|e| format!("{}: {e}", info.path))?;
    let mut definitions = r.definitions.trim_end().to_string();
    if !definitions.is_empty() {
        definitions.push('\n');
        doc["definitions"] = Item::Value(text_value(&definitions));
    } else {
        doc.remove("definitions");
    }
    // What the page does not apply goes, so that the file fills what the page shows.
    for key in ["regions", "systematics", "skims"] {
        doc.remove(key);
    }
    if let Some(analysis) = doc.get_mut("analysis").and_then(Item::as_table_like_mut) {
        analysis.remove("fit");
    }
    if !info.variables.is_empty() {
        let vars = doc
            .entry("variables")
            .or_insert_with(|| Item::Table(Table::new()));
        for (k, v) in &info.variables {
            vars[k.as_str()] = value(v.as_str());
        }
    }
    let mut selections = ArrayOfTables::new();
    for cut in &r.cuts {
        let mut t = Table::new();
        t["name"] = value(cut.name.as_str());
        t["cut"] = value(cut.expression.as_str());
        selections.push(t);
    }
    doc.remove("selections");
    if !selections.is_empty() {
        doc["selections"] = Item::ArrayOfTables(selections);
    }
    let mut h = Table::new();
    h["name"] = value(r.name.as_deref().unwrap_or("page"));
    h["expression"] = value(r.variable.as_str());
    h["bins"] = value(r.bins as i64);
    let mut range = toml_edit::Array::new();
    range.push(r.low);
    range.push(r.high);
    h["range"] = value(range);
    if let Some(x) = &r.xlabel {
        h["xlabel"] = value(x.as_str());
    }
    let mut histograms = ArrayOfTables::new();
    histograms.push(h);
    doc["histograms"] = Item::ArrayOfTables(histograms);
    let text = doc.to_string();
    // The result must be an analysis file again.
    toml::from_str::<hepkey_analysis_file::AnalysisFile>(&text).map_err(|e| {
        format!(
            "the saved analysis file does not read back: {}",
            e.message()
        )
    })?;
    Ok(format!("{HEADER}{text}"))
}
