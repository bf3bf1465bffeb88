//! `hepkey key build DIR`: assembles a key in a staging folder next to DIR and renames it into
//! place when everything is there and listed, so DIR is either a complete key or absent. An
//! interrupted build keeps the staging folder, and the next build resumes its downloads.

use crate::content::{DOCS, EXAMPLES};
use crate::html;
use crate::listing::{files_under, KeyFile, Listing, LISTING};
use crate::{Error, Result};
use hepkey_data::cache::{relative_path, Layout};
use hepkey_data::checksum::{adler32_file, hex};
use hepkey_data::download::{self, part_path, Options};
use hepkey_data::Catalog;
use std::path::{Path, PathBuf};

pub struct BuildOptions {
    pub dir: PathBuf,
    /// Dataset names or prefixes (`atlas-2020/4lep`) to put on the key.
    pub datasets: Vec<String>,
    /// Largest total size of the datasets, in bytes.
    pub max_size: u64,
    /// The hepkey program to copy (a static build for a key meant for other machines).
    pub binary: PathBuf,
    /// Where the test files some examples read are (`../shared`); without them those
    /// examples are left out.
    pub shared: Option<PathBuf>,
    /// The download cache, from which datasets already downloaded are copied.
    pub cache: PathBuf,
    pub download: Options,
}

#[derive(Debug, Default)]
pub struct Built {
    pub files: usize,
    pub bytes: u64,
    pub dataset_files: usize,
    pub dataset_bytes: u64,
    /// Examples left out, with why.
    pub skipped_examples: Vec<String>,
    /// Whether the copied program had its debug information stripped.
    pub stripped: bool,
}

pub fn build(catalog: &Catalog, options: &BuildOptions) -> Result<Built> {
    let dir = &options.dir;
    if dir.exists() {
        let empty = dir.is_dir()
            && std::fs::read_dir(dir)
                .map_err(|e| Error::io(dir, e))?
                .next()
                .is_none();
        if !empty {
            return Err(Error::Key(format!(
                "{} already exists; choose a new folder (or remove it)",
                dir.display()
            )));
        }
    }
    let name = dir
        .file_name()
        .ok_or_else(|| Error::Key(format!("{}: not a folder name", dir.display())))?;
    let staging = dir.with_file_name(format!(".{}.hepkey-building", name.to_string_lossy()));
    std::fs::create_dir_all(&staging).map_err(|e| Error::io(&staging, e))?;
    let mut built = Built::default();

    // Datasets first: they take long and may fail; everything else is quick to redo.
    let mut selected = Vec::new();
    for name in &options.datasets {
        for ds in catalog.select(name)? {
            if !selected
                .iter()
                .any(|d: &&hepkey_data::Dataset| d.name == ds.name)
            {
                selected.push(ds);
            }
        }
    }
    let datasets_dir = staging.join("datasets");
    let jobs = download::plan(&selected, &datasets_dir, Layout::Mirror, None)?;
    let without_size: Vec<&str> = jobs
        .iter()
        .filter(|j| j.file.size.is_none())
        .map(|j| j.dataset.as_str())
        .collect();
    if !without_size.is_empty() {
        return Err(Error::Key(format!(
            "the catalog gives no size for {} files (of {}), so the key cannot be sized; leave them out",
            without_size.len(),
            without_size[0]
        )));
    }
    let total: u64 = jobs.iter().filter_map(|j| j.file.size).sum();
    if total > options.max_size {
        return Err(Error::Key(format!(
            "the datasets need {total} bytes, more than --max-size {} bytes",
            options.max_size
        )));
    }
    for job in &jobs {
        copy_from_cache(&options.cache, catalog, job)?;
    }
    if !jobs.is_empty() {
        built.dataset_files = jobs.len();
        built.dataset_bytes = total;
        let summary = download::run(jobs, &options.download);
        if !summary.failed.is_empty() {
            let list: Vec<String> = summary
                .failed
                .iter()
                .map(|(j, m)| format!("{}: {m}", j.file.file_name()))
                .collect();
            return Err(Error::Key(format!(
                "{} dataset files failed (run the same command again to resume): {}",
                list.len(),
                list.join("; ")
            )));
        }
    }

    // The program.
    let bin = staging.join("bin");
    std::fs::create_dir_all(&bin).map_err(|e| Error::io(&bin, e))?;
    let program = bin.join(if cfg!(windows) {
        "hepkey.exe"
    } else {
        "hepkey"
    });
    std::fs::copy(&options.binary, &program).map_err(|e| Error::io(&options.binary, e))?;
    built.stripped = strip_debug_info(&program);

    // Documents and examples.
    let docs = staging.join("docs");
    std::fs::create_dir_all(&docs).map_err(|e| Error::io(&docs, e))?;
    for (file, title, markdown) in DOCS {
        write(&docs.join(file), html::page(title, markdown).as_bytes())?;
    }
    let mut examples_written = Vec::new();
    for (rel, text) in EXAMPLES {
        let rewritten = crate::examples::rewrite(text);
        let mut missing = Vec::new();
        for shared_file in &rewritten.shared_files {
            let source = options.shared.as_ref().map(|s| s.join(shared_file));
            match source.filter(|s| s.is_file()) {
                Some(source) => {
                    let name = shared_file.rsplit('/').next().unwrap_or(shared_file);
                    let target = staging.join("example-data").join(name);
                    std::fs::create_dir_all(target.parent().expect("parent"))
                        .map_err(|e| Error::io(&target, e))?;
                    std::fs::copy(&source, &target).map_err(|e| Error::io(&source, e))?;
                }
                None => missing.push(shared_file.clone()),
            }
        }
        if !missing.is_empty() {
            built.skipped_examples.push(format!(
                "examples/{rel}: needs {} from ../shared (give --shared DIR)",
                missing.join(", ")
            ));
            continue;
        }
        write(
            &staging.join("examples").join(rel),
            rewritten.text.as_bytes(),
        )?;
        examples_written.push(*rel);
    }
    // The page, to open from disk without a server.
    let page = hepkey_serve::page_as_one_file().map_err(Error::Key)?;
    write(&staging.join("hepkey.html"), page.as_bytes())?;
    let dataset_names: Vec<&str> = selected.iter().map(|d| d.name.as_str()).collect();
    write(
        &staging.join("START-HERE.html"),
        start_here(&examples_written, &dataset_names, built.dataset_bytes).as_bytes(),
    )?;

    // The listing, then the rename that makes the key.
    let mut files = Vec::new();
    for path in files_under(&staging)? {
        if path == LISTING || path.ends_with(".hepkey-manifest.lock") {
            continue;
        }
        let (size, sum) = adler32_file(&staging.join(&path))?;
        built.bytes += size;
        files.push(KeyFile {
            path,
            size,
            adler32: hex(sum),
        });
    }
    built.files = files.len();
    let listing = Listing {
        schema: 1,
        hepkey_version: env!("CARGO_PKG_VERSION").to_string(),
        files,
    };
    let text = serde_json::to_string_pretty(&listing).expect("listing serialises") + "\n";
    write(&staging.join(LISTING), text.as_bytes())?;
    let _ = std::fs::remove_file(datasets_dir.join(".hepkey-manifest.lock"));
    if dir.exists() {
        std::fs::remove_dir(dir).map_err(|e| Error::io(dir, e))?;
    }
    std::fs::rename(&staging, dir).map_err(|e| Error::io(dir, e))?;
    Ok(built)
}

/// A file the cache already holds is copied (to its part name, then renamed); the download
/// step then checks it against the catalog like any file found in place.
fn copy_from_cache(cache: &Path, catalog: &Catalog, job: &download::Job) -> Result<()> {
    let target = job.path();
    if target.is_file() {
        return Ok(());
    }
    let Some(dataset) = catalog.get(&job.dataset) else {
        return Ok(());
    };
    let cached = cache.join(relative_path(Layout::ByDataset, dataset, &job.file));
    if !cached.is_file() {
        return Ok(());
    }
    let parent = target.parent().expect("a file has a parent");
    std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
    let part = part_path(&target);
    std::fs::copy(&cached, &part).map_err(|e| Error::io(&cached, e))?;
    std::fs::rename(&part, &target).map_err(|e| Error::io(&target, e))?;
    Ok(())
}

/// Drops debug information from the copied program with `strip`, where the system has it
/// (a release build with debug info is several times larger than the code).
fn strip_debug_info(program: &Path) -> bool {
    std::process::Command::new("strip")
        .arg("--strip-debug")
        .arg(program)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

fn write(path: &Path, bytes: &[u8]) -> Result<()> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
    }
    std::fs::write(path, bytes).map_err(|e| Error::io(path, e))
}

fn start_here(examples: &[&str], datasets: &[&str], dataset_bytes: u64) -> String {
    let esc = html::escape;
    let mut body = String::from(
        "<h1>hepkey: particle-physics open data, offline</h1>\n\
<p>This key holds the hepkey program, its documentation, example analyses and data. Nothing needs \
to be installed and no network is used.</p>\n\
<h2>Run an example</h2>\n\
<p>Open a terminal in this folder (on Linux x86-64) and type:</p>\n\
<pre>bin/hepkey demo -o out/demo\nbin/hepkey run examples/zmumu/zmumu.toml -o out/zmumu\nbin/hepkey data verify datasets</pre>\n\
<p>Outputs (histograms, cut flows, plots) go to the <code>out/</code> folder you name. \
<code>bin/hepkey --help</code> lists every command, each with examples.</p>\n\
<h2>In the browser</h2>\n\
<p>The page (open ROOT files, draw their histograms, cut with sliders, data against simulation from \
an analysis file, the H → γγ fit) is inside the program. Type \
<code>bin/hepkey serve .</code> and open <a href=\"http://127.0.0.1:8321/\">http://127.0.0.1:8321/</a>: \
it reads the files in your browser and lists this key's ROOT files and example analyses; nothing leaves the machine.</p>\n\
<p>Without a terminal, open <a href=\"hepkey.html\">hepkey.html</a>: the same page in one file. Its \
<em>Open folder…</em> button takes this key's folder and offers the example analyses as sample sets.</p>\n\
<h2>Documentation</h2>\n<ul>\n\
<li><a href=\"docs/README.html\">README</a>: what hepkey does</li>\n\
<li><a href=\"docs/analysis-file.html\">The analysis file</a></li>\n\
<li><a href=\"docs/page.html\">The page</a>: hepkey in the browser</li>\n\
<li><a href=\"docs/catalog.html\">The dataset catalog</a></li>\n\
<li><a href=\"docs/benchmarks.html\">Benchmarks</a></li>\n</ul>\n",
    );
    body.push_str("<h2>Example analyses</h2>\n<ul>\n");
    for e in examples {
        body.push_str(&format!(
            "<li><a href=\"examples/{0}\">examples/{0}</a>: <code>bin/hepkey run examples/{0} -o out/{1}</code></li>\n",
            esc(e),
            esc(e.trim_end_matches(".toml").replace('/', "-").as_str())
        ));
    }
    body.push_str("</ul>\n<p>The ATLAS examples read the datasets below where they are on this key (their <code>[variables]</code> point into <code>datasets/</code>); samples whose files are not on the key are skipped.</p>\n");
    body.push_str("<h2>Datasets</h2>\n");
    if datasets.is_empty() {
        body.push_str("<p>None on this key (it was built without <code>--datasets</code>).</p>\n");
    } else {
        body.push_str(&format!(
            "<p>{} datasets, {:.1} MB, in <code>datasets/</code> laid out as on the CERN Open Data portal, \
with <code>datasets/hepkey-manifest.json</code> (size and adler32 of each file).</p>\n<ul>\n",
            datasets.len(),
            dataset_bytes as f64 / 1e6
        ));
        for d in datasets {
            body.push_str(&format!("<li><code>{}</code></li>\n", esc(d)));
        }
        body.push_str("</ul>\n");
    }
    body.push_str(
        "<h2>Checking the key</h2>\n<p><code>bin/hepkey key verify .</code> rechecks the size and adler32 \
of every file against <code>hepkey-key.json</code>.</p>\n\
<h2>Other computers</h2>\n<p>The program on this key is a Linux x86-64 build. For other systems, build \
hepkey from its source with Rust (<code>cargo build --release</code>) on that system, or cross-compile: \
<code>--target x86_64-unknown-linux-musl</code> (static Linux), <code>aarch64-unknown-linux-musl</code>, \
<code>x86_64-pc-windows-gnu</code>, <code>aarch64-apple-darwin</code>; then build the key with \
<code>hepkey key build DIR --binary PATH</code>.</p>\n",
    );
    html::wrap("hepkey key: start here", &body)
}

/// `16GB`, `500 MB`, `1.5TB`, `2GiB` or a number of bytes.
pub fn parse_size(text: &str) -> std::result::Result<u64, String> {
    let t = text.trim();
    let split = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(t.len());
    let (number, unit) = t.split_at(split);
    let value: f64 = number
        .parse()
        .map_err(|_| format!("{text:?}: give a size such as 16GB, 500MB or 2GiB"))?;
    let factor: f64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1.0,
        "kb" | "k" => 1e3,
        "mb" | "m" => 1e6,
        "gb" | "g" => 1e9,
        "tb" | "t" => 1e12,
        "kib" => 1024.0,
        "mib" => 1024.0 * 1024.0,
        "gib" => 1024.0 * 1024.0 * 1024.0,
        "tib" => 1024.0f64.powi(4),
        other => {
            return Err(format!(
                "{text:?}: unknown unit {other:?} (B, kB, MB, GB, TB, KiB, MiB, GiB, TiB)"
            ))
        }
    };
    Ok((value * factor).round() as u64)
}

#[cfg(test)]
mod tests {
    use super::parse_size;

    #[test]
    fn sizes() {
        assert_eq!(parse_size("16GB"), Ok(16_000_000_000));
        assert_eq!(parse_size("1.5 MB"), Ok(1_500_000));
        assert_eq!(parse_size("2GiB"), Ok(2 * 1024 * 1024 * 1024));
        assert_eq!(parse_size("123"), Ok(123));
        assert!(parse_size("12 parsecs").is_err());
        assert!(parse_size("GB").is_err());
    }
}
