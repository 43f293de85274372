//! Builds the web console (`web/` → `web/dist`, embedded by `assets.rs`) when it is missing or
//! older than its sources and npm is on the PATH, so `cargo run -p picket -- demo` on a fresh
//! clone serves the console. Without npm, or when the build fails, a warning is printed and the
//! binary serves its placeholder page. `PICKET_SKIP_CONSOLE_BUILD=1` skips the step.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::SystemTime;

fn newest(path: &Path) -> Option<SystemTime> {
    let meta = std::fs::metadata(path).ok()?;
    if !meta.is_dir() {
        return meta.modified().ok();
    }
    std::fs::read_dir(path)
        .ok()?
        .filter_map(|e| e.ok())
        .filter_map(|e| newest(&e.path()))
        .max()
}

fn npm(web: &Path, args: &[&str]) -> bool {
    match Command::new("npm").args(args).current_dir(web).status() {
        Ok(s) if s.success() => true,
        Ok(s) => {
            println!(
                "cargo:warning=web console: `npm {}` failed ({s})",
                args.join(" ")
            );
            false
        }
        Err(e) => {
            println!(
                "cargo:warning=web console not built: npm not found ({e}); serving a placeholder"
            );
            false
        }
    }
}

fn main() {
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap_or_default());
    let web = manifest.join("../../web");
    println!("cargo:rerun-if-env-changed=PICKET_SKIP_CONSOLE_BUILD");
    let sources = [
        "src",
        "index.html",
        "package.json",
        "package-lock.json",
        "vite.config.ts",
    ];
    for s in sources {
        println!("cargo:rerun-if-changed={}", web.join(s).display());
    }
    println!(
        "cargo:rerun-if-changed={}",
        web.join("dist/index.html").display()
    );
    if std::env::var_os("PICKET_SKIP_CONSOLE_BUILD").is_some() || !web.join("package.json").exists()
    {
        return;
    }
    let built = newest(&web.join("dist/index.html"));
    let source = sources.iter().filter_map(|s| newest(&web.join(s))).max();
    if built.is_some() && built >= source {
        return;
    }
    if !web.join("node_modules").exists() && !npm(&web, &["ci", "--no-audit", "--no-fund"]) {
        return;
    }
    npm(&web, &["run", "build"]);
}
