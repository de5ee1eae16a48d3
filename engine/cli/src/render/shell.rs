//! The one writer to the terminal.

use super::Style;
use std::io::Write;

#[derive(Clone)]
pub struct Shell {
    pub style: Style,
}

impl Shell {
    pub fn new(color: bool) -> Self {
        use std::io::IsTerminal;
        Shell { style: Style { color: color && std::io::stdout().is_terminal() } }
    }
    pub fn out(&self, s: &str) {
        let mut o = std::io::stdout().lock();
        let _ = o.write_all(s.as_bytes());
        let _ = o.flush();
    }
    pub fn line(&self, s: &str) {
        self.out(&format!("{s}\n"));
    }
    pub fn err(&self, s: &str) {
        let mut e = std::io::stderr().lock();
        let _ = e.write_all(s.as_bytes());
    }
    /// Asks a question on the terminal; `None` when there is no input to read.
    pub fn ask(&self, prompt: &str) -> Option<String> {
        self.out(prompt);
        let mut s = String::new();
        match std::io::stdin().read_line(&mut s) {
            Ok(0) | Err(_) => None,
            Ok(_) => Some(s.trim().to_string()),
        }
    }
}
