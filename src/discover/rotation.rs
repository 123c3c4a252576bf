//! Rotation families: `syslog`, `syslog.1`, `syslog.2.gz`, `syslog-20230910.gz` are one log cut
//! in pieces. Knowing the family puts the pieces in order (oldest first) and lets the pipeline
//! count lines that two overlapping pieces both hold only once.

/// Where a file stands in its family, from its name alone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RotationMember {
    /// The family's name: the file name without rotation suffix and compression extension.
    pub family: String,
    /// Sorts oldest first: dated pieces by date, numbered ones by falling number, the live
    /// file (no suffix) last.
    pub age_key: (u8, i64),
}

const COMPRESSED: [&str; 5] = [".gz", ".bz2", ".xz", ".zst", ".zstd"];

/// The family a file name belongs to; `None` when nothing marks it as rotated and it is not
/// the live file of a family (every file is its own family's live member).
pub fn member(file_name: &str) -> RotationMember {
    let mut name = file_name;
    for ext in COMPRESSED {
        if let Some(stripped) = name.strip_suffix(ext) {
            name = stripped;
            break;
        }
    }
    // `x.log.3`: a number after the last dot.
    if let Some((base, number)) = name.rsplit_once('.')
        && !base.is_empty()
        && !number.is_empty()
        && number.len() <= 4
        && number.bytes().all(|b| b.is_ascii_digit())
        && let Ok(n) = number.parse::<i64>()
    {
        return RotationMember {
            family: base.to_string(),
            age_key: (1, -n),
        };
    }
    // `0.log.20230910-081502`: the kubelet's rotated pieces of a container's log.
    if let Some((base, stamp)) = name.rsplit_once('.')
        && let Some((date, clock)) = stamp.split_once('-')
        && !base.is_empty()
        && date.len() == 8
        && clock.len() == 6
        && date
            .bytes()
            .chain(clock.bytes())
            .all(|b| b.is_ascii_digit())
        && let (Ok(d), Ok(c)) = (date.parse::<i64>(), clock.parse::<i64>())
    {
        return RotationMember {
            family: base.to_string(),
            age_key: (1, d * 1_000_000 + c - 100_000_000_000_000),
        };
    }
    // `x.log-20230910` (logrotate's dateext), also `-2023091012`, `-2023-09-10`.
    if let Some((base, date)) = name.rsplit_once('-') {
        let digits: String = date.chars().filter(|c| *c != '-').collect();
        if !base.is_empty()
            && (8..=10).contains(&digits.len())
            && digits.bytes().all(|b| b.is_ascii_digit())
            && date.bytes().all(|b| b.is_ascii_digit() || b == b'-')
            && let Ok(d) = digits[..8].parse::<i64>()
        {
            return RotationMember {
                family: base.to_string(),
                age_key: (1, d - 100_000_000),
            };
        }
    }
    RotationMember {
        family: name.to_string(),
        age_key: (2, 0),
    }
}

/// The shape of a family's name with every run of digits a `*` (`*_*_log.csv` for
/// `08_43_log.csv`, `app-*-*-*.log` for `app-2023-09-10.log`); `None` without digits. Files of
/// one folder and format whose names share a shape may be time slices of one stream: whether
/// they are is decided by the times they hold (see `pipeline::families`), never by the name.
pub(crate) fn slice_shape(family: &str) -> Option<String> {
    let mut shape = String::with_capacity(family.len());
    let mut digits = false;
    for c in family.chars() {
        match c.is_ascii_digit() {
            true if digits => {}
            true => {
                shape.push('*');
                digits = true;
            }
            false => {
                shape.push(c);
                digits = false;
            }
        }
    }
    shape.contains('*').then_some(shape)
}

#[cfg(test)]
mod tests;
