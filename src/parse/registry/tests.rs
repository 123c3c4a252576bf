use super::*;
use crate::parse::entry::Entry;
use crate::parse::{Sniffed, sniff};

/// Three lines of each format, as the real programs write them.
const SAMPLES: [(Format, &str); 33] = [
    (
        Format::NginxAccess,
        "203.0.113.7 - - [10/Sep/2023:08:15:02 +0000] \"GET /api/v1/login HTTP/1.1\" 503 197 \"-\" \"curl/8.1\"\n\
         203.0.113.8 - alice [10/Sep/2023:08:15:03 +0000] \"POST /api/v1/login HTTP/1.1\" 200 512 \"https://x/\" \"Mozilla/5.0\"\n\
         198.51.100.2 - - [10/Sep/2023:08:15:04 +0000] \"GET /health HTTP/1.1\" 200 2 \"-\" \"kube-probe/1.27\"\n",
    ),
    (
        Format::NginxError,
        "2023/09/10 08:15:02 [error] 2211#2211: *9 connect() failed (111: Connection refused) while connecting to upstream, client: 203.0.113.7, server: api.example.com, request: \"GET /api/v1/login HTTP/1.1\", upstream: \"http://127.0.0.1:8080/api/v1/login\", host: \"api.example.com\"\n\
         2023/09/10 08:15:03 [warn] 2211#2211: *10 an upstream response is buffered to a temporary file\n\
         2023/09/10 08:16:00 [notice] 2210#2210: signal process started\n",
    ),
    (
        Format::ApacheError,
        "[Sun Sep 10 08:15:02.123456 2023] [proxy:error] [pid 4121] (111)Connection refused: AH00957: http: attempt to connect to 127.0.0.1:8080 (127.0.0.1) failed\n\
         [Sun Sep 10 08:15:02.123500 2023] [proxy_http:error] [pid 4121] [client 203.0.113.7:51234] AH01114: HTTP: failed to make connection to backend: 127.0.0.1\n\
         [Sun Sep 10 08:20:00.000001 2023] [mpm_event:notice] [pid 4000:tid 1] AH00493: SIGUSR1 received.  Doing graceful restart\n",
    ),
    (
        Format::Syslog,
        "Sep 10 08:15:02 web-1 sshd[812]: Accepted publickey for deploy from 10.0.0.5 port 50522 ssh2\n\
         Sep 10 08:15:03 web-1 systemd[1]: Started Session 42 of user deploy.\n\
         Sep 10 08:15:09 web-1 sudo:   alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/usr/bin/systemctl restart auth\n",
    ),
    (
        Format::Journald,
        "{\"__REALTIME_TIMESTAMP\":\"1694333702000000\",\"PRIORITY\":\"3\",\"_SYSTEMD_UNIT\":\"auth.service\",\"SYSLOG_IDENTIFIER\":\"auth\",\"MESSAGE\":\"ldap bind failed\",\"_HOSTNAME\":\"web-1\"}\n\
         {\"__REALTIME_TIMESTAMP\":\"1694333703000000\",\"PRIORITY\":\"6\",\"_SYSTEMD_UNIT\":\"auth.service\",\"SYSLOG_IDENTIFIER\":\"auth\",\"MESSAGE\":\"request served\",\"_HOSTNAME\":\"web-1\"}\n\
         {\"__REALTIME_TIMESTAMP\":\"1694333704000000\",\"PRIORITY\":\"6\",\"SYSLOG_IDENTIFIER\":\"systemd\",\"MESSAGE\":\"Started auth.service.\",\"_HOSTNAME\":\"web-1\"}\n",
    ),
    (
        Format::JsonLines,
        "{\"time\":\"2023-09-10T08:15:02Z\",\"level\":\"error\",\"msg\":\"ldap bind failed\",\"status\":503,\"path\":\"/api/v1/login\"}\n\
         {\"time\":\"2023-09-10T08:15:03Z\",\"level\":\"info\",\"msg\":\"request served\",\"status\":200,\"path\":\"/api/v1/login\"}\n\
         {\"time\":\"2023-09-10T08:15:04Z\",\"level\":\"warn\",\"msg\":\"slow query\"}\n",
    ),
    (
        Format::Logfmt,
        "time=\"2023-09-10T08:15:02Z\" level=error msg=\"ldap bind failed\" user=alice\n\
         ts=2023-09-10T08:15:03.123Z caller=main.go:42 level=info msg=\"request served\" status=200 path=/api/v1/login\n\
         ts=2023-09-10T08:15:04.5Z caller=db.go:17 level=warn msg=\"slow query\" took=1.2s\n",
    ),
    (
        Format::AppLog,
        "2023-09-10 08:15:02.123 [http-nio-8080-exec-3] ERROR c.e.auth.LdapClient - bind failed\n\
         \tat com.example.auth.LdapClient.bind(LdapClient.java:88)\n\
         2023-09-10 08:15:03.001 [main] INFO  c.e.auth.Server - request served\n\
         2023-09-10 08:15:04.500 [main] WARN  c.e.auth.Pool - pool at 90%\n",
    ),
    (
        Format::Haproxy,
        "Sep 10 08:15:02 lb-1 haproxy[812]: 203.0.113.7:51234 [10/Sep/2023:08:15:02.118] www~ be_app/app1 0/0/1/12/13 200 512 - - ---- 3/3/1/1/0 0/0 \"GET /api/v1/login HTTP/1.1\"\n\
         Sep 10 08:15:03 lb-1 haproxy[812]: 203.0.113.8:51240 [10/Sep/2023:08:15:03.001] www~ be_app/<NOSRV> 0/-1/-1/-1/0 503 217 - - SC-- 3/3/0/0/0 0/0 \"POST /api/v1/login HTTP/1.1\"\n\
         Sep 10 08:15:04 lb-1 haproxy[812]: 10.0.1.2:33313 [10/Sep/2023:08:15:04.443] fnt bck/srv1 0/0/5007 212 -- 0/0/0/0/3 0/0\n",
    ),
    (
        Format::AwsLb,
        "https 2023-09-10T08:15:02.186641Z app/api-lb/50dc6c495c0c9188 203.0.113.7:2817 10.0.1.5:8080 0.000 0.012 0.000 200 200 34 366 \"GET https://api.example.com:443/api/v1/items HTTP/1.1\" \"curl/8.1\" ECDHE-RSA-AES128-GCM-SHA256 TLSv1.2 arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/api/73e2d6bc24d8a067 \"Root=1-64fd7a16-36d228ad5d99923122bbe354\" \"api.example.com\" \"-\" 0 2023-09-10T08:15:02.174000Z \"forward\" \"-\" \"-\" \"10.0.1.5:8080\" \"200\" \"-\" \"-\"\n\
         https 2023-09-10T08:15:03.001Z app/api-lb/50dc6c495c0c9188 203.0.113.8:2818 - -1 -1 -1 502 - 34 366 \"POST https://api.example.com:443/api/v1/login HTTP/1.1\" \"curl/8.1\" ECDHE-RSA-AES128-GCM-SHA256 TLSv1.2 - \"Root=1-64fd7a17-1d84f3d73c47ec4e58577259\" \"api.example.com\" \"-\" 1 2023-09-10T08:15:02.999000Z \"forward\" \"-\" \"-\" \"-\" \"-\" \"-\" \"-\"\n\
         2023-09-10T08:15:04.945958Z legacy-elb 198.51.100.2:2817 10.0.0.1:80 0.000073 0.001048 0.000057 200 200 0 29 \"GET http://www.example.com:80/ HTTP/1.1\" \"curl/7.38.0\" - -\n",
    ),
    (
        Format::W3c,
        "#Software: Microsoft Internet Information Services 10.0\n\
         #Fields: date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent) cs(Referer) sc-status sc-substatus sc-win32-status time-taken\n\
         2023-09-10 08:15:02 10.0.0.4 GET /api/orders id=7 443 - 203.0.113.7 Mozilla/5.0 - 500 19 0 1234\n\
         2023-09-10 08:15:03 10.0.0.4 POST /api/login - 443 - 203.0.113.8 curl/8.1 - 200 0 0 15\n\
         2023-09-10 08:15:04 10.0.0.4 GET / - 443 - 198.51.100.2 kube-probe/1.27 - 200 0 0 2\n",
    ),
    (
        Format::Redis,
        "1:C 25 Apr 2024 05:32:35.018 * oO0OoO0OoO0Oo Redis is starting oO0OoO0OoO0Oo\n\
         1:M 25 Apr 2024 05:32:35.022 * Ready to accept connections tcp\n\
         1:M 25 Apr 2024 05:54:43.946 # Redis is now ready to exit, bye bye...\n",
    ),
    (
        Format::Loghub,
        "- 1117838570 2005.06.03 R02-M1-N0-C:J12-U11 2005-06-03-15.42.50.675872 R02-M1-N0-C:J12-U11 RAS KERNEL INFO instruction cache parity error corrected\n\
         KERNDTLB 1118536327 2005.06.11 R30-M0-N9-C:J16-U01 2005-06-11-17.32.07.581048 R30-M0-N9-C:J16-U01 RAS KERNEL FATAL data TLB error interrupt\n\
         - 1131566461 2005.11.09 dn228 Nov 9 12:01:01 dn228/dn228 crond(pam_unix)[2915]: session closed for user root\n",
    ),
    (
        Format::ExportLines,
        "{\"labels\":{\"container\":\"nginx\",\"pod\":\"web-1\"},\"line\":\"203.0.113.7 - - [10/Sep/2023:08:15:02 +0000] \\\"GET /api HTTP/1.1\\\" 503 197 \\\"-\\\" \\\"curl/8.1\\\"\",\"timestamp\":\"2023-09-10T08:15:02Z\"}\n\
         {\"preview\":false,\"offset\":1,\"result\":{\"_raw\":\"Sep 10 08:15:03 web-1 sshd[812]: Accepted publickey for deploy\",\"_time\":\"2023-09-10T08:15:03.000+00:00\",\"host\":\"web-1\",\"source\":\"/var/log/auth.log\"}}\n\
         {\"insertId\":\"1x\",\"logName\":\"projects/p/logs/stderr\",\"resource\":{\"labels\":{\"pod_name\":\"cart-7d9\"},\"type\":\"k8s_container\"},\"severity\":\"ERROR\",\"textPayload\":\"connection refused to redis:6379\",\"timestamp\":\"2023-09-10T08:15:04Z\"}\n",
    ),
    (
        Format::CsvExport,
        "Timestamp,PodName,Log\n\
         2023-01-29T08:43:17.120718514Z,ts-contacts-service-866bd68c97-xcqfx,\"{\"\"log\"\":\"\"16:43:17.120 ERROR  c.s.ContactsServiceImpl#37 [findContactsById]\\n\"\",\"\"stream\"\":\"\"stdout\"\",\"\"time\"\":\"\"2023-01-29T08:43:17.120718514Z\"\"}\"\n\
         2023-01-29T08:43:17.3Z,ts-basic-service-5dc8d4f9fd-46997,\"{\"\"log\"\":\"\"16:43:17.300 INFO  b.s.BasicServiceImpl#52 [queryForTravel]\\n\"\",\"\"stream\"\":\"\"stdout\"\",\"\"time\"\":\"\"2023-01-29T08:43:17.3Z\"\"}\"\n",
    ),
    (
        Format::Envoy,
        "[2023-09-10T08:15:02.118Z] \"GET /api/v1/items HTTP/1.1\" 200 - 0 512 12 11 \"203.0.113.7\" \"curl/8.1\" \"6f2b1c1e-1f9e\" \"api.example.com\" \"10.244.1.7:8080\"\n\
         [2023-09-10T08:15:03.001Z] \"POST /api/v1/login HTTP/1.1\" 503 UF 120 91 3 - \"-\" \"curl/8.1\" \"7a3c2d2f-2a0f\" \"api.example.com\" \"10.244.1.8:8080\"\n\
         [2023-09-10T08:15:04.500Z] \"GET /health HTTP/1.1\" 200 - via_upstream - \"-\" 0 2 1 1 \"-\" \"kube-probe/1.27\" \"8b4d3e30\" \"api:8080\" \"10.244.1.7:8080\" inbound|8080|| 127.0.0.6:40321 10.244.1.7:8080 10.244.0.1:51234 - default\n",
    ),
    (
        Format::DockerJson,
        "{\"log\":\"listening on :8080\\n\",\"stream\":\"stdout\",\"time\":\"2023-09-10T08:15:02.123456789Z\"}\n\
         {\"log\":\"panic: runtime error: invalid memory address\\n\",\"stream\":\"stderr\",\"time\":\"2023-09-10T08:15:03.000000001Z\"}\n\
         {\"log\":\"172.17.0.1 - - [10/Sep/2023:08:15:04 +0000] \\\"GET / HTTP/1.1\\\" 200 5 \\\"-\\\" \\\"curl/8\\\"\\n\",\"stream\":\"stdout\",\"time\":\"2023-09-10T08:15:04.5Z\"}\n",
    ),
    (
        Format::Klog,
        "I0910 08:15:02.118239       1 controller.go:116] \"Starting controller\" name=\"deployment\"\n\
         E0910 08:15:03.000001    1234 reflector.go:147] k8s.io/client-go/informers/factory.go:150: Failed to watch *v1.Pod: connection refused\n\
         W0910 08:15:04.500000    1234 warnings.go:70] v1 Endpoints is deprecated in v1.33+\n",
    ),
    (
        Format::Compose,
        "web-1  | 2023-09-10T08:15:02.123456789Z 172.18.0.1 - - [10/Sep/2023:08:15:02 +0000] \"GET /api HTTP/1.1\" 502 157 \"-\" \"curl/8.1\"\n\
         db-1   | 2023-09-10T08:15:03.000000000Z FATAL:  the database system is starting up\n\
         api-1  | 2023-09-10T08:15:04.5Z {\"time\":\"2023-09-10T08:15:04Z\",\"level\":\"error\",\"msg\":\"db timeout\"}\n",
    ),
    (
        Format::Postgres,
        "2023-09-10 08:15:00.001 UTC [1] LOG:  database system is ready to accept connections\n\
         2023-09-10 08:15:02.123 UTC [812] ERROR:  relation \"orders\" does not exist at character 15\n\
         2023-09-10 08:15:02.123 UTC [812] STATEMENT:  SELECT * FROM orders\n\
         2023-09-10 08:15:03.500 UTC [813] FATAL:  password authentication failed for user \"app\"\n",
    ),
    (
        Format::Mysql,
        "2023-09-10T08:15:02.123456Z 0 [System] [MY-010116] [Server] /usr/sbin/mysqld (mysqld 8.0.34) starting as process 1\n\
         2023-09-10T08:15:03.000001Z 0 [ERROR] [MY-012592] [InnoDB] Operating system error number 28 in a file operation.\n\
         2023-09-10T08:15:04.500000Z 8 [Warning] [MY-010055] [Server] IP address '10.0.0.9' could not be resolved\n",
    ),
    (
        Format::Uwsgi,
        "[pid: 812|app: 0|req: 7/21] 203.0.113.7 () {34 vars in 412 bytes} [Sun Sep 10 08:15:02 2023] GET /api/v1/items => generated 512 bytes in 12 msecs (HTTP/1.1 200) 2 headers in 79 bytes (1 switches on core 0)\n\
         [pid: 812|app: 0|req: 8/22] 203.0.113.8 () {34 vars in 410 bytes} [Sun Sep 10 08:15:03 2023] POST /api/v1/login => generated 21 bytes in 3012 msecs (HTTP/1.1 504) 2 headers in 80 bytes (1 switches on core 1)\n\
         [pid: 813|app: 0|req: 1/23] 198.51.100.2 () {30 vars in 300 bytes} [Sun Sep 10 08:15:04 2023] GET /health => generated 2 bytes in 1 msecs (HTTP/1.1 200) 1 headers in 44 bytes (1 switches on core 0)\n",
    ),
    (
        Format::ZapConsole,
        "2023-09-10T08:15:02.123Z\tERROR\tapi/server.go:88\tdb timeout\t{\"path\": \"/api/v1/items\"}\n\
         2023-09-10T08:15:03.000Z\tINFO\tapi/server.go:90\tserved\n\
         2023-09-10T08:15:04.500Z\tWARN\tdb\tdb/pool.go:17\tpool at 90%\n",
    ),
    (
        Format::Cri,
        "2023-09-10T08:15:02.987654321Z stdout F 203.0.113.7 - - [10/Sep/2023:08:15:02 +0000] \"GET / HTTP/1.1\" 200 5 \"-\" \"kube-probe/1.27\"\n\
         2023-09-10T08:15:03.000000001Z stderr F panic: runtime error: invalid memory address\n\
         2023-09-10T08:15:04.5Z stdout F {\"time\":\"2023-09-10T08:15:04Z\",\"level\":\"error\",\"msg\":\"db timeout\"}\n",
    ),
    (
        Format::Dpkg,
        "2023-09-10 08:10:01 startup archives unpack\n\
         2023-09-10 08:10:02 upgrade auth-service:amd64 2.3.0 2.4.0\n\
         2023-09-10 08:10:03 status installed auth-service:amd64 2.4.0\n",
    ),
    (
        Format::AptHistory,
        "Start-Date: 2023-09-10  08:10:00\n\
         Commandline: apt-get install -y auth-service=2.4.0\n\
         Requested-By: alice (1000)\n\
         Upgrade: auth-service:amd64 (2.3.0, 2.4.0)\n\
         End-Date: 2023-09-10  08:10:04\n",
    ),
    (
        Format::Alertmanager,
        "{\"version\":\"4\",\"groupKey\":\"{}:{alertname=\\\"AuthDown\\\"}\",\"status\":\"firing\",\"receiver\":\"oncall\",\"alerts\":[{\"status\":\"firing\",\"labels\":{\"alertname\":\"AuthDown\"},\"startsAt\":\"2023-09-10T08:16:00Z\"}]}\n",
    ),
    (
        Format::PagerDuty,
        "{\"event\":{\"id\":\"01\",\"event_type\":\"incident.triggered\",\"occurred_at\":\"2023-09-10T08:17:00Z\",\"data\":{\"id\":\"P1\",\"type\":\"incident\",\"title\":\"AuthDown\",\"status\":\"triggered\"}}}\n",
    ),
    (
        Format::Opsgenie,
        "{\"action\":\"Create\",\"alert\":{\"alertId\":\"a1\",\"message\":\"AuthDown\",\"createdAt\":1694333820000},\"source\":{\"name\":\"prometheus\"}}\n",
    ),
    (Format::KubeEvents, crate::parse::kube_events::tests::LIST),
    // A watch stream, one compact event a line.
    (
        Format::KubeEvents,
        "{\"kind\":\"Event\",\"involvedObject\":{\"kind\":\"Pod\",\"name\":\"web-1\"},\"reason\":\"Killing\",\"message\":\"Stopping container web\",\"firstTimestamp\":\"2024-05-17T15:04:30Z\",\"lastTimestamp\":\"2024-05-17T15:04:30Z\",\"type\":\"Normal\"}\n\
         {\"kind\":\"Event\",\"involvedObject\":{\"kind\":\"Pod\",\"name\":\"web-2\"},\"reason\":\"Started\",\"message\":\"Started container web\",\"firstTimestamp\":\"2024-05-17T15:04:40Z\",\"lastTimestamp\":\"2024-05-17T15:04:40Z\",\"type\":\"Normal\"}\n",
    ),
    (Format::Otlp, crate::parse::otlp::tests::EXPORT),
    // Cut inside its first, very long, line: judged by its key.
    (
        Format::Otlp,
        "{\"resourceLogs\":[{\"resource\":{\"attributes\":[{\"key\":\"service.name\",\"value\":{\"stringValue\":\"api\"}}]},\"scopeLogs\":[{\"logRecords\":[{\"timeUnixNano\":\"1715958262619632000\"",
    ),
];

#[test]
fn every_format_has_exactly_one_spec() {
    let formats: Vec<Format> = all().map(|s| s.format).collect();
    let mut unique = formats.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), formats.len(), "a format listed twice");
    for (format, _) in SAMPLES {
        assert_eq!(spec(format).format, format, "{format:?} has no spec");
        assert_eq!(Format::from_name(&format.id()), Some(format));
        assert!(
            formats.contains(&format),
            "{format:?} is in no sniffing list"
        );
    }
    // The lists and `spec`'s match hold the same spec for each format.
    for listed in all() {
        let matched = spec(listed.format);
        assert_eq!(matched.format, listed.format, "{:?}", listed.format);
        assert_eq!(matched.name, listed.name, "{:?}", listed.format);
    }
}

#[test]
fn no_format_steals_another_formats_lines() {
    for (format, sample) in SAMPLES {
        match sniff(sample.as_bytes(), sample.ends_with('\n')) {
            Sniffed::Log(d) => assert_eq!(d.format, format, "sample of {format:?}"),
            other => panic!("sample of {format:?} not read: {other:?}"),
        }
    }
}

#[test]
fn each_line_format_reads_its_own_sample_and_no_earlier_format_accepts_all_of_it() {
    for (i, spec) in LINE_FORMATS.iter().enumerate() {
        let sample = SAMPLES.iter().find(|(f, _)| *f == spec.format).map(|s| s.1);
        let lines: Vec<&[u8]> = sample
            .expect("every line format has a sample")
            .lines()
            .map(str::as_bytes)
            .collect();
        for line in &lines {
            assert!(
                !matches!((spec.read)(line), Entry::Unreadable(_)),
                "{:?} cannot read its own line {}",
                spec.format,
                String::from_utf8_lossy(line)
            );
        }
        for earlier in &LINE_FORMATS[..i] {
            let taken = lines.iter().filter(|l| (earlier.accepts)(l)).count();
            assert!(
                taken < lines.len(),
                "{:?}, tried first, accepts every line of {:?}",
                earlier.format,
                spec.format
            );
        }
    }
}
