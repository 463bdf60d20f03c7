"""Speed of coding open answers into themes: 100,000 answers against the demo codebook.

Run: ``python bench/bench_themes.py [--n 100000] [--seed 0]``. Prints a Markdown block.

The answers are built from the clauses of ``tests/data/themes_labelled.csv`` and the demo
phrases, two to four per answer, with filler words, numbers, customer-specific nouns and
a typing error in one answer out of five, and in three out of ten a made-up word (a
product code, a site name), so that almost every answer is distinct and the vocabulary is
large (the coder remembers answers and words it has seen: repeats would flatter it; an
unknown word is the slowest kind, as it is compared with every term for typing errors). Times are wall
clock, cold: the caches of lemmas, known words and the compiled codebook are emptied
first. Target (DESIGN.md): 100,000 answers in at most 20 s on a 2-core machine.
"""

from __future__ import annotations

import argparse
import platform
import re
import time
from pathlib import Path

import numpy as np
import pandas as pd

from drivers import demo
from drivers.stats import themes as th

ROOT = Path(__file__).resolve().parents[1]
FILLERS = ["echt", "eigenlijk", "wel", "gewoon", "toch", "nu", "soms", "ook", "best", "heel"]
NOUNS = [
    "steigers", "tegels", "kozijnen", "pallets", "schroeven", "verf", "isolatie", "kabels",
    "pompen", "dakpannen", "lijm", "folie", "buizen", "kranen", "ventielen", "sensoren",
]  # fmt: skip


def clauses() -> list[str]:
    labelled = pd.read_csv(ROOT / "tests" / "data" / "themes_labelled.csv", keep_default_na=False)
    pool = []
    for text in labelled["answer"]:
        pool += [c.strip() for c in re.split(r"[.,;!?]", text) if len(c.strip()) > 3]
    for phrases in (demo._WEAK_POINT, demo._STRONG_POINT):  # the demo's own phrases
        for options in phrases.values():
            pool += list(options)
    return sorted(set(pool))


def typo(word: str, rng: np.random.Generator) -> str:
    if len(word) < 5:
        return word
    i = int(rng.integers(1, len(word) - 2))
    return word[:i] + word[i + 1] + word[i] + word[i + 2 :]


def answers(n: int, seed: int) -> list[str]:
    rng = np.random.default_rng(seed)
    pool = clauses()
    out = []
    for _ in range(n):
        parts = [pool[i] for i in rng.integers(0, len(pool), rng.integers(2, 5))]
        words = " , ".join(parts).split()
        if rng.random() < 0.5:
            words.insert(int(rng.integers(0, len(words) + 1)), str(rng.choice(FILLERS)))
        if rng.random() < 0.4:
            words += ["voor", "de", str(rng.choice(NOUNS)), f"({int(rng.integers(1, 99))}x)"]
        if rng.random() < 0.3:  # a word of its own: a product code, a site, a name
            letters = rng.choice(list("abcdefghijklmnoprstuvwz"), int(rng.integers(5, 10)))
            words.insert(int(rng.integers(0, len(words) + 1)), "".join(letters))
        if rng.random() < 0.2:
            j = int(rng.integers(0, len(words)))
            words[j] = typo(words[j], rng)
        text = " ".join(words).replace(" , ", ", ")
        out.append(text[0].upper() + text[1:] + ".")
    return out


def cold() -> None:
    th._compiled.cache_clear()
    th._lemma.cache_clear()
    th._known.cache_clear()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    texts = pd.Series(answers(args.n, args.seed))
    book = th.load_codebook(demo.codebook())
    words = {w for t in texts for w in th._WORD.findall(th.normalise(t))}
    cold()
    start = time.perf_counter()
    result = th.themes(texts, book)
    seconds = time.perf_counter() - start
    warm_start = time.perf_counter()
    th.themes(texts.head(10_000), book)
    warm = time.perf_counter() - warm_start
    start = time.perf_counter()
    th.suggest_themes(texts.head(10_000), n=5, codebook=book)
    suggest = time.perf_counter() - start
    import simplemma

    print(f"- Python {platform.python_version()}, simplemma {simplemma.__version__ if hasattr(simplemma, '__version__') else '?'}, "  # noqa: E501
          f"{platform.machine()}")  # fmt: skip
    print(f"- {len(texts):,} answers ({texts.nunique():,} distinct, {len(words):,} distinct words), "  # noqa: E501
          f"{len(book.themes)} themes, {sum(len(t.terms) + len(t.terms_en) for t in book.themes)} terms")  # fmt: skip
    print()
    print("| step | time | per 1,000 answers |")
    print("| --- | ---: | ---: |")
    print(
        f"| themes(), {len(texts):,} answers, cold | {seconds:.1f} s | {1000 * seconds / len(texts) * 1000:.0f} ms |"
    )  # noqa: E501
    print(f"| themes(), 10,000 of them again, warm | {warm:.2f} s | {warm * 100:.0f} ms |")
    print(f"| suggest_themes(n=5), 10,000 answers | {suggest:.1f} s | - |")
    print()
    print(f"Coded: {result.coded_share:.0%} of the answers have at least one theme.")


if __name__ == "__main__":
    main()
