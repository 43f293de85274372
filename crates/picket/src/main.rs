//! `picket`: one binary for a site. Subcommands simulate, track, score, decode and (soon) serve.
//!
//! This crate wires the libraries together; it is the only place `anyhow` and IO live.

mod cmd;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

/// picket: open, real-time counter-drone airspace awareness.
#[derive(Parser)]
#[command(name = "picket", version, about, propagate_version = true)]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub(crate) command: Command,
}

#[derive(Subcommand)]
pub(crate) enum Command {
    /// Run a complete simulated site end to end and show how well picket sees it.
    Demo(cmd::demo::Args),
    /// Generate a scenario (truth + sensor detections) as JSON Lines.
    Sim(cmd::sim::Args),
    /// Track the detections of a scenario file and write a track file.
    Track(cmd::track::Args),
    /// Score a track file (and alerts) against a scenario's truth.
    Eval(cmd::eval::Args),
    /// Benchmark picket's tracker against Stone Soup's on the same scenario files.
    Bench(cmd::bench::Args),
    /// Decode a capture or sensor file (ASTERIX, Mode S, Remote ID, SAPIENT, JSON) and show
    /// what it holds.
    Decode(cmd::decode::Args),
    /// Check the evidence store's hash chains; fails when anything was altered.
    Verify(cmd::verify::Args),
    /// Run sites: listen to their sensors, track, guard, record (`--config SITE.toml`).
    Serve(cmd::serve::Args),
    /// Re-run recorded raw input and check it reproduces the recorded tracks and alerts.
    Replay(cmd::replay::Args),
    /// Write an incident bundle (GeoJSON, KML, CSV, raw frames) for a time window.
    Export(cmd::export::Args),
    /// Create and list API tokens (`picket token create --role viewer --name alice`).
    Token(cmd::token::Args),
}

/// Runs one subcommand (also used by `picket demo` to chain the others in-process).
pub(crate) fn execute(command: Command) -> anyhow::Result<()> {
    match command {
        Command::Demo(args) => cmd::demo::run(args),
        Command::Sim(args) => cmd::sim::run(args),
        Command::Track(args) => cmd::track::run(args),
        Command::Eval(args) => cmd::eval::run(args),
        Command::Bench(args) => cmd::bench::run(args),
        Command::Decode(args) => cmd::decode::run(args),
        Command::Verify(args) => cmd::verify::run(args),
        Command::Export(args) => cmd::export::run(args),
        Command::Token(args) => cmd::token::run(args),
        Command::Serve(args) => cmd::serve::run(args),
        Command::Replay(args) => cmd::replay::run(args),
    }
}

fn main() -> ExitCode {
    match execute(Cli::parse().command) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
