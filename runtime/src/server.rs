//! [`Server`]: put tables together, connect to the database, serve.

use std::sync::Arc;

use rmcp::model::Implementation;

use crate::backend::{self, ConnectOptions, Database, DatabaseError};
use crate::catalog::{Catalog, CatalogError, Registration, RoutineRegistration};
use crate::config::Config;
use crate::handler::{McpHandler, ServerState};
use crate::query::sql_check::Unreadable;
use crate::routine::McpProcedure;
use crate::table::McpTable;
use crate::tools::ToolSet;
use crate::transport::{self, TransportError};

/// An MCP server over some tables. Start with [`Server::builder`].
pub struct Server {
    handler: McpHandler,
}

/// How a server is reached.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Transport {
    /// One client on stdin/stdout.
    Stdio,
    /// Streamable HTTP on this address (`host:port`).
    Http(String),
}

/// A server could not start or stopped with an error.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// No database URL anywhere.
    #[error(
        "no database URL: pass --database-url URL, set DATABASE_URL, or set database.url in the config file"
    )]
    NoDatabaseUrl,
    /// The `[auth]` settings cannot be served.
    #[error("{0}")]
    Auth(String),
    /// The tables do not fit together.
    #[error(transparent)]
    Catalog(#[from] CatalogError),
    /// The database cannot be reached.
    #[error(transparent)]
    Database(#[from] DatabaseError),
    /// The transport failed.
    #[error(transparent)]
    Transport(#[from] TransportError),
}

impl Server {
    /// A builder with no table yet.
    pub fn builder() -> ServerBuilder {
        ServerBuilder {
            name: "mcpgen-server".to_owned(),
            version: env!("CARGO_PKG_VERSION").to_owned(),
            title: None,
            database_url: None,
            registrations: Vec::new(),
            routines: Vec::new(),
        }
    }

    /// The rmcp handler, to serve on a transport of your own.
    pub fn handler(&self) -> McpHandler {
        self.handler.clone()
    }

    /// Serves on `transport` until the client leaves (stdio) or a shutdown signal (HTTP).
    pub async fn serve(self, transport: Transport) -> Result<(), ServeError> {
        match transport {
            Transport::Stdio => transport::serve_stdio(self.handler).await?,
            Transport::Http(listen) => {
                let http = self.handler.state().config.http.clone();
                transport::serve_http(self.handler, &listen, &http).await?;
            }
        }
        Ok(())
    }
}

/// Puts a [`Server`] together.
pub struct ServerBuilder {
    name: String,
    version: String,
    title: Option<String>,
    database_url: Option<String>,
    registrations: Vec<Registration>,
    routines: Vec<RoutineRegistration>,
}

impl ServerBuilder {
    /// The server's name, as clients and `--help` show it.
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = name.into();
        self
    }

    /// The server's version (default: the runtime's).
    pub fn version(mut self, version: impl Into<String>) -> Self {
        self.version = version.into();
        self
    }

    /// A human-readable title for clients.
    pub fn title(mut self, title: impl Into<String>) -> Self {
        self.title = Some(title.into());
        self
    }

    /// The database URL used when neither `--database-url`, `DATABASE_URL` nor the config file
    /// gives one.
    pub fn database_url(mut self, url: impl Into<String>) -> Self {
        self.database_url = Some(url.into());
        self
    }

    /// Serves table `T`.
    pub fn table<T: McpTable>(mut self) -> Self {
        self.registrations.push(backend::register::<T>());
        self
    }

    /// Serves routine `R` (a stored procedure or function) as the tool `call_R`.
    pub fn procedure<R: McpProcedure>(mut self) -> Self {
        self.routines.push(backend::register_routine::<R>());
        self
    }

    /// Connects to the database at `url` (or the builder's own URL) with `config`.
    pub async fn build(self, url: Option<String>, config: Config) -> Result<Server, ServeError> {
        config.auth.check().map_err(ServeError::Auth)?;
        let url = url
            .or_else(|| config.database.url.clone())
            .or(self.database_url)
            .ok_or(ServeError::NoDatabaseUrl)?;
        let catalog = Catalog::new(self.registrations, self.routines)?;
        let database = Database::connect(
            &url,
            &ConnectOptions {
                writes: config.tools.writes,
                max_connections: config.database.max_connections,
                statement_timeout: config.limits.statement_timeout(),
            },
        )
        .await?;
        config
            .auth
            .check_database(
                database.dialect().engine() == crate::query::Engine::Postgres,
                database.dialect().name(),
            )
            .map_err(ServeError::Auth)?;
        let tools = ToolSet::new(&catalog, database.dialect(), &config.limits, &config.tools);
        announce_profile(&config.tools, &tools);
        let mut implementation = Implementation::new(self.name, self.version);
        if let Some(title) = self.title {
            implementation = implementation.with_title(title);
        }
        tracing::info!(
            tables = catalog.tables().len(),
            tools = tools.all().len(),
            database = %mcpgen_rules::url::redact(&url),
            "server ready"
        );
        let unreadable = if config.tools.sql {
            unreadable_tables(&catalog, &database).await
        } else {
            Unreadable::new()
        };
        let state = ServerState {
            catalog,
            tools,
            database,
            config,
            implementation,
            unreadable,
        };
        Ok(Server {
            handler: McpHandler::new(Arc::new(state)),
        })
    }

    pub(crate) fn server_name(&self) -> &str {
        &self.name
    }

    pub(crate) fn server_version(&self) -> &str {
        &self.version
    }
}

/// Says on stderr which tool profile the server serves, and under `auto`, why.
fn announce_profile(options: &crate::config::ToolsConfig, tools: &ToolSet) {
    let bytes = tools.list_bytes();
    let limit = mcpgen_rules::defaults::AUTO_TYPED_MAX_BYTES;
    let chosen = tools.profile().name();
    if options.profile == crate::config::Profile::Auto {
        let why = if tools.profile() == crate::config::Profile::Typed {
            format!("its tools/list is {bytes} bytes, under {limit}")
        } else {
            format!("the typed tools/list would pass {limit} bytes; this one is {bytes}")
        };
        tracing::info!(
            profile = chosen,
            "tool profile {chosen} (auto: {why}); serve --tools typed|compact|dreamfactory chooses one"
        );
    } else {
        tracing::info!(
            profile = chosen,
            "tool profile {chosen}: tools/list is {bytes} bytes"
        );
    }
}

/// The served tables whose structs leave out columns the database has: `query_sql` could read
/// those columns, so it does not read these tables. A table the database cannot describe is
/// left out too.
async fn unreadable_tables(catalog: &Catalog, database: &Database) -> Unreadable {
    let mut unreadable = Unreadable::new();
    for (index, table) in catalog.tables().iter().enumerate() {
        let statement = crate::sql::select_all(database.dialect(), table);
        let hidden = match database.column_names(&statement).await {
            Ok(names) => names
                .into_iter()
                .filter(|name| table.columns.iter().all(|column| column.def.name != name))
                .collect(),
            Err(error) => vec![format!(
                "unknown: the database did not describe it ({error})"
            )],
        };
        if !hidden.is_empty() {
            tracing::warn!(
                table = %table.display_name(),
                "query_sql does not read {}: its struct leaves out {}",
                table.display_name(),
                hidden.join(", ")
            );
            unreadable.insert(index, hidden);
        }
    }
    unreadable
}
