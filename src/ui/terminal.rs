//! Terminal lifecycle: raw mode and the alternate screen on the way in; restored on normal
//! exit, on panic (before the panic message is printed) and on SIGINT / SIGTERM / SIGHUP
//! (`kill -HUP` leaves the terminal there). Once a write fails with EIO or a broken pipe the
//! terminal is really gone: nothing is written to it again.

use std::io::{self, BufWriter, Stdout, Write};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use crossterm::event::{DisableMouseCapture, EnableMouseCapture};
use crossterm::terminal::{
    BeginSynchronizedUpdate, EndSynchronizedUpdate, EnterAlternateScreen, LeaveAlternateScreen,
    disable_raw_mode, enable_raw_mode,
};
use crossterm::{cursor, execute};

/// Raw mode and the alternate screen are on.
static ACTIVE: AtomicBool = AtomicBool::new(false);
/// The terminal hung up: never write to it again.
static GONE: AtomicBool = AtomicBool::new(false);
static MOUSE: AtomicBool = AtomicBool::new(false);

pub fn mark_gone() {
    GONE.store(true, Ordering::SeqCst);
}

pub fn is_gone() -> bool {
    GONE.load(Ordering::SeqCst)
}

/// Standard output, buffered so a frame leaves in one write, counted, and silent once the
/// terminal is gone.
pub struct TermWriter {
    out: BufWriter<Stdout>,
    pub written: Arc<AtomicU64>,
}

impl TermWriter {
    pub fn new() -> TermWriter {
        TermWriter {
            out: BufWriter::with_capacity(1 << 16, io::stdout()),
            written: Arc::new(AtomicU64::new(0)),
        }
    }
}

impl Default for TermWriter {
    fn default() -> Self {
        TermWriter::new()
    }
}

impl Write for TermWriter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if is_gone() {
            return Ok(buf.len());
        }
        let n = self.out.write(buf)?;
        self.written.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        if is_gone() {
            return Ok(());
        }
        self.out.flush().inspect_err(|e| {
            if hung_up(e) {
                mark_gone();
            }
        })
    }
}

/// Takes over the terminal.
pub fn enter(mouse: bool) -> io::Result<()> {
    install_panic_hook();
    enable_raw_mode()?;
    ACTIVE.store(true, Ordering::SeqCst);
    let mut out = io::stdout();
    execute!(out, EnterAlternateScreen, cursor::Hide)?;
    if mouse {
        set_mouse(true)?;
    }
    Ok(())
}

pub fn set_mouse(on: bool) -> io::Result<()> {
    if is_gone() {
        return Ok(());
    }
    let mut out = io::stdout();
    if on {
        execute!(out, EnableMouseCapture)?;
    } else {
        execute!(out, DisableMouseCapture)?;
    }
    MOUSE.store(on, Ordering::SeqCst);
    Ok(())
}

/// Gives the terminal back: main screen, cursor shown, cooked mode. Idempotent; does
/// nothing once the terminal is gone.
pub fn restore() {
    if !ACTIVE.swap(false, Ordering::SeqCst) || is_gone() {
        return;
    }
    let mut out = io::stdout();
    let mouse = MOUSE.swap(false, Ordering::SeqCst);
    let written = (|| {
        if mouse {
            execute!(out, DisableMouseCapture)?;
        }
        execute!(
            out,
            EndSynchronizedUpdate,
            LeaveAlternateScreen,
            cursor::Show
        )?;
        out.flush()
    })();
    if written.as_ref().is_err_and(hung_up) {
        mark_gone();
    }
    // Cooked mode again even when the screen could not be written: the tty's settings are
    // kept by the kernel, not by the terminal.
    let _ = disable_raw_mode();
}

/// EIO / EPIPE: the terminal went away.
fn hung_up(e: &io::Error) -> bool {
    matches!(e.kind(), io::ErrorKind::BrokenPipe) || e.raw_os_error() == Some(5)
}

fn install_panic_hook() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            restore();
            previous(info);
        }));
    });
}

/// Restores the terminal when dropped (normal exit and early returns).
pub struct Guard;

impl Drop for Guard {
    fn drop(&mut self) {
        restore();
    }
}

/// Wraps a frame's output in a synchronized update so terminals paint it at once.
pub fn begin_frame(w: &mut impl Write) -> io::Result<()> {
    crossterm::queue!(w, BeginSynchronizedUpdate)
}

pub fn end_frame(w: &mut impl Write) -> io::Result<()> {
    crossterm::queue!(w, EndSynchronizedUpdate)?;
    w.flush()
}
