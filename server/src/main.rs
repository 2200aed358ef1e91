use clap::Parser;

fn main() -> std::process::ExitCode {
    let cli = antar_server::Cli::parse();
    antar_server::init_logging(&cli.config.log);
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
