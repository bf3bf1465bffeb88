//! `hepkey serve [DIR]`: the page in the browser, and the ROOT files under DIR, read-only.

use anyhow::{Context, Result};
use hepkey_serve::files::SharedDir;
use hepkey_serve::Server;
use std::io::Write;
use std::path::PathBuf;

#[derive(clap::Args)]
#[command(
    after_help = "The page reads ROOT files in the browser (WebAssembly): a file picked or dropped on it, or one of \
the .root files under DIR it lists, and the analysis files (.toml) under DIR as sample sets. Nothing outside DIR is served.\n\n\
Examples:\n  hepkey serve ../shared/data/root --port 0 --exit-after-ready\n  hepkey serve --exit-after-ready --port 0\n  hepkey serve --save-page hepkey.html\n\n\
Then open the printed address, for instance: hepkey serve data/ (and http://127.0.0.1:8321/)."
)]
pub struct Args {
    /// Directory whose ROOT files the page may open (read-only); none when absent.
    pub dir: Option<PathBuf>,
    /// Address to listen on. Anything but 127.0.0.1/localhost lets other machines read DIR.
    #[arg(long, default_value = "127.0.0.1")]
    pub host: String,
    /// Port (0 picks a free one).
    #[arg(long, default_value_t = 8321)]
    pub port: u16,
    /// Bind, print the address and exit (to check that serving works, in scripts).
    #[arg(long)]
    pub exit_after_ready: bool,
    /// Write the page as one HTML file that works opened from disk, without a server (open ROOT
    /// files and folders of sample sets with its buttons), and exit.
    #[arg(long, value_name = "FILE")]
    pub save_page: Option<PathBuf>,
}

pub fn run(args: Args) -> Result<()> {
    if let Some(path) = &args.save_page {
        let html = hepkey_serve::page_as_one_file().map_err(anyhow::Error::msg)?;
        hepkey_output::write_atomic(path, html.as_bytes())
            .with_context(|| format!("writing {}", path.display()))?;
        println!(
            "wrote {} ({:.1} MB): open it in a browser",
            path.display(),
            html.len() as f64 / 1e6
        );
        return Ok(());
    }
    let dir = match &args.dir {
        Some(d) => {
            Some(SharedDir::new(d).with_context(|| format!("cannot serve {}", d.display()))?)
        }
        None => None,
    };
    if !matches!(args.host.as_str(), "127.0.0.1" | "localhost" | "::1") {
        eprintln!(
            "warning: listening on {}: other machines on the network can open the page{}",
            args.host,
            if args.dir.is_some() {
                " and read every file under DIR"
            } else {
                ""
            }
        );
    }
    let addr = if args.host.contains(':') {
        format!("[{}]:{}", args.host, args.port)
    } else {
        format!("{}:{}", args.host, args.port)
    };
    let server =
        Server::bind(&addr, dir.clone()).with_context(|| format!("cannot listen on {addr}"))?;
    let local = server.local_addr()?;
    println!("serving the hepkey page on http://{local}/");
    if let Some(d) = &dir {
        println!("ROOT files under {} (read-only)", d.root().display());
    }
    std::io::stdout().flush()?;
    if args.exit_after_ready {
        return Ok(());
    }
    server.run();
    Ok(())
}
