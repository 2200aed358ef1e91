//! Build orchestration: `cargo xtask <command>`.
//!
//! - `run [ARGS…]`: build the web app, then run Antar (release) on SQLite
//!   with demo data; extra arguments go to `antar`.
//! - `test`: build the web app, run every Rust test, then the browser tests.
//! - `build-web [--dev]`: build the web app into `webapp/dist`.
//! - `bench-plan`: the planner beside OR-Tools (BENCHMARKS.md).
//! - `schemathesis [EXAMPLES]`: Schemathesis against the OpenAPI document,
//!   as admin, staff and courier (part of `test`).
//! - `fuzz [SECONDS] [TARGET…]`: each fuzz target (`fuzz/`), or those
//!   named, for SECONDS with cargo-fuzz on the pinned nightly.
//! - `chaos [CYCLES]`: the chaos test's long run (200 faults per backend by
//!   default) on the release binary; `test` runs its short one.
//!
//! Missing tools (the wasm target, the wasm-bindgen CLI matching Cargo.lock,
//! wasm-opt, the browser-test packages) are installed on first use.

mod fuzz;
mod web;

use anyhow::{bail, Context, Result};
use std::path::{Path, PathBuf};
use std::process::Command;

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let root = root()?;
    match args.first().map(String::as_str) {
        Some("run") => run(&root, &args[1..]),
        Some("test") => test(&root),
        Some("build-web") => web::build(&root, !args.iter().any(|a| a == "--dev")),
        Some("bench") => bench(&root, &args[1..]),
        Some("bench-web") => bench_web(&root),
        Some("bench-plan") => bench_plan(&root, &args[1..]),
        Some("fuzz") => fuzz::run(&root, args.get(1).map_or("60", String::as_str), args.get(2..).unwrap_or_default()),
        Some("chaos") => chaos(&root, args.get(1).map_or("200", String::as_str)),
        Some("schemathesis") => {
            sh(cargo().current_dir(&root).args(["build", "--package", "antar-server", "--bin", "antar"]))?;
            schemathesis(&root, args.get(1).map_or("20", String::as_str))
        }
        _ => {
            eprintln!("usage: cargo xtask run [ARGS…] | test | build-web [--dev] | bench | bench-web | bench-plan [A|B|X] | schemathesis [EXAMPLES] | chaos [CYCLES] | fuzz [SECONDS] [TARGET…]");
            std::process::exit(2);
        }
    }
}

fn root() -> Result<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    Ok(dir.parent().context("xtask has no parent directory")?.to_path_buf())
}

/// Where installed tools are kept between runs (wasm-opt, virtualenvs).
pub fn tools_dir() -> PathBuf {
    PathBuf::from(std::env::var("HOME").unwrap_or_else(|_| "/tmp".into())).join(".cache/antar-tools")
}

/// A virtualenv of its own under the tools directory, with `module`
/// importable (installed by `pip install PACKAGES` when it is not); returns
/// its interpreter.
fn python_env(name: &str, module: &str, packages: &[&str]) -> Result<PathBuf> {
    let venv = tools_dir().join(name);
    let python = venv.join("bin/python");
    if !python.exists() {
        sh(Command::new("python3").args(["-m", "venv"]).arg(&venv))?;
    }
    if !Command::new(&python).args(["-c", &format!("import {module}")]).status().is_ok_and(|s| s.success()) {
        sh(Command::new(&python).args(["-m", "pip", "install", "--quiet"]).args(packages))?;
    }
    Ok(python)
}

/// Runs a command, failing with its name when it fails.
pub fn sh(cmd: &mut Command) -> Result<()> {
    let shown = format!("{cmd:?}");
    eprintln!("xtask: {shown}");
    let status = cmd.status().with_context(|| format!("starting {shown}"))?;
    if !status.success() {
        bail!("{shown} failed: {status}");
    }
    Ok(())
}

fn cargo() -> Command {
    Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
}

fn run(root: &Path, extra: &[String]) -> Result<()> {
    web::build(root, true)?;
    let mut cmd = cargo();
    cmd.current_dir(root).args(["run", "--release", "--package", "antar-server", "--bin", "antar", "--"]);
    if extra.is_empty() {
        cmd.args(["serve", "--demo"]);
    } else {
        cmd.args(extra);
    }
    sh(&mut cmd)
}

fn test(root: &Path) -> Result<()> {
    web::build(root, true)?;
    sh(cargo().current_dir(root).args(["test", "--workspace"]))?;
    schemathesis(root, "20")?;
    browser_tests(root)
}

/// Schemathesis (pinned in `tests/schemathesis/requirements.txt`, in a
/// virtualenv of its own) against the debug binary `cargo test` built.
fn schemathesis(root: &Path, examples: &str) -> Result<()> {
    let dir = root.join("tests/schemathesis");
    let pinned = std::fs::read_to_string(dir.join("requirements.txt"))?;
    let version = pinned.trim().rsplit("==").next().unwrap_or("latest").to_owned();
    let requirements = dir.join("requirements.txt");
    let python =
        python_env(&format!("schemathesis-{version}"), "schemathesis", &["-r", &requirements.to_string_lossy()])?;
    let bin = root.join("target/debug/antar");
    if !bin.exists() {
        sh(cargo().current_dir(root).args(["build", "--package", "antar-server", "--bin", "antar"]))?;
    }
    sh(Command::new(python).arg(dir.join("run.py")).arg(bin).arg(examples))
}

fn browser_tests(root: &Path) -> Result<()> {
    let dir = root.join("tests/browser");
    npm_ci(&dir)?;
    // `cargo test --workspace` built the binary (its start-up tests run it);
    // building it alone would resolve features anew and rebuild everything.
    let bin = root.join("target/debug/antar");
    if !bin.exists() {
        sh(cargo().current_dir(root).args(["build", "--workspace", "--bins"]))?;
    }
    sh(Command::new("node").current_dir(&dir).env("ANTAR_BIN", bin).args(["--test", "--test-concurrency=1"]))
}

/// Builds the release server and runs the benchmark against it; the figures
/// go into BENCHMARKS.md by hand, with the machine they came from.
fn bench(root: &Path, _args: &[String]) -> Result<()> {
    sh(cargo().current_dir(root).args(["build", "--release", "--package", "antar-server", "--bin", "antar"]))?;
    sh(cargo().current_dir(root).env("ANTAR_BIN", root.join("target/release/antar")).args([
        "run",
        "--release",
        "--package",
        "antar-tests",
        "--bin",
        "antar-bench",
    ]))
}

/// The chaos test (`tests/chaos`) with `cycles` faults per backend, on the
/// release binary, PostgreSQL required; its summary lines go to BENCHMARKS.md.
fn chaos(root: &Path, cycles: &str) -> Result<()> {
    sh(cargo().current_dir(root).args(["build", "--release", "--package", "antar-server", "--bin", "antar"]))?;
    sh(cargo()
        .current_dir(root)
        .env("ANTAR_BIN", root.join("target/release/antar"))
        .env("ANTAR_CHAOS_CYCLES", cycles)
        .env("ANTAR_REQUIRE_PG", "1")
        .args(["test", "--release", "--package", "antar-tests", "--test", "chaos", "--", "--nocapture"]))
}

/// The planner on the CVRPLIB instances beside PyVRP and OR-Tools (both
/// from PyPI, in a virtualenv of their own); extra arguments (`A`, `B`,
/// `X`) pick one set.
fn bench_plan(root: &Path, extra: &[String]) -> Result<()> {
    let python = python_env("plan-bench", "pyvrp, ortools", &["pyvrp==0.14.1", "ortools==9.15.6755"])?;
    sh(cargo()
        .current_dir(root)
        .env("PLAN_BENCH_PYTHON", python)
        .args(["run", "--release", "--package", "antar-tests", "--bin", "antar-plan-bench", "--"])
        .args(extra))
}

/// The web app on the wire: sizes, load times on slow 4G with a slower CPU,
/// and Lighthouse, against the release binary with the release app in it.
fn bench_web(root: &Path) -> Result<()> {
    web::build(root, true)?;
    sh(cargo().current_dir(root).args(["build", "--release", "--package", "antar-server", "--bin", "antar"]))?;
    for dir in ["tests/browser", "tests/webbench"] {
        npm_ci(&root.join(dir))?;
    }
    sh(Command::new("node")
        .current_dir(root.join("tests/webbench"))
        .env("ANTAR_BIN", root.join("target/release/antar"))
        .arg("load.mjs"))
}

/// Installs a test directory's node packages from its lockfile, once.
fn npm_ci(dir: &Path) -> Result<()> {
    if dir.join("node_modules/playwright-core").exists() {
        return Ok(());
    }
    sh(Command::new("npm").current_dir(dir).args(["ci", "--no-audit", "--no-fund"]))
}
