//! Console performance: `cargo bench --no-default-features --bench ui`.
//!
//! - frame render time of the bucket list with 100,000 synthetic buckets (target < 2 ms);
//! - filter latency per keystroke on 100,000 buckets (target < 16 ms);
//! - process start to first frame in demo mode, in a pseudo-terminal (target < 50 ms);
//! - bytes written to the terminal per navigation key (printed as a table).

use std::hint::black_box;
use std::io::{Read, Write};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group};
use intransit::model::{Account, Bucket, Mode, Partition, PolicyText};
use intransit::store::{Store, Update};
use intransit::ui::page::Page;
use intransit::ui::screenshot::app_after;
use intransit::ui::{App, Depth, Theme, View};
use portable_pty::{CommandBuilder, PtySize, native_pty_system};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

const N: usize = 100_000;

/// 100,000 buckets over three accounts and regions; a fifth have the canonical TLS deny.
fn synthetic() -> Store {
    let store = Store::new(Mode::Snapshot);
    let accounts = ["111122223333", "444455556666", "777788889999"];
    let regions = ["us-east-1", "eu-west-1", "ap-southeast-2"];
    store.apply_all(accounts.iter().map(|id| {
        Update::Account(Account::entered(
            id,
            Partition::Aws,
            &format!("arn:aws:sts::{id}:assumed-role/Audit/bench"),
        ))
    }));
    let updates = (0..N).map(|i| {
        let name = format!("bucket-{i:06}-{}", ["data", "logs", "results", "lake"][i % 4]);
        let policy = if i % 5 == 0 {
            PolicyText::Present {
                text: format!(
                    r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::{name}","arn:aws:s3:::{name}/*"],"Condition":{{"Bool":{{"aws:SecureTransport":"false"}}}}}}]}}"#
                )
                .into(),
            }
        } else {
            PolicyText::None
        };
        Update::Bucket(Box::new(Bucket {
            policy_is_public: Some(false),
            ..Bucket::new(accounts[i % 3], &name, regions[i % 3], policy)
        }))
    });
    store.apply_all(updates);
    store
}

fn theme() -> Theme {
    Theme::load("default", Depth::Ansi16).expect("theme")
}

fn bench_render(c: &mut Criterion, store: &Store) {
    store.read(|state| {
        let app = app_after(state, theme(), 160, 48, "2jjjj");
        let mut term = Terminal::new(TestBackend::new(160, 48)).expect("terminal");
        c.bench_function("buckets view frame, 100k buckets, 160x48", |b| {
            b.iter(|| {
                term.draw(|f| intransit::ui::draw::draw(f, &app, state))
                    .expect("draw");
            })
        });
        let mut app2: App = app_after(state, theme(), 160, 48, "2");
        let mut down = true;
        c.bench_function("buckets view: key j + frame, 100k buckets", |b| {
            b.iter(|| {
                intransit::ui::screenshot::press(&mut app2, state, if down { "j" } else { "k" });
                down = !down;
                term.draw(|f| intransit::ui::draw::draw(f, &app2, state))
                    .expect("draw");
            })
        });
    });
}

/// The views that read the evaluation for their glyphs: the Overview and the Connectivity
/// diagram, drawn from the evaluation the app keeps (made once per store version).
fn bench_judged_views(c: &mut Criterion, store: &Store) {
    store.read(|state| {
        let mut term = Terminal::new(TestBackend::new(160, 48)).expect("terminal");
        for (name, script) in [
            ("overview frame, 100k buckets, 160x48", ""),
            ("connectivity frame, 100k buckets, 160x48", "4"),
        ] {
            let app = app_after(state, theme(), 160, 48, script);
            c.bench_function(name, |b| {
                b.iter(|| {
                    term.draw(|f| intransit::ui::draw::draw(f, &app, state))
                        .expect("draw");
                })
            });
        }
        // What a new store version costs: the documents built again from the estate.
        let app = app_after(state, theme(), 160, 48, "");
        let eval = app.evaluation();
        c.bench_function("overview document build, 100k buckets", |b| {
            b.iter(|| intransit::ui::views::overview::doc(state, eval, None, &app.theme, 157))
        });
        c.bench_function("connectivity diagram build, 100k buckets", |b| {
            b.iter(|| intransit::ui::views::connectivity::diagram(state, eval, &app.theme, 87))
        });
    });
}

fn bench_filter(c: &mut Criterion, store: &Store) {
    store.read(|state| {
        let mut app = app_after(state, theme(), 160, 48, "2");
        let View::Buckets(view) = app.view_mut() else {
            unreachable!()
        };
        let mut view = view.clone();
        // A full pass (first keystroke, or one that widens the filter).
        let mut flip = false;
        c.bench_function("filter keystroke, full pass, 100k buckets", |b| {
            b.iter(|| {
                flip = !flip;
                view.set_filter(
                    if flip {
                        "results".into()
                    } else {
                        "result".into()
                    },
                    state,
                );
                black_box(view.rows.len());
            })
        });
        // Typing a word: each keystroke narrows the previous result.
        let word = "lake us-east";
        c.bench_function("filter: typing 12 keystrokes, 100k buckets", |b| {
            b.iter(|| {
                view.set_filter(String::new(), state);
                for n in 1..=word.len() {
                    view.set_filter(word[..n].to_string(), state);
                }
                black_box(view.rows.len());
            })
        });
    });
}

/// What one store change costs the bucket list when it follows: during a live scan the console
/// follows at most once per frame (16 ms), so this bounds the list's share of a frame.
fn bench_follow(c: &mut Criterion, store: &Store) {
    let app = store.read(|state| app_after(state, theme(), 160, 48, "2"));
    let View::Buckets(view) = app.view() else {
        unreachable!()
    };
    let mut view = view.clone();
    let changed = store.read(|s| s.estate.buckets[N / 2].clone());
    c.bench_function("store applies one bucket change, 100k buckets", |b| {
        b.iter(|| store.apply(Update::Bucket(Box::new(changed.clone()))))
    });
    c.bench_function("bucket list follows one store change, 100k buckets", |b| {
        b.iter(|| {
            store.apply(Update::Bucket(Box::new(changed.clone())));
            store.read(|state| view.refresh_rows(state));
            black_box(view.rows.len());
        })
    });
}

/// What the store's lock is held for when the console evaluates: the estate copied for the
/// evaluation thread (since issue 14), against the evaluation that used to run under it.
fn bench_evaluation(c: &mut Criterion, store: &Store) {
    let mut g = c.benchmark_group("evaluation");
    g.sample_size(10);
    store.read(|state| {
        g.bench_function("estate copy under the lock, 100k buckets", |b| {
            b.iter(|| black_box(state.estate.clone()))
        });
        let catalog = intransit::compliance::Catalog::builtin();
        g.bench_function("evaluation off the lock, 100k buckets", |b| {
            b.iter(|| black_box(intransit::compliance::evaluate(&catalog, &state.estate)))
        });
    });
    g.finish();
}

/// Sorting the bucket list by another column (`s`, or a header click) and the frame after.
fn bench_sort(c: &mut Criterion, store: &Store) {
    store.read(|state| {
        let mut app = app_after(state, theme(), 160, 48, "2");
        let mut term = Terminal::new(TestBackend::new(160, 48)).expect("terminal");
        c.bench_function("buckets: key s (resort) + frame, 100k buckets", |b| {
            b.iter(|| {
                intransit::ui::screenshot::press(&mut app, state, "s");
                term.draw(|f| intransit::ui::draw::draw(f, &app, state))
                    .expect("draw");
            })
        });
    });
}

/// Runs `intransit --demo` in a pty; returns (time to first frame, session).
fn spawn_demo(cols: u16, rows: u16) -> (Duration, PtyRun) {
    let pty = native_pty_system();
    let pair = pty
        .openpty(PtySize {
            rows,
            cols,
            pixel_width: 0,
            pixel_height: 0,
        })
        .expect("pty");
    let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_intransit"));
    cmd.arg("--demo");
    cmd.env("TERM", "xterm-256color");
    cmd.env_remove("NO_COLOR");
    let dir = std::env::temp_dir();
    cmd.cwd(&dir);
    // std's spawn returns once exec has succeeded: the clock starts with the new process
    // (portable-pty's fork-side work, closing every inherited descriptor, is not ours).
    let child = pair.slave.spawn_command(cmd).expect("spawn");
    let t0 = Instant::now();
    drop(pair.slave);
    let mut reader = pair.master.try_clone_reader().expect("reader");
    let writer = pair.master.take_writer().expect("writer");
    let out = Arc::new(Mutex::new(Vec::<u8>::new()));
    let first = Arc::new(Mutex::new(None::<Duration>));
    {
        let out = Arc::clone(&out);
        let first = Arc::clone(&first);
        std::thread::spawn(move || {
            let mut buf = [0u8; 16384];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 {
                    break;
                }
                let mut o = out.lock().unwrap();
                o.extend_from_slice(&buf[..n]);
                let mut f = first.lock().unwrap();
                if f.is_none() && String::from_utf8_lossy(&o).contains("\u{1b}[?2026l") {
                    *f = Some(t0.elapsed());
                }
            }
        });
    }
    let deadline = Instant::now() + Duration::from_secs(10);
    let ttf = loop {
        if let Some(d) = *first.lock().unwrap() {
            break d;
        }
        assert!(Instant::now() < deadline, "no first frame");
        std::thread::sleep(Duration::from_micros(200));
    };
    (
        ttf,
        PtyRun {
            child,
            writer,
            out,
            _master: pair.master,
        },
    )
}

struct PtyRun {
    child: Box<dyn portable_pty::Child + Send + Sync>,
    writer: Box<dyn Write + Send>,
    out: Arc<Mutex<Vec<u8>>>,
    _master: Box<dyn portable_pty::MasterPty + Send>,
}

impl PtyRun {
    fn len(&self) -> usize {
        self.out.lock().unwrap().len()
    }
    fn quit(mut self) {
        let _ = self.writer.write_all(b"q");
        let _ = self.writer.flush();
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        let _ = self.child.kill();
    }
}

fn bench_startup(c: &mut Criterion) {
    let mut g = c.benchmark_group("startup");
    g.sample_size(20);
    g.bench_function("process start to first frame (demo, pty)", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                let (ttf, run) = spawn_demo(160, 48);
                total += ttf;
                run.quit();
            }
            total
        })
    });
    g.finish();
}

/// Bytes written per key once the demo scan is done (160×48).
fn bytes_per_key() {
    let (_, mut run) = spawn_demo(160, 48);
    let settle = |run: &PtyRun| {
        // Wait until nothing has been written for 150 ms.
        let mut last = run.len();
        loop {
            std::thread::sleep(Duration::from_millis(150));
            let now = run.len();
            if now == last {
                return now;
            }
            last = now;
        }
    };
    std::thread::sleep(Duration::from_secs(2));
    settle(&run);
    println!("\nbytes written to the terminal per key (160x48, demo estate, default theme):");
    for (label, keys) in [
        ("j (overview, next line)", "j"),
        ("k (overview, previous line)", "k"),
        ("2 (switch to Buckets)", "2"),
        ("j (buckets, next row)", "j"),
        ("j (buckets, next row)", "j"),
        ("k (buckets, previous row)", "k"),
        ("PgDn (buckets, next page)", "\u{1b}[6~"),
        ("Enter (bucket detail)", "\r"),
        ("j (detail, scroll)", "j"),
        ("Backspace (back)", "\u{7f}"),
        ("x (unbound key)", "x"),
    ] {
        let before = run.len();
        run.writer.write_all(keys.as_bytes()).unwrap();
        run.writer.flush().unwrap();
        let after = settle(&run);
        println!("  {label:<32} {:>6} bytes", after - before);
    }
    run.quit();
}

criterion_group!(in_process, bench_startup);

fn main() {
    let bench_mode = std::env::args().any(|a| a == "--bench");
    let mut c = Criterion::default().configure_from_args();
    let t = Instant::now();
    let store = synthetic();
    println!("synthetic store: {N} buckets in {:.1?}", t.elapsed());
    bench_render(&mut c, &store);
    bench_judged_views(&mut c, &store);
    bench_filter(&mut c, &store);
    bench_follow(&mut c, &store);
    bench_sort(&mut c, &store);
    bench_evaluation(&mut c, &store);
    if bench_mode {
        in_process();
        bytes_per_key();
    }
    c.final_summary();
}
