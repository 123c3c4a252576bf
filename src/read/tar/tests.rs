use super::*;

fn archive(files: &[(&str, &[u8])]) -> Vec<u8> {
    let mut builder = ::tar::Builder::new(Vec::new());
    for (name, data) in files {
        let mut header = ::tar::Header::new_gnu();
        header.set_size(data.len() as u64);
        header.set_mode(0o644);
        header.set_cksum();
        builder.append_data(&mut header, name, *data).unwrap();
    }
    builder.into_inner().unwrap()
}

#[test]
fn members_are_listed_with_long_names_and_read_alone() {
    let long = format!("var/log/{}/syslog", "deep".repeat(30));
    let bytes = archive(&[
        ("nginx/access.log", b"line one\nline two\n"),
        (&long, b"Sep 10 08:15:02 web-1 sshd[1]: hello\n"),
    ]);
    assert!(is_tar(&bytes));
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("logs.tar");
    std::fs::write(&path, &bytes).unwrap();
    let listed = members(Box::new(std::io::Cursor::new(bytes.clone()))).unwrap();
    let names: Vec<&str> = listed.iter().map(|m| m.name.as_str()).collect();
    assert_eq!(names, ["nginx/access.log", long.as_str()]);
    assert_eq!(listed[0].size, 18);
    let mut second = String::new();
    open_member(&path, &listed[1])
        .unwrap()
        .stream
        .read_to_string(&mut second)
        .unwrap();
    assert_eq!(second, "Sep 10 08:15:02 web-1 sshd[1]: hello\n");

    // The same archive gzipped: decoded up to the member instead of seeking.
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    std::io::Write::write_all(&mut gz, &bytes).unwrap();
    let gz_path = dir.path().join("logs.tar.gz");
    std::fs::write(&gz_path, gz.finish().unwrap()).unwrap();
    let opened = open_member(&gz_path, &listed[0]).unwrap();
    assert_eq!(opened.compression, Compression::Gzip);
    assert_eq!(opened.sample, b"line one\nline two\n");
}

#[test]
fn a_cut_archive_is_an_error_not_a_hang() {
    let bytes = archive(&[("a.log", &[b'x'; 2000])]);
    let cut = bytes[..1000].to_vec();
    assert!(members(Box::new(std::io::Cursor::new(cut))).is_err());
    assert!(!is_tar(b"Sep 10 08:15:02 web-1 sshd[1]: hello\n"));
}
