use clap::Parser;

/// Makes glibc hand every large buffer back to the system when it is freed.
/// By default glibc raises its mmap threshold each time such a buffer is
/// freed, so the next ones (argon2's 19 MiB per password hash, import and
/// request buffers) come from the heap of whichever thread asked and stay
/// resident there: the server's memory grew by ~19 MiB per worker thread that
/// ever checked a password. A fixed threshold turns that adjustment off.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
#[allow(unsafe_code)]
fn return_large_buffers_to_the_system() {
    // SAFETY: mallopt only sets an allocator parameter; it is called before
    // any other thread exists.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 256 * 1024);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn return_large_buffers_to_the_system() {}

fn main() -> std::process::ExitCode {
    return_large_buffers_to_the_system();
    let cli = antar_server::Cli::parse();
    antar_server::init_logging(&cli.config.log, &cli.config.log_format);
    match actix_web::rt::System::new().block_on(antar_server::run(cli)) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            // One clear line, never a panic trace (libpq's messages span lines).
            let message = format!("{e:#}");
            eprintln!("antar: {}", message.split_whitespace().collect::<Vec<_>>().join(" "));
            std::process::ExitCode::FAILURE
        }
    }
}
