//! stdio: one client on stdin/stdout, newline-delimited JSON-RPC. Each line is checked
//! ([`super::framing`]) before rmcp reads it, so a malformed line gets an error response and
//! the session goes on.

use rmcp::ServiceExt as _;
use tokio::io::{AsyncBufReadExt as _, AsyncWriteExt as _, BufReader};
use tokio::sync::mpsc;

use super::TransportError;
use super::framing::check_message;
use crate::handler::McpHandler;

/// Room for messages in flight between stdin, rmcp and stdout.
const PIPE_BYTES: usize = 256 * 1024;

/// Serves one client on stdin/stdout until it closes stdin.
pub async fn serve_stdio(handler: McpHandler) -> Result<(), TransportError> {
    let (ours, rmcp_side) = tokio::io::duplex(PIPE_BYTES);
    let (from_rmcp, mut to_rmcp) = tokio::io::split(ours);
    let (errors, mut error_lines) = mpsc::unbounded_channel::<String>();

    // stdin -> rmcp, answering malformed lines directly.
    let inbound = tokio::spawn(async move {
        let mut stdin = BufReader::new(tokio::io::stdin());
        let mut line = Vec::new();
        loop {
            line.clear();
            match stdin.read_until(b'\n', &mut line).await {
                Ok(0) | Err(_) => break,
                Ok(_) => {}
            }
            let message = line.trim_ascii();
            if message.is_empty() {
                continue;
            }
            match check_message(message) {
                Ok(_) => {
                    let forwarded = async {
                        to_rmcp.write_all(message).await?;
                        to_rmcp.write_all(b"\n").await?;
                        to_rmcp.flush().await
                    };
                    if forwarded.await.is_err() {
                        break;
                    }
                }
                Err(refusal) => {
                    if errors.send(refusal.to_json().to_string()).is_err() {
                        break;
                    }
                }
            }
        }
        // End of input ends the session.
        let _ = to_rmcp.shutdown().await;
    });

    // rmcp and the error answers -> stdout, one whole line at a time.
    let outbound = tokio::spawn(async move {
        let mut stdout = tokio::io::stdout();
        let mut responses = BufReader::new(from_rmcp).lines();
        let mut inbound_open = true;
        loop {
            let line = tokio::select! {
                line = responses.next_line() => match line {
                    Ok(Some(line)) => line,
                    Ok(None) | Err(_) => break,
                },
                error = error_lines.recv(), if inbound_open => match error {
                    Some(line) => line,
                    None => {
                        inbound_open = false;
                        continue;
                    }
                },
            };
            if write_line(&mut stdout, &line).await.is_err() {
                return;
            }
        }
        // rmcp has ended (stdin closed): the answers to malformed lines it never saw, sent
        // before stdin closed, are still owed.
        while let Ok(line) = error_lines.try_recv() {
            if write_line(&mut stdout, &line).await.is_err() {
                return;
            }
        }
    });

    let running = handler
        .serve(rmcp_side)
        .await
        .map_err(|error| TransportError::Stdio(error.to_string()))?;
    let outcome = running
        .waiting()
        .await
        .map_err(|error| TransportError::Stdio(error.to_string()));
    inbound.abort();
    let _ = outbound.await;
    outcome.map(drop)
}

/// Writes `line` and a line feed to `stdout`, and flushes.
async fn write_line(stdout: &mut tokio::io::Stdout, line: &str) -> std::io::Result<()> {
    stdout.write_all(line.as_bytes()).await?;
    stdout.write_all(b"\n").await?;
    stdout.flush().await
}
