//! The page as one HTML file that works opened from disk (`file://`, the offline key without a
//! server): browsers load neither module scripts nor `fetch` from there, so the stylesheet, the scripts
//! and the WebAssembly (as base64) go inline, each JavaScript module in its own function scope, its
//! imports read from the modules before it.

use crate::page::asset;

/// One JavaScript module of the page: its path as imported, and its text.
struct Module {
    path: &'static str,
    text: String,
}

/// The HTML document.
pub fn page_as_one_file() -> Result<String, String> {
    let text = |path: &str| -> Result<String, String> {
        let a = asset(path).ok_or_else(|| format!("the page has no {path}"))?;
        String::from_utf8(a.body.to_vec()).map_err(|_| format!("{path} is not UTF-8"))
    };
    let wasm = asset("/pkg/hepkey_web_bg.wasm").ok_or("the page has no WebAssembly")?;
    // The glue would fetch the WebAssembly next to itself; here the bytes are handed over.
    let glue = text("/pkg/hepkey_web.js")?.replace("import.meta.url", "document.baseURI");
    let modules = [
        Module {
            path: "./pkg/hepkey_web.js",
            text: glue,
        },
        Module {
            path: "./draw.js",
            text: text("/draw.js")?,
        },
    ];
    let mut script = String::from("\"use strict\";\nconst __modules = {};\n");
    script.push_str(&format!(
        "const __wasm = () => Uint8Array.from(atob(\"{}\"), (c) => c.charCodeAt(0));\n",
        base64(wasm.body)
    ));
    for m in &modules {
        let (body, exports) = without_exports(&m.text);
        let mut names: Vec<String> = exports
            .iter()
            .filter(|(_, exported)| exported != "default")
            .map(|(local, exported)| format!("{exported}: {local}"))
            .collect();
        if let Some((local, _)) = exports.iter().find(|(_, e)| e == "default") {
            // wasm-bindgen's default export is its loader: give it the inline bytes.
            names.push(format!(
                "default: () => {local}({{ module_or_path: __wasm() }})"
            ));
        }
        script.push_str(&format!(
            "__modules[{:?}] = (() => {{\n{}\nreturn {{ {} }};\n}})();\n",
            m.path,
            body,
            names.join(", ")
        ));
    }
    script.push_str(&format!(
        "(() => {{\n{}\n}})();\n",
        with_imports_inline(&text("/app.js")?)?
    ));
    if script.contains("</script") {
        return Err(
            "the page's scripts contain `</script`, which would end the inline script".into(),
        );
    }
    let html = text("/index.html")?;
    let css = text("/style.css")?;
    let link = "<link rel=\"stylesheet\" href=\"style.css\">";
    let module = "<script type=\"module\" src=\"app.js\"></script>";
    if !html.contains(link) || !html.contains(module) || !html.contains("</body>") {
        return Err("index.html no longer loads style.css and app.js as expected".into());
    }
    // A module script runs once the document is parsed; an inline one where it stands: at the end.
    Ok(html
        .replace(link, &format!("<style>\n{css}</style>"))
        .replace(module, "")
        .replace("</body>", &format!("<script>\n{script}</script>\n</body>")))
}

/// A module's text without `export` keywords, and what it exported as (local name, exported name).
fn without_exports(text: &str) -> (String, Vec<(String, String)>) {
    let mut out = String::with_capacity(text.len());
    let mut exports = Vec::new();
    for line in text.lines() {
        if let Some(list) = line
            .strip_prefix("export {")
            .and_then(|l| l.trim_end().strip_suffix("};"))
        {
            for item in list.split(',').map(str::trim).filter(|i| !i.is_empty()) {
                let (local, exported) = item.split_once(" as ").unwrap_or((item, item));
                exports.push((local.trim().to_string(), exported.trim().to_string()));
            }
            continue;
        }
        if let Some(rest) = line.strip_prefix("export ") {
            let name = rest
                .trim_start_matches("async ")
                .split_whitespace()
                .nth(1)
                .map(|n| {
                    n.split(['(', ' ', '{', '='])
                        .next()
                        .unwrap_or(n)
                        .to_string()
                });
            if let Some(name) = name.filter(|n| !n.is_empty()) {
                exports.push((name.clone(), name));
            }
            out.push_str(rest);
        } else {
            out.push_str(line);
        }
        out.push('\n');
    }
    (out, exports)
}

/// `import a, { b, c } from "./m.js";` lines as reads of `__modules`.
fn with_imports_inline(text: &str) -> Result<String, String> {
    let mut out = String::with_capacity(text.len());
    for line in text.lines() {
        let Some(rest) = line.strip_prefix("import ") else {
            out.push_str(line);
            out.push('\n');
            continue;
        };
        let (what, from) = rest
            .split_once(" from ")
            .ok_or_else(|| format!("an import the one-file page cannot follow: {line}"))?;
        let from = from.trim().trim_end_matches(';');
        let (default, named) = match what.split_once('{') {
            Some((d, n)) => (
                d.trim().trim_end_matches(',').trim(),
                n.trim_end().trim_end_matches('}'),
            ),
            None => (what.trim(), ""),
        };
        if !default.is_empty() {
            out.push_str(&format!("const {default} = __modules[{from}].default;\n"));
        }
        if !named.trim().is_empty() {
            out.push_str(&format!(
                "const {{ {} }} = __modules[{from}];\n",
                named.trim()
            ));
        }
    }
    Ok(out)
}

/// Standard base64 with padding.
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for (i, shift) in [18, 12, 6, 0].into_iter().enumerate() {
            if i <= chunk.len() {
                out.push(ALPHABET[(n >> shift & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_of_known_texts() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
        assert_eq!(base64(b"foobar"), "Zm9vYmFy");
        assert_eq!(base64(&[0xff, 0xfe, 0x00]), "//4A");
    }

    #[test]
    fn modules_lose_their_exports_and_imports_read_modules() {
        let (body, exports) = without_exports(
            "export class A {}\nexport function b(x) {}\nconst c = 1;\nexport { c as d, e };\n",
        );
        assert_eq!(body, "class A {}\nfunction b(x) {}\nconst c = 1;\n");
        let pairs: Vec<(&str, &str)> = exports
            .iter()
            .map(|(l, e)| (l.as_str(), e.as_str()))
            .collect();
        assert_eq!(pairs, [("A", "A"), ("b", "b"), ("c", "d"), ("e", "e")]);
        let app = with_imports_inline("import init, { A, b } from \"./m.js\";\ninit();\n").unwrap();
        assert_eq!(
            app,
            "const init = __modules[\"./m.js\"].default;\nconst { A, b } = __modules[\"./m.js\"];\ninit();\n"
        );
    }

    #[test]
    fn the_page_becomes_one_file_with_nothing_loaded_from_elsewhere() {
        let html = page_as_one_file().unwrap();
        assert!(!html.contains("src=\"app.js\"") && !html.contains("href=\"style.css\""));
        assert!(!html.contains("import.meta") && !html.contains("\nexport "));
        assert!(html.contains("WebSampleSet: WebSampleSet"));
        assert!(html.contains("default: () => __wbg_init({ module_or_path: __wasm() })"));
    }
}
