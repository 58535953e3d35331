//! `storyfold serve`: the HTTP API and web page over a story index (crate
//! `storyfold-server`). This module only maps the flags to the server's settings, opens the
//! index (creating it when missing, as `add` does) and runs the server until SIGTERM or
//! ctrl-c.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{bail, Context, Result};

use crate::cmd::add::{open, DbArgs};

/// Arguments of `storyfold serve`.
#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    pub db: DbArgs,
    /// Address and port to listen on; a non-loopback address needs --token-file.
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,
    /// A file holding the bearer token that writes (POST, DELETE) must present.
    #[arg(long, value_name = "FILE")]
    pub token_file: Option<PathBuf>,
    /// Allow cross-origin requests from this origin (`*` for any); off by default.
    #[arg(long, value_name = "ORIGIN")]
    pub cors: Option<String>,
    /// Largest request body in bytes (413 above).
    #[arg(long, default_value_t = 32 * 1024 * 1024)]
    pub body_limit: usize,
    /// Largest article in bytes (one JSON object; as `add --max-bytes`).
    #[arg(long, default_value_t = 10_000_000)]
    pub max_bytes: usize,
    /// Time limit of one request in seconds (408 after).
    #[arg(long, default_value_t = 30)]
    pub timeout: u64,
}

/// Run `storyfold serve`.
pub fn run(args: Args) -> Result<()> {
    let token = match &args.token_file {
        None => None,
        Some(f) => {
            let t = std::fs::read_to_string(f)
                .with_context(|| format!("cannot read the token file {}", f.display()))?;
            let t = t.trim().to_string();
            if t.is_empty() {
                bail!("the token file {} is empty", f.display());
            }
            Some(t)
        }
    };
    let config = storyfold_server::Config {
        listen: args.listen,
        token,
        cors: args.cors.clone(),
        body_limit: args.body_limit,
        max_article_bytes: args.max_bytes,
        timeout: Duration::from_secs(args.timeout),
    };
    // Refuse a bad configuration before creating the index file.
    config.validate().map_err(anyhow::Error::msg)?;
    // One line per request on stderr, at `info` unless RUST_LOG says otherwise.
    storyfold_server::logging::init().map_err(anyhow::Error::msg)?;
    let index = Arc::new(open(&args.db.db, None, true)?);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let (tx, rx) = tokio::sync::oneshot::channel();
    runtime.block_on(async move {
        let server = tokio::spawn(storyfold_server::run(index, config, Some(tx)));
        if let Ok(addr) = rx.await {
            note!(
                "storyfold: serving {} on http://{addr}/ (ctrl-c or SIGTERM stops)",
                args.db.db.display()
            );
        }
        server
            .await
            .context("the server stopped abnormally")?
            .with_context(|| format!("cannot serve on {}", args.listen))
    })?;
    note!("storyfold: stopped; every acknowledged write is committed");
    Ok(())
}
