//! The web apps' build: cargo (wasm32) → wasm-bindgen → wasm-opt →
//! `webapp/dist` (the courier's phone app) and `webapp/dist/console` (the
//! office console), with the phone's service worker, whose precache list
//! and version come from the files it builds.

use crate::sh;
use anyhow::{bail, Context, Result};
use std::path::{Path, PathBuf};
use std::process::Command;

const TARGET: &str = "wasm32-unknown-unknown";
const BINARYEN: &str = "binaryen@132.0.0";

/// The release apps are built with a pinned nightly that rebuilds the
/// standard library for size: a panic aborts at once (no message, no
/// formatting machinery), panic locations and `Debug` output are left out.
/// The apps never format with `{:?}` and treat a panic as a bug either way.
/// This takes 18 KB (brotli) off the phone's download; see BENCHMARKS.md.
/// Where the toolchain cannot be installed the build falls back to stable.
pub const SIZE_TOOLCHAIN: &str = "nightly-2026-10-30";
const SIZE_RUSTFLAGS: &str = "-Zunstable-options -Cpanic=immediate-abort -Zlocation-detail=none -Zfmt-debug=none";

/// One of the two apps: what cargo builds and where its files go.
struct App {
    package: &'static str,
    /// The wasm file cargo writes (the crate's name).
    crate_name: &'static str,
    /// The files' name prefix (`antar-1a2b3c4d.wasm`).
    stem: &'static str,
    /// Under `webapp/static` and `webapp/dist`, and in the URL.
    dir: &'static str,
    css: &'static str,
}

/// The courier's phone app at `/`, and the office console at `/console/`.
const APPS: [App; 2] = [
    App { package: "antar-courier", crate_name: "antar_courier", stem: "antar", dir: "", css: "app.css" },
    App { package: "antar-console", crate_name: "antar_console", stem: "console", dir: "console", css: "console.css" },
];

pub fn build(root: &Path, release: bool) -> Result<()> {
    ensure_target()?;
    let bindgen = ensure_wasm_bindgen(root)?;
    let profile = if release { "release-wasm" } else { "dev" };
    let mut cargo = match release.then(size_toolchain).flatten() {
        Some(toolchain) => {
            let mut cargo = Command::new("rustup");
            cargo
                .args(["run", toolchain, "cargo"])
                .env_remove("RUSTC")
                .env_remove("RUSTDOC")
                .env(format!("CARGO_TARGET_{}_RUSTFLAGS", TARGET.to_uppercase().replace('-', "_")), SIZE_RUSTFLAGS)
                .arg("-Zbuild-std=std,panic_abort");
            cargo
        }
        None => crate::cargo(),
    };
    cargo.current_dir(root).args(["build", "--lib", "--target", TARGET, "--profile", profile]);
    for app in &APPS {
        cargo.args(["--package", app.package]);
    }
    sh(&mut cargo)?;
    let dist = root.join("webapp/dist");
    if dist.exists() {
        std::fs::remove_dir_all(&dist)?;
    }
    for app in &APPS {
        build_app(root, &bindgen, app, release)?;
    }
    Ok(())
}

fn build_app(root: &Path, bindgen: &Path, app: &App, release: bool) -> Result<()> {
    let out_profile = if release { "release-wasm" } else { "debug" };
    let wasm = root.join("target").join(TARGET).join(out_profile).join(format!("{}.wasm", app.crate_name));
    let dist = root.join("webapp/dist").join(app.dir);
    std::fs::create_dir_all(&dist)?;
    let url = |name: &str| if app.dir.is_empty() { format!("/{name}") } else { format!("/{}/{name}", app.dir) };
    let staging = root.join("target/webapp-bindgen").join(app.crate_name);
    sh(Command::new(bindgen).arg(&wasm).args(["--target", "web", "--no-typescript", "--out-dir"]).arg(&staging))?;
    let bg = staging.join(format!("{}_bg.wasm", app.crate_name));
    if release {
        let opt = ensure_wasm_opt()?;
        sh(Command::new(opt)
            .arg(&bg)
            .args([
                "-Oz",
                "--enable-bulk-memory",
                "--enable-nontrapping-float-to-int",
                "--enable-sign-ext",
                "--enable-mutable-globals",
                "-o",
            ])
            .arg(&bg))?;
    }
    // Fingerprinted names: the server may cache them forever.
    let wasm_bytes = std::fs::read(&bg)?;
    let js = std::fs::read_to_string(staging.join(format!("{}.js", app.crate_name)))?;
    let wasm_name = format!("{}-{}.wasm", app.stem, short_hash(&wasm_bytes));
    let js = js.replace(&format!("{}_bg.wasm", app.crate_name), &wasm_name);
    let js_name = format!("{}-{}.js", app.stem, short_hash(js.as_bytes()));
    std::fs::write(dist.join(&wasm_name), &wasm_bytes)?;
    std::fs::write(dist.join(&js_name), &js)?;
    let static_dir = root.join("webapp/static").join(if app.dir.is_empty() { "courier" } else { app.dir });
    let css = std::fs::read(static_dir.join(app.css))?;
    let css_name = format!("{}-{}.css", app.css.trim_end_matches(".css"), short_hash(&css));
    std::fs::write(dist.join(&css_name), &css)?;
    let mut built = vec![wasm_name.clone(), js_name.clone(), css_name.clone()];
    let mut index = std::fs::read_to_string(static_dir.join("index.html"))?
        .replace("{{JS}}", &url(&js_name))
        .replace("{{WASM}}", &url(&wasm_name))
        .replace("{{CSS}}", &url(&css_name));
    let mut shell = vec![url(""), url(&js_name), url(&wasm_name), url(&css_name)];
    let device = static_dir.join("device.js");
    if device.exists() {
        let device = std::fs::read(device)?;
        let device_name = format!("device-{}.js", short_hash(&device));
        std::fs::write(dist.join(&device_name), &device)?;
        index = index.replace("{{DEVICE}}", &url(&device_name));
        shell.push(url(&device_name));
        built.push(device_name);
    }
    for entry in std::fs::read_dir(&static_dir)? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if name == app.css || matches!(name.as_str(), "device.js" | "index.html" | "sw.js") {
            continue;
        }
        std::fs::copy(entry.path(), dist.join(&name))?;
        shell.push(url(&name));
    }
    std::fs::write(dist.join("index.html"), &index)?;
    // Only the phone app works offline: its service worker precaches its
    // own shell and leaves the console to the network.
    let sw = static_dir.join("sw.js");
    if sw.exists() {
        shell.sort();
        let version = short_hash(format!("{shell:?}{index}").as_bytes());
        let list = shell.iter().map(|s| format!("{s:?}")).collect::<Vec<_>>().join(", ");
        let sw = std::fs::read_to_string(sw)?
            .replace("\"{{VERSION}}\"", &format!("{version:?}"))
            .replace("[/*{{SHELL}}*/]", &format!("[{list}]"));
        std::fs::write(dist.join("sw.js"), sw)?;
    }
    // Compressed once here, at the highest levels, rather than per request.
    for name in &built {
        precompress(&dist.join(name))?;
    }
    eprintln!("xtask: {} built into {} ({} KB wasm)", app.package, dist.display(), wasm_bytes.len() / 1024);
    Ok(())
}

/// Writes `<file>.br` and `<file>.gz` beside a built file; the server sends
/// one of them to a browser that accepts it.
fn precompress(path: &Path) -> Result<()> {
    use std::io::Write;
    let data = std::fs::read(path)?;
    let mut br = Vec::new();
    {
        let params = brotli::enc::BrotliEncoderParams { quality: 11, lgwin: 22, ..Default::default() };
        brotli::BrotliCompress(&mut data.as_slice(), &mut br, &params)?;
    }
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    gz.write_all(&data)?;
    let gz = gz.finish()?;
    let with_ext = |ext: &str| {
        let mut p = path.as_os_str().to_owned();
        p.push(ext);
        PathBuf::from(p)
    };
    std::fs::write(with_ext(".br"), br)?;
    std::fs::write(with_ext(".gz"), gz)?;
    Ok(())
}

/// FNV-1a, 32 bits: enough to tell builds apart in a file name.
fn short_hash(data: &[u8]) -> String {
    let mut h: u32 = 0x811c_9dc5;
    for b in data {
        h ^= u32::from(*b);
        h = h.wrapping_mul(0x0100_0193);
    }
    format!("{h:08x}")
}

fn ensure_target() -> Result<()> {
    let out = Command::new("rustup").args(["target", "list", "--installed"]).output();
    match out {
        Ok(o) if String::from_utf8_lossy(&o.stdout).lines().any(|l| l.trim() == TARGET) => Ok(()),
        Ok(_) => sh(Command::new("rustup").args(["target", "add", TARGET])),
        // Without rustup the toolchain must already have the target.
        Err(_) => Ok(()),
    }
}

/// The pinned nightly with the standard library's source, installed on
/// first use; `None` (and a warning) where rustup cannot provide it.
fn size_toolchain() -> Option<&'static str> {
    let installed = Command::new("rustup")
        .args(["run", SIZE_TOOLCHAIN, "rustc", "--print", "sysroot"])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| PathBuf::from(String::from_utf8_lossy(&o.stdout).trim()))
        .is_some_and(|sysroot| sysroot.join("lib/rustlib/src/rust/library/std").exists());
    if installed {
        return Some(SIZE_TOOLCHAIN);
    }
    let add = Command::new("rustup")
        .args(["toolchain", "install", SIZE_TOOLCHAIN, "--profile", "minimal", "--component", "rust-src"])
        .args(["--target", TARGET])
        .status();
    if add.is_ok_and(|s| s.success()) {
        Some(SIZE_TOOLCHAIN)
    } else {
        eprintln!("warning: {SIZE_TOOLCHAIN} could not be installed; building the apps on stable (larger)");
        None
    }
}

/// The wasm-bindgen version pinned in Cargo.lock: the CLI must match it.
fn locked_bindgen_version(root: &Path) -> Result<String> {
    let lock = std::fs::read_to_string(root.join("Cargo.lock")).context("reading Cargo.lock")?;
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line == "name = \"wasm-bindgen\"" {
            if let Some(v) = lines.next().and_then(|l| l.strip_prefix("version = \"")) {
                return Ok(v.trim_end_matches('"').to_owned());
            }
        }
    }
    bail!("wasm-bindgen is not in Cargo.lock")
}

fn ensure_wasm_bindgen(root: &Path) -> Result<PathBuf> {
    let version = locked_bindgen_version(root)?;
    let home = PathBuf::from(
        std::env::var("CARGO_HOME").unwrap_or_else(|_| format!("{}/.cargo", std::env::var("HOME").unwrap_or_default())),
    );
    let bin = home.join("bin/wasm-bindgen");
    let installed = Command::new(&bin)
        .arg("--version")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
        .unwrap_or_default();
    if !installed.contains(&version) {
        // Not --locked: the CLI's own lockfile names a crate version the registry lacks.
        sh(crate::cargo().args(["install", "wasm-bindgen-cli", "--version", &version]))?;
    }
    Ok(bin)
}

fn ensure_wasm_opt() -> Result<PathBuf> {
    let dir = crate::tools_dir();
    let bin = dir.join("node_modules/.bin/wasm-opt");
    if !bin.exists() {
        std::fs::create_dir_all(&dir)?;
        // Debian's binaryen is too old to read current wasm.
        sh(Command::new("npm")
            .current_dir(&dir)
            .args(["install", "--no-audit", "--no-fund", "--prefix"])
            .arg(&dir)
            .arg(BINARYEN))?;
    }
    Ok(bin)
}
