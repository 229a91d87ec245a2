//! Throwaway PostgreSQL and MariaDB databases for tests, loaded from SQL scripts with the
//! servers' own command-line clients (`psql`, `mariadb`), and dropped when the test ends.

use std::io::Write as _;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};

/// Which server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Server {
    /// PostgreSQL at 127.0.0.1:5432 (`MCPGEN_PG_HOST`/`MCPGEN_PG_PORT` override), user `postgres`.
    Postgres,
    /// MariaDB or MySQL at 127.0.0.1:3306 (`MCPGEN_MYSQL_HOST`/`MCPGEN_MYSQL_PORT`), user `root`.
    Mysql,
}

fn env_or(name: &str, default: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| default.to_owned())
}

impl Server {
    fn host(self) -> String {
        match self {
            Server::Postgres => env_or("MCPGEN_PG_HOST", "127.0.0.1"),
            Server::Mysql => env_or("MCPGEN_MYSQL_HOST", "127.0.0.1"),
        }
    }

    fn port(self) -> String {
        match self {
            Server::Postgres => env_or("MCPGEN_PG_PORT", "5432"),
            Server::Mysql => env_or("MCPGEN_MYSQL_PORT", "3306"),
        }
    }

    /// The URL of database `name` on this server.
    pub fn url(self, name: &str) -> String {
        match self {
            Server::Postgres => {
                format!("postgres://postgres@{}:{}/{name}", self.host(), self.port())
            }
            Server::Mysql => format!("mysql://root@{}:{}/{name}", self.host(), self.port()),
        }
    }

    /// The client command, connected to `database` (or to none), reading SQL from stdin.
    fn client(self, database: Option<&str>) -> Command {
        match self {
            Server::Postgres => {
                let mut command = Command::new("psql");
                command.args([
                    "-X",
                    "-q",
                    "-v",
                    "ON_ERROR_STOP=1",
                    "-h",
                    &self.host(),
                    "-p",
                    &self.port(),
                    "-U",
                    "postgres",
                    "-d",
                    database.unwrap_or("postgres"),
                ]);
                command
            }
            Server::Mysql => {
                let mut command = Command::new("mariadb");
                command.args([
                    "--protocol=TCP",
                    "--default-character-set=utf8mb4",
                    "-h",
                    &self.host(),
                    "-P",
                    &self.port(),
                    "-u",
                    "root",
                ]);
                if let Some(database) = database {
                    command.arg(database);
                }
                command
            }
        }
    }

    /// Whether the server answers; `None` with the reason printed when it does not (and a
    /// panic instead when `MCPGEN_REQUIRE_SERVICES=1`).
    pub fn available(self) -> bool {
        let ok = self
            .client(None)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .args(match self {
                Server::Postgres => ["-c", "SELECT 1"],
                Server::Mysql => ["-e", "SELECT 1"],
            })
            .status()
            .is_ok_and(|status| status.success());
        if !ok {
            assert!(
                std::env::var("MCPGEN_REQUIRE_SERVICES").as_deref() != Ok("1"),
                "{self:?} at {}:{} does not answer and MCPGEN_REQUIRE_SERVICES=1",
                self.host(),
                self.port()
            );
            #[allow(clippy::print_stdout, reason = "a skipped test says why")]
            {
                println!(
                    "skipped: {self:?} does not answer at {}:{}",
                    self.host(),
                    self.port()
                );
            }
        }
        ok
    }

    /// Runs `sql` with the client, in `database` (or in none); panics with the client's
    /// output when it fails.
    pub fn run(self, database: Option<&str>, sql: &str) {
        let mut child = self
            .client(database)
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the database client starts");
        {
            let mut stdin = child.stdin.take().expect("stdin");
            stdin.write_all(sql.as_bytes()).expect("the script is sent");
        }
        let output = child.wait_with_output().expect("the client ends");
        assert!(
            output.status.success(),
            "{self:?} client failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
}

/// A database of its own for one test, dropped when dropped.
#[derive(Debug)]
pub struct TempDatabase {
    /// Its server.
    pub server: Server,
    /// Its name.
    pub name: String,
}

static COUNTER: AtomicU32 = AtomicU32::new(0);

impl TempDatabase {
    /// Creates an empty database named after `label`, the process and a counter; `None` when
    /// the server does not answer (see [`Server::available`]).
    pub fn create(server: Server, label: &str) -> Option<Self> {
        if !server.available() {
            return None;
        }
        let name = format!(
            "mcpgen_t_{label}_{}_{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        )
        .to_ascii_lowercase();
        let database = Self { server, name };
        database.drop_database();
        server.run(None, &format!("CREATE DATABASE {};", database.name));
        Some(database)
    }

    /// The database's URL.
    pub fn url(&self) -> String {
        self.server.url(&self.name)
    }

    /// Runs a script in the database.
    pub fn run(&self, sql: &str) {
        self.server.run(Some(&self.name), sql);
    }

    fn drop_database(&self) {
        let sql = match self.server {
            Server::Postgres => format!("DROP DATABASE IF EXISTS {} WITH (FORCE);", self.name),
            Server::Mysql => format!("DROP DATABASE IF EXISTS {};", self.name),
        };
        let _ = self
            .server
            .client(None)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .args(match self.server {
                Server::Postgres => ["-c", sql.as_str()],
                Server::Mysql => ["-e", sql.as_str()],
            })
            .status();
    }
}

impl Drop for TempDatabase {
    fn drop(&mut self) {
        self.drop_database();
    }
}

/// A dataset script made loadable into a database of any name: the lines that create, drop
/// or switch to the script's own database are removed.
pub fn without_database_switches(script: &str) -> String {
    script
        .lines()
        .filter(|line| {
            let upper = line.trim().to_ascii_uppercase();
            !(upper.starts_with("CREATE DATABASE")
                || upper.starts_with("DROP DATABASE")
                || upper.starts_with("CREATE SCHEMA SAKILA")
                || upper.starts_with("DROP SCHEMA IF EXISTS SAKILA")
                || upper.starts_with("USE ")
                || upper.starts_with("\\C "))
        })
        .collect::<Vec<_>>()
        .join("\n")
}
