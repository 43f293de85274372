//! `picket decode`: what a capture or raw sensor file holds, one line per record.
//!
//! The format is detected from the content unless `--format` says it. Records go to standard
//! output as a table (index, offset, format, summary) or, with `--json`, one JSON object per
//! line in the format's own shape. Errors go to standard error with their byte offset (and
//! capture frame) and do not stop the walk; a last line on standard error counts records and
//! errors by reason. The exit status is non-zero only when the input cannot be read or
//! nothing in it could be decoded.
//!
//! Standard input with `--format` (other than pcap) is decoded as it arrives, so a live feed
//! (`nc receiver 30005 | picket decode --format beast -`) prints as it goes; without
//! `--format` the whole input is read first so that its format can be detected.

use anyhow::{Context, Result, bail};
use picket_formats::{Decoded, Format, Options, StreamDecoder, decode, detect};
use std::collections::BTreeMap;
use std::io::{ErrorKind, Read, Write};
use std::path::PathBuf;

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
    let name = args.input.display().to_string();
    let stdin = args.input.as_os_str() == "-";
    // A pipe with a known format is decoded as it arrives (a live feed never ends).
    if let (true, Some(format)) = (stdin, args.format.filter(|f| *f != Format::Capture)) {
        let tally = stream(format, &options, args.json)?;
        return conclude(&tally, format, &name);
    }
    let bytes = if stdin {
        let mut bytes = Vec::new();
        std::io::stdin()
            .lock()
            .read_to_end(&mut bytes)
            .context("cannot read standard input")?;
        bytes
    } else {
        std::fs::read(&args.input).with_context(|| format!("cannot read {name}"))?
    };
    if bytes.is_empty() {
        bail!("{name} is empty");
    }
    let Some(format) = args.format.or_else(|| detect(&bytes)) else {
        bail!(
            "cannot tell the format of {name} from its content (not pcap, ASTERIX, Beast, \
             AVR, SAPIENT, Remote ID or JSON detections); give it with --format"
        );
    };
    let mut printer = Printer::new(args.json)?;
    for item in decode(format, &bytes, &options) {
        if !printer.item(item)? {
            break;
        }
    }
    let tally = printer.finish()?;
    conclude(&tally, format, &name)
}

/// The closing line, and failure when nothing decoded.
fn conclude(tally: &Tally, format: Format, name: &str) -> Result<()> {
    eprintln!("{}", tally.line(format));
    if tally.records == 0 {
        bail!("nothing in {name} could be decoded as {format}");
    }
    Ok(())
}

/// Standard input decoded chunk by chunk, each chunk's records printed as soon as it is read.
fn stream(format: Format, options: &Options, json: bool) -> Result<Tally> {
    let mut decoder = StreamDecoder::new(format, options)
        .ok_or_else(|| anyhow::anyhow!("{format} cannot be streamed"))?;
    let mut printer = Printer::new(json)?;
    let mut stdin = std::io::stdin().lock();
    let mut chunk = vec![0u8; 64 * 1024];
    loop {
        let n = match stdin.read(&mut chunk) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == ErrorKind::Interrupted => continue,
            Err(e) => return Err(e).context("cannot read standard input"),
        };
        for item in decoder.push(&chunk[..n]) {
            if !printer.item(item)? {
                return printer.finish();
            }
        }
        if !printer.flush()? {
            return printer.finish();
        }
    }
    for item in decoder.finish() {
        if !printer.item(item)? {
            break;
        }
    }
    printer.finish()
}

/// Writes records to standard output (table or JSON lines) and errors to standard error,
/// counting both; stops quietly when standard output is closed (`| head`).
struct Printer {
    out: std::io::BufWriter<std::io::StdoutLock<'static>>,
    json: bool,
    tally: Tally,
}

impl Printer {
    fn new(json: bool) -> Result<Self> {
        let mut printer = Self {
            out: std::io::BufWriter::new(std::io::stdout().lock()),
            json,
            tally: Tally::default(),
        };
        if !json {
            printer.line(format_args!(
                "{:>7} {:>9} {:<8} summary",
                "#", "offset", "format"
            ))?;
        }
        Ok(printer)
    }

    /// One record or error; `Ok(false)` when the reader has gone away.
    fn item(&mut self, item: Decoded) -> Result<bool> {
        match item {
            Ok(rec) => {
                let written = if self.json {
                    self.line(format_args!("{}", rec.json))?
                } else {
                    let at = match rec.frame {
                        Some(f) => format!("{}@{f}", rec.offset),
                        None => rec.offset.to_string(),
                    };
                    let index = self.tally.records;
                    self.line(format_args!(
                        "{index:>7} {at:>9} {:<8} {}",
                        rec.format, rec.summary
                    ))?
                };
                self.tally.records += 1;
                self.tally.reports += rec.reports.len();
                Ok(written)
            }
            Err(e) => {
                let shown = self.tally.error_count();
                if shown < MAX_ERROR_LINES {
                    eprintln!("{e}");
                } else if shown == MAX_ERROR_LINES {
                    eprintln!("(further errors are counted, not shown)");
                }
                *self.tally.errors.entry(e.reason).or_default() += 1;
                Ok(true)
            }
        }
    }

    /// Writes one line; `Ok(false)` when the reader has gone away.
    fn line(&mut self, line: std::fmt::Arguments<'_>) -> Result<bool> {
        match writeln!(self.out, "{line}") {
            Ok(()) => Ok(true),
            Err(e) if e.kind() == ErrorKind::BrokenPipe => Ok(false),
            Err(e) => Err(e).context("cannot write output"),
        }
    }

    fn flush(&mut self) -> Result<bool> {
        match self.out.flush() {
            Ok(()) => Ok(true),
            Err(e) if e.kind() == ErrorKind::BrokenPipe => Ok(false),
            Err(e) => Err(e).context("cannot write output"),
        }
    }

    fn finish(mut self) -> Result<Tally> {
        self.flush()?;
        Ok(self.tally)
    }
}
