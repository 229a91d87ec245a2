//! The MCP side of a server: rmcp's [`ServerHandler`] over the [`ToolSet`]. rmcp speaks the
//! protocol (both revisions); this answers `tools/list` and `tools/call`, and `-32601` Method
//! not found to every method of a capability the server does not advertise (resources,
//! prompts, completions, logging), where rmcp's defaults would answer some with empty lists.

use std::sync::Arc;

use rmcp::model::{
    CacheScope, CallToolRequestParams, CallToolResponse, CompleteRequestParams, CompleteResult,
    CustomRequest, CustomResult, ErrorCode, GetPromptRequestParams, GetPromptResponse,
    Implementation, ListPromptsResult, ListResourceTemplatesResult, ListResourcesResult,
    ListToolsResult, PaginatedRequestParams, ReadResourceRequestParams, ReadResourceResponse,
    ServerCapabilities, ServerConfig, SubscribeRequestParams, Tool, UnsubscribeRequestParams,
};
use rmcp::service::RequestContext;
use rmcp::{ErrorData, RoleServer, ServerHandler};

use crate::backend::Database;
use crate::catalog::Catalog;
use crate::config::{AuthMode, Config};
use crate::tools::scope::{self, Caller};
use crate::tools::{CallContext, ToolSet};

/// How long clients may cache `tools/list`: the tools never change while a server runs.
const TOOL_LIST_TTL_MS: u64 = 5 * 60 * 1000;

/// Everything a running server shares between requests.
pub struct ServerState {
    /// The tables.
    pub catalog: Catalog,
    /// Their tools.
    pub tools: ToolSet,
    /// The database.
    pub database: Database,
    /// The settings.
    pub config: Config,
    /// The server's name and version.
    pub implementation: Implementation,
    /// The tables `query_sql` does not read, with the columns their structs leave out.
    pub unreadable: crate::query::sql_check::Unreadable,
}

/// The answer to a method this server does not offer: `-32601` Method not found, saying what
/// it does offer.
fn not_offered(method: &str) -> ErrorData {
    ErrorData::new(
        ErrorCode::METHOD_NOT_FOUND,
        format!(
            "Method not found: {method}; this server offers tools only (tools/list, tools/call)"
        ),
        None,
    )
}

/// Whose scopes bound this request: the caller the resource server found (HTTP with an
/// `[auth] mode`); `None` on stdio and over HTTP without authorization, where every tool may be
/// called. An HTTP request that reached here without a caller in a mode that needs one (a
/// router built without its resource server) may call nothing: this fails closed.
fn caller(state: &ServerState, context: &RequestContext<RoleServer>) -> Option<Caller> {
    let parts = context.extensions.get::<axum::http::request::Parts>()?;
    match parts.extensions.get::<Caller>() {
        Some(caller) => Some(caller.clone()),
        None if state.config.auth.mode == AuthMode::None => None,
        None => Some(Caller::new(
            "(no token checked)".to_owned(),
            scope::Scopes::default(),
        )),
    }
}

/// The rmcp handler: cheap to clone, one per session or stateless request.
#[derive(Clone)]
pub struct McpHandler {
    state: Arc<ServerState>,
}

impl McpHandler {
    /// A handler over `state`.
    pub fn new(state: Arc<ServerState>) -> Self {
        Self { state }
    }

    /// The shared state.
    pub fn state(&self) -> &Arc<ServerState> {
        &self.state
    }
}

impl ServerHandler for McpHandler {
    fn get_info(&self) -> ServerConfig {
        let name = &self.state.implementation.name;
        ServerConfig::new(ServerCapabilities::builder().enable_tools().build())
            .with_server_info(self.state.implementation.clone())
            .with_instructions(if self.state.config.tools.writes {
                format!(
                    "Access to the {name} database. list_tables shows its tables and views; describe_table shows one in detail, with the columns an insert needs; list_T, get_T and count_T read table T; insert_T, update_T and delete_T write it, each call all or nothing."
                )
            } else {
                format!(
                    "Read-only access to the {name} database. list_tables shows its tables and views; describe_table shows one in detail; list_T, get_T and count_T read table T."
                )
            })
    }

    async fn list_tools(
        &self,
        request: Option<PaginatedRequestParams>,
        context: RequestContext<RoleServer>,
    ) -> Result<ListToolsResult, ErrorData> {
        let cursor = request.and_then(|request| request.cursor);
        let state = &self.state;
        let caller = caller(state, &context);
        let (tools, next_cursor) =
            state
                .tools
                .page(cursor.as_deref(), state.config.tools.page_size, |action| {
                    caller.as_ref().is_none_or(|caller| {
                        scope::may_list(action, &state.catalog, &state.tools, &caller.scopes)
                    })
                })?;
        // A list filtered by the caller's scopes is the caller's own.
        let cache_scope = if caller.is_some() {
            CacheScope::Private
        } else {
            CacheScope::Public
        };
        let mut result = ListToolsResult::with_all_items(tools)
            .with_ttl_ms(TOOL_LIST_TTL_MS)
            .with_cache_scope(cache_scope);
        result.next_cursor = next_cursor;
        Ok(result)
    }

    async fn call_tool(
        &self,
        request: CallToolRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, ErrorData> {
        let action = self.state.tools.action(&request.name).ok_or_else(|| {
            ErrorData::invalid_params(
                format!(
                    "unknown tool {:?}; tools/list gives the tools of this server",
                    request.name
                ),
                None,
            )
        })?;
        let arguments = request.arguments.unwrap_or_default();
        let caller = caller(&self.state, &context);
        // The resource server refuses such a call with 403 before it gets here; this check
        // stands for any way around it.
        if let Some(caller) = &caller {
            let need = scope::for_call(action, &arguments, &self.state.catalog, &self.state.tools);
            if !need.allows(&caller.scopes) {
                return Ok(rmcp::model::CallToolResult::error(vec![
                    rmcp::model::ContentBlock::text(format!(
                        "insufficient_scope: the tool {} needs the scope {}",
                        request.name,
                        need.describe()
                    )),
                ])
                .into());
            }
        }
        let session =
            match crate::auth::database::session_settings(&self.state.config.auth, caller.as_ref())
            {
                Ok(session) => session,
                Err(refused) => {
                    tracing::warn!(
                        subject = caller.as_ref().map(|caller| caller.subject.as_str()),
                        "{refused}"
                    );
                    return Ok(rmcp::model::CallToolResult::error(vec![
                        rmcp::model::ContentBlock::text(refused),
                    ])
                    .into());
                }
            };
        let context = CallContext {
            catalog: &self.state.catalog,
            tools: &self.state.tools,
            database: &self.state.database,
            limits: &self.state.config.limits,
            writes: self.state.config.tools.writes,
            unreadable: &self.state.unreadable,
            session: &session,
        };
        Ok(context.call(action, &arguments).await.into())
    }

    fn get_tool(&self, name: &str) -> Option<Tool> {
        self.state.tools.get(name).cloned()
    }

    // Every method of a capability `get_info` does not advertise, and every unknown method.

    async fn list_resources(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListResourcesResult, ErrorData> {
        Err(not_offered("resources/list"))
    }

    async fn list_resource_templates(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListResourceTemplatesResult, ErrorData> {
        Err(not_offered("resources/templates/list"))
    }

    async fn read_resource(
        &self,
        _request: ReadResourceRequestParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<ReadResourceResponse, ErrorData> {
        Err(not_offered("resources/read"))
    }

    async fn subscribe(
        &self,
        _request: SubscribeRequestParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<(), ErrorData> {
        Err(not_offered("resources/subscribe"))
    }

    async fn unsubscribe(
        &self,
        _request: UnsubscribeRequestParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<(), ErrorData> {
        Err(not_offered("resources/unsubscribe"))
    }

    async fn list_prompts(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListPromptsResult, ErrorData> {
        Err(not_offered("prompts/list"))
    }

    async fn get_prompt(
        &self,
        _request: GetPromptRequestParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<GetPromptResponse, ErrorData> {
        Err(not_offered("prompts/get"))
    }

    async fn complete(
        &self,
        _request: CompleteRequestParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<CompleteResult, ErrorData> {
        Err(not_offered("completion/complete"))
    }

    #[expect(
        deprecated,
        reason = "logging (SEP-2577) is deprecated, and clients still send logging/setLevel"
    )]
    async fn set_level(
        &self,
        _request: rmcp::model::SetLevelRequestParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<(), ErrorData> {
        Err(not_offered("logging/setLevel"))
    }

    async fn on_custom_request(
        &self,
        request: CustomRequest,
        _context: RequestContext<RoleServer>,
    ) -> Result<CustomResult, ErrorData> {
        Err(not_offered(&request.method))
    }
}
