"""CPU time and counted work of the texts that used to make pages slow (issue #8).

In-process, with no server: each text is rendered (render_markdown, cache cleared first), put
through the completeness check and diffed, and the CPU time (process time, best of --repeat)
is printed beside the work the code counts for it. The ratio of the two, nanoseconds per unit
of work, is what apps/core/markdown.py's budget assumes to be about one.

    .venv/bin/python bench/markdown_work.py                 # every shape at 100 000 characters
    .venv/bin/python bench/markdown_work.py --size 20000 --repeat 5
"""

import argparse
import os
import random
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))


def repeat(unit: str, size: int) -> str:
    return unit * max(1, size // len(unit))


def words(seed: int, size: int, vocabulary: int = 5000) -> str:
    rng = random.Random(seed)
    pool = [
        "".join(rng.choice("abcdefghijklmnopqrstuvwxyzåäö") for _ in range(rng.randint(2, 9)))
        for _ in range(vocabulary)
    ]
    out, total = [], 0
    while total < size:
        out.append(rng.choice(pool))
        total += len(out[-1]) + 1
    return " ".join(out)


def shapes(size: int) -> dict[str, str]:
    return {
        # The texts of issue #8, as measured there.
        '"[a](" * 20000 (edition page 122 s)': "[a](" * 20000,
        '"[" * 50000 (edition page 18.6 s, preview 3 s)': "[" * 50000,
        '"<" * 50000 (preview 2–2.3 s)': "<" * 50000,
        '"- " * 30000 (preview 2–2.3 s)': "- " * 30000,
        # Their kin, at the given size.
        "unclosed brackets": repeat("[", size),
        "reference openings [a][": repeat("[a][", size),
        "unclosed tags <a": repeat("<a ", size),
        "CDATA openings": repeat("<![CDATA[", size),
        "raw HTML nested deep": repeat("<div>\n\n", size),
        "code span openings": repeat("`` `", size),
        "entities": repeat("&a;", size),
        "backslash escapes": repeat("\\", size),
        "line breaks": repeat("a  \n", size),
        "list markers on every line": repeat("- x\n", size),
        "list nesting fifteen deep": repeat("- " * 15 + "x\n", size),
        "quotes and lists mixed": repeat("> - " * 8 + "x\n", size),
        "headings without blank lines": repeat("# x\n", size),
        "setext headings": repeat("a\n===\n", size),
        "fences": repeat("```\n", size),
        "table of links": "|a|b|\n|-|-|\n" + repeat("|[x](y)|*z*|\n", size),
        "combining characters": "a" + "\u0301" * size,
    }


def cpu(function, repeat_count: int) -> float:
    best = None
    for _ in range(repeat_count):
        start = time.process_time()
        function()
        elapsed = time.process_time() - start
        best = elapsed if best is None else min(best, elapsed)
    return best


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    import django

    django.setup()
    from apps.authoring.completeness import content_problems
    from apps.core.diff import diff_rendered_text, diff_words
    from apps.core.markdown import clear_render_cache, render_markdown

    def render(text):
        clear_render_cache()
        render_markdown(text)

    print(
        "| text | chars | render CPU ms | work units | ns/unit | tier | check CPU ms | "
        "diff CPU ms | diff operations |"
    )
    print("|---|---:|---:|---:|---:|---|---:|---:|---:|")
    rows = []
    other = words(2, args.size)
    for name, text in shapes(args.size).items():
        stats: dict = {}
        clear_render_cache()
        render_markdown(text, stats=stats)
        render_ms = cpu(lambda text=text: render(text), args.repeat) * 1000
        content = {"kind": "text", "care_level": "both", "body": text}
        check_ms = cpu(lambda content=content: content_problems(content, stats={}), 1) * 1000
        diff_stats: dict = {}
        diff_ms = cpu(lambda t=text, d=diff_stats: diff_words(t, other, stats=d), 1) * 1000
        rows.append((render_ms, name))
        print(
            f"| {name} | {len(text)} | {render_ms:.0f} | {stats['work']:,} | "
            f"{render_ms * 1e6 / max(stats['work'], 1):.2f} | {stats['tier']} | "
            f"{check_ms:.0f} | {diff_ms:.0f} | {diff_stats['operations']:,} |"
        )
    old, new = words(1, 97_000), words(2, 97_000)
    diff_stats = {}
    clear_render_cache()
    diff_ms = cpu(lambda: diff_words(old, new, stats=diff_stats), args.repeat) * 1000
    both_ms = cpu(lambda: (clear_render_cache(), diff_rendered_text(old, new)), 1) * 1000
    print(
        f"\nTwo unrelated 97 KB texts of words: word diff {diff_ms:.0f} ms CPU "
        f"({diff_stats['operations']:,} operations, coarse: {diff_stats['coarse']}), "
        f"diff of the rendered text {both_ms:.0f} ms (both rendered first)."
    )
    slowest = max(rows)
    print(f"Slowest render: {slowest[1]}, {slowest[0]:.0f} ms CPU.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
