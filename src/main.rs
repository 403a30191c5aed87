//! evacmap's entry point: parse the command line, then run a subcommand or open the window.

use std::process::ExitCode;

use clap::Parser;
use evacmap::cli::{self, Cli, Verb};

// Loading a story allocates many small JSON objects; mimalloc is markedly faster at that than
// the system allocator (see benches/load.rs).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    evacmap::memory::configure_process();
    evacmap::logging::init();
    let cli = Cli::parse();
    if let Some(bytes) = cli.max_input {
        evacmap::io::fits::set_max_input(bytes);
    }
    let stdout = &mut std::io::stdout().lock();
    // Not locked for the whole run: threads that log (loading, tiles) write to it too, and would
    // wait forever for a lock held here.
    let stderr = &mut std::io::stderr();
    let code = match &cli.command {
        Some(Verb::Check { files, columns }) => cli::check(files, columns, stdout),
        Some(Verb::List {
            from,
            to,
            file,
            columns,
        }) => cli::list(
            file,
            from.as_deref(),
            to.as_deref(),
            columns,
            stdout,
            stderr,
        ),
        Some(Verb::Export(args)) => cli::export(args, stdout, stderr),
        Some(Verb::Convert { files, columns }) => cli::convert(files, columns, stdout, stderr),
        Some(Verb::Push {
            file,
            database,
            replace,
            columns,
        }) => cli::push(file, database, *replace, columns, stdout, stderr),
        Some(Verb::Pull { database, out }) => cli::pull(database, out, stdout, stderr),
        Some(Verb::Generate {
            count,
            out,
            seed,
            format,
        }) => cli::generate(*count, out, *seed, *format, stdout, stderr),
        None => Ok(evacmap::app::run(cli.window)),
    };
    match code {
        Ok(code) => ExitCode::from(code.clamp(0, 255) as u8),
        // The reader stopped reading (`evacmap list … | head`): nothing is wrong.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("evacmap: {e}");
            ExitCode::FAILURE
        }
    }
}
