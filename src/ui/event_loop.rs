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
use ratatui::buffer::Buffer;
use ratatui::layout::Position;
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

/// What the terminal shows: the last frame written and its cursor.
type Shown = Option<(Buffer, Option<Position>)>;

/// Draws a frame, and writes it only when it differs from the one the terminal shows: a view
/// that followed the store and came out the same (a paced follow catching up) sends nothing,
/// not even an empty update, so an idle console stays silent over SSH.
fn draw(term: &mut Term, app: &App, store: &Store, shown: &mut Shown) -> std::io::Result<()> {
    term.autoresize()?;
    let mut frame = term.get_frame();
    let cursor = store.read(|s| super::draw::draw_frame(&mut frame, app, s));
    let same = shown
        .as_ref()
        .is_some_and(|(b, c)| *c == cursor && b == term.current_buffer_mut());
    if same {
        // Nothing to write; the next frame is drawn on a clean buffer, as after a swap.
        term.current_buffer_mut().reset();
        return Ok(());
    }
    *shown = Some((term.current_buffer_mut().clone(), cursor));
    terminal::begin_frame(term.backend_mut())?;
    term.apply_buffer_with_cursor(cursor)?;
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
    terminal::enter(opts.mouse).map_err(|e| format!("cannot set up the terminal: {e}"))?;
    let _guard = terminal::Guard;
    let mut c = Console::new(opts, scan)?;
    let mut events = EventStream::new();
    loop {
        if let Some(exit) = c.turn() {
            return Ok(exit);
        }
        let busy = c.busy();
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
            ev = next_event(&mut events) => {
                if let Some(exit) = c.input(ev).await {
                    return Ok(exit);
                }
            }
            changed = c.rx.changed() => {
                if changed.is_ok() {
                    c.changes += 1;
                    c.stale = true;
                    c.dirty = true;
                }
            }
            res = async { c.pending_eval.as_mut().expect("guarded").await }, if c.pending_eval.is_some() => {
                c.evaluated(res);
            }
            res = async { c.pending_write.as_mut().expect("guarded").await }, if c.pending_write.is_some() => {
                c.written(res);
            }
            res = async { c.task.as_mut().expect("guarded").await }, if c.task.is_some() => {
                c.scan_ended(res);
            }
            _ = tokio::time::sleep_until(c.next_tick), if busy => {
                c.app.spinner = c.app.spinner.wrapping_add(1);
                c.next_tick = Instant::now() + SPINNER_TICK;
                c.dirty = true;
            }
            _ = tokio::time::sleep_until(c.next_frame), if c.dirty => {}
        }
    }
}

/// What the event loop keeps from one turn to the next.
struct Console {
    spec: SourceSpec,
    traffic: Option<std::sync::Arc<crate::traffic::Traffic>>,
    app: App,
    store: Store,
    task: Option<JoinHandle<Result<(), SourceError>>>,
    rx: tokio::sync::watch::Receiver<u64>,
    term: Term,
    pending_write: Option<JoinHandle<Result<PathBuf, String>>>,
    pending_eval: Option<JoinHandle<Evaluated>>,
    /// A frame is due.
    dirty: bool,
    /// The store changed since the views last followed it. A live scan changes it thousands
    /// of times a second; the views (bucket filter, evaluation) follow once per frame, or
    /// before a key is handled, never once per change.
    stale: bool,
    next_frame: Instant,
    next_tick: Instant,
    was_busy: bool,
    first_drawn: bool,
    context_asked: HashSet<String>,
    changes: u64,
    follows: u64,
    /// How long each frame drawn during the scan took (following the store, then drawing),
    /// for the log at the scan's end.
    frame_times: FrameTimes,
    shown: Shown,
}

impl Console {
    fn new(opts: Options, scan: source::Scan) -> Result<Console, String> {
        let store = scan.store;
        crate::cli::apply_traffic(&store, opts.traffic.as_ref());
        let rx = store.subscribe();
        let writer = terminal::TermWriter::new();
        let term = Terminal::new(CrosstermBackend::new(writer)).map_err(|e| e.to_string())?;
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
        Ok(Console {
            spec: opts.spec,
            traffic: opts.traffic,
            app,
            store,
            task: scan.task,
            rx,
            term,
            pending_write: None,
            pending_eval: None,
            dirty: true,
            stale: false,
            next_frame: Instant::now(),
            next_tick: Instant::now() + SPINNER_TICK,
            was_busy: true,
            first_drawn: false,
            context_asked: HashSet::new(),
            changes: 0,
            follows: 0,
            frame_times: FrameTimes::default(),
            shown: None,
        })
    }

    /// The work of a turn before waiting: an opened bucket's context, the evaluation, the
    /// frame when one is due. `Some` when the terminal is gone.
    fn turn(&mut self) -> Option<Exit> {
        ask_context(&self.app, &self.store, &self.spec, &mut self.context_asked);
        start_evaluation(&mut self.app, &self.store, &mut self.pending_eval);
        if self.dirty && Instant::now() >= self.next_frame {
            return self.frame();
        }
        None
    }

    fn frame(&mut self) -> Option<Exit> {
        let started = Instant::now();
        // Paced views that stayed behind are drawn again next frame, when they may follow.
        let behind = self.stale && {
            self.follows += 1;
            !follow(&mut self.app, &self.store)
        };
        self.stale = behind;
        if let Err(e) = draw(&mut self.term, &self.app, &self.store, &mut self.shown) {
            log::line(&format!("draw failed: {e}"));
            terminal::mark_gone();
            return Some(Exit::HungUp);
        }
        if terminal::is_gone() {
            return Some(Exit::HungUp);
        }
        if !self.first_drawn {
            self.first_drawn = true;
            log::line("first frame drawn");
        }
        self.dirty = behind;
        self.next_frame = Instant::now() + FRAME;
        if self.was_busy {
            self.frame_times.push(started.elapsed());
        }
        None
    }

    /// Whether a scan is still reading (the spinner turns); logs the frames when one ends.
    fn busy(&mut self) -> bool {
        let busy = self.task.is_some() && self.store.read(|s| !self.app.scan_done(s));
        if busy && !self.was_busy {
            self.next_tick = Instant::now() + SPINNER_TICK;
        }
        if self.was_busy && !busy {
            log::line(&format!(
                "scan finished: the views followed {} times for {} store changes",
                self.follows, self.changes
            ));
            log::line(&self.frame_times.summary());
        }
        self.was_busy = busy;
        busy
    }

    /// A key, a click or a resize. `Some` when the console ends.
    async fn input(&mut self, ev: Option<std::io::Result<Event>>) -> Option<Exit> {
        let ev = match ev {
            Some(Ok(ev)) => ev,
            Some(Err(e)) => {
                log::line(&format!("terminal input failed: {e}"));
                terminal::mark_gone();
                return Some(Exit::HungUp);
            }
            None => {
                terminal::mark_gone();
                return Some(Exit::HungUp);
            }
        };
        if self.stale {
            self.follows += 1;
            self.stale = !follow(&mut self.app, &self.store);
            self.dirty |= self.stale;
        }
        let app = &mut self.app;
        let effect = self.store.read(|s| {
            let e = app.on_event(&ev, s);
            app.place_cursor(s);
            e
        });
        match effect {
            Effect::Nothing => {}
            Effect::Redraw => self.dirty = true,
            Effect::Quit => return Some(Exit::Quit),
            Effect::Copy(text) => self.copy(&text),
            Effect::WriteSnapshot(path) => self.write(path),
            Effect::Rescan => self.rescan().await,
            Effect::Mouse(on) => {
                let _ = terminal::set_mouse(on);
                self.dirty = true;
            }
        }
        None
    }

    /// Copies through the terminal (OSC 52) and says what was copied.
    fn copy(&mut self, text: &str) {
        let seq = clipboard::osc52(text);
        let w = self.term.backend_mut();
        let said = match w.write_all(seq.as_bytes()).and_then(|_| w.flush()) {
            Ok(()) => (copied(text), false),
            Err(e) => (format!("copy failed: {e}"), true),
        };
        self.app.set_message(said.0, said.1);
        self.dirty = true;
    }

    fn write(&mut self, path: Option<PathBuf>) {
        if self.pending_write.is_some() {
            self.app
                .set_message("a snapshot is already being written", true);
        } else {
            let path = path.unwrap_or_else(default_snapshot_path);
            self.app
                .set_message(format!("writing {}…", path.display()), false);
            self.pending_write = Some(write_snapshot(&self.store, path));
        }
        self.dirty = true;
    }

    async fn rescan(&mut self) {
        self.dirty = true;
        if self.task.is_some() {
            self.app.set_message("a scan is already running", true);
            return;
        }
        match source::start(&self.spec).await {
            Ok(scan) => {
                self.store = scan.store;
                crate::cli::apply_traffic(&self.store, self.traffic.as_ref());
                self.task = scan.task;
                self.rx = self.store.subscribe();
                self.context_asked.clear();
                self.app.set_message("rescanning…", false);
                let app = &mut self.app;
                self.store.read(|s| app.reset(s));
                log::line("rescan started");
            }
            Err(e) => self.app.set_message(format!("rescan failed: {e}"), true),
        }
    }

    fn evaluated(&mut self, res: Result<Evaluated, tokio::task::JoinError>) {
        self.pending_eval = None;
        match res {
            Ok(done) => {
                let app = &mut self.app;
                self.store.read(|s| app.finish_evaluation(done, s));
            }
            Err(e) => {
                log::line(&format!("evaluation failed: {e}"));
                self.app
                    .set_message(format!("evaluation failed: {e}"), true);
                self.app.evaluation_abandoned();
            }
        }
        // The views follow the new evaluation.
        self.stale = true;
        self.dirty = true;
    }

    fn written(&mut self, res: Result<Result<PathBuf, String>, tokio::task::JoinError>) {
        self.pending_write = None;
        match res {
            Ok(Ok(path)) => {
                log::line(&format!("snapshot written to {}", path.display()));
                self.app
                    .set_message(format!("snapshot written to {}", path.display()), false);
            }
            Ok(Err(e)) => self.app.set_message(e, true),
            Err(e) => self.app.set_message(format!("snapshot failed: {e}"), true),
        }
        self.dirty = true;
    }

    fn scan_ended(&mut self, res: Result<Result<(), SourceError>, tokio::task::JoinError>) {
        self.task = None;
        self.app.scan_ended = true;
        // The views follow an ended scan at once, not at a streaming scan's pace.
        self.stale = true;
        self.dirty = true;
        let failure = match res {
            Ok(Ok(())) => None,
            Ok(Err(e)) => Some(e.to_string()),
            Err(e) => Some(format!("scan task failed: {e}")),
        };
        if let Some(e) = failure {
            log::line(&format!("scan failed: {e}"));
            self.app.set_message(format!("scan failed: {e}"), true);
        }
    }
}

/// What the message line says of a copy: a line is shown as it was copied (a console URL
/// whole, to open by hand: intransit opens nothing), a document by its size.
fn copied(text: &str) -> String {
    let clean = clipboard::clean(text);
    match text.lines().count() {
        0 | 1 => format!("copied {clean}"),
        n => format!(
            "copied {n} lines ({} bytes) to the clipboard (OSC 52)",
            clean.len()
        ),
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
    fn a_copy_is_said_whole_when_it_is_a_line_and_by_size_when_a_document() {
        assert_eq!(
            copied("arn:aws:s3:::clickstream-landing-use1"),
            "copied arn:aws:s3:::clickstream-landing-use1"
        );
        assert_eq!(
            copied("a\u{1b}[31mb"),
            "copied ab",
            "escape sequences are not shown"
        );
        assert_eq!(
            copied("{\n  \"a\": 1\n}"),
            "copied 3 lines (12 bytes) to the clipboard (OSC 52)"
        );
    }

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
