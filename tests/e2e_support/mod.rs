//! Harness of the end-to-end tests: a Python with moto, the moto launcher, the seeding
//! script, and a scan run in process. Nothing here mocks AWS: the scanner talks HTTP to moto.

#![allow(dead_code)]

use std::fs::{self, OpenOptions};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::sync::{Once, OnceLock};
use std::time::{Duration, Instant, SystemTime};

use intransit::model::Snapshot;
use intransit::source::{AwsOptions, SourceError, SourceSpec};
use serde_json::Value;

pub const MAIN_ACCOUNT: &str = "123456789012";
pub const SECOND_ACCOUNT: &str = "222222222222";
pub const REGIONS: [&str; 3] = ["us-east-1", "eu-west-1", "ap-southeast-2"];

pub fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn e2e_dir() -> PathBuf {
    manifest_dir().join("tests").join("e2e")
}

/// A scratch file path unique to this process.
pub fn scratch(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("e2e");
    fs::create_dir_all(&dir).expect("create the e2e scratch directory");
    dir.join(format!("{}-{name}", std::process::id()))
}

/// The credentials and region moto expects, set once in this process before any client is
/// built. Shared config files are pointed at nothing so a developer's profile cannot leak in.
pub fn aws_env() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let none = scratch("no-aws-config");
        let vars: [(&str, &str); 6] = [
            ("AWS_ACCESS_KEY_ID", "testing"),
            ("AWS_SECRET_ACCESS_KEY", "testing"),
            ("AWS_REGION", "us-east-1"),
            ("AWS_EC2_METADATA_DISABLED", "true"),
            ("AWS_CONFIG_FILE", none.to_str().unwrap_or("/nonexistent")),
            (
                "AWS_SHARED_CREDENTIALS_FILE",
                none.to_str().unwrap_or("/nonexistent"),
            ),
        ];
        // SAFETY: runs once, first thing in every test, before this process starts any
        // thread that reads the environment (runtimes and SDK clients come after).
        unsafe {
            for (k, v) in vars {
                std::env::set_var(k, v);
            }
            for k in [
                "AWS_PROFILE",
                "AWS_SESSION_TOKEN",
                "AWS_DEFAULT_REGION",
                "AWS_ENDPOINT_URL",
                "AWS_ROLE_ARN",
                "AWS_WEB_IDENTITY_TOKEN_FILE",
                "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
                "AWS_CONTAINER_CREDENTIALS_FULL_URI",
            ] {
                std::env::remove_var(k);
            }
        }
    });
}

fn python_has_moto(python: &Path) -> bool {
    Command::new(python)
        .args(["-c", "import moto, boto3"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .map(|s| s.success())
        .unwrap_or(false)
}

/// A Python able to run the launcher: `INTRANSIT_E2E_PYTHON`, else `.venv-e2e`, created and
/// filled from `tests/e2e/requirements.txt` when missing (under a lock file, so concurrent
/// test processes do not race). Panics with the reason when none can be had: these tests
/// never skip silently.
pub fn python() -> PathBuf {
    static PYTHON: OnceLock<PathBuf> = OnceLock::new();
    PYTHON.get_or_init(find_python).clone()
}

fn find_python() -> PathBuf {
    if let Some(p) = std::env::var_os("INTRANSIT_E2E_PYTHON") {
        let p = PathBuf::from(p);
        assert!(
            python_has_moto(&p),
            "INTRANSIT_E2E_PYTHON={} cannot import moto and boto3; install tests/e2e/requirements.txt into it",
            p.display()
        );
        return p;
    }
    let venv = manifest_dir().join(".venv-e2e");
    let python = venv.join("bin").join("python");
    if python.exists() && python_has_moto(&python) {
        return python;
    }
    let lock_path = manifest_dir().join("target").join("e2e-venv.lock");
    let _lock = FileLock::acquire(&lock_path, Duration::from_secs(15 * 60));
    // Another process may have built it while we waited.
    if python.exists() && python_has_moto(&python) {
        return python;
    }
    let log = scratch("venv-setup.log");
    let mut out = String::new();
    if !python.exists() {
        out += &run_logged(
            Command::new("python3").arg("-m").arg("venv").arg(&venv),
            "python3 -m venv .venv-e2e",
        );
    }
    let e2e = e2e_dir();
    out += &run_logged(
        Command::new(&python)
            .args(["-m", "pip", "install", "--quiet", "-r"])
            .arg(e2e.join("requirements.txt"))
            .arg("-c")
            .arg(e2e.join("constraints.txt")),
        "pip install -r tests/e2e/requirements.txt",
    );
    let _ = fs::write(&log, &out);
    assert!(
        python_has_moto(&python),
        "the e2e Python venv {} still cannot import moto after setup (log: {}); set INTRANSIT_E2E_PYTHON to a Python with tests/e2e/requirements.txt installed",
        venv.display(),
        log.display()
    );
    python
}

fn run_logged(cmd: &mut Command, what: &str) -> String {
    match cmd.output() {
        Ok(o) if o.status.success() => String::from_utf8_lossy(&o.stdout).into_owned(),
        Ok(o) => panic!(
            "e2e setup step `{what}` failed ({}):\n{}\n{}\nSet INTRANSIT_E2E_PYTHON to a Python with tests/e2e/requirements.txt installed.",
            o.status,
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        ),
        Err(e) => panic!(
            "e2e setup step `{what}` could not start: {e}. Set INTRANSIT_E2E_PYTHON to a Python with tests/e2e/requirements.txt installed."
        ),
    }
}

/// A lock file created exclusively; removed on drop. A lock older than `stale` is broken.
struct FileLock(PathBuf);

impl FileLock {
    fn acquire(path: &Path, stale: Duration) -> FileLock {
        if let Some(dir) = path.parent() {
            let _ = fs::create_dir_all(dir);
        }
        let deadline = Instant::now() + stale + Duration::from_secs(60);
        loop {
            match OpenOptions::new().write(true).create_new(true).open(path) {
                Ok(mut f) => {
                    let _ = writeln!(f, "{}", std::process::id());
                    return FileLock(path.to_path_buf());
                }
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                    let age = fs::metadata(path)
                        .and_then(|m| m.modified())
                        .ok()
                        .and_then(|t| SystemTime::now().duration_since(t).ok());
                    if age.is_some_and(|a| a > stale) {
                        let _ = fs::remove_file(path);
                        continue;
                    }
                    assert!(
                        Instant::now() < deadline,
                        "timed out waiting for the e2e venv lock {}",
                        path.display()
                    );
                    std::thread::sleep(Duration::from_millis(500));
                }
                Err(e) => panic!("cannot create the lock file {}: {e}", path.display()),
            }
        }
    }
}

impl Drop for FileLock {
    fn drop(&mut self) {
        let _ = fs::remove_file(&self.0);
    }
}

/// A running `moto_launcher.py`; stopped on drop. It also stops by itself when this process
/// dies (`--exit-with-parent`: it watches its stdin, a pipe held by us).
pub struct Moto {
    child: Child,
    pub url: String,
    pub log: PathBuf,
}

impl Moto {
    pub fn start() -> Moto {
        aws_env();
        let python = python();
        let log = scratch(&format!("moto-{}.log", unique()));
        let stderr = fs::File::create(&log).expect("create the moto log file");
        let mut child = Command::new(&python)
            .arg(e2e_dir().join("moto_launcher.py"))
            .args(["--port", "0", "--exit-with-parent"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::from(stderr))
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {} moto_launcher.py: {e}", python.display()));
        let stdout = child.stdout.take().expect("launcher stdout");
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut line = String::new();
            let _ = BufReader::new(stdout).read_line(&mut line);
            let _ = tx.send(line);
        });
        let line = rx.recv_timeout(Duration::from_secs(60)).unwrap_or_default();
        let Some(url) = line.trim().strip_prefix("READY ").map(str::to_string) else {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "moto_launcher.py did not print READY (got {line:?}); its log: {}\n{}",
                log.display(),
                fs::read_to_string(&log).unwrap_or_default()
            );
        };
        Moto { child, url, log }
    }

    /// Runs `seed_estate.py` with `args` and returns the expectations it wrote.
    pub fn seed(&self, args: &[&str]) -> Value {
        let expect = scratch(&format!("expect-{}.json", unique()));
        let out = Command::new(python())
            .arg(e2e_dir().join("seed_estate.py"))
            .args(["--endpoint", &self.url, "--expect"])
            .arg(&expect)
            .args(args)
            .output()
            .expect("run seed_estate.py");
        assert!(
            out.status.success(),
            "seed_estate.py failed ({}):\n{}\n{}",
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        let text = fs::read_to_string(&expect).expect("read the seeded expectations");
        serde_json::from_str(&text).expect("expectations are JSON")
    }

    /// How many times each registered fault fired, in the order they were registered.
    pub fn fault_hits(&self) -> Vec<u64> {
        let seen = self.side("GET", "/_seed/faults", &Value::Object(Default::default()));
        seen["faults"]
            .as_array()
            .unwrap_or_else(|| panic!("the launcher's faults: {seen}"))
            .iter()
            .map(|f| f["hits"].as_u64().unwrap_or(0))
            .collect()
    }

    /// A plain-HTTP JSON request to the launcher's side endpoints (`/_seed/...`).
    pub fn side(&self, method: &str, path: &str, body: &Value) -> Value {
        let addr = self
            .url
            .strip_prefix("http://")
            .expect("launcher URL is http://");
        let mut stream = TcpStream::connect(addr).expect("connect to the launcher");
        stream
            .set_read_timeout(Some(Duration::from_secs(30)))
            .expect("read timeout");
        let body = body.to_string();
        let request = format!(
            "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        );
        stream
            .write_all(request.as_bytes())
            .expect("send to the launcher");
        let mut response = String::new();
        stream
            .read_to_string(&mut response)
            .expect("read the launcher's answer");
        let (head, payload) = response.split_once("\r\n\r\n").expect("an HTTP response");
        assert!(
            head.starts_with("HTTP/1.1 200") || head.starts_with("HTTP/1.0 200"),
            "{method} {path} answered {head}\n{payload}"
        );
        serde_json::from_str(payload).expect("the launcher answers JSON")
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn unique() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    N.fetch_add(1, Ordering::Relaxed)
}

/// Options of a scan against the launcher.
pub fn options(url: &str, role_arns: &[&str]) -> AwsOptions {
    AwsOptions {
        endpoint_url: Some(url.to_string()),
        regions: REGIONS.iter().map(|r| r.to_string()).collect(),
        role_arns: role_arns.iter().map(|r| r.to_string()).collect(),
        concurrency: 16,
        call_timeout: Duration::from_secs(20),
        ..AwsOptions::default()
    }
}

/// Runs the real scan in process (its own runtime) and returns its outcome and snapshot.
pub fn scan(opts: AwsOptions) -> (Result<(), SourceError>, Snapshot, Duration) {
    aws_env();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("tokio runtime");
    let started = Instant::now();
    runtime.block_on(async move {
        let scan = intransit::source::start(&SourceSpec::Aws(opts))
            .await
            .expect("start the AWS source");
        let store = scan.store.clone();
        let result = scan.finish().await.map(|_| ());
        (result, store.snapshot(), started.elapsed())
    })
}
