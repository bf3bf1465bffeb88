//! `hepkey key build DIR` and `hepkey key verify DIR`: the offline key for a USB stick.

use anyhow::{bail, Result};
use hepkey_data::cache;
use hepkey_data::download::Options;
use hepkey_data::Catalog;
use hepkey_key::{BuildOptions, Problem};
use std::path::PathBuf;

#[derive(clap::Args)]
#[command(
    after_help = "Examples:\n  hepkey key build usb-key --shared ../shared\n  hepkey key verify usb-key"
)]
pub struct Args {
    #[command(subcommand)]
    pub command: KeyCommand,
}

#[derive(clap::Subcommand)]
pub enum KeyCommand {
    /// Make a self-contained folder: hepkey, its docs as HTML, the examples, chosen datasets, START-HERE.html.
    #[command(
        after_help = "Datasets already in the download cache are copied; the others are downloaded and verified.\n\nExamples:\n  hepkey key build usb-key\n  hepkey key build usb-key --datasets atlas-2020/4lep atlas-2020/GamGam --max-size 16GB"
    )]
    Build {
        /// The folder to create (it must not exist, or be empty).
        dir: PathBuf,
        /// Datasets (names or collections such as atlas-2020/4lep) to put on the key.
        #[arg(long, num_args = 1..)]
        datasets: Vec<String>,
        /// Largest total size of the datasets (16GB, 500MB, 2GiB …).
        #[arg(long, default_value = "16GB")]
        max_size: String,
        /// The program to put on the key (default: this one), e.g. a static musl build.
        #[arg(long)]
        binary: Option<PathBuf>,
        /// Where the test files some examples read are (default ../shared if it exists).
        #[arg(long)]
        shared: Option<PathBuf>,
    },
    /// Recheck every file of a key against its hepkey-key.json.
    #[command(after_help = "Examples:\n  hepkey key verify /media/usb/hepkey")]
    Verify { dir: PathBuf },
}

pub fn run(args: Args) -> Result<()> {
    match args.command {
        KeyCommand::Build {
            dir,
            datasets,
            max_size,
            binary,
            shared,
        } => {
            let max_size =
                hepkey_key::parse_size(&max_size).map_err(|e| anyhow::anyhow!("--max-size {e}"))?;
            let shared = shared.or_else(|| {
                let default = PathBuf::from("../shared");
                default.is_dir().then_some(default)
            });
            let options = BuildOptions {
                dir: dir.clone(),
                datasets,
                max_size,
                binary: match binary {
                    Some(b) => b,
                    None => std::env::current_exe()?,
                },
                shared,
                cache: cache::cache_dir(),
                download: Options::default(),
            };
            let built = hepkey_key::build(&Catalog::load()?, &options)?;
            for note in &built.skipped_examples {
                eprintln!("note: left out {note}");
            }
            println!(
                "{}: {} files, {:.1} MB ({} dataset files, {:.1} MB){}",
                dir.display(),
                built.files,
                built.bytes as f64 / 1e6,
                built.dataset_files,
                built.dataset_bytes as f64 / 1e6,
                if built.stripped {
                    ""
                } else {
                    "; the program keeps its debug information (no `strip` found)"
                }
            );
            println!("open {}", dir.join("START-HERE.html").display());
            Ok(())
        }
        KeyCommand::Verify { dir } => {
            let listing = hepkey_key::Listing::read(&dir)?;
            let bar = indicatif::ProgressBar::new(listing.files.len() as u64);
            let (checked, problems) = hepkey_key::verify(&dir, || bar.inc(1))?;
            bar.finish_and_clear();
            let mut bad = 0;
            for p in &problems {
                match p {
                    Problem::Unlisted(_) => println!("note: {p}"),
                    _ => {
                        bad += 1;
                        println!("BAD  {p}");
                    }
                }
            }
            println!("{}: {checked} files checked, {bad} bad", dir.display());
            if bad > 0 {
                bail!("{bad} files of the key are missing or changed");
            }
            Ok(())
        }
    }
}
