//! Access log records parsed per second: `cargo bench --no-default-features --bench traffic`
//! (criterion "elements" are lines; target at least 1,000,000 a second on one core). The
//! file is read through `traffic::access_log::read` from memory: streamed line by line, one
//! buffer reused, never held as records; "read and aggregate" also counts each record into its
//! client row, plain-HTTP row and bucket (what `intransit traffic` does per line).

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use intransit::traffic::Aggregator;
use intransit::traffic::access_log::{parse, read};

/// The Amazon S3 User Guide's example record, then the same over plain HTTP.
const LINES: [&str; 2] = [
    r#"79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be amzn-s3-demo-bucket1 [06/Feb/2019:00:00:38 +0000] 192.0.2.3 79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be 3E57427F3EXAMPLE REST.GET.VERSIONING - "GET /amzn-s3-demo-bucket1?versioning HTTP/1.1" 200 - 113 - 7 - "-" "S3Console/0.4" - s9lzHYrFp76ZVxRcpX9+5cjAnEH2ROuNkd2BHfIa6UkFVdtjf5mKR3/eTPFvsiP/XV/VLi31234= SigV4 ECDHE-RSA-AES128-GCM-SHA256 AuthHeader amzn-s3-demo-bucket1.s3.us-west-1.amazonaws.com TLSV1.2 arn:aws:s3:us-west-1:123456789012:accesspoint/example-AP Yes us-east-1"#,
    r#"79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be clickstream-landing-use1 [03/Dec/2026:08:14:02 +0000] 203.0.113.9 arn:aws:iam::111122223333:user/etl 3E57427F3EXAMPLF REST.GET.OBJECT events/2026/12/03/part-0001.json "GET /events/2026/12/03/part-0001.json HTTP/1.1" 200 - 5120 5120 21 20 "-" "aws-cli/2.15.0 Python/3.11.6 Linux/6.1 exe/x86_64" - AIDAEXAMPLEHOSTID= - - - clickstream-landing-use1.s3.us-east-1.amazonaws.com - - -"#,
];

const N: usize = 100_000;

fn bench(c: &mut Criterion) {
    let mut file = String::with_capacity(N * 420);
    for i in 0..N {
        file.push_str(LINES[i % 2]);
        file.push('\n');
    }
    let mut g = c.benchmark_group("access log");
    g.throughput(Throughput::Elements(N as u64));
    g.bench_function("read 100,000 lines from memory", |b| {
        b.iter(|| {
            let mut plain = 0u64;
            let count = read(std::io::Cursor::new(file.as_bytes()), |r| {
                if r.transport == intransit::traffic::access_log::Transport::PlainHttp {
                    plain += 1;
                }
            })
            .expect("read");
            black_box((count, plain))
        })
    });
    g.bench_function("read and aggregate 100,000 lines", |b| {
        b.iter(|| {
            let mut agg = Aggregator::new(None);
            read(std::io::Cursor::new(file.as_bytes()), |r| {
                agg.access_log(r);
            })
            .expect("read");
            black_box(agg.finish())
        })
    });
    g.bench_function("parse 100,000 lines (no reader)", |b| {
        b.iter(|| {
            for line in file.lines() {
                black_box(parse(line).ok());
            }
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
