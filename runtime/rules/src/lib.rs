//! The rules that mcpgen's generator, its derive and the runtime of every generated server must
//! agree on, kept in one place so that they cannot drift apart:
//!
//! - [`naming`]: a table's `T` in tool names, snake_case, hashed suffixes;
//! - [`hash`]: the stable hash behind those suffixes and behind cursor fingerprints;
//! - [`tools`]: which tools a table gets, and their names;
//! - [`url`]: database URLs without their password, for messages and generated files;
//! - [`defaults`]: the default of every setting of a server's config file.
//!
//! Plain functions and constants, no dependencies.

pub mod defaults;
pub mod hash;
pub mod naming;
pub mod tools;
pub mod url;
