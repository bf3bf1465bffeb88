//! `hepkey inspect FILE`: what a ROOT file holds.

use anyhow::{Context, Result};
use hepkey_root::file::Entry;
use hepkey_root::rntuple::{self, RNTuple};
use hepkey_root::summary::{Summary, UnionValue};
use hepkey_root::{read_histogram, Histogram, RootFile, Tree};
use serde_json::{json, Map, Value};

#[derive(clap::Args)]
#[command(
    after_help = "Examples:\n  hepkey inspect ../shared/data/root/uproot-HZZ.root\n  hepkey inspect ../shared/data/root/nanoAOD_2015_CMS_Open_Data_ttbar.root --json --stats > summary.json\n\nRemote files are read by HTTP range requests, only the bytes needed, kept in a block cache\n($HEPKEY_CACHE/blocks, else ~/.cache/hepkey/blocks; HEPKEY_NO_BLOCK_CACHE=1 turns it off):\n  hepkey inspect https://opendata.cern.ch/eos/opendata/atlas/OutreachDatasets/2020-08-19/4lep/Data/data_A.4lep.root"
)]
pub struct Args {
    /// ROOT file to inspect: a path, an http(s):// URL, or a root://eospublic.cern.ch// name.
    pub file: String,
    /// Print JSON for machines instead of a listing.
    #[arg(long)]
    pub json: bool,
    /// Read every branch and histogram and add summary statistics
    /// (count, sum, min, max, first and last values).
    #[arg(long)]
    pub stats: bool,
}

pub fn run(args: Args) -> Result<()> {
    let file = hepkey_remote::open(&args.file)?;
    let entries = file.walk()?;
    if args.json {
        let out = to_json(&file, &entries, args.stats)?;
        println!("{}", serde_json::to_string_pretty(&out)?);
        // The JSON is complete either way; the exit status says whether every value asked for
        // (--stats) was read, so scripts do not take a partial summary for a full one.
        if args.stats {
            let bad = unreadable_branches(&out);
            if !bad.is_empty() {
                let shown: Vec<&str> = bad.iter().take(10).map(String::as_str).collect();
                anyhow::bail!(
                    "{}: {} branch(es) could not be read: {}{} (the reason is under \"unreadable\" \
                     in the JSON)",
                    args.file,
                    bad.len(),
                    shown.join(", "),
                    if bad.len() > shown.len() { ", …" } else { "" }
                );
            }
        }
    } else {
        print_listing(&file, &entries, args.stats)?;
    }
    Ok(())
}

/// `TREE;CYCLE/BRANCH` of every branch marked unreadable in the JSON document.
fn unreadable_branches(doc: &Value) -> Vec<String> {
    let mut out = Vec::new();
    for (key, obj) in doc["objects"].as_object().into_iter().flatten() {
        let fields = ["branches", "fields"]
            .into_iter()
            .flat_map(|k| obj[k].as_object().into_iter().flatten());
        for (name, b) in fields {
            if b.get("unreadable").is_some() {
                out.push(format!("{key}/{name}"));
            }
        }
    }
    out
}

fn file_name(file: &RootFile) -> String {
    std::path::Path::new(file.name())
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| file.name().to_string())
}

/// The JSON document: the layout of the shared reference files.
pub fn to_json(file: &RootFile, entries: &[Entry], stats: bool) -> Result<Value> {
    let mut objects = Map::new();
    for e in entries {
        let key = format!("{};{}", e.path, e.key.cycle);
        let class = e.key.class_name.as_str();
        let value = match class {
            "TTree" | "TNtuple" | "TNtupleD" => tree_json(file, e, stats)?,
            c if hepkey_root::hist::is_histogram_class(c) => {
                let h = read_histogram(file, &format!("{};{}", e.path, e.key.cycle))?;
                hist_json(&h, stats)
            }
            "ROOT::RNTuple" => rntuple_json(file, e, stats)?,
            "ROOT::Experimental::RNTuple" => json!({
                "class": class,
                "supported": false,
                "note": "pre-release RNTuple format (before 1.0), not readable",
            }),
            _ => json!({ "class": class, "title": e.key.title }),
        };
        objects.insert(key, value);
    }
    Ok(json!({ "file": file_name(file), "objects": objects }))
}

fn tree_json(file: &RootFile, e: &Entry, stats: bool) -> Result<Value> {
    let tree = Tree::open(file, &format!("{};{}", e.path, e.key.cycle))?;
    let mut branches = Map::new();
    for b in tree.branches() {
        let mut o = Map::new();
        o.insert("typename".into(), json!(b.type_name()));
        if !stats {
            o.insert("compressed_bytes".into(), json!(b.compressed_bytes()));
            o.insert("uncompressed_bytes".into(), json!(b.uncompressed_bytes()));
            if b.embedded_baskets() > 0 {
                o.insert("embedded_baskets".into(), json!(b.embedded_baskets()));
            }
        }
        if let Some(why) = b.unreadable() {
            o.insert("unreadable".into(), json!(why));
        } else if stats {
            match tree.read_branch(b, 0..tree.entries()) {
                Ok(a) => summary_json(&Summary::of(&a), &mut o),
                Err(err) => {
                    o.insert("unreadable".into(), json!(err.to_string()));
                }
            }
        }
        branches.insert(b.path.clone(), Value::Object(o));
    }
    Ok(json!({
        "class": e.key.class_name,
        "entries": tree.entries(),
        "branches": branches,
    }))
}

/// An RNTuple in the layout of the uproot references: its leaf fields under
/// dotted names; with stats, read whole by the leaf reader.
fn rntuple_json(file: &RootFile, e: &Entry, stats: bool) -> Result<Value> {
    let ntuple = RNTuple::open(file, &format!("{};{}", e.path, e.key.cycle))?;
    let mut fields = Map::new();
    if stats {
        for leaf in ntuple.leaves()? {
            let mut o = Map::new();
            o.insert("typename".into(), json!(leaf.type_name));
            match rntuple::leaf_array(&leaf) {
                Ok(a) => summary_json(&Summary::of(&a), &mut o),
                Err(err) => {
                    o.insert("unreadable".into(), json!(err.to_string()));
                }
            }
            fields.insert(leaf.path, Value::Object(o));
        }
    } else {
        for leaf in ntuple.leaf_names() {
            let mut o = Map::new();
            o.insert("typename".into(), json!(leaf.type_name));
            o.insert("depth".into(), json!(leaf.depth));
            fields.insert(leaf.path.clone(), Value::Object(o));
        }
    }
    Ok(json!({
        "class": e.key.class_name,
        "entries": ntuple.entries(),
        "fields": fields,
    }))
}

fn summary_json(s: &Summary, o: &mut Map<String, Value>) {
    o.insert("depth".into(), json!(s.depth));
    if let (Some(c10), Some(sum)) = (&s.counts_first10, s.counts_sum) {
        o.insert("counts_first10".into(), json!(c10));
        o.insert("counts_sum".into(), json!(sum));
    }
    if let Some(union) = &s.union {
        // Not in the references (they hold no variants): values in entry order, mixed.
        o.insert("kind".into(), json!("union"));
        o.insert("n".into(), json!(s.n));
        o.insert("sum".into(), json!(s.sum));
        o.insert("min".into(), json!(s.min));
        o.insert("max".into(), json!(s.max));
        o.insert("first5".into(), union_json(&union.first5));
        o.insert("last5".into(), union_json(&union.last5));
        return;
    }
    o.insert(
        "kind".into(),
        json!(if s.strings { "string" } else { "number" }),
    );
    o.insert("n".into(), json!(s.n));
    if s.strings {
        o.insert("first5".into(), json!(s.first5_strings));
    } else {
        o.insert("sum".into(), json!(s.sum));
        o.insert("min".into(), json!(s.min));
        o.insert("max".into(), json!(s.max));
        o.insert("first5".into(), json!(s.first5_numbers));
        o.insert("last5".into(), json!(s.last5_numbers));
    }
}

fn union_json(values: &[UnionValue]) -> Value {
    Value::Array(
        values
            .iter()
            .map(|v| match v {
                UnionValue::Number(x) => json!(x),
                UnionValue::String(t) => json!(t),
            })
            .collect(),
    )
}

fn hist_json(h: &Histogram, stats: bool) -> Value {
    let edges: Vec<&Vec<f64>> = h.axes.iter().map(|a| &a.edges).collect();
    let mut o = json!({
        "class": h.class,
        "title": h.title,
        "entries": h.entries,
    });
    if stats {
        o["values_flow"] = grid(h, &h.values);
        o["errors_flow"] = grid(h, &h.errors);
        o["edges"] = json!(edges);
    } else {
        o["bins"] = json!(h.axes.iter().map(|a| a.bins()).collect::<Vec<_>>());
    }
    o
}

/// Flow-inclusive contents as nested lists indexed [x][y], as uproot gives them.
fn grid(h: &Histogram, cells: &[f64]) -> Value {
    match h.axes.len() {
        2 => {
            let nx = h.axes[0].bins() + 2;
            let ny = h.axes[1].bins() + 2;
            let rows: Vec<Vec<f64>> = (0..nx)
                .map(|ix| (0..ny).map(|iy| cells[ix + nx * iy]).collect())
                .collect();
            json!(rows)
        }
        _ => json!(cells),
    }
}

fn print_listing(file: &RootFile, entries: &[Entry], stats: bool) -> Result<()> {
    let mut unreadable = Vec::new();
    let h = file.header();
    println!(
        "{}  (ROOT file format {}, {} bytes, compression setting {})",
        file.name(),
        h.version,
        h.end,
        h.compress
    );
    for e in entries {
        let depth = e.path.matches('/').count();
        let indent = "  ".repeat(depth + 1);
        let class = e.key.class_name.as_str();
        match class {
            "TTree" | "TNtuple" | "TNtupleD" => {
                let tree = Tree::open(file, &format!("{};{}", e.path, e.key.cycle))
                    .with_context(|| format!("reading tree {}", e.path))?;
                println!(
                    "{indent}{};{}  {class}  {} entries, {} branches  \"{}\"",
                    e.path,
                    e.key.cycle,
                    tree.entries(),
                    tree.branches().len(),
                    e.key.title
                );
                for b in print_branches(&tree, &indent, stats) {
                    unreadable.push(format!("{};{}/{b}", e.path, e.key.cycle));
                }
            }
            c if hepkey_root::hist::is_histogram_class(c) => {
                let hist = read_histogram(file, &format!("{};{}", e.path, e.key.cycle))?;
                let axes: Vec<String> = hist
                    .axes
                    .iter()
                    .map(|a| {
                        format!(
                            "{} bins [{}, {}]",
                            a.bins(),
                            a.edges.first().unwrap_or(&0.0),
                            a.edges.last().unwrap_or(&0.0)
                        )
                    })
                    .collect();
                println!(
                    "{indent}{};{}  {class}  {}  entries {}  \"{}\"",
                    e.path,
                    e.key.cycle,
                    axes.join(" x "),
                    hist.entries,
                    hist.title
                );
            }
            "ROOT::RNTuple" => {
                let ntuple = RNTuple::open(file, &format!("{};{}", e.path, e.key.cycle))
                    .with_context(|| format!("reading RNTuple {}", e.path))?;
                println!(
                    "{indent}{};{}  {class}  {} entries, {} fields, {} clusters  \"{}\"",
                    e.path,
                    e.key.cycle,
                    ntuple.entries(),
                    ntuple.leaf_names().len(),
                    ntuple.clusters.len(),
                    ntuple.description
                );
                for f in print_fields(&ntuple, &indent, stats) {
                    unreadable.push(format!("{};{}/{f}", e.path, e.key.cycle));
                }
            }
            "ROOT::Experimental::RNTuple" => println!(
                "{indent}{};{}  {class}  (pre-release RNTuple format, not readable)",
                e.path, e.key.cycle
            ),
            _ => println!(
                "{indent}{};{}  {class}  \"{}\"",
                e.path, e.key.cycle, e.key.title
            ),
        }
    }
    // As for --json: everything is listed, then the exit status says what was not read.
    if !unreadable.is_empty() {
        let shown: Vec<&str> = unreadable.iter().take(10).map(String::as_str).collect();
        anyhow::bail!(
            "{}: {} branch(es) could not be read: {}{}",
            file.name(),
            unreadable.len(),
            shown.join(", "),
            if unreadable.len() > shown.len() {
                ", …"
            } else {
                ""
            }
        );
    }
    Ok(())
}

/// Longest branch name shown in full: rows stay within about 80 columns.
const NAME_WIDTH: usize = 40;

/// Prints the branch table; returns the branches whose values --stats could not read.
fn print_branches(tree: &Tree, indent: &str, stats: bool) -> Vec<String> {
    let mut unreadable = Vec::new();
    let branches = tree.branches();
    let width = branches
        .iter()
        .map(|b| b.path.chars().count())
        .chain(["branch".len()])
        .max()
        .unwrap_or(0)
        .min(NAME_WIDTH);
    let twidth = branches
        .iter()
        .map(|b| b.type_name().len())
        .chain(["type".len()])
        .max()
        .unwrap_or(0);
    println!(
        "{indent}  {:width$}  {:twidth$}  {:>12}  {:>12}",
        "branch", "type", "compressed", "uncompressed"
    );
    let paths: Vec<&str> = branches.iter().map(|b| b.path.as_str()).collect();
    let names = short_names(&paths, width);
    for (b, name) in branches.iter().zip(&names) {
        let note = match (b.unreadable(), stats) {
            (Some(_), _) => {
                if stats {
                    unreadable.push(b.path.clone());
                }
                "  (not readable)".to_string()
            }
            (None, true) => match tree.read_branch(b, 0..tree.entries()) {
                Ok(a) => short_stats(&Summary::of(&a)),
                Err(err) => {
                    unreadable.push(b.path.clone());
                    format!("  error: {err}")
                }
            },
            _ => String::new(),
        };
        // A share of the tree object's compression, not a measured size.
        let approx = if b.embedded_baskets() > 0 { "~" } else { "" };
        println!(
            "{indent}  {:width$}  {:twidth$}  {:>12}  {:>12}{note}",
            name,
            b.type_name(),
            format!("{approx}{}", b.compressed_bytes()),
            b.uncompressed_bytes()
        );
    }
    if branches.iter().any(|b| b.embedded_baskets() > 0) {
        println!(
            "{indent}  ~ baskets kept inside the tree object (not flushed to the file on their own):\n\
             {indent}    their compressed size is their share of the compressed tree object"
        );
    }
    if branches.iter().any(|b| b.path.chars().count() > width) {
        println!("{indent}  (long names are shortened with …; --json lists them in full)");
    }
    unreadable
}

/// Prints an RNTuple's leaf fields; returns those --stats could not read.
fn print_fields(ntuple: &RNTuple, indent: &str, stats: bool) -> Vec<String> {
    let mut unreadable = Vec::new();
    let names = ntuple.leaf_names();
    let width = names
        .iter()
        .map(|l| l.path.chars().count())
        .chain(["field".len()])
        .max()
        .unwrap_or(0)
        .min(NAME_WIDTH);
    let twidth = names
        .iter()
        .map(|l| l.type_name.len())
        .chain(["type".len()])
        .max()
        .unwrap_or(0);
    println!("{indent}  {:width$}  {:twidth$}", "field", "type");
    let paths: Vec<&str> = names.iter().map(|l| l.path.as_str()).collect();
    let shown = short_names(&paths, width);
    // Stats read every leaf at once (one pass over the pages).
    let leaves = if stats {
        match ntuple.leaves() {
            Ok(l) => Some(l),
            Err(err) => {
                println!("{indent}  error: {err}");
                unreadable.push("*".to_string());
                None
            }
        }
    } else {
        None
    };
    for (l, name) in names.iter().zip(&shown) {
        let note = match leaves
            .as_ref()
            .and_then(|all| all.iter().find(|x| x.path == l.path))
        {
            Some(leaf) => match rntuple::leaf_array(leaf) {
                Ok(a) => short_stats(&Summary::of(&a)),
                Err(err) => {
                    unreadable.push(l.path.clone());
                    format!("  error: {err}")
                }
            },
            None => String::new(),
        };
        println!("{indent}  {:width$}  {:twidth$}{note}", name, l.type_name);
    }
    unreadable
}

/// `name` in at most `width` characters: its first characters and its last
/// `tail` ones around an ellipsis.
fn shorten(name: &str, width: usize, tail: usize) -> String {
    let n = name.chars().count();
    if n <= width || width < 5 {
        return name.to_string();
    }
    let head = width - 1 - tail;
    let start: String = name.chars().take(head).collect();
    let end: String = name.chars().skip(n - tail).collect();
    format!("{start}…{end}")
}

/// Names as listed: long ones shortened to their start and end (trigger paths
/// differ in their tails), with another split where two would read the same,
/// else in full.
fn short_names(names: &[&str], width: usize) -> Vec<String> {
    let mut out: Vec<String> = names.iter().map(|n| shorten(n, width, width / 3)).collect();
    let mut by_form: std::collections::HashMap<&str, Vec<usize>> = Default::default();
    for (i, s) in out.iter().enumerate() {
        by_form.entry(s.as_str()).or_default().push(i);
    }
    let clashes: Vec<Vec<usize>> = by_form.into_values().filter(|v| v.len() > 1).collect();
    for group in clashes {
        let taken: std::collections::HashSet<&String> = out
            .iter()
            .enumerate()
            .filter(|(i, _)| !group.contains(i))
            .map(|(_, s)| s)
            .collect();
        let split = (1..width.saturating_sub(2)).find_map(|tail| {
            let forms: Vec<String> = group
                .iter()
                .map(|&i| shorten(names[i], width, tail))
                .collect();
            let unique: std::collections::HashSet<&String> = forms.iter().collect();
            (unique.len() == forms.len() && forms.iter().all(|f| !taken.contains(f)))
                .then_some(forms)
        });
        let forms = split.unwrap_or_else(|| group.iter().map(|&i| names[i].to_string()).collect());
        for (&i, f) in group.iter().zip(forms) {
            out[i] = f;
        }
    }
    out
}

fn short_stats(s: &Summary) -> String {
    if let Some(union) = &s.union {
        let first = union.first5.first().map(|v| match v {
            UnionValue::Number(x) => x.to_string(),
            UnionValue::String(t) => format!("{t:?}"),
        });
        format!("  n={} first={}", s.n, first.unwrap_or_else(|| "-".into()))
    } else if s.strings {
        format!("  n={} first={:?}", s.n, s.first5_strings.first())
    } else {
        format!(
            "  n={} mean={:.6} min={} max={}",
            s.n,
            if s.n > 0 { s.sum / s.n as f64 } else { 0.0 },
            s.min.map_or("-".into(), |v| v.to_string()),
            s.max.map_or("-".into(), |v| v.to_string())
        )
    }
}
