//! Tables from `CREATE TABLE` and `ALTER TABLE ... ADD`: columns with their declared types
//! and defaults, primary, unique and foreign keys, and the enum values of `CHECK (col IN
//! (...))`.

use sqlparser::ast::{
    BinaryOperator, ColumnDef, ColumnOption, ColumnOptionDef, CreateTable, CreateTableOptions,
    DataType as SqlDataType, EnumMember, Expr, ForeignKeyConstraint, GeneratedAs, Ident,
    IndexColumn, ObjectName, Spanned, SqlOption, TableConstraint, Value,
};
use sqlparser::tokenizer::{Location, Token};

use super::mysql::{self, Index, MysqlCheck};
use super::names::{ident_name, same_name, table_name};
use super::source::SourceText;
use crate::model::{Column, Dialect, ForeignKey, Key, Table, TableKind, normalize_sql_type};
use crate::typemap::{data_type, mysql_column_type};

/// PostgreSQL's auto-incrementing pseudo-types.
const SERIAL_TYPES: &[&str] = &[
    "SERIAL",
    "BIGSERIAL",
    "SMALLSERIAL",
    "SERIAL2",
    "SERIAL4",
    "SERIAL8",
];

/// Builds one table from the statements that define it.
pub(super) struct TableBuilder<'s, 'a> {
    dialect: Dialect,
    source: &'s SourceText<'a>,
    table: Table,
    /// The foreign keys this statement declares, with where they are declared.
    foreign_keys: Vec<(Location, ForeignKey)>,
    /// `(column, values)` of each `CHECK (column IN (...))`.
    enum_checks: Vec<(String, Vec<String>)>,
    /// MySQL: the columns of each `CHECK (json_valid(column))`.
    json_checks: Vec<String>,
    /// MySQL: the table's indexes so far, `(name, columns)` (no columns when one is an
    /// expression or a prefix), whose names unnamed indexes must not take.
    indexes: Vec<Index>,
    /// What could not be used, for warnings.
    problems: Vec<String>,
}

impl<'s, 'a> TableBuilder<'s, 'a> {
    /// A new table from `CREATE TABLE` (its columns and constraints not added yet).
    pub(super) fn create(
        dialect: Dialect,
        source: &'s SourceText<'a>,
        statement: &CreateTable,
    ) -> Option<Self> {
        let name = table_name(dialect, &statement.name)?;
        let table = Table {
            schema: name.schema,
            name: name.name,
            kind: TableKind::Table,
            comment: table_comment(statement),
            columns: Vec::new(),
            primary_key: None,
            foreign_keys: Vec::new(),
            referenced_by: Vec::new(),
            unique_keys: Vec::new(),
            rowid: dialect == Dialect::Sqlite && !statement.without_rowid,
        };
        Some(Self::extend(dialect, source, table))
    }

    /// Adds to an existing table (`ALTER TABLE ... ADD`).
    pub(super) fn extend(dialect: Dialect, source: &'s SourceText<'a>, table: Table) -> Self {
        let primary = table
            .primary_key
            .iter()
            .map(|key| ("PRIMARY".to_owned(), key.columns.clone()));
        let unique = table
            .unique_keys
            .iter()
            .filter_map(|key| Some((key.name.clone()?, key.columns.clone())));
        let indexes = primary.chain(unique).collect();
        Self {
            dialect,
            source,
            table,
            foreign_keys: Vec::new(),
            enum_checks: Vec::new(),
            json_checks: Vec::new(),
            indexes,
            problems: Vec::new(),
        }
    }

    /// Adds a column and its column constraints.
    pub(super) fn add_column(&mut self, definition: &ColumnDef) {
        let name = ident_name(self.dialect, &definition.name);
        let text = self.source.column_text(definition.name.span.start);
        let declared = match text.sql_type {
            Some(declared) if self.dialect == Dialect::Sqlite => sqlite_declared_type(declared),
            Some(declared) => declared.to_owned(),
            None if definition.data_type == SqlDataType::Unspecified => String::new(),
            None => definition.data_type.to_string(),
        };
        let normalized = normalize_sql_type(&declared);
        let serial = SERIAL_TYPES.contains(&normalized.as_str());
        let sql_type = if self.dialect == Dialect::Mysql {
            mysql_column_type(&declared)
        } else {
            normalized
        };
        let mut column = Column {
            name,
            data_type: data_type(self.dialect, &sql_type),
            generated: serial,
            computed: false,
            enum_values: enum_type_values(&definition.data_type),
            sql_type,
            nullable: true,
            default: None,
            comment: None,
        };
        if serial && self.dialect == Dialect::Mysql {
            // `SERIAL` is `BIGINT UNSIGNED NOT NULL AUTO_INCREMENT UNIQUE`.
            column.nullable = false;
            self.add_unique_key(None, vec![column.name.clone()]);
        }
        for option in &definition.options {
            self.apply_column_option(&mut column, option, text.default);
        }
        if self.dialect == Dialect::Mysql {
            column.default = column.default.take().and_then(|default| {
                crate::introspect::mysql::canonical_default(&default, &column.sql_type)
            });
        }
        self.table.columns.push(column);
    }

    /// Applies one column option (`NOT NULL`, `DEFAULT`, `PRIMARY KEY`, ...) to `column`.
    fn apply_column_option(
        &mut self,
        column: &mut Column,
        option: &ColumnOptionDef,
        default_text: Option<&str>,
    ) {
        let constraint_name = option.name.as_ref().map(|n| ident_name(self.dialect, n));
        match &option.option {
            ColumnOption::NotNull => column.nullable = false,
            ColumnOption::Default(expr) => {
                column.default = Some(default_text.map_or_else(|| expr.to_string(), str::to_owned));
            }
            ColumnOption::PrimaryKey(key) => {
                let name = constraint_name.or_else(|| self.name_of(key.name.as_ref()));
                self.set_primary_key(Key {
                    name,
                    columns: vec![column.name.clone()],
                });
            }
            ColumnOption::Unique(key) => {
                let name = constraint_name
                    .or_else(|| self.name_of(key.name.as_ref()))
                    .or_else(|| self.name_of(key.index_name.as_ref()));
                self.add_unique_key(name, vec![column.name.clone()]);
            }
            ColumnOption::ForeignKey(reference) => {
                let name = constraint_name.or_else(|| self.name_of(reference.name.as_ref()));
                self.add_foreign_key(name, vec![column.name.clone()], reference);
            }
            ColumnOption::Check(check) => self.add_check(&check.expr),
            ColumnOption::Generated {
                generated_as,
                generation_expr,
                ..
            } => {
                column.generated = true;
                column.computed =
                    generation_expr.is_some() || matches!(generated_as, GeneratedAs::Always);
            }
            ColumnOption::Identity(_) => column.generated = true,
            ColumnOption::DialectSpecific(tokens) if is_auto_increment(tokens) => {
                column.generated = true;
            }
            ColumnOption::Comment(comment) => column.comment = Some(comment.clone()),
            _ => {}
        }
    }

    /// Adds a table constraint (primary, unique or foreign key, or check).
    pub(super) fn add_constraint(&mut self, constraint: &TableConstraint) {
        match constraint {
            TableConstraint::PrimaryKey(key) => {
                if let Some(columns) = self.key_columns(&key.columns, "PRIMARY KEY") {
                    let name = self.name_of(key.name.as_ref());
                    self.set_primary_key(Key { name, columns });
                }
            }
            TableConstraint::Unique(key) => {
                if let Some(columns) = self.key_columns(&key.columns, "UNIQUE") {
                    let (first, second) = if self.dialect == Dialect::Mysql {
                        // MySQL names the index by its own name before the constraint's.
                        (&key.index_name, &key.name)
                    } else {
                        (&key.name, &key.index_name)
                    };
                    let name = self
                        .name_of(first.as_ref())
                        .or_else(|| self.name_of(second.as_ref()));
                    self.add_unique_key(name, columns);
                }
            }
            TableConstraint::Index(index) => {
                let name = self.name_of(index.name.as_ref());
                self.add_index(name, &index.columns, true);
            }
            TableConstraint::FulltextOrSpatial(index) => {
                // Not an index a foreign key can use.
                let name = self.name_of(index.opt_index_name.as_ref());
                self.add_index(name, &index.columns, false);
            }
            TableConstraint::ForeignKey(reference) => {
                let name = self.name_of(reference.name.as_ref());
                let columns = self.idents(&reference.columns);
                self.add_foreign_key(name, columns, reference);
            }
            TableConstraint::Check(check) => self.add_check(&check.expr),
            _ => {}
        }
    }

    /// The table, its foreign keys in declaration order and its enum checks applied, with
    /// what could not be used.
    pub(super) fn finish(mut self) -> (Table, Vec<String>) {
        self.foreign_keys.sort_by_key(|(location, _)| *location);
        self.table
            .foreign_keys
            .extend(self.foreign_keys.into_iter().map(|(_, key)| key));
        if self.dialect == Dialect::Mysql {
            mysql::name_foreign_keys(&mut self.table);
            for column in std::mem::take(&mut self.json_checks) {
                crate::introspect::mysql::apply_check(&mut self.table, MysqlCheck::Json { column });
            }
        }
        for (column_name, values) in self.enum_checks {
            let column = self
                .table
                .columns
                .iter_mut()
                .find(|column| same_name(&column.name, &column_name));
            match column {
                Some(column) if column.enum_values.is_empty() => column.enum_values = values,
                Some(_) => {}
                None => self.problems.push(format!(
                    "CHECK ({column_name} IN (...)) names no column of {}; its values are not used",
                    self.table.name
                )),
            }
        }
        (self.table, self.problems)
    }

    /// Adds a unique key; MySQL names an unnamed one after its first column.
    fn add_unique_key(&mut self, name: Option<String>, columns: Vec<String>) {
        let name = match name {
            None if self.dialect == Dialect::Mysql => Some(self.unnamed_index_name(&columns[0])),
            name => name,
        };
        if let Some(name) = &name {
            self.indexes.push((name.clone(), columns.clone()));
        }
        self.table.unique_keys.push(Key { name, columns });
    }

    /// MySQL: notes a (non-unique) index, named as MySQL names it when it has no name;
    /// `usable`: a foreign key can use it.
    fn add_index(&mut self, name: Option<String>, columns: &[IndexColumn], usable: bool) {
        if self.dialect != Dialect::Mysql {
            return;
        }
        let names: Option<Vec<String>> = columns
            .iter()
            .map(|column| index_column_name(self.dialect, column))
            .collect();
        // A prefix (`name(10)`) reads as a call; the index is still named after the column.
        let first = columns
            .first()
            .and_then(|column| match &column.column.expr {
                Expr::Function(function) => last_name(self.dialect, &function.name),
                _ => index_column_name(self.dialect, column),
            });
        let Some(name) = name.or_else(|| first.map(|first| self.unnamed_index_name(&first))) else {
            return;
        };
        let columns = names.filter(|_| usable).unwrap_or_default();
        self.indexes.push((name, columns));
    }

    /// The name MySQL gives an unnamed index whose first column is `column`.
    fn unnamed_index_name(&self, column: &str) -> String {
        let taken: Vec<String> = self.indexes.iter().map(|(name, _)| name.clone()).collect();
        mysql::index_name(column, &taken)
    }

    /// MySQL: the table's indexes, with those its new foreign keys make: a foreign key
    /// without an index whose first columns are its own gets one, named like the key, or
    /// like an unnamed index when the key has no name.
    pub(super) fn take_indexes(&mut self) -> Vec<Index> {
        let keys: Vec<ForeignKey> = self
            .foreign_keys
            .iter()
            .map(|(_, key)| key.clone())
            .collect();
        for key in keys {
            let covered = self.indexes.iter().any(|(_, columns)| {
                columns.len() >= key.columns.len()
                    && columns
                        .iter()
                        .zip(&key.columns)
                        .all(|(a, b)| same_name(a, b))
            });
            if !covered && let Some(first) = key.columns.first() {
                let name = key
                    .name
                    .clone()
                    .unwrap_or_else(|| self.unnamed_index_name(first));
                self.indexes.push((name, key.columns.clone()));
            }
        }
        self.indexes.clone()
    }

    /// MySQL: the indexes the table already has (from earlier statements).
    pub(super) fn set_indexes(&mut self, indexes: Vec<Index>) {
        for index in indexes {
            if !self
                .indexes
                .iter()
                .any(|(name, _)| same_name(name, &index.0))
            {
                self.indexes.push(index);
            }
        }
    }

    fn set_primary_key(&mut self, key: Key) {
        if self.table.primary_key.is_some() {
            self.problems.push(format!(
                "table {} declares more than one primary key; the first one is used",
                self.table.name
            ));
        } else {
            if self.dialect == Dialect::Mysql {
                self.indexes
                    .push(("PRIMARY".to_owned(), key.columns.clone()));
            }
            self.table.primary_key = Some(key);
        }
    }

    fn add_foreign_key(
        &mut self,
        name: Option<String>,
        columns: Vec<String>,
        reference: &ForeignKeyConstraint,
    ) {
        let Some(target) = table_name(self.dialect, &reference.foreign_table) else {
            return;
        };
        let location = reference.foreign_table.span().start;
        self.foreign_keys.push((
            location,
            ForeignKey {
                name,
                columns,
                referenced_schema: target.schema,
                referenced_table: target.name,
                referenced_columns: self.idents(&reference.referred_columns),
            },
        ));
    }

    fn add_check(&mut self, expr: &Expr) {
        if self.dialect == Dialect::Mysql {
            match mysql::check_of_expr(expr) {
                Some(MysqlCheck::Enum { column, values }) => {
                    self.enum_checks.push((column, values));
                }
                Some(MysqlCheck::Json { column }) => self.json_checks.push(column),
                None => {}
            }
        } else if let Some(check) = enum_check(self.dialect, expr) {
            self.enum_checks.push(check);
        }
    }

    /// The column names of a key, or `None` (with a problem noted) when one is an
    /// expression.
    fn key_columns(&mut self, columns: &[IndexColumn], what: &str) -> Option<Vec<String>> {
        let names: Option<Vec<String>> = columns
            .iter()
            .map(|column| index_column_name(self.dialect, column))
            .collect();
        if names.is_none() {
            self.problems.push(format!(
                "a {what} constraint of {} has an expression, not a column; it is not used",
                self.table.name
            ));
        }
        names.filter(|names| !names.is_empty())
    }

    fn idents(&self, idents: &[Ident]) -> Vec<String> {
        idents.iter().map(|i| ident_name(self.dialect, i)).collect()
    }

    fn name_of(&self, ident: Option<&Ident>) -> Option<String> {
        ident.map(|i| ident_name(self.dialect, i))
    }
}

/// The type SQLite stores for a column declared with type text `text`: without the quotes
/// of a type written as one quoted name (`"weird type"` -> `weird type`), the way its
/// `sqlite3AddColumn` dequotes it.
fn sqlite_declared_type(text: &str) -> String {
    let is_quote = |c: u8| matches!(c, b'\'' | b'"' | b'`' | b'[');
    let bytes = text.as_bytes();
    let mut text = text;
    if bytes.len() >= 3
        && is_quote(bytes[0])
        && !bytes[1..bytes.len() - 1].iter().any(|b| is_quote(*b))
        && let Some(inner) = text.get(1..text.len() - 1)
    {
        text = inner;
    }
    dequote(text)
}

/// SQLite's `sqlite3Dequote`: a text starting with a quote becomes what the quotes enclose
/// (doubled quotes undoubled), anything after the closing quote dropped.
fn dequote(text: &str) -> String {
    let mut chars = text.chars();
    let close = match chars.next() {
        Some('[') => ']',
        Some(quote @ ('\'' | '"' | '`')) => quote,
        _ => return text.to_owned(),
    };
    let mut out = String::new();
    let mut chars = chars.peekable();
    while let Some(c) = chars.next() {
        if c != close {
            out.push(c);
        } else if close != ']' && chars.peek() == Some(&close) {
            out.push(close);
            chars.next();
        } else {
            break;
        }
    }
    out
}

/// The columns of a `CREATE UNIQUE INDEX` when they are all plain columns.
pub(super) fn unique_index_columns(
    dialect: Dialect,
    columns: &[IndexColumn],
) -> Option<Vec<String>> {
    let names: Option<Vec<String>> = columns
        .iter()
        .map(|column| index_column_name(dialect, column))
        .collect();
    names.filter(|names| !names.is_empty())
}

/// The column an index or key column is, when it is a plain column (possibly with
/// `COLLATE`, `ASC` or `DESC`).
fn index_column_name(dialect: Dialect, column: &IndexColumn) -> Option<String> {
    plain_column(dialect, &column.column.expr)
}

/// The column `expr` is, when it is a plain (unqualified) column.
fn plain_column(dialect: Dialect, expr: &Expr) -> Option<String> {
    match expr {
        Expr::Identifier(ident) => Some(ident_name(dialect, ident)),
        Expr::Collate { expr, .. } | Expr::Nested(expr) => plain_column(dialect, expr),
        _ => None,
    }
}

/// The last name of `name`.
pub(super) fn last_name(dialect: Dialect, name: &ObjectName) -> Option<String> {
    name.0
        .last()
        .and_then(|part| part.as_ident())
        .map(|ident| ident_name(dialect, ident))
}

/// `(column, values)` of a check that limits a column to string values:
/// `col IN ('a', 'b')`, or PostgreSQL's `col = ANY (ARRAY['a'::text, 'b'::text])`.
pub(super) fn enum_check(dialect: Dialect, expr: &Expr) -> Option<(String, Vec<String>)> {
    match expr {
        Expr::Nested(inner) => enum_check(dialect, inner),
        Expr::InList {
            expr,
            list,
            negated: false,
        } => Some((checked_column(dialect, expr)?, string_values(list)?)),
        Expr::AnyOp {
            left,
            compare_op: BinaryOperator::Eq,
            right,
            ..
        } => Some((checked_column(dialect, left)?, array_values(right)?)),
        // PostgreSQL keeps `col IN ('a')` as `col = 'a'::text`.
        Expr::BinaryOp {
            left,
            op: BinaryOperator::Eq,
            right,
        } if dialect == Dialect::Postgres => {
            Some((checked_column(dialect, left)?, vec![string_literal(right)?]))
        }
        _ => None,
    }
}

/// The column a check tests (through casts and parentheses).
fn checked_column(dialect: Dialect, expr: &Expr) -> Option<String> {
    match expr {
        Expr::Identifier(ident) => Some(ident_name(dialect, ident)),
        Expr::Nested(inner) | Expr::Cast { expr: inner, .. } => checked_column(dialect, inner),
        _ => None,
    }
}

/// The values of an `ARRAY[...]` of strings.
fn array_values(expr: &Expr) -> Option<Vec<String>> {
    match expr {
        Expr::Array(array) => string_values(&array.elem),
        Expr::Nested(inner) | Expr::Cast { expr: inner, .. } => array_values(inner),
        _ => None,
    }
}

/// The strings of `list`, when every item is a string literal.
fn string_values(list: &[Expr]) -> Option<Vec<String>> {
    let values: Option<Vec<String>> = list.iter().map(string_literal).collect();
    values.filter(|values| !values.is_empty())
}

/// The value of a string literal (through casts and parentheses).
fn string_literal(expr: &Expr) -> Option<String> {
    match expr {
        Expr::Value(value) => match &value.value {
            Value::SingleQuotedString(text)
            | Value::EscapedStringLiteral(text)
            | Value::NationalStringLiteral(text) => Some(text.clone()),
            // MySQL: "..." is a string.
            Value::DoubleQuotedString(text) => Some(text.clone()),
            _ => None,
        },
        Expr::Nested(inner) | Expr::Cast { expr: inner, .. } => string_literal(inner),
        // MySQL's character set introducers: `_utf8mb4'x'`.
        Expr::Prefixed { prefix, value } if prefix.value.starts_with('_') => string_literal(value),
        _ => None,
    }
}

/// The values of a MySQL `ENUM('a', 'b')` type.
fn enum_type_values(data_type: &SqlDataType) -> Vec<String> {
    match data_type {
        SqlDataType::Enum(members, _) => members
            .iter()
            .map(|member| match member {
                EnumMember::Name(name) | EnumMember::NamedValue(name, _) => name.clone(),
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// SQLite's `AUTOINCREMENT` or MySQL's `AUTO_INCREMENT`.
fn is_auto_increment(tokens: &[Token]) -> bool {
    tokens.iter().any(|token| match token {
        Token::Word(word) => {
            word.value.eq_ignore_ascii_case("AUTOINCREMENT")
                || word.value.eq_ignore_ascii_case("AUTO_INCREMENT")
        }
        _ => false,
    })
}

/// The table's comment (MySQL's `COMMENT = '...'` table option).
fn table_comment(statement: &CreateTable) -> Option<String> {
    if let Some(comment) = &statement.comment {
        return Some(comment.to_string());
    }
    let options = match &statement.table_options {
        CreateTableOptions::None => return None,
        CreateTableOptions::With(options)
        | CreateTableOptions::Options(options)
        | CreateTableOptions::Plain(options)
        | CreateTableOptions::TableProperties(options) => options,
    };
    options.iter().find_map(|option| match option {
        SqlOption::Comment(comment) => Some(comment.to_string()),
        _ => None,
    })
}
