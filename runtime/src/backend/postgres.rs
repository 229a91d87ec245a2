//! PostgreSQL: its dialect, and its [`Backend`] on sqlx's PostgreSQL driver.

use std::str::FromStr;
use std::time::Duration;

use mcpgen_rules::url::redact;
use serde_json::Value;
use sqlx::pool::PoolConnection;
use sqlx::postgres::{
    PgArguments, PgConnectOptions, PgDatabaseError, PgPool, PgPoolOptions, PgQueryResult, PgRow,
    PgTypeInfo, PgTypeKind,
};
use sqlx::{Arguments as _, Postgres, Row as _, TypeInfo as _, ValueRef as _};

use super::{
    Backend, Codecs, ConnectOptions, DatabaseError, Dialect, TableCodec, Violation, ViolationKind,
    WriteStatement,
};
use crate::query::Engine;
use crate::table::{ColumnDef, ColumnKind, FieldType, TableDef};

/// PostgreSQL's spelling of SQL.
#[derive(Debug, Clone, Copy)]
pub struct PostgresDialect;

impl Dialect for PostgresDialect {
    fn push_identifier(&self, out: &mut String, name: &str) {
        out.push('"');
        out.push_str(&name.replace('"', "\"\""));
        out.push('"');
    }

    fn push_placeholder(&self, out: &mut String, index: usize) {
        out.push('$');
        out.push_str(&index.to_string());
    }

    fn push_column_value(&self, out: &mut String, placeholder: &str, column: &ColumnDef) {
        // Text is bound as `text`, and `char(n) = text` compares as text, where the padding
        // of `char(n)` counts: compared as `char(n)`, it does not.
        if column.kind == ColumnKind::Padded {
            out.push_str("CAST(");
            out.push_str(placeholder);
            out.push_str(" AS bpchar)");
        } else {
            out.push_str(placeholder);
        }
    }

    fn push_cast_to_text(&self, out: &mut String, expression: &str) {
        // The type's output function, as psql shows it: a cast to text differs for some
        // types (`CAST(inet '10.0.0.1' AS TEXT)` is `10.0.0.1/32`).
        // format() makes NULL an empty string: NULL stays NULL.
        out.push_str("CASE WHEN ");
        out.push_str(expression);
        out.push_str(" IS NULL THEN NULL ELSE format('%s', ");
        out.push_str(expression);
        out.push_str(") END");
    }

    fn push_cast_to_integer(&self, out: &mut String, expression: &str) {
        out.push_str("CAST(");
        out.push_str(expression);
        out.push_str(" AS BIGINT)");
    }

    fn push_cast_to_float(&self, out: &mut String, expression: &str) {
        out.push_str("CAST(");
        out.push_str(expression);
        out.push_str(" AS DOUBLE PRECISION)");
    }

    fn returning(&self, _statement: WriteStatement) -> bool {
        true
    }

    /// A value for a column of an enum type or of a type read as text is bound as text, and
    /// PostgreSQL converts text to those types only when told to: `json_populate_record`
    /// converts it as the column's type does (its input function), named by the table and
    /// the column alone.
    fn push_written_value(
        &self,
        out: &mut String,
        placeholder: &str,
        table: &TableDef,
        column: &ColumnDef,
    ) {
        if !matches!(column.kind, ColumnKind::AsText | ColumnKind::Enum(_)) {
            out.push_str(placeholder);
            return;
        }
        out.push_str("(json_populate_record(NULL::");
        if let Some(schema) = table.schema {
            self.push_identifier(out, schema);
            out.push('.');
        }
        self.push_identifier(out, table.name);
        out.push_str(", json_build_object(");
        push_string(out, column.name);
        out.push_str(", ");
        out.push_str(placeholder);
        out.push_str("))).");
        self.push_identifier(out, column.name);
    }

    fn names_arguments(&self) -> bool {
        true
    }

    fn calls_functions_in_from(&self) -> bool {
        true
    }

    /// An argument is cast to the type its parameter declares (its `sql_type`, as PostgreSQL
    /// names it): that picks the one overload of the routine's name the tool calls (the types
    /// sqlx binds would pick another, or none: a value of an enum type or of a type read as
    /// text is bound as text), and gives every overload a statement of its own.
    fn push_argument(&self, out: &mut String, placeholder: &str, parameter: &ColumnDef) {
        match parameter.sql_type {
            Some(sql_type) if !sql_type.is_empty() => {
                out.push_str("CAST(");
                out.push_str(placeholder);
                out.push_str(" AS ");
                out.push_str(sql_type);
                out.push(')');
            }
            _ => self.push_column_value(out, placeholder, parameter),
        }
    }

    fn compares_enums_as_text(&self) -> bool {
        // `enum = text` is no operator: an enum compares with its own type only.
        true
    }

    fn nulls_lowest(&self, descending: bool) -> &'static str {
        // PostgreSQL sorts NULL as the highest value unless told otherwise.
        if descending {
            " NULLS LAST"
        } else {
            " NULLS FIRST"
        }
    }

    fn push_like(
        &self,
        out: &mut String,
        expression: &str,
        placeholder: &str,
        case_insensitive: bool,
    ) {
        // The default escape character of PostgreSQL's LIKE is the backslash, as in filters.
        out.push_str(expression);
        out.push_str(if case_insensitive {
            " ILIKE "
        } else {
            " LIKE "
        });
        out.push_str(placeholder);
    }

    fn like_pattern(&self, pattern: &str, _case_insensitive: bool) -> String {
        pattern.to_owned()
    }

    fn default_schema(&self) -> &str {
        "public"
    }

    fn name(&self) -> &'static str {
        "PostgreSQL"
    }

    fn engine(&self) -> Engine {
        Engine::Postgres
    }

    fn read_only_routines(&self) -> &'static str {
        "IMMUTABLE or STABLE"
    }
}

/// PostgreSQL, through sqlx's PostgreSQL driver: a pool of connections to one database.
#[derive(Debug)]
pub(crate) struct PostgresBackend {
    pool: PgPool,
}

impl Backend for PostgresBackend {
    type Database = Postgres;

    const SCHEMES: &'static [&'static str] = &["postgres", "postgresql"];

    async fn connect(url: &str, options: &ConnectOptions) -> Result<Self, DatabaseError> {
        let connect_error = |source| DatabaseError::Connect {
            url: redact(url),
            source,
        };
        let mut settings = vec![
            // Intervals read as text are ISO 8601 durations (`P1DT2H`).
            ("IntervalStyle", "iso_8601"),
            ("DateStyle", "ISO"),
        ];
        // Every session reads only; a write opens a read-write transaction of its own.
        settings.push(("default_transaction_read_only", "on"));
        let timeout_ms = options
            .statement_timeout
            .map(|limit| limit.as_millis().max(1).to_string());
        if let Some(ms) = &timeout_ms {
            settings.push(("statement_timeout", ms.as_str()));
        }
        let connect_options = PgConnectOptions::from_str(url)
            .map_err(connect_error)?
            .application_name("mcpgen")
            .options(settings);
        let pool = PgPoolOptions::new()
            .max_connections(options.max_connections.max(1))
            .acquire_timeout(Duration::from_secs(10))
            .connect_with(connect_options)
            .await
            .map_err(connect_error)?;
        Ok(Self { pool })
    }

    fn dialect(&self) -> &dyn Dialect {
        &PostgresDialect
    }

    async fn acquire(&self) -> Result<PoolConnection<Postgres>, sqlx::Error> {
        self.pool.acquire().await
    }

    /// Whether PostgreSQL cancelled the statement at `statement_timeout` (57014
    /// `query_canceled` is also what an administrator's `pg_cancel_backend` gives; only the
    /// message tells them apart, and a server whose `lc_messages` is not English reports both
    /// as database errors).
    fn timed_out(error: &sqlx::Error) -> bool {
        error.as_database_error().is_some_and(|error| {
            error.code().is_some_and(|code| code == "57014")
                && error.message().contains("statement timeout")
        })
    }

    fn bind<F: FieldType>(
        value: &F,
        arguments: &mut PgArguments,
    ) -> Result<(), sqlx::error::BoxDynError> {
        arguments.add(value)
    }

    /// Reads a value as `F` when its type reads as `F` ([`readable_as`]).
    fn is_null(row: &PgRow, index: usize) -> bool {
        row.try_get_raw(index)
            .is_ok_and(|value| sqlx::ValueRef::is_null(&value))
    }

    fn decode<F: FieldType>(row: &PgRow, index: usize) -> Result<F, String> {
        let value = row.try_get_raw(index).map_err(|error| error.to_string())?;
        if !value.is_null() {
            let ty = value.type_info().into_owned();
            if !readable_as::<F>(&ty) {
                return Err(format!(
                    "a value of SQL type {} does not read as {}",
                    ty.name(),
                    std::any::type_name::<F>()
                ));
            }
        }
        <F as sqlx::Decode<Postgres>>::decode(value).map_err(|error| error.to_string())
    }

    fn codec(codecs: &Codecs) -> &dyn TableCodec<Self> {
        &*codecs.postgres
    }

    /// A value of a row whose columns are known only when it comes (`query_sql`'s), by its
    /// type, as a column of that type is served (an enum as its label, a domain as its base
    /// type, arrays of those types as arrays); a value of another type says to cast it.
    fn decode_any(row: &PgRow, index: usize) -> Result<Value, String> {
        use crate::types::{Bytes, Decimal, Uuid};
        use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, Utc};

        let raw = row.try_get_raw(index).map_err(|error| error.to_string())?;
        if raw.is_null() {
            return Ok(Value::Null);
        }
        let ty = plain_type(&raw.type_info());
        let json = |result: Result<Result<Value, serde_json::Error>, String>| {
            result.and_then(|value| value.map_err(|error| error.to_string()))
        };
        match ty.name() {
            "BOOL" => json(Self::decode::<bool>(row, index).map(|v| v.to_json())),
            "INT2" => json(Self::decode::<i16>(row, index).map(|v| v.to_json())),
            "INT4" => json(Self::decode::<i32>(row, index).map(|v| v.to_json())),
            "INT8" => json(Self::decode::<i64>(row, index).map(|v| v.to_json())),
            "FLOAT4" => json(Self::decode::<f32>(row, index).map(|v| v.to_json())),
            "FLOAT8" => json(Self::decode::<f64>(row, index).map(|v| v.to_json())),
            "NUMERIC" => json(Self::decode::<Decimal>(row, index).map(|v| v.to_json())),
            "TEXT" | "VARCHAR" | "BPCHAR" | "NAME" | "UNKNOWN" => {
                json(Self::decode::<String>(row, index).map(|v| v.to_json()))
            }
            "BYTEA" => json(Self::decode::<Bytes>(row, index).map(|v| v.to_json())),
            "UUID" => json(Self::decode::<Uuid>(row, index).map(|v| v.to_json())),
            "DATE" => json(Self::decode::<NaiveDate>(row, index).map(|v| v.to_json())),
            "TIME" => json(Self::decode::<NaiveTime>(row, index).map(|v| v.to_json())),
            "TIMESTAMP" => json(Self::decode::<NaiveDateTime>(row, index).map(|v| v.to_json())),
            "TIMESTAMPTZ" => json(Self::decode::<DateTime<Utc>>(row, index).map(|v| v.to_json())),
            "JSON" | "JSONB" => json(Self::decode::<Value>(row, index).map(|v| v.to_json())),
            "BOOL[]" => array::<bool>(row, index),
            "INT2[]" => array::<i16>(row, index),
            "INT4[]" => array::<i32>(row, index),
            "INT8[]" => array::<i64>(row, index),
            "FLOAT4[]" => array::<f32>(row, index),
            "FLOAT8[]" => array::<f64>(row, index),
            "NUMERIC[]" => array::<Decimal>(row, index),
            "TEXT[]" | "VARCHAR[]" | "BPCHAR[]" | "NAME[]" => array::<String>(row, index),
            "UUID[]" => array::<Uuid>(row, index),
            "DATE[]" => array::<NaiveDate>(row, index),
            "TIMESTAMP[]" => array::<NaiveDateTime>(row, index),
            "TIMESTAMPTZ[]" => array::<DateTime<Utc>>(row, index),
            other => Err(format!(
                "a value of PostgreSQL type {other} is not read here: cast it in the statement to text (CAST(x AS text)) or to a number"
            )),
        }
    }

    async fn begin(
        &self,
        writes: bool,
    ) -> Result<sqlx::Transaction<'static, Postgres>, sqlx::Error> {
        let statement = if writes {
            "BEGIN READ WRITE"
        } else {
            "BEGIN READ ONLY"
        };
        self.pool.begin_with(statement).await
    }

    fn rows_affected(result: &PgQueryResult) -> u64 {
        result.rows_affected()
    }

    /// PostgreSQL names the constraint, and the column of a NOT NULL one; the columns of a
    /// key are in its detail (`Key (a, b)=(1, 2) already exists.`).
    fn violation(error: &sqlx::Error) -> Option<Violation> {
        let error = error
            .as_database_error()?
            .try_downcast_ref::<PgDatabaseError>()?;
        let kind = match error.code() {
            "23505" | "23P01" => ViolationKind::Unique,
            "23503" => ViolationKind::ForeignKey,
            "23514" => ViolationKind::Check,
            "23502" => ViolationKind::NotNull,
            "22001" | "22003" | "22008" => ViolationKind::OutOfRange,
            _ => return None,
        };
        let mut columns: Vec<String> = error
            .detail()
            .and_then(|detail| detail.strip_prefix("Key ("))
            .and_then(|rest| rest.split_once(")="))
            .map(|(names, _)| names.split(", ").map(str::to_owned).collect())
            .unwrap_or_default();
        if let Some(column) = error.column() {
            columns = vec![column.to_owned()];
        }
        let detail = match error.detail() {
            Some(detail) => format!("{} {detail}", error.message()),
            None => error.message().to_owned(),
        };
        Some(Violation {
            kind,
            constraint: error.constraint().map(str::to_owned),
            columns,
            detail,
        })
    }
}

/// Appends `text` as an SQL string literal (PostgreSQL's standard strings: a quote doubled).
fn push_string(out: &mut String, text: &str) {
    out.push('\'');
    out.push_str(&text.replace('\'', "''"));
    out.push('\'');
}

/// Whether a value of type `ty` reads as `F`: as sqlx says, or through the base type of a
/// domain, or as text for an enum (whose binary form is its label); an array of domains or
/// enums reads as an array of what its element reads as.
/// An array value of `row` whose elements are `T`s, as a JSON array (`null` elements kept).
fn array<T>(row: &PgRow, index: usize) -> Result<Value, String>
where
    T: FieldType + sqlx::postgres::PgHasArrayType + for<'r> sqlx::Decode<'r, Postgres>,
{
    let elements: Vec<Option<T>> = row.try_get(index).map_err(|error| error.to_string())?;
    elements
        .iter()
        .map(|element| element.to_json())
        .collect::<Result<Vec<Value>, _>>()
        .map(Value::Array)
        .map_err(|error| error.to_string())
}

fn readable_as<F: FieldType>(ty: &PgTypeInfo) -> bool {
    if <F as sqlx::Type<Postgres>>::compatible(ty) {
        return true;
    }
    match ty.kind() {
        PgTypeKind::Domain(base) => readable_as::<F>(base),
        PgTypeKind::Enum(_) => {
            <F as sqlx::Type<Postgres>>::compatible(&<String as sqlx::Type<Postgres>>::type_info())
        }
        PgTypeKind::Array(element) => {
            let element = plain_type(element);
            ELEMENTS.iter().any(|read| {
                read(&element, &|array| {
                    <F as sqlx::Type<Postgres>>::compatible(array)
                })
            })
        }
        _ => false,
    }
}

/// The built-in type a value of `ty` is sent as: a domain's base type, `text` for an enum.
fn plain_type(ty: &PgTypeInfo) -> PgTypeInfo {
    match ty.kind() {
        PgTypeKind::Domain(base) => plain_type(base),
        PgTypeKind::Enum(_) => <String as sqlx::Type<Postgres>>::type_info(),
        _ => ty.clone(),
    }
}

/// [`element_of`] for one element type.
type ElementCheck = fn(&PgTypeInfo, &dyn Fn(&PgTypeInfo) -> bool) -> bool;

/// Whether `element` reads as `T` and an array of `T` as what `reads` accepts.
fn element_of<T: sqlx::Type<Postgres> + sqlx::postgres::PgHasArrayType>(
    element: &PgTypeInfo,
    reads: &dyn Fn(&PgTypeInfo) -> bool,
) -> bool {
    T::compatible(element) && reads(&T::array_type_info())
}

/// The element types of the arrays the runtime reads.
const ELEMENTS: &[ElementCheck] = &[
    element_of::<bool>,
    element_of::<i16>,
    element_of::<i32>,
    element_of::<i64>,
    element_of::<f32>,
    element_of::<f64>,
    element_of::<String>,
    element_of::<crate::types::Decimal>,
    element_of::<crate::types::Bytes>,
    element_of::<crate::types::Uuid>,
    element_of::<chrono::NaiveDate>,
    element_of::<chrono::NaiveTime>,
    element_of::<chrono::NaiveDateTime>,
    element_of::<chrono::DateTime<chrono::Utc>>,
    element_of::<Value>,
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_numbered_and_nulls_sort_lowest() {
        let mut out = String::new();
        PostgresDialect.push_placeholder(&mut out, 3);
        assert_eq!(out, "$3");
        assert_eq!(PostgresDialect.nulls_lowest(false), " NULLS FIRST");
        assert_eq!(PostgresDialect.nulls_lowest(true), " NULLS LAST");
    }
}
