use mcpgen_runtime::McpProcedure;

#[derive(McpProcedure)]
struct NoName {
    p_id: i32,
}

#[derive(McpProcedure)]
#[mcp(function = "f", procedure = "p")]
struct Both {
    p_id: i32,
}

#[derive(McpProcedure)]
#[mcp(function = "f", result_sets, table = "t")]
struct FunctionWithResultSets {
    #[mcp(primary_key)]
    p_id: i32,
}

#[derive(McpProcedure)]
#[mcp(function = "f")]
struct TwoRoles {
    #[mcp(out, column)]
    p_id: Option<i32>,
}

#[derive(McpProcedure)]
#[mcp(function = "f")]
struct ValueAndColumns {
    #[mcp(value)]
    f: Option<i32>,
    #[mcp(value)]
    g: Option<i32>,
    #[mcp(column)]
    c: Option<i32>,
}

#[derive(McpProcedure)]
#[mcp(procedure = "p")]
struct ProcedureValue {
    #[mcp(variadic)]
    a: Option<i32>,
    #[mcp(variadic)]
    b: Option<i32>,
    c: i32,
    #[mcp(value)]
    v: Option<i32>,
}

#[derive(McpProcedure)]
#[mcp(function = "f")]
struct SameParameterTwice {
    a: i32,
    #[mcp(name = "a")]
    b: i32,
}

fn main() {}
