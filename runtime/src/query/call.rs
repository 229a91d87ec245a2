//! The arguments of `call_R`: a routine's IN, INOUT and VARIADIC parameters by name, each
//! read as its field's type.

use serde_json::{Map, Value};

use super::ArgumentError;
use super::filter::typed_operand;
use super::write::Values;
use crate::catalog::Routine;
use crate::routine::FieldRole;

/// The arguments of `call_R`.
#[derive(Debug, Clone)]
pub struct CallRequest {
    /// The values given, by field, in field order.
    pub arguments: Values,
}

impl CallRequest {
    /// Reads the arguments of `call_R`: every parameter without a default, by name.
    pub fn parse(routine: &Routine, arguments: &Map<String, Value>) -> Result<Self, ArgumentError> {
        let def = routine.def;
        let fields = &routine.fields;
        let parameters = def.fields_where(FieldRole::is_argument);
        let names: Vec<&str> = parameters
            .iter()
            .map(|&field| fields.column_name(field))
            .collect();
        let tool = format!("call_{}", fields.tool_base);
        for name in arguments.keys() {
            if !names.contains(&name.as_str()) {
                let takes = if names.is_empty() {
                    "no arguments".to_owned()
                } else {
                    names.join(", ")
                };
                return Err(ArgumentError::new(format!(
                    "{tool} has no argument {name:?}; it takes {takes}"
                )));
            }
        }
        let mut given = Vec::with_capacity(arguments.len());
        let mut missing = Vec::new();
        for &field in &parameters {
            let name = fields.column_name(field);
            match arguments.get(name) {
                Some(value) => {
                    let column = &fields.columns[field];
                    if value.is_null() && !column.def.nullable {
                        return Err(ArgumentError::new(format!(
                            "{name}: {tool} needs a value here, not null"
                        )));
                    }
                    given.push((field, typed_operand(fields, field, value, name, &tool)?));
                }
                None if def.roles[field] == (FieldRole::In { optional: true }) => {}
                None => missing.push(name),
            }
        }
        if !missing.is_empty() {
            return Err(ArgumentError::new(format!(
                "{tool} needs {}",
                missing.join(", ")
            )));
        }
        if def.positional {
            // By position, a parameter left out must be the last ones.
            let left_out = parameters
                .iter()
                .position(|field| !given.iter().any(|(given, _)| given == field));
            if let Some(first_missing) = left_out
                && let Some((after, _)) = given.iter().find(|(field, _)| {
                    parameters.iter().position(|p| p == field) > Some(first_missing)
                })
            {
                return Err(ArgumentError::new(format!(
                    "{tool} gives its arguments by position: to give {}, give {} too",
                    fields.column_name(*after),
                    fields.column_name(parameters[first_missing])
                )));
            }
        }
        Ok(Self { arguments: given })
    }
}
