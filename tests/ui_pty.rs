//! The real binary in a pseudo-terminal: `intransit --demo` starts, fills in, navigates, quits
//! with `q` and gives the terminal back (alternate screen left, cursor shown); writes nothing
//! while idle; gives the terminal back on SIGTERM and on SIGHUP with the terminal still there;
//! and honours Ctrl-C while a large snapshot is still loading.

use std::io::{Read, Write};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use portable_pty::{Child, CommandBuilder, MasterPty, PtySize, native_pty_system};

const ENTER_ALT: &str = "\u{1b}[?1049h";
const LEAVE_ALT: &str = "\u{1b}[?1049l";
const SHOW_CURSOR: &str = "\u{1b}[?25h";

struct Session {
    child: Box<dyn Child + Send + Sync>,
    writer: Box<dyn Write + Send>,
    output: Arc<Mutex<Vec<u8>>>,
    _master: Box<dyn MasterPty + Send>,
}

impl Session {
    fn start(args: &[&str]) -> Session {
        Session::start_in(args, &std::env::temp_dir().join("intransit-pty-test-home"))
    }

    /// Started with `home` as HOME and XDG_CONFIG_HOME (and the working directory).
    fn start_in(args: &[&str], home: &std::path::Path) -> Session {
        let pty = native_pty_system();
        let pair = pty
            .openpty(PtySize {
                rows: 30,
                cols: 100,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("a pty");
        let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_intransit"));
        cmd.args(args);
        cmd.env("TERM", "xterm-256color");
        cmd.env_remove("NO_COLOR");
        std::fs::create_dir_all(home).expect("a home for the test");
        cmd.cwd(home);
        cmd.env("XDG_CONFIG_HOME", home);
        cmd.env("HOME", home);
        let child = pair.slave.spawn_command(cmd).expect("spawn intransit");
        drop(pair.slave);
        let mut reader = pair.master.try_clone_reader().expect("reader");
        let writer = pair.master.take_writer().expect("writer");
        let output = Arc::new(Mutex::new(Vec::new()));
        let sink = Arc::clone(&output);
        std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            loop {
                match reader.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => sink.lock().unwrap().extend_from_slice(&buf[..n]),
                }
            }
        });
        Session {
            child,
            writer,
            output,
            _master: pair.master,
        }
    }

    fn len(&self) -> usize {
        self.output.lock().unwrap().len()
    }

    fn text(&self) -> String {
        String::from_utf8_lossy(&self.output.lock().unwrap()).into_owned()
    }

    /// Waits until the output after byte `from` contains `needle`.
    fn wait_for(&self, needle: &str, from: usize) {
        let deadline = Instant::now() + Duration::from_secs(15);
        while Instant::now() < deadline {
            let out = self.output.lock().unwrap();
            if String::from_utf8_lossy(&out[from.min(out.len())..]).contains(needle) {
                return;
            }
            drop(out);
            std::thread::sleep(Duration::from_millis(20));
        }
        panic!(
            "timed out waiting for {needle:?}; output so far:\n{}",
            self.text()
        );
    }

    fn send(&mut self, keys: &str) {
        self.writer.write_all(keys.as_bytes()).expect("write keys");
        self.writer.flush().expect("flush keys");
    }

    fn wait_exit(&mut self) -> portable_pty::ExitStatus {
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Some(status) = self.child.try_wait().expect("try_wait") {
                return status;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        panic!("intransit did not exit; output:\n{}", self.text());
    }

    fn signal(&self, name: &str) {
        let pid = self.child.process_id().expect("pid");
        let ok = std::process::Command::new("kill")
            .args([format!("-{name}"), pid.to_string()])
            .status()
            .expect("kill")
            .success();
        assert!(ok, "kill -{name} {pid}");
    }
}

/// The output once the demo scan has finished and its last frame is drawn.
fn started() -> Session {
    let s = Session::start(&["--demo"]);
    s.wait_for(ENTER_ALT, 0);
    s.wait_for("scan complete", 0);
    std::thread::sleep(Duration::from_millis(500));
    s
}

#[test]
fn demo_navigates_quits_with_q_and_restores_the_terminal() {
    let mut s = started();
    let text = s.text();
    assert!(text.contains("DEMO"), "mode badge");
    assert!(text.contains("READ-ONLY"));
    assert!(text.contains("At a glance"));

    let mark = s.len();
    s.send("2");
    s.wait_for("VERDICT", mark);
    let mark = s.len();
    s.send("j\r");
    s.wait_for("Minimum TLS", mark);
    let mark = s.len();
    s.send("\u{1b}");
    // Esc alone is ambiguous to crossterm until a short timeout; the list comes back.
    s.wait_for("VERDICT", mark);
    let mark = s.len();
    s.send("4");
    s.wait_for("On-premises", mark);
    s.send("q");
    let status = s.wait_exit();
    assert!(status.success(), "exit status {status:?}");
    std::thread::sleep(Duration::from_millis(100));

    let text = s.text();
    let entered = text.rfind(ENTER_ALT).expect("entered the alternate screen");
    let left = text.rfind(LEAVE_ALT).expect("left the alternate screen");
    assert!(
        left > entered,
        "the alternate screen was left after it was entered"
    );
    let shown = text.rfind(SHOW_CURSOR).expect("cursor shown again");
    assert!(shown > entered);
    // Frames are wrapped in synchronized updates.
    assert!(text.contains("\u{1b}[?2026h") && text.contains("\u{1b}[?2026l"));
}

#[test]
fn nothing_is_written_while_idle() {
    let mut s = started();
    // The last thing a finished scan brings: the top fixes, planned off the store's lock.
    s.wait_for("Top fix", 0);
    std::thread::sleep(Duration::from_millis(300));
    let before = s.len();
    std::thread::sleep(Duration::from_secs(2));
    let after = s.len();
    assert_eq!(after - before, 0, "bytes written while idle");
    s.send("q");
    assert!(s.wait_exit().success());
}

#[test]
fn sigterm_restores_the_terminal() {
    let mut s = started();
    s.signal("TERM");
    let status = s.wait_exit();
    assert_eq!(status.exit_code(), 143, "{status:?}");
    std::thread::sleep(Duration::from_millis(100));
    let text = s.text();
    assert!(text.rfind(LEAVE_ALT) > text.rfind(ENTER_ALT));
}

/// The tty's settings as `stty -a` reads them from the pty's device.
fn stty(tty: &std::path::Path) -> String {
    let out = std::process::Command::new("stty")
        .arg("-F")
        .arg(tty)
        .arg("-a")
        .output()
        .expect("stty");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// `kill -HUP` with the terminal still there: the console gives it back (main screen, cursor
/// shown, cooked mode) and exits 129, promptly.
#[test]
fn sighup_with_the_terminal_still_there_restores_it() {
    let mut s = started();
    let tty = s._master.tty_name().expect("the pty's device");
    assert!(stty(&tty).contains("-icanon"), "raw while running");
    s.signal("HUP");
    let t0 = Instant::now();
    let status = s.wait_exit();
    assert!(t0.elapsed() < Duration::from_secs(2), "exits promptly");
    assert_eq!(status.exit_code(), 129, "{status:?}");
    std::thread::sleep(Duration::from_millis(100));
    let text = s.text();
    assert!(
        text.rfind(LEAVE_ALT) > text.rfind(ENTER_ALT),
        "main screen again"
    );
    assert!(
        text.rfind(SHOW_CURSOR) > text.rfind(ENTER_ALT),
        "cursor shown"
    );
    let settings = stty(&tty);
    assert!(
        settings.contains(" icanon") && settings.contains(" echo"),
        "cooked mode again: {settings}"
    );
}

/// A snapshot big enough to take seconds to load: the demo's buckets, copied under new names.
fn big_snapshot(copies: usize) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join("intransit-pty-test-home");
    std::fs::create_dir_all(&dir).expect("dir");
    let demo = dir.join("demo-snapshot.json");
    let run = std::process::Command::new(env!("CARGO_BIN_EXE_intransit"))
        .args(["scan", "--demo", "--no-latency", "--out"])
        .arg(&demo)
        .output()
        .expect("intransit scan --demo");
    assert!(demo.exists(), "{}", String::from_utf8_lossy(&run.stderr));
    let mut snapshot: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&demo).expect("read")).expect("JSON");
    let buckets = snapshot["buckets"].as_array().expect("buckets").clone();
    let mut many = Vec::with_capacity(buckets.len() * copies);
    for i in 0..copies {
        for b in &buckets {
            let mut b = b.clone();
            let name = format!("{}-{i:04}", b["name"].as_str().expect("name"));
            b["name"] = serde_json::Value::String(name);
            // A JSON escape in the policy: the store cannot share its shape's analysis, so
            // every bucket is analyzed on its own and the load takes its time.
            if let Some(text) = b["policy"]["text"].as_str() {
                let text = text.replacen("\"Version\"", "\"\\u0056ersion\"", 1);
                b["policy"]["text"] = serde_json::Value::String(text);
            }
            many.push(b);
        }
    }
    snapshot["buckets"] = serde_json::Value::Array(many);
    let path = dir.join(format!("big-snapshot-{}.json", std::process::id()));
    std::fs::write(&path, snapshot.to_string()).expect("write");
    path
}

/// Ctrl-C while a large snapshot is still loading ends the console at once (the load runs
/// off the runtime's threads), with status 130, before the screen was ever taken over.
#[test]
fn ctrl_c_while_a_snapshot_loads_is_honoured_at_once() {
    let path = big_snapshot(60);
    let started = Instant::now();
    let mut s = Session::start(&["--snapshot", path.to_str().expect("utf-8")]);
    std::thread::sleep(Duration::from_millis(300));
    s.signal("INT");
    let t0 = Instant::now();
    let status = s.wait_exit();
    let took = t0.elapsed();
    eprintln!(
        "exit {took:?} after SIGINT, {:?} after start",
        started.elapsed()
    );
    let _ = std::fs::remove_file(&path);
    assert_eq!(status.exit_code(), 130, "{status:?}\n{}", s.text());
    assert!(
        !s.text().contains(ENTER_ALT),
        "still loading when interrupted (a larger snapshot is needed on this machine)"
    );
    // A hang guard; the time itself is recorded in docs/BENCHMARKS.md.
    assert!(took < Duration::from_secs(2), "{took:?}");
}

/// A user's keys file remaps keys in the real console: `x` quits, `q` no longer does. A file
/// that binds one key twice stops the console with why.
#[test]
fn a_user_keys_file_rebinds_the_console() {
    let home = std::env::temp_dir().join(format!("intransit-pty-keys-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&home);
    std::fs::create_dir_all(home.join("intransit")).expect("the config dir");
    std::fs::write(
        home.join("intransit").join("keys.toml"),
        "[[bind]]\nkeys = [\"x\", \"Ctrl-c\"]\naction = \"quit\"\nscope = \"global\"\nhelp = \"quit\"\nhint = \"quit\"\n",
    )
    .expect("write keys.toml");
    let mut s = Session::start_in(&["--demo"], &home);
    s.wait_for(ENTER_ALT, 0);
    s.wait_for("scan complete", 0);
    s.send("q");
    std::thread::sleep(Duration::from_millis(400));
    assert!(
        s.child.try_wait().expect("try_wait").is_none(),
        "q is not bound any more"
    );
    s.send("x");
    let status = s.wait_exit();
    assert!(status.success(), "exit status {status:?}");

    std::fs::write(
        home.join("intransit").join("keys.toml"),
        "[[bind]]\nkeys = [\"j\"]\naction = \"quit\"\nscope = \"global\"\n",
    )
    .expect("write keys.toml");
    let mut s = Session::start_in(&["--demo"], &home);
    let status = s.wait_exit();
    assert!(!status.success());
    // The reader may still be taking the last bytes from the pty once the process is gone.
    s.wait_for("j is bound to both Down and Quit in global", 0);
    let _ = std::fs::remove_dir_all(&home);
}
