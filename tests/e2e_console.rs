//! The live console against moto in a pseudo-terminal: a bucket the scan read without its
//! context (policy status, public access block, encryption) gets it read when the operator
//! opens it, and the detail view shows it.

mod e2e_support;

use std::io::{Read, Write};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use e2e_support::Moto;
use portable_pty::{CommandBuilder, PtySize, native_pty_system};

#[test]
fn opening_a_bucket_in_a_live_console_reads_its_context() {
    let moto = Moto::start();
    moto.seed(&["--buckets", "4"]);
    e2e_support::aws_env();
    let pair = native_pty_system()
        .openpty(PtySize {
            rows: 40,
            cols: 140,
            pixel_width: 0,
            pixel_height: 0,
        })
        .expect("a pty");
    let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_intransit"));
    cmd.args(["--endpoint-url", &moto.url, "--region", "us-east-1"]);
    cmd.env("TERM", "xterm-256color");
    let home = e2e_support::scratch("console-home");
    std::fs::create_dir_all(&home).expect("home");
    cmd.env("HOME", &home);
    cmd.env("XDG_CONFIG_HOME", &home);
    cmd.cwd(&home);
    let mut child = pair.slave.spawn_command(cmd).expect("spawn intransit");
    drop(pair.slave);
    let mut reader = pair.master.try_clone_reader().expect("reader");
    let mut writer = pair.master.take_writer().expect("writer");
    let output = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&output);
    std::thread::spawn(move || {
        let mut buf = [0u8; 8192];
        while let Ok(n) = reader.read(&mut buf) {
            if n == 0 {
                break;
            }
            sink.lock().unwrap().extend_from_slice(&buf[..n]);
        }
    });
    let text = || String::from_utf8_lossy(&output.lock().unwrap()).into_owned();
    let wait_for = |needle: &str| {
        let deadline = Instant::now() + Duration::from_secs(30);
        while Instant::now() < deadline {
            if text().contains(needle) {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("timed out waiting for {needle:?}; output:\n{}", text());
    };
    let mut send = |keys: &str| {
        writer.write_all(keys.as_bytes()).expect("keys");
        writer.flush().expect("flush");
    };

    wait_for("scan complete");
    send("2");
    wait_for("bench-00001");
    send("/bench-00001\r");
    std::thread::sleep(Duration::from_millis(300));
    send("\r");
    // SSE-S3 is moto's default encryption: only a context read can show it.
    wait_for("AES256");
    send("q");
    let deadline = Instant::now() + Duration::from_secs(5);
    let status = loop {
        if let Some(s) = child.try_wait().expect("try_wait") {
            break s;
        }
        assert!(Instant::now() < deadline, "intransit did not exit");
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(status.success(), "{status:?}");
}
