use anyhow::Result;

#[derive(clap::Args)]
pub struct Args {
    /// ROOT file
    pub file: String,
}

pub fn run(_args: Args) -> Result<()> {
    anyhow::bail!("not implemented yet")
}
