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

/// Width the text is laid out for.
const WIDTH: usize = 100;

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
            print!("{}", store.read(render));
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

/// Renders the overview of `state` as text; strings from the estate are sanitized.
pub fn render(state: &State) -> String {
    let eval = evaluate(&Catalog::builtin(), &state.estate);
    let doc = overview::doc(state, Some(&eval), &Theme::default_for(Depth::None), WIDTH);
    let accounts: Vec<String> = state
        .estate
        .accounts
        .iter()
        .map(|a| match &a.name {
            Some(n) => format!("{} ({n})", a.id),
            None => a.id.clone(),
        })
        .collect();
    let mut out = format!(
        "intransit  [{}]  [READ-ONLY]  accounts: {}  regions: {}\n\n",
        state.meta.mode.badge(),
        accounts.join(", "),
        state.meta.regions.join(", ")
    );
    for l in &doc.lines {
        let text: String = l.line.spans.iter().map(|s| s.content.as_ref()).collect();
        out.push_str(sanitize(text.trim_end()).as_ref());
        out.push('\n');
    }
    out
}
