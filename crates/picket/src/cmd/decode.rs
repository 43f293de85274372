//! `picket decode`: what a capture or raw sensor file holds, one line per record.
//!
//! The format is detected from the content unless `--format` says it. Records go to standard
//! output as a table (index, offset, format, summary) or, with `--json`, one JSON object per
//! line in the format's own shape. Errors go to standard error with their byte offset (and
//! capture frame) and do not stop the walk; a last line on standard error counts records and
//! errors by reason. The exit status is non-zero only when the input cannot be read or
//! nothing in it could be decoded.

use anyhow::{Context, Result, bail};
use picket_formats::{Decoded, Format, Options, decode, detect};
use std::collections::BTreeMap;
use std::io::{ErrorKind, Read, Write};
use std::path::{Path, PathBuf};

/// Error lines printed before only counting them.
const MAX_ERROR_LINES: usize = 1000;

/// Options of `picket decode`.
#[derive(clap::Args)]
pub struct Args {
    /// The file to decode (`-` for standard input).
    #[arg(value_name = "FILE")]
    input: PathBuf,
    /// Input format: asterix, beast, avr (or hex), remoteid, sapient, jsondet (or json), pcap
    /// (or pcapng). Default: detected from the content.
    #[arg(long, short = 'f', value_name = "FORMAT")]
    format: Option<Format>,
    /// One JSON object per record instead of the table.
    #[arg(long)]
    json: bool,
    /// Receiver latitude, degrees, for local CPR decoding of Mode S positions.
    #[arg(
        long,
        requires = "ref_lon",
        allow_hyphen_values = true,
        value_name = "DEG"
    )]
    ref_lat: Option<f64>,
    /// Receiver longitude, degrees.
    #[arg(
        long,
        requires = "ref_lat",
        allow_hyphen_values = true,
        value_name = "DEG"
    )]
    ref_lon: Option<f64>,
    /// ASTERIX edition for a category, e.g. `--edition 048=1.15` (repeatable; default: the
    /// newest built in).
    #[arg(long = "edition", value_name = "CAT=ED")]
    editions: Vec<String>,
}

/// What was seen, for the closing line.
#[derive(Default)]
struct Tally {
    records: usize,
    reports: usize,
    errors: BTreeMap<&'static str, usize>,
}

impl Tally {
    fn error_count(&self) -> usize {
        self.errors.values().sum()
    }

    fn line(&self, format: Format) -> String {
        let mut s = format!(
            "{} records decoded ({format}), {} reports, {} errors",
            self.records,
            self.reports,
            self.error_count()
        );
        if !self.errors.is_empty() {
            let by: Vec<String> = self
                .errors
                .iter()
                .map(|(r, n)| format!("{r} {n}"))
                .collect();
            s.push_str(&format!(" ({})", by.join(", ")));
        }
        s
    }
}

fn read_input(path: &Path) -> Result<Vec<u8>> {
    let mut bytes = Vec::new();
    if path.as_os_str() == "-" {
        std::io::stdin()
            .lock()
            .read_to_end(&mut bytes)
            .context("cannot read standard input")?;
    } else {
        bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    }
    Ok(bytes)
}

fn options(args: &Args) -> Result<Options> {
    let mut options = Options::default();
    if let (Some(lat), Some(lon)) = (args.ref_lat, args.ref_lon) {
        if !(-90.0..=90.0).contains(&lat) || !(-180.0..=180.0).contains(&lon) {
            bail!("--ref-lat/--ref-lon {lat}, {lon} is not a position");
        }
        options.reference = Some((lat, lon));
    }
    for e in &args.editions {
        options
            .set_edition(e)
            .map_err(|m| anyhow::anyhow!("--edition {e}: {m}"))?;
    }
    Ok(options)
}

/// Runs `picket decode`.
pub fn run(args: Args) -> Result<()> {
    let options = options(&args)?;
    let bytes = read_input(&args.input)?;
    let name = args.input.display().to_string();
    if bytes.is_empty() {
        bail!("{name} is empty");
    }
    let Some(format) = args.format.or_else(|| detect(&bytes)) else {
        bail!(
            "cannot tell the format of {name} from its content (not pcap, ASTERIX, Beast, \
             AVR, SAPIENT, Remote ID or JSON detections); give it with --format"
        );
    };
    let tally = print_records(decode(format, &bytes, &options), args.json)?;
    eprintln!("{}", tally.line(format));
    if tally.records == 0 {
        bail!("nothing in {name} could be decoded as {format}");
    }
    Ok(())
}

/// Prints every record and error; stops quietly when standard output is closed (`| head`).
fn print_records(records: impl Iterator<Item = Decoded>, json: bool) -> Result<Tally> {
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let mut tally = Tally::default();
    if !json {
        writeln_or_stop(
            &mut out,
            format_args!("{:>7} {:>9} {:<8} summary", "#", "offset", "format"),
        )?;
    }
    for item in records {
        match item {
            Ok(rec) => {
                let written = if json {
                    writeln_or_stop(&mut out, format_args!("{}", rec.json))?
                } else {
                    let at = match rec.frame {
                        Some(f) => format!("{}@{f}", rec.offset),
                        None => rec.offset.to_string(),
                    };
                    writeln_or_stop(
                        &mut out,
                        format_args!(
                            "{:>7} {at:>9} {:<8} {}",
                            tally.records, rec.format, rec.summary
                        ),
                    )?
                };
                if !written {
                    break;
                }
                tally.records += 1;
                tally.reports += rec.reports.len();
            }
            Err(e) => {
                if tally.error_count() < MAX_ERROR_LINES {
                    eprintln!("{e}");
                } else if tally.error_count() == MAX_ERROR_LINES {
                    eprintln!("(further errors are counted, not shown)");
                }
                *tally.errors.entry(e.reason).or_default() += 1;
            }
        }
    }
    match out.flush() {
        Err(e) if e.kind() != ErrorKind::BrokenPipe => Err(e).context("cannot write output"),
        _ => Ok(tally),
    }
}

/// Writes one line; `Ok(false)` when the reader has gone away.
fn writeln_or_stop(out: &mut impl Write, line: std::fmt::Arguments<'_>) -> Result<bool> {
    match writeln!(out, "{line}") {
        Ok(()) => Ok(true),
        Err(e) if e.kind() == ErrorKind::BrokenPipe => Ok(false),
        Err(e) => Err(e).context("cannot write output"),
    }
}
