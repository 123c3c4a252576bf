//! A progress bar on stderr for long runs: only on a terminal, and only once a run has taken
//! about a second, so short runs and scripts never see it.

use std::io::IsTerminal;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use postmortem::pipeline::Progress;

/// How long a run goes before the bar appears.
pub const SHOW_AFTER: Duration = Duration::from_secs(1);

/// A progress bar on standard error: only on a terminal, and only after about a second.
pub struct Bar {
    progress: Arc<Progress>,
    stop: Arc<std::sync::atomic::AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Bar {
    /// Starts watching `progress`; draws only if stderr is a terminal and `enabled`.
    pub fn start(enabled: bool) -> Self {
        let progress = Arc::new(Progress::default());
        let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let thread = (enabled && std::io::stderr().is_terminal()).then(|| {
            let (progress, stop) = (progress.clone(), stop.clone());
            std::thread::spawn(move || draw(&progress, &stop))
        });
        Bar {
            progress,
            stop,
            thread,
        }
    }

    /// What the run updates (passed to `draft_timed`).
    pub fn progress(&self) -> Arc<Progress> {
        self.progress.clone()
    }

    /// Removes the bar before the draft is printed.
    pub fn finish(mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn draw(progress: &Progress, stop: &std::sync::atomic::AtomicBool) {
    let started = std::time::Instant::now();
    while started.elapsed() < SHOW_AFTER {
        if stop.load(Ordering::Relaxed) {
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    // Start from what is already done, so the rate is not the first second's bytes over a
    // moment.
    let bar = ProgressBar::with_draw_target(
        Some(progress.bytes_total.load(Ordering::Relaxed)),
        ProgressDrawTarget::stderr(),
    )
    .with_position(progress.bytes_done.load(Ordering::Relaxed));
    bar.set_style(
        ProgressStyle::with_template(
            "{spinner} reading {bar:30} {binary_bytes}/{binary_total_bytes} {msg}",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    while !stop.load(Ordering::Relaxed) {
        let total = progress.bytes_total.load(Ordering::Relaxed);
        bar.set_length(total);
        bar.set_position(progress.bytes_done.load(Ordering::Relaxed).min(total));
        // The rate over the whole run so far: steadier than indicatif's estimate, which sees
        // the position move in batch-sized steps.
        let done = progress.bytes_done.load(Ordering::Relaxed).min(total);
        bar.set_message(format!(
            "{:.0} MB/s, {}/{} files",
            done as f64 / 1e6 / started.elapsed().as_secs_f64().max(1e-3),
            progress.files_done.load(Ordering::Relaxed),
            progress.files_total.load(Ordering::Relaxed)
        ));
        bar.tick();
        std::thread::sleep(Duration::from_millis(100));
    }
    bar.finish_and_clear();
}
