//! The event loop: terminal input (crossterm's `EventStream`), store changes (a `watch` of its
//! version), a spinner tick only while fetches are in flight, and signals — one
//! `tokio::select!`. A frame is drawn only after something changed; when the scan is done and
//! no key is pressed, nothing at all is written.

use std::collections::HashSet;
use std::io::Write;
use std::path::PathBuf;
use std::pin::Pin;
use std::time::{Duration, SystemTime};

use crossterm::event::{Event, EventStream};
use futures_core::Stream;
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use tokio::signal::unix::{SignalKind, signal};
use tokio::task::JoinHandle;
use tokio::time::Instant;

use super::app::{App, Effect, Evaluated, View};
use super::theme::Theme;
use super::{clipboard, log, terminal};
use crate::model::{ContextRead, PolicyText};
use crate::source::{self, SourceError, SourceSpec};
use crate::store::Store;

/// Why the console stopped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exit {
    Quit,
    Interrupted,
    Terminated,
    /// SIGHUP or the terminal's input closed: nothing was written on the way out.
    HungUp,
}

impl Exit {
    pub fn code(self) -> u8 {
        match self {
            Exit::Quit => 0,
            Exit::HungUp => 129,
            Exit::Interrupted => 130,
            Exit::Terminated => 143,
        }
    }
}

pub struct Options {
    pub spec: SourceSpec,
    pub theme: Theme,
    pub mouse: bool,
    pub exceptions: Option<(
        crate::compliance::exceptions::Exceptions,
        crate::compliance::exceptions::Day,
    )>,
    pub baseline: Option<(String, crate::model::Snapshot)>,
    /// Logs read from the command line, given to the store after every (re)start.
    pub traffic: Option<std::sync::Arc<crate::traffic::Traffic>>,
    pub bindings: super::bindings::Bindings,
}

type Term = Terminal<CrosstermBackend<terminal::TermWriter>>;

/// Frames are at most this often (input and store changes are coalesced in between).
const FRAME: Duration = Duration::from_millis(16);
const SPINNER_TICK: Duration = Duration::from_millis(100);

async fn next_event(events: &mut EventStream) -> Option<std::io::Result<Event>> {
    std::future::poll_fn(|cx| Pin::new(&mut *events).poll_next(cx)).await
}

fn draw(term: &mut Term, app: &App, store: &Store) -> std::io::Result<()> {
    terminal::begin_frame(term.backend_mut())?;
    term.draw(|f| store.read(|s| super::draw::draw(f, app, s)))?;
    terminal::end_frame(term.backend_mut())
}

/// A default snapshot file name: `intransit-snapshot-20250101T120000Z.json`.
pub fn default_snapshot_path() -> PathBuf {
    let stamp = humantime::format_rfc3339_seconds(SystemTime::now())
        .to_string()
        .replace(['-', ':'], "");
    PathBuf::from(format!("intransit-snapshot-{stamp}.json"))
}

fn write_snapshot(store: &Store, path: PathBuf) -> JoinHandle<Result<PathBuf, String>> {
    let snapshot = store.snapshot();
    tokio::task::spawn_blocking(move || {
        crate::source::snapshot_file::write_file(&path, &snapshot)
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        Ok(path)
    })
}

/// Starts the evaluation the views wait for on a blocking thread: the store's lock is held
/// only while the estate is copied, so fetchers keep writing and keys keep working while the
/// checks run.
fn start_evaluation(app: &mut App, store: &Store, pending: &mut Option<JoinHandle<Evaluated>>) {
    if pending.is_some() {
        return;
    }
    if let Some(job) = store.read(|s| app.evaluation_job(s)) {
        *pending = Some(tokio::task::spawn_blocking(move || job.run()));
    }
}

/// The views follow the store's current state.
/// Returns whether the views caught up with the store (see [`App::sync`]).
fn follow(app: &mut App, store: &Store) -> bool {
    store.read(|s| {
        let caught_up = app.sync(s);
        app.place_cursor(s);
        caught_up
    })
}

/// In a live console, an open bucket whose context the scan did not read (and whose policy
/// read is over, so the scan will not write it again) gets it read, once.
fn ask_context(app: &App, store: &Store, spec: &SourceSpec, asked: &mut HashSet<String>) {
    let View::BucketDetail(d) = app.view() else {
        return;
    };
    if asked.contains(&d.name) {
        return;
    }
    // Runs on every turn of the loop: an index lookup, never a pass over the buckets.
    let account = store.read(|s| {
        s.bucket(&d.name)
            .filter(|b| b.context == ContextRead::NotRead && b.policy != PolicyText::Pending)
            .map(|b| b.account_id.clone())
    });
    if let Some(account) = account
        && source::read_bucket_context(spec, store, &account, &d.name)
    {
        log::line("reading an opened bucket's context");
        asked.insert(d.name.clone());
    }
}

/// Runs the console until the user quits or a signal arrives. The terminal is restored by
/// the caller's [`terminal::Guard`].
pub async fn run(opts: Options) -> Result<Exit, String> {
    let mut sigint = signal(SignalKind::interrupt()).map_err(|e| e.to_string())?;
    let mut sigterm = signal(SignalKind::terminate()).map_err(|e| e.to_string())?;
    let mut sighup = signal(SignalKind::hangup()).map_err(|e| e.to_string())?;

    log::line("event loop: starting the source");
    // A snapshot may take a while to load: a signal meanwhile ends the console at once.
    let scan = tokio::select! {
        biased;
        _ = sighup.recv() => return Ok(Exit::HungUp),
        _ = sigterm.recv() => return Ok(Exit::Terminated),
        _ = sigint.recv() => return Ok(Exit::Interrupted),
        scan = source::start(&opts.spec) => scan.map_err(|e| e.to_string())?,
    };
    let mut store = scan.store;
    crate::cli::apply_traffic(&store, opts.traffic.as_ref());
    let mut task: Option<JoinHandle<Result<(), SourceError>>> = scan.task;
    let mut rx = store.subscribe();

    terminal::enter(opts.mouse).map_err(|e| format!("cannot set up the terminal: {e}"))?;
    let _guard = terminal::Guard;
    let writer = terminal::TermWriter::new();
    let mut term = Terminal::new(CrosstermBackend::new(writer)).map_err(|e| e.to_string())?;
    let size = term.size().map_err(|e| e.to_string())?;
    let mut app = App::new(opts.theme, (size.width, size.height));
    app.mouse = opts.mouse;
    app.background = true;
    app.exceptions = opts.exceptions;
    app.bindings = std::sync::Arc::new(opts.bindings);
    if let Some((source, snapshot)) = opts.baseline {
        app.set_baseline(&source, snapshot);
    }
    store.read(|s| {
        app.sync(s);
        app.place_cursor(s);
    });
    log::line(&format!(
        "console started: {}x{}, theme {}, {}",
        size.width,
        size.height,
        app.theme.name,
        app.depth.as_str()
    ));

    let mut events = EventStream::new();
    let mut pending_write: Option<JoinHandle<Result<PathBuf, String>>> = None;
    let mut pending_eval: Option<JoinHandle<Evaluated>> = None;
    let mut dirty = true;
    let mut next_frame = Instant::now();
    let mut next_tick = Instant::now() + SPINNER_TICK;
    let mut was_busy = true;
    let mut first_drawn = false;

    let mut context_asked: HashSet<String> = HashSet::new();
    // The store changed since the views last followed it. A live scan changes it thousands of
    // times a second; the views (bucket filter, evaluation) follow once per frame, or before
    // a key is handled, never once per change.
    let mut stale = false;
    let (mut changes, mut follows) = (0u64, 0u64);
    // How long each frame drawn during the scan took (following the store, then drawing),
    // for the log at the scan's end.
    let mut frame_times = FrameTimes::default();
    loop {
        ask_context(&app, &store, &opts.spec, &mut context_asked);
        start_evaluation(&mut app, &store, &mut pending_eval);
        if dirty && Instant::now() >= next_frame {
            let frame_started = Instant::now();
            // Paced views that stayed behind are drawn again next frame, when they may follow.
            let behind = stale && {
                follows += 1;
                !follow(&mut app, &store)
            };
            stale = behind;
            if let Err(e) = draw(&mut term, &app, &store) {
                log::line(&format!("draw failed: {e}"));
                terminal::mark_gone();
                return Ok(Exit::HungUp);
            }
            if terminal::is_gone() {
                return Ok(Exit::HungUp);
            }
            if !first_drawn {
                first_drawn = true;
                log::line("first frame drawn");
            }
            dirty = behind;
            next_frame = Instant::now() + FRAME;
            if was_busy {
                frame_times.push(frame_started.elapsed());
            }
        }
        let busy = task.is_some() && store.read(|s| !app.scan_done(s));
        if busy && !was_busy {
            next_tick = Instant::now() + SPINNER_TICK;
        }
        if was_busy && !busy {
            log::line(&format!(
                "scan finished: the views followed {follows} times for {changes} store changes"
            ));
            log::line(&frame_times.summary());
        }
        was_busy = busy;
        tokio::select! {
            biased;
            _ = sighup.recv() => {
                // The terminal may still be there (`kill -HUP`): restoring it is tried, and
                // a write that fails with EIO marks it gone.
                log::line("SIGHUP");
                return Ok(Exit::HungUp);
            }
            _ = sigterm.recv() => return Ok(Exit::Terminated),
            _ = sigint.recv() => return Ok(Exit::Interrupted),
            ev = next_event(&mut events) => match ev {
                Some(Ok(ev)) => {
                    if stale {
                        follows += 1;
                        stale = !follow(&mut app, &store);
                        dirty |= stale;
                    }
                    let effect = store.read(|s| {
                        let e = app.on_event(&ev, s);
                        app.place_cursor(s);
                        e
                    });
                    match effect {
                        Effect::Nothing => {}
                        Effect::Redraw => dirty = true,
                        Effect::Quit => return Ok(Exit::Quit),
                        Effect::Copy(text) => {
                            let seq = clipboard::osc52(&text);
                            let w = term.backend_mut();
                            let ok = w.write_all(seq.as_bytes()).and_then(|_| w.flush());
                            match ok {
                                // A URL is shown whole, to open by hand: intransit opens nothing.
                                Ok(()) if text.starts_with("https://") && !text.contains('\n') => {
                                    app.set_message(
                                        format!("copied {}", clipboard::clean(&text)),
                                        false,
                                    )
                                }
                                Ok(()) => app.set_message(
                                    format!(
                                        "copied {} bytes to the clipboard (OSC 52)",
                                        clipboard::clean(&text).len()
                                    ),
                                    false,
                                ),
                                Err(e) => app.set_message(format!("copy failed: {e}"), true),
                            }
                            dirty = true;
                        }
                        Effect::WriteSnapshot(path) => {
                            if pending_write.is_some() {
                                app.set_message("a snapshot is already being written", true);
                            } else {
                                let path = path.unwrap_or_else(default_snapshot_path);
                                app.set_message(format!("writing {}…", path.display()), false);
                                pending_write = Some(write_snapshot(&store, path));
                            }
                            dirty = true;
                        }
                        Effect::Rescan => {
                            if task.is_some() {
                                app.set_message("a scan is already running", true);
                            } else {
                                match source::start(&opts.spec).await {
                                    Ok(scan) => {
                                        store = scan.store;
                                        crate::cli::apply_traffic(&store, opts.traffic.as_ref());
                                        task = scan.task;
                                        rx = store.subscribe();
                                        context_asked.clear();
                                        app.set_message("rescanning…", false);
                                        store.read(|s| app.reset(s));
                                        log::line("rescan started");
                                    }
                                    Err(e) => app.set_message(format!("rescan failed: {e}"), true),
                                }
                            }
                            dirty = true;
                        }
                        Effect::Mouse(on) => {
                            let _ = terminal::set_mouse(on);
                            dirty = true;
                        }
                    }
                }
                Some(Err(e)) => {
                    log::line(&format!("terminal input failed: {e}"));
                    terminal::mark_gone();
                    return Ok(Exit::HungUp);
                }
                None => {
                    terminal::mark_gone();
                    return Ok(Exit::HungUp);
                }
            },
            changed = rx.changed() => {
                if changed.is_ok() {
                    changes += 1;
                    stale = true;
                    dirty = true;
                }
            }
            res = async { pending_eval.as_mut().expect("guarded").await }, if pending_eval.is_some() => {
                pending_eval = None;
                match res {
                    Ok(done) => store.read(|s| app.finish_evaluation(done, s)),
                    Err(e) => {
                        log::line(&format!("evaluation failed: {e}"));
                        app.set_message(format!("evaluation failed: {e}"), true);
                        app.evaluation_abandoned();
                    }
                }
                // The views follow the new evaluation.
                stale = true;
                dirty = true;
            }
            res = async { pending_write.as_mut().expect("guarded").await }, if pending_write.is_some() => {
                pending_write = None;
                match res {
                    Ok(Ok(path)) => {
                        log::line(&format!("snapshot written to {}", path.display()));
                        app.set_message(format!("snapshot written to {}", path.display()), false);
                    }
                    Ok(Err(e)) => app.set_message(e, true),
                    Err(e) => app.set_message(format!("snapshot failed: {e}"), true),
                }
                dirty = true;
            }
            res = async { task.as_mut().expect("guarded").await }, if task.is_some() => {
                task = None;
                app.scan_ended = true;
                // The views follow an ended scan at once, not at a streaming scan's pace.
                stale = true;
                dirty = true;
                let failure = match res {
                    Ok(Ok(())) => None,
                    Ok(Err(e)) => Some(e.to_string()),
                    Err(e) => Some(format!("scan task failed: {e}")),
                };
                if let Some(e) = failure {
                    log::line(&format!("scan failed: {e}"));
                    app.set_message(format!("scan failed: {e}"), true);
                    dirty = true;
                }
            }
            _ = tokio::time::sleep_until(next_tick), if busy => {
                app.spinner = app.spinner.wrapping_add(1);
                next_tick = Instant::now() + SPINNER_TICK;
                dirty = true;
            }
            _ = tokio::time::sleep_until(next_frame), if dirty => {}
        }
    }
}

/// Durations of the frames drawn while a scan streams in.
#[derive(Default)]
struct FrameTimes(Vec<Duration>);

impl FrameTimes {
    fn push(&mut self, d: Duration) {
        self.0.push(d);
    }

    /// `frames while scanning: 212 drawn, median 0.41 ms, 95th 1.20 ms, max 3.02 ms`.
    fn summary(&self) -> String {
        let mut v = self.0.clone();
        if v.is_empty() {
            return "frames while scanning: none drawn".to_string();
        }
        v.sort_unstable();
        let at = |q: f64| v[((v.len() - 1) as f64 * q).round() as usize].as_secs_f64() * 1000.0;
        format!(
            "frames while scanning: {} drawn, median {:.2} ms, 95th {:.2} ms, max {:.2} ms",
            v.len(),
            at(0.5),
            at(0.95),
            at(1.0)
        )
    }
}

#[cfg(test)]
mod frame_time_tests {
    use super::*;

    #[test]
    fn the_summary_gives_median_95th_and_max() {
        let mut f = FrameTimes::default();
        assert_eq!(f.summary(), "frames while scanning: none drawn");
        for ms in 1..=20 {
            f.push(Duration::from_millis(ms));
        }
        assert_eq!(
            f.summary(),
            "frames while scanning: 20 drawn, median 11.00 ms, 95th 19.00 ms, max 20.00 ms"
        );
    }
}
