//! The page, embedded in the binary: built once by `crates/web/build.sh`, its output committed under
//! `crates/web/page/`, so a fresh clone + `cargo build` serves it without a WebAssembly toolchain.

/// One embedded file of the page.
pub struct Asset {
    /// URL path, from `/`.
    pub path: &'static str,
    pub content_type: &'static str,
    pub body: &'static [u8],
}

macro_rules! asset {
    ($path:literal, $type:literal) => {
        Asset {
            path: $path,
            content_type: $type,
            body: include_bytes!(concat!("../../web/page", $path)),
        }
    };
}

/// Every file of the page.
pub const ASSETS: &[Asset] = &[
    asset!("/index.html", "text/html; charset=utf-8"),
    asset!("/app.js", "text/javascript; charset=utf-8"),
    asset!("/draw.js", "text/javascript; charset=utf-8"),
    asset!("/style.css", "text/css; charset=utf-8"),
    asset!("/pkg/hepkey_web.js", "text/javascript; charset=utf-8"),
    asset!("/pkg/hepkey_web_bg.wasm", "application/wasm"),
];

/// The asset served at a URL path (`/` is the index).
pub fn asset(path: &str) -> Option<&'static Asset> {
    let path = if path == "/" { "/index.html" } else { path };
    ASSETS.iter().find(|a| a.path == path)
}
