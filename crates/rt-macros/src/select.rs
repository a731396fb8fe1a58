//! `__select_clean_pattern!`: the one part of `rt::select!` a declarative
//! macro cannot do.
//!
//! `select!` must learn whether a branch's output matches the branch's
//! pattern *without* consuming the output: on a mismatch the branch is
//! disabled and the select goes on; on a match the output is moved into
//! the handler's bindings later, outside the poll. So rt-futures matches a
//! *reference* to the output against the pattern. Default binding modes
//! make `Some(x)` bind `x` by reference there, but a binding modifier
//! (`mut x`, `ref x`, `ref mut x`) or a `&mut` reference pattern would
//! move out of the borrow or be refused. This helper strips them, at any
//! depth of the pattern (a walk over its syntax tree, which a `macro_rules`
//! macro cannot do once the pattern is captured as a `pat` fragment): the
//! stripped pattern matches the same values.

use proc_macro2::{Delimiter, TokenStream, TokenTree};
use quote::ToTokens;
use syn::parse::Parser;
use syn::visit_mut::{self, VisitMut};

/// Clears binding modifiers and `&mut` in reference patterns.
struct StripModifiers;

impl VisitMut for StripModifiers {
    fn visit_pat_ident_mut(&mut self, pat: &mut syn::PatIdent) {
        pat.by_ref = None;
        pat.mutability = None;
        visit_mut::visit_pat_ident_mut(self, pat);
    }

    fn visit_pat_reference_mut(&mut self, pat: &mut syn::PatReference) {
        pat.mutability = None;
        visit_mut::visit_pat_reference_mut(self, pat);
    }
}

/// The pattern of `input` without binding modifiers. An input that does not
/// parse as a pattern is returned as it came (the select's own match on it
/// reports the error at the user's tokens).
pub(crate) fn clean_pattern(input: TokenStream) -> TokenStream {
    // A `pat` fragment forwarded by `macro_rules` arrives wrapped in one
    // invisible group: look inside it.
    let mut tokens: Vec<TokenTree> = input.clone().into_iter().collect();
    while let [TokenTree::Group(group)] = tokens.as_slice() {
        if group.delimiter() != Delimiter::None {
            break;
        }
        tokens = group.stream().into_iter().collect();
    }
    let inner: TokenStream = tokens.into_iter().collect();
    match syn::Pat::parse_multi_with_leading_vert.parse2(inner) {
        Ok(mut pat) => {
            StripModifiers.visit_pat_mut(&mut pat);
            pat.into_token_stream()
        }
        Err(_) => input,
    }
}
