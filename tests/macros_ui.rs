//! Compile-time checks of `#[rt::main]`, `#[rt::test]` and `rt::select!`: what they accept
//! (`tests/ui/pass`, built and run) and the spanned errors they report for
//! misuse (`tests/ui/fail`, compared with the committed `.stderr` files).
//!
//! Regenerate the `.stderr` files with `TRYBUILD=overwrite`, then read them:
//! each must show the macro's own message, pointing at the offending tokens.
//!
//! (An executable of its own, not a module of tests/suite: trybuild runs cargo
//! to compile tests/ui; the sanitizer steps skip it by name.)

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.pass("tests/ui/pass/*.rs");
    t.compile_fail("tests/ui/fail/*.rs");
}
