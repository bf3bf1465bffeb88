//! `hepkey scan FILE[:TREE] -b a,b`: values entry by entry, like TTree::Scan.

use anyhow::{bail, Result};
use hepkey_root::Events;

#[derive(clap::Args)]
#[command(
    after_help = "Examples:\n  hepkey scan ../shared/data/root/nanoAOD_2015_CMS_Open_Data_ttbar.root:Events -b Jet_pt,MET_pt -n 10\n  hepkey scan ../shared/data/root/uproot-HZZ.root -b NJet,Jet_Px --start 100"
)]
pub struct Args {
    /// FILE or FILE:TREE (the TTree or RNTuple may be omitted when the file has one).
    pub target: String,
    /// Branches to show, separated by commas (default: the first readable ones, as TTree::Scan).
    #[arg(short, long, value_delimiter = ',')]
    pub branches: Vec<String>,
    /// Number of entries to show.
    #[arg(short, default_value_t = 10)]
    pub n: u64,
    /// First entry to show.
    #[arg(long, default_value_t = 0)]
    pub start: u64,
}

pub fn run(args: Args) -> Result<()> {
    let (path, tree_name) = split_target(&args.target);
    let file = hepkey_remote::open(path)?;
    let tree_name = match tree_name {
        Some(t) => t.to_string(),
        None => {
            let trees: Vec<String> = file
                .walk()?
                .into_iter()
                .filter(|e| {
                    matches!(
                        e.key.class_name.as_str(),
                        "TTree" | "TNtuple" | "TNtupleD" | "ROOT::RNTuple"
                    )
                })
                .map(|e| e.path)
                .collect();
            match trees.as_slice() {
                [one] => one.clone(),
                [] => bail!("{path}: the file holds no TTree or RNTuple"),
                many => bail!(
                    "{path}: the file holds several trees ({}); name one as FILE:TREE",
                    many.join(", ")
                ),
            }
        }
    };
    let tree = Events::open(&file, &tree_name)?;
    let entries = tree.entries();
    if args.start >= entries && !(args.start == 0 && entries == 0) {
        bail!(
            "--start {}: tree {tree_name:?} of {path} has {entries} entries (0 to {})",
            args.start,
            entries.saturating_sub(1)
        );
    }
    let start = args.start;
    let stop = start.saturating_add(args.n).min(entries);
    let chosen: Vec<String> = if args.branches.is_empty() {
        first_readable(&tree)
    } else {
        args.branches.iter().map(|s| s.trim().to_string()).collect()
    };
    if chosen.is_empty() {
        bail!("{path}: tree {tree_name:?} has no branch hepkey can read");
    }
    let names: Vec<&str> = chosen.iter().map(|s| s.as_str()).collect();
    let columns = tree.read_many(&names, start..stop)?;
    let mut header = vec!["entry".to_string()];
    header.extend(names.iter().map(|s| s.to_string()));
    let rows: Vec<Vec<String>> = (0..(stop - start) as usize)
        .map(|i| {
            let mut row = vec![(start + i as u64).to_string()];
            row.extend(columns.iter().map(|c| c.display(i)));
            row
        })
        .collect();
    let widths: Vec<usize> = (0..header.len())
        .map(|j| {
            rows.iter()
                .map(|r| r[j].len())
                .chain([header[j].len()])
                .max()
                .unwrap_or(0)
                .min(60)
        })
        .collect();
    let line = |cells: &[String]| {
        cells
            .iter()
            .zip(&widths)
            .map(|(c, w)| format!("{c:>w$}"))
            .collect::<Vec<_>>()
            .join(" | ")
    };
    println!("{}", line(&header));
    println!(
        "{}",
        widths
            .iter()
            .map(|w| "-".repeat(*w))
            .collect::<Vec<_>>()
            .join("-+-")
    );
    for r in &rows {
        println!("{}", line(r));
    }
    println!("({} of {} entries shown)", stop - start, entries);
    if args.branches.is_empty() {
        let all = match &tree {
            Events::Tree(t) => t.branches().len(),
            Events::RNTuple(n) => n.leaf_names().len(),
        };
        if all > names.len() {
            println!(
                "(the first {} of {all} branches; choose others with -b NAME,NAME)",
                names.len()
            );
        }
    }
    Ok(())
}

/// Branches shown when none are named: as `TTree::Scan()`, the first few, here the first
/// ones with a value per entry that hepkey can read.
fn first_readable(events: &Events) -> Vec<String> {
    const SHOWN: usize = 8;
    match events {
        Events::Tree(tree) => tree
            .branches()
            .iter()
            .filter(|b| b.unreadable().is_none())
            .take(SHOWN)
            .map(|b| b.path.clone())
            .collect(),
        // Leaves that are not streamed objects (unreadable as arrays).
        Events::RNTuple(ntuple) => ntuple
            .leaf_names()
            .iter()
            .filter(|l| ntuple.fields()[l.field].role != hepkey_root::rntuple::Role::Streamer)
            .take(SHOWN)
            .map(|l| l.path.clone())
            .collect(),
    }
}

/// Splits `file.root:tree` (a colon after the `.root` suffix).
fn split_target(t: &str) -> (&str, Option<&str>) {
    if let Some(i) = t.rfind(".root:") {
        return (&t[..i + 5], Some(&t[i + 6..]));
    }
    (t, None)
}
