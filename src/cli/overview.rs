//! `intransit overview` (and `intransit` when standard input or output is not a terminal):
//! the console's Overview as plain text — the same document the console draws, so the two
//! can never disagree.

use std::process::ExitCode;

use super::source_args::SourceArgs;
use crate::compliance::{Catalog, evaluate};
use crate::source;
use crate::store::State;
use crate::text::sanitize;
use crate::ui::theme::{Depth, Theme};
use crate::ui::views::overview;

/// Width the text is laid out for when neither `COLUMNS` nor a terminal says.
const WIDTH: usize = 100;

/// The width to lay out for: `COLUMNS` when it is a number, else the terminal's when
/// standard output is one, else [`WIDTH`]; never narrower than the console's minimum.
fn width() -> usize {
    use std::io::IsTerminal;
    let from_env = std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.trim().parse::<usize>().ok())
        .filter(|w| *w > 0);
    let from_terminal = || {
        std::io::stdout()
            .is_terminal()
            .then(|| {
                crossterm::terminal::size()
                    .ok()
                    .map(|(w, _)| usize::from(w))
            })
            .flatten()
    };
    from_env
        .or_else(from_terminal)
        .unwrap_or(WIDTH)
        .clamp(usize::from(crate::ui::draw::MIN_WIDTH), 400)
}

pub fn run(args: &SourceArgs) -> ExitCode {
    let runtime = match super::runtime() {
        Ok(r) => r,
        Err(code) => return code,
    };
    let spec = args.spec();
    let result = runtime.block_on(async {
        let scan = source::start(&spec).await?;
        scan.finish().await
    });
    match result {
        Ok(store) => {
            let w = width();
            print!("{}", store.read(|s| render(s, w)));
            // About to exit: freeing an organization's estate piece by piece takes longer
            // than the process's exit.
            std::mem::forget(store);
            ExitCode::SUCCESS
        }
        Err(e) => {
            crate::say!("{e}");
            ExitCode::from(1)
        }
    }
}

/// Renders the overview of `state` as text `width` columns wide; strings from the estate
/// are sanitized.
pub fn render(state: &State, width: usize) -> String {
    let eval = evaluate(&Catalog::builtin(), &state.estate);
    // The console's Overview names the top fix once it is planned; so does this one.
    let planned = (state.estate.buckets.len() <= crate::fix::PLAN_MAX_BUCKETS)
        .then(|| crate::fix::Planned::make(&state.estate, &eval, &|_, _| {}));
    let top = planned.as_ref().and_then(|p| p.plan.items.first());
    let doc = overview::doc(
        state,
        Some(&eval),
        top,
        &Theme::default_for(Depth::None),
        width,
    );
    let accounts: Vec<String> = state
        .estate
        .accounts
        .iter()
        .map(|a| match &a.name {
            Some(n) => format!("{} ({n})", a.id),
            None => a.id.clone(),
        })
        .collect();
    let header = format!(
        "intransit  [{}]  [READ-ONLY]  accounts: {}  regions: {}",
        state.meta.mode.badge(),
        accounts.join(", "),
        state.meta.regions.join(", ")
    );
    let mut out = String::new();
    for line in crate::ui::widgets::wrap(&sanitize(&header), width, "", "  ") {
        out.push_str(&line);
        out.push('\n');
    }
    out.push('\n');
    for l in &doc.lines {
        let text: String = l.line.spans.iter().map(|s| s.content.as_ref()).collect();
        let text = sanitize(text.trim_end());
        out.push_str(&crate::ui::widgets::truncate(&text, width));
        out.push('\n');
    }
    out
}
