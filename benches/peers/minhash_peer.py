#!/usr/bin/env python3
"""Peer: near-duplicate task merging with datasketch MinHashLSH.

What a user might reach for instead of onedigest's duplicate matcher:
MinHashLSH(threshold=0.5, num_perm=128) over character 3-grams of the message
text, after lowercasing and removing all whitespace (a text shorter than 3
characters is one shingle).  Each MinHash is built with
``MinHash(num_perm=128, permutations=<shared>, scheme=<default>)`` and
``update_batch`` on the UTF-8 shingles: the fast way to use the library
(a bare ``MinHash(num_perm=128)`` regenerates its 128 permutations on every
construction, ~0.3 ms each on this machine).

Decision for a new message: MinHash its text, ``lsh.query`` it, and take the
candidate with the highest estimated Jaccard (``MinHash.jaccard``) as its
duplicate (ties: the earliest inserted).  No further cut-off on the estimate
unless ``--min-jaccard`` is given.

Modes
  --corpus [DIR]   labeled scenarios (default ../shared/corpus/scenarios from
                   the repo root).  Per scenario file, one fresh index: the
                   task messages (final label ``task: true``, after edits, as
                   src/cli/eval/score.rs keys them by (chat_id, message_id); text = the
                   last edit's) in time order (order of the original message);
                   each is decided against the earlier ones, joined to its
                   best candidate (union-find), then inserted.  Scored by
                   pairwise precision/recall/F1 against the label ``dup`` keys
                   (two task messages with the same key = positive pair),
                   per file and overall (pair counts summed).  The task labels
                   are an oracle here: this peer does no task detection.
  --synthetic [N]  N (default 100000) generated Chinese task texts, index
                   built, then 1,000 new generated messages timed one by one
                   (MinHash + query + best candidate; the new message is not
                   inserted).  Reports p50/p90/p99/mean/max microseconds,
                   candidate counts, build time and peak RSS
                   (``resource.getrusage(RUSAGE_SELF).ru_maxrss``).

With no mode, ``--corpus`` runs.  ``--json`` prints only one JSON line per mode.
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import re
import resource
import statistics
import sys
import time
from itertools import combinations
from pathlib import Path

sys.dont_write_bytecode = True  # leave no __pycache__ in the repo
sys.path.insert(0, str(Path(__file__).resolve().parent))
from _scenarios import DEFAULT_CORPUS, final_messages, load, scenario_files  # noqa: E402

import datasketch  # noqa: E402
import numpy  # noqa: E402
from datasketch import MinHash, MinHashLSH  # noqa: E402

NUM_PERM = 128
THRESHOLD = 0.5
SEED = 20240617

_WS = re.compile(r"\s+")
_PROTO = MinHash(num_perm=NUM_PERM)  # permutations generated once, shared by every MinHash
_PERMS, _SCHEME = _PROTO.permutations, _PROTO.scheme


def shingles(text: str) -> list[bytes]:
    s = _WS.sub("", text.lower())
    if len(s) < 3:
        return [s.encode("utf-8")] if s else []
    return list({s[i : i + 3].encode("utf-8") for i in range(len(s) - 2)})


def minhash(text: str) -> MinHash:
    m = MinHash(num_perm=NUM_PERM, permutations=_PERMS, scheme=_SCHEME)
    sh = shingles(text)
    if sh:
        m.update_batch(sh)
    return m


def best_candidate(m: MinHash, lsh: MinHashLSH, store: dict, order: dict, min_j: float):
    """(key, estimated Jaccard, number of candidates) of the best earlier message."""
    cands = lsh.query(m)
    best, best_j, best_o = None, -1.0, None
    for c in cands:
        j = m.jaccard(store[c])
        o = order[c]
        if j > best_j or (j == best_j and o < best_o):
            best, best_j, best_o = c, j, o
    if best is not None and best_j < min_j:
        best = None
    return best, best_j, len(cands)


def rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # Linux: KiB


# --------------------------------------------------------------------------
# corpus mode


class UnionFind:
    def __init__(self):
        self.p = {}

    def find(self, x):
        self.p.setdefault(x, x)
        while self.p[x] != x:
            self.p[x] = self.p[self.p[x]]
            x = self.p[x]
        return x

    def union(self, a, b):
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.p[rb] = ra


def pairs_of(groups: dict) -> set:
    out = set()
    for members in groups.values():
        for a, b in combinations(sorted(members), 2):
            out.add((a, b))
    return out


def run_corpus(folder: Path, min_j: float, verbose: bool):
    per_file = {}
    tot = {"tasks": 0, "tp": 0, "fp": 0, "fn": 0, "seconds": 0.0}
    notes = []
    pos_j: list[float] = []
    for path in scenario_files(folder):
        sc = load(path)
        tasks = [m for m in final_messages(sc) if m.label.get("task")]
        lsh = MinHashLSH(threshold=THRESHOLD, num_perm=NUM_PERM)
        store, order, uf = {}, {}, UnionFind()
        t0 = time.perf_counter()
        for i, m in enumerate(tasks):
            key = f"{m.key[0]}/{m.key[1]}"
            mh = minhash(m.text)
            uf.find(key)
            best, j, _ = best_candidate(mh, lsh, store, order, min_j)
            if best is not None:
                uf.union(best, key)
            if verbose and best is not None:
                notes.append(f"{sc.file} {key} -> {best} J~{j:.2f}")
            lsh.insert(key, mh)
            store[key], order[key] = mh, i
        secs = time.perf_counter() - t0

        truth, pred = {}, {}
        for m in tasks:
            key = f"{m.key[0]}/{m.key[1]}"
            if m.label.get("dup") is not None:
                truth.setdefault(m.label["dup"], []).append(key)
            pred.setdefault(uf.find(key), []).append(key)
        tp_set, pp_set = pairs_of(truth), pairs_of(pred)
        tp = len(tp_set & pp_set)
        c = {"tasks": len(tasks), "tp": tp, "fp": len(pp_set) - tp, "fn": len(tp_set) - tp, "seconds": secs}
        per_file[sc.file] = prf(c)
        # Diagnostic (not timed): exact 3-gram Jaccard of every labeled positive pair,
        # i.e. what the LSH threshold is up against.
        sets = {f"{m.key[0]}/{m.key[1]}": set(shingles(m.text)) for m in tasks}
        for a, b in tp_set:
            u = sets[a] | sets[b]
            pos_j.append(len(sets[a] & sets[b]) / len(u) if u else 1.0)
        for k in tot:
            tot[k] += c[k]
    overall = prf(tot)
    if pos_j:
        overall["positive_pairs_exact_jaccard"] = {
            "pairs": len(pos_j),
            "median": round(statistics.median(pos_j), 3),
            "p90": round(pct(pos_j, 90), 3),
            "max": round(max(pos_j), 3),
            "at_least_threshold": sum(j >= THRESHOLD for j in pos_j),
        }
    return per_file, overall, notes


def prf(c: dict) -> dict:
    p = c["tp"] / (c["tp"] + c["fp"]) if c["tp"] + c["fp"] else 1.0
    r = c["tp"] / (c["tp"] + c["fn"]) if c["tp"] + c["fn"] else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    out = dict(c)
    out.update(precision=round(p, 4), recall=round(r, 4), f1=round(f, 4), seconds=round(c["seconds"], 4))
    return out


# --------------------------------------------------------------------------
# synthetic mode: realistic Chinese work-group asks, many sharing templates

DEPTS = [
    "县委办", "县政府办", "县防办", "县应急局", "县水利局", "县文旅局", "县卫健局", "县民政局",
    "县农业农村局", "县委宣传部", "县教育局", "县住建局", "县市场监管局", "县林业局", "县统计局",
    "镇党政办", "镇应急办", "镇综治办", "镇文化站", "镇财政所", "镇安监站", "镇社保所", "镇卫生院",
    "镇林业站", "镇水利站", "镇乡村振兴办", "镇党建办", "镇经发办", "镇城管中队", "镇退役军人服务站",
]
DELIVERABLES = [
    "值班表", "统计表", "台账", "照片", "截图", "签到表", "工作总结", "排班表", "汇总表", "报名表",
    "人员名单", "物资清单", "自查报告", "信息简报", "宣传稿件", "会议纪要", "巡查记录", "整改照片",
    "活动照片", "学习截图", "考勤表", "隐患排查台账", "花名册", "情况说明", "进度表", "签字版扫描件",
    "问卷链接截图", "现场照片", "培训签到表", "资金使用明细", "防汛值班表", "雨情水情报表",
]
TOPICS = [
    "防汛", "安全生产", "森林防火", "文明创建", "乡村振兴", "疫苗接种", "秸秆禁烧", "人居环境整治",
    "文化下乡", "年终考核", "矛盾纠纷排查", "燃气安全", "消防安全", "低保复核", "医保缴费", "党史学习",
    "网格化管理", "农村危房改造", "耕地保护", "禁毒宣传", "反诈宣传", "高温慰问", "防溺水", "食品安全",
]
PERIODS = [
    "本周", "上周", "本月", "6月份", "7月份", "第二季度", "第三季度", "上半年", "今年", "国庆期间",
    "端午期间", "汛期", "春节前后", "十月份", "11月", "12月", "",
]
VILLAGE_A = "沙新东西南北上下大小清石桃柳杨李王张陈黄白青红金"
VILLAGE_B = "湾洲岗坪塘桥庄埠岭河溪山田坝冲垸"
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = "磊芳伟娜敏静强军洋勇艳杰娟涛明超秀霞平刚桂英华"
UNITS = ["各村", "各社区", "各村（社区）", "各科室", "各站所", "各网格", "各位网格员", "各村书记", "各位村干部"]
DEADLINES = [
    "今天下午5点前", "今天下班前", "明天上午10点前", "明天中午12点前", "明天下班前", "后天上午9点前",
    "周一前", "周三中午前", "周五下班前", "本周五17:00前", "下周二前", "本周内", "月底前", "本月25日前",
    "{m}月{d}日前", "{m}月{d}日{h}:00前", "{m}月{d}日下午{h12}点前", "48小时内", "2小时内", "今晚8点前",
    "3点前", "4点前", "节前", "{d}号前",
]
TEMPLATES = [
    "请{unit}于{dl}将{period}{topic}{deliv}报{dept}。",
    "【通知】{unit}：{period}{topic}{deliv}请于{dl}报送{dept}，逾期未报的将通报。",
    "{unit}注意：{topic}{deliv}{dl}交，电子版发群里，纸质版盖章后送{dept}。",
    "@{person} 请把{village}的{topic}{deliv}{dl}发我。",
    "再次提醒：{period}{topic}{deliv}还有{k}个村没交，请{dl}补齐。",
    "{dept}要{period}{topic}{deliv}，{unit}{dl}报我汇总。",
    "转{dept}通知：{topic}{deliv}（{period}）{dl}报送，联系人{person}，电话{phone}。",
    "{village}、{village2}的{topic}{deliv}还没交，抓紧，{dl}。",
    "请各位{dl}在群里上传{topic}{deliv}，每村不少于{k}张。",
    "明天{topic}检查，请{unit}{dl}把{deliv}准备好。",
    "{unit}{topic}{deliv}请按模板填写，{dl}交{dept}{person}。",
    "紧急！{dept}通知，{period}{topic}{deliv}{dl}必须报，不得延误。",
    "{topic}工作：请{unit}书记{dl}到{dept}会议室参会，带上{deliv}。",
    "{period}{topic}{deliv}模板已更新，请用新模板重新报，{dl}。",
    "{person}，麻烦把{village}{period}的{topic}{deliv}整理一下，{dl}给我。",
    "关于{topic}：{unit}{dl}把{deliv}和{deliv2}一并报{dept}，谢谢配合！",
    "{dept}：{period}{topic}{deliv}{dl}报送，未报的村请说明原因。",
    "提醒一下，{topic}{deliv}截止{dl}，已交的不用重复交。",
]


class SyntheticTexts:
    """Deterministic generator of Chinese task messages (seeded ``random.Random``)."""

    def __init__(self, seed: int):
        self.r = random.Random(seed)
        r = self.r
        self.villages = sorted({r.choice(VILLAGE_A) + r.choice(VILLAGE_B) + "村" for _ in range(400)})
        self.people = sorted({r.choice(SURNAMES) + r.choice(GIVEN) + (r.choice(GIVEN) if r.random() < 0.5 else "") for _ in range(400)})
        # Template popularity is skewed, as in real groups (a few phrasings dominate).
        self.tw = [1.0 / (i + 1) ** 0.7 for i in range(len(TEMPLATES))]

    def deadline(self) -> str:
        r = self.r
        d = r.choice(DEADLINES)
        return d.format(m=r.randint(1, 12), d=r.randint(1, 28), h=r.choice([9, 10, 12, 15, 16, 17, 18]), h12=r.randint(2, 5))

    def text(self) -> str:
        r = self.r
        t = r.choices(TEMPLATES, weights=self.tw)[0]
        deliv = r.choice(DELIVERABLES)
        return t.format(
            unit=r.choice(UNITS), dl=self.deadline(), period=r.choice(PERIODS), topic=r.choice(TOPICS),
            deliv=deliv, deliv2=r.choice([x for x in DELIVERABLES if x != deliv]), dept=r.choice(DEPTS),
            person=r.choice(self.people), village=r.choice(self.villages), village2=r.choice(self.villages),
            k=r.randint(2, 9), phone="1" + str(r.choice([38, 39, 58, 59, 87])) + "".join(r.choice("0123456789") for _ in range(8)),
        )


def pct(xs: list[float], q: float) -> float:
    s = sorted(xs)
    i = min(len(s) - 1, max(0, int(round(q / 100.0 * (len(s) - 1)))))
    return s[i]


def run_synthetic(n: int, queries: int, seed: int, min_j: float, texts_file: str = None) -> dict:
    rss_start = rss_mib()
    gen = SyntheticTexts(seed)
    if texts_file:
        # The very texts the Rust benchmark indexed: one per line, the last
        # `queries` lines are the new messages.
        with open(texts_file, encoding="utf-8") as fh:
            lines = [l.rstrip("\n") for l in fh if l.strip()]
        texts, new = lines[: max(0, min(n, len(lines) - queries))], lines[-queries:]
    else:
        texts = [gen.text() for _ in range(n)]
        new = [gen.text() for _ in range(queries)]
    warm = [gen.text() for _ in range(50)]
    rss_texts = rss_mib()

    lsh = MinHashLSH(threshold=THRESHOLD, num_perm=NUM_PERM)
    store, order = {}, {}
    t0 = time.perf_counter()
    for i, t in enumerate(texts):
        m = minhash(t)
        lsh.insert(i, m)
        store[i], order[i] = m, i
    build_s = time.perf_counter() - t0
    rss_built = rss_mib()

    for t in warm:  # untimed warm-up
        best_candidate(minhash(t), lsh, store, order, min_j)
    lat, ncands, found = [], [], 0
    for t in new:
        a = time.perf_counter_ns()
        m = minhash(t)
        best, _, nc = best_candidate(m, lsh, store, order, min_j)
        b = time.perf_counter_ns()
        lat.append((b - a) / 1000.0)
        ncands.append(nc)
        found += best is not None
    rss_end = rss_mib()
    return {
        "peer": "minhash",
        "mode": "synthetic",
        "version": datasketch.__version__,
        "numpy": numpy.__version__,
        "python": platform.python_version(),
        "num_perm": NUM_PERM,
        "threshold": THRESHOLD,
        "lsh_bands_rows": [lsh.b, lsh.r],
        "seed": seed,
        "n_indexed": n,
        "n_queries": queries,
        "distinct_indexed_texts": len(set(texts)),
        "mean_text_chars": round(statistics.mean(len(t) for t in texts), 1),
        "build_seconds": round(build_s, 2),
        "build_us_per_msg": round(build_s / n * 1e6, 1),
        "p50_us": round(pct(lat, 50), 1),
        "p90_us": round(pct(lat, 90), 1),
        "p99_us": round(pct(lat, 99), 1),
        "mean_us": round(statistics.mean(lat), 1),
        "max_us": round(max(lat), 1),
        "candidates_mean": round(statistics.mean(ncands), 1),
        "candidates_p50": pct(ncands, 50),
        "candidates_p99": pct(ncands, 99),
        "queries_with_duplicate": found,
        "peak_rss_mib_start": round(rss_start, 1),
        "peak_rss_mib_texts": round(rss_texts, 1),
        "peak_rss_mib_after_build": round(rss_built, 1),
        "peak_rss_mib_end": round(rss_end, 1),
        "sample_texts": texts[:3],
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", nargs="?", const=str(DEFAULT_CORPUS), default=None, metavar="DIR",
                    help="score on labeled scenarios (default dir: %s)" % DEFAULT_CORPUS)
    ap.add_argument("--synthetic", nargs="?", const=100000, type=int, default=None, metavar="N",
                    help="time decisions against an index of N generated texts (default 100000)")
    ap.add_argument("--queries", type=int, default=1000, help="timed new messages in --synthetic (default 1000)")
    ap.add_argument("--seed", type=int, default=SEED, help="generator seed for --synthetic (default %(default)s)")
    ap.add_argument("--min-jaccard", type=float, default=0.0,
                    help="also require the best candidate's estimated Jaccard >= this (default 0: none)")
    ap.add_argument("--texts", default=None, metavar="FILE",
                    help="synthetic mode: index the first N lines of FILE and time the last --queries lines "
                         "(the Rust benchmark writes its own generated texts here, so both time the same texts)")
    ap.add_argument("--json", action="store_true", help="print only the JSON result line(s)")
    ap.add_argument("--verbose", action="store_true", help="corpus mode: list each merge")
    args = ap.parse_args()
    if args.corpus is None and args.synthetic is None:
        args.corpus = str(DEFAULT_CORPUS)

    if args.corpus is not None:
        per_file, overall, notes = run_corpus(Path(args.corpus), args.min_jaccard, args.verbose)
        out = {
            "peer": "minhash",
            "mode": "corpus",
            "version": datasketch.__version__,
            "num_perm": NUM_PERM,
            "threshold": THRESHOLD,
            "min_jaccard": args.min_jaccard,
            "dup_precision": overall["precision"],
            "dup_recall": overall["recall"],
            "dup_f1": overall["f1"],
            "overall": overall,
            "per_file": per_file,
        }
        if not args.json:
            print(f"datasketch {datasketch.__version__} MinHashLSH(threshold={THRESHOLD}, num_perm={NUM_PERM}), "
                  f"char 3-grams, min Jaccard {args.min_jaccard}; corpus {args.corpus}")
            print(f"{'file':34} {'tasks':>5} {'TP':>4} {'FP':>4} {'FN':>4} {'prec':>7} {'recall':>7} {'F1':>7} {'ms':>7}")
            for name, r in list(per_file.items()) + [("OVERALL", overall)]:
                print(f"{name:34} {r['tasks']:5d} {r['tp']:4d} {r['fp']:4d} {r['fn']:4d} "
                      f"{r['precision']:7.3f} {r['recall']:7.3f} {r['f1']:7.3f} {r['seconds'] * 1e3:7.1f}")
            pj = overall.get("positive_pairs_exact_jaccard")
            if pj:
                print(f"labeled duplicate pairs: {pj['pairs']}; their exact 3-gram Jaccard: median {pj['median']}, "
                      f"p90 {pj['p90']}, max {pj['max']}; at or above {THRESHOLD}: {pj['at_least_threshold']}")
            if notes:
                print("\n".join(notes))
        print(json.dumps(out, ensure_ascii=False))

    if args.synthetic is not None:
        out = run_synthetic(args.synthetic, args.queries, args.seed, args.min_jaccard, args.texts)
        if not args.json:
            print(f"synthetic: {out['n_indexed']:,} indexed Chinese task texts "
                  f"({out['distinct_indexed_texts']:,} distinct, mean {out['mean_text_chars']} chars), seed {out['seed']}")
            print(f"  e.g. {out['sample_texts'][0]}")
            print(f"  build: {out['build_seconds']} s ({out['build_us_per_msg']} us/msg), LSH bands x rows = {out['lsh_bands_rows']}")
            print(f"  decision for {out['n_queries']} new messages (MinHash + query + best by Jaccard): "
                  f"p50 {out['p50_us']} us, p90 {out['p90_us']} us, p99 {out['p99_us']} us, "
                  f"mean {out['mean_us']} us, max {out['max_us']} us")
            print(f"  candidates per query: mean {out['candidates_mean']}, p50 {out['candidates_p50']}, "
                  f"p99 {out['candidates_p99']}; queries with a duplicate: {out['queries_with_duplicate']}")
            print(f"  peak RSS (ru_maxrss): start {out['peak_rss_mib_start']} MiB, texts generated "
                  f"{out['peak_rss_mib_texts']} MiB, after build {out['peak_rss_mib_after_build']} MiB, "
                  f"end {out['peak_rss_mib_end']} MiB")
        print(json.dumps(out, ensure_ascii=False))


if __name__ == "__main__":
    main()
