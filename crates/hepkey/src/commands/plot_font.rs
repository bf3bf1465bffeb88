//! Registers the bundled DejaVu Sans font with plotters once (no system fonts needed).

use std::sync::Once;

pub fn register() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let _ = plotters::style::register_font(
            "sans-serif",
            plotters::style::FontStyle::Normal,
            dejavu::sans::regular(),
        );
    });
}
