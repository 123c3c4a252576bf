//! The binary: the command line ([`cli`]) and what a run shows and writes ([`output`]: the
//! terminal, progress, files written whole or not at all), over the library, which reads the
//! logs and renders the draft. Neither is part of the library's API.

mod cli;
mod output;

use clap::{CommandFactory, Parser};

use cli::{Args, Command, distributed, run};
use postmortem::exit::ExitCode;

fn main() -> std::process::ExitCode {
    // The sandboxed template renderer (see output::template_child): not a user command.
    if std::env::args_os()
        .nth(1)
        .is_some_and(|a| a == output::template_child::SUBCOMMAND)
    {
        return output::template_child::child_main();
    }
    let opts = Args::parse();
    output::remove_temporaries_on_interrupt();
    let result = run::apply_global(&opts.global).and_then(|verbosity| match opts.command {
        Command::Draft(d) => run::draft(d, verbosity),
        Command::Scan(s) => run::scan(s, verbosity),
        Command::Timeline(t) => run::timeline(t, verbosity),
        Command::Plan(p) => distributed::plan(p, verbosity),
        Command::Partial(p) => distributed::partial(p, verbosity),
        Command::Merge(m) => distributed::merge(m, verbosity),
        Command::Completions { shell } => {
            clap_complete::generate(
                shell,
                &mut Args::command(),
                "postmortem",
                &mut std::io::stdout(),
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Man { subcommand } => run::man(subcommand.as_deref()),
    });
    match result {
        Ok(code) => code.into(),
        Err(e) => {
            output::say(e);
            ExitCode::Error.into()
        }
    }
}
