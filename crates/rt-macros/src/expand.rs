//! Turning `async fn f() -> R { body }` into a sync fn that blocks on it.
//!
//! Error policy: a mistake never swallows
//! the user's code. The error is emitted as `compile_error!` next to an item
//! that compiles as far as possible, so that the error is the only (or the
//! first) diagnostic and the editor keeps completing inside the body:
//!
//! 1. the input is not a fn: it is passed through unchanged;
//! 2. the input is a fn but misused (not `async`, `main` taking parameters,
//!    bad arguments): the fn is expanded anyway, with the builder's defaults.
//!    Passing an `async fn main` through unchanged would add rustc's
//!    "`main` function is not allowed to be `async`", and a non-async body
//!    still compiles once wrapped in `async move`. All the mistakes of one
//!    attribute are reported together.

use proc_macro2::{Span, TokenStream};
use quote::{quote, quote_spanned, ToTokens};
use syn::{Attribute, Item, ItemFn, Meta};

use crate::config::{self, Config, Flavor};

/// Which attribute is being expanded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Main,
    Test,
}

impl Kind {
    /// The flavor without a `flavor` or `worker_threads` argument: as in
    /// tokio, the multi-thread runtime for `main`, the current-thread one
    /// for a test.
    fn default_flavor(self) -> Flavor {
        match self {
            Kind::Main => Flavor::MultiThread,
            Kind::Test => Flavor::CurrentThread,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Kind::Main => "#[rt::main]",
            Kind::Test => "#[rt::test]",
        }
    }
}

/// The whole attribute: `args` are the tokens in its parentheses, `item` the
/// item it is placed on.
pub(crate) fn entry(kind: Kind, args: TokenStream, item: TokenStream) -> TokenStream {
    let input = match syn::parse2::<Item>(item.clone()) {
        Ok(Item::Fn(input)) => input,
        Ok(_) => {
            let msg = format!("`{}` can only be used on an `async fn`", kind.name());
            return with_error(item, syn::Error::new(Span::call_site(), msg));
        }
        Err(e) => return with_error(item, e),
    };
    let error = match (check_signature(kind, &input), config::parse(args)) {
        (Ok(()), Ok(config)) => return expand(kind, input, &config),
        (Err(mut error), Err(more)) => {
            error.combine(more);
            error
        }
        (Err(error), Ok(_)) | (Ok(()), Err(error)) => error,
    };
    with_error(expand(kind, input, &Config::default()), error)
}

fn check_signature(kind: Kind, input: &ItemFn) -> syn::Result<()> {
    let sig = &input.sig;
    if sig.asyncness.is_none() {
        let msg = format!("`{}` can only be used on an `async fn`", kind.name());
        return Err(syn::Error::new_spanned(sig.fn_token, msg));
    }
    // `#[rt::main]` may sit on a helper fn that takes arguments; only the
    // real entry point (and every test) must take none.
    let entry_point = kind == Kind::Test || sig.ident == "main";
    if entry_point && !sig.inputs.is_empty() {
        let what = match kind {
            Kind::Main => "the `main` function",
            Kind::Test => "a test function",
        };
        let msg = format!("{what} cannot take arguments");
        return Err(syn::Error::new_spanned(&sig.inputs, msg));
    }
    Ok(())
}

fn expand(kind: Kind, input: ItemFn, config: &Config) -> TokenStream {
    let ItemFn {
        attrs,
        vis,
        mut sig,
        block,
    } = input;
    sig.asyncness = None;

    let test_attr = if kind == Kind::Test && !attrs.iter().any(is_test_attribute) {
        quote!(#[::core::prelude::v1::test])
    } else {
        TokenStream::new()
    };
    let worker_threads = config
        .worker_threads
        .as_ref()
        .map(|n| quote!(.worker_threads(#n)));
    let start_paused = config
        .start_paused
        .map(|(b, span)| syn::LitBool::new(b, span))
        .map(|b| quote!(.start_paused(#b)));
    let flavor = config.flavor.unwrap_or(kind.default_flavor());
    let builder = match flavor {
        Flavor::MultiThread => quote!(new_multi_thread),
        Flavor::CurrentThread | Flavor::Local => quote!(new_current_thread),
    };
    let build = match flavor {
        Flavor::Local => quote!(build_local(::core::default::Default::default())),
        Flavor::MultiThread | Flavor::CurrentThread => quote!(build()),
    };

    // Spanned on the body's closing brace, so that a body whose value does
    // not match the return type is reported at the end of the body.
    let block_on = quote_spanned!(block.brace_token.span.close()=> runtime.block_on(body));
    let stmts = quote! {
        let body = async move #block;
        // The user's crate may deny `clippy::expect_used`; the lint is
        // about code they wrote, not about this expansion.
        #[allow(clippy::expect_used)]
        let runtime = ::rt::runtime::Builder::#builder()
            #worker_threads
            #start_paused
            .#build
            .expect("failed building the rt runtime");
        #block_on
    };
    let mut item = quote!(#test_attr #(#attrs)* #vis #sig);
    // The user's braces around the new body, so that the item's span is the
    // user's and rustc's diagnostics about the fn point at their code.
    block
        .brace_token
        .surround(&mut item, |tokens| tokens.extend(stmts));
    item
}

/// Whether `attr` is already a `#[test]`, as written by the user
/// (`#[test]`, `#[core::prelude::v1::test]`, `#[::std::prelude::rust_2021::test]`, ...).
fn is_test_attribute(attr: &Attribute) -> bool {
    let Meta::Path(path) = &attr.meta else {
        return false;
    };
    let names: Vec<String> = path.segments.iter().map(|s| s.ident.to_string()).collect();
    match names.iter().map(String::as_str).collect::<Vec<_>>()[..] {
        ["test"] => path.leading_colon.is_none(),
        ["core" | "std", "prelude", _, "test"] => true,
        _ => false,
    }
}

fn with_error(mut tokens: TokenStream, error: syn::Error) -> TokenStream {
    error.into_compile_error().to_tokens(&mut tokens);
    tokens
}

#[cfg(test)]
mod tests {
    use super::*;

    fn expand_str(kind: Kind, args: TokenStream, item: TokenStream) -> String {
        entry(kind, args, item).to_string()
    }

    #[test]
    fn main_blocks_on_the_body() {
        let out = expand_str(
            Kind::Main,
            quote!(worker_threads = 2),
            quote! {
                #[inline]
                pub async fn main() -> Result<(), E> { Ok(()) }
            },
        );
        let expected = quote! {
            #[inline]
            pub fn main() -> Result<(), E> {
                let body = async move { Ok(()) };
                #[allow(clippy::expect_used)]
                let runtime = ::rt::runtime::Builder::new_multi_thread()
                    .worker_threads(2)
                    .build()
                    .expect("failed building the rt runtime");
                runtime.block_on(body)
            }
        };
        assert_eq!(out, expected.to_string());
    }

    #[test]
    fn test_adds_one_test_attribute() {
        let out = expand_str(Kind::Test, quote!(), quote! { async fn t() {} });
        assert!(out.starts_with(&quote!(#[::core::prelude::v1::test] fn t()).to_string()));
        assert!(!out.contains("worker_threads"));
        assert!(out.contains("new_current_thread"), "{out}");

        for attr in [quote!(#[test]), quote!(#[::core::prelude::v1::test])] {
            let out = expand_str(Kind::Test, quote!(), quote!(#attr async fn t() {}));
            assert_eq!(out.matches("test").count(), 1, "{out}");
        }
    }

    #[test]
    fn flavors() {
        let main = |args| expand_str(Kind::Main, args, quote! { async fn main() {} });
        let test = |args| expand_str(Kind::Test, args, quote! { async fn t() {} });
        assert!(main(quote!()).contains("new_multi_thread"));
        assert!(main(quote!(flavor = "current_thread")).contains("new_current_thread"));
        let local = test(quote!(flavor = "local"));
        assert!(local.contains("new_current_thread") && local.contains("build_local"));
        assert!(test(quote!()).contains("new_current_thread"));
        assert!(test(quote!(flavor = "multi_thread")).contains("new_multi_thread"));
        let out = test(quote!(worker_threads = 2));
        assert!(out.contains("new_multi_thread") && out.contains("worker_threads"));
    }

    #[test]
    fn misuse_keeps_the_item() {
        // Not a fn: passed through unchanged, with the error appended.
        let item = quote! { struct S; };
        let out = expand_str(Kind::Main, quote!(), item.clone());
        assert!(out.starts_with(&item.to_string()));
        assert!(out.contains("can only be used on an `async fn`"));

        // A misused fn is still expanded, with the builder's defaults.
        let out = expand_str(Kind::Main, quote!(), quote! { fn main() {} });
        assert!(out.contains("block_on") && out.contains("compile_error"));
        assert!(out.contains("can only be used on an `async fn`"));

        let out = expand_str(Kind::Main, quote!(), quote! { async fn main(n: u8) {} });
        assert!(out.contains("cannot take arguments"));

        let args = quote!(worker_threads = 0);
        let out = expand_str(Kind::Main, args, quote! { async fn main() {} });
        assert!(out.contains("block_on") && out.contains("compile_error"));
        assert!(!out.contains("async fn") && !out.contains(".worker_threads"));

        // Every mistake of one attribute is reported.
        let out = expand_str(Kind::Main, quote!(foo), quote! { fn main() {} });
        assert_eq!(out.matches("compile_error").count(), 2, "{out}");
    }
}
