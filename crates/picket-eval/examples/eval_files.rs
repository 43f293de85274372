//! Scores a track file against a scenario file and prints the figures as JSON, with the time
//! spent reading and scoring: `cargo run --release -p picket-eval --example eval_files --
//! scenario.jsonl tracks.jsonl`. (`picket eval` is the user-facing command; this example
//! measures the library alone.)

use picket_eval::{Params, evaluate};
use picket_scenario::Scenario;
use std::time::Instant;

fn fail(message: impl std::fmt::Display) -> ! {
    eprintln!("error: {message}");
    std::process::exit(1)
}

fn read(path: &str) -> Scenario {
    let file = std::fs::File::open(path).unwrap_or_else(|e| fail(format!("{path}: {e}")));
    Scenario::read(std::io::BufReader::new(file), path).unwrap_or_else(|e| fail(e))
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [scenario, tracks] = args.as_slice() else {
        eprintln!("usage: eval_files SCENARIO TRACKS");
        std::process::exit(2);
    };
    let start = Instant::now();
    let (scenario, tracks) = (read(scenario), read(tracks));
    let read_s = start.elapsed().as_secs_f64();
    let start = Instant::now();
    let evaluation = evaluate(&scenario, &tracks, &Params::default()).unwrap_or_else(|e| fail(e));
    let score_s = start.elapsed().as_secs_f64();
    println!("{}", serde_json::to_string(&evaluation).unwrap_or_default());
    eprintln!("read {read_s:.3} s, score {score_s:.3} s");
}
