//! What live introspection and DDL parsing share about routines, so that both give the same
//! model: which routines get no `call_R` tool and the warning that says why
//! ([`RoutineSkip`]), where a routine is named in warnings, their order, and how a PostgreSQL
//! routine's parameters and declared return become [`Parameter`]s and [`Returns`].

use crate::model::{
    Column, DataType, Parameter, ParameterMode, Returns, Routine, RoutineKind, Warning,
    normalize_sql_type,
};

/// Why a routine gets no `call_R` tool: a call with JSON arguments cannot run it. Live
/// introspection and DDL parsing give the same warning for each.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum RoutineSkip {
    /// PostgreSQL `RETURNS trigger`.
    Trigger,
    /// PostgreSQL `RETURNS event_trigger`.
    EventTrigger,
    /// PostgreSQL `CREATE AGGREGATE`.
    Aggregate,
    /// PostgreSQL `CREATE FUNCTION ... WINDOW`.
    Window,
    /// It takes a PostgreSQL pseudo-type (`anyelement`, `internal`, ...), named as
    /// `format_type` prints it.
    TakesPseudoType(String),
    /// It returns a PostgreSQL pseudo-type other than `void` and `record`.
    ReturnsPseudoType(String),
    /// It returns `record` (or `SETOF record`) without OUT parameters: its columns are named
    /// by each query that calls it.
    ReturnsAnonymousRecord,
}

impl RoutineSkip {
    /// The warning, at the routine's [`routine_location`].
    pub(crate) fn warning(&self, location: String) -> Warning {
        let why = match self {
            RoutineSkip::Trigger => "a trigger function, which only a trigger can call".to_owned(),
            RoutineSkip::EventTrigger => {
                "an event trigger function, which only an event trigger can call".to_owned()
            }
            RoutineSkip::Aggregate => {
                "an aggregate function, which runs over the rows of a query, not on its own"
                    .to_owned()
            }
            RoutineSkip::Window => {
                "a window function, which runs over a window of a query's rows, not on its own"
                    .to_owned()
            }
            RoutineSkip::TakesPseudoType(name) => {
                format!("it takes the pseudo-type {name}, which no JSON argument can stand for")
            }
            RoutineSkip::ReturnsPseudoType(name) => {
                format!("it returns the pseudo-type {name}, which no JSON result can stand for")
            }
            RoutineSkip::ReturnsAnonymousRecord => {
                "it returns record without OUT parameters, whose columns only the query that calls it can name".to_owned()
            }
        };
        Warning::new(location, format!("skipped: {why}"))
    }
}

/// Where a routine is, for warnings: `schema.name(signature)`, without the schema in the
/// default one (as tables are named).
pub(crate) fn routine_location(schema: Option<&str>, name: &str, signature: &str) -> String {
    match schema {
        Some(schema) => format!("{schema}.{name}({signature})"),
        None => format!("{name}({signature})"),
    }
}

/// Puts routines in their order: by schema (the default one first), name and signature.
pub(crate) fn sort_routines(routines: &mut [Routine]) {
    routines.sort_by(|a, b| {
        (&a.schema, &a.name, &a.signature).cmp(&(&b.schema, &b.name, &b.signature))
    });
}

/// A column of the rows a PostgreSQL function returns, from its OUT, INOUT or TABLE
/// parameter `name` (the `position`-th of its `outputs` output parameters, from 1): unnamed,
/// it is `columnN`, or the function's own name when it is the only one, as PostgreSQL names it.
pub(crate) fn output_column(
    function: &str,
    name: Option<&str>,
    position: usize,
    outputs: usize,
    sql_type: String,
    data_type: DataType,
    enum_values: Vec<String>,
) -> Column {
    let name = match name {
        Some(name) => name.to_owned(),
        None if outputs == 1 => function.to_owned(),
        None => format!("column{position}"),
    };
    result_column(name, sql_type, data_type, enum_values)
}

/// A column of the rows a routine returns: nullable, no default, no comment.
pub(crate) fn result_column(
    name: String,
    sql_type: String,
    data_type: DataType,
    enum_values: Vec<String>,
) -> Column {
    Column {
        name,
        sql_type,
        data_type,
        nullable: true,
        default: None,
        generated: false,
        computed: false,
        enum_values,
        comment: None,
    }
}

/// What a PostgreSQL function declares it returns (`RETURNS [SETOF] type`), resolved.
#[derive(Debug, Clone)]
pub(crate) struct PostgresReturn {
    /// `SETOF` (or `RETURNS TABLE`).
    pub(crate) set: bool,
    /// The type as `format_type` prints it, normalized.
    pub(crate) sql_type: String,
    /// What it means.
    pub(crate) data_type: DataType,
    /// An enum type's labels.
    pub(crate) enum_values: Vec<String>,
    /// The columns of a composite type (a table's, a view's or a `CREATE TYPE ... AS`).
    pub(crate) row_columns: Option<Vec<Column>>,
}

/// What a call of a PostgreSQL routine gives back, from its kind, the columns of its OUT,
/// INOUT and TABLE parameters ([`output_column`]) and its declared return:
///
/// - a procedure: its OUT and INOUT parameters ([`Returns::Out`]) if it has any, else
///   nothing;
/// - a function returning `void`: nothing;
/// - a set (`SETOF`, `RETURNS TABLE`): rows of its output parameters' columns when it has
///   any, else of the composite type's columns, else one column named after the function;
/// - not a set, with output parameters: [`Returns::Out`];
/// - else one value of the declared type.
pub(crate) fn postgres_returns(
    kind: RoutineKind,
    name: &str,
    outputs: Vec<Column>,
    declared: PostgresReturn,
) -> Returns {
    if kind == RoutineKind::Procedure {
        return if outputs.is_empty() {
            Returns::Nothing
        } else {
            Returns::Out
        };
    }
    if declared.sql_type == "VOID" && !declared.set {
        return Returns::Nothing;
    }
    if declared.set {
        let columns = if !outputs.is_empty() {
            outputs
        } else if let Some(columns) = declared.row_columns {
            columns
        } else {
            vec![result_column(
                name.to_owned(),
                declared.sql_type,
                declared.data_type,
                declared.enum_values,
            )]
        };
        return Returns::Rows { columns };
    }
    if !outputs.is_empty() {
        return Returns::Out;
    }
    Returns::Value {
        sql_type: declared.sql_type,
        data_type: declared.data_type,
        enum_values: declared.enum_values,
    }
}

/// How a PostgreSQL argument passes values (`proargmodes`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ArgumentMode {
    /// `IN` (the default), `i`.
    In,
    /// `OUT`, `o`.
    Out,
    /// `INOUT`, `b`.
    InOut,
    /// `VARIADIC`, `v`.
    Variadic,
    /// A column of `RETURNS TABLE (...)`, `t`.
    Table,
}

impl ArgumentMode {
    /// The mode `proargmodes` spells `code`.
    pub(crate) fn of_code(code: &str) -> Self {
        match code {
            "o" => ArgumentMode::Out,
            "b" => ArgumentMode::InOut,
            "v" => ArgumentMode::Variadic,
            "t" => ArgumentMode::Table,
            _ => ArgumentMode::In,
        }
    }

    /// A value the call gives: part of the signature.
    pub(crate) fn is_input(self) -> bool {
        matches!(
            self,
            ArgumentMode::In | ArgumentMode::InOut | ArgumentMode::Variadic
        )
    }

    /// A value the routine gives back: a column of its rows, or an OUT value.
    pub(crate) fn is_output(self) -> bool {
        matches!(
            self,
            ArgumentMode::Out | ArgumentMode::InOut | ArgumentMode::Table
        )
    }
}

/// A PostgreSQL routine's argument, its type resolved.
#[derive(Debug, Clone)]
pub(crate) struct PostgresArgument {
    /// Its mode.
    pub(crate) mode: ArgumentMode,
    /// Its name, if it has one.
    pub(crate) name: Option<String>,
    /// Its type as `format_type` prints it (without type modifier).
    pub(crate) type_text: String,
    /// What the type means.
    pub(crate) data_type: DataType,
    /// An enum type's labels.
    pub(crate) enum_values: Vec<String>,
    /// It is a pseudo-type (`typtype = 'p'`).
    pub(crate) pseudo: bool,
    /// It has a default.
    pub(crate) has_default: bool,
}

/// The signature of a PostgreSQL routine: the types of its input arguments, as
/// `format_type` prints them (`integer, text`).
pub(crate) fn postgres_signature(arguments: &[PostgresArgument]) -> String {
    arguments
        .iter()
        .filter(|argument| argument.mode.is_input())
        .map(|argument| argument.type_text.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Why a PostgreSQL function or procedure (not an aggregate or window function) gets no tool,
/// from its return type (`format_type`'s text, and whether it is a pseudo-type) and
/// arguments: trigger functions, pseudo-types taken, pseudo-types returned other than `void`
/// and a `record` that OUT parameters describe.
pub(crate) fn postgres_skip(
    return_type: (&str, bool),
    arguments: &[PostgresArgument],
) -> Option<RoutineSkip> {
    let (return_text, return_pseudo) = return_type;
    if return_pseudo {
        match return_text {
            "trigger" => return Some(RoutineSkip::Trigger),
            "event_trigger" => return Some(RoutineSkip::EventTrigger),
            _ => {}
        }
    }
    // `record` too: no JSON value can be cast to an anonymous row type.
    if let Some(taken) = arguments.iter().find(|a| a.mode.is_input() && a.pseudo) {
        return Some(RoutineSkip::TakesPseudoType(taken.type_text.clone()));
    }
    let returns_pseudo = |text: &str, pseudo: bool| pseudo && text != "record" && text != "void";
    if returns_pseudo(return_text, return_pseudo) {
        return Some(RoutineSkip::ReturnsPseudoType(return_text.to_owned()));
    }
    if return_pseudo && return_text == "record" && !arguments.iter().any(|a| a.mode.is_output()) {
        return Some(RoutineSkip::ReturnsAnonymousRecord);
    }
    arguments
        .iter()
        .find(|a| {
            matches!(a.mode, ArgumentMode::Out | ArgumentMode::Table)
                && returns_pseudo(&a.type_text, a.pseudo)
        })
        .map(|a| RoutineSkip::ReturnsPseudoType(a.type_text.clone()))
}

/// The parameters of a PostgreSQL routine (every argument but the columns of `RETURNS
/// TABLE`) and the columns its output arguments give ([`output_column`]).
pub(crate) fn postgres_parameters(
    function: &str,
    arguments: Vec<PostgresArgument>,
) -> (Vec<Parameter>, Vec<Column>) {
    let outputs = arguments.iter().filter(|a| a.mode.is_output()).count();
    let mut parameters = Vec::new();
    let mut columns = Vec::new();
    for argument in arguments {
        let sql_type = normalize_sql_type(&argument.type_text);
        if argument.mode.is_output() {
            columns.push(output_column(
                function,
                argument.name.as_deref(),
                columns.len() + 1,
                outputs,
                sql_type.clone(),
                argument.data_type.clone(),
                argument.enum_values.clone(),
            ));
        }
        let mode = match argument.mode {
            ArgumentMode::Table => continue,
            ArgumentMode::In => ParameterMode::In,
            ArgumentMode::Out => ParameterMode::Out,
            ArgumentMode::InOut => ParameterMode::InOut,
            ArgumentMode::Variadic => ParameterMode::Variadic,
        };
        parameters.push(Parameter {
            name: argument.name,
            mode,
            sql_type,
            data_type: argument.data_type,
            has_default: argument.has_default,
            enum_values: argument.enum_values,
        });
    }
    (parameters, columns)
}
