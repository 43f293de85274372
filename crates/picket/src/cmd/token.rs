//! `picket token create --role R --name N [--file TOKENS.toml]`: makes an API token, prints it
//! once, and appends only its SHA-256 to the tokens file (`[[token]] name, role, sha256`, the
//! file a site names in `[auth] tokens_file`). `picket token list` shows names and roles.

use anyhow::{Context, Result, anyhow};
use picket_api::auth::{Role, TokenTable, create_token};
use std::path::PathBuf;

/// Options of `picket token`.
#[derive(clap::Args)]
pub struct Args {
    #[command(subcommand)]
    action: Action,
}

#[derive(clap::Subcommand)]
enum Action {
    /// Create a token and print it (the only time it is shown).
    Create {
        /// viewer, operator, admin or sensor.
        #[arg(long)]
        role: String,
        /// Who or what holds it (shown in the audit log; a sensor token is named after its
        /// sensor).
        #[arg(long)]
        name: String,
        /// The tokens file (created when absent).
        #[arg(long, default_value = "tokens.toml", value_name = "TOKENS.toml")]
        file: PathBuf,
    },
    /// List the tokens of a file (names and roles; the tokens themselves are not stored).
    List {
        /// The tokens file.
        #[arg(long, default_value = "tokens.toml", value_name = "TOKENS.toml")]
        file: PathBuf,
    },
}

/// Runs `picket token`.
pub fn run(args: Args) -> Result<()> {
    match args.action {
        Action::Create { role, name, file } => {
            let role = Role::parse(&role).ok_or_else(|| {
                anyhow!("unknown role {role:?}: viewer, operator, admin or sensor")
            })?;
            let token = create_token(&file, &name, role)?;
            eprintln!(
                "token {name:?} ({}) added to {}; it is shown once, keep it safe:",
                role.as_str(),
                file.display()
            );
            println!("{token}");
            Ok(())
        }
        Action::List { file } => {
            let table = TokenTable::load(&file).with_context(|| format!("{}", file.display()))?;
            for p in table.principals() {
                println!("{}\t{}", p.name, p.role.as_str());
            }
            Ok(())
        }
    }
}
