//! The arguments of `#[rt::main(..)]` and `#[rt::test(..)]`.
//!
//! Accepted, in any order, each at most once:
//!
//! - `worker_threads = N`, `N` a positive integer literal;
//! - `flavor = "multi_thread"`, `flavor = "current_thread"` (the
//!   current-thread runtime, which excludes `worker_threads`) or
//!   `flavor = "local"` (a `LocalRuntime`: current-thread, with
//!   `spawn_local`; it excludes `worker_threads` too).
//!
//! Without a flavor, `worker_threads` means the multi-thread runtime, and
//! otherwise the attribute's default applies (see `expand`).
//! - `start_paused = true` or `false`: `Builder::start_paused`.
//!
//! Every misuse becomes a `syn::Error` spanned on the offending tokens; all
//! of them are reported together, not only the first.

use proc_macro2::{Literal, Span, TokenStream};
use syn::parse::Parser;
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::{Expr, ExprLit, Lit, LitInt, LitStr, Meta, MetaNameValue, Token};

/// What the attribute asked for.
#[derive(Debug, Default)]
pub(crate) struct Config {
    /// The flavor asked for (`worker_threads` alone asks for
    /// `MultiThread`); `None`: the attribute's default.
    pub(crate) flavor: Option<Flavor>,
    /// The literal to pass to `Builder::worker_threads`, spanned on the
    /// user's tokens; `None` keeps the builder's default.
    pub(crate) worker_threads: Option<Literal>,
    /// `start_paused = b`, to pass to `Builder::start_paused`, with the
    /// span of the user's literal.
    pub(crate) start_paused: Option<(bool, Span)>,
}

/// Parses the attribute's arguments (the tokens inside the parentheses).
pub(crate) fn parse(args: TokenStream) -> syn::Result<Config> {
    let metas = Punctuated::<Meta, Token![,]>::parse_terminated.parse2(args)?;

    let mut errors = Errors::default();
    let mut worker_threads: Option<(Span, Literal)> = None;
    let mut flavor: Option<(Span, Flavor)> = None;
    let mut start_paused: Option<(bool, Span)> = None;

    for meta in metas {
        let MetaNameValue { path, value, .. } = match meta {
            Meta::NameValue(name_value) => name_value,
            other => {
                errors.push(unknown_argument(other.path(), other.span()));
                continue;
            }
        };
        if path.is_ident("worker_threads") {
            if worker_threads.is_some() {
                errors.push(syn::Error::new_spanned(
                    &path,
                    "duplicate `worker_threads` argument",
                ));
            }
            match positive_integer(&value) {
                Ok(n) => worker_threads = Some((path.span(), n)),
                Err(e) => errors.push(e),
            }
        } else if path.is_ident("flavor") {
            if flavor.is_some() {
                errors.push(syn::Error::new_spanned(
                    &path,
                    "duplicate `flavor` argument",
                ));
            }
            match Flavor::parse(&value) {
                Ok(f) => flavor = Some((path.span(), f)),
                Err(e) => errors.push(e),
            }
        } else if path.is_ident("start_paused") {
            if start_paused.is_some() {
                errors.push(syn::Error::new_spanned(
                    &path,
                    "duplicate `start_paused` argument",
                ));
            }
            match &value {
                Expr::Lit(ExprLit {
                    lit: Lit::Bool(b), ..
                }) => start_paused = Some((b.value, b.span())),
                other => errors.push(syn::Error::new_spanned(
                    other,
                    "`start_paused` expects `true` or `false`",
                )),
            }
        } else {
            errors.push(unknown_argument(&path, path.span()));
        }
    }

    let (flavor, worker_threads) = match (flavor, worker_threads) {
        (Some((_, Flavor::CurrentThread)), Some((span, _))) => {
            errors.push(syn::Error::new(
                span,
                "`worker_threads` cannot be used with `flavor = \"current_thread\"`, \
                 which runs every task on the thread in `block_on`; use \
                 `flavor = \"multi_thread\"`",
            ));
            (Some(Flavor::CurrentThread), None)
        }
        (Some((_, Flavor::Local)), Some((span, _))) => {
            errors.push(syn::Error::new(
                span,
                "`worker_threads` cannot be used with `flavor = \"local\"`, which runs every \
                 task on the thread in `block_on`; use `flavor = \"multi_thread\"`",
            ));
            (Some(Flavor::Local), None)
        }
        (flavor, Some((_, n))) => (
            Some(flavor.map_or(Flavor::MultiThread, |(_, f)| f)),
            Some(n),
        ),
        (flavor, None) => (flavor.map(|(_, f)| f), None),
    };

    errors.finish()?;
    Ok(Config {
        flavor,
        worker_threads,
        start_paused,
    })
}

/// The runtime flavors of tokio's attribute that rt understands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Flavor {
    MultiThread,
    CurrentThread,
    /// A `LocalRuntime` (`Builder::build_local`).
    Local,
}

impl Flavor {
    fn parse(value: &Expr) -> syn::Result<Self> {
        const EXPECTED: &str =
            "expected `flavor = \"multi_thread\"`, `flavor = \"current_thread\"` or `flavor = \"local\"`";
        let Some(s) = string_literal(value) else {
            return Err(syn::Error::new_spanned(value, EXPECTED));
        };
        match s.value().as_str() {
            "multi_thread" => Ok(Flavor::MultiThread),
            "current_thread" => Ok(Flavor::CurrentThread),
            "local" => Ok(Flavor::Local),
            other => Err(syn::Error::new(
                s.span(),
                format!("unknown flavor `{other}`, {EXPECTED}"),
            )),
        }
    }
}

/// `N` in `worker_threads = N`: a positive integer literal, re-emitted
/// unsuffixed with the user's span.
fn positive_integer(value: &Expr) -> syn::Result<Literal> {
    const EXPECTED: &str =
        "`worker_threads` expects a positive integer literal, e.g. `worker_threads = 4`";
    let Some(int) = integer_literal(value) else {
        return Err(syn::Error::new_spanned(value, EXPECTED));
    };
    match int.base10_parse::<usize>() {
        Ok(0) => Err(syn::Error::new(
            int.span(),
            "`worker_threads` must be at least 1",
        )),
        Ok(n) => {
            let mut literal = Literal::usize_unsuffixed(n);
            literal.set_span(int.span());
            Ok(literal)
        }
        Err(e) => Err(syn::Error::new(int.span(), format!("{EXPECTED}: {e}"))),
    }
}

fn integer_literal(value: &Expr) -> Option<&LitInt> {
    match value {
        Expr::Lit(ExprLit {
            lit: Lit::Int(int), ..
        }) => Some(int),
        _ => None,
    }
}

fn string_literal(value: &Expr) -> Option<&LitStr> {
    match value {
        Expr::Lit(ExprLit {
            lit: Lit::Str(s), ..
        }) => Some(s),
        _ => None,
    }
}

fn unknown_argument(path: &syn::Path, span: Span) -> syn::Error {
    let name = path
        .get_ident()
        .map_or_else(|| quote::quote!(#path).to_string(), ToString::to_string);
    syn::Error::new(
        span,
        format!("unknown argument `{name}`, expected `worker_threads = N`, `flavor = \"...\"` or `start_paused = bool`"),
    )
}

/// Collects errors so that one attribute reports all of its mistakes.
#[derive(Debug, Default)]
struct Errors(Option<syn::Error>);

impl Errors {
    fn push(&mut self, error: syn::Error) {
        match &mut self.0 {
            Some(first) => first.combine(error),
            None => self.0 = Some(error),
        }
    }

    fn finish(self) -> syn::Result<()> {
        self.0.map_or(Ok(()), Err)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::quote;

    fn threads(args: TokenStream) -> Option<String> {
        parse(args).unwrap().worker_threads.map(|n| n.to_string())
    }

    fn flavor(args: TokenStream) -> Option<Flavor> {
        parse(args).unwrap().flavor
    }

    fn error(args: TokenStream) -> String {
        parse(args).unwrap_err().to_string()
    }

    #[test]
    fn accepts_worker_threads_and_flavors() {
        assert_eq!(threads(quote!()), None);
        assert_eq!(threads(quote!(worker_threads = 3)), Some("3".into()));
        assert_eq!(threads(quote!(worker_threads = 2usize,)), Some("2".into()));
        assert_eq!(threads(quote!(flavor = "multi_thread")), None);
        assert_eq!(
            threads(quote!(flavor = "multi_thread", worker_threads = 4)),
            Some("4".into())
        );
        assert_eq!(threads(quote!(flavor = "current_thread")), None);
    }

    #[test]
    fn worker_threads_alone_means_multi_thread() {
        assert_eq!(flavor(quote!()), None);
        assert_eq!(
            flavor(quote!(worker_threads = 2)),
            Some(Flavor::MultiThread)
        );
        assert_eq!(
            flavor(quote!(flavor = "multi_thread")),
            Some(Flavor::MultiThread)
        );
        assert_eq!(
            flavor(quote!(flavor = "current_thread")),
            Some(Flavor::CurrentThread)
        );
        assert_eq!(flavor(quote!(flavor = "local")), Some(Flavor::Local));
    }

    #[test]
    fn rejects_misuse() {
        assert!(error(quote!(worker_threads = 0)).contains("at least 1"));
        assert!(error(quote!(worker_threads = "two")).contains("positive integer literal"));
        assert!(error(quote!(worker_threads = -1)).contains("positive integer literal"));
        assert!(error(quote!(worker_threads = 1.5)).contains("positive integer literal"));
        assert!(error(quote!(threads = 2)).contains("unknown argument `threads`"));
        assert!(error(quote!(start_paused)).contains("unknown argument `start_paused`"));
        assert!(error(quote!(start_paused = 1)).contains("expects `true` or `false`"));
        assert!(error(quote!(start_paused = true, start_paused = true)).contains("duplicate"));
        let config = parse(quote!(flavor = "current_thread", start_paused = true)).unwrap();
        assert!(config.start_paused.unwrap().0);
        assert!(error(quote!(flavor = "single")).contains("unknown flavor `single`"));
        assert!(error(quote!(flavor = "local", worker_threads = 2))
            .contains("cannot be used with `flavor = \"local\"`"));
        assert!(error(quote!(worker_threads = 1, worker_threads = 2)).contains("duplicate"));
        assert!(error(quote!(flavor = "current_thread", worker_threads = 2))
            .contains("cannot be used with `flavor = \"current_thread\"`"));
    }

    #[test]
    fn reports_every_mistake() {
        let errors = parse(quote!(foo = 1, worker_threads = 0)).unwrap_err();
        assert_eq!(errors.into_iter().count(), 2);
    }
}
