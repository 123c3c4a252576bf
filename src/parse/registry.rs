//! The format registry: every format the sniffer knows, in the order it tries them, each
//! described by one [`FormatSpec`] that lives beside its parser. Adding a format is its own
//! file (parser, `read` into an [`Entry`](super::entry::Entry), a `SPEC`), a variant of [`Format`] for its name
//! in JSON and in `--format`, its arm in [`spec`] (the compiler asks for it), and its place
//! in [`LINE_FORMATS`] or [`DOCUMENT_FORMATS`] (a test asks for that).

use super::spec::Format;
pub use super::spec::{FormatSpec, Meaning};
use super::{alertmanager, apache_error, jsonl, nginx_access, nginx_error, packages};
use super::{app_log, aws_lb, compose, container, docker, envoy, haproxy, klog, logfmt, pager};
use super::{cloud_logging, cloudwatch, elasticsearch, export_lines, loghub, loki, redis};
use super::{csv_export, database, kube_events, otlp, syslog, uwsgi, w3c, zap};

/// Formats read line by line, in sniffing order: on equal scores the earlier wins, so a
/// stricter format comes before a looser one that also reads its lines.
pub static LINE_FORMATS: [FormatSpec; 26] = [
    // First: syslog would read `<time> stdout F …` as a host and a tag, and the access-log
    // parser finds the request line after the kubelet's prefix.
    container::CRI,
    // Before JSON lines, which would read the envelope and not the line inside.
    docker::SPEC,
    // Before access logs, whose parser finds the request line after any prefix.
    compose::SPEC,
    // Before access logs and syslog: its lines hold a quoted request line and a syslog header.
    haproxy::SPEC,
    aws_lb::SPEC,
    envoy::SPEC,
    uwsgi::SPEC,
    // Before the application log, which reads its `date time …` lines as messages.
    w3c::SPEC,
    // Only its header votes: the sniffer reads a header row first (see `parse::sniff`).
    csv_export::SPEC,
    nginx_access::SPEC,
    nginx_error::SPEC,
    apache_error::SPEC,
    // Before syslog, which would read MySQL's `<time> <thread> [ERROR]` as a host and a tag.
    database::POSTGRES,
    database::MYSQL,
    zap::SPEC,
    syslog::SPEC,
    // Before JSON lines, which would read an export's record and not the line inside.
    export_lines::SPEC,
    jsonl::JOURNALD,
    jsonl::JSON_LINES,
    logfmt::SPEC,
    klog::SPEC,
    loghub::SPEC,
    redis::SPEC,
    packages::DPKG,
    packages::APT_HISTORY,
    // Last: any line that starts with a date is one of its records.
    app_log::SPEC,
];

/// JSON documents (one per line or pretty-printed), each recognised and read as its
/// [`Documents`](super::spec::Documents) says: alert histories whole, the rest (many records
/// to a document) streamed record by record. The sniffer asks them in this order.
pub(crate) static DOCUMENT_FORMATS: [FormatSpec; 9] = [
    alertmanager::SPEC,
    pager::PAGERDUTY,
    pager::OPSGENIE,
    kube_events::SPEC,
    otlp::SPEC,
    // Exports, told by their keys before any document is parsed: Loki's response before
    // CloudWatch's events, whose keys it may hold in its lines.
    elasticsearch::SPEC,
    loki::SPEC,
    cloudwatch::SPEC,
    cloud_logging::SPEC,
];

/// Every format, line formats first, in sniffing order.
pub fn all() -> impl Iterator<Item = &'static FormatSpec> {
    LINE_FORMATS.iter().chain(DOCUMENT_FORMATS.iter())
}

/// The spec of a format. A `match`, so a variant of [`Format`] without a spec does not
/// compile (a missing entry was once read as CRI); the registry's tests check each spec names
/// its own format and sits in one of the lists above.
pub fn spec(format: Format) -> &'static FormatSpec {
    match format {
        Format::NginxAccess => &nginx_access::SPEC,
        Format::NginxError => &nginx_error::SPEC,
        Format::ApacheError => &apache_error::SPEC,
        Format::Syslog => &syslog::SPEC,
        Format::Alertmanager => &alertmanager::SPEC,
        Format::Dpkg => &packages::DPKG,
        Format::AptHistory => &packages::APT_HISTORY,
        Format::Journald => &jsonl::JOURNALD,
        Format::JsonLines => &jsonl::JSON_LINES,
        Format::PagerDuty => &pager::PAGERDUTY,
        Format::Opsgenie => &pager::OPSGENIE,
        Format::Logfmt => &logfmt::SPEC,
        Format::AppLog => &app_log::SPEC,
        Format::Cri => &container::CRI,
        Format::Haproxy => &haproxy::SPEC,
        Format::AwsLb => &aws_lb::SPEC,
        Format::W3c => &w3c::SPEC,
        Format::Envoy => &envoy::SPEC,
        Format::DockerJson => &docker::SPEC,
        Format::Klog => &klog::SPEC,
        Format::Compose => &compose::SPEC,
        Format::Postgres => &database::POSTGRES,
        Format::Mysql => &database::MYSQL,
        Format::Uwsgi => &uwsgi::SPEC,
        Format::ZapConsole => &zap::SPEC,
        Format::KubeEvents => &kube_events::SPEC,
        Format::Otlp => &otlp::SPEC,
        Format::CsvExport => &csv_export::SPEC,
        Format::Elasticsearch => &elasticsearch::SPEC,
        Format::Cloudwatch => &cloudwatch::SPEC,
        Format::Loki => &loki::SPEC,
        Format::CloudLogging => &cloud_logging::SPEC,
        Format::Redis => &redis::SPEC,
        Format::Loghub => &loghub::SPEC,
        Format::ExportLines => &export_lines::SPEC,
    }
}

#[cfg(test)]
mod tests;
