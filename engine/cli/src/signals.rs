//! Interrupts: the first SIGINT/SIGTERM asks the running operation to stop gracefully (start
//! nothing new, finish what is in flight, commit, release the lock); a second one exits at
//! once. Intent records are durable before every create, so even that loses no object.

use crate::render::Shell;
use meshplan_engine::walk::Stop;

/// Listens for interrupts for the life of the runtime.
pub fn listen(stop: Stop, color: bool) {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        let (Ok(mut int), Ok(mut term)) = (signal(SignalKind::interrupt()), signal(SignalKind::terminate())) else {
            return;
        };
        tokio::spawn(async move {
            let shell = Shell::new(color);
            let mut seen = 0;
            loop {
                tokio::select! {
                    _ = int.recv() => {}
                    _ = term.recv() => {}
                }
                seen += 1;
                if seen == 1 {
                    shell.err("\nInterrupt received: starting nothing new and waiting for operations in flight (interrupt again to exit at once).\n");
                    stop.request();
                } else {
                    shell.err("\nSecond interrupt: exiting now. Interrupted creates are adopted by the next run.\n");
                    std::process::exit(1);
                }
            }
        });
    }
    #[cfg(not(unix))]
    let _ = (stop, color);
}
