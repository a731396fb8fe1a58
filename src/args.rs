//! A small command-line parser for the examples: `--name value`,
//! `--name=value` and bare `--flag`s, in any order.
//!
//! Each option is taken out by name ([`Args::value`], [`Args::flag`]);
//! [`Args::finish`] then rejects whatever is left, so a typo fails loudly
//! instead of being ignored. Errors print the usage text and exit with
//! status 2, as command-line tools do; `--help` prints it and exits 0.
//!
//! # Examples
//!
//! ```
//! use rt_suite::args::Args;
//!
//! let mut args = Args::new("usage: demo [--size N] [--json]", ["--size=64", "--json"]);
//! let size: usize = args.value("size").unwrap_or(16);
//! let json = args.flag("json");
//! args.finish();
//! assert_eq!((size, json), (64, true));
//! ```

use std::fmt::Display;
use std::process;
use std::str::FromStr;

/// The arguments not yet taken, and the usage text to print on misuse.
#[derive(Debug)]
pub struct Args {
    usage: &'static str,
    rest: Vec<String>,
}

impl Args {
    /// The process's arguments (without the program name).
    ///
    /// Prints `usage` and exits 0 if they contain `--help` or `-h`.
    pub fn from_env(usage: &'static str) -> Args {
        Args::new(usage, std::env::args().skip(1))
    }

    /// Arguments from a list (for tests and examples).
    ///
    /// Prints `usage` and exits 0 if they contain `--help` or `-h`.
    pub fn new<I, S>(usage: &'static str, args: I) -> Args
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let rest: Vec<String> = args.into_iter().map(Into::into).collect();
        if rest.iter().any(|a| a == "--help" || a == "-h") {
            println!("{usage}");
            process::exit(0);
        }
        Args { usage, rest }
    }

    /// Takes `--name VALUE` or `--name=VALUE` (the last one if repeated)
    /// and parses it.
    ///
    /// Exits with status 2 (after printing the usage) if the value is
    /// missing or does not parse.
    pub fn value<T>(&mut self, name: &str) -> Option<T>
    where
        T: FromStr,
        T::Err: Display,
    {
        let raw = self.raw_value(name)?;
        match raw.parse() {
            Ok(value) => Some(value),
            Err(err) => self.fail(&format!("--{name} {raw:?}: {err}")),
        }
    }

    /// Takes every `--name` and says whether there was one.
    pub fn flag(&mut self, name: &str) -> bool {
        let flag = format!("--{name}");
        let before = self.rest.len();
        self.rest.retain(|a| *a != flag);
        self.rest.len() != before
    }

    /// Exits with status 2 (after printing the usage) if any argument was
    /// not taken.
    pub fn finish(self) {
        if let Some(unknown) = self.rest.first() {
            self.fail(&format!("unexpected argument {unknown:?}"));
        }
    }

    /// Prints `message` and the usage to stderr and exits with status 2.
    pub fn fail(&self, message: &str) -> ! {
        eprintln!("error: {message}\n\n{}", self.usage);
        process::exit(2);
    }

    fn raw_value(&mut self, name: &str) -> Option<String> {
        let flag = format!("--{name}");
        let prefix = format!("--{name}=");
        let mut found = None;
        let mut i = 0;
        while i < self.rest.len() {
            if let Some(value) = self.rest[i].strip_prefix(&prefix) {
                found = Some(value.to_string());
                self.rest.remove(i);
            } else if self.rest[i] == flag {
                let value = self.rest.get(i + 1).filter(|v| !v.starts_with("--"));
                let Some(value) = value.cloned() else {
                    self.fail(&format!("{flag} needs a value"));
                };
                found = Some(value);
                self.rest.drain(i..i + 2);
            } else {
                i += 1;
            }
        }
        found
    }
}

/// The number of CPUs this process may use (at least 1): the examples'
/// default worker count.
pub fn num_cpus() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}
