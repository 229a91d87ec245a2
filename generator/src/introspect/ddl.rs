//! Parsing a DDL file with sqlparser into the [`crate::model`].
//!
//! The file is split into statements first; only those that shape the schema
//! (`CREATE TABLE`, `CREATE VIEW`, `CREATE UNIQUE INDEX`, `ALTER TABLE ... ADD`, and
//! PostgreSQL's `COMMENT ON` and `CREATE TYPE ... AS ENUM`) are parsed, each on its own, so
//! a dump of thousands of `INSERT`s reads fast and one statement sqlparser cannot parse is
//! skipped with a warning instead of losing the file. For SQLite the result matches what
//! live introspection (`pragma_table_xinfo`, `pragma_foreign_key_list`, `pragma_index_list`)
//! reports for a database built from the same file: declared types and defaults are the
//! source text, view columns are named and typed the way SQLite does. For PostgreSQL,
//! the `postgres` module makes it match what the catalogs of a database built from the file say
//! (`search_path`, domains, `format_type` and `pg_get_expr` spellings, constraint names,
//! partitions; also `SET`, `CREATE DOMAIN`, `CREATE FUNCTION` and `ALTER TABLE ... ATTACH
//! PARTITION`, which it reads itself).
//!
//! For MySQL, [`mysql`] and [`super::mysql`] make it match what `information_schema` of a
//! MariaDB 10.11 database built from the file says: versioned comments (`/*!50705 ... */`)
//! run as MariaDB runs them, `USE db` makes `db` the default schema, types and defaults are
//! spelled as the server reports them, unnamed keys are named as the server names them, and
//! views' columns are typed and nullable as the server has them ([`mysql_view`]).
//!
//! Routines are read by hand, their bodies skipped (sqlparser cannot parse many of them):
//! PostgreSQL's `CREATE FUNCTION`/`PROCEDURE` by the `postgres` module's catalog, MySQL's `CREATE PROCEDURE`/`FUNCTION` by [`mysql_routine`], into the
//! routines live introspection reads. A routine left out (a trigger function, an aggregate,
//! ...) is noted at its name, `schema.name(signature)`, in the words live introspection
//! uses, once however often the file replaces it; a routine that cannot be read is noted at
//! its line.

mod affinity;
mod classify;
mod mysql;
mod mysql_routine;
mod mysql_view;
mod names;
mod postgres;
mod postgres_types;
mod postgres_view;
mod source;
mod split;
mod table;
#[cfg(test)]
mod tests;
mod view;

use sqlparser::ast::{
    AlterTableOperation, CommentObject, CreateIndex, CreateTable, CreateView, ObjectName,
    Statement, UserDefinedTypeRepresentation,
};

use self::classify::{StatementKind, classify, object_name};
use self::names::{
    TableName, ident_name, name_parts, same_name, same_schema, table_name, table_name_of_parts,
};
use self::source::SourceText;
use self::split::{SqlStatement, split_statements};
use self::table::{TableBuilder, last_name, unique_index_columns};
use self::view::{PendingView, find_table, infer_view_columns};
use crate::introspect::routines::sort_routines;
use crate::model::{Dialect, Key, Routine, Schema, Table, TableKind, Warning};

pub(crate) use self::mysql::{MysqlCheck, mysql_check};
pub(crate) use self::mysql_routine::{
    MysqlParameter, MysqlRoutineParts, mysql_routine, selects_result_sets,
};
pub(crate) use self::postgres::check_enum as postgres_check_enum;

/// A DDL file that cannot be used at all.
#[derive(Debug, thiserror::Error)]
#[error("{file}:{line}: {message}")]
pub struct DdlError {
    /// The file.
    pub file: String,
    /// The line.
    pub line: u64,
    /// What is wrong.
    pub message: String,
}

/// Parses the DDL in `sql` (from `file`, for messages).
///
/// Statements that cannot be parsed are skipped with a warning; the file is an error only
/// when it is not text, or when nothing could be read from it and some statement failed.
pub fn parse(sql: &str, dialect: Dialect, file: &str) -> Result<(Schema, Vec<Warning>), DdlError> {
    if let Some(line) = binary_line(sql) {
        return Err(DdlError {
            file: file.to_owned(),
            line,
            message: "this is not a text SQL file (it has NUL bytes); pass a file of CREATE \
                      TABLE statements, or introspect a SQLite database file as a database \
                      (sqlite://PATH) instead of as DDL"
                .to_owned(),
        });
    }
    // MySQL's versioned comments (`/*!50705 ... */`) are SQL or comments by server version.
    let sql = if dialect == Dialect::Mysql {
        mysql::executed_text(sql)
    } else {
        std::borrow::Cow::Borrowed(sql)
    };
    let mut reader = Reader::new(dialect, file);
    for statement in split_statements(&sql, dialect) {
        reader.read(statement);
    }
    reader.finish()
}

/// The line of the first NUL byte, if `sql` has one (it is then binary, not SQL).
fn binary_line(sql: &str) -> Option<u64> {
    let at = sql.find('\0')?;
    Some(sql[..at].matches('\n').count() as u64 + 1)
}

/// The first statement that could not be parsed.
struct Failure {
    line: u64,
    message: String,
}

/// Reads a file's statements one by one into tables and views.
struct Reader<'a> {
    dialect: Dialect,
    file: &'a str,
    /// Tables and views, in file order.
    tables: Vec<Table>,
    /// The line of the statement that created each table.
    lines: Vec<u64>,
    /// Views whose columns are inferred at the end.
    views: Vec<PendingView<'a>>,
    /// PostgreSQL enum types and their values.
    enum_types: Vec<(TableName, Vec<String>)>,
    warnings: Vec<Warning>,
    first_failure: Option<Failure>,
    /// MySQL: the databases `USE` switches to, the tables `DROP` removes.
    mysql: mysql::Session,
    /// MySQL: the procedures and functions, in file order.
    mysql_routines: Vec<Routine>,
    /// PostgreSQL: the schemas, types and functions created so far, and the `search_path`.
    pg: postgres::Catalog,
}

impl<'a> Reader<'a> {
    fn new(dialect: Dialect, file: &'a str) -> Self {
        Self {
            dialect,
            file,
            tables: Vec::new(),
            lines: Vec::new(),
            views: Vec::new(),
            enum_types: Vec::new(),
            warnings: Vec::new(),
            first_failure: None,
            mysql: mysql::Session::default(),
            mysql_routines: Vec::new(),
            pg: postgres::Catalog::default(),
        }
    }

    /// Reads one statement, if it matters to the schema.
    fn read(&mut self, statement: SqlStatement<'a>) {
        if self.dialect == Dialect::Mysql && self.mysql.read(statement.text) {
            return;
        }
        if self.dialect == Dialect::Mysql && self.read_mysql_routine(statement) {
            return;
        }
        if self.dialect == Dialect::Postgres {
            match self.pg.read_statement(statement.text, &mut self.tables) {
                postgres::Handled::No => {}
                postgres::Handled::Yes => return,
                postgres::Handled::Warn(message) => return self.warn(statement.line, message),
            }
        }
        let kind = classify(statement.text, self.dialect);
        match kind {
            StatementKind::Other => return,
            StatementKind::CreateVirtualTable => {
                self.warn(
                    statement.line,
                    format!(
                        "skipped CREATE VIRTUAL TABLE {}: mcpgen reads ordinary tables and views \
                         only, so the virtual table is left out",
                        object_name(statement.text)
                    ),
                );
                return;
            }
            _ => {}
        }
        let source = match SourceText::tokenize(statement, self.dialect) {
            Ok(source) => source,
            Err(error) => return self.failed(statement, kind, &error),
        };
        match source.parse(kind == StatementKind::CreateTable) {
            Ok(parsed) => self.apply(parsed, source),
            Err(error) => self.failed(statement, kind, &error),
        }
    }

    /// MySQL's `CREATE PROCEDURE|FUNCTION` and `DROP PROCEDURE|FUNCTION`; `true` when
    /// `statement` is one of them.
    fn read_mysql_routine(&mut self, statement: SqlStatement<'a>) -> bool {
        if let Some((kind, schema, name)) = mysql_routine::dropped_routine(statement.text) {
            let schema = self.mysql.resolve(schema);
            self.mysql_routines.retain(|routine| {
                !(routine.kind == kind
                    && routine.schema == schema
                    && same_name(&routine.name, &name))
            });
            return true;
        }
        let Some(parsed) = mysql_routine::parse_create_routine(statement.text) else {
            return false;
        };
        match parsed {
            Ok(mut parts) => {
                parts.schema = self.mysql.resolve(parts.schema.take());
                let routine = mysql_routine(parts);
                self.mysql_routines.retain(|other| {
                    !(other.kind == routine.kind
                        && other.schema == routine.schema
                        && same_name(&other.name, &routine.name))
                });
                self.mysql_routines.push(routine);
            }
            Err(problem) => self.warn(
                statement.line,
                format!("skipped {problem}; the routine is left out"),
            ),
        }
        true
    }

    /// Notes a statement that matters but cannot be parsed.
    fn failed(&mut self, statement: SqlStatement<'a>, kind: StatementKind, error: &str) {
        let consequence = match kind {
            StatementKind::CreateTable => "the table is left out",
            StatementKind::CreateView => "the view is left out",
            StatementKind::CreateUniqueIndex => "its unique key is left out",
            StatementKind::AlterTableAdd => "what it adds is left out",
            StatementKind::CommentOn => "the comment is left out",
            StatementKind::CreateType => "the type's values are unknown",
            StatementKind::CreateVirtualTable | StatementKind::Other => "it is left out",
        };
        let message = format!(
            "skipped {} {}: sqlparser cannot parse it ({error}); {consequence}. Check that the \
             file is {} DDL, or rewrite the statement in plainer SQL",
            kind.label(),
            object_name(statement.text),
            self.dialect.name()
        );
        if self.first_failure.is_none() {
            self.first_failure = Some(Failure {
                line: statement.line,
                message: message.clone(),
            });
        }
        self.warn(statement.line, message);
    }

    /// Applies a parsed statement to the schema.
    fn apply(&mut self, mut statement: Statement, source: SourceText<'a>) {
        if self.dialect == Dialect::Postgres {
            self.pg.qualify(&mut statement, &self.tables);
        }
        match statement {
            Statement::CreateTable(create) => self.create_table(create, source),
            Statement::CreateView(create) => self.create_view(create, source),
            Statement::CreateIndex(index) => self.create_unique_index(&index, &source),
            Statement::AlterTable(alter) => {
                self.alter_table(&alter.name, &alter.operations, &source);
            }
            Statement::Comment {
                object_type,
                object_name,
                comment,
                ..
            } => self.comment_on(object_type, &object_name, comment, &source),
            Statement::CreateType {
                name,
                representation: Some(UserDefinedTypeRepresentation::Enum { labels }),
            } => {
                if let Some(name) = table_name(self.dialect, &name) {
                    let values = labels.into_iter().map(|label| label.value).collect();
                    self.enum_types.push((name, values));
                }
            }
            _ => {}
        }
    }

    fn create_table(&mut self, create: CreateTable, source: SourceText<'a>) {
        let line = source.statement().line;
        if create.columns.is_empty() && create.query.is_some() {
            return self.create_table_as_select(create, source);
        }
        if create.columns.is_empty() && create.like.is_some() {
            self.warn(
                line,
                format!(
                    "skipped CREATE TABLE {} LIKE ...: mcpgen reads only tables whose columns \
                     are declared; declare its columns to include it",
                    create.name
                ),
            );
            return;
        }
        let Some(mut builder) = TableBuilder::create(self.dialect, &source, &create) else {
            return;
        };
        for column in &create.columns {
            builder.add_column(column);
        }
        for constraint in &create.constraints {
            builder.add_constraint(constraint);
        }
        let mysql_indexes = (self.dialect == Dialect::Mysql).then(|| builder.take_indexes());
        let (mut table, problems) = builder.finish();
        if self.dialect == Dialect::Postgres {
            self.pg
                .created_table(&mut table, &create, &source, &self.tables);
            if create.partition_of.is_some() {
                // Its partitioned table stands for it, as in live introspection.
                self.pg.partition(&table);
            }
        }
        self.warn_all(line, problems);
        let added = self.add_table(table, line, create.if_not_exists);
        if let (Some(at), Some(indexes)) = (added, mysql_indexes) {
            self.mysql.set_indexes(&self.tables[at], indexes);
        }
    }

    /// `CREATE TABLE t AS SELECT ...`: its columns are inferred like a view's.
    fn create_table_as_select(&mut self, create: CreateTable, source: SourceText<'a>) {
        let line = source.statement().line;
        let (Some(name), Some(query)) = (table_name(self.dialect, &create.name), create.query)
        else {
            return;
        };
        let table = Table {
            schema: name.schema,
            name: name.name,
            kind: TableKind::Table,
            comment: None,
            columns: Vec::new(),
            primary_key: None,
            foreign_keys: Vec::new(),
            referenced_by: Vec::new(),
            unique_keys: Vec::new(),
            rowid: self.dialect == Dialect::Sqlite,
        };
        if let Some(index) = self.add_table(table, line, create.if_not_exists) {
            self.views.push(PendingView {
                table: index,
                table_as_select: true,
                query,
                column_names: Vec::new(),
                search_path: self.pg.search_path(),
                source,
            });
        }
    }

    fn create_view(&mut self, create: CreateView, source: SourceText<'a>) {
        let line = source.statement().line;
        let Some(name) = table_name(self.dialect, &create.name) else {
            return;
        };
        let view = Table {
            schema: name.schema,
            name: name.name,
            kind: TableKind::View,
            comment: create.comment,
            columns: Vec::new(),
            primary_key: None,
            foreign_keys: Vec::new(),
            referenced_by: Vec::new(),
            unique_keys: Vec::new(),
            rowid: false,
        };
        if let Some(index) = self.add_table(view, line, create.if_not_exists) {
            let column_names = create
                .columns
                .iter()
                .map(|column| ident_name(self.dialect, &column.name))
                .collect();
            self.views.push(PendingView {
                table: index,
                table_as_select: false,
                query: create.query,
                column_names,
                search_path: self.pg.search_path(),
                source,
            });
        }
    }

    /// Adds a table or view, replacing an earlier one of the same name (unless `IF NOT
    /// EXISTS`), and returns its index when it was added.
    fn add_table(&mut self, mut table: Table, line: u64, if_not_exists: bool) -> Option<usize> {
        if self.dialect == Dialect::Mysql {
            table.schema = self.mysql.resolve(table.schema.take());
            for key in &mut table.foreign_keys {
                key.referenced_schema = self.mysql.resolve(key.referenced_schema.take());
            }
        }
        let name = TableName {
            schema: table.schema.clone(),
            name: table.name.clone(),
        };
        // Created again after a DROP (MySQL): no longer dropped.
        let dropped = self.dialect == Dialect::Mysql
            && self.mysql.take_dropped(name.schema.as_deref(), &name.name);
        let Some(existing) = self.tables.iter().position(|other| {
            same_name(&other.name, &name.name)
                && same_schema(other.schema.as_deref(), name.schema.as_deref())
        }) else {
            self.tables.push(table);
            self.lines.push(line);
            return Some(self.tables.len() - 1);
        };
        if if_not_exists && !dropped {
            return None;
        }
        // A MySQL dump drops the stand-in it creates for a view before creating the view.
        if !dropped {
            self.warn(
                line,
                format!(
                    "{} is created again (first on line {}); the later definition is used",
                    name.display(),
                    self.lines[existing]
                ),
            );
        }
        self.views.retain(|view| view.table != existing);
        self.tables[existing] = table;
        self.lines[existing] = line;
        Some(existing)
    }

    fn create_unique_index(&mut self, index: &CreateIndex, source: &SourceText<'a>) {
        if !index.unique || index.predicate.is_some() {
            return;
        }
        let Some(columns) = unique_index_columns(self.dialect, &index.columns) else {
            return;
        };
        let Some(table) = self.altered_table(&index.table_name, source, "CREATE UNIQUE INDEX")
        else {
            return;
        };
        // PostgreSQL: a unique index on a materialized view is a key of it.
        if self.tables[table].kind == TableKind::View && self.dialect != Dialect::Postgres {
            return;
        }
        let name = index
            .name
            .as_ref()
            .and_then(|name| last_name(self.dialect, name));
        let mut key = Key { name, columns };
        if self.dialect == Dialect::Postgres {
            self.pg.unique_index(&self.tables[table], &mut key);
        }
        self.tables[table].unique_keys.push(key);
    }

    fn alter_table(
        &mut self,
        name: &ObjectName,
        operations: &[AlterTableOperation],
        source: &SourceText<'a>,
    ) {
        let Some(index) = self
            .altered_table(name, source, "ALTER TABLE")
            .filter(|index| self.tables[*index].kind == TableKind::Table)
        else {
            return;
        };
        let known_keys = self.tables[index].foreign_keys.len();
        let mut builder = TableBuilder::extend(self.dialect, source, self.tables[index].clone());
        if self.dialect == Dialect::Mysql {
            builder.set_indexes(self.mysql.indexes(&self.tables[index]));
        }
        for operation in operations {
            match operation {
                AlterTableOperation::AddConstraint { constraint, .. } => {
                    builder.add_constraint(constraint);
                }
                AlterTableOperation::AddColumn { column_def, .. } => {
                    builder.add_column(column_def);
                }
                _ => {}
            }
        }
        if self.dialect == Dialect::Mysql {
            let indexes = builder.take_indexes();
            self.mysql.set_indexes(&self.tables[index], indexes);
        }
        let (mut table, problems) = builder.finish();
        if self.dialect == Dialect::Mysql {
            for key in table.foreign_keys.iter_mut().skip(known_keys) {
                key.referenced_schema = self.mysql.resolve(key.referenced_schema.take());
            }
        }
        if self.dialect == Dialect::Postgres {
            self.pg.altered_table(&mut table, operations, source);
        }
        self.tables[index] = table;
        self.warn_all(source.statement().line, problems);
    }

    /// The index of the base table `name` that a statement changes, or `None` (with a
    /// warning) when the file has not created it.
    fn altered_table(
        &mut self,
        name: &ObjectName,
        source: &SourceText<'a>,
        what: &str,
    ) -> Option<usize> {
        let table = table_name(self.dialect, name)?;
        let found = find_table(&self.tables, &table);
        if found.is_none() {
            self.warn(
                source.statement().line,
                format!(
                    "skipped {what} on {}: no table of that name is created before it in this \
                     file; create the table first",
                    table.display()
                ),
            );
        }
        found
    }

    /// PostgreSQL's `COMMENT ON TABLE t IS '...'` and `COMMENT ON COLUMN t.c IS '...'`.
    fn comment_on(
        &mut self,
        object: CommentObject,
        name: &ObjectName,
        comment: Option<String>,
        source: &SourceText<'a>,
    ) {
        let mut parts = name_parts(self.dialect, name);
        let column = match object {
            CommentObject::Table | CommentObject::View | CommentObject::MaterializedView => None,
            CommentObject::Column => parts.pop(),
            _ => return,
        };
        let Some(table) = table_name_of_parts(self.dialect, parts) else {
            return;
        };
        let Some(index) = find_table(&self.tables, &table) else {
            self.warn(
                source.statement().line,
                format!(
                    "skipped COMMENT ON {}: no table of that name is created before it in this \
                     file",
                    table.display()
                ),
            );
            return;
        };
        let target = &mut self.tables[index];
        match column {
            None => target.comment = comment,
            Some(column) => {
                if let Some(column) = target
                    .columns
                    .iter_mut()
                    .find(|c| same_name(&c.name, &column))
                {
                    column.comment = comment;
                }
            }
        }
    }

    /// The schema, once every statement is read.
    fn finish(mut self) -> Result<(Schema, Vec<Warning>), DdlError> {
        self.resolve_omitted_referenced_columns();
        self.apply_enum_types();
        for table in &mut self.tables {
            finish_keys(table, self.dialect);
        }
        self.infer_views();
        let mut routines = std::mem::take(&mut self.mysql_routines);
        if self.dialect == Dialect::Postgres {
            self.pg.finish(&mut self.tables, &mut self.lines);
            let (read, skipped) = self.pg.routines(&self.tables);
            routines = read;
            self.warnings.extend(skipped);
        }
        if self.dialect == Dialect::Mysql {
            self.mysql.remove_dropped(&mut self.tables);
            super::mysql::normalize(&mut self.tables);
        }
        sort_routines(&mut routines);
        if self.tables.is_empty() && routines.is_empty() {
            if let Some(failure) = self.first_failure {
                return Err(DdlError {
                    file: self.file.to_owned(),
                    line: failure.line,
                    message: format!(
                        "no table or view could be read from this file; the first statement \
                         that failed: {}",
                        failure.message
                    ),
                });
            }
            self.warnings.push(Warning::new(
                self.file,
                "no CREATE TABLE or CREATE VIEW statement found: the schema is empty",
            ));
        }
        let schema = Schema {
            dialect: self.dialect,
            // A MySQL file's first `USE` names the database it builds.
            database: self.mysql.default_database().map(str::to_owned),
            tables: self.tables,
            routines,
        };
        Ok((schema, self.warnings))
    }

    /// Foreign keys that name no referenced columns reference the primary key. When that key
    /// is not in the file (or has another number of columns), the referenced columns stay
    /// empty, as SQLite's `pragma_foreign_key_list` reports them, with a warning.
    fn resolve_omitted_referenced_columns(&mut self) {
        let mut unresolved = Vec::new();
        for table_index in 0..self.tables.len() {
            for key_index in 0..self.tables[table_index].foreign_keys.len() {
                let key = &self.tables[table_index].foreign_keys[key_index];
                if !key.referenced_columns.is_empty() {
                    continue;
                }
                let target = TableName {
                    schema: key.referenced_schema.clone(),
                    name: key.referenced_table.clone(),
                };
                let primary_key = find_table(&self.tables, &target)
                    .and_then(|index| self.tables[index].primary_key.as_ref())
                    .map(|primary| primary.columns.clone())
                    .filter(|columns| columns.len() == key.columns.len());
                match primary_key {
                    Some(columns) => {
                        self.tables[table_index].foreign_keys[key_index].referenced_columns =
                            columns;
                    }
                    None => unresolved.push((table_index, key.columns.join(", "), target)),
                }
            }
        }
        for (table_index, columns, target) in unresolved {
            let table = self.tables[table_index].name.clone();
            let target = target.display();
            self.warn(
                self.lines[table_index],
                format!(
                    "the foreign key ({columns}) of {table} references {target} without naming \
                     its columns, and this file gives {target} no primary key of as many \
                     columns; its referenced columns are unknown (name them in the REFERENCES \
                     clause)"
                ),
            );
        }
    }

    /// Columns of a PostgreSQL enum type take its values.
    fn apply_enum_types(&mut self) {
        for (name, values) in &self.enum_types {
            let spellings = [
                name.name.clone(),
                format!(
                    "{}.{}",
                    name.schema.as_deref().unwrap_or("public"),
                    name.name
                ),
            ];
            let columns = self
                .tables
                .iter_mut()
                .filter(|table| table.kind == TableKind::Table)
                .flat_map(|table| table.columns.iter_mut());
            for column in columns {
                if column.enum_values.is_empty()
                    && spellings
                        .iter()
                        .any(|spelling| same_name(spelling, &column.sql_type))
                {
                    column.enum_values.clone_from(values);
                }
            }
        }
    }

    /// Fills the views' columns; a view whose columns cannot be inferred is left out.
    fn infer_views(&mut self) {
        let problems = infer_view_columns(self.dialect, &mut self.tables, &self.views, &self.pg);
        let mut left_out = Vec::new();
        for problem in problems {
            let view = &self.views[problem.view];
            let line = view.source.statement().line;
            let name = self.tables[view.table].qualified_name();
            let what = if view.table_as_select {
                "table"
            } else {
                "view"
            };
            let message = if problem.skipped {
                left_out.push(view.table);
                format!(
                    "skipped {what} {name}: {}; name its columns explicitly in the SELECT to \
                     include it",
                    problem.message
                )
            } else {
                format!("{what} {name}: {}", problem.message)
            };
            self.warn(line, message);
        }
        let kept: Vec<bool> = (0..self.tables.len())
            .map(|index| !left_out.contains(&index))
            .collect();
        let mut kept_tables = kept.iter();
        self.tables
            .retain(|_| kept_tables.next().copied().unwrap_or(true));
        let mut kept_lines = kept.iter();
        self.lines
            .retain(|_| kept_lines.next().copied().unwrap_or(true));
    }

    fn warn(&mut self, line: u64, message: String) {
        self.warnings
            .push(Warning::new(format!("{}:{line}", self.file), message));
    }

    fn warn_all(&mut self, line: u64, messages: Vec<String>) {
        for message in messages {
            self.warn(line, message);
        }
    }
}

/// Puts a table's keys in their final form: key columns spelled as the columns are, unique
/// keys without the primary key's twin or duplicates (the latest declaration kept) and sorted
/// by their columns; primary
/// key columns are not nullable in PostgreSQL and MySQL, and in SQLite's `WITHOUT ROWID`
/// tables (as SQLite reports them).
fn finish_keys(table: &mut Table, dialect: Dialect) {
    // PostgreSQL's names are already folded as PostgreSQL folds them: `"ID"` is not `id`.
    let same_column = |a: &str, b: &str| {
        if dialect == Dialect::Postgres {
            a == b
        } else {
            same_name(a, b)
        }
    };
    let spell = |columns: &mut Vec<String>, table_columns: &[crate::model::Column]| {
        for name in columns.iter_mut() {
            if let Some(column) = table_columns.iter().find(|c| same_column(&c.name, name)) {
                name.clone_from(&column.name);
            }
        }
    };
    if let Some(key) = table.primary_key.as_mut() {
        spell(&mut key.columns, &table.columns);
    }
    for key in &mut table.foreign_keys {
        spell(&mut key.columns, &table.columns);
    }
    let primary = table.primary_key.as_ref().map(|key| key.columns.clone());
    let mut unique: Vec<Key> = Vec::new();
    // The latest declaration of the same columns wins, as SQLite lists its newest index first.
    // MySQL keeps every index: its own rules pick one (`super::mysql::normalize`).
    for mut key in std::mem::take(&mut table.unique_keys).into_iter().rev() {
        spell(&mut key.columns, &table.columns);
        let is_primary = primary.as_ref() == Some(&key.columns);
        let repeated =
            dialect != Dialect::Mysql && unique.iter().any(|other| other.columns == key.columns);
        if !is_primary && !repeated {
            unique.push(key);
        }
    }
    unique.sort_by(|a, b| a.columns.cmp(&b.columns));
    table.unique_keys = unique;
    let primary_key_not_null =
        dialect != Dialect::Sqlite || (table.kind == TableKind::Table && !table.rowid);
    if primary_key_not_null && let Some(primary) = primary {
        for column in &mut table.columns {
            if primary.iter().any(|name| same_column(name, &column.name)) {
                column.nullable = false;
            }
        }
    }
}
