//! Markdown pages as standalone HTML (links to other `.md` documents become `.html`).

use pulldown_cmark::{html, CowStr, Event, Options, Parser, Tag};

const STYLE: &str = "body{font-family:system-ui,sans-serif;max-width:60em;margin:2em auto;padding:0 1em;line-height:1.5}\
pre{background:#f4f4f4;padding:.8em;overflow-x:auto}code{background:#f4f4f4}\
table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.2em .5em;vertical-align:top}";

/// A complete HTML page of `markdown`.
pub fn page(title: &str, markdown: &str) -> String {
    let parser = Parser::new_ext(markdown, Options::ENABLE_TABLES).map(|event| match event {
        Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        }) => Event::Start(Tag::Link {
            link_type,
            dest_url: md_to_html(dest_url),
            title,
            id,
        }),
        other => other,
    });
    let mut body = String::new();
    html::push_html(&mut body, parser);
    wrap(title, &body)
}

/// A page around ready HTML.
pub fn wrap(title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{}</title><style>{STYLE}</style></head>\n<body>\n{body}</body></html>\n",
        escape(title)
    )
}

/// `docs/x.md#a` → `x.html#a` (every document lies in one folder on the key).
fn md_to_html(url: CowStr<'_>) -> CowStr<'_> {
    if url.contains("://") {
        return url;
    }
    let (path, anchor) = url.split_once('#').map_or((&*url, ""), |(p, a)| (p, a));
    let Some(stem) = path.strip_suffix(".md") else {
        return url;
    };
    let name = stem.rsplit('/').next().unwrap_or(stem);
    let name = if name == "README" && !stem.contains("catalog") {
        "README"
    } else if stem.ends_with("catalog/README") {
        "catalog"
    } else {
        name
    };
    let mut out = format!("{name}.html");
    if !anchor.is_empty() {
        out.push('#');
        out.push_str(anchor);
    }
    CowStr::from(out)
}

pub fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_tables_code_and_rewrites_md_links() {
        let html = page(
            "t",
            "# Title\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n```sh\nhepkey run x.toml\n```\n\nSee [the file](docs/analysis-file.md#samples) and [site](https://x.org/a.md).\n",
        );
        assert!(html.contains("<h1>Title</h1>"));
        assert!(html.contains("<td>1</td>"));
        assert!(html.contains("<code class=\"language-sh\">hepkey run x.toml"));
        assert!(
            html.contains("href=\"analysis-file.html#samples\""),
            "{html}"
        );
        assert!(html.contains("href=\"https://x.org/a.md\""));
    }
}
