//! Compile-time checks of `#[rt::main]`, `#[rt::test]` and `rt::select!`: what they accept
//! (`tests/ui/pass`, built and run) and the spanned errors they report for
//! misuse (`tests/ui/fail`, compared with the committed `.stderr` files).
//!
//! Regenerate the `.stderr` files with `TRYBUILD=overwrite`, then read them:
//! each must show the macro's own message, pointing at the offending tokens.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.pass("tests/ui/pass/*.rs");
    t.compile_fail("tests/ui/fail/*.rs");
}
