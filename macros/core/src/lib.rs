//! The expansion behind `#[derive(McpTable)]` and `#[derive(McpProcedure)]`, as an ordinary
//! library: the proc-macro crate calls [`derive_mcp_table`] and [`derive_mcp_procedure`], and
//! the generator calls [`check`] and [`check_procedure`] on every struct it writes, so an
//! attribute it got wrong fails generation rather than the user's build.
//!
//! The way through: [`attr`] reads attributes, [`ast`] builds the table model, [`valid`] checks
//! it, [`expand`] writes the impl. Errors are collected in a [`ctxt::Ctxt`] and reported
//! together.

mod ast;
mod attr;
mod ctxt;
mod expand;
mod valid;

use proc_macro2::TokenStream;
use syn::DeriveInput;

use attr::Derive;

/// Expands `#[derive(McpTable)]` on `input`: the impls, or the errors next to minimal impls.
pub fn derive_mcp_table(input: TokenStream) -> TokenStream {
    derive(input, Derive::Table)
}

/// Expands `#[derive(McpProcedure)]` on `input`: the impls, or the errors next to minimal
/// impls.
pub fn derive_mcp_procedure(input: TokenStream) -> TokenStream {
    derive(input, Derive::Procedure)
}

fn derive(input: TokenStream, derive: Derive) -> TokenStream {
    let input = match syn::parse2::<DeriveInput>(input) {
        Ok(input) => input,
        Err(error) => return error.to_compile_error(),
    };
    match expand_checked(&input, derive) {
        Ok(tokens) => tokens,
        Err(errors) => {
            // A stand-in impl keeps uses of the type from adding errors; a generic struct gets
            // none, as any impl of it would add errors of its own.
            let mut tokens = if input.generics.params.is_empty() {
                expand::fallback(&input, derive)
            } else {
                TokenStream::new()
            };
            tokens.extend(errors.iter().map(syn::Error::to_compile_error));
            tokens
        }
    }
}

/// Checks the `#[mcp(...)]` attributes of a struct that derives `McpTable`, without expanding
/// them.
pub fn check(input: &DeriveInput) -> Result<(), Vec<syn::Error>> {
    expand_checked(input, Derive::Table).map(|_| ())
}

/// Checks the `#[mcp(...)]` attributes of a struct that derives `McpProcedure`.
pub fn check_procedure(input: &DeriveInput) -> Result<(), Vec<syn::Error>> {
    expand_checked(input, Derive::Procedure).map(|_| ())
}

fn expand_checked(input: &DeriveInput, derive: Derive) -> Result<TokenStream, Vec<syn::Error>> {
    let cx = ctxt::Ctxt::new();
    let Some(model) = ast::Input::from_syn(&cx, input, derive) else {
        cx.check()?;
        unreachable!("Input::from_syn returns None only after recording an error");
    };
    valid::check(&cx, &model);
    cx.check()?;
    Ok(expand::expand(&model))
}

#[cfg(test)]
mod tests {
    use quote::quote;

    use super::*;

    fn errors(tokens: TokenStream) -> Vec<String> {
        let input: DeriveInput = syn::parse2(tokens).unwrap();
        check(&input)
            .err()
            .unwrap_or_default()
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    #[test]
    fn a_plain_struct_expands_to_an_impl() {
        let tokens = derive_mcp_table(quote! {
            #[mcp(table = "books")]
            struct Book { #[mcp(primary_key)] id: i64, title: String }
        });
        let text = tokens.to_string();
        assert!(
            text.contains("impl :: mcpgen_runtime :: McpTable for Book"),
            "{text}"
        );
        assert!(text.contains("name : \"books\""), "{text}");
        assert!(!text.contains("compile_error"), "{text}");
    }

    #[test]
    fn every_misuse_is_reported_at_once() {
        let found = errors(quote! {
            #[mcp(tabel = "x", read_only, read_only)]
            struct Book { #[mcp(colum = "a")] id: i64 }
        });
        assert_eq!(found.len(), 3, "{found:?}");
        assert!(
            found[0].starts_with("unknown mcp attribute `tabel`"),
            "{found:?}"
        );
        assert!(
            found[1].starts_with("duplicate mcp attribute `read_only`"),
            "{found:?}"
        );
        assert!(
            found[2].starts_with("unknown mcp attribute `colum`"),
            "{found:?}"
        );
    }

    #[test]
    fn keys_must_name_existing_columns() {
        let found = errors(quote! {
            #[mcp(unique(columns = ["nope"]))]
            struct Book { id: i64 }
        });
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].starts_with("no column `nope`"), "{found:?}");
    }
}
