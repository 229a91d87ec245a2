//! SQLite's column affinities, which decide the type it reports for a view column whose
//! expression is not a plain column (<https://sqlite.org/datatype3.html>).

/// SQLite's affinities, in its order (`SQLITE_AFF_*`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Affinity {
    /// No affinity (most expressions).
    None,
    /// Values kept as they are (a column declared `BLOB` or without type).
    Blob,
    /// Text.
    Text,
    /// Numbers where possible.
    Numeric,
    /// Integers where possible.
    Integer,
    /// Floating point.
    Real,
    /// Numeric, from a `CAST` in a compound select.
    FlexNum,
}

impl Affinity {
    /// The affinity of a declared type (`sqlite3AffinityType`).
    /// <https://sqlite.org/datatype3.html#determination_of_column_affinity>
    pub(super) fn of_type(declared: &str) -> Self {
        let upper = declared.to_ascii_uppercase();
        if upper.contains("INT") {
            Affinity::Integer
        } else if upper.contains("CHAR") || upper.contains("CLOB") || upper.contains("TEXT") {
            Affinity::Text
        } else if upper.contains("BLOB") || upper.trim().is_empty() {
            Affinity::Blob
        } else if upper.contains("REAL") || upper.contains("FLOA") || upper.contains("DOUB") {
            Affinity::Real
        } else {
            Affinity::Numeric
        }
    }

    /// The affinity of a view column of type `sql_type` (none when it has no type).
    pub(super) fn of_view_type(sql_type: &str) -> Self {
        if sql_type.is_empty() {
            Affinity::None
        } else {
            Affinity::of_type(sql_type)
        }
    }

    /// The type SQLite declares for a column of this affinity in a table created `AS
    /// SELECT`.
    pub(super) fn table_as_select_type(self) -> &'static str {
        match self {
            Affinity::None | Affinity::Blob => "",
            other => other.type_name(),
        }
    }

    /// The kinds of values (`sqlite3ExprDataType`) of a column or cast of this affinity.
    pub(super) fn value_kinds(self) -> u8 {
        match self {
            affinity if affinity >= Affinity::Numeric => 0x05,
            Affinity::Text => 0x06,
            _ => 0x07,
        }
    }

    /// The type name SQLite reports for a view column of this affinity without a fitting
    /// declared type.
    fn type_name(self) -> &'static str {
        match self {
            Affinity::None => "",
            Affinity::Blob => "BLOB",
            Affinity::Text => "TEXT",
            Affinity::Numeric | Affinity::FlexNum => "NUM",
            Affinity::Integer => "INT",
            Affinity::Real => "REAL",
        }
    }
}

/// The type SQLite reports for a view column: the declared type its expression carries when
/// that fits the column's affinity, else the affinity's name.
pub(super) fn sqlite_reported_type(affinity: Affinity, declared: Option<String>) -> String {
    match declared {
        Some(declared) if Affinity::of_type(&declared) == affinity => declared,
        _ => affinity.type_name().to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn declared_types_have_sqlite_affinities() {
        assert_eq!(Affinity::of_type("BIGINT"), Affinity::Integer);
        assert_eq!(Affinity::of_type("VARCHAR(10)"), Affinity::Text);
        assert_eq!(Affinity::of_type(""), Affinity::Blob);
        assert_eq!(Affinity::of_type("DOUBLE"), Affinity::Real);
        assert_eq!(Affinity::of_type("DATE"), Affinity::Numeric);
    }

    #[test]
    fn a_declared_type_is_reported_when_it_fits_the_affinity() {
        let declared = Some("NVARCHAR(40)".to_owned());
        assert_eq!(
            sqlite_reported_type(Affinity::Text, declared.clone()),
            "NVARCHAR(40)"
        );
        assert_eq!(sqlite_reported_type(Affinity::Blob, declared), "BLOB");
        assert_eq!(sqlite_reported_type(Affinity::Numeric, None), "NUM");
        assert_eq!(sqlite_reported_type(Affinity::None, None), "");
    }
}
