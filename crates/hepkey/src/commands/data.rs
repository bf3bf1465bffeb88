//! `hepkey data list|search|info|get|verify|refresh`: the open-data catalog and verified downloads.

use anyhow::{bail, Result};
use hepkey_data::cache::{self, Layout};
use hepkey_data::download::{self, Options};
use hepkey_data::{refresh, verify, Catalog, Dataset, Kind};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

#[derive(clap::Args)]
#[command(
    after_help = "The catalog ships with hepkey and works offline; HEPKEY_CATALOG=FILE_OR_DIR replaces it.\nDownloads go to HEPKEY_CACHE (default ~/.cache/hepkey) unless -o DIR is given.\n\nExamples:\n  hepkey data list\n  hepkey data list atlas-2020/4lep\n  hepkey data search ggH125 ZZ4lep\n  hepkey data info atlas-2020/4lep/mc_345060.ggH125_ZZ4lep"
)]
pub struct Args {
    #[command(subcommand)]
    pub command: DataCommand,
}

#[derive(clap::Subcommand)]
pub enum DataCommand {
    /// The catalog's collections, or the datasets under a name such as atlas-2020/4lep.
    #[command(
        after_help = "Examples:\n  hepkey data list\n  hepkey data list atlas-2025e/exactly4lep\n  hepkey data list agc"
    )]
    List {
        /// A group, collection or skim (a prefix of dataset names).
        prefix: Option<String>,
    },
    /// Datasets whose name, title or DOI contain every word.
    #[command(
        after_help = "Examples:\n  hepkey data search higgs 4lep\n  hepkey data search ttbar"
    )]
    Search {
        #[arg(required = true)]
        words: Vec<String>,
    },
    /// Everything the catalog knows about a dataset: record, DOI, files, checksums, cross-section.
    #[command(
        after_help = "Examples:\n  hepkey data info atlas-2020/4lep/mc_345060.ggH125_ZZ4lep\n  hepkey data info hepdata/ins1748602 --json"
    )]
    Info {
        name: String,
        /// Print the catalog entry as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Download datasets (a name, or a collection such as atlas-2020/4lep), verified by adler32.
    #[command(
        after_help = "Files already in place are not transferred again; an interrupted download resumes.\n\nExamples:\n  hepkey data get atlas-2020/4lep/mc_345060.ggH125_ZZ4lep\n  hepkey data get atlas-2020/4lep --files \"data_*\"\n  hepkey data get hepdata/ins1748602 -o likelihoods"
    )]
    Get {
        #[arg(required = true)]
        names: Vec<String>,
        /// Only the files whose name matches this glob.
        #[arg(long)]
        files: Option<String>,
        /// Download into this directory (with its own manifest) instead of the cache.
        #[arg(short, long)]
        output: Option<PathBuf>,
        /// Files transferred at the same time.
        #[arg(short = 'j', long, default_value_t = 4)]
        parallel: usize,
        /// Attempts per file before giving up.
        #[arg(long, default_value_t = 6)]
        attempts: u32,
        /// Seconds to wait for a connection or for the next bytes.
        #[arg(long, default_value_t = 60.0)]
        timeout: f64,
    },
    /// Recheck size and adler32 of every file in the cache (or in DIR) against its manifest.
    #[command(after_help = "Examples:\n  hepkey data verify\n  hepkey data verify likelihoods")]
    Verify { dir: Option<PathBuf> },
    /// Compare the catalog's records with the CERN Open Data portal (HEPKEY_PORTAL overrides it).
    #[command(
        after_help = "Examples:\n  hepkey data refresh\n  hepkey data refresh --write my-catalog"
    )]
    Refresh {
        /// Write the updated catalog here (use it with HEPKEY_CATALOG=DIR).
        #[arg(long)]
        write: Option<PathBuf>,
        /// Seconds to wait for the portal.
        #[arg(long, default_value_t = 20.0)]
        timeout: f64,
    },
}

pub fn run(args: Args) -> Result<()> {
    let catalog = Catalog::load()?;
    match args.command {
        DataCommand::List { prefix } => list(&catalog, prefix.as_deref()),
        DataCommand::Search { words } => {
            let hits = catalog.search(&words.join(" "));
            if hits.is_empty() {
                bail!("no dataset matches {:?}", words.join(" "));
            }
            for ds in &hits {
                println!("{}", line(&catalog, ds));
            }
            eprintln!("{} datasets", hits.len());
            Ok(())
        }
        DataCommand::Info { name, json } => info(&catalog, &name, json),
        DataCommand::Get {
            names,
            files,
            output,
            parallel,
            attempts,
            timeout,
        } => {
            let timeout = seconds(timeout, "--timeout")?;
            let options = Options {
                parallel: parallel.max(1),
                attempts: attempts.max(1),
                connect_timeout: timeout,
                read_timeout: timeout,
                ..Options::default()
            };
            get(&catalog, &names, files.as_deref(), output, &options)
        }
        DataCommand::Verify { dir } => verify_cmd(dir),
        DataCommand::Refresh { write, timeout } => {
            refresh_cmd(&catalog, write, seconds(timeout, "--timeout")?)
        }
    }
}

fn seconds(value: f64, flag: &str) -> Result<Duration> {
    if !(value.is_finite() && value > 0.0) {
        bail!("{flag} {value}: give a positive number of seconds");
    }
    Ok(Duration::from_secs_f64(value))
}

/// `1.23 GB` (decimal units, as the portal shows sizes).
fn human(bytes: u64) -> String {
    let units = ["B", "kB", "MB", "GB", "TB", "PB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1000.0 && unit + 1 < units.len() {
        value /= 1000.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{bytes} B")
    } else {
        format!("{value:.2} {}", units[unit])
    }
}

fn dataset_size(ds: &Dataset) -> Option<u64> {
    ds.files.iter().map(|f| f.size).sum()
}

/// One line per dataset: name, kind, files, size, cross-section.
fn line(catalog: &Catalog, ds: &Dataset) -> String {
    let size = match (ds.kind, dataset_size(ds)) {
        (Kind::Metadata, _) => catalog
            .record_of(ds)
            .and_then(|r| r.size)
            .map_or("metadata".into(), |s| {
                format!("{} (metadata only)", human(s))
            }),
        (_, Some(s)) => human(s),
        (_, None) => "size unknown".into(),
    };
    let mut out = format!(
        "{:<72} {:<10} {:>5} files  {:>12}",
        ds.name,
        ds.kind.as_str(),
        ds.files.len(),
        size
    );
    if let Some(p) = &ds.physics {
        out.push_str(&format!("  xsec {} pb", p.xsec_pb));
    }
    out
}

/// The second level of a name (`atlas-2020/4lep`), or the name itself when it has two levels.
fn collection_of(name: &str) -> &str {
    match name.match_indices('/').nth(1) {
        Some((i, _)) => &name[..i],
        None => name,
    }
}

fn list(catalog: &Catalog, prefix: Option<&str>) -> Result<()> {
    if let Some(prefix) = prefix {
        for ds in catalog.select(prefix)? {
            println!("{}", line(catalog, ds));
        }
        return Ok(());
    }
    for group in &catalog.groups {
        println!("{}: {}", group.group, group.title);
        let mut collections: BTreeMap<&str, (usize, usize, u64, bool)> = BTreeMap::new();
        for ds in &group.datasets {
            let c = collections
                .entry(collection_of(&ds.name))
                .or_insert((0, 0, 0, false));
            c.0 += 1;
            c.1 += ds.files.len();
            match (ds.kind, dataset_size(ds)) {
                (Kind::Metadata, _) => {
                    c.2 += catalog.record_of(ds).and_then(|r| r.size).unwrap_or(0);
                    c.3 = true;
                }
                (_, Some(s)) => c.2 += s,
                (_, None) => {}
            }
        }
        for (name, (datasets, files, size, metadata)) in collections {
            let size = if size > 0 { human(size) } else { "-".into() };
            println!(
                "  {name:<34} {datasets:>5} datasets {files:>6} files {size:>12}{}",
                if metadata { "  metadata only" } else { "" }
            );
        }
    }
    Ok(())
}

fn info(catalog: &Catalog, name: &str, json: bool) -> Result<()> {
    let Some(ds) = catalog.get(name) else {
        // A collection: list what is in it.
        let under = catalog.select(name)?;
        let size: u64 = under.iter().filter_map(|d| dataset_size(d)).sum();
        let files: usize = under.iter().map(|d| d.files.len()).sum();
        println!(
            "{name}: {} datasets, {files} files, {}",
            under.len(),
            human(size)
        );
        let mut records: Vec<_> = under.iter().filter_map(|d| catalog.record_of(d)).collect();
        records.sort_by_key(|r| r.recid);
        records.dedup_by_key(|r| r.recid);
        for r in records {
            println!("  record {} doi:{} {}", r.recid, r.doi, r.title);
        }
        println!("(`hepkey data list {name}` lists the datasets)");
        return Ok(());
    };
    if json {
        println!("{}", serde_json::to_string_pretty(ds)?);
        return Ok(());
    }
    println!("name:     {}", ds.name);
    println!("kind:     {}", ds.kind.as_str());
    if let Some(title) = &ds.title {
        println!("title:    {title}");
    }
    if let Some(doi) = &ds.doi {
        println!("doi:      {doi}");
    }
    if let Some(r) = catalog.record_of(ds) {
        println!(
            "record:   {} (https://opendata.cern.ch/record/{})",
            r.recid, r.recid
        );
        println!("doi:      {}", r.doi);
        println!("title:    {}", r.title);
        if let Some(size) = r.size {
            println!(
                "record size: {} in {} files",
                human(size),
                r.number_files.unwrap_or(0)
            );
        }
        println!("source:   {}", r.source);
    }
    if let Some(tree) = &ds.tree {
        println!("tree:     {tree}");
    }
    if let Some(dsid) = ds.dsid {
        println!("dsid:     {dsid}");
    }
    if let Some(events) = ds.events {
        println!("events:   {events}");
    }
    if let Some(p) = &ds.physics {
        println!("cross-section: {} pb", p.xsec_pb);
        for (label, v) in [
            ("k-factor", p.kfactor),
            ("filter efficiency", p.filter_eff),
            ("sum of weights", p.sum_weights),
            ("sum of squared weights", p.sum_weights_sq),
        ] {
            if let Some(v) = v {
                println!("{label}: {v}");
            }
        }
        if let Some(n) = p.events {
            println!("generated events: {n}");
        }
        if let Some(note) = &p.note {
            println!("note:     {note}");
        }
        println!("physics source: {}", p.source);
    }
    if let Some(s) = &ds.source {
        println!("source:   {s}");
    }
    if ds.kind == Kind::Metadata {
        println!("files:    not listed (metadata only: too large to download with hepkey; see the record)");
        return Ok(());
    }
    let cache = cache::cache_dir();
    println!("files:    {}", ds.files.len());
    for f in ds.files.iter().take(20) {
        let cached = cache
            .join(cache::relative_path(Layout::ByDataset, ds, f))
            .is_file();
        println!(
            "  {}  {}  adler32:{}{}",
            f.url,
            f.size.map_or("size unknown".into(), human),
            f.adler32.as_deref().unwrap_or("none"),
            if cached { "  (cached)" } else { "" }
        );
        if let Some(root) = f.root_url() {
            println!("    {root}");
        }
    }
    if ds.files.len() > 20 {
        println!("  … {} more (`--json` lists all)", ds.files.len() - 20);
    }
    Ok(())
}

fn get(
    catalog: &Catalog,
    names: &[String],
    files: Option<&str>,
    output: Option<PathBuf>,
    options: &Options,
) -> Result<()> {
    let mut datasets = Vec::new();
    for name in names {
        for ds in catalog.select(name)? {
            if !datasets.iter().any(|d: &&Dataset| d.name == ds.name) {
                datasets.push(ds);
            }
        }
    }
    let (dir, layout) = match output {
        Some(dir) => (dir, Layout::Flat),
        None => (cache::cache_dir(), Layout::ByDataset),
    };
    let jobs = download::plan(&datasets, &dir, layout, files)?;
    if jobs.is_empty() {
        bail!(
            "no file of {} matches --files {:?}",
            names.join(", "),
            files.unwrap_or("")
        );
    }
    let unchecked = jobs.iter().filter(|j| j.file.adler32.is_none()).count();
    let total: u64 = jobs.iter().filter_map(|j| j.file.size).sum();
    eprintln!(
        "{} files ({}) into {}",
        jobs.len(),
        human(total),
        dir.display()
    );
    let summary = download::run(jobs, options);
    eprintln!(
        "{} downloaded ({}), {} already present{}",
        summary.downloaded,
        human(summary.bytes),
        summary.present,
        if unchecked > 0 {
            format!(
                "; {unchecked} without a catalog checksum (size and HTTP only; their adler32 is in the manifest)"
            )
        } else {
            String::new()
        }
    );
    if !summary.failed.is_empty() {
        for (job, message) in &summary.failed {
            eprintln!(
                "failed: {} ({}): {message}",
                job.file.file_name(),
                job.dataset
            );
        }
        bail!(
            "{} of {} files failed; nothing partial was put in place (run the command again to resume)",
            summary.failed.len(),
            summary.failed.len() + summary.downloaded + summary.present
        );
    }
    Ok(())
}

fn verify_cmd(dir: Option<PathBuf>) -> Result<()> {
    let dir = dir.unwrap_or_else(cache::cache_dir);
    let files = cache::Manifest::read(&dir)?.files.len() as u64;
    let bar = indicatif::ProgressBar::new(files).with_style(
        indicatif::ProgressStyle::with_template("verify [{bar:30}] {pos}/{len} files eta {eta}")
            .expect("template"),
    );
    let report = verify::verify_dir(&dir, |_| bar.inc(1))?;
    bar.finish_and_clear();
    for (entry, problem) in &report.bad {
        println!("BAD  {}: {problem}", entry.path);
    }
    println!(
        "{}: {} files good, {} bad",
        dir.display(),
        report.good.len(),
        report.bad.len()
    );
    if !report.bad.is_empty() {
        bail!(
            "{} files do not match their manifest; `hepkey data get` fetches them again",
            report.bad.len()
        );
    }
    Ok(())
}

fn refresh_cmd(catalog: &Catalog, write: Option<PathBuf>, timeout: Duration) -> Result<()> {
    let base = refresh::portal_base();
    let report = refresh::refresh(catalog, &base, timeout)?;
    for change in &report.changes {
        println!("{change}");
    }
    println!(
        "{} records checked at {base}: {} changes",
        report.checked,
        report.changes.len()
    );
    if let Some(dir) = write {
        std::fs::create_dir_all(&dir)?;
        for group in &report.updated {
            let path = dir.join(format!("{}.json", group.group));
            let text = serde_json::to_string(group)? + "\n";
            hepkey_output::write_atomic(&path, text.as_bytes())?;
        }
        println!(
            "updated catalog written to {} (use it with HEPKEY_CATALOG={})",
            dir.display(),
            dir.display()
        );
    }
    Ok(())
}
