//! `baas-server`: the BaaS API server. `baas-server --help` lists every option.

use std::io::IsTerminal as _;
use std::process::ExitCode;

use baas_server::config::{Config, Options};
use clap::Parser as _;
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> ExitCode {
    let options = Options::parse();
    tracing_subscriber::fmt()
        .with_ansi(std::io::stdout().is_terminal())
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .init();
    let config = match Config::from_options(&options) {
        Ok(config) => config,
        Err(error) => {
            eprintln!("baas-server: {error}");
            return ExitCode::from(2);
        }
    };
    match baas_server::serve(config).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            tracing::error!("baas-server: {error}");
            ExitCode::FAILURE
        }
    }
}
