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
    let listed = list(
        Box::new(std::io::Cursor::new(bytes.clone())),
        Compression::None,
    )
    .unwrap()
    .members;
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

    // The same archive gzipped: decoded once into a spool as it is listed, then seeked in.
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    std::io::Write::write_all(&mut gz, &bytes).unwrap();
    let gz_path = dir.path().join("logs.tar.gz");
    std::fs::write(&gz_path, gz.finish().unwrap()).unwrap();
    let (compression, stream, _, _) = crate::read::decode(&gz_path).unwrap();
    let listed = list(stream, compression).unwrap().members;
    let spool = listed[0].spool.clone().expect("spooled");
    let spooled = std::fs::metadata(spool.path()).unwrap().len();
    assert!(spooled >= listed[1].offset + listed[1].size && spooled <= bytes.len() as u64);
    let opened = open_member(&gz_path, &listed[1]).unwrap();
    assert_eq!(opened.compression, Compression::Gzip);
    assert_eq!(opened.sample, b"Sep 10 08:15:02 web-1 sshd[1]: hello\n");
    let path = spool.path().to_path_buf();
    drop((listed, spool));
    // Unlinked as it was made (Linux: read through /proc/self/fd), or removed with its last
    // member.
    assert!(
        path.starts_with("/proc/self/fd") || !path.exists(),
        "the spool outlives its members"
    );
}

#[test]
fn links_and_other_members_are_passed_over_with_the_reason() {
    let mut builder = ::tar::Builder::new(Vec::new());
    let mut header = ::tar::Header::new_gnu();
    header.set_size(4);
    header.set_mode(0o644);
    header.set_cksum();
    builder
        .append_data(&mut header, "a.log", &b"one\n"[..])
        .unwrap();
    let mut link = ::tar::Header::new_gnu();
    link.set_entry_type(::tar::EntryType::Symlink);
    link.set_size(0);
    builder
        .append_link(&mut link, "b.log", "/etc/shadow")
        .unwrap();
    let mut hard = ::tar::Header::new_gnu();
    hard.set_entry_type(::tar::EntryType::Link);
    hard.set_size(0);
    builder.append_link(&mut hard, "c.log", "a.log").unwrap();
    let bytes = builder.into_inner().unwrap();
    let listing = list(Box::new(std::io::Cursor::new(bytes)), Compression::None).unwrap();
    assert_eq!(listing.members.len(), 1);
    assert_eq!(listing.passed.len(), 2);
    assert_eq!(listing.passed[0].0, "b.log");
    assert!(
        listing.passed[0]
            .1
            .contains("symbolic link to \"/etc/shadow\"")
    );
    assert!(listing.passed[1].1.contains("hard link"));
    assert!(listing.cut.is_none());
}

#[test]
fn a_cut_archive_keeps_its_complete_members_and_says_where_it_was_cut() {
    let bytes = archive(&[("a.log", &[b'x'; 700]), ("b.log", &[b'y'; 2000])]);
    // a.log: header at 0, data 512..1536; b.log: header at 1536, data from 2048.
    let cut = bytes[..2600].to_vec();
    let listing = list(Box::new(std::io::Cursor::new(cut)), Compression::None).unwrap();
    let names: Vec<&str> = listing.members.iter().map(|m| m.name.as_str()).collect();
    assert_eq!(names, ["a.log"]);
    let said = listing.cut.expect("the cut is reported");
    assert!(said.contains("byte 2048"), "{said}");
    assert!(!is_tar(b"Sep 10 08:15:02 web-1 sshd[1]: hello\n"));
}
