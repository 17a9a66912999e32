"""Drive the real Dagster UI as a user would: start `dagster dev`, launch a run through GraphQL,
read the asset checks, and screenshot the asset graph in headless Chromium.

`tests/test_ui.py` uses these helpers; `make ui-screenshot` runs `main()` to regenerate
`docs/ui-asset-graph.png`. Standard library only: the GraphQL API is plain HTTP, and Chromium is
driven over the DevTools protocol on a pipe (`--remote-debugging-pipe`), so no browser driver
package is needed.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import fcntl
import json
import os
import select
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterable, Mapping
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
#: The job the landing-folder sensor launches for each new batch of files.
SENSOR_JOB = "ingest_batch"
#: An unpartitioned job the test launches itself through GraphQL (what the UI's Materialize calls).
JOB = "refresh_dataset"
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
#: Asset-node rows shown in the screenshot (the UI's "facets", kept in the browser's localStorage).
NODE_FACETS = ["description", "checks", "status", "kind-tag"]
TERMINAL = {"SUCCESS", "FAILURE", "CANCELED"}


class UIError(RuntimeError):
    """Something a user would see go wrong; the message says what and carries the evidence."""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def find_chromium() -> str | None:
    """`$CHROMIUM`, else `chromium` on PATH (Debian's package installs /usr/bin/chromium)."""
    candidate = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    return candidate if os.access(candidate, os.X_OK) else None


def _kill_group(pgid: int, proc: subprocess.Popen, grace: float) -> list[int]:
    """SIGTERM the process group, SIGKILL it after `grace` seconds; return pids still in it."""

    def alive() -> bool:
        proc.poll()  # reap the leader so that a zombie does not count
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return False
        # Zombies answer signal 0 too; where /proc exists, count only live processes.
        return bool(_group_pids(pgid)) if Path("/proc/self").exists() else True

    for sig, wait in ((signal.SIGTERM, grace), (signal.SIGKILL, 5.0)):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pgid, sig)
        deadline = time.monotonic() + wait
        while alive() and time.monotonic() < deadline:
            time.sleep(0.2)
        if not alive():
            break
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(timeout=5)
    return _group_pids(pgid)


def _group_pids(pgid: int) -> list[int]:
    """Live (non-zombie) processes in a process group, read from /proc."""
    pids = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if fields[0] != "Z" and int(fields[2]) == pgid:
            pids.append(int(stat.parent.name))
    return pids


class DagsterDev:
    """`dagster dev` on 127.0.0.1 in its own process group, with a private instance and folders."""

    def __init__(
        self,
        home: Path,
        input_dir: Path,
        output_dir: Path,
        port: int | None = None,
        log_path: Path | None = None,
        extra_env: Mapping[str, str] | None = None,
    ) -> None:
        self.home = Path(home)
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = Path(log_path or self.home / "dagster-dev.log")
        env = {k: v for k, v in os.environ.items() if not k.startswith(("PIPELINE_", "DAGSTER_"))}
        env.update(
            DAGSTER_HOME=str(self.home),
            DAGSTER_DISABLE_TELEMETRY="1",
            PIPELINE_INPUT_DIR=str(input_dir),
            PIPELINE_OUTPUT_DIR=str(output_dir),
            PYTHONUNBUFFERED="1",
        )
        env.update(extra_env or {})
        self.env = env
        self.proc: subprocess.Popen | None = None
        self.leftover: list[int] = []

    def start(self) -> DagsterDev:
        self.home.mkdir(parents=True, exist_ok=True)
        config = self.home / "dagster.yaml"
        if not config.exists():
            config.write_text("telemetry:\n  enabled: false\n")
        dagster = Path(sys.executable).with_name("dagster")
        cmd = [str(dagster), "dev", "-w", "workspace.yaml", "-h", "127.0.0.1", "-p", str(self.port)]
        with open(self.log_path, "wb") as log:
            self.proc = subprocess.Popen(
                cmd,
                cwd=ROOT,
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group, killed as a whole in stop()
            )
        return self

    def stop(self, grace: float = 10.0) -> list[int]:
        """Kill the whole group (`dagster dev` ignores SIGTERM for a while); return survivors."""
        if self.proc is not None:
            self.leftover = _kill_group(self.proc.pid, self.proc, grace)
            self.proc = None
        return self.leftover

    def __enter__(self) -> DagsterDev:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def log_tail(self, lines: int = 40) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return "(no log)"
        return "\n".join(text.splitlines()[-lines:])

    def _fail(self, message: str) -> UIError:
        return UIError(f"{message}\n--- last lines of {self.log_path} ---\n{self.log_tail()}")

    def get(self, path: str, timeout: float = 10) -> dict:
        with urllib.request.urlopen(self.url + path, timeout=timeout) as resp:
            return json.load(resp)

    def gql(self, query: str, variables: Mapping | None = None, timeout: float = 60) -> dict:
        """POST a GraphQL operation; return `data`, raise on transport or GraphQL errors."""
        body = json.dumps({"query": query, "variables": dict(variables or {})}).encode()
        req = urllib.request.Request(
            self.url + "/graphql", data=body, headers={"Content-Type": "application/json"}
        )
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            payload = json.load(resp)
        if payload.get("errors"):
            raise self._fail(f"GraphQL errors: {json.dumps(payload['errors'])[:2000]}")
        return payload["data"]

    def wait_ready(self, timeout: float = 180) -> dict:
        """Wait until /server_info answers and the code location has loaded; return server_info."""
        deadline = time.monotonic() + timeout
        info = None
        while time.monotonic() < deadline:
            if self.proc is None or self.proc.poll() is not None:
                raise self._fail("dagster dev exited before it answered")
            try:
                info = info or self.get("/server_info", timeout=5)
                entries = self.gql(WORKSPACE, timeout=10)["workspaceOrError"]["locationEntries"]
            except (urllib.error.URLError, ConnectionError, TimeoutError, json.JSONDecodeError):
                time.sleep(0.5)
                continue
            if entries and all(e["loadStatus"] == "LOADED" for e in entries):
                errors = [
                    f"{e['name']}: {e['locationOrLoadError']['message']}"
                    for e in entries
                    if (e["locationOrLoadError"] or {}).get("__typename") == "PythonError"
                ]
                if errors:
                    raise self._fail("the code location failed to load: " + "; ".join(errors))
                return info
            time.sleep(0.5)
        raise self._fail(f"dagster dev did not answer on {self.url} within {timeout:.0f} s")

    def job_selector(self, job: str = JOB) -> dict:
        repos = self.gql(REPOSITORIES)["repositoriesOrError"]
        for repo in repos.get("nodes", []):
            if any(j["name"] == job for j in repo["jobs"]):
                return {
                    "repositoryLocationName": repo["location"]["name"],
                    "repositoryName": repo["name"],
                    "jobName": job,
                }
        raise self._fail(f"no repository has a job named {job!r}: {json.dumps(repos)[:1000]}")

    def launch(self, job: str = JOB, run_config: Mapping | None = None) -> str:
        """Launch `job` with `launchRun` (what the UI's Materialize button calls); return the run id."""
        params: dict = {"selector": self.job_selector(job)}
        if run_config is not None:
            params["runConfigData"] = dict(run_config)
        result = self.gql(LAUNCH_RUN, {"executionParams": params})["launchRun"]
        if result["__typename"] != "LaunchRunSuccess":
            raise self._fail(f"launchRun returned {json.dumps(result)[:2000]}")
        return result["run"]["runId"]

    def wait_for_sensor_run(self, job: str = SENSOR_JOB, timeout: float = 180) -> str:
        """Wait until the daemon's sensor has launched a run of `job`; return its run id."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            runs = self.gql(RUNS_OF_JOB, {"job": job})["runsOrError"]
            results = runs.get("results") or []
            if results:
                return results[-1]["runId"]  # the first one launched
            time.sleep(2)
        raise self._fail(f"no run of {job} was launched within {timeout:.0f} s: is the sensor running?")

    def wait_for_run(self, run_id: str, timeout: float = 300) -> str:
        """Poll the run until it ends; return SUCCESS or raise with the run's error events."""
        deadline = time.monotonic() + timeout
        status = "?"
        while time.monotonic() < deadline:
            status = self.gql(RUN_STATUS, {"runId": run_id})["runOrError"].get("status", "?")
            if status in TERMINAL:
                break
            time.sleep(1)
        else:
            raise self._fail(
                f"run {run_id} still {status} after {timeout:.0f} s; errors so far:\n"
                + "\n".join(self.run_errors(run_id))
            )
        if status != "SUCCESS":
            raise self._fail(f"run {run_id} ended {status}:\n" + "\n".join(self.run_errors(run_id)))
        return status

    def run_events(self, run_id: str) -> list[dict]:
        events, cursor = [], None
        while True:
            conn = self.gql(RUN_EVENTS, {"runId": run_id, "cursor": cursor})["logsForRun"]
            if conn["__typename"] != "EventConnection":
                raise self._fail(f"logsForRun: {json.dumps(conn)[:1000]}")
            events += conn["events"]
            cursor = conn["cursor"]
            if not conn["hasMore"]:
                return events

    def run_errors(self, run_id: str) -> list[str]:
        """The run's error events (failed steps, run failure, engine errors) as readable lines."""
        lines = []
        for e in self.run_events(run_id):
            if e.get("level") in ("ERROR", "CRITICAL") or e.get("error"):
                lines.append(f"[{e['__typename']} {e.get('stepKey') or ''}] {e['message']}")
                err = e.get("error") or {}
                # The innermost cause is the user's exception; its last frames say where.
                root = (err.get("causes") or [err])[-1]
                for text in (err.get("message"), root is not err and root.get("message")):
                    if text:
                        lines.append("    " + text.strip())
                lines += ["    " + frame.rstrip() for frame in (root.get("stack") or [])[-4:]]
        return lines or ["(no error events)"]

    def check_evaluations(self, run_id: str) -> list[dict]:
        """Asset check evaluations recorded by the run (its AssetCheckEvaluationEvent entries)."""
        return [
            e["evaluation"] for e in self.run_events(run_id) if e["__typename"] == "AssetCheckEvaluationEvent"
        ]

    def asset_nodes(self) -> list[dict]:
        """Every asset with its group, latest materialization and checks, as the asset graph shows them."""
        return self.gql(ASSET_NODES)["assetNodes"]

    def set_nux_seen(self) -> bool:
        """Dismiss the first-load community pop-up for this instance."""
        return self.gql("mutation SetNuxSeen { setNuxSeen }")["setNuxSeen"]


# GraphQL operations (Dagster 1.13 schema: Query.workspaceOrError, repositoriesOrError, runOrError,
# logsForRun, assetNodes; Mutation.launchRun, setNuxSeen).
WORKSPACE = """
query Workspace {
  workspaceOrError {
    __typename
    ... on Workspace {
      locationEntries {
        name
        loadStatus
        locationOrLoadError { __typename ... on PythonError { message } }
      }
    }
    ... on PythonError { message }
  }
}"""

REPOSITORIES = """
query Repositories {
  repositoriesOrError {
    __typename
    ... on RepositoryConnection { nodes { name location { name } jobs { name } } }
    ... on PythonError { message }
  }
}"""

LAUNCH_RUN = """
mutation LaunchRun($executionParams: ExecutionParams!) {
  launchRun(executionParams: $executionParams) {
    __typename
    ... on LaunchRunSuccess { run { runId status } }
    ... on RunConfigValidationInvalid { errors { message reason } }
    ... on PipelineNotFoundError { message }
    ... on InvalidSubsetError { message }
    ... on PythonError { message stack }
  }
}"""

RUNS_OF_JOB = """
query RunsOfJob($job: String!) {
  runsOrError(filter: {pipelineName: $job}) {
    __typename
    ... on Runs { results { runId status } }
  }
}
"""
RUN_STATUS = """
query RunStatus($runId: ID!) {
  runOrError(runId: $runId) {
    __typename
    ... on Run { status }
    ... on RunNotFoundError { message }
    ... on PythonError { message }
  }
}"""

RUN_EVENTS = """
query RunEvents($runId: ID!, $cursor: String) {
  logsForRun(runId: $runId, afterCursor: $cursor, limit: 1000) {
    __typename
    ... on EventConnection {
      cursor
      hasMore
      events {
        __typename
        ... on MessageEvent { message level stepKey }
        ... on ExecutionStepFailureEvent { error { ...Error } }
        ... on RunFailureEvent { error { ...Error } }
        ... on EngineEvent { error { ...Error } }
        ... on AssetCheckEvaluationEvent {
          evaluation { checkName assetKey { path } success severity description }
        }
      }
    }
    ... on PythonError { message }
  }
}
fragment Error on PythonError { message stack causes { message stack } }"""

ASSET_NODES = """
query AssetNodes {
  assetNodes {
    assetKey { path }
    groupName
    assetMaterializations(limit: 1) { runId }
    assetChecksOrError {
      __typename
      ... on AssetChecks {
        checks {
          name
          blocking
          executionForLatestMaterialization {
            runId
            status
            evaluation { success severity description }
          }
        }
      }
    }
  }
}"""


class Chromium:
    """Headless Chromium driven over the DevTools protocol on a pipe (fds 3 and 4, NUL-framed JSON)."""

    def __init__(self, binary: str, workdir: Path, timeout: float = 60) -> None:
        self.workdir = Path(workdir)
        self.profile = Path(tempfile.mkdtemp(prefix="chromium-profile-", dir=self.workdir))
        self.log_path = self.workdir / "chromium.log"
        self.timeout = timeout
        to_child, to_us = _pipe(), _pipe()  # (read, write) pairs
        # A trampoline puts the pipe ends on fds 3 and 4, where --remote-debugging-pipe expects them.
        trampoline = (
            "import os, sys; r, w = int(sys.argv[1]), int(sys.argv[2]); os.dup2(r, 3); os.dup2(w, 4);"
            " os.close(r); os.close(w); os.execv(sys.argv[3], sys.argv[3:])"
        )
        flags = [*CHROMIUM_FLAGS, f"--user-data-dir={self.profile}", "--remote-debugging-pipe", "about:blank"]
        with open(self.log_path, "wb") as log:
            self.proc = subprocess.Popen(
                [sys.executable, "-c", trampoline, str(to_child[0]), str(to_us[1]), binary, *flags],
                pass_fds=(to_child[0], to_us[1]),
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        os.close(to_child[0])
        os.close(to_us[1])
        self._out, self._in = to_child[1], to_us[0]
        self._buf = b""
        self._id = 0

    def log_tail(self, lines: int = 20) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"

    def _message(self, deadline: float) -> dict:
        while b"\0" not in self._buf:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not select.select([self._in], [], [], remaining)[0]:
                raise UIError(f"Chromium did not answer in time\n{self.log_tail()}")
            chunk = os.read(self._in, 1 << 20)
            if not chunk:
                raise UIError(f"Chromium closed the DevTools pipe\n{self.log_tail()}")
            self._buf += chunk
        raw, self._buf = self._buf.split(b"\0", 1)
        return json.loads(raw)

    def send(self, method: str, params: Mapping | None = None, session: str | None = None) -> dict:
        self._id += 1
        msg: dict = {"id": self._id, "method": method, "params": dict(params or {})}
        if session:
            msg["sessionId"] = session
        os.write(self._out, json.dumps(msg).encode() + b"\0")
        deadline = time.monotonic() + self.timeout
        while True:
            reply = self._message(deadline)
            if reply.get("id") == self._id:  # everything else is an event we do not need
                if "error" in reply:
                    raise UIError(f"{method}: {reply['error']}")
                return reply.get("result", {})

    def close(self) -> None:
        with contextlib.suppress(UIError, OSError):
            self.timeout = 5
            self.send("Browser.close")
        for fd in (self._out, self._in):
            with contextlib.suppress(OSError):
                os.close(fd)
        _kill_group(self.proc.pid, self.proc, grace=5)
        shutil.rmtree(self.profile, ignore_errors=True)


def _pipe() -> tuple[int, int]:
    """A pipe whose ends are above fd 9, so that the trampoline's dup2 onto 3 and 4 cannot clobber them."""
    ends = []
    for fd in os.pipe():
        ends.append(fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 10))
        os.close(fd)
    return ends[0], ends[1]


class Page:
    """One tab: evaluate JavaScript, press keys, wait for conditions, capture PNGs."""

    def __init__(self, browser: Chromium, width: int, height: int, scale: float, storage: Mapping) -> None:
        self.browser = browser
        pages = [
            t["targetId"] for t in browser.send("Target.getTargets")["targetInfos"] if t["type"] == "page"
        ]
        target = (
            pages[0] if pages else browser.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        )
        self.session = browser.send("Target.attachToTarget", {"targetId": target, "flatten": True})[
            "sessionId"
        ]
        self.send(
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": height, "deviceScaleFactor": scale, "mobile": False},
        )
        # UI preferences live in localStorage: set them before the app's scripts read them.
        script = "".join(
            f"localStorage.setItem({json.dumps(k)}, {json.dumps(json.dumps(v))});" for k, v in storage.items()
        )
        self.send("Page.addScriptToEvaluateOnNewDocument", {"source": script})

    def send(self, method: str, params: Mapping | None = None) -> dict:
        return self.browser.send(method, params, self.session)

    def js(self, expression: str):
        result = self.send("Runtime.evaluate", {"expression": expression, "returnByValue": True})
        if "exceptionDetails" in result:
            raise UIError(f"JavaScript failed: {result['exceptionDetails']}")
        return result["result"].get("value")

    def press_alt(self, key: str) -> None:
        for kind in ("rawKeyDown", "keyUp"):
            self.send(
                "Input.dispatchKeyEvent",
                {
                    "type": kind,
                    "modifiers": 1,
                    "key": key.lower(),
                    "code": f"Key{key.upper()}",
                    "windowsVirtualKeyCode": ord(key.upper()),
                },
            )

    def text(self) -> str:
        return self.js("document.body ? document.body.innerText : ''") or ""


_ALL_NODES_IN_VIEW = """(() => {
  const nodes = [...document.querySelectorAll('foreignObject')];
  if (!nodes.length) return false;
  const top = 100, bottom = window.innerHeight - 10, left = 70, right = window.innerWidth - 60;
  return nodes.every(n => { const r = n.getBoundingClientRect();
    return r.width === 0 || (r.top >= top && r.bottom <= bottom && r.left >= left && r.right <= right); });
})()"""
_CLICK_ZOOM_OUT = """(() => { const i = document.querySelector('[aria-label=zoom_out]');
  const b = i && i.closest('button'); if (b) b.click(); return !!b; })()"""


def _drawn(name: str, text: str) -> bool:
    """Whether an asset's name is on the page: whole, or shortened in the middle ("event_clu…_members")."""
    return name in text or (len(name) > 16 and name[:6] in text and name[-6:] in text and "…" in text)


def screenshot_asset_graph(
    base_url: str,
    out: Path,
    asset_names: Iterable[str],
    group_names: Iterable[str] = (),
    chromium: str | None = None,
    width: int = 1600,
    height: int = 1000,
    scale: float = 1.0,
    timeout: float = 60,
) -> Path:
    """Open the global asset graph with every group expanded and save a PNG of it to `out`.

    The navigation is collapsed and the asset sidebar hidden so the graph gets the whole width, then
    all groups are expanded (the UI's Alt+E shortcut), which re-fits the graph to the freed width.
    The page counts as drawn when every asset's name is on it and no node says "Loading".
    """
    binary = chromium or find_chromium()
    if not binary:
        raise UIError("Chromium not found: install Debian's chromium package or set CHROMIUM=/path")
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    names = sorted(set(asset_names))
    # Asset names that are not also group names show that the groups are expanded.
    inner = [n for n in names if n not in set(group_names)] or names
    browser = Chromium(binary, Path(tempfile.mkdtemp(prefix="ui-shot-")), timeout=timeout)
    deadline = time.monotonic() + timeout

    def wait(what: str, condition) -> None:
        while not condition():
            if time.monotonic() > deadline:
                raise UIError(
                    f"asset graph page: {what} not reached within {timeout:.0f} s; page text:\n{page.text()[:1500]}"
                )
            time.sleep(0.2)

    try:
        page = Page(
            browser, width, height, scale, {"dagster-nav-collapsed": True, "asset-node-facets": NODE_FACETS}
        )
        page.send("Page.enable")
        page.send("Page.navigate", {"url": base_url.rstrip("/") + "/asset-groups"})
        wait(
            "the sidebar's hide button",
            lambda: page.js(
                "(() => { const i = document.querySelector('[aria-label=panel_show_right]');"
                " const b = i && i.closest('button'); if (b) b.click(); return !!b; })()"
            ),
        )
        last_press = 0.0

        def expanded() -> bool:
            nonlocal last_press
            if "expanded=" not in (page.js("location.search") or ""):
                if time.monotonic() - last_press > 1.0:
                    page.press_alt("e")  # "Expand all groups"
                    last_press = time.monotonic()
                return False
            return True

        wait("all groups expanded", expanded)
        wait(
            "every asset drawn with its status",
            lambda: (t := page.text()) and all(_drawn(n, t) for n in inner) and "Loading" not in t,
        )
        time.sleep(1.0)  # let the re-fit animation settle
        for _ in range(6):  # zoom out (the graph's own button) until every node is in view
            if page.js(_ALL_NODES_IN_VIEW):
                break
            page.js(_CLICK_ZOOM_OUT)
            time.sleep(0.6)
        time.sleep(1.0)  # let the last paint (edges, check counts) settle
        data = page.send("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": False})["data"]
        out.write_bytes(base64.b64decode(data))
    finally:
        browser.close()
        shutil.rmtree(browser.workdir, ignore_errors=True)
    return out


def png_size(path: Path) -> tuple[int, int]:
    """(width, height) from a PNG's IHDR chunk; raises ValueError if the file is not a PNG."""
    head = Path(path).read_bytes()[:24]
    if head[:8] != b"\x89PNG\r\n\x1a\n" or head[12:16] != b"IHDR":
        raise ValueError(f"{path} is not a PNG")
    return struct.unpack(">II", head[16:24])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Materialize the seeds in a throwaway Dagster instance and screenshot the asset graph."
    )
    parser.add_argument("--output", type=Path, default=ROOT / "docs" / "ui-asset-graph.png")
    parser.add_argument("--input", type=Path, default=ROOT / "seeds", help="folder of .txt articles (copied)")
    parser.add_argument("--width", type=int, default=1600)
    parser.add_argument("--height", type=int, default=1000)
    parser.add_argument("--scale", type=float, default=1.0, help="device pixel ratio of the PNG")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="ui-screenshot-") as tmp:
        tmp = Path(tmp)
        landing = tmp / "in"
        landing.mkdir()
        for src in sorted(args.input.glob("*.txt")):
            shutil.copy2(src, landing / src.name)
        server = DagsterDev(tmp / "home", landing, tmp / "out")
        print(f"starting dagster dev on {server.url} (log: {server.log_path})", flush=True)
        with server:
            server.wait_ready()
            run_id = server.wait_for_sensor_run()
            print(f"the landing-folder sensor launched {SENSOR_JOB} (run {run_id})", flush=True)
            server.wait_for_run(run_id)
            for node in server.asset_nodes():
                for check in node["assetChecksOrError"].get("checks", []):
                    ev = (check["executionForLatestMaterialization"] or {}).get("evaluation") or {}
                    mark = "passed" if ev.get("success") else f"FAILED ({ev.get('severity')})"
                    print(f"  {node['assetKey']['path'][-1]}.{check['name']}: {mark}")
            server.set_nux_seen()
            nodes = server.asset_nodes()
            screenshot_asset_graph(
                server.url,
                args.output,
                [n["assetKey"]["path"][-1] for n in nodes],
                [n["groupName"] for n in nodes],
                width=args.width,
                height=args.height,
                scale=args.scale,
            )
        w, h = png_size(args.output)
        print(f"wrote {args.output} ({w}x{h}, {args.output.stat().st_size // 1024} KiB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
