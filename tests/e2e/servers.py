"""The servers under test: building the mcpgen CLI and the example, generating and building
crates with `mcpgen generate`, and running a server binary over Streamable HTTP."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]
TARGET = ROOT / "target"
E2E_OUT = TARGET / "e2e"
"""Everything the end-to-end tests write: generated crates, their builds, the reports."""
GENERATED_CRATES = E2E_OUT / "crates"
GENERATED_TARGET = E2E_OUT / "target"
"""One cargo target directory for every generated crate, so their dependencies build once."""
TOOLS = TARGET / "e2e-tools"

BUILD_TIMEOUT_S = 1800
HEALTH_TIMEOUT_S = 30


def with_profile(args: tuple[str, ...]) -> tuple[str, ...]:
    """`args`, with `--tools typed` unless they choose a profile: the tests of the typed tools
    use them on schemas of every size (`auto` would serve compact tools past 64 KB)."""
    return args if "--tools" in args else (*args, "--tools", "typed")



class BuildError(Exception):
    """A command that builds or generates a server failed."""


def run_logged(command: list[str], *, what: str, env: dict[str, str] | None = None, timeout: float = BUILD_TIMEOUT_S) -> str:
    """Runs `command` with its output collected; fails with `what` and the output's end."""
    started = time.monotonic()
    completed = subprocess.run(
        command,
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=timeout,
    )
    if completed.returncode != 0:
        tail = "\n".join(completed.stdout.splitlines()[-80:])
        raise BuildError(
            f"{what} failed (exit status {completed.returncode} after {time.monotonic() - started:.0f} s)\n"
            f"command: {' '.join(map(str, command))}\n{tail}"
        )
    return completed.stdout


def cargo_build_package(package: str) -> Path:
    """`cargo build -p PACKAGE` in the workspace; the path of its binary of the same name."""
    run_logged(["cargo", "build", "--quiet", "-p", package], what=f"cargo build -p {package}")
    binary = TARGET / "debug" / package
    if not binary.is_file():
        raise BuildError(f"cargo build -p {package} made no binary at {binary}")
    return binary


def build_mcpgen() -> Path:
    """The mcpgen CLI, built from the workspace."""
    return cargo_build_package("mcpgen")


def generate(mcpgen: Path, name: str, generate_args: tuple[str, ...]) -> Path:
    """`mcpgen generate ARGS --out target/e2e/crates/NAME --name NAME --force`; the crate's
    directory."""
    out = GENERATED_CRATES / name
    command = [str(mcpgen), "generate", *generate_args, "--out", str(out), "--name", name, "--force"]
    run_logged(command, what=f"mcpgen generate of crate {name}", timeout=300)
    if not (out / "Cargo.toml").is_file():
        raise BuildError(f"mcpgen generate exited 0 but wrote no {out / 'Cargo.toml'}")
    return out


def generate_and_build(mcpgen: Path, name: str, generate_args: tuple[str, ...]) -> Path:
    """`mcpgen generate ARGS --out target/e2e/crates/NAME --name NAME --force`, then
    `cargo build --manifest-path target/e2e/crates/NAME/Cargo.toml` with the shared target
    directory; the path of the binary, which is named after the crate."""
    manifest = generate(mcpgen, name, generate_args) / "Cargo.toml"
    output = run_logged(
        ["cargo", "build", "--quiet", "--manifest-path", str(manifest)],
        what=f"cargo build of the generated crate {name}",
        env={"CARGO_TARGET_DIR": str(GENERATED_TARGET), "CARGO_TERM_COLOR": "never"},
    )
    # cargo replays the warnings of units it does not rebuild, so this holds for fresh builds too.
    if any(line.startswith("warning") for line in output.splitlines()):
        raise BuildError(f"the generated crate {name} builds with warnings (it must build warning-free):\n{output}")
    binary = GENERATED_TARGET / "debug" / name
    if not binary.is_file():
        raise BuildError(f"the generated crate {name} built no binary named {name} at {binary}")
    return binary


def sqlite_url(path: Path) -> str:
    return f"sqlite://{path}"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class HttpServer:
    """`BINARY serve --transport http` on a free loopback port, its log in `log_path`."""

    binary: Path
    database: Path | str
    """A SQLite file, or any database URL."""
    log_path: Path
    extra_args: tuple[str, ...] = ()
    port: int = 0
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def url(self) -> str:
        """The MCP endpoint."""
        return f"{self.base_url}/mcp"

    def log(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except FileNotFoundError:
            return "(no log)"

    def start(self) -> HttpServer:
        """Starts the server on a free port and waits until /healthz answers 200; tries
        another port when the one picked was taken in between."""
        for _attempt in range(3):
            if self._start_once():
                return self
        raise BuildError(f"{self.binary} could not listen on any of three free ports; its log:\n{self.log()}")

    def _start_once(self) -> bool:
        self.port = free_port()
        command = [
            str(self.binary), "serve",
            "--transport", "http",
            "--listen", f"127.0.0.1:{self.port}",
            "--database-url", sqlite_url(self.database) if isinstance(self.database, Path) else self.database,
            *with_profile(tuple(self.extra_args)),
        ]
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=log, stderr=log)
        deadline = time.monotonic() + HEALTH_TIMEOUT_S
        last = "no answer yet"
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                if "cannot listen" in self.log():
                    return False
                raise BuildError(
                    f"{' '.join(command)} exited with status {self.process.returncode} before /healthz answered; its log:\n{self.log()}"
                )
            try:
                response = httpx.get(f"{self.base_url}/healthz", timeout=2)
                if response.status_code == 200:
                    return True
                last = f"HTTP {response.status_code}: {response.text.strip()}"
            except httpx.TransportError as error:
                last = repr(error)
            time.sleep(0.05)
        self.stop()
        raise BuildError(
            f"{' '.join(command)}: GET /healthz did not answer 200 within {HEALTH_TIMEOUT_S} s (last: {last}); its log:\n{self.log()}"
        )

    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def stop(self) -> int | None:
        """SIGTERM, then SIGKILL after 10 s; the exit status."""
        if self.process is None:
            return None
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        return self.process.returncode
