use serde_json::json;

use super::*;
use crate::backend::sqlite::SqliteDialect;
use crate::config::{Limits, Profile, ToolsConfig};
use crate::fixtures;

/// The fixture tables' tools in `profile`, writes served.
fn tools(catalog: &Catalog, profile: Profile) -> ToolSet {
    let options = ToolsConfig {
        writes: true,
        profile,
        ..ToolsConfig::default()
    };
    ToolSet::new(catalog, &SqliteDialect, &Limits::default(), &options)
}

fn need(catalog: &Catalog, tools: &ToolSet, tool: &str, arguments: &Value) -> Need {
    let action = tools
        .action(tool)
        .unwrap_or_else(|| panic!("no tool {tool}"));
    for_call(action, arguments.as_object().unwrap(), catalog, tools)
}

fn allowed(need: &Need, scopes: &str) -> bool {
    need.allows(&Scopes::parse(scopes))
}

fn listed(catalog: &Catalog, tools: &ToolSet, scopes: &str) -> Vec<String> {
    let scopes = Scopes::parse(scopes);
    let (page, _) = tools
        .page(None, 1000, |action| {
            may_list(action, catalog, tools, &scopes)
        })
        .unwrap();
    page.into_iter().map(|tool| tool.name.to_string()).collect()
}

#[test]
fn a_table_tool_needs_its_umbrella_scope_or_the_tables_own() {
    let catalog = fixtures::catalog();
    let tools = tools(&catalog, Profile::Typed);
    let no_arguments = json!({});
    let read = need(&catalog, &tools, "list_film", &no_arguments);
    assert!(allowed(&read, "mcp:read") && allowed(&read, "film:read"));
    assert!(!allowed(&read, "sales_pairs:read film:write mcp:write"));
    assert_eq!(read.requested(), "film:read");
    let insert = need(&catalog, &tools, "insert_film", &no_arguments);
    assert!(allowed(&insert, "mcp:write") && allowed(&insert, "film:write"));
    assert!(!allowed(&insert, "mcp:read film:read"));
    let update = need(&catalog, &tools, "update_sales_pairs", &no_arguments);
    assert_eq!(update.requested(), "sales_pairs:write");
}

#[test]
fn query_sql_needs_the_umbrella_read_scope_whatever_tables_it_names() {
    let catalog = fixtures::catalog();
    let options = ToolsConfig {
        sql: true,
        profile: Profile::Typed,
        ..ToolsConfig::default()
    };
    let tools = ToolSet::new(&catalog, &SqliteDialect, &Limits::default(), &options);
    let query = need(
        &catalog,
        &tools,
        "query_sql",
        &json!({"sql": "SELECT 1 FROM film"}),
    );
    assert!(allowed(&query, "mcp:read"));
    assert!(!allowed(&query, "film:read sales_pairs:read mcp:write"));
    assert!(listed(&catalog, &tools, "mcp:read").contains(&"query_sql".to_owned()));
    assert!(!listed(&catalog, &tools, "film:read").contains(&"query_sql".to_owned()));
}

#[test]
fn a_delete_needs_the_elevated_scope_which_write_does_not_give() {
    let catalog = fixtures::catalog();
    let tools = tools(&catalog, Profile::Typed);
    let delete = need(&catalog, &tools, "delete_film", &json!({}));
    assert!(allowed(&delete, "mcp:delete") && allowed(&delete, "film:delete"));
    assert!(!allowed(&delete, "mcp:read mcp:write film:write"));
    assert_eq!(delete.describe(), "film:delete (or mcp:delete)");
}

#[test]
fn a_routine_needs_call_or_the_umbrella_of_what_it_does() {
    let catalog = fixtures::catalog();
    let tools = tools(&catalog, Profile::Typed);
    let reads = need(&catalog, &tools, "call_film_price", &json!({}));
    assert!(allowed(&reads, "mcp:read") && allowed(&reads, "film_price:call"));
    let writes = need(&catalog, &tools, "call_restock", &json!({}));
    assert!(allowed(&writes, "mcp:write") && allowed(&writes, "restock:call"));
    assert!(!allowed(&writes, "mcp:read film_price:call"));
}

#[test]
fn tools_list_shows_only_what_the_scopes_allow() {
    let catalog = fixtures::catalog();
    let tools = tools(&catalog, Profile::Typed);
    let film = listed(&catalog, &tools, "film:read");
    assert!(film.contains(&"list_film".to_owned()) && film.contains(&"describe_table".to_owned()));
    assert!(
        !film
            .iter()
            .any(|name| name.contains("pairs") || name.starts_with("insert_"))
    );
    let reader = listed(&catalog, &tools, "mcp:read");
    assert!(reader.contains(&"call_film_price".to_owned()));
    assert!(!reader.iter().any(|name| name.starts_with("insert_")
        || name.starts_with("update_")
        || name.starts_with("delete_")
        || name == "call_restock"));
    assert!(listed(&catalog, &tools, "").is_empty());
    assert!(listed(&catalog, &tools, "other:read").is_empty());
}

#[test]
fn a_filtered_tools_list_pages_through_the_visible_tools_only() {
    let catalog = fixtures::catalog();
    let tools = tools(&catalog, Profile::Typed);
    let scopes = Scopes::parse("mcp:read");
    let visible = |action| may_list(action, &catalog, &tools, &scopes);
    let all = listed(&catalog, &tools, "mcp:read");
    let mut paged = Vec::new();
    let mut cursor = None;
    loop {
        let (page, next) = tools.page(cursor.as_deref(), 2, visible).unwrap();
        assert!(page.len() <= 2);
        paged.extend(page.into_iter().map(|tool| tool.name.to_string()));
        match next {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    assert_eq!(paged, all);
}

#[test]
fn compact_tools_are_checked_against_the_table_their_argument_names() {
    let catalog = fixtures::catalog();
    let tools = tools(&catalog, Profile::Compact);
    let query = need(&catalog, &tools, "query", &json!({"table": "film"}));
    assert!(allowed(&query, "film:read") && !allowed(&query, "sales_pairs:read"));
    let query = need(&catalog, &tools, "query", &json!({"table": "sales.pairs"}));
    assert!(allowed(&query, "sales_pairs:read"));
    let unknown = need(&catalog, &tools, "query", &json!({"table": "nope"}));
    assert!(allowed(&unknown, "mcp:read") && !allowed(&unknown, "film:read"));
    let call = need(&catalog, &tools, "call", &json!({"routine": "restock"}));
    assert!(allowed(&call, "restock:call") && !allowed(&call, "mcp:read"));
    let delete = need(&catalog, &tools, "delete", &json!({"table": "film"}));
    assert!(!allowed(&delete, "mcp:write film:write"));
    let film = listed(&catalog, &tools, "film:read");
    assert!(film.contains(&"query".to_owned()) && !film.contains(&"insert".to_owned()));
    let writer = listed(&catalog, &tools, "mcp:read mcp:write");
    assert!(writer.contains(&"insert".to_owned()) && !writer.contains(&"delete".to_owned()));
}

#[test]
fn dreamfactory_tools_are_checked_against_their_table_and_related_needs_the_umbrella() {
    let catalog = fixtures::catalog();
    let tools = tools(&catalog, Profile::Dreamfactory);
    let data = need(
        &catalog,
        &tools,
        "get_table_data",
        &json!({"table_name": "film"}),
    );
    assert!(allowed(&data, "film:read"));
    let related = need(
        &catalog,
        &tools,
        "get_table_data",
        &json!({"table_name": "film", "related": "*"}),
    );
    assert!(!allowed(&related, "film:read") && allowed(&related, "mcp:read"));
    let delete = need(
        &catalog,
        &tools,
        "delete_records",
        &json!({"table_name": "film"}),
    );
    assert!(allowed(&delete, "film:delete") && !allowed(&delete, "mcp:write"));
    let call = need(
        &catalog,
        &tools,
        "call_stored_function",
        &json!({"function_name": "film_price"}),
    );
    assert!(allowed(&call, "film_price:call"));
}
