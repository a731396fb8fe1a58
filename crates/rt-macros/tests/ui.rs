//! Compile-time checks of `#[rt::main]`, `#[rt::test]` and `rt::select!`: what they accept
//! (`tests/ui/pass`, built and run) and the spanned errors they report for
//! misuse (`tests/ui/fail`, compared with the committed `.stderr` files).
//!
//! Regenerate the `.stderr` files with `TRYBUILD=overwrite`, then read them:
//! each must show the macro's own message, pointing at the offending tokens.
//!
//! In rt-macros, not in rt-suite's tests: trybuild compiles the cases in a
//! project of its own (`target/tests/trybuild`, with its own flags, so
//! nothing is shared with the workspace's build) whose dependencies are the
//! tested package's and its dev-dependencies: here rt and trybuild, not all
//! of rt-suite's. The sanitizer steps do not build it.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.pass("tests/ui/pass/*.rs");
    t.compile_fail("tests/ui/fail/*.rs");
}
