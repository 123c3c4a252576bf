//! `--template` runs in a child process of its own, with a memory limit, a time limit and a
//! cap on what it may print. A template is code someone else wrote: `{% for i in range(10000)
//! %}` three deep never ends, and `{% set s = s ~ s %}` forty times asks for a terabyte. Fuel
//! (instructions) stops the first inside the renderer; only an address-space limit stops the
//! second without taking the whole run down, and only a separate process can have one.

use std::io::{Read, Write};
use std::time::{Duration, Instant};

use postmortem::error::Error;
use postmortem::render::template::MAX_TEMPLATE_OUTPUT;

/// The hidden subcommand the child runs as.
pub const SUBCOMMAND: &str = "__render-template";
/// Address space the child may use.
pub const TEMPLATE_MEMORY: u64 = 1 << 30;
/// Wall-clock time the child may take.
pub const TEMPLATE_TIME: Duration = Duration::from_secs(30);

fn failed(name: &str, message: String) -> Error {
    Error::Template {
        path: name.to_string(),
        line: 0,
        message,
    }
}

/// Renders `template` over `model` in a child process of this executable.
pub fn render(name: &str, template: &str, model: &impl serde::Serialize) -> Result<String, Error> {
    let input = serde_json::to_vec(&serde_json::json!({
        "name": name,
        "template": template,
        "model": model,
    }))
    .map_err(|e| failed(name, e.to_string()))?;
    let exe = std::env::current_exe().map_err(|e| failed(name, e.to_string()))?;
    let mut child = std::process::Command::new(exe)
        .arg(SUBCOMMAND)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .map_err(|e| failed(name, format!("could not start the template process: {e}")))?;
    let (Some(mut stdin), Some(stdout), Some(stderr)) =
        (child.stdin.take(), child.stdout.take(), child.stderr.take())
    else {
        return Err(failed(name, "no pipes to the template process".into()));
    };
    let writer = std::thread::spawn(move || stdin.write_all(&input));
    let reader = std::thread::spawn(move || {
        let mut out = Vec::new();
        let _ = stdout
            .take(MAX_TEMPLATE_OUTPUT as u64 + 1)
            .read_to_end(&mut out);
        out
    });
    let errors = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = stderr.take(64 << 10).read_to_string(&mut text);
        text
    });
    let started = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break Some(status),
            Ok(None) if started.elapsed() > TEMPLATE_TIME => {
                let _ = child.kill();
                let _ = child.wait();
                break None;
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(5)),
            Err(e) => return Err(failed(name, e.to_string())),
        }
    };
    let _ = writer.join();
    let out = reader.join().unwrap_or_default();
    let stderr = errors.join().unwrap_or_default();
    let Some(status) = status else {
        return Err(failed(
            name,
            format!("stopped after {} s", TEMPLATE_TIME.as_secs()),
        ));
    };
    if out.len() > MAX_TEMPLATE_OUTPUT {
        return Err(failed(
            name,
            format!("the output would pass {} MiB", MAX_TEMPLATE_OUTPUT >> 20),
        ));
    }
    if status.success() {
        return Ok(String::from_utf8_lossy(&out).into_owned());
    }
    match stderr.trim() {
        "" => Err(failed(
            name,
            format!(
                "the template process died ({status}): more than {} MiB of memory?",
                TEMPLATE_MEMORY >> 20
            ),
        )),
        text if text.contains("memory allocation") => Err(failed(
            name,
            format!("used more than {} MiB of memory", TEMPLATE_MEMORY >> 20),
        )),
        text => {
            let (line, message) = text
                .split_once('\t')
                .and_then(|(l, m)| Some((l.parse().ok()?, m)))
                .unwrap_or((0, text));
            Err(Error::Template {
                path: name.to_string(),
                line,
                message: message.to_string(),
            })
        }
    }
}

/// The child's side: reads `{name, template, model}` from standard input, limits its own
/// address space, renders, prints.
/// The child's whole run, as `main` hands it over: the rendered text on standard output, or
/// for the parent the failing line, a tab and the message on standard error (exit 2).
pub fn child_main() -> std::process::ExitCode {
    match run_child() {
        Ok(text) => match super::write_stdout(&text) {
            Ok(()) => std::process::ExitCode::SUCCESS,
            Err(_) => std::process::ExitCode::from(2),
        },
        Err(e) => {
            match e {
                Error::Template { line, message, .. } => eprint!("{line}\t{message}"),
                other => eprint!("0\t{other}"),
            }
            std::process::ExitCode::from(2)
        }
    }
}

/// Reads the template and the model from standard input and renders, under the limits.
pub fn run_child() -> Result<String, Error> {
    let _ = rlimit::Resource::AS.set(TEMPLATE_MEMORY, TEMPLATE_MEMORY);
    let mut input = Vec::new();
    std::io::stdin()
        .read_to_end(&mut input)
        .map_err(|e| Error::io("standard input", e))?;
    let request: serde_json::Value =
        serde_json::from_slice(&input).map_err(|e| failed("template", e.to_string()))?;
    let name = request["name"].as_str().unwrap_or("template");
    let template = request["template"].as_str().unwrap_or_default();
    postmortem::render::template::render_json(name, template, &request["model"])
}
