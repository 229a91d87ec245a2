//! Which tools a table gets, and what they are called: the runtime builds them from this, and
//! the generator lists them in the crate it writes.

/// What a table's tool does; the tool is named `VERB_T`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Verb {
    /// `list_T`: a page of rows.
    List,
    /// `get_T`: one row by its primary key.
    Get,
    /// `count_T`: how many rows match.
    Count,
    /// `insert_T`: new rows.
    Insert,
    /// `update_T`: new values in the rows that match.
    Update,
    /// `delete_T`: the rows that match, removed.
    Delete,
}

impl Verb {
    /// The verb as it starts a tool's name.
    pub fn name(self) -> &'static str {
        match self {
            Verb::List => "list",
            Verb::Get => "get",
            Verb::Count => "count",
            Verb::Insert => "insert",
            Verb::Update => "update",
            Verb::Delete => "delete",
        }
    }

    /// The name of this verb's tool for the table whose `T` is `tool_base`.
    pub fn tool_name(self, tool_base: &str) -> String {
        format!("{}_{tool_base}", self.name())
    }

    /// Whether the tool changes the database.
    pub fn writes(self) -> bool {
        matches!(self, Verb::Insert | Verb::Update | Verb::Delete)
    }
}

/// What decides a table's tools.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TableShape {
    /// The table has a primary key.
    pub has_primary_key: bool,
    /// Rows can be written: a base table, not marked read-only, served with writes on.
    pub writable: bool,
}

/// The verbs of a table's tools, in the order they are listed.
pub fn verbs(shape: TableShape) -> Vec<Verb> {
    let mut verbs = vec![Verb::List];
    if shape.has_primary_key {
        verbs.push(Verb::Get);
    }
    verbs.push(Verb::Count);
    if shape.writable {
        verbs.extend([Verb::Insert, Verb::Update, Verb::Delete]);
    }
    verbs
}

/// The tools every server has, whatever its tables, before the tables' own.
pub const DATABASE_TOOLS: &[&str] = &["list_tables", "describe_table"];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_table_without_a_key_has_no_get() {
        let keyless = verbs(TableShape {
            has_primary_key: false,
            writable: false,
        });
        assert_eq!(keyless, [Verb::List, Verb::Count]);
        let keyed = verbs(TableShape {
            has_primary_key: true,
            writable: false,
        });
        assert_eq!(keyed, [Verb::List, Verb::Get, Verb::Count]);
        assert_eq!(Verb::Get.tool_name("album"), "get_album");
    }

    #[test]
    fn a_writable_table_has_write_tools_after_its_reads() {
        let writable = verbs(TableShape {
            has_primary_key: false,
            writable: true,
        });
        assert_eq!(
            writable,
            [
                Verb::List,
                Verb::Count,
                Verb::Insert,
                Verb::Update,
                Verb::Delete
            ]
        );
        assert!(writable.iter().filter(|verb| verb.writes()).count() == 3);
    }
}
