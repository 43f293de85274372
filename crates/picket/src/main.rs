//! `picket`: one binary for a site. Subcommands simulate, track, score, decode and (soon) serve.
//!
//! This crate wires the libraries together; it is the only place `anyhow` and IO live.

mod cmd;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

/// picket: open, real-time counter-drone airspace awareness.
#[derive(Parser)]
#[command(name = "picket", version, about, propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run a complete simulated site end to end and show how well picket sees it.
    Demo(cmd::demo::Args),
    /// Generate a scenario (truth + sensor detections) as JSON Lines.
    Sim(cmd::sim::Args),
    /// Track the detections of a scenario file and write a track file.
    Track(cmd::track::Args),
    /// Score a track file (and alerts) against a scenario's truth.
    Eval(cmd::eval::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Demo(args) => cmd::demo::run(args),
        Command::Sim(args) => cmd::sim::run(args),
        Command::Track(args) => cmd::track::run(args),
        Command::Eval(args) => cmd::eval::run(args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
