#!/usr/bin/env python3
"""Peer: deadline extraction with dateparser's ``search_dates``.

What a user might reach for instead of onedigest's deadline extractor.  For
every ``message`` and ``edit`` event of the labeled scenarios it calls

    dateparser.search.search_dates(
        text, languages=[lang],
        settings={"RELATIVE_BASE": <message local naive datetime>,
                  "PREFER_DATES_FROM": "future",
                  "TIMEZONE": tz,
                  "RETURN_AS_TIMEZONE_AWARE": False})

with ``lang`` and ``tz`` from the scenario header and the base taken from the
event's own ``date`` converted to the scenario's zone.

Speed: one untimed warm-up pass over all events (loads dateparser's language
data), then ``--repeat`` timed passes; each pass is wall time
(``time.perf_counter``) around the loop of ``search_dates`` calls only (inputs
and settings dicts are prepared beforehand; reading files is not timed).
Reported: events/second from the best and from the median pass.

Accuracy, scored like ``src/cli/eval/score.rs``: one entry per (chat_id, message_id),
after edits (last text, last label, judged at the last event's date).  On
messages whose label has ``task: true``:
  * predicted deadline = the LAST date ``search_dates`` found (headline; in
    work-chat asks the deadline tends to come after context dates such as
    event dates or the period covered, "6月份排班表…本周五前交").  The FIRST date
    is reported as an alternative.
  * label ``YYYY-MM-DDTHH:MM`` matches when the prediction, truncated to the
    minute, is that minute; label ``YYYY-MM-DD`` matches when the prediction's
    date is that day (dateparser has no notion of precision, so a day label
    is matched on the date alone whatever time dateparser filled in).
  * a label with ``deadline: null`` counts only when dateparser found
    something, and then it is wrong.
  accuracy = correct / (tasks with a label deadline
                        + tasks with a null label where dateparser found a date)
Note: the task labels are used as an oracle here (dateparser has no task
detector); onedigest's own eval scores deadlines on the tasks it detects.

Usage:
    python3 benches/peers/dateparser_peer.py [SCENARIOS_DIR] [--repeat N] [--json]
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import sys
import time
from datetime import datetime
from pathlib import Path

sys.dont_write_bytecode = True  # leave no __pycache__ in the repo
sys.path.insert(0, str(Path(__file__).resolve().parent))
from _scenarios import DEFAULT_CORPUS, final_messages, load, local_naive, scenario_files  # noqa: E402

import dateparser  # noqa: E402
from dateparser.search import search_dates  # noqa: E402


def settings_for(date: str, tz: str) -> dict:
    return {
        "RELATIVE_BASE": local_naive(date, tz),
        "PREFER_DATES_FROM": "future",
        "TIMEZONE": tz,
        "RETURN_AS_TIMEZONE_AWARE": False,
    }


def one_pass(items, spans):
    """One call per item; returns (results, seconds per file span, total seconds)."""
    out, per = [], []
    t_all = time.perf_counter()
    for lo, hi in spans:
        t0 = time.perf_counter()
        for text, lang, settings in items[lo:hi]:
            out.append(search_dates(text, languages=[lang], settings=settings))
        per.append(time.perf_counter() - t0)
    return out, per, time.perf_counter() - t_all


def matches(pred: datetime | None, label: str | None) -> bool:
    if pred is None or label is None:
        return False
    if "T" in label:
        want = datetime.strptime(label, "%Y-%m-%dT%H:%M")
        return pred.replace(second=0, microsecond=0) == want
    return pred.date() == datetime.strptime(label, "%Y-%m-%d").date()


def new_counts():
    return {
        "tasks": 0,  # task messages (final label task: true)
        "label_deadline": 0,  # ... of which the label has a deadline
        "label_null_found": 0,  # ... label null but dateparser found a date (counted, wrong)
        "label_null_quiet": 0,  # ... label null and nothing found (not counted)
        "found_any": 0,  # label has a deadline and dateparser found >= 1 date
        "correct_last": 0,
        "correct_first": 0,
        "correct_any": 0,  # some date among those found matches (upper bound for any pick rule)
        "correct_minute_last": 0,
        "label_minute": 0,
        "correct_day_last": 0,
        "label_day": 0,
    }


def finish(c: dict) -> dict:
    denom = c["label_deadline"] + c["label_null_found"]
    r = dict(c)
    r["scored"] = denom
    r["accuracy"] = c["correct_last"] / denom if denom else 1.0
    r["accuracy_first"] = c["correct_first"] / denom if denom else 1.0
    r["accuracy_any_oracle"] = c["correct_any"] / denom if denom else 1.0
    return r


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("corpus", nargs="?", default=str(DEFAULT_CORPUS), help="folder of *.jsonl scenarios (default: %(default)s)")
    ap.add_argument("--repeat", type=int, default=3, help="timed passes after one warm-up (default 3)")
    ap.add_argument("--json", action="store_true", help="print only the JSON result line")
    ap.add_argument("--verbose", action="store_true", help="list each scored task with label and prediction")
    args = ap.parse_args()

    scenarios = [load(p) for p in scenario_files(Path(args.corpus))]
    items = []  # (text, lang, settings) for every message and edit event
    owners = []  # (scenario index, (chat_id, message_id)) per item
    spans = []  # item range of each scenario file
    for si, sc in enumerate(scenarios):
        lo = len(items)
        for e in sc.events:
            items.append((e.text, sc.lang, settings_for(e.date, sc.tz)))
            owners.append((si, e.key))
        spans.append((lo, len(items)))

    results, _, _ = one_pass(items, spans)  # warm-up; its results are the ones scored
    times, file_times = [], []
    for _ in range(max(1, args.repeat)):
        again, per, total_s = one_pass(items, spans)
        times.append(total_s)
        file_times.append(per)
    if again != results:  # deterministic, or the scoring would be arbitrary
        print("warning: search_dates results differed between passes", file=sys.stderr)

    n = len(items)
    best, median = min(times), statistics.median(times)

    # Prediction per message after edits: the last event's result wins.
    pred: dict[tuple[int, tuple[int, int]], list | None] = {}
    for owner, r in zip(owners, results):
        pred[owner] = r

    per_file = {}
    total = new_counts()
    verbose_lines = []
    for si, sc in enumerate(scenarios):
        c = new_counts()
        for m in final_messages(sc):
            lab = m.label
            if not lab.get("task"):
                continue
            found = pred[(si, m.key)] or []
            dates = [d for _, d in found]
            first = dates[0] if dates else None
            last = dates[-1] if dates else None
            want = lab.get("deadline")
            c["tasks"] += 1
            if want is None:
                if dates:
                    c["label_null_found"] += 1
                else:
                    c["label_null_quiet"] += 1
            else:
                c["label_deadline"] += 1
                c["found_any"] += bool(dates)
                ok_last = matches(last, want)
                c["correct_last"] += ok_last
                c["correct_first"] += matches(first, want)
                c["correct_any"] += any(matches(d, want) for d in dates)
                if "T" in want:
                    c["label_minute"] += 1
                    c["correct_minute_last"] += ok_last
                else:
                    c["label_day"] += 1
                    c["correct_day_last"] += ok_last
            if args.verbose:
                verbose_lines.append(
                    f"{sc.file} {m.key[0]}/{m.key[1]} label={want} last={last} first={first} "
                    f"spans={[s for s, _ in found]}"
                )
        for k in total:
            total[k] += c[k]
        per_file[sc.file] = finish(c)
        per_file[sc.file]["messages"] = len(sc.events)
        per_file[sc.file]["lang"] = sc.lang
        fbest = min(ft[si] for ft in file_times)
        per_file[sc.file]["msgs_per_sec"] = round(len(sc.events) / fbest, 1) if fbest else None
    overall = finish(total)

    out = {
        "peer": "dateparser",
        "version": dateparser.__version__,
        "python": platform.python_version(),
        "messages": n,
        "repeat": len(times),
        "seconds_best": round(best, 4),
        "seconds_median": round(median, 4),
        "msgs_per_sec": round(n / best, 1),
        "msgs_per_sec_median": round(n / median, 1),
        "us_per_msg_best": round(best / n * 1e6, 1),
        "deadline_accuracy": round(overall["accuracy"], 4),
        "deadline_accuracy_first": round(overall["accuracy_first"], 4),
        "deadline_accuracy_any_oracle": round(overall["accuracy_any_oracle"], 4),
        "overall": overall,
        "per_file": per_file,
    }
    if args.json:
        print(json.dumps(out, ensure_ascii=False))
        return

    print(f"dateparser {dateparser.__version__} (Python {platform.python_version()}) on {args.corpus}")
    print(f"events timed (message + edit): {n}; warm-up 1 pass, timed passes {len(times)}")
    print("pass seconds: " + ", ".join(f"{t:.3f}" for t in times))
    print(f"speed: best {n / best:,.1f} msg/s ({best / n * 1e6:,.0f} us/msg), median {n / median:,.1f} msg/s")
    print("per file (best pass): " + ", ".join(f"{k} [{v['lang']}] {v['msgs_per_sec']:,.0f} msg/s" for k, v in per_file.items()))
    print()
    hdr = f"{'file':34} {'tasks':>5} {'scored':>6} {'last':>12} {'first':>12} {'any(oracle)':>12}  minute  day  null-found"
    print(hdr)
    rows = list(per_file.items()) + [("OVERALL", overall)]
    for name, r in rows:
        print(
            f"{name:34} {r['tasks']:5d} {r['scored']:6d} "
            f"{r['correct_last']:3d} {r['accuracy']:7.1%} {r['correct_first']:3d} {r['accuracy_first']:7.1%} "
            f"{r['correct_any']:3d} {r['accuracy_any_oracle']:7.1%}  "
            f"{r['correct_minute_last']:2d}/{r['label_minute']:<3d} {r['correct_day_last']:2d}/{r['label_day']:<3d} "
            f"{r['label_null_found']:2d}"
        )
    print()
    print("headline = 'last' (last date found is the deadline); 'first' is the alternative pick;")
    print("'any(oracle)' = some found date matches: an upper bound for any rule that picks among them.")
    if args.verbose:
        print()
        print("\n".join(verbose_lines))
    print()
    print(json.dumps(out, ensure_ascii=False))


if __name__ == "__main__":
    main()
