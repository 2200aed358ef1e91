//! `cargo xtask fuzz [SECONDS]`: each fuzz target in `fuzz/` for SECONDS
//! (60 by default) with cargo-fuzz on the pinned nightly, both installed on
//! first use. Each run starts from the corpus kept in the repository, which
//! then becomes the smallest set of inputs covering what the old corpus and
//! the run's finds covered; a crash fails the command, its input left in
//! `fuzz/artifacts/TARGET/` (turn it into a regression test).

use crate::{sh, web::SIZE_TOOLCHAIN};
use anyhow::Result;
use std::path::Path;
use std::process::Command;

pub const TARGETS: [&str; 4] = ["csv_rows", "nik", "sync_batch", "custody_fold"];

fn cargo_fuzz_installed() -> bool {
    Command::new("cargo").args(["fuzz", "--version"]).output().is_ok_and(|o| o.status.success())
}

/// Runs `only` (every target when empty) for `seconds` each.
pub fn run(root: &Path, seconds: &str, only: &[String]) -> Result<()> {
    if let Some(unknown) = only.iter().find(|t| !TARGETS.contains(&t.as_str())) {
        anyhow::bail!("no fuzz target '{unknown}' (there are: {})", TARGETS.join(", "));
    }
    let toolchain_ready = Command::new("rustup")
        .args(["run", SIZE_TOOLCHAIN, "rustc", "--version"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !toolchain_ready {
        sh(Command::new("rustup").args(["toolchain", "install", SIZE_TOOLCHAIN, "--profile", "minimal"]))?;
    }
    if !cargo_fuzz_installed() {
        sh(Command::new("cargo").args(["install", "cargo-fuzz", "--locked"]))?;
    }
    let dir = root.join("fuzz");
    let toolchain = format!("+{SIZE_TOOLCHAIN}");
    sh(Command::new("cargo").current_dir(&dir).args([toolchain.as_str(), "fuzz", "build"]))?;
    for target in TARGETS.iter().filter(|t| only.is_empty() || only.iter().any(|o| o == *t)) {
        let kept = dir.join("corpus").join(target);
        let work = tempfile_dir(target)?;
        let time = format!("-max_total_time={seconds}");
        sh(Command::new("cargo")
            .current_dir(&dir)
            .args([toolchain.as_str(), "fuzz", "run", target])
            .args([work.as_os_str(), kept.as_os_str()])
            .args(["--", &time, "-timeout=10", "-rss_limit_mb=2048", "-max_len=4096", "-print_final_stats=1"]))?;
        // The repository keeps the smallest set of inputs that reaches all
        // the code the old corpus and this run's finds reached.
        let least = tempfile_dir(&format!("{target}-min"))?;
        sh(Command::new("cargo")
            .current_dir(&dir)
            .args([toolchain.as_str(), "fuzz", "run", target])
            .args([least.as_os_str(), kept.as_os_str(), work.as_os_str()])
            .args(["--", "-merge=1"]))?;
        std::fs::remove_dir_all(&kept)?;
        copy_dir(&least, &kept)?;
        std::fs::remove_dir_all(&least)?;
        std::fs::remove_dir_all(&work)?;
    }
    Ok(())
}

fn tempfile_dir(target: &str) -> Result<std::path::PathBuf> {
    let dir = std::env::temp_dir().join(format!("antar-fuzz-{target}-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}

fn copy_dir(from: &Path, to: &Path) -> Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        std::fs::copy(entry.path(), to.join(entry.file_name()))?;
    }
    Ok(())
}
