//! `picket sim`: generate a scenario file (truth and sensor detections) from a named preset,
//! adjusted by a TOML file and command-line overrides.
//!
//! The configuration is built in layers on one TOML tree: the preset, then `--config FILE`,
//! then `--duration`, `--targets`, `--pd`, `--clutter-rate`, `--sigma`, then every
//! `--set key.path=value` in order. The tree is then read once with unknown keys denied, so
//! a misspelt key is an error. `--print-config` shows the result.

use super::io::create_output;
use anyhow::{Context, Result, bail};
use clap::builder::PossibleValuesParser;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use picket_sim::config::toml;
use picket_sim::config::{self, SimConfig};
use picket_sim::{Simulation, presets, write_jsonl};
use std::path::PathBuf;

/// Options of `picket sim`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Named scenario to start from (default site-defense when no --config is given).
    #[arg(long, value_parser = PossibleValuesParser::new(presets::NAMES))]
    pub preset: Option<String>,
    /// TOML file laid over the preset, or a complete configuration when no --preset is given.
    #[arg(long, value_name = "FILE.toml")]
    pub config: Option<PathBuf>,
    /// Random seed: the same configuration and seed give the same bytes.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Scenario length, seconds.
    #[arg(long, value_name = "SECONDS")]
    pub duration: Option<f64>,
    /// Output file (`-` for standard output).
    #[arg(long, default_value = "-")]
    pub out: PathBuf,
    /// Number of targets in the preset's main group.
    #[arg(long)]
    pub targets: Option<usize>,
    /// Detection probability of every sensor that has one.
    #[arg(long)]
    pub pd: Option<f64>,
    /// Clutter per scan of every sensor that has clutter.
    #[arg(long)]
    pub clutter_rate: Option<f64>,
    /// Position noise (metres) of every Cartesian sensor.
    #[arg(long)]
    pub sigma: Option<f64>,
    /// Any parameter, e.g. `--set sensors.radar-1.max_range_m=8000` (repeatable).
    #[arg(long = "set", value_name = "KEY=VALUE")]
    pub set: Vec<String>,
    /// Print the effective configuration as TOML and exit.
    #[arg(long)]
    pub print_config: bool,
    /// No progress bar.
    #[arg(long, short)]
    pub quiet: bool,
}

/// Runs `picket sim`.
pub fn run(args: Args) -> Result<()> {
    let config = build_config(&args)?;
    if args.print_config {
        print!("{}", config.to_toml_string()?);
        return Ok(());
    }
    let mut sim = Simulation::new(config, args.seed)?;
    let out = create_output(&args.out)?;
    let bar = progress_bar(args.quiet);
    let result = write_jsonl(&mut sim, out, |fraction| {
        bar.set_position((fraction * 1000.0) as u64)
    });
    bar.finish_and_clear();
    result.with_context(|| format!("writing {}", args.out.display()))?;
    Ok(())
}

/// A bar on standard error, drawn only when it is a terminal (indicatif hides it otherwise).
fn progress_bar(quiet: bool) -> ProgressBar {
    if quiet {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(Some(1000), ProgressDrawTarget::stderr_with_hz(5));
    if let Ok(style) =
        ProgressStyle::with_template("simulating {bar:40} {percent:>3}% {elapsed} (eta {eta})")
    {
        bar.set_style(style);
    }
    bar
}

/// The configuration from the preset, the file and the overrides, in that order.
fn build_config(args: &Args) -> Result<SimConfig> {
    let mut tree = match (&args.preset, &args.config) {
        (Some(name), _) => presets::preset(name)
            .with_context(|| format!("no preset {name:?}"))?
            .to_toml()?,
        (None, Some(_)) => toml::Value::Table(toml::Table::new()),
        (None, None) => presets::site_defense().to_toml()?,
    };
    if let Some(path) = &args.config {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read {}", path.display()))?;
        let file = config::parse_toml(&text).with_context(|| format!("in {}", path.display()))?;
        config::merge(&mut tree, file);
    }
    if let Some(duration) = args.duration {
        config::set_path(&mut tree, "duration_s", toml::Value::Float(duration))?;
    }
    if let Some(count) = args.targets {
        set_targets(&mut tree, count)?;
    }
    let shortcuts = [
        ("--pd", "pd", args.pd),
        ("--clutter-rate", "clutter_rate", args.clutter_rate),
        ("--sigma", "sigma_m", args.sigma),
    ];
    for (flag, key, value) in shortcuts {
        if let Some(v) = value
            && config::set_everywhere(&mut tree, "sensors", key, &toml::Value::Float(v)) == 0
        {
            bail!("{flag}: no sensor in this configuration has `{key}`");
        }
    }
    for item in &args.set {
        let (key, value) = item
            .split_once('=')
            .with_context(|| format!("--set {item:?}: expected KEY=VALUE"))?;
        config::set_path(&mut tree, key.trim(), config::parse_value(value.trim()))?;
    }
    let origin = args
        .config
        .as_ref()
        .map_or_else(|| "the preset".to_owned(), |p| p.display().to_string());
    SimConfig::from_toml(tree)
        .with_context(|| format!("configuration from {origin} and the command line"))
}

/// `--targets N`: the `count` of the configuration's primary group.
fn set_targets(tree: &mut toml::Value, count: usize) -> Result<()> {
    let group = tree
        .get("primary_group")
        .and_then(|g| g.as_str())
        .map(str::to_owned)
        .context("--targets: the configuration names no primary_group")?;
    let has_count = tree
        .get("groups")
        .and_then(|g| g.get(&group))
        .is_some_and(|g| g.get("count").is_some());
    if !has_count {
        bail!("--targets: group {group:?} has no `count`; use --set groups.{group}.KEY=VALUE");
    }
    let count = i64::try_from(count).context("--targets: too many")?;
    config::set_path(
        tree,
        &format!("groups.{group}.count"),
        toml::Value::Integer(count),
    )?;
    Ok(())
}
