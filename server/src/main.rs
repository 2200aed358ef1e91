use clap::Parser;

fn main() -> std::process::ExitCode {
    let cli = antar_server::Cli::parse();
    antar_server::init_logging(&cli.config.log);
    match actix_web::rt::System::new().block_on(antar_server::run(cli)) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            // One clear line, never a panic trace.
            eprintln!("antar: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
