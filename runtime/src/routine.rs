//! What `#[derive(McpProcedure)]` produces: a static description of a stored procedure or
//! function ([`RoutineDef`]), whose parameters and result columns are the struct's fields,
//! each reached through its Rust type like a table's column ([`FieldTypes`]).

use crate::table::{FieldTypes, TableDef};

/// A stored procedure or function served as a tool `call_R`.
///
/// Implement it with `#[derive(McpProcedure)]`; the attributes are documented on the derive.
pub trait McpProcedure: FieldTypes {
    /// The routine's names, parameters, result and data access.
    const ROUTINE: &'static RoutineDef;

    /// The struct taken apart into its fields and put back together: what shows the compiler
    /// the struct is built and read, so it warns of no dead fields.
    #[doc(hidden)]
    fn into_parts(self) -> Self
    where
        Self: Sized;
}

/// Procedure or function.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RoutineKind {
    /// Called with `CALL`.
    Procedure,
    /// Called in an expression (`SELECT f(...)`).
    Function,
}

/// What a call of a routine gives back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Returns {
    /// Nothing.
    Nothing,
    /// One value: the field marked `value`.
    Value,
    /// Rows whose columns are the fields marked `column`.
    Rows,
    /// The values of the OUT and INOUT parameters, once.
    Out,
    /// Rows of result sets whose columns the routine's body decides (a MySQL procedure that
    /// `SELECT`s), and the values of its OUT and INOUT parameters.
    ResultSets,
}

/// What one field of a routine's struct is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldRole {
    /// A value the call gives; `optional` when the routine has a default for it.
    In {
        /// The routine has a default for it: a call may leave it out.
        optional: bool,
    },
    /// A value the call gives and the routine gives back.
    InOut,
    /// A value the routine gives back.
    Out,
    /// Any number of values (PostgreSQL `VARIADIC`), given as an array.
    Variadic,
    /// A column of the rows the routine returns.
    Column,
    /// The value the function returns.
    Value,
}

impl FieldRole {
    /// Whether a call gives it (an argument of the tool).
    pub fn is_argument(self) -> bool {
        matches!(
            self,
            FieldRole::In { .. } | FieldRole::InOut | FieldRole::Variadic
        )
    }

    /// Whether it is a parameter of the routine (in the parentheses of its call).
    pub fn is_parameter(self) -> bool {
        !matches!(self, FieldRole::Column | FieldRole::Value)
    }

    /// Whether the routine gives it back as an OUT value.
    pub fn is_out(self) -> bool {
        matches!(self, FieldRole::InOut | FieldRole::Out)
    }
}

/// A stored procedure or function, as `#[derive(McpProcedure)]` describes it.
///
/// Its fields are described as a table's columns are ([`RoutineDef::fields`]: names as the
/// database spells them, SQL types, kinds, value kinds, nullability), so that reading a value,
/// binding it and decoding a result share the tables' code; [`RoutineDef::roles`] says what
/// each is.
#[derive(Debug)]
pub struct RoutineDef {
    /// The routine's name, schema, the `R` of `call_R` and description, and its fields as
    /// columns. Its `kind` is [`crate::TableKind::View`]: it is never written to.
    pub fields: TableDef,
    /// Procedure or function.
    pub kind: RoutineKind,
    /// It only reads (PostgreSQL `IMMUTABLE`/`STABLE`, MySQL `READS SQL DATA`/`NO SQL`): served
    /// with writes off, in a read-only transaction. Others are served only with writes on.
    pub read_only: bool,
    /// What a call gives back.
    pub returns: Returns,
    /// What each field is, in the order of [`TableDef::columns`].
    pub roles: &'static [FieldRole],
    /// The types of its arguments as the database lists them, which tell overloads apart.
    pub signature: Option<&'static str>,
    /// Its arguments are given by position: some of its parameters have no name.
    pub positional: bool,
}

impl RoutineDef {
    /// The indexes of the fields of `role`, in order.
    pub fn fields_where(&self, keep: impl Fn(FieldRole) -> bool) -> Vec<usize> {
        self.roles
            .iter()
            .enumerate()
            .filter(|(_, role)| keep(**role))
            .map(|(index, _)| index)
            .collect()
    }
}
