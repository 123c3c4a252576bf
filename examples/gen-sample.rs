//! Writes the bundled sample, `sample-logs/auth-outage`, from its scenario (deterministic:
//! the same bytes on every run). Usage: `cargo run --release --example gen-sample [DIR]`.

fn main() -> std::io::Result<()> {
    let dir = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "sample-logs/auth-outage".into());
    postmortem_scenario::auth_outage::scenario().write(std::path::Path::new(&dir))?;
    eprintln!("wrote {dir}");
    Ok(())
}
