//! The console evaluates off the store's lock: the event loop takes a job (a copy of the estate
//! made under the lock), runs it on a thread of its own, and hands the result back. The result
//! is the evaluation made in place, one job runs at a time, and a job of a replaced store is
//! dropped.

use intransit::compliance::{Catalog, evaluate};
use intransit::ui::screenshot::demo_store_blocking;
use intransit::ui::{App, Depth, Theme};

fn app() -> App {
    let mut app = App::new(Theme::load("default", Depth::Ansi16).unwrap(), (160, 48));
    app.background = true;
    app
}

#[test]
fn a_background_evaluation_is_the_one_made_in_place() {
    let store = demo_store_blocking();
    store.read(|state| {
        let mut app = app();
        app.sync(state);
        assert!(app.evaluation().is_none(), "sync leaves it to the loop");
        let job = app.evaluation_job(state).expect("a job is due");
        assert!(app.evaluation_job(state).is_none(), "one at a time");
        app.sync(state);
        assert!(app.evaluation().is_none());
        let done = std::thread::spawn(move || job.run()).join().unwrap();
        app.finish_evaluation(done, state);
        let here = evaluate(&Catalog::builtin(), &state.estate);
        let there = app.evaluation().expect("taken");
        assert_eq!(there.findings().len(), here.findings().len());
        assert_eq!(
            serde_json::to_value(&there.programs).unwrap(),
            serde_json::to_value(&here.programs).unwrap()
        );
        assert!(app.evaluation_job(state).is_none(), "nothing is stale now");
    });
}

#[test]
fn an_evaluation_of_a_replaced_store_is_dropped() {
    let store = demo_store_blocking();
    store.read(|state| {
        let mut app = app();
        let job = app.evaluation_job(state).expect("due");
        // A rescan replaces the store while the job runs.
        app.reset(state);
        let done = job.run();
        app.finish_evaluation(done, state);
        assert!(
            app.evaluation().is_none(),
            "the old store's evaluation is not shown"
        );
        assert!(
            app.evaluation_job(state).is_some(),
            "the new store gets its own"
        );
    });
}

#[test]
fn a_failed_evaluation_lets_the_next_one_start() {
    let store = demo_store_blocking();
    store.read(|state| {
        let mut app = app();
        let _lost = app.evaluation_job(state).expect("due");
        assert!(app.evaluation_job(state).is_none());
        app.evaluation_abandoned();
        assert!(app.evaluation_job(state).is_some());
    });
}
