//! Writes one labelled scenario's folder, by name prefix: `write-labelled DST /tmp/x`.
fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (Some(name), Some(dir)) = (args.get(1), args.get(2)) else {
        eprintln!("usage: write-labelled NAME-PREFIX DIR");
        std::process::exit(2);
    };
    let all = postmortem_scenario::labelled::all();
    let Some(l) = all.iter().find(|l| l.name.starts_with(name.as_str())) else {
        eprintln!("no scenario named {name}…");
        std::process::exit(2);
    };
    if let Err(e) = l.write(std::path::Path::new(dir)) {
        eprintln!("{dir}: {e}");
        std::process::exit(1);
    }
}
