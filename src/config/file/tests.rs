use super::*;

fn write(dir: &Path, text: &str) -> PathBuf {
    let path = dir.join(FILE_NAME);
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn settings_and_file_sections_are_read() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(
        dir.path(),
        "slo = 99.5\nbin = \"30s\"\ntz = \"Europe/Berlin\"\n\n[[files]]\nglob = \"legacy/*\"\nformat = \"nginx_error\"\nyear = 2022\n",
    );
    let settings = Settings::read(&path).unwrap();
    assert_eq!(settings.slo, Some(99.5));
    assert_eq!(settings.bin.as_deref(), Some("30s"));
    assert_eq!(settings.tz.as_deref(), Some("Europe/Berlin"));
    let rules = settings.rules().unwrap();
    assert_eq!(rules.len(), 1);
    assert_eq!(rules[0].format, Some(crate::parse::Format::NginxError));
    assert_eq!(rules[0].year, Some(2022));
    assert_eq!(find(None, &[dir.path().to_path_buf()]), Some(path));
}

#[test]
fn mistakes_name_the_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "slo = 99.9\nsol = 1\n");
    let err = Settings::read(&path).unwrap_err().to_string();
    assert!(err.contains("postmortem.toml:2"), "{err}");
    assert!(err.contains("sol"), "{err}");
    let path = write(dir.path(), "[[files]]\nglob = \"*\"\nformat = \"ngnix\"\n");
    let err = Settings::read(&path).unwrap_err().to_string();
    assert!(
        err.contains("postmortem.toml") && err.contains("ngnix"),
        "{err}"
    );
}

#[test]
fn no_file_no_settings() {
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(find(None, &[dir.path().to_path_buf()]), None);
}
