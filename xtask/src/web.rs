//! The web app build: cargo (wasm32) → wasm-bindgen → wasm-opt → `webapp/dist`,
//! with a service worker whose precache list and version come from the
//! files it builds.

use crate::sh;
use anyhow::{bail, Context, Result};
use std::path::{Path, PathBuf};
use std::process::Command;

const TARGET: &str = "wasm32-unknown-unknown";
const BINARYEN: &str = "binaryen@132.0.0";

pub fn build(root: &Path, release: bool) -> Result<()> {
    ensure_target()?;
    let bindgen = ensure_wasm_bindgen(root)?;
    let profile = if release { "release-wasm" } else { "dev" };
    sh(crate::cargo().current_dir(root).args([
        "build",
        "--package",
        "antar-webapp",
        "--lib",
        "--target",
        TARGET,
        "--profile",
        profile,
    ]))?;
    let out_profile = if release { "release-wasm" } else { "debug" };
    let wasm = root.join("target").join(TARGET).join(out_profile).join("antar_webapp.wasm");
    let dist = root.join("webapp/dist");
    if dist.exists() {
        std::fs::remove_dir_all(&dist)?;
    }
    std::fs::create_dir_all(&dist)?;
    let staging = root.join("target/webapp-bindgen");
    sh(Command::new(&bindgen).arg(&wasm).args(["--target", "web", "--no-typescript", "--out-dir"]).arg(&staging))?;
    let bg = staging.join("antar_webapp_bg.wasm");
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
    let js = std::fs::read_to_string(staging.join("antar_webapp.js"))?;
    let wasm_name = format!("antar-{}.wasm", short_hash(&wasm_bytes));
    let js = js.replace("antar_webapp_bg.wasm", &wasm_name);
    let js_name = format!("antar-{}.js", short_hash(js.as_bytes()));
    std::fs::write(dist.join(&wasm_name), &wasm_bytes)?;
    std::fs::write(dist.join(&js_name), &js)?;
    let static_dir = root.join("webapp/static");
    let css = std::fs::read(static_dir.join("app.css"))?;
    let css_name = format!("app-{}.css", short_hash(&css));
    std::fs::write(dist.join(&css_name), &css)?;
    let device = std::fs::read(static_dir.join("device.js"))?;
    let device_name = format!("device-{}.js", short_hash(&device));
    std::fs::write(dist.join(&device_name), &device)?;
    let mut shell = vec![
        "/".to_owned(),
        format!("/{js_name}"),
        format!("/{wasm_name}"),
        format!("/{css_name}"),
        format!("/{device_name}"),
    ];
    for entry in std::fs::read_dir(&static_dir)? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if matches!(name.as_str(), "app.css" | "device.js" | "index.html" | "sw.js") {
            continue;
        }
        std::fs::copy(entry.path(), dist.join(&name))?;
        shell.push(format!("/{name}"));
    }
    let index = std::fs::read_to_string(static_dir.join("index.html"))?
        .replace("{{JS}}", &format!("/{js_name}"))
        .replace("{{WASM}}", &format!("/{wasm_name}"))
        .replace("{{CSS}}", &format!("/{css_name}"))
        .replace("{{DEVICE}}", &format!("/{device_name}"));
    std::fs::write(dist.join("index.html"), &index)?;
    shell.sort();
    let version = short_hash(format!("{shell:?}{index}").as_bytes());
    let list = shell.iter().map(|s| format!("{s:?}")).collect::<Vec<_>>().join(", ");
    let sw = std::fs::read_to_string(static_dir.join("sw.js"))?
        .replace("\"{{VERSION}}\"", &format!("{version:?}"))
        .replace("[/*{{SHELL}}*/]", &format!("[{list}]"));
    std::fs::write(dist.join("sw.js"), sw)?;
    // Compressed once here, at the highest levels, rather than per request.
    for name in [&wasm_name, &js_name, &css_name, &device_name] {
        precompress(&dist.join(name))?;
    }
    eprintln!("xtask: web app built into {} ({} KB wasm)", dist.display(), wasm_bytes.len() / 1024);
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
