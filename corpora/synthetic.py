"""A synthetic batch: many reports made from the seeds by varying their figures.

    python corpora/synthetic.py OUTDIR -n 1000 [--seed 0]

Each synthetic report is one seed with:

- its place renamed (璧山区 → 青溪区 …, forty invented places), so a batch has many budget units;
- every money figure (a number followed by 元/万元/亿元) scaled by one factor per report, keeping
  its decimals;
- in about half the reports, a few percentages and scores nudged, so that they contradict their
  figures (new ratio/score findings);
- in about a third, every year moved on by one (2022 → 2023), consistently;
- written in UTF-8, or GB18030 (15%), or with CRLF line breaks (10%), as real submissions are.

Reports go into one folder per place. The same ``--seed`` gives the same files. Nothing here is
committed output: tests and the benchmark generate the batch into a temporary folder.
Only the standard library is used.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

SEEDS_DIR = Path(__file__).resolve().parent / "seeds"

# The seeds' places (longest first) and the suffix their renamed form keeps.
PLACES = ("峨边彝族自治县", "攀枝花市", "璧山区", "新田县", "烈山区")
SYLLABLES = "青石云溪松河安平永宁长乐丰泉临江清源桃林"

_MONEY = re.compile(r"(?<![\d.])(\d{1,9}(?:\.\d{1,6})?)(?=\s*(?:万元|亿元|元))")
_PERCENT = re.compile(r"(?<![\d.])(\d{1,3}(?:\.\d{1,2})?)(?=%)")
_SCORE = re.compile(r"(?<![\d.])(\d{1,2}(?:\.\d)?)(?=分)")
_YEAR = re.compile(r"(?<!\d)(20[12]\d)(?=年|〕|\])")


def place_names(rng: random.Random, count: int = 40) -> list[str]:
    names: list[str] = []
    while len(names) < count:
        name = rng.choice(SYLLABLES) + rng.choice(SYLLABLES)
        if name[0] != name[1] and name not in names:
            names.append(name)
    return names


def _scaled(match: re.Match[str], factor: Decimal) -> str:
    text = match.group(1)
    decimals = len(text.split(".")[1]) if "." in text else 0
    quantum = Decimal(1).scaleb(-decimals)
    value = (Decimal(text) * factor).quantize(quantum, rounding=ROUND_HALF_UP)
    return f"{value:.{decimals}f}"


def _nudge(text: str, pattern: re.Pattern[str], rng: random.Random, count: int, spread: int) -> str:
    matches = list(pattern.finditer(text))
    if not matches:
        return text
    chosen = sorted(rng.sample(matches, min(count, len(matches))), key=lambda m: m.start(), reverse=True)
    for m in chosen:
        old = m.group(1)
        decimals = len(old.split(".")[1]) if "." in old else 0
        new = Decimal(old) + Decimal(rng.choice([-1, 1]) * rng.randint(1, spread))
        if new < 0:
            new = -new
        text = text[:m.start(1)] + f"{new:.{decimals}f}" + text[m.end(1):]
    return text


def vary(text: str, rng: random.Random, place: str) -> str:
    """One synthetic report from seed ``text``."""
    for original in PLACES:
        if original in text:
            suffix = original[-1] if not original.endswith("自治县") else "县"
            text = text.replace(original, place + suffix)
            short = original[:2] if original.endswith("自治县") else original[:-1]
            text = text.replace(short, place)
    factor = Decimal(rng.randint(50, 180)) / Decimal(100)
    text = _MONEY.sub(lambda m: _scaled(m, factor), text)
    if rng.random() < 0.5:
        text = _nudge(text, _PERCENT, rng, rng.randint(1, 3), 12)
        text = _nudge(text, _SCORE, rng, rng.randint(0, 2), 4)
    if rng.random() < 0.33:
        text = _YEAR.sub(lambda m: str(int(m.group(1)) + 1), text)
    return text


def generate(out_dir: str | Path, count: int = 1000, *, seed: int = 0, seeds_dir: str | Path | None = None) -> list[Path]:
    """Write ``count`` synthetic reports under ``out_dir``; returns their paths."""
    seeds = sorted(Path(seeds_dir or SEEDS_DIR).glob("*.txt"))
    if not seeds:
        raise SystemExit(f"no seed reports (*.txt) in {seeds_dir or SEEDS_DIR}")
    texts = [(p.stem.split("_")[0], p.read_text(encoding="utf-8")) for p in seeds]
    rng = random.Random(seed)
    places = place_names(rng)
    out = Path(out_dir)
    written = []
    for i in range(count):
        r = random.Random(f"{seed}:{i}")
        stem, text = texts[i % len(texts)]
        place = r.choice(places)
        body = vary(text, r, place)
        roll = r.random()
        if roll < 0.15:
            data, tag = body.encode("gb18030"), "gb"
        elif roll < 0.25:
            data, tag = body.replace("\n", "\r\n").encode("utf-8"), "crlf"
        else:
            data, tag = body.encode("utf-8"), "u8"
        path = out / place / f"{i:05d}_{stem}_{tag}.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, help="folder to write the reports into")
    parser.add_argument("-n", "--count", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--seeds", type=Path, default=None, help="folder of seed reports (default corpora/seeds)")
    args = parser.parse_args(argv)
    paths = generate(args.out, args.count, seed=args.seed, seeds_dir=args.seeds)
    print(f"{len(paths)} synthetic reports in {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
