"""Benchmark harness: pages of the app against a minimal Django view, on the same server, in
the same run, reported as ratios.

What it does, in order:
 1. makes its own database (a fresh SQLite file under bench/results/, or the database of
    DATABASE_URL if given), migrates it, runs `seed_demo` and, with --users N, bench/scale.py;
 2. runs `collectstatic` (production serves static files through WhiteNoise's manifest);
 3. runs each scenario's setup and signs in the users that scenarios need (real sessions in
    the benchmark database, passed to the load tool as a Cookie header);
 4. starts gunicorn with config.settings.production on 127.0.0.1 and a free port;
 5. checks that every URL answers 200 (no redirect), then drives each one with wrk for
    --duration seconds, in --rounds rounds that each start with the minimal view, and
    reads the CPU time gunicorn's workers spent per request;
 6. prints a table (throughput, latency and CPU, and their ratios to the minimal view of
    the same round, median over the rounds), writes
    bench/results/<timestamp>.json and prints markdown rows for bench/README.md;
 7. stops gunicorn, also on error or Ctrl-C, and removes its SQLite file (--keep-db keeps it).

Add a scenario by appending a `Scenario` to SCENARIOS; see its docstring.
"""

import argparse
import contextlib
import datetime as dt
import json
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
BASE_DIR = BENCH_DIR.parent
RESULTS_DIR = BENCH_DIR / "results"
REPORT_LUA = BENCH_DIR / "report.lua"
sys.path[:0] = [str(BASE_DIR), str(BENCH_DIR)]

BASELINE = "minimal"
DEMO_AUTHOR = "skribent@demo.kunskapsstod.se"
DEMO_NATIONAL_EDITOR = "redaktor@demo.kunskapsstod.se"
# Production trusts this header from its proxy; sending it makes every request "secure", so
# neither SECURE_SSL_REDIRECT nor the Secure cookies get in the way on plain loopback HTTP.
PROXY_HEADERS = {"X-Forwarded-Proto": "https"}


@dataclass(frozen=True)
class Scenario:
    """One URL to measure.

    name        short key, used in --only, the table and the JSON
    path        the URL path, e.g. "/logga-in/"
    login_as    e-mail of a seeded user to sign in as, or None for an anonymous request
    setup       optional callable run in-process against the benchmark database after the
                seeding and before gunicorn starts; it may create data and return the path
                to measure (e.g. the editor of an edition it just made), or None to keep path
    expect      optional text the 200 response must contain (guards against measuring an
                error page or the wrong user's page)
    revalidate  measure the conditional request: the ETag of a first 200 answer goes into
                If-None-Match, and every measured request must answer 304 Not Modified
    variants    optional callable returning many paths that ask for the same thing in
                different words (a search spelled differently each time): wrk sends a
                different one with every request, starting at a random one, so that a cache
                keyed by the address never answers; `path` is checked as usual, and the
                in-process probe checks that a new variant reads the database
    """

    name: str
    path: str
    description: str
    login_as: str | None = None
    setup: Callable[[], str | None] | None = None
    expect: str | None = None
    revalidate: bool = False
    variants: Callable[[], list[str]] | None = None


# --- setups (run in-process after django.setup(); data built in bench/content.py) ------------


def _editor_60() -> str:
    import content

    made = content.sixty_block_edition()
    return f"/kunskapsstod/{made['code']}/version/1.0/avsnitt/behandling/"


def _edition_60() -> str:
    import content

    return f"/kunskapsstod/{content.sixty_block_edition()['code']}/version/1.0/"


def _block_history(old: int, new: int) -> str:
    """The history page of the 50 KB block, comparing versions[old] with versions[new]
    (indices into the list newest first: 0 edited, 1 unrelated, 2 first, 3 empty)."""
    import content

    made = content.big_block_history()
    ids = made["ids"]
    return (
        f"/kunskapsstod/{made['code']}/version/1.0/block/{made['uid']}/historik/"
        f"?fran={ids[old]}&till={ids[new]}"
    )


def _edition_compare(rewrite_all: bool) -> str:
    import content

    made = content.compared_editions(rewrite_all)
    return f"/kunskapsstod/{made['code']}/version/{made['number']}/jamfor/"


def _edition_pathological() -> str:
    import content

    return f"/kunskapsstod/{content.pathological_block()['code']}/version/1.0/"


def _history_pathological() -> str:
    import content

    made = content.pathological_block()
    ids = made["ids"]
    return (
        f"/kunskapsstod/{made['code']}/version/1.0/block/{made['uid']}/historik/"
        f"?fran={ids[1]}&till={ids[0]}"
    )


def _remiss_round(page: str) -> str:
    import remiss_content

    return f"/remiss/{remiss_content.full_round()['pk']}/{page}"


def _public_slug() -> str:
    """A published scale support of the clinical kind with --blocks blocks (the first by
    code), or, without scale supports, the demo's published one."""
    from apps.publishing.selectors import public_supports

    scale = public_supports().filter(code__startswith="KS-S").order_by("code").first()
    support = scale or public_supports().order_by("code").first()
    if support is None:
        raise BenchError("no published support to read: run with --supports (or seed_demo)")
    return support.slug


def _public_slug_60() -> str:
    """The published 1.0 of 60 blocks (about 50 KB) of bench/content.py's comparison."""
    import content

    from apps.authoring.models import Support

    return Support.objects.get(code=content.compared_editions(False)["code"]).slug


SEARCH_WORD = "behandling"


def _search_variants(count: int = 5000) -> list[str]:
    """The same search spelled `count` ways: the word's letters in upper or lower case by
    the bits of n, and the word repeated (a repeated word counts once). Every variant finds
    what /?q=behandling finds, and none is the address of another or /?q=behandling."""
    paths = []
    for n in range(1, count + 1):
        bits = n % (1 << len(SEARCH_WORD))
        cased = "".join(c.upper() if bits >> i & 1 else c for i, c in enumerate(SEARCH_WORD))
        words = [cased] + [SEARCH_WORD] * (n >> len(SEARCH_WORD))
        paths.append("/?q=" + "+".join(words))
    return paths


SCENARIOS: list[Scenario] = [
    Scenario(
        BASELINE,
        "/_bench/minimal/",
        "Minimal Django view: short text, no database, session or template",
        expect="ok",
    ),
    Scenario(
        "sign_in", "/logga-in/", "Sign-in page, anonymous (GET)", expect="csrfmiddlewaretoken"
    ),
    Scenario(
        "start",
        "/arbete/",
        "Start page of a signed-in author (skribent@demo); at / until 2026-12-03",
        login_as=DEMO_AUTHOR,
        expect="Välkommen, Sara",
    ),
    Scenario(
        "editor_60",
        "/kunskapsstod/<code>/version/1.0/avsnitt/behandling/",
        "Section editor of a 60-block draft: the 40 blocks of Behandling, each with its form",
        login_as=DEMO_AUTHOR,
        setup=_editor_60,
        expect="40. Rekommendation",  # all 40 blocks of the section are there
    ),
    Scenario(
        "edition_60",
        "/kunskapsstod/<code>/version/1.0/",
        "Edition page of the same draft: all 60 blocks rendered, completeness check",
        login_as=DEMO_AUTHOR,
        setup=_edition_60,
        expect="Behandling",
    ),
    Scenario(
        "edition_history_60",
        "/kunskapsstod/<code>/version/1.0/historik/",
        "History of the same draft: its 120 saves (a block_add and a block_save per block), "
        "newest first, paged",
        login_as=DEMO_AUTHOR,
        setup=lambda: _edition_60() + "historik/",
        expect="sparningar, nyast först",
    ),
    Scenario(
        "section_history_60",
        "/kunskapsstod/<code>/version/1.0/avsnitt/behandling/historik/",
        "History of its section Behandling (40 blocks, 80 saves)",
        login_as=DEMO_AUTHOR,
        setup=lambda: _edition_60() + "avsnitt/behandling/historik/",
        expect="Historik för avsnittet",
    ),
    Scenario(
        "diff_50k_unrelated",
        "/kunskapsstod/<code>/version/1.0/block/<uid>/historik/?fran=…&till=…",
        "Block history: a 50 KB body against an unrelated 50 KB body (worst case)",
        login_as=DEMO_AUTHOR,
        setup=lambda: _block_history(2, 1),
        expect="diff-ins",
    ),
    Scenario(
        "diff_50k_small",
        "/kunskapsstod/<code>/version/1.0/block/<uid>/historik/?fran=…&till=…",
        "Block history: a 50 KB body against itself with one sentence changed (common case)",
        login_as=DEMO_AUTHOR,
        setup=lambda: _block_history(1, 0),
        expect="diff-ins",
    ),
    Scenario(
        "compare_small",
        "/kunskapsstod/<code>/version/1.1/jamfor/",
        "Edition comparison, published 1.0 (60 blocks, ~50 KB) with 1.1: 6 edited, 1 new, "
        "1 removed",
        login_as=DEMO_AUTHOR,
        setup=lambda: _edition_compare(False),
        expect="Ändrat",
    ),
    Scenario(
        "compare_rewritten",
        "/kunskapsstod/<code>/version/1.1/jamfor/",
        "Edition comparison, published 1.0 (60 blocks, ~50 KB) with 1.1: every block rewritten",
        login_as=DEMO_AUTHOR,
        setup=lambda: _edition_compare(True),
        expect="Ändrat",
    ),
    Scenario(
        "edition_pathological",
        "/kunskapsstod/<code>/version/1.0/",
        'Edition page of a draft whose block holds "[a](" * 20000 (issue #8: 122 s)',
        login_as=DEMO_AUTHOR,
        setup=_edition_pathological,
        expect="[a](",
    ),
    Scenario(
        "history_pathological",
        "/kunskapsstod/<code>/version/1.0/block/<uid>/historik/?fran=…&till=…",
        'Block history: "[" * 50000 against "[a](" * 20000, both rendered and diffed',
        login_as=DEMO_AUTHOR,
        setup=_history_pathological,
        expect="diff-ins",
    ),
    Scenario(
        "overview",
        "/kunskapsstod/",
        "Overview of all supports, first page of 50, national editor (run with --supports)",
        login_as=DEMO_NATIONAL_EDITOR,
        expect=" kunskapsstöd</caption>",
    ),
    Scenario(
        "tasks",
        "/mina-uppgifter/",
        "Mina uppgifter of a national editor (every edition waiting for the national editors)",
        login_as=DEMO_NATIONAL_EDITOR,
        expect="Nationell redaktör",
    ),
    Scenario(
        "remiss_round",
        "/remiss/<pk>/",
        "Round page of the same round: the 21 recipients in the grid by healthcare region",
        login_as=DEMO_NATIONAL_EDITOR,
        setup=lambda: _remiss_round(""),
        expect="21 mottagare",
    ),
    Scenario(
        "remiss_comments",
        "/remiss/<pk>/synpunkter/",
        "Comments on the text sent out: 21 answers of 30 comments at their blocks, quotes marked",
        login_as=DEMO_NATIONAL_EDITOR,
        setup=lambda: _remiss_round("synpunkter/"),
        expect="630 synpunkter i inskickade remissvar.",
    ),
    Scenario(
        "remiss_table",
        "/remiss/<pk>/sammanstallning/",
        "Response table of the same round: summary, 630 comments by block, half responded",
        login_as=DEMO_NATIONAL_EDITOR,
        setup=lambda: _remiss_round("sammanstallning/"),
        expect="Synpunkter och bemötanden",
    ),
    Scenario(
        "remiss_table_xlsx",
        "/remiss/<pk>/sammanstallning.xlsx",
        "The same response table as an XLSX download (openpyxl, one row per comment)",
        login_as=DEMO_NATIONAL_EDITOR,
        setup=lambda: _remiss_round("sammanstallning.xlsx"),
    ),
    # The reading site and its API (issue #10), anonymous. Run with --all-published so that
    # all --supports are public. Their pages and bodies come from the public cache, so these
    # rows are a repeated request; the probe's cold figures (queries, ms) are the first one.
    Scenario(
        "public_support",
        "/stod/<slug>/",
        "Support page of a published support of --blocks blocks, anonymous reader",
        setup=lambda: f"/stod/{_public_slug()}/",
        expect="Kunskapsstödet är ett stöd för beslut",
    ),
    Scenario(
        "public_support_60",
        "/stod/<slug>/",
        "Support page of a published 1.0 of 60 blocks (about 50 KB), anonymous reader",
        setup=lambda: f"/stod/{_public_slug_60()}/",
        expect="Kunskapsstödet är ett stöd för beslut",
    ),
    Scenario(
        "api_detail",
        "/api/v1/kunskapsstod/<slug>/",
        "API: one published support with its sections and blocks (JSON)",
        setup=lambda: f"/api/v1/kunskapsstod/{_public_slug()}/",
        expect='"sections"',
    ),
    Scenario(
        "api_304",
        "/api/v1/kunskapsstod/<slug>/",
        "API: the same request with If-None-Match and the ETag of the first answer (304)",
        setup=lambda: f"/api/v1/kunskapsstod/{_public_slug()}/",
        expect='"sections"',
        revalidate=True,
    ),
    Scenario(
        "api_list",
        "/api/v1/kunskapsstod/",
        "API: the list of published supports, first page",
        expect='"results"',
    ),
    Scenario(
        "public_start",
        "/",
        "Start page of the reading site: latest publications, programme areas, product types",
        expect="Nationella kunskapsstöd",
    ),
    Scenario(
        "search",
        f"/?q={SEARCH_WORD}",
        "A search for one word, the same address every time (the public cache answers)",
        expect=f"träffar för ”{SEARCH_WORD}”",
    ),
    Scenario(
        "search_uncached",
        f"/?q={SEARCH_WORD}",
        "The same search spelled differently every request (upper/lower case, repeated "
        "word), so the public cache never answers: the search itself",
        expect=f"träffar för ”{SEARCH_WORD}”",
        variants=_search_variants,
    ),
]


@dataclass
class Measurement:
    scenario: str
    path: str
    requests: int
    seconds: float
    rps: float
    latency_ms: dict
    errors: dict
    extra: dict = field(default_factory=dict)


class BenchError(RuntimeError):
    pass


# --- helpers -------------------------------------------------------------------------------


def say(message: str) -> None:
    print(f"[bench] {message}", flush=True)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


_opener = urllib.request.build_opener(_NoRedirect)


def fetch(url: str, headers: dict, timeout: float = 10, *, with_headers: bool = False):
    """(status, body), or (status, body, response headers) with `with_headers`."""
    request = urllib.request.Request(url, headers=headers)
    try:
        with _opener.open(request, timeout=timeout) as response:
            answer = response.status, response.read().decode("utf-8", "replace"), response.headers
    except urllib.error.HTTPError as error:
        answer = error.code, error.read().decode("utf-8", "replace"), error.headers
    return answer if with_headers else answer[:2]


def git_commit() -> str:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=BASE_DIR,
            capture_output=True,
            text=True,
            timeout=5,
        )
        dirty = subprocess.run(
            ["git", "status", "--porcelain"],
            cwd=BASE_DIR,
            capture_output=True,
            text=True,
            timeout=5,
        )
        if out.returncode != 0 or not out.stdout.strip():
            return "unknown"
        return out.stdout.strip() + ("+dirty" if dirty.stdout.strip() else "")
    except (OSError, subprocess.SubprocessError):
        return "unknown"


# --- preparing the database ----------------------------------------------------------------


def server_env(database_url: str) -> dict:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="127.0.0.1",
        DEBUG="false",
        SECURE_SSL_REDIRECT="false",
        # The minimal view is served only when asked for (config/urls.py).
        BENCH_MINIMAL_VIEW="true",
        DATABASE_URL=database_url,
        LOG_LEVEL="WARNING",
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        PYTHONPATH=str(BASE_DIR),
    )
    return env


def prepare(
    env: dict,
    scenarios: list[Scenario],
    users: int,
    supports: int = 0,
    blocks: int = 20,
    all_published: bool = False,
) -> dict:
    """Migrate, seed, collect static files, run scenario setups and sign users in — all
    in-process, with the same settings and database as the server. Returns name -> path,
    e-mail -> session key (under the key "session:<email>") and, under "probe:<name>", the
    queries and in-process time of one request to each scenario's page."""
    os.environ.update(env)
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connections
    from django.test import Client

    started = time.monotonic()
    say("migrating …")
    call_command("migrate", "--noinput", verbosity=0)
    say("seeding demo data …")
    with open(os.devnull, "w") as devnull:
        call_command("seed_demo", stdout=devnull)
    if users or supports:
        import scale  # bench/scale.py, next to this file

        scale.generate(
            users=users,
            supports=supports,
            blocks=blocks,
            all_published=all_published,
            stdout=sys.stdout,
        )
    say("collecting static files …")
    step = time.monotonic()
    call_command("collectstatic", "--noinput", verbosity=0)
    say(f"collected static files in {time.monotonic() - step:.1f} s")

    resolved: dict = {}
    for scenario in scenarios:
        step = time.monotonic()
        path = scenario.setup() if scenario.setup else None
        if scenario.setup:
            say(f"set up {scenario.name} in {time.monotonic() - step:.1f} s")
        resolved[scenario.name] = path or scenario.path

    from apps.accounts.models import User

    client_headers = {"HTTP_X_FORWARDED_PROTO": "https", "HTTP_HOST": "127.0.0.1"}
    clients = {None: Client(**client_headers)}
    for email in sorted({s.login_as for s in scenarios if s.login_as}):
        # force_login goes through django.contrib.auth.login(): a real session row, the same
        # as a sign-in through the form would leave (and no password hashing in the loop).
        client = Client(**client_headers)
        client.force_login(User.objects.get(email=email))
        resolved[f"session:{email}"] = client.cookies[settings.SESSION_COOKIE_NAME].value
        clients[email] = client
    resolved["cookie_name"] = settings.SESSION_COOKIE_NAME
    for scenario in scenarios:
        variants = scenario.variants() if scenario.variants else None
        if variants:
            resolved[f"variants:{scenario.name}"] = variants
        try:
            found = probe(
                clients[scenario.login_as],
                resolved[scenario.name],
                revalidate=scenario.revalidate,
                variants=variants,
            )
        except Exception as error:  # the test client re-raises a view's exception
            raise BenchError(
                f"{scenario.name}: {resolved[scenario.name]} failed in process: {error!r}"
            ) from error
        wanted = 304 if scenario.revalidate else 200
        if found["status"] != wanted:
            raise BenchError(
                f"{scenario.name}: {resolved[scenario.name]} answered {found['status']} in "
                f"process, not {wanted}; nothing measured"
            )
        resolved[f"probe:{scenario.name}"] = found
        if variants and found["queries"] == 0:
            raise BenchError(
                f"{scenario.name}: a new variant of the address read nothing from the "
                "database, so the variants do not get past the cache; nothing to measure"
            )
    connections.close_all()
    say(f"prepared in {time.monotonic() - started:.1f} s")
    return resolved


def probe(
    client, path: str, *, revalidate: bool = False, variants: list[str] | None = None
) -> dict:
    """One request in-process after one to warm up: its queries and wall time, and those of
    the first request ("cold": for the public pages, the one that fills the cache). Tells a
    page's database work apart from its Python work, which wrk's figures cannot. With
    `revalidate`, the measured request carries the first answer's ETag; with `variants`,
    both are variants of the address not asked for before."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def timed(address, **extra):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get(address, **extra)
            elapsed = time.perf_counter() - started
        return response, len(queries.captured_queries), round(1000 * elapsed, 1)

    first, cold_queries, cold_ms = timed(variants[0] if variants else path)
    extra = {}
    if revalidate and first.has_header("ETag"):
        extra["HTTP_IF_NONE_MATCH"] = first["ETag"]
    response, queries, ms = timed(variants[-1] if variants else path, **extra)
    return {
        "status": response.status_code,
        "queries": queries,
        "ms": ms,
        "cold_queries": cold_queries,
        "cold_ms": cold_ms,
    }


# --- the server ----------------------------------------------------------------------------


class Gunicorn:
    def __init__(self, env: dict, port: int, workers: int, threads: int, log_path: Path):
        self.port = port
        self.log_path = log_path
        self.command = [
            str(Path(sys.executable).with_name("gunicorn")),
            "config.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--worker-class",
            "gthread",
            "--threads",
            str(threads),
            "--log-level",
            "warning",
            "--timeout",
            "30",
        ]
        self.env = env
        self.process: subprocess.Popen | None = None
        self._log = None

    def start(self, timeout: float = 30) -> None:
        self._log = open(self.log_path, "w")  # noqa: SIM115 - closed in stop()
        # Its own process group, so that stop() reaches the master and its workers only.
        self.process = subprocess.Popen(
            self.command,
            cwd=BASE_DIR,
            env=self.env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        url = f"http://127.0.0.1:{self.port}/_bench/minimal/"
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise BenchError(f"gunicorn exited at start; see {self.log_path}")
            with contextlib.suppress(OSError):
                status, _ = fetch(url, PROXY_HEADERS, timeout=2)
                if status == 200:
                    return
            time.sleep(0.2)
        raise BenchError(f"gunicorn did not answer within {timeout} s; see {self.log_path}")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            pgid = self.process.pid  # the group made by start_new_session
            with contextlib.suppress(ProcessLookupError):
                os.killpg(pgid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(pgid, signal.SIGKILL)
                self.process.wait(timeout=5)
        if self._log:
            self._log.close()
            self._log = None


def revalidation_tag(scenario: Scenario, path: str, headers) -> str:
    """The ETag of the server's answer, to send back as If-None-Match."""
    tag = headers.get("ETag")
    if not tag:
        raise BenchError(f"{scenario.name}: {path} answered without an ETag; nothing to revalidate")
    return tag


# --- the load tool -------------------------------------------------------------------------


def wrk_binary() -> str:
    found = shutil.which("wrk")
    if not found:
        raise BenchError(
            "wrk is not installed. Install it and run again:\n"
            "    sudo apt-get install wrk        (Debian/Ubuntu)\n"
            "    brew install wrk                (macOS)"
        )
    return found


def variants_script(name: str, paths: list[str], stamp: str) -> Path:
    """report.lua plus a request() that sends the next of `paths` each time, starting at a
    random one (so that the warm-up and the rounds do not repeat each other's addresses)."""
    table = ",\n".join(json.dumps(p) for p in paths)
    script = RESULTS_DIR / f"wrk-{stamp}-{name}.lua"
    script.write_text(
        REPORT_LUA.read_text()
        + f"\nlocal paths = {{\n{table}\n}}\n"
        + "math.randomseed(os.time())\n"
        + "local counter = math.random(#paths)\n"
        + "request = function()\n"
        + "  counter = counter % #paths + 1\n"
        + "  return wrk.format(nil, paths[counter])\n"
        + "end\n"
    )
    return script


def run_wrk(url: str, headers: dict, args, script: Path = REPORT_LUA) -> dict:
    command = [
        wrk_binary(),
        f"--threads={args.threads}",
        f"--connections={args.connections}",
        f"--duration={args.duration}s",
        "--timeout=10s",
        "--latency",
        f"--script={script}",
    ]
    for name, value in headers.items():
        command += ["--header", f"{name}: {value}"]
    command.append(url)
    out = subprocess.run(
        command, capture_output=True, text=True, timeout=args.duration + 60, check=False
    )
    if out.returncode != 0:
        raise BenchError(f"wrk failed ({out.returncode}): {out.stderr or out.stdout}")
    match = re.search(r"^BENCH_JSON (\{.*\})$", out.stdout, re.MULTILINE)
    if not match:
        raise BenchError(f"no figures in wrk's output:\n{out.stdout}")
    return json.loads(match.group(1))


def worker_cpu_seconds(master_pid: int) -> float | None:
    """User + system CPU time of gunicorn's workers so far (Linux /proc; None elsewhere).
    CPU per request is far less disturbed by other load on the machine than requests/s."""
    try:
        children = Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text().split()
        ticks = 0
        for pid in children:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            ticks += int(fields[11]) + int(fields[12])  # utime, stime
        return ticks / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None


def measure(
    name: str, path: str, url: str, headers: dict, args, master_pid: int, script: Path
) -> Measurement:
    say(f"  {name}: {args.duration} s on {path}")
    cpu_before = worker_cpu_seconds(master_pid)
    raw = run_wrk(url, headers, args, script)
    cpu_after = worker_cpu_seconds(master_pid)
    seconds = raw["duration_us"] / 1e6
    requests = raw["requests"]
    latency = {k: round(v / 1000, 2) for k, v in raw["latency_us"].items()}
    errors = {k: v for k, v in raw["errors"].items() if v}
    if errors:
        say(f"  WARNING: {name} had errors: {errors}")
    cpu_ms = None
    if cpu_before is not None and cpu_after is not None and requests:
        cpu_ms = round(1000 * (cpu_after - cpu_before) / requests, 3)
    return Measurement(
        scenario=name,
        path=path,
        requests=requests,
        seconds=round(seconds, 2),
        rps=round(requests / seconds, 1),
        latency_ms=latency,
        errors=errors,
        extra={"bytes_per_response": round(raw["bytes"] / max(requests, 1)), "cpu_ms": cpu_ms},
    )


# --- reporting -----------------------------------------------------------------------------


def _median(values):
    values = [v for v in values if v is not None]
    return round(statistics.median(values), 3) if values else None


def summarise(
    rounds: list[dict[str, Measurement]], names: list[str], probes: dict | None = None
) -> list[dict]:
    """One row per scenario: medians over the rounds, ratios taken within each round (the
    scenario against the minimal view measured just before it) and then the median."""
    rows = []
    for name in names:
        pairs = [(rd[name], rd[BASELINE]) for rd in rounds]
        throughput = [m.rps / b.rps for m, b in pairs]
        cpu = [
            m.extra["cpu_ms"] / b.extra["cpu_ms"]
            for m, b in pairs
            if m.extra["cpu_ms"] and b.extra["cpu_ms"]
        ]
        errors: dict[str, int] = {}
        for m, _ in pairs:
            for key, count in m.errors.items():
                errors[key] = errors.get(key, 0) + count
        rows.append(
            {
                "scenario": name,
                "path": pairs[0][0].path,
                "requests": sum(m.requests for m, _ in pairs),
                "rps": _median(m.rps for m, _ in pairs),
                "mean_ms": _median(m.latency_ms["mean"] for m, _ in pairs),
                "p50_ms": _median(m.latency_ms["p50"] for m, _ in pairs),
                "p99_ms": _median(m.latency_ms["p99"] for m, _ in pairs),
                "cpu_ms": _median(m.extra["cpu_ms"] for m, _ in pairs),
                "bytes": pairs[0][0].extra["bytes_per_response"],
                "throughput_ratio": _median(throughput),
                "throughput_ratio_range": [round(min(throughput), 3), round(max(throughput), 3)],
                "latency_ratio_p50": _median(
                    m.latency_ms["p50"] / b.latency_ms["p50"] for m, b in pairs
                ),
                "latency_ratio_p99": _median(
                    m.latency_ms["p99"] / b.latency_ms["p99"] for m, b in pairs
                ),
                "cpu_ratio": _median(cpu),
                "queries": (probes or {}).get(name, {}).get("queries"),
                "in_process_ms": (probes or {}).get(name, {}).get("ms"),
                "cold_queries": (probes or {}).get(name, {}).get("cold_queries"),
                "cold_ms": (probes or {}).get(name, {}).get("cold_ms"),
                "errors": errors,
            }
        )
    return rows


def _fmt(value, spec: str) -> str:
    return "–" if value is None else format(value, spec)


def _queries(row: dict) -> str:
    """The measured request's queries, and the first request's where they differ (a page
    from the public cache reads little; the first one builds it)."""
    queries, cold = row.get("queries"), row.get("cold_queries")
    if cold is None or cold == queries:
        return _fmt(queries, "")
    return f"{_fmt(queries, '')} (first {cold})"


def print_table(rows: list[dict]) -> None:
    header = (
        f"{'scenario':<20}{'req/s':>8}{'mean ms':>9}{'p50 ms':>8}{'p99 ms':>8}{'CPU ms':>8}"
        f"  {'req/s ÷ minimal':>17}{'p50 ×':>7}{'p99 ×':>7}{'CPU ×':>7}{'queries':>8}"
    )
    print()
    print(header)
    print("-" * len(header))
    for r in rows:
        low, high = r["throughput_ratio_range"]
        ratio = f"{r['throughput_ratio']:.3f} ({low:.2f}–{high:.2f})"
        print(
            f"{r['scenario']:<20}{r['rps']:>8.1f}{r['mean_ms']:>9.2f}{r['p50_ms']:>8.2f}"
            f"{r['p99_ms']:>8.2f}{_fmt(r['cpu_ms'], '>8.2f')}  {ratio:>17}"
            f"{r['latency_ratio_p50']:>7.1f}{r['latency_ratio_p99']:>7.1f}"
            f"{_fmt(r['cpu_ratio'], '>7.1f')}{_fmt(r['queries'], '>8')}"
        )
    print()


def print_markdown(rows: list[dict], meta: dict) -> None:
    print("Markdown rows for bench/README.md:")
    print()
    print(
        "| Scenario | Path | req/s | p50 ms | p99 ms | CPU ms/req "
        "| req/s ÷ minimal | p50 × minimal | CPU × minimal | queries |"
    )
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        low, high = r["throughput_ratio_range"]
        print(
            f"| {r['scenario']} | `{r['path']}` | {r['rps']:.0f} | {r['p50_ms']:.2f} "
            f"| {r['p99_ms']:.2f} | {_fmt(r['cpu_ms'], '.2f')} "
            f"| {r['throughput_ratio']:.2f} ({low:.2f}–{high:.2f}) "
            f"| {r['latency_ratio_p50']:.1f} | {_fmt(r['cpu_ratio'], '.1f')} "
            f"| {_queries(r)} |"
        )
    print()
    print(
        f"_{meta['date']}, commit {meta['commit']}, {meta['cpus']} CPUs, {meta['database']}, "
        f"gunicorn {meta['gunicorn']}, wrk {meta['load']}, {meta['rounds']} rounds, "
        f"{meta['scale_users']} extra users, {meta['scale_supports']} extra supports × "
        f"{meta['scale_blocks']} blocks"
        f"{' (all published)' if meta['scale_all_published'] else ''}; minimal view drift {meta['baseline_drift_pct']}%, "
        f"load average {meta['loadavg_before']} → {meta['loadavg_after']}._"
    )


# --- main ----------------------------------------------------------------------------------


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description="Throughput and latency of pages of the app, as ratios to a minimal view.",
    )
    parser.add_argument("--duration", type=int, default=5, help="seconds per URL per round (5)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds over all URLs (3)")
    parser.add_argument("--connections", type=int, default=4, help="wrk connections (4)")
    parser.add_argument("--threads", type=int, default=1, help="wrk threads (1)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (2)")
    parser.add_argument(
        "--worker-threads", type=int, default=2, help="gthread threads per worker (2)"
    )
    parser.add_argument(
        "--users", type=int, default=2000, help="extra users from bench/scale.py (2000; 0: none)"
    )
    parser.add_argument(
        "--supports",
        type=int,
        default=500,
        help="extra supports from bench/scale.py, each with a 1.0 edition (500; 0: none)",
    )
    parser.add_argument("--blocks", type=int, default=20, help="blocks per extra support (20)")
    parser.add_argument(
        "--all-published",
        action="store_true",
        help="publish every extra support (the reading site at full size; default: 2 in 10)",
    )
    parser.add_argument(
        "--only", nargs="+", metavar="NAME", help="scenarios to run (the baseline always runs)"
    )
    parser.add_argument("--warmup", type=int, default=2, help="seconds of unmeasured load (2)")
    parser.add_argument("--keep-db", action="store_true", help="keep the SQLite file")
    parser.add_argument("--list", action="store_true", help="list the scenarios and stop")
    args = parser.parse_args(argv)
    if args.threads > args.connections:
        parser.error("--threads must not exceed --connections")
    if args.rounds < 1 or args.duration < 1:
        parser.error("--rounds and --duration must be at least 1")
    return args


def _loadavg() -> float | None:
    try:
        return round(os.getloadavg()[0], 2)
    except OSError:
        return None


def main(argv=None) -> int:
    args = parse_args(argv)
    if args.list:
        for s in SCENARIOS:
            print(f"{s.name:<20}{s.description}\n{'':<20}{s.path}")
        return 0
    unknown = set(args.only or []) - {s.name for s in SCENARIOS}
    if unknown:
        say(f"unknown scenarios: {', '.join(sorted(unknown))} (see --list)")
        return 2
    scenarios = [s for s in SCENARIOS if s.name == BASELINE or not args.only or s.name in args.only]
    try:
        wrk_binary()
    except BenchError as error:
        print(f"[bench] {error}", file=sys.stderr)
        return 3

    RESULTS_DIR.mkdir(exist_ok=True)
    # UTC: django.setup() below switches the process's local time zone to TIME_ZONE.
    started = dt.datetime.now(dt.UTC)
    stamp = started.strftime("%Y%m%dT%H%M%SZ")
    given_url = os.environ.get("DATABASE_URL")
    sqlite_path = None
    if given_url:
        database_url = given_url
        say("using DATABASE_URL as given (it gets migrated and seeded; use a throwaway DB)")
    else:
        sqlite_path = RESULTS_DIR / f"bench-{stamp}.sqlite3"
        database_url = f"sqlite:///{sqlite_path}"

    # SIGTERM (e.g. from a CI timeout) unwinds like Ctrl-C, so the finally below still runs.
    def _terminate(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, _terminate)

    env = server_env(database_url)
    server = None
    loadavg_before = _loadavg()
    try:
        resolved = prepare(
            env, scenarios, args.users, args.supports, args.blocks, args.all_published
        )
        port = free_port()
        server = Gunicorn(
            env, port, args.workers, args.worker_threads, RESULTS_DIR / f"gunicorn-{stamp}.log"
        )
        say(
            f"starting gunicorn on 127.0.0.1:{port} "
            f"({args.workers} workers × {args.worker_threads} threads, gthread) …"
        )
        server.start()

        targets = []
        for s in scenarios:
            headers = dict(PROXY_HEADERS)
            if s.login_as:
                session = resolved[f"session:{s.login_as}"]
                headers["Cookie"] = f"{resolved['cookie_name']}={session}"
            path = resolved[s.name]
            url = f"http://127.0.0.1:{port}{path}"
            status, body, answer_headers = fetch(url, headers, with_headers=True)
            if status != 200:
                raise BenchError(f"{s.name}: {path} answered {status}, not 200 — nothing measured")
            if s.expect and s.expect not in body:
                raise BenchError(f"{s.name}: {path} answered 200 but without {s.expect!r}")
            if s.revalidate:
                headers = {**headers, "If-None-Match": revalidation_tag(s, path, answer_headers)}
                status, _ = fetch(url, headers)
                if status != 304:
                    raise BenchError(
                        f"{s.name}: {path} with If-None-Match answered {status}, not 304"
                    )
            script = REPORT_LUA
            if f"variants:{s.name}" in resolved:
                script = variants_script(s.name, resolved[f"variants:{s.name}"], stamp)
            targets.append((s, path, url, headers, script))
        say("every URL answers 200 (304 where revalidated)")

        if args.warmup:
            say(f"warming up for {args.warmup} s per URL …")
            warm = argparse.Namespace(**{**vars(args), "duration": args.warmup})
            for _s, _path, url, headers, script in targets:
                run_wrk(url, headers, warm, script)

        rounds: list[dict[str, Measurement]] = []
        for number in range(1, args.rounds + 1):
            say(f"round {number} of {args.rounds}")
            rounds.append(
                {
                    s.name: measure(s.name, path, url, headers, args, server.process.pid, script)
                    for s, path, url, headers, script in targets
                }
            )
    except BenchError as error:
        say(f"FAILED: {error}")
        return 1
    except KeyboardInterrupt:
        say("interrupted")
        return 130
    finally:
        if server:
            server.stop()
            say("gunicorn stopped")
        if sqlite_path and not args.keep_db:
            for suffix in ("", "-wal", "-shm", "-journal"):
                with contextlib.suppress(FileNotFoundError):
                    Path(f"{sqlite_path}{suffix}").unlink()

    import django
    import gunicorn

    probes = {s.name: resolved[f"probe:{s.name}"] for s in scenarios}
    rows = summarise(rounds, [s.name for s in scenarios], probes)
    first, last = rounds[0][BASELINE].rps, rounds[-1][BASELINE].rps
    drift = round(100 * (last - first) / first, 1)
    meta = {
        "date": started.isoformat(timespec="seconds"),
        "commit": git_commit(),
        "cpus": os.cpu_count(),
        "machine": platform.machine(),
        "python": platform.python_version(),
        "django": django.get_version(),
        "gunicorn": f"{gunicorn.__version__} gthread {args.workers}w×{args.worker_threads}t",
        "load": f"{args.threads}t {args.connections}c {args.duration}s",
        "rounds": args.rounds,
        "database": "PostgreSQL" if given_url and "postgres" in given_url else "SQLite",
        "scale_users": args.users,
        "scale_supports": args.supports,
        "scale_blocks": args.blocks,
        "scale_all_published": args.all_published,
        "baseline_drift_pct": drift,
        "loadavg_before": loadavg_before,
        "loadavg_after": _loadavg(),
    }
    print_table(rows)
    if abs(drift) > 10:
        say(f"WARNING: the minimal view drifted {drift}% during the run; the machine is busy")
    if meta["loadavg_before"] and meta["loadavg_before"] > 0.5 * (meta["cpus"] or 1):
        say("WARNING: the machine was busy before the run; trust the CPU column most")
    print_markdown(rows, meta)
    out_path = RESULTS_DIR / f"{stamp}.json"
    out_path.write_text(
        json.dumps(
            {
                "meta": meta,
                "rows": rows,
                "rounds": [{k: vars(m) for k, m in rd.items()} for rd in rounds],
            },
            indent=2,
            ensure_ascii=False,
        )
    )
    say(f"results written to {out_path.relative_to(BASE_DIR)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
