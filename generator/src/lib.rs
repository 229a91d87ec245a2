//! mcpgen: turns a database into a typed MCP server.
//!
//! The way through: [`introspect`] reads a live database or parses a DDL file into the neutral
//! [`model`]; [`render`] turns the model into the files of a Rust crate, in memory, from the
//! templates in `templates/`; the `mcpgen` binary is the only code that touches the disk.

pub mod introspect;
pub mod lockfile;
pub mod model;
pub mod naming;
pub mod output;
pub mod render;
pub mod select;
pub mod servable;
pub mod typemap;
