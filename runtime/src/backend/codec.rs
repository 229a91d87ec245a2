//! A table's values bound and decoded by one backend, through its fields' Rust types: the
//! place where a struct (`T`) and a backend (`B`) meet. [`Codecs`] holds one codec per backend
//! the runtime is built with, made when the table is registered, when `T` is known.

use std::marker::PhantomData;

use serde_json::Value;

use super::{Arguments, Backend, Row};
use crate::catalog::{Operand, Registration, RoutineRegistration, Table};
use crate::routine::McpProcedure;
use crate::table::{ColumnVisitor, FieldType, FieldTypes, McpTable};

/// Table `T`, registered with the codecs of its columns.
pub(crate) fn register<T: McpTable>() -> Registration {
    Registration::new::<T>(T::TABLE, Box::new(Codecs::of::<T>()))
}

/// Routine `R`, registered with the codecs of its fields.
pub(crate) fn register_routine<R: McpProcedure>() -> RoutineRegistration {
    let fields = Registration::new::<R>(&R::ROUTINE.fields, Box::new(Codecs::of::<R>()));
    RoutineRegistration::new(R::ROUTINE, fields)
}

/// The codecs `table` was registered with ([`register`]).
pub(crate) fn codecs(table: &Table) -> &Codecs {
    table
        .codecs
        .downcast_ref()
        .expect("every table is registered with the codecs of its fields")
}

/// A table's columns bound and decoded by backend `B`.
pub(crate) trait TableCodec<B: Backend>: Send + Sync {
    /// Binds `operand`, a value of column `column`, as the column's Rust type.
    fn bind(
        &self,
        column: usize,
        operand: &Operand,
        arguments: &mut Arguments<B>,
    ) -> Result<(), String>;

    /// Reads value number `index` of `row` as column `column`'s Rust type, as JSON.
    fn decode(&self, column: usize, row: &Row<B>, index: usize) -> Result<Value, String>;
}

/// The codec of the fields of `T` (a table's or a routine's), for every backend.
struct Codec<T>(PhantomData<fn() -> T>);

const NO_COLUMN: &str = "no such column";

impl<T: FieldTypes, B: Backend> TableCodec<B> for Codec<T> {
    fn bind(
        &self,
        column: usize,
        operand: &Operand,
        arguments: &mut Arguments<B>,
    ) -> Result<(), String> {
        T::visit_column(column, Bind::<B> { operand, arguments })
            .unwrap_or_else(|| Err(NO_COLUMN.to_owned()))
    }

    fn decode(&self, column: usize, row: &Row<B>, index: usize) -> Result<Value, String> {
        T::visit_column(column, Decode::<B> { row, index })
            .unwrap_or_else(|| Err(NO_COLUMN.to_owned()))
    }
}

/// Binds an operand as the field type it was read as.
struct Bind<'a, B: Backend> {
    operand: &'a Operand,
    arguments: &'a mut Arguments<B>,
}

impl<B: Backend> ColumnVisitor for Bind<'_, B> {
    type Output = Result<(), String>;

    fn visit<F: FieldType>(self) -> Self::Output {
        let value = self
            .operand
            .typed::<F>()
            .ok_or_else(|| "the value was read as another type".to_owned())?;
        B::bind(value, self.arguments).map_err(|error| error.to_string())
    }
}

/// Decodes a value as the field type, then writes it as JSON.
struct Decode<'a, B: Backend> {
    row: &'a Row<B>,
    index: usize,
}

impl<B: Backend> ColumnVisitor for Decode<'_, B> {
    type Output = Result<Value, String>;

    fn visit<F: FieldType>(self) -> Self::Output {
        let value: F = B::decode(self.row, self.index)?;
        value.to_json().map_err(|error| error.to_string())
    }
}

/// A table's codec for every backend this runtime is built with.
pub(crate) struct Codecs {
    #[cfg(feature = "sqlite")]
    pub(super) sqlite: Box<dyn TableCodec<super::sqlite::SqliteBackend>>,
    #[cfg(feature = "postgres")]
    pub(super) postgres: Box<dyn TableCodec<super::postgres::PostgresBackend>>,
    #[cfg(feature = "mysql")]
    pub(super) mysql: Box<dyn TableCodec<super::mysql::MysqlBackend>>,
}

impl Codecs {
    /// The codecs of the fields of `T`.
    fn of<T: FieldTypes>() -> Self {
        Self {
            #[cfg(feature = "sqlite")]
            sqlite: Box::new(Codec::<T>(PhantomData)),
            #[cfg(feature = "postgres")]
            postgres: Box::new(Codec::<T>(PhantomData)),
            #[cfg(feature = "mysql")]
            mysql: Box::new(Codec::<T>(PhantomData)),
        }
    }
}
