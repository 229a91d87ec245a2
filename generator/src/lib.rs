//! mcpgen: turns a database into a typed MCP server.
//!
//! The way through: [`introspect`] reads a live database or parses a DDL file into the neutral
//! [`model`]; [`render`] turns the model into the files of a Rust crate, in memory, from the
//! templates in `templates/`; the `mcpgen` binary is the only code that touches the disk.

pub mod introspect;
pub mod model;
pub mod naming;
pub mod render;
pub mod select;
pub mod typemap;
