//! The console's state: the view stack (with breadcrumbs), the input line, the theme, and how
//! keys change them. Nothing here does I/O: a key returns an [`Effect`] that the event loop
//! carries out (quit, copy, write a snapshot, rescan).

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use crossterm::event::{
    Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseButton, MouseEvent, MouseEventKind,
};

use super::bindings::{Action, Bindings};
use super::command::{self, Command};
use super::element::Element;
use super::pace::Pace;
use super::page::{Cx, Fresh};
use super::theme::{Depth, Theme};
use super::views::{
    self, buckets::BucketsView, compliance::ComplianceView, workgroups::WorkgroupsView,
};
pub use super::views::{Kind, View};
use super::widgets::Doc;
use crate::compliance::exceptions::{Day, Exceptions};
use crate::compliance::{Catalog, Evaluation, evaluate};
use crate::diff::{Diff, Scan, Side};
use crate::store::State;
use std::collections::{HashMap, HashSet};

/// The top-level views, reached with `1`..`8` and Tab.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Top {
    Overview,
    Buckets,
    Workgroups,
    Connectivity,
    Compliance,
    Errors,
    Accounts,
    Help,
}

impl Top {
    pub const ALL: [Top; 8] = [
        Top::Overview,
        Top::Buckets,
        Top::Workgroups,
        Top::Connectivity,
        Top::Compliance,
        Top::Errors,
        Top::Accounts,
        Top::Help,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Top::Overview => "Overview",
            Top::Buckets => "Buckets",
            Top::Workgroups => "Workgroups",
            Top::Connectivity => "Connectivity",
            Top::Compliance => "Compliance",
            Top::Errors => "Errors",
            Top::Accounts => "Accounts",
            Top::Help => "Help",
        }
    }

    pub fn index(self) -> usize {
        Top::ALL.iter().position(|t| *t == self).unwrap_or(0)
    }
}

/// Where Enter goes from a line or row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Link {
    Top(Top),
    Bucket(String),
    /// The bucket list with this filter.
    Buckets(String),
    /// `account/region/name`.
    Workgroup(String),
    Workgroups(String),
    /// A connectivity element's detail.
    Element(Element),
    /// The connectivity diagram with the cursor on this element.
    Diagram(Element),
    /// A compliance program's controls.
    Program(String),
    /// A control's findings: (program, control).
    Control(String, String),
    /// A fetch error's detail (index in the error list).
    Error(usize),
    /// A compliance finding about something without a detail view of its own.
    Finding(String),
    /// A client row of the traffic read (its position).
    TrafficClient(usize),
    /// A view registered with a command (`:traffic`, `:fix`, …), as that command opens it.
    Open(Kind),
}

/// What the command line or filter line is collecting.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum InputKind {
    Filter,
    Command,
    /// `/` in a document view: find text in it.
    Search,
}

/// Tab's candidates: the command line's kept part, each candidate for the rest, the chosen.
#[derive(Clone, Debug, Default)]
pub struct Completion {
    pub keep: String,
    pub items: Vec<String>,
    pub at: Option<usize>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Input {
    pub kind: InputKind,
    pub text: String,
}

/// A one-line message in the status area, cleared by the next key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Message {
    pub text: String,
    pub error: bool,
}

/// What the event loop should do after an event.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Effect {
    /// Nothing changed on screen.
    Nothing,
    Redraw,
    Quit,
    /// Put this text on the clipboard (OSC 52).
    Copy(String),
    /// Write the current state as a snapshot file (a default name when `None`).
    WriteSnapshot(Option<PathBuf>),
    Rescan,
    Mouse(bool),
}

pub struct App {
    pub theme: Theme,
    pub depth: Depth,
    pub stack: Vec<View>,
    pub input: Option<Input>,
    pub message: Option<Message>,
    /// Advanced on spinner ticks while fetches are in flight.
    pub spinner: usize,
    pub mouse: bool,
    /// Terminal size as last known (wrapping and paging depend on it).
    pub size: (u16, u16),
    /// The source task ended (set by the event loop): no more progress will come.
    pub scan_ended: bool,
    catalog: Option<Arc<Catalog>>,
    /// Set by the event loop: evaluations run on a thread of their own over a copy of the
    /// estate ([`App::evaluation_job`]), so the store's lock is held only while it is copied.
    /// Without it (tests, screenshots, headless renders) [`App::sync`] evaluates in place.
    pub background: bool,
    /// The evaluation running on its own thread: its store version.
    evaluating: Option<u64>,
    /// Counts store replacements (rescans): an evaluation of a replaced store is dropped.
    generation: u64,
    /// The compliance evaluation of the store's state, and the version it was made from.
    eval: Option<(u64, Evaluation)>,
    /// The Overview and the diagram as last built: both read the whole estate, so a frame or a
    /// key press reuses them until the store, the evaluation, the width or the theme changes.
    docs: Mutex<Vec<(DocKey, Arc<Doc>)>>,
    /// While a scan streams in, evaluation and the cached documents follow the store at the
    /// pace of [`Pace`], not on every change (see `pace.rs`).
    eval_pace: Pace,
    doc_pace: Mutex<Pace>,
    /// The store version the cached documents were last allowed to follow.
    doc_version: u64,
    /// Accepted exceptions applied to every evaluation, and the day they are judged on.
    pub exceptions: Option<(Exceptions, Day)>,
    /// What each key does (`bindings.toml`, with the user's `keys.toml`).
    pub bindings: Arc<Bindings>,
    /// The text searched for in a document view, and the depth of the view it was made in
    /// (a search belongs to its view: going elsewhere forgets it).
    search: Option<(usize, String)>,
    /// Commands run, oldest first (`:` then ↑ ↓), and where ↑ ↓ are in them.
    history: Vec<String>,
    history_at: Option<usize>,
    /// What was typed before ↑ went into the history.
    draft: String,
    /// Tab's candidates for the command line, and the one chosen.
    completion: Option<Completion>,
    /// `--baseline FILE`: the earlier scan the console compares with.
    baseline: Option<Baseline>,
    /// What changed since the baseline, once the scan is idle (see [`App::changes`]).
    changes: Option<Arc<Diff>>,
    /// Buckets whose verdict or TLS floor changed (or that are new) since the baseline.
    pub changed_buckets: Arc<HashSet<String>>,
    /// The top-level views not shown, as they were left (filter, sort, cursor).
    kept: HashMap<Top, View>,
    /// The top fixes, and the evaluation (its store version) they were planned from.
    planned: Option<(u64, Arc<crate::fix::Planned>)>,
}

/// An evaluation to run off the store's lock: a copy of the estate at one store version.
pub struct EvalJob {
    version: u64,
    generation: u64,
    estate: crate::model::Estate,
    catalog: Arc<Catalog>,
    exceptions: Option<(Exceptions, Day)>,
    /// Plan the top fixes too.
    plan: bool,
}

/// What an [`EvalJob`] found, and when it ran (the pace learns its cost).
pub struct Evaluated {
    version: u64,
    generation: u64,
    evaluation: Evaluation,
    planned: Option<crate::fix::Planned>,
    started: Instant,
    ended: Instant,
}

/// The top fixes of `evaluation`, exceptions applied to every evaluation the plan makes.
fn plan_with(
    estate: &crate::model::Estate,
    evaluation: &Evaluation,
    exceptions: &Option<(Exceptions, Day)>,
) -> crate::fix::Planned {
    let accept = |e: &mut Evaluation, estate: &crate::model::Estate| {
        if let Some((x, day)) = exceptions {
            e.accept(x, estate, *day);
        }
    };
    crate::fix::Planned::make(estate, evaluation, &accept)
}

impl EvalJob {
    pub fn run(self) -> Evaluated {
        let started = Instant::now();
        let mut evaluation = evaluate(&self.catalog, &self.estate);
        if let Some((exceptions, day)) = &self.exceptions {
            evaluation.accept(exceptions, &self.estate, *day);
        }
        let planned = self
            .plan
            .then(|| plan_with(&self.estate, &evaluation, &self.exceptions));
        Evaluated {
            version: self.version,
            generation: self.generation,
            evaluation,
            planned,
            started,
            ended: Instant::now(),
        }
    }
}

/// An earlier scan, evaluated once.
struct Baseline {
    side: Side,
    estate: crate::model::Estate,
    evaluation: Evaluation,
}

/// What a cached document was built from.
#[derive(Clone, Debug, PartialEq, Eq)]
struct DocKey {
    view: &'static str,
    width: usize,
    version: u64,
    evaluated: Option<u64>,
    /// Whether the top fixes were planned (the Overview names the first).
    planned: bool,
    theme: String,
    depth: Depth,
}

impl App {
    pub fn new(theme: Theme, size: (u16, u16)) -> App {
        App {
            depth: theme.depth,
            theme,
            stack: vec![View::top(Top::Overview)],
            input: None,
            message: None,
            spinner: 0,
            mouse: false,
            size,
            scan_ended: false,
            catalog: None,
            background: false,
            evaluating: None,
            generation: 0,
            eval: None,
            docs: Mutex::new(Vec::new()),
            eval_pace: Pace::default(),
            doc_pace: Mutex::new(Pace::default()),
            doc_version: 0,
            exceptions: None,
            bindings: Arc::new(Bindings::builtin()),
            search: None,
            history: Vec::new(),
            history_at: None,
            draft: String::new(),
            completion: None,
            baseline: None,
            changes: None,
            changed_buckets: Arc::default(),
            kept: HashMap::new(),
            planned: None,
        }
    }

    /// The document `view` (`overview`, `diagram`) at `width`, built once per store version
    /// (while a scan streams in, once per version [`App::sync`] lets the documents follow),
    /// evaluation and theme.
    pub fn cached_doc(
        &self,
        view: &'static str,
        width: usize,
        state: &State,
        build: impl FnOnce() -> Doc,
    ) -> Arc<Doc> {
        let key = DocKey {
            view,
            width,
            version: if self.idle(state) {
                state.version
            } else {
                self.doc_version
            },
            evaluated: self.eval.as_ref().map(|(v, _)| *v),
            planned: self.planned().is_some(),
            theme: self.theme.name.clone(),
            depth: self.theme.depth,
        };
        let mut docs = self.docs.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((_, doc)) = docs.iter().find(|(k, _)| *k == key) {
            return Arc::clone(doc);
        }
        let started = Instant::now();
        let doc = Arc::new(build());
        let cost = started.elapsed();
        self.doc_pace
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .cost(cost);
        // One entry per view and width, and a few widths at most (the diagram is drawn beside
        // its detail on wide terminals, at a narrower width than the one navigation uses).
        docs.retain(|(k, _)| k.view != view || k.width != width);
        if docs.len() >= 4 {
            docs.remove(0);
        }
        docs.push((key, Arc::clone(&doc)));
        doc
    }

    /// Whether the scan is over (finished, loaded from a snapshot, or its task ended).
    pub fn scan_done(&self, state: &State) -> bool {
        self.scan_ended
            || state.meta.finished_at.is_some()
            || state.meta.mode == crate::model::Mode::Snapshot
    }

    /// Compares every idle state of the store with `snapshot`, read from `source`.
    pub fn set_baseline(&mut self, source: &str, snapshot: crate::model::Snapshot) {
        let catalog = self.catalog();
        let evaluation = evaluate(&catalog, &snapshot.estate);
        self.baseline = Some(Baseline {
            side: Side {
                source: source.to_string(),
                finished_at: snapshot.scan.finished_at.clone(),
                buckets: snapshot.estate.buckets.len(),
                accounts: snapshot.estate.accounts.len(),
            },
            estate: snapshot.estate,
            evaluation,
        });
        self.eval = None;
    }

    /// Whether the console compares with a baseline.
    pub fn has_baseline(&self) -> bool {
        self.baseline.is_some()
    }

    /// What changed since the baseline; `None` without one, or while a scan streams in (a
    /// half-read estate would show every bucket not yet read as removed).
    pub fn changes(&self) -> Option<&Diff> {
        self.changes.as_deref()
    }

    /// The changes from the baseline to `state` as `evaluation` judged it.
    fn compare(&mut self, state: &State, evaluation: &Evaluation, idle: bool) {
        let Some(base) = self.baseline.as_ref().filter(|_| idle) else {
            self.changes = None;
            self.changed_buckets = Arc::default();
            return;
        };
        let diff = crate::diff::diff(
            Scan {
                side: base.side.clone(),
                estate: &base.estate,
                evaluation: &base.evaluation,
            },
            Scan {
                side: Side {
                    source: "this scan".into(),
                    finished_at: state.meta.finished_at.clone(),
                    buckets: state.estate.buckets.len(),
                    accounts: state.estate.accounts.len(),
                },
                estate: &state.estate,
                evaluation,
            },
        );
        self.changed_buckets = Arc::new(
            diff.changes
                .iter()
                .filter_map(|c| c.changed_bucket().map(str::to_string))
                .collect(),
        );
        self.changes = Some(Arc::new(diff));
    }

    /// The compliance evaluation of the current state (made in [`App::sync`]).
    pub fn evaluation(&self) -> Option<&Evaluation> {
        self.eval.as_ref().map(|(_, e)| e)
    }

    pub fn view(&self) -> &View {
        self.stack.last().expect("the view stack is never empty")
    }

    pub fn view_mut(&mut self) -> &mut View {
        self.stack
            .last_mut()
            .expect("the view stack is never empty")
    }

    pub fn kinds(&self) -> Vec<Kind> {
        self.stack.iter().map(View::kind).collect()
    }

    /// The top-level view the stack starts from.
    pub fn top(&self) -> Top {
        match self.stack[0].kind() {
            Kind::Buckets => Top::Buckets,
            Kind::Workgroups => Top::Workgroups,
            Kind::Connectivity => Top::Connectivity,
            Kind::Compliance => Top::Compliance,
            Kind::Errors => Top::Errors,
            Kind::Accounts => Top::Accounts,
            Kind::Help => Top::Help,
            _ => Top::Overview,
        }
    }

    /// Width available to a view's content (inside the panel border).
    pub fn body_width(&self) -> usize {
        usize::from(self.size.0.saturating_sub(3)).max(20)
    }

    /// Whether the store will change no more by itself (the scan is over or idle).
    fn idle(&self, state: &State) -> bool {
        state.idle() || self.scan_done(state)
    }

    /// Brings derived view state (sorted and filtered rows) up to date with the store.
    ///
    /// Returns false when some of it was left behind on purpose (paced while a scan streams
    /// in) and a later call, without a store change, would bring it further.
    pub fn sync(&mut self, state: &State) -> bool {
        let now = Instant::now();
        let idle = self.idle(state);
        let eval_behind = self.follow_evaluation(state, idle, now);
        // A scan that ended without changing the store again: compare what it read.
        if idle
            && self.baseline.is_some()
            && self.changes.is_none()
            && let Some((version, evaluation)) = self.eval.take()
        {
            self.compare(state, &evaluation, idle);
            self.eval = Some((version, evaluation));
        }
        let doc_behind = {
            let mut pace = self.doc_pace.lock().unwrap_or_else(|e| e.into_inner());
            if self.doc_version != state.version && pace.due(idle, now) {
                self.doc_version = state.version;
                pace.start(now);
            }
            self.doc_version != state.version
        };
        let fresh = fresh(state, &self.eval, &self.changed_buckets);
        for v in &mut self.stack {
            v.page_mut().refresh(&fresh);
        }
        !(eval_behind || doc_behind)
    }

    fn catalog(&mut self) -> Arc<Catalog> {
        Arc::clone(
            self.catalog
                .get_or_insert_with(|| Arc::new(Catalog::builtin())),
        )
    }

    /// Whether the evaluation is behind the store and may follow it now: stale, and the estate
    /// small enough to evaluate while a scan streams in (large ones wait for its end).
    fn eval_stale(&self, state: &State, idle: bool) -> bool {
        let stale = self.eval.as_ref().is_none_or(|(v, _)| *v != state.version);
        stale && (idle || state.estate.buckets.len() <= 20_000)
    }

    /// Evaluates the estate again if the store changed and the pace allows; returns whether the
    /// evaluation is behind the store and a later call would bring it up to date. In the
    /// background the event loop runs it ([`App::evaluation_job`]).
    fn follow_evaluation(&mut self, state: &State, idle: bool, now: Instant) -> bool {
        if !self.eval_stale(state, idle) {
            return false;
        }
        if self.background {
            // Running, or about to be taken by the loop: it wakes the views when it ends.
            return self.evaluating.is_none() && !self.eval_pace.due(idle, now);
        }
        if !self.eval_pace.due(idle, now) {
            return true;
        }
        let job = self.job(state);
        self.finish_evaluation(job.run(), state);
        false
    }

    fn job(&mut self, state: &State) -> EvalJob {
        EvalJob {
            version: state.version,
            generation: self.generation,
            estate: state.estate.clone(),
            catalog: self.catalog(),
            exceptions: self.exceptions.clone(),
            // The plan is part of a finished scan's evaluation, off the lock, where it is cheap
            // enough; the tests and screenshots make it when `:fix` asks.
            plan: self.background
                && self.idle(state)
                && state.estate.buckets.len() <= crate::fix::PLAN_MAX_BUCKETS,
        }
    }

    /// The top fixes of the current evaluation, when they have been planned.
    pub fn planned(&self) -> Option<&crate::fix::Planned> {
        let (version, planned) = self.planned.as_ref()?;
        let (evaluated, _) = self.eval.as_ref()?;
        (version == evaluated).then_some(&**planned)
    }

    /// Why there are no top fixes to show.
    pub fn plan_unavailable(&self, state: &State) -> String {
        let n = state.estate.buckets.len();
        if n > crate::fix::PLAN_MAX_BUCKETS {
            format!(
                "{n} buckets: each candidate fix is a whole evaluation, so the console does not                  plan estates over {}. `intransit fix --failing --plan` ranks them from the                  shell.",
                crate::fix::PLAN_MAX_BUCKETS
            )
        } else if self.eval.is_none() {
            "Evaluating…".to_string()
        } else {
            "Planning: each candidate fix is applied to a copy of the estate and evaluated…"
                .to_string()
        }
    }

    /// Plans the top fixes now, unless planned for this evaluation already or too large.
    pub fn plan_fixes(&mut self, state: &State) {
        if self.planned().is_some() || state.estate.buckets.len() > crate::fix::PLAN_MAX_BUCKETS {
            return;
        }
        let Some((version, evaluation)) = &self.eval else {
            return;
        };
        let exceptions = self.exceptions.clone();
        let planned = plan_with(&state.estate, evaluation, &exceptions);
        self.planned = Some((*version, Arc::new(planned)));
    }

    /// The evaluation the event loop should run now on a thread of its own (the estate copied
    /// under the lock the caller holds), or `None` when none is due or one is running.
    pub fn evaluation_job(&mut self, state: &State) -> Option<EvalJob> {
        let idle = self.idle(state);
        if !self.background
            || self.evaluating.is_some()
            || !self.eval_stale(state, idle)
            || !self.eval_pace.due(idle, Instant::now())
        {
            return None;
        }
        self.evaluating = Some(state.version);
        Some(self.job(state))
    }

    /// The evaluation thread ended without a result: the next frame may start another.
    pub fn evaluation_abandoned(&mut self) {
        self.evaluating = None;
    }

    /// Takes a finished evaluation (dropped when the store was replaced since it started).
    pub fn finish_evaluation(&mut self, done: Evaluated, state: &State) {
        if done.generation != self.generation {
            return;
        }
        self.evaluating = None;
        self.eval_pace.ran(done.started, done.ended);
        // Compared with the baseline only when it judged the estate the store holds now.
        let current = done.version == state.version;
        self.compare(state, &done.evaluation, self.idle(state) && current);
        if let Some(p) = done.planned {
            self.planned = Some((done.version, Arc::new(p)));
        }
        self.eval = Some((done.version, done.evaluation));
    }

    /// Forgets derived state (after a rescan replaced the store) and syncs again.
    pub fn reset(&mut self, state: &State) {
        self.eval = None;
        self.planned = None;
        self.evaluating = None;
        self.generation += 1;
        self.scan_ended = false;
        self.eval_pace = Pace::default();
        *self.doc_pace.lock().unwrap_or_else(|e| e.into_inner()) = Pace::default();
        // A new store counts its versions from the start again.
        self.docs.lock().unwrap_or_else(|e| e.into_inner()).clear();
        self.doc_version = state.version;
        for v in self.stack.iter_mut().chain(self.kept.values_mut()) {
            v.page_mut().invalidate();
        }
        self.sync(state);
    }

    pub fn set_message(&mut self, text: impl Into<String>, error: bool) {
        self.message = Some(Message {
            text: text.into(),
            error,
        });
    }

    /// The document of a document view, as it is drawn now.
    pub fn doc(&self, view: &View, state: &State) -> Option<Arc<Doc>> {
        view.page().doc(Cx::new(self, state))
    }

    /// Whether the current view's cursor stops only on links.
    fn links_only(&self) -> bool {
        self.view().page().links_only().is_some()
    }

    /// Number of rows (or lines) of the current view.
    fn len(&self, state: &State) -> usize {
        self.view().page().len(Cx::new(self, state))
    }

    /// Where Enter goes from the current selection.
    pub fn selected_link(&self, state: &State) -> Option<Link> {
        let page = self.view().page();
        page.link(Cx::new(self, state), page.nav().selected)
    }

    /// A short name for the selection (breadcrumb of the next view, `y` in lists).
    pub fn breadcrumbs(&self) -> Vec<String> {
        self.stack
            .iter()
            .map(|v| v.page().crumb(self.evaluation()))
            .collect()
    }

    /// Feeds one terminal event.
    pub fn on_event(&mut self, ev: &Event, state: &State) -> Effect {
        let before = (self.stack.len(), self.view().nav().selected);
        let effect = self.dispatch(ev, state);
        // The operator moved the cursor: from now on it stays where they put it, instead of
        // following the first link while the document is still filling in.
        if (self.stack.len(), self.view().nav().selected) != before && self.stack.len() == before.0
        {
            self.view_mut().page_mut().placed();
        }
        self.sync(state);
        self.place_cursor(state);
        effect
    }

    fn dispatch(&mut self, ev: &Event, state: &State) -> Effect {
        match ev {
            Event::Key(k) if k.kind != KeyEventKind::Release => self.on_key(*k, state),
            Event::Resize(w, h) => {
                self.size = (*w, *h);
                Effect::Redraw
            }
            Event::Mouse(m) if self.mouse => self.on_mouse(*m, state),
            _ => Effect::Nothing,
        }
    }

    fn on_mouse(&mut self, m: MouseEvent, state: &State) -> Effect {
        match m.kind {
            MouseEventKind::ScrollDown => self.move_by(3, state),
            MouseEventKind::ScrollUp => self.move_by(-3, state),
            MouseEventKind::Down(MouseButton::Left) if m.row == 1 => {
                // The tab line: find the tab under the pointer.
                let mut x = 1u16;
                let labels = views::tab_labels(self.top(), self.size.0);
                for (t, label) in Top::ALL.into_iter().zip(labels) {
                    let w = super::widgets::width(&label) as u16;
                    if m.column >= x && m.column < x + w {
                        self.switch(t);
                        return Effect::Redraw;
                    }
                    x += w + 1;
                }
                Effect::Nothing
            }
            MouseEventKind::Down(MouseButton::Left) => self.click(m.column, m.row, state),
            _ => Effect::Nothing,
        }
    }

    /// A click in the panel: on a table's header, sorts by that column; on a row or a line,
    /// selects it. The panel's border is on row 2, its content from row 3 and column 2.
    fn click(&mut self, column: u16, row: u16, state: &State) -> Effect {
        const TOP: u16 = 3;
        const LEFT: u16 = 2;
        let cx = Cx::new(self, state);
        let page = self.view().page();
        let width = self.body_width() as u16;
        let cols = page.columns();
        let above = if cols.is_empty() {
            0
        } else {
            page.header_row(cx, width) + 1
        };
        let Some(at) = row.checked_sub(TOP) else {
            return Effect::Nothing;
        };
        if !cols.is_empty() && at + 1 == above && column >= LEFT {
            let wide = page.wide(cx);
            let Some(c) = super::table::column_at(cols, width, wide, column - LEFT) else {
                return Effect::Nothing;
            };
            let fresh = fresh(state, &self.eval, &self.changed_buckets);
            let said = self
                .stack
                .last_mut()
                .and_then(|v| v.page_mut().sort_by_column(c, &fresh));
            if let Some(text) = said {
                self.set_message(text, false);
            }
            return Effect::Redraw;
        }
        let Some(line) = at.checked_sub(above) else {
            return Effect::Nothing;
        };
        let target = page.nav().offset() + usize::from(line);
        if target < page.len(cx) {
            self.view_mut().nav_mut().selected = target;
            self.remember_selection(state);
            return Effect::Redraw;
        }
        Effect::Nothing
    }

    pub fn on_key(&mut self, k: KeyEvent, state: &State) -> Effect {
        let had_message = self.message.take().is_some();
        if self.input.is_some() {
            return self.on_input_key(k, state);
        }
        let action = self.bindings.action(self.view().kind(), &k);
        let (w, h) = self.size;
        let too_small = w < super::draw::MIN_WIDTH || h < super::draw::MIN_HEIGHT;
        let effect = match action {
            // Behind the "too small" screen only quitting works: nothing moves unseen.
            Some(Action::Quit) => Effect::Quit,
            _ if too_small => Effect::Nothing,
            Some(action) => self.run_action(action, state),
            None => Effect::Nothing,
        };
        if effect == Effect::Nothing && had_message {
            Effect::Redraw
        } else {
            effect
        }
    }

    /// Does what a bound key asks.
    pub fn run_action(&mut self, action: Action, state: &State) -> Effect {
        let top = |app: &mut App, t: Top| {
            app.switch(t);
            Effect::Redraw
        };
        match action {
            Action::Quit => Effect::Quit,
            Action::PageDown => self.page(1, state),
            Action::PageUp => self.page(-1, state),
            Action::HalfPageDown => self.half_page(1, state),
            Action::HalfPageUp => self.half_page(-1, state),
            Action::Help => {
                if self.view().kind() == Kind::Help {
                    self.back();
                } else {
                    let about = self.view().kind();
                    self.stack
                        .push(View::Help(views::help::HelpView::about(about)));
                }
                Effect::Redraw
            }
            Action::Command => {
                self.history_at = None;
                self.completion = None;
                self.input = Some(Input {
                    kind: InputKind::Command,
                    text: String::new(),
                });
                Effect::Redraw
            }
            Action::Filter => {
                if let Some(f) = self.view().filter() {
                    self.input = Some(Input {
                        kind: InputKind::Filter,
                        text: f.to_string(),
                    });
                } else if self.doc(self.view(), state).is_some() {
                    self.input = Some(Input {
                        kind: InputKind::Search,
                        text: String::new(),
                    });
                } else {
                    self.set_message("this view has no filter (/ works in lists)", true);
                }
                Effect::Redraw
            }
            Action::CopyArn => self.copy_subject("ARN", views::subject::arn, state),
            Action::CopyJson => self.copy_subject("JSON", views::subject::json, state),
            Action::ConsoleUrl => {
                self.copy_subject("console URL", views::subject::console_url, state)
            }
            Action::SearchNext => self.search_again(true, state),
            Action::SearchPrevious => self.search_again(false, state),
            Action::NextView => {
                let next = Top::ALL[(self.top().index() + 1) % Top::ALL.len()];
                top(self, next)
            }
            Action::PreviousView => {
                let n = Top::ALL.len();
                let prev = Top::ALL[(self.top().index() + n - 1) % n];
                top(self, prev)
            }
            Action::Overview => top(self, Top::Overview),
            Action::Buckets => top(self, Top::Buckets),
            Action::Workgroups => top(self, Top::Workgroups),
            Action::Connectivity => top(self, Top::Connectivity),
            Action::Compliance => top(self, Top::Compliance),
            Action::Errors => top(self, Top::Errors),
            Action::Accounts => top(self, Top::Accounts),
            Action::HelpView => top(self, Top::Help),
            Action::ClearOrBack => {
                if self.view().filter().is_some_and(|f| !f.is_empty()) {
                    self.set_filter(String::new(), state);
                } else if self.searching() {
                    self.search = None;
                    self.set_message("search cleared", false);
                } else {
                    self.back();
                }
                Effect::Redraw
            }
            Action::Back => {
                self.back();
                Effect::Redraw
            }
            Action::Open => self.enter(state),
            Action::Down => self.move_by(1, state),
            Action::Up => self.move_by(-1, state),
            Action::First => self.jump(false, state),
            Action::Last => self.jump(true, state),
            Action::Sort => self.sort(false, state),
            Action::ReverseSort => self.sort(true, state),
            Action::Write => Effect::WriteSnapshot(None),
            Action::Rescan => Effect::Rescan,
            Action::Copy => match self.copy_text(state) {
                Some(text) => Effect::Copy(text),
                None => {
                    self.set_message("nothing to copy here", true);
                    Effect::Redraw
                }
            },
        }
    }

    fn on_input_key(&mut self, k: KeyEvent, state: &State) -> Effect {
        let Some(mut input) = self.input.take() else {
            return Effect::Nothing;
        };
        let ctrl = k.modifiers.contains(KeyModifiers::CONTROL);
        match k.code {
            KeyCode::Char('c') if ctrl => return Effect::Quit,
            KeyCode::Char('u') if ctrl => input.text.clear(),
            KeyCode::Char('w') if ctrl => {
                let t = input.text.trim_end().to_string();
                let cut = t.rfind(' ').map(|i| i + 1).unwrap_or(0);
                input.text.truncate(cut);
            }
            KeyCode::Esc => {
                match input.kind {
                    InputKind::Filter => self.set_filter(String::new(), state),
                    InputKind::Search => self.search = None,
                    InputKind::Command => {
                        self.completion = None;
                        self.history_at = None;
                    }
                }
                return Effect::Redraw;
            }
            KeyCode::Enter => {
                return match input.kind {
                    InputKind::Filter => Effect::Redraw,
                    InputKind::Search => {
                        self.say_matches(state);
                        Effect::Redraw
                    }
                    InputKind::Command => {
                        self.completion = None;
                        self.history_at = None;
                        let text = input.text.trim().to_string();
                        if !text.is_empty() && self.history.last() != Some(&text) {
                            self.history.push(text);
                        }
                        self.run_command(&input.text, state)
                    }
                };
            }
            KeyCode::Backspace if input.text.pop().is_none() => return Effect::Redraw,
            KeyCode::Backspace => {}
            KeyCode::Tab if input.kind == InputKind::Command => {
                self.complete(&mut input, state);
                self.input = Some(input);
                return Effect::Redraw;
            }
            KeyCode::Up | KeyCode::Down if input.kind == InputKind::Command => {
                self.browse_history(&mut input, k.code == KeyCode::Up);
                self.input = Some(input);
                return Effect::Redraw;
            }
            KeyCode::Char(c) if !ctrl => input.text.push(c),
            _ => {}
        }
        match input.kind {
            InputKind::Filter => self.set_filter(input.text.clone(), state),
            InputKind::Search => self.search_for(input.text.clone(), state),
            // Typing makes the candidates stale.
            InputKind::Command => self.completion = None,
        }
        self.input = Some(input);
        Effect::Redraw
    }

    /// Tab on the command line: one candidate completes it; several are listed, and each Tab
    /// after puts the next one in.
    fn complete(&mut self, input: &mut Input, state: &State) {
        if let Some(c) = self.completion.as_mut().filter(|c| !c.items.is_empty()) {
            let at = c.at.map_or(0, |i| (i + 1) % c.items.len());
            c.at = Some(at);
            input.text = format!("{}{}", c.keep, c.items[at]);
            return;
        }
        let (keep, items) = super::complete::candidates(&input.text, state, self.evaluation());
        let typed = input.text[keep.len().min(input.text.len())..]
            .trim_start()
            .to_string();
        let only = super::complete::only_prefix(&typed, &items).filter(|_| !typed.is_empty());
        match (items.as_slice(), only) {
            ([], _) => self.set_message("nothing to complete", true),
            ([one], _) | (_, Some(one)) => input.text = format!("{keep}{one} "),
            _ => {
                self.completion = Some(Completion {
                    keep,
                    items,
                    at: None,
                })
            }
        }
    }

    /// ↑ ↓ on the command line: the commands run before, newest first; past the newest, what
    /// was being typed.
    fn browse_history(&mut self, input: &mut Input, older: bool) {
        if self.history.is_empty() {
            return;
        }
        self.completion = None;
        let last = self.history.len() - 1;
        let at = match (self.history_at, older) {
            (None, true) => {
                self.draft = input.text.clone();
                Some(last)
            }
            (None, false) => None,
            (Some(i), true) => Some(i.saturating_sub(1)),
            (Some(i), false) if i < last => Some(i + 1),
            (Some(_), false) => None,
        };
        self.history_at = at;
        input.text = match at {
            Some(i) => self.history[i].clone(),
            None => std::mem::take(&mut self.draft),
        };
    }

    /// Tab's candidates while they are shown.
    pub fn completion(&self) -> Option<&Completion> {
        self.completion.as_ref().filter(|_| self.input.is_some())
    }

    /// A search of the current view is on (Esc clears it before it goes back).
    fn searching(&self) -> bool {
        self.search
            .as_ref()
            .is_some_and(|(d, _)| *d == self.stack.len())
    }

    /// While `/` is typed in a document: how many of its lines hold the text so far.
    pub fn search_count(&self, state: &State) -> Option<usize> {
        let typing = self
            .input
            .as_ref()
            .is_some_and(|i| i.kind == InputKind::Search);
        (typing && self.searching()).then(|| self.matches(state).len())
    }

    /// The lines of the current document that hold the search text (any case).
    fn matches(&self, state: &State) -> Vec<usize> {
        let Some((depth, text)) = &self.search else {
            return Vec::new();
        };
        let Some(doc) = self
            .doc(self.view(), state)
            .filter(|_| *depth == self.stack.len())
        else {
            return Vec::new();
        };
        let needle = text.to_lowercase();
        doc.lines
            .iter()
            .enumerate()
            .filter(|(_, l)| {
                let line: String = l.line.spans.iter().map(|s| s.content.as_ref()).collect();
                line.to_lowercase().contains(&needle)
            })
            .map(|(i, _)| i)
            .collect()
    }

    /// Searches the current document for `text` as it is typed: to the first match at or
    /// after the cursor.
    fn search_for(&mut self, text: String, state: &State) {
        if text.is_empty() {
            self.search = None;
            return;
        }
        self.search = Some((self.stack.len(), text));
        let at = self.view().nav().selected;
        let hits = self.matches(state);
        if let Some(&line) = hits.iter().find(|&&l| l >= at).or(hits.first()) {
            self.view_mut().nav_mut().selected = line;
        }
    }

    /// `:report FORMAT FILE`: the report of the estate and evaluation the console shows
    /// (exceptions applied), as `intransit report` writes it.
    fn write_report(
        &mut self,
        format: crate::report::Format,
        path: &std::path::Path,
        state: &State,
    ) {
        if format == crate::report::Format::Markdown {
            self.plan_fixes(state);
        }
        let Some(evaluation) = self.evaluation() else {
            self.set_message("the evaluation is not ready yet", true);
            return;
        };
        let text = crate::report::render(
            format,
            &crate::report::ReportInput {
                group_by: None,
                evaluation,
                estate: &state.estate,
                meta: &state.meta,
                catalog_sources: &["builtin".to_string()],
                plan: self.planned(),
            },
        );
        match std::fs::write(path, text.as_bytes()) {
            Ok(()) => self.set_message(
                format!(
                    "wrote the {format} report to {} ({} bytes)",
                    path.display(),
                    text.len()
                ),
                false,
            ),
            Err(e) => self.set_message(format!("cannot write {}: {e}", path.display()), true),
        }
    }

    /// Copies what `make` says of the current subject, or says there is none.
    fn copy_subject(
        &mut self,
        what: &str,
        make: fn(&App, &State, &Link) -> Option<String>,
        state: &State,
    ) -> Effect {
        let text = views::subject::subject(self, state).and_then(|l| make(self, state, &l));
        match text {
            Some(t) => Effect::Copy(t),
            None => {
                self.set_message(format!("no {what} for this selection"), true);
                Effect::Redraw
            }
        }
    }

    /// `n` / `N`: the next or previous match, around the ends.
    fn search_again(&mut self, forward: bool, state: &State) -> Effect {
        let hits = self.matches(state);
        if hits.is_empty() {
            let here = self
                .search
                .as_ref()
                .is_some_and(|(d, _)| *d == self.stack.len());
            let why = if here {
                "no match"
            } else {
                "no search: / searches this view"
            };
            self.set_message(why, true);
            return Effect::Redraw;
        }
        let at = self.view().nav().selected;
        let next = if forward {
            hits.iter().find(|&&l| l > at).or(hits.first())
        } else {
            hits.iter().rev().find(|&&l| l < at).or(hits.last())
        };
        if let Some(&line) = next {
            self.view_mut().nav_mut().selected = line;
        }
        self.say_matches(state);
        Effect::Redraw
    }

    /// "match 2 of 7" in the message line.
    fn say_matches(&mut self, state: &State) {
        let hits = self.matches(state);
        let Some((_, text)) = &self.search else {
            return;
        };
        let at = self.view().nav().selected;
        let text = text.clone();
        match hits.iter().position(|&l| l == at) {
            Some(i) => self.set_message(
                format!(
                    "match {} of {} lines for {text:?} (n / N)",
                    i + 1,
                    hits.len()
                ),
                false,
            ),
            None => self.set_message(format!("no match for {text:?}"), true),
        }
    }

    /// Sets the current view's filter (incremental: called on every keystroke).
    pub fn set_filter(&mut self, filter: String, state: &State) {
        self.view_mut().page_mut().set_filter(filter, state);
    }

    /// Replaces the stack with a top-level view.
    pub fn switch(&mut self, top: Top) {
        if self.stack.len() == 1 && self.top() == top {
            return;
        }
        let about = self.view().kind();
        self.set_root(top);
        if let View::Help(h) = self.view_mut() {
            // Help is about the view it was opened from.
            h.about = about;
        }
    }

    /// Makes `top` the only view; the view left keeps its filter, sort and cursor for the next
    /// time it is shown.
    fn set_root(&mut self, top: Top) {
        let left = self.top();
        let root = std::mem::take(&mut self.stack).swap_remove(0);
        if left != Top::Help {
            self.kept.insert(left, root);
        }
        let view = self.kept.remove(&top).unwrap_or_else(|| View::top(top));
        self.stack = vec![view];
    }

    /// Esc / Backspace: one level up; from a top-level view, to the overview.
    pub fn back(&mut self) {
        self.search = None;
        if self.stack.len() > 1 {
            self.stack.pop();
        } else if self.top() != Top::Overview {
            self.set_root(Top::Overview);
        }
    }

    fn move_by(&mut self, delta: isize, state: &State) -> Effect {
        let view = self.view();
        if self.links_only()
            && let Some(doc) = self.doc(view, state)
        {
            let sel = view.nav().selected;
            let mut target = sel;
            for _ in 0..delta.unsigned_abs() {
                match doc.next_link(target, delta > 0) {
                    Some(t) => target = t,
                    None => break,
                }
            }
            self.view_mut().nav_mut().selected = target;
            return Effect::Redraw;
        }
        let len = self.len(state);
        self.view_mut().nav_mut().step(delta, len);
        self.remember_selection(state);
        Effect::Redraw
    }

    /// A page: the rows scroll by a page and the selection with them, so it stays on the
    /// same screen line (the first press scrolls; at the ends, the selection moves).
    fn page(&mut self, dir: isize, state: &State) -> Effect {
        let page = self.view().nav().page().saturating_sub(1).max(1) as isize;
        let effect = self.scroll(dir * page, state);
        self.view_mut().nav_mut().scroll_by(dir * page);
        effect
    }

    fn half_page(&mut self, dir: isize, state: &State) -> Effect {
        let page = (self.view().nav().page() / 2).max(1) as isize;
        self.scroll(dir * page, state)
    }

    fn scroll(&mut self, delta: isize, state: &State) -> Effect {
        let len = self.len(state);
        let links = self.links_only();
        self.view_mut().nav_mut().step(delta, len);
        if links {
            self.snap_to_link(delta > 0, state);
        }
        self.remember_selection(state);
        Effect::Redraw
    }

    fn jump(&mut self, end: bool, state: &State) -> Effect {
        let len = self.len(state);
        let links = self.links_only();
        self.view_mut().nav_mut().selected = if end { len.saturating_sub(1) } else { 0 };
        if links {
            self.snap_to_link(!end, state);
        }
        if !end {
            // The top of the document, headings above the first link included.
            self.view_mut().nav_mut().to_top();
        }
        self.remember_selection(state);
        Effect::Redraw
    }

    /// Moves a links-only cursor onto the nearest link (in `forward` direction first).
    fn snap_to_link(&mut self, forward: bool, state: &State) {
        let Some(doc) = self.doc(self.view(), state) else {
            return;
        };
        let sel = self.view().nav().selected;
        if doc.link_at(sel).is_some() {
            return;
        }
        let near = if forward {
            doc.next_link(sel, true)
                .or_else(|| doc.next_link(sel, false))
        } else {
            doc.next_link(sel, false)
                .or_else(|| doc.next_link(sel, true))
        };
        if let Some(i) = near {
            self.view_mut().nav_mut().selected = i;
        }
    }

    /// Keeps links-only cursors on their first link until the operator moves them.
    pub fn place_cursor(&mut self, state: &State) {
        if self.view().page().links_only() != Some(false) {
            return;
        }
        if let Some(first) = self.doc(self.view(), state).and_then(|d| d.first_link()) {
            self.view_mut().nav_mut().selected = first;
        }
    }

    fn remember_selection(&mut self, state: &State) {
        self.view_mut().page_mut().remember(state);
    }

    fn sort(&mut self, reverse: bool, state: &State) -> Effect {
        let fresh = fresh(state, &self.eval, &self.changed_buckets);
        let said = self
            .stack
            .last_mut()
            .and_then(|v| v.page_mut().sort(reverse, &fresh));
        match said {
            Some(text) => self.set_message(text, false),
            None => self.set_message("this view has no table to sort", true),
        }
        Effect::Redraw
    }

    /// Enter: follow the selection's link.
    pub fn enter(&mut self, state: &State) -> Effect {
        match self.selected_link(state) {
            Some(link) => {
                self.follow(link, state);
                Effect::Redraw
            }
            None => Effect::Nothing,
        }
    }

    /// What `y` copies: the view's own text, else what the selected link names.
    pub fn copy_text(&self, state: &State) -> Option<String> {
        let cx = Cx::new(self, state);
        self.view()
            .page()
            .copy_text(cx)
            .or_else(|| views::link_copy_text(state, self.selected_link(state)?))
    }

    /// Opens what `link` leads to, on top of the stack.
    pub fn follow(&mut self, link: Link, state: &State) {
        use views::{
            bucket_detail::BucketDetailView, connectivity::DiagramView,
            connectivity_detail::ElementView, errors::ErrorView, finding::FindingView,
            traffic::ClientView, workgroup_detail::WorkgroupDetailView,
        };
        let view = match link {
            Link::Top(t) => {
                self.switch(t);
                self.place_cursor(state);
                return;
            }
            Link::Open(kind) => {
                self.open(kind, state);
                return;
            }
            Link::Bucket(name) => View::BucketDetail(BucketDetailView::new(name)),
            Link::Buckets(filter) => View::Buckets(BucketsView::filtered(filter, state)),
            Link::Workgroup(key) => View::WorkgroupDetail(WorkgroupDetailView::new(key)),
            Link::Workgroups(filter) => View::Workgroups(WorkgroupsView::filtered(filter)),
            Link::Element(e) => View::ConnDetail(ElementView::new(e)),
            Link::Diagram(e) => {
                let at = views::connectivity::line_of(Cx::new(self, state), &e);
                View::Connectivity(DiagramView::at(at))
            }
            Link::Program(p) => View::Compliance(ComplianceView::controls(p)),
            Link::Control(p, c) => View::Compliance(ComplianceView::findings(p, c)),
            Link::Error(index) => View::ErrorDetail(ErrorView {
                index,
                nav: Default::default(),
            }),
            Link::Finding(id) => View::FindingDetail(FindingView::new(id)),
            Link::TrafficClient(index) => View::TrafficClient(ClientView {
                index,
                nav: Default::default(),
            }),
        };
        self.stack.push(view);
        self.sync(state);
        self.place_cursor(state);
    }

    /// Opens `view` with the cursor on its first link (the first thing to open).
    /// Opens a view registered with a command: its plan made first when it shows one, its
    /// cursor on its first link when it asks for that.
    fn open(&mut self, kind: Kind, state: &State) {
        let Some(view) = kind.open() else {
            return;
        };
        if view.page().shows_plan() {
            self.plan_fixes(state);
        }
        if view.page().opens_on_first_link() {
            self.push_on_first_link(view, state);
        } else {
            self.stack.push(view);
            self.place_cursor(state);
        }
    }

    fn push_on_first_link(&mut self, mut view: View, state: &State) {
        if let Some(first) = self.doc(&view, state).and_then(|d| d.first_link()) {
            view.nav_mut().selected = first;
        }
        self.stack.push(view);
        self.place_cursor(state);
    }

    /// Runs a `:` command.
    pub fn run_command(&mut self, text: &str, state: &State) -> Effect {
        match command::parse(text) {
            Ok(Command::Nothing) => Effect::Redraw,
            Ok(Command::Quit) => Effect::Quit,
            Ok(Command::Top(t)) => {
                self.switch(t);
                self.place_cursor(state);
                Effect::Redraw
            }
            Ok(Command::Buckets(filter)) => {
                self.switch(Top::Buckets);
                self.set_filter(filter, state);
                Effect::Redraw
            }
            Ok(Command::Accounts(filter)) => {
                self.switch(Top::Accounts);
                self.sync(state);
                self.set_filter(filter, state);
                Effect::Redraw
            }
            Ok(Command::Bucket(name)) => {
                if state.bucket(&name).is_some() {
                    self.follow(Link::Bucket(name), state);
                } else {
                    self.set_message(format!("no bucket named {name:?}"), true);
                }
                Effect::Redraw
            }
            Ok(Command::Compliance(program)) => {
                self.switch(Top::Compliance);
                if let Some(p) = program {
                    match views::compliance::find_program(self.evaluation(), &p) {
                        Some(id) => self.follow(Link::Program(id), state),
                        None => self.set_message(format!("no program matches {p:?}"), true),
                    }
                }
                Effect::Redraw
            }
            Ok(Command::Theme(name)) => {
                match Theme::load(&name, self.depth) {
                    Ok(t) => {
                        self.set_message(
                            format!("theme {} ({})", t.name, self.depth.as_str()),
                            false,
                        );
                        self.theme = t;
                    }
                    Err(e) => self.set_message(e.to_string(), true),
                }
                Effect::Redraw
            }
            Ok(Command::Write(path)) => Effect::WriteSnapshot(path),
            Ok(Command::Rescan) => Effect::Rescan,
            Ok(Command::Open(kind)) => {
                self.open(kind, state);
                Effect::Redraw
            }
            Ok(Command::Report(format, path)) => {
                self.write_report(format, &path, state);
                Effect::Redraw
            }
            Ok(Command::Mouse(on)) => {
                self.mouse = on;
                Effect::Mouse(on)
            }
            Ok(Command::Filter(f)) => {
                if self.view().filter().is_some() {
                    self.set_filter(f, state);
                } else {
                    self.set_message("this view has no filter", true);
                }
                Effect::Redraw
            }
            Err(e) => {
                self.set_message(e, true);
                Effect::Redraw
            }
        }
    }
}

/// What a view may follow, from the app's fields (borrowed apart from the view stack).
fn fresh<'a>(
    state: &'a State,
    eval: &'a Option<(u64, Evaluation)>,
    changed: &'a Arc<HashSet<String>>,
) -> Fresh<'a> {
    Fresh {
        state,
        eval: eval.as_ref().map(|(v, e)| (*v, e)),
        changed,
    }
}
