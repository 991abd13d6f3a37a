#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# The overhead benchmark's report: reads the results bench/guest.sh wrote
# (DIR/{main,smp,wall}/results.txt), prints the table, the goals (PASS,
# MISS or n/a) and the other sections, and writes them all as JSON.
#
#   bench/report.py [--json FILE] [--qemu VERSION] DIR...
#
# DIR is one kernel's results (bench.sh's out/bench/FLAVOUR) or a
# directory of them (out/bench): a report per kernel, oldest kernel
# first, then every kernel side by side.  The JSON: {"kernels": {FLAVOUR:
# that kernel's figures}, "order": [...], "summary": {...}}.

import argparse
import json
import os
import statistics
import sys

# The main table's rows, in order: (key, number, label).  faultlat's
# default, probe_mode=auto, attaches directly (guest.sh checks that).
ROWS = [
    ("none", "1", "no instrumentation"),
    ("floor", "2", "kretprobe floor: empty handlers"),
    ("direct_floor", "2d", "direct floor: empty trampolines, tlb=0"),
    ("faultlat_notlb", "3", "faultlat direct tlb=0, trace events off"),
    ("faultlat_notrace", "3b", "faultlat direct tlb=0, events compiled out"),
    ("faultlat_nocg", "3c", "faultlat direct tlb=0 cgroups=0"),
    ("faultlat_causes", "3t", "faultlat direct tlb=0 causes=1"),
    ("faultlat_paths", "3p", "faultlat direct tlb=0 paths=1"),
    ("faultlat_trace", "4", "faultlat direct tlb=0, fault event on, read"),
    ("faultlat_tracef", "4f", "faultlat direct tlb=0, event filtered out"),
    ("faultlat_stack", "4s", "faultlat direct tlb=0, every fault + stacks"),
    ("faultlat", "5", "faultlat default: direct, fault + TLB probes"),
    ("faultlat_kprobe_notlb", "3k", "faultlat probe_mode=kprobe tlb=0"),
    ("faultlat_kprobe", "5k", "faultlat probe_mode=kprobe, fault + TLB"),
    ("bpftrace_kprobe", "6", "bpftrace kprobe/kretprobe, tid map, hist()"),
    ("bpftrace_kfunc", "7", "bpftrace kfunc/kretfunc, tid map, hist()"),
    ("perf_ftrace", "8", "perf ftrace latency -T handle_mm_fault"),
]
# The TLB section's rows.
TLB_ROWS = [
    ("none", "no instrumentation"),
    ("faultlat_notlb", "faultlat direct tlb=0"),
    ("faultlat", "faultlat direct (default)"),
    ("direct_floor", "direct floor: empty trampolines, tlb=0"),
    ("direct_floor_tlb", "direct floor: empty trampolines, tlb=1"),
    ("faultlat_kprobe_notlb", "faultlat probe_mode=kprobe tlb=0"),
    ("faultlat_kprobe", "faultlat probe_mode=kprobe"),
]
LABEL = {k: label for k, _, label in ROWS}
LABEL.update({k: label for k, label in TLB_ROWS if k not in LABEL})
NUM = {k: n for k, n, _ in ROWS}
# The rows measured against the direct floor: those that attach directly.
DIRECT_ROWS = ("faultlat_notlb", "faultlat_notrace", "faultlat_nocg",
               "faultlat_causes", "faultlat_paths", "faultlat_trace",
               "faultlat_tracef", "faultlat_stack",
               "faultlat")
# Rows whose tool has a process reading its events while the workload
# runs: when that reader wakes up is not the same from run to run.
READERS = ("faultlat_trace", "perf_ftrace")

# What the issue measured on Debian 6.1.0-56 generic, for comparison.
REFERENCE = {"none": 3340, "floor": 3733, "bpftrace_kfunc": 5319}

# Goals' limits, in instructions per fault unless said otherwise.
FLOOR_SLACK = 60
BPFTRACE_FRACTION = 4
DIRECT_MAX = 150        # issue 7: direct, all features, trace off
KFUNC_RATIO_MIN = 13    # issue 7: times cheaper than bpftrace kfunc
TRACE_DISABLED_MAX = 5
CGROUP_MAX = 20         # issue 17: the cgroup attribution, per minor fault
BYTES_PER_TASK_MAX = 2048
GROWTH_MAX = 5          # tracked tasks: "must not grow", instructions
SMP_GROWTH_MAX = 5      # two processes at once: percentage points
CHURN_GROWTH_MAX = 2000 # thread churn, 32 -> 256 alive: instructions (runs spread ~1300)
DETERMINISM_MAX = 0.1   # two runs of a row: % of its figure
NOISE_MAX = 10          # wall-clock: row 1's spread (%) that still tells


def parse_line(line):
    tag, _, rest = line.partition(" ")
    rec = {"tag": tag}
    if " why=" in " " + rest:
        rest, _, why = (" " + rest).partition(" why=")
        rec["why"] = why
    for kv in rest.split():
        k, _, v = kv.partition("=")
        try:
            rec[k] = int(v)
        except ValueError:
            rec[k] = v
    return rec


def load(path):
    recs = []
    if not os.path.exists(path):
        return recs
    with open(path) as f:
        for line in f:
            line = line.strip()
            if line and line[0] in "RENM" and line[1:2] == " ":
                recs.append(parse_line(line))
    return recs


def runs(recs, sec, row):
    return [r for r in recs if r["tag"] == "R" and r["sec"] == sec and
            r["row"] == row]


def per_fault(r):
    return r["ns"] / r["pages"]


def wallfmt(row):
    if "wall_ns_per_fault_median" not in row:
        return "n/a"
    return f"{row['wall_ns_per_fault_median']:.0f} " \
        f"({row['wall_ns_per_fault_min']:.0f})"


def wallpct(row, key):
    if key == "none":
        return "-"
    if row.get("wall_over_none_pct") is None:
        return "n/a"
    return f"{row['wall_over_none_pct']:+.0f}%"


def agreement(pf):
    """(closest %, closest, spread %, spread, outliers) of a row's runs:
    the two runs nearest each other, the largest difference, and the runs
    farther than DETERMINISM_MAX % from the median, as (run, difference)."""
    s = sorted(pf)
    close = min(b - a for a, b in zip(s, s[1:]))
    med = statistics.median(pf)
    out = [(i + 1, x - med) for i, x in enumerate(pf)
           if abs(x - med) > med * DETERMINISM_MAX / 100]
    return (100 * close / s[0], close, 100 * (s[-1] - s[0]) / s[0],
            s[-1] - s[0], out)


def fmt(x, signed=False, nd=1):
    if x is None:
        return "n/a"
    return f"{x:+.{nd}f}" if signed else f"{x:.{nd}f}"


class Report:
    def __init__(self, d, qemu):
        # the kernel's name: bench.sh's directory, the kernel.sh flavour
        self.flavour = os.path.basename(os.path.normpath(d))
        self.main = load(os.path.join(d, "main", "results.txt"))
        self.smp = load(os.path.join(d, "smp", "results.txt"))
        self.wall = load(os.path.join(d, "wall", "results.txt"))
        self.host = {r["boot"]: r for r in load(os.path.join(d, "host.txt"))}
        self.out = []
        self.goals = []
        self.problems = []
        env = [r for r in self.main if r["tag"] == "M" and
               r.get("what") == "env"]
        self.env = env[0] if env else {}
        self.env["qemu"] = qemu
        self.pages = self.env.get("pages", 0)
        self.json = {"environment": self.env, "reference": REFERENCE}

    def p(self, s=""):
        self.out.append(s)

    def goal(self, name, status, measured, limit):
        self.goals.append({"goal": name, "status": status,
                           "measured": measured, "limit": limit})

    def check_faults(self, recs, what):
        """Every run took one fault per page, as getrusage counts them."""
        def expected(r):
            if r["sec"].startswith("churn"):
                # the threads' own faults too (stacks, TLS)
                return r["minflt"] >= r["pages"]
            if r["sec"] in ("tlb_mprotect", "switch"):
                return r["minflt"] == 0
            if r["sec"] == "major":
                return r["majflt"] == r["pages"]
            return r["minflt"] == r["pages"]
        bad = [r for r in recs if r["tag"] == "R" and r["sec"] != "warmup"
               and not expected(r)]
        for r in bad:
            self.problems.append(
                f"{what}: {r['sec']} {r['row']} #{r['rep']}: "
                f"{r['pages']} pages, minflt {r['minflt']}, "
                f"majflt {r['majflt']}")
        return not bad

    # --- the main table ---
    def table(self):
        rows = {}
        det = []
        for key, num, label in ROWS:
            rs = runs(self.main, "main", key)
            na = [r for r in self.main if r["tag"] == "N" and
                  r["row"] == key and r["sec"] == "main"]
            ev = [r for r in self.main if r["tag"] == "E" and
                  r["row"] == key and r["sec"] == "main"]
            ws = runs(self.wall, "wall", key)
            row = {"row": num, "label": label}
            if na or not rs:
                row["na"] = na[0]["why"] if na else "not measured"
                rows[key] = row
                continue
            pf = [per_fault(r) for r in rs]
            # The median: a run that something else in the guest ran into
            # (see the determinism check) does not move it.
            row["instructions_per_fault"] = statistics.median(pf)
            row["runs"] = pf
            row["minflt"] = [r["minflt"] for r in rs]
            if len(pf) > 1:
                det.append(agreement(pf) + (key,))
            if ev:
                row["events_per_run"] = ev[0]["events"] / ev[0]["runs"]
            if ws:
                wpf = [per_fault(r) for r in ws]
                row["wall_ns_per_fault_runs"] = wpf
                row["wall_ns_per_fault_median"] = statistics.median(wpf)
                row["wall_ns_per_fault_min"] = min(wpf)
            rows[key] = row
        base = rows["none"].get("instructions_per_fault")
        floor = rows["floor"].get("instructions_per_fault")
        dfloor = rows["direct_floor"].get("instructions_per_fault")
        wbase = rows["none"].get("wall_ns_per_fault_median")
        for key, row in rows.items():
            x = row.get("instructions_per_fault")
            if x is None:
                continue
            row["over_none"] = x - base if base is not None else None
            row["over_floor"] = x - floor if floor is not None else None
            if key in DIRECT_ROWS:
                row["over_direct_floor"] = x - dfloor \
                    if dfloor is not None else None
            w = row.get("wall_ns_per_fault_median")
            if w is not None and wbase:
                row["wall_over_none_pct"] = 100 * (w - wbase) / wbase
        self.rows = rows
        self.json["main"] = rows
        self.json["host"] = self.host

        e = self.env
        self.p(f"faultlat overhead benchmark: Debian {e.get('kernel', '?')}"
               f", {e.get('qemu', 'QEMU')}")
        self.p(f"workload: {self.pages} fresh anonymous 4 KiB pages "
               "(MADV_NOHUGEPAGE), one write each; 1 vCPU, "
               "-icount shift=0,sleep=off: 1 ns = 1 guest instruction")
        self.p(f"every row: attached once, one untimed run, then "
               f"{e.get('reps', '?')} timed runs (instructions: their "
               "median);"
               " wall: the same in a plain TCG boot, median of 5 runs")
        self.p("vs floor: over row 2, the empty kretprobe; vs 2d: over the "
               "direct floor (empty trampolines, bench/floor/dfloor.c), "
               "for the rows that attach directly")
        self.p()
        hdr = (f"{'#':>3} {'instrumentation':<44} {'instr/fault':>11} "
               f"{'vs row 1':>9} {'vs floor':>9} {'vs 2d':>7} "
               f"{'recorded':>9} "
               f"{'wall ns/fault (min)':>19} {'wall vs 1':>9}")
        self.p(hdr)
        self.p("-" * len(hdr))
        for key, num, label in ROWS:
            row = rows[key]
            if "na" in row:
                if key == "faultlat_notrace" and "not implemented" in \
                        rows["faultlat_trace"].get("na", "not implemented"):
                    continue    # both trace rows: one n/a line is enough
                self.p(f"{num:>3} {label:<44} n/a: {row['na']}")
                continue
            rec = row.get("events_per_run")
            recs = "-" if key in ("none", "floor", "direct_floor") or \
                rec is None else f"{100 * rec / self.pages:.1f}%"
            vsd = fmt(row["over_direct_floor"], True) \
                if "over_direct_floor" in row else "-"
            self.p(f"{num:>3} {label:<44} "
                   f"{fmt(row['instructions_per_fault']):>11} "
                   f"{'-' if key == 'none' else fmt(row['over_none'], True):>9} "
                   f"{'-' if key in ('none', 'floor') else fmt(row['over_floor'], True):>9} "
                   f"{vsd:>7} "
                   f"{recs:>9} "
                   f"{wallfmt(row):>19} "
                   f"{wallpct(row, key):>9}")
        self.p()
        self.p("recorded: samples the tool kept per run, over the run's "
               "faults (all processes' faults count: a little over 100% "
               "is everything; under 100%, the tool lost samples)")
        ok = self.check_faults(self.main, "main")
        self.p(f"getrusage: minflt {'=' if ok else '!='} {self.pages} "
               "in every timed run" +
               ("" if ok else " (see the problems below)"))
        num = NUM
        kern = [d for d in det if d[5] not in READERS]
        if kern:
            pct, close, wkey = max((d[0], d[1], d[5]) for d in kern)
            spct, spread, skey = max((d[2], d[3], d[5]) for d in kern)
            status = "PASS" if pct <= DETERMINISM_MAX else "MISS"
            # (--rows may leave row 1 out)
            bd = rows["none"].get("runs") or rows[wkey]["runs"]
            n = len(bd)
            self.p(f"determinism: {status}: in every row, the two closest of "
                   f"its {n} timed runs differ by at most {close:.2f} "
                   f"instructions per fault ({pct:.3f}%, row {num[wkey]}; "
                   f"limit {DETERMINISM_MAX}%); row "
                   f"{1 if 'runs' in rows['none'] else num[wkey]}: " +
                   ", ".join(f"{x:.2f}" for x in bd))
            outl = [(d[5], i, x) for d in kern for i, x in d[4]]
            if outl:
                self.p(f"  runs off their row's median by more than "
                       f"{DETERMINISM_MAX}% (something else in the guest "
                       "ran during them; the median leaves them out): " +
                       ", ".join(f"row {num[k]} run {i} {x:+.1f}"
                                 for k, i, x in outl))
            else:
                self.p(f"  every run within {DETERMINISM_MAX}% of its "
                       f"row's median; largest spread {spread:.2f} "
                       f"({spct:.3f}%, row {num[skey]})")
            self.json["determinism"] = {
                "status": status, "max_closest_difference": close,
                "max_closest_difference_pct": pct, "row": wkey,
                "max_spread": spread, "max_spread_pct": spct,
                "max_spread_row": skey, "limit_pct": DETERMINISM_MAX,
                "outliers": [{"row": k, "run": i, "difference": x}
                             for k, i, x in outl],
                "by_row": {d[5]: {"closest": d[1], "spread": d[3]}
                           for d in det}}
            for d in det:
                if d[5] in READERS:
                    self.p(f"  row {num[d[5]]}: runs spread {d[3]:.2f} "
                           f"({d[2]:.3f}%): its reader process runs beside "
                           "the workload, and when it wakes up varies")
            self.goal("identical runs give the same figures (rows without "
                      "a reader process: the two closest runs of each, % "
                      "of the row's figure)", status, round(pct, 3),
                      DETERMINISM_MAX)
        if wbase:
            w = rows["none"]["wall_ns_per_fault_runs"]
            spread = 100 * (max(w) / min(w) - 1)
            load = self.host.get("wall", {}).get("loadavg", "?")
            self.wall_noisy = spread > NOISE_MAX
            self.p(f"wall clock: row 1's 5 runs spread {spread:.0f}% "
                   f"(host load average {load} on "
                   f"{self.host.get('wall', {}).get('nproc', '?')} cores)" +
                   ("; too noisy to tell much" if self.wall_noisy else ""))
            self.json["wall_noise_pct"] = spread
        if base is not None and floor is not None:
            self.side_by_side()
        if base is not None and floor is not None and \
                e.get("kernel", "").startswith("6.1."):
            ref = REFERENCE
            bt = rows["bpftrace_kfunc"].get("instructions_per_fault")
            self.p(f"reference (issue, Debian 6.1.0-56): none "
                   f"{ref['none']}, floor {ref['floor']} "
                   f"({ref['floor'] - ref['none']:+}), bpftrace kfunc "
                   f"{ref['bpftrace_kfunc']} "
                   f"({ref['bpftrace_kfunc'] - ref['none']:+}); here: "
                   f"floor {floor - base:+.0f}" +
                   (f", bpftrace kfunc {bt - base:+.0f}" if bt else ""))
        if e.get("clear_page") == "erms":
            self.p("(the guest CPU has ERMS: clear_page is one "
                   "rep stosb, which -icount counts once per byte, "
                   "4096 per fault; compare overheads, not totals)")

    def side_by_side(self):
        """The two modes next to each other, with their floors."""
        rows = self.rows
        pairs = [("floor (empty handlers or hooks)", "floor", "direct_floor"),
                 ("faultlat tlb=0, trace events off", "faultlat_kprobe_notlb",
                  "faultlat_notlb"),
                 ("faultlat default (fault + TLB), trace off",
                  "faultlat_kprobe", "faultlat")]
        self.p()
        self.p("the two modes side by side (instructions per fault over "
               "row 1; in parentheses, over the mode's own floor):")
        self.p(f"  {'':<44} {'kretprobe':>18} {'direct':>18}")
        out = []
        fk = rows["floor"].get("over_none")
        fd = rows["direct_floor"].get("over_none")
        for label, k, d in pairs:
            a, b = rows[k].get("over_none"), rows[d].get("over_none")
            fa = "" if k == "floor" or a is None or fk is None else \
                f" ({a - fk:+.1f})"
            fb = "" if d == "direct_floor" or b is None or fd is None else \
                f" ({b - fd:+.1f})"
            self.p(f"  {label:<44} {fmt(a, True) + fa:>18} "
                   f"{fmt(b, True) + fb:>18}")
            out.append({"what": label, "kprobe": a, "direct": b})
        self.json["modes"] = out

    # --- goals ---
    def main_goals(self):
        rows = self.rows
        # Issue 5's, for the default (direct) rows; the kprobe rows'
        # figures are printed beside them.
        for key in ("faultlat_notlb", "faultlat", "faultlat_kprobe_notlb",
                    "faultlat_kprobe"):
            of = rows[key].get("over_floor")
            self.goal(f"row {NUM[key]} ({LABEL[key]}) <= kretprobe floor + "
                      f"{FLOOR_SLACK} instructions per fault",
                      "n/a" if of is None else
                      "PASS" if of <= FLOOR_SLACK else "MISS",
                      None if of is None else round(of, 1), FLOOR_SLACK)
        bts = [rows[k]["over_none"] for k in
               ("bpftrace_kprobe", "bpftrace_kfunc")
               if rows[k].get("over_none") is not None]
        for key in ("faultlat_notlb", "faultlat", "faultlat_kprobe_notlb",
                    "faultlat_kprobe"):
            on = rows[key].get("over_none")
            if on is None or not bts:
                self.goal(f"row {NUM[key]} ({LABEL[key]}): overhead <= "
                          "1/4 of the cheaper bpftrace row's", "n/a", None,
                          None)
                continue
            lim = min(bts) / BPFTRACE_FRACTION
            self.goal(f"row {NUM[key]} overhead <= 1/{BPFTRACE_FRACTION} "
                      f"of the cheaper bpftrace row's (+{min(bts):.0f})",
                      "PASS" if on <= lim else "MISS", round(on, 1),
                      round(lim, 1))
        on = rows["faultlat_notlb"].get("instructions_per_fault")
        off = rows["faultlat_notrace"].get("instructions_per_fault")
        if on is None or off is None:
            why = rows["faultlat_trace"].get("na") or \
                rows["faultlat_notrace"].get("na") or \
                rows["faultlat_notlb"].get("na")
            self.goal("disabled trace event <= +5 instructions per fault "
                      f"vs compiled out ({why})", "n/a", None,
                      TRACE_DISABLED_MAX)
        else:
            d = on - off
            self.goal("disabled trace event <= +5 instructions per fault "
                      "vs compiled out (rows 3 - 3b, direct)",
                      "PASS" if d <= TRACE_DISABLED_MAX else "MISS",
                      round(d, 1), TRACE_DISABLED_MAX)
        # Issue 17's: what counting each fault in its cgroup costs.
        on = rows["faultlat_notlb"].get("instructions_per_fault")
        off = rows["faultlat_nocg"].get("instructions_per_fault")
        if on is None or off is None:
            why = rows["faultlat_nocg"].get("na") or \
                rows["faultlat_notlb"].get("na")
            self.goal(f"cgroup attribution <= +{CGROUP_MAX} instructions "
                      f"per fault (rows 3 - 3c; {why})", "n/a", None,
                      CGROUP_MAX)
        else:
            d = on - off
            self.goal(f"cgroup attribution <= +{CGROUP_MAX} instructions "
                      "per fault (rows 3 - 3c, direct)",
                      "PASS" if d <= CGROUP_MAX else "MISS", round(d, 1),
                      CGROUP_MAX)
        # Issue 18's time by cause: what it costs when on (no goal; off,
        # it is in rows 3 and 5 already, one static branch a hook).
        on = rows["faultlat_causes"].get("instructions_per_fault")
        off = rows["faultlat_notlb"].get("instructions_per_fault")
        if on is not None and off is not None:
            self.p(f"time by cause on (rows 3t - 3): {on - off:+.1f} "
                   "instructions per fault")
        # Issue 18's counts by path: likewise.
        on = rows["faultlat_paths"].get("instructions_per_fault")
        if on is not None and off is not None:
            self.p(f"counts by path on (rows 3p - 3): {on - off:+.1f} "
                   "instructions per fault")
        # Issue 18's capture (faultlat trace --stack, record): per fault
        # its threshold rejects, and per fault captured with its stacks.
        base = rows["faultlat_notlb"].get("instructions_per_fault")
        for key, what in (("faultlat_tracef", "per fault a reader's "
                           "threshold rejects (rows 4f - 3)"),
                          ("faultlat_stack", "per fault captured with its "
                           "kernel and user stacks (rows 4s - 3)")):
            on = rows[key].get("instructions_per_fault")
            if on is not None and base is not None:
                self.p(f"capture, {what}: {on - base:+.1f} instructions")
        # Issue 7's.
        on = rows["faultlat"].get("over_none")
        self.goal(f"row 5, direct mode, all features on, trace events off: "
                  f"<= +{DIRECT_MAX} instructions per fault over row 1",
                  "n/a" if on is None else
                  "PASS" if on <= DIRECT_MAX else "MISS",
                  None if on is None else round(on, 1), DIRECT_MAX)
        bt = rows["bpftrace_kfunc"].get("over_none")
        if on is None or bt is None or on <= 0:
            self.goal(f"row 5 >= {KFUNC_RATIO_MIN}x cheaper than bpftrace "
                      "fentry/fexit with a histogram (row 7)", "n/a", None,
                      KFUNC_RATIO_MIN)
        else:
            self.goal(f"row 5 >= {KFUNC_RATIO_MIN}x cheaper than bpftrace "
                      f"fentry/fexit with a histogram (row 7: +{bt:.0f} vs "
                      f"+{on:.0f}; times)",
                      "PASS" if bt / on >= KFUNC_RATIO_MIN else "MISS",
                      round(bt / on, 1), KFUNC_RATIO_MIN)

    # --- TLB flushes ---
    def tlb(self):
        works = ("mprotect", "munmap")
        if not any(runs(self.main, "tlb_" + w, "none") for w in works):
            return
        fl = {(r["row"], r["work"]): r for r in self.main
              if r["tag"] == "M" and r.get("what") == "flushes"}
        res = {}
        for key, label in TLB_ROWS:
            d = {"label": label}
            for w in works:
                rs = runs(self.main, "tlb_" + w, key)
                if rs:
                    x = [r["ns"] / r["pages"] for r in rs]
                    d[w] = {"instructions_per_iteration":
                            statistics.median(x),
                            "runs": x,
                            "minflt_per_iteration":
                            rs[0]["minflt"] / rs[0]["pages"]}
                    f = fl.get((key, w))
                    if f:
                        d[w]["flushes_per_iteration"] = \
                            f["flushes"] / f["iters"]
                        d[w]["flushes_counted_by"] = f["how"]
            na = [r for r in self.main if r["tag"] == "N" and
                  r["row"] == key]
            if na and not any(w in d for w in works):
                d["na"] = na[0]["why"]
            res[key] = d
        base = {w: res["none"].get(w, {}).get("instructions_per_iteration")
                for w in works}
        for key, d in res.items():
            for w in works:
                if w in d and base[w] is not None:
                    d[w]["over_none"] = \
                        d[w]["instructions_per_iteration"] - base[w]
        self.p()
        it = runs(self.main, "tlb_mprotect", "none")
        n = it[0]["pages"] if it else "?"
        self.p(f"TLB flushes: {n} iterations of a loop, instructions per "
               "iteration (-icount):")
        self.p("  mprotect: one written page made read-only and read-write "
               "again, no fault (a flush_tlb_mm_range() each way);")
        self.p("  munmap: map a page, write it (a minor fault), unmap it "
               "(a flush_tlb_mm_range())")
        self.p(f"  {'instrumentation':<36} {'mprotect':>9} {'vs none':>8} "
               f"{'munmap':>9} {'vs none':>8} {'flushes/it':>11}")
        for key, label in TLB_ROWS:
            d = res[key]
            if "na" in d:
                self.p(f"  {label:<36} n/a: {d['na']}")
                continue
            cols = []
            for w in works:
                x = d.get(w)
                cols.append("n/a" if x is None else
                            fmt(x["instructions_per_iteration"]))
                cols.append("-" if key == "none" or x is None else
                            fmt(x.get("over_none"), True))
            fpi = [d[w].get("flushes_per_iteration") for w in works
                   if w in d]
            fs = "/".join("?" if f is None else f"{f:.3f}" for f in fpi) \
                if any(f is not None for f in fpi) else "-"
            self.p(f"  {label:<36} {cols[0]:>9} {cols[1]:>8} "
                   f"{cols[2]:>9} {cols[3]:>8} {fs:>11}")
        self.p("  flushes/it: flush_tlb_mm_range() calls per iteration, "
               "mprotect/munmap (none: tlb:tlb_flush events, perf stat; "
               "faultlat: its own count of initiated flushes)")
        # What the TLB probes add per flush: tlb=1 minus tlb=0, same mode,
        # over the flushes per iteration the kernel itself counted for row 1
        # (its process's start and exit add a few to the loop's).
        nfl = {w: round(res["none"][w]["flushes_per_iteration"])
               for w in works if "flushes_per_iteration" in
               res["none"].get(w, {})}
        per = {}
        for name, on, off in (("direct", "faultlat", "faultlat_notlb"),
                              ("kprobe", "faultlat_kprobe",
                               "faultlat_kprobe_notlb"),
                              ("direct floor", "direct_floor_tlb",
                               "direct_floor")):
            for w in works:
                a = res[on].get(w, {}).get("instructions_per_iteration")
                b = res[off].get(w, {}).get("instructions_per_iteration")
                if a is not None and b is not None and nfl.get(w):
                    per.setdefault(name, {})[w] = (a - b) / nfl[w]
        if per:
            self.p("  the TLB probes, per flush: (tlb=1 minus tlb=0, same "
                   "mode and build) / flushes per iteration ("
                   + " / ".join(f"{w} {nfl.get(w, '?')}" for w in works)
                   + "):")
            for name, v in per.items():
                self.p(f"    {name:<14} " + " / ".join(
                    f"{w} {v[w]:+.1f}" if w in v else f"{w} n/a"
                    for w in works))
        self.check_faults([r for r in self.main
                           if r.get("sec", "").startswith("tlb_")], "tlb")
        self.json["tlb"] = {"rows": res, "flushes_per_iteration": nfl,
                            "tlb_probes_per_flush": per}

    # --- task switches ---
    def switches(self):
        base = runs(self.main, "switch", "none")
        if not base:
            return
        n = base[0]["pages"]
        med = {}
        for key in ("none", "faultlat", "faultlat_kprobe"):
            rs = runs(self.main, "switch", key)
            if rs:
                med[key] = statistics.median(r["ns"] / r["pages"] / 2
                                             for r in rs)
        self.p()
        self.p(f"task switches: {n} pipe round trips between two threads "
               "(two voluntary switches each), instructions per switch "
               "(-icount):")
        for key, label in (("none", "no instrumentation"),
                           ("faultlat", "faultlat direct (its sched_switch "
                                        "probe)"),
                           ("faultlat_kprobe", "faultlat probe_mode=kprobe "
                                               "(no sched_switch probe)")):
            if key not in med:
                self.p(f"  {label:<52} n/a")
                continue
            over = "" if key == "none" else \
                f" {med[key] - med['none']:+8.1f}"
            self.p(f"  {label:<52} {med[key]:9.1f}{over}")
        self.check_faults(runs(self.main, "switch", "none") +
                          runs(self.main, "switch", "faultlat") +
                          runs(self.main, "switch", "faultlat_kprobe"),
                          "switch")
        self.json["switch"] = {
            "instructions_per_switch": med,
            "over_none": {k: v - med["none"] for k, v in med.items()}}

    # --- tracked tasks ---
    def scale(self):
        out = []
        self.p()
        self.p("tracked tasks (faultlat default; the same idle threads, "
               "each of which faulted once, with and without faultlat):")
        self.p(f"  {'idle threads':>12} {'records used':>14} "
               f"{'none':>8} {'faultlat':>9} {'overhead':>9}")
        for n in (0, 1000, "fill"):
            fl = [r for r in runs(self.main, "scale", "faultlat")
                  if r["rep"] == n]
            no = [r for r in runs(self.main, "scale", "none")
                  if r["rep"] == n]
            if not fl or not no:
                continue
            fl, no = fl[0], no[0]
            d = {"idle_threads": fl["idle"], "tasks_used": fl["tasks_used"],
                 "tasks_max": fl["tasks_max"], "none": per_fault(no),
                 "faultlat": per_fault(fl)}
            d["overhead"] = d["faultlat"] - d["none"]
            out.append(d)
            self.p(f"  {d['idle_threads']:>12} "
                   f"{str(d['tasks_used']) + '/' + str(d['tasks_max']):>14} "
                   f"{d['none']:>8.1f} {d['faultlat']:>9.1f} "
                   f"{d['overhead']:>+9.1f}")
        self.check_faults([r for r in self.main if r.get("sec") == "scale"],
                          "scale")
        self.json["scale"] = out
        if len(out) >= 2:
            g = max(d["overhead"] for d in out[1:]) - out[0]["overhead"]
            self.goal(f"per-fault overhead does not grow from "
                      f"{out[0]['tasks_used']} to {out[-1]['tasks_used']} "
                      f"tracked tasks (limit +{GROWTH_MAX})",
                      "PASS" if g <= GROWTH_MAX else "MISS", round(g, 1),
                      GROWTH_MAX)

    # --- thread churn ---
    def churn(self):
        out = {}
        for sec, recs, what in (("churn", self.main,
                                 "1 vCPU, -icount: instructions"),
                                ("churn_smp", self.smp,
                                 "2 vCPUs, plain TCG: wall-clock ns")):
            res = {}
            for row in ("none", "faultlat"):
                for r in runs(recs, sec, row):
                    res.setdefault(r["wave"], {}).setdefault(
                        row, []).append(r["ns"] / r["threads"])
            rows = []
            for wave in sorted(res):
                d = res[wave]
                if "none" not in d or "faultlat" not in d:
                    continue
                no = statistics.median(d["none"])
                fl = statistics.median(d["faultlat"])
                rows.append({"wave": wave, "none": no, "faultlat": fl,
                             "overhead": fl - no})
            if not rows:
                continue
            self.p()
            self.p(f"thread churn ({what} per thread: started, 4 faults, "
                   "joined; each a new task record):")
            self.p(f"  {'threads alive':>13} {'none':>10} {'faultlat':>10} "
                   f"{'overhead':>10}")
            for d in rows:
                self.p(f"  {d['wave']:>13} {d['none']:>10.0f} "
                       f"{d['faultlat']:>10.0f} {d['overhead']:>+10.0f}")
            self.check_faults([r for r in recs if r.get("sec") == sec],
                              sec)
            out[sec] = rows
            if sec == "churn" and len(rows) >= 2:
                g = rows[-1]["overhead"] - rows[0]["overhead"]
                self.goal(f"faultlat's cost per thread does not grow from "
                          f"{rows[0]['wave']} to {rows[-1]['wave']} threads "
                          f"alive at once (instructions, limit "
                          f"+{CHURN_GROWTH_MAX})",
                          "PASS" if g <= CHURN_GROWTH_MAX else "MISS",
                          round(g), CHURN_GROWTH_MAX)
        self.json["churn"] = out

    # --- two processes at once ---
    def smp_section(self):
        if not self.smp:
            return
        load = self.host.get("smp", {}).get("loadavg", "?")
        self.p()
        self.p("2 vCPUs, plain TCG, wall-clock ns per fault (median of "
               "5; noisy: the host's load average was "
               f"{load} on {self.host.get('smp', {}).get('nproc', '?')} "
               "cores):")
        self.p(f"  {'instrumentation':<44} {'1 process':>10} {'vs none':>8}"
               f" {'2 at once':>10} {'vs none':>8} {'overlap':>8}")
        res = {}
        for key in ("none", "floor", "direct_floor", "faultlat_notlb",
                    "faultlat", "faultlat_kprobe"):
            s1 = runs(self.smp, "single", key)
            pr = runs(self.smp, "pair", key)
            if not s1 or not pr:
                continue
            half = [r["pages"] // 2 for r in pr]
            d = {"single_runs": [per_fault(r) for r in s1],
                 "pair_runs": [(r["ns_a"] + r["ns_b"]) / 2 / h
                               for r, h in zip(pr, half)],
                 "overlap": min(r["overlap_ns"] / max(r["ns_a"], r["ns_b"])
                                for r in pr)}
            d["single"] = statistics.median(d["single_runs"])
            d["pair"] = statistics.median(d["pair_runs"])
            res[key] = d
        for key, d in res.items():
            if "none" in res:
                d["single_over_none_pct"] = 100 * (
                    d["single"] / res["none"]["single"] - 1)
                d["pair_over_none_pct"] = 100 * (
                    d["pair"] / res["none"]["pair"] - 1)
            vs = ("-", "-") if key == "none" else (
                f"{d['single_over_none_pct']:+.1f}%",
                f"{d['pair_over_none_pct']:+.1f}%")
            self.p(f"  {LABEL[key]:<44} {d['single']:>10.0f} {vs[0]:>8} "
                   f"{d['pair']:>10.0f} {vs[1]:>8} "
                   f"{100 * d['overlap']:>7.0f}%")
        self.p("  (2 at once: each process's own time per fault, the two "
               "averaged; overlap: the share of the longer run during "
               "which both ran)")
        self.check_faults(self.smp, "smp")
        noise = None
        if "none" in res:
            w = res["none"]["single_runs"] + res["none"]["pair_runs"]
            noise = 100 * (max(w) / min(w) - 1)
            self.p(f"  noise: row 1's runs spread {noise:.0f}%")
        self.json["smp"] = {"rows": res, "noise_pct": noise}
        for key in ("faultlat_notlb", "faultlat", "faultlat_kprobe"):
            if key in res and "pair_over_none_pct" in res[key]:
                g = res[key]["pair_over_none_pct"] - \
                    res[key]["single_over_none_pct"]
                name = (f"{LABEL[key]}: overhead does not grow with two "
                        "processes faulting at once (wall-clock, "
                        f"percentage points, limit +{SMP_GROWTH_MAX})")
                if noise is None or noise > NOISE_MAX:
                    self.goal(name + f"; too noisy to tell: row 1 spread "
                              f"{noise:.0f}% > {NOISE_MAX}%", "n/a",
                              round(g, 1), SMP_GROWTH_MAX)
                else:
                    self.goal(name,
                              "PASS" if g <= SMP_GROWTH_MAX else "MISS",
                              round(g, 1), SMP_GROWTH_MAX)

    # --- memory ---
    def memory(self):
        loads = {r["max_tasks"]: r for r in self.main
                 if r["tag"] == "M" and r.get("what") == "load"}
        if not loads:
            return
        self.p()
        self.p("memory taken by loading faultlat:")
        res = {}
        for m, r in sorted(loads.items()):
            d = {"max_tasks": m, "record_bytes": r.get("record_bytes"),
                 "table_kib": r.get("table_kib"),
                 "module_bytes": r.get("module_bytes")}
            for f in ("MemAvailable", "MemFree", "Slab", "Percpu",
                      "VmallocUsed"):
                d[f + "_kib"] = (r[f"before_{f}"] - r[f"after_{f}"]) \
                    if f.startswith("Mem") else \
                    (r[f"after_{f}"] - r[f"before_{f}"])
            d["per_task_bytes"] = d["table_kib"] * 1024 / m
            res[m] = d
            self.p(f"  max_tasks={m}: table {d['table_kib']} KiB "
                   f"({d['record_bytes']} bytes per record, "
                   f"{d['per_task_bytes']:.0f} bytes per tracked task with "
                   f"the index), module {d['module_bytes']} bytes; "
                   f"/proc/meminfo: MemFree -{d['MemFree_kib']} KiB, "
                   f"Vmalloc {d['VmallocUsed_kib']:+d} KiB, Percpu "
                   f"{d['Percpu_kib']:+d} KiB, Slab {d['Slab_kib']:+d} KiB")
        ms = sorted(res)
        marginal = None
        if len(ms) >= 2:
            a, b = res[ms[0]], res[ms[-1]]
            marginal = (b["VmallocUsed_kib"] - a["VmallocUsed_kib"]) * \
                1024 / (ms[-1] - ms[0])
            mf = (b["MemFree_kib"] - a["MemFree_kib"]) * 1024 / \
                (ms[-1] - ms[0])
            self.p(f"  each further tracked task (max_tasks {ms[0]} -> "
                   f"{ms[-1]}): {marginal:.0f} bytes of vmalloc "
                   f"(MemFree says {mf:.0f}, noisier)")
        self.json["memory"] = {"loads": res,
                               "marginal_bytes_per_task": marginal}
        per = res[ms[0]]["per_task_bytes"]
        worst = max(per, marginal or 0)
        self.goal(f"memory <= {BYTES_PER_TASK_MAX} bytes per tracked task",
                  "PASS" if worst <= BYTES_PER_TASK_MAX else "MISS",
                  round(worst), BYTES_PER_TASK_MAX)

    # --- allocations ---
    def allocs(self):
        al = {r["row"]: r for r in self.main
              if r["tag"] == "M" and r.get("what") == "allocs"}
        if "none" not in al or "faultlat" not in al:
            return
        evs = [k for k in al["none"] if k not in
               ("tag", "what", "row") and not k.startswith("run_")]
        self.p()
        self.p("allocations during one run (perf stat, allocation "
               "tracepoints, the workload's process):")
        self.p(f"  {'':<22}" + "".join(f"{e:>20}" for e in evs))
        res = {}
        for key in ("none", "floor", "faultlat", "faultlat_kprobe"):
            if key in al:
                res[key] = {e: al[key][e] for e in evs}
                res[key]["minflt"] = al[key].get("run_minflt")
                self.p(f"  {key:<22}" +
                       "".join(f"{al[key][e]:>20}" for e in evs))
        extra = sum(res["faultlat"][e] - res["none"][e] for e in evs)
        faults = res["faultlat"]["minflt"] or self.pages
        self.p(f"  faultlat - none: {extra:+d} allocations over "
               f"{faults} faults ({extra / faults:+.4f} per fault)")
        self.json["allocations"] = {"runs": res, "faultlat_minus_none": extra}
        self.goal("0 allocations in probe context (faultlat - none, per "
                  "fault; and see Documentation/performance.rst)",
                  "PASS" if abs(extra) < faults / 100 else "MISS",
                  round(extra / faults, 4), 0)

    # --- major faults ---
    def major(self):
        rs = [r for r in self.main if r["tag"] == "R" and r["sec"] == "major"]
        if not rs:
            return
        self.p()
        pages = rs[0]["pages"]
        self.p(f"major faults: a {pages * 4 // 1024} MiB file on ext4 on "
               "brd, evicted, MADV_RANDOM, one read per page "
               "(instructions per major fault):")
        res = {}
        for key in ("none", "floor", "direct_floor", "faultlat_notlb",
                    "faultlat", "faultlat_kprobe"):
            k = [r for r in rs if r["row"] == key]
            if k:
                res[key] = {"instructions_per_fault": statistics.median(
                    r["ns"] / r["majflt"] for r in k),
                    "majflt": [r["majflt"] for r in k]}
        base = res.get("none", {}).get("instructions_per_fault")
        for key, d in res.items():
            if base and key != "none":
                d["over_none"] = d["instructions_per_fault"] - base
                d["fraction"] = d["over_none"] / base
            self.p(f"  {LABEL[key]:<44} "
                   f"{d['instructions_per_fault']:>10.0f}" +
                   (f" {d['over_none']:>+8.0f} ({100 * d['fraction']:.2f}% "
                    "of a major fault)" if "over_none" in d else ""))
        bad = [r for r in rs if r["majflt"] != r["pages"]]
        self.p(f"  getrusage: majflt {'=' if not bad else '!='} {pages} in "
               "every run")
        self.json["major"] = res

    def print_goals(self):
        self.p()
        self.p("goals:")
        for g in self.goals:
            m = "" if g["measured"] is None else f" (measured {g['measured']}" + \
                ("" if g["limit"] is None else f", limit {g['limit']}") + ")"
            self.p(f"  {g['status']:<4} {g['goal']}{m}")
        self.json["goals"] = self.goals
        if self.problems:
            self.p()
            self.p("problems:")
            for pr in self.problems:
                self.p("  " + pr)
        self.json["problems"] = self.problems


def kernel_dirs(dirs):
    """The kernels' result directories: each DIR that has main/, or the
    subdirectories of DIR that have (bench.sh's out/bench/FLAVOUR)."""
    out = []
    for d in dirs:
        if os.path.exists(os.path.join(d, "main", "results.txt")):
            out.append(d)
            continue
        subs = [os.path.join(d, x) for x in sorted(os.listdir(d))
                if os.path.exists(os.path.join(d, x, "main", "results.txt"))]
        if not subs:
            print(f"report: no results in {d}/main or {d}/*/main",
                  file=sys.stderr)
        out += subs
    return out


def release_key(rel):
    """Sort key of a kernel release: 6.1.0-57-amd64 before 6.12.118+..."""
    key = []
    for part in rel.replace("-", ".").replace("+", ".").split("."):
        key.append((0, int(part), "") if part.isdigit() else (1, 0, part))
    return key


# The summary's columns: the rows every kernel has, over row 1.
SUMMARY_ROWS = ("floor", "direct_floor", "faultlat_notlb", "faultlat",
                "faultlat_kprobe", "bpftrace_kprobe", "bpftrace_kfunc",
                "perf_ftrace")


def summary(reps):
    """Every kernel side by side: row 1, each row's overhead over it, and
    the direct-mode goal."""
    lines = []
    res = {}
    names = [r.flavour for r in reps]
    w = max(12, max(len(r.env.get("kernel", "?")) for r in reps) + 1)
    lines.append("")
    lines.append("=" * 78)
    lines.append("all kernels: instructions per minor fault (row 1), and "
                 "each row over row 1 (-icount, median of the timed runs)")
    lines.append(f"  {'#':>3} {'instrumentation':<44}" +
                 "".join(f"{r.env.get('kernel', n):>{w}}"
                         for r, n in zip(reps, names)))
    for key in ("none",) + SUMMARY_ROWS:
        cells = []
        for r in reps:
            row = r.rows.get(key, {})
            x = row.get("instructions_per_fault" if key == "none"
                        else "over_none")
            if x is None:
                cells.append("n/a")
            else:
                cells.append(f"{x:.1f}" if key == "none" else f"{x:+.1f}")
            res.setdefault(r.flavour, {})[key] = x
        lines.append(f"  {NUM[key]:>3} {LABEL[key]:<44}" +
                     "".join(f"{c:>{w}}" for c in cells))
    lines.append("")
    lines.append(f"goal per kernel: row 5 (faultlat default, direct mode) "
                 f"<= +{DIRECT_MAX} instructions per minor fault over row 1:")
    verdicts = {}
    for r in reps:
        on = r.rows.get("faultlat", {}).get("over_none")
        st = "n/a" if on is None else "PASS" if on <= DIRECT_MAX else "MISS"
        why = r.rows.get("faultlat", {}).get("na", "")
        verdicts[r.flavour] = {"kernel": r.env.get("kernel"), "status": st,
                               "measured": None if on is None
                               else round(on, 1), "limit": DIRECT_MAX}
        lines.append(f"  {st:<4} {r.env.get('kernel', r.flavour)}: " +
                     (f"{on:+.1f}" if on is not None else why))
    counts = {}
    for r in reps:
        for g in r.goals:
            counts.setdefault(r.flavour, {}).setdefault(g["status"], 0)
            counts[r.flavour][g["status"]] += 1
    lines.append("all goals: " + "; ".join(
        f"{r.env.get('kernel', r.flavour)}: " + ", ".join(
            f"{n} {st}" for st, n in sorted(counts.get(r.flavour,
                                                       {}).items()))
        for r in reps))
    return lines, {"overhead_over_none": res, "direct_goal": verdicts,
                   "goal_counts": counts}


def main():
    ap = argparse.ArgumentParser(
        description="The report of bench/bench.sh's results: one table "
        "and its goals per kernel, then every kernel side by side.")
    ap.add_argument("dir", nargs="+", help="a kernel's results (DIR/main/"
                    "results.txt), or a directory of them (out/bench)")
    ap.add_argument("--json")
    ap.add_argument("--qemu", default="QEMU")
    a = ap.parse_args()
    reps = []
    for d in kernel_dirs(a.dir):
        r = Report(d, a.qemu)
        if r.main:
            reps.append(r)
    if not reps:
        print(f"report: no results in {' '.join(a.dir)}", file=sys.stderr)
        return 1
    reps.sort(key=lambda r: release_key(r.env.get("kernel", "")))
    out = []
    for r in reps:
        r.table()
        r.main_goals()
        r.tlb()
        r.switches()
        r.scale()
        r.churn()
        r.smp_section()
        r.memory()
        r.allocs()
        r.major()
        r.print_goals()
        if out:
            out.append("")
        out.append("=" * 78)
        out += r.out
    lines, summ = summary(reps)
    out += lines
    print("\n".join(out))
    if a.json:
        js = {"kernels": {r.flavour: r.json for r in reps},
              "order": [r.flavour for r in reps],
              "summary": summ, "qemu": a.qemu}
        os.makedirs(os.path.dirname(os.path.abspath(a.json)), exist_ok=True)
        with open(a.json, "w") as f:
            json.dump(js, f, indent=2, sort_keys=True)
            f.write("\n")
    return 1 if any(r.problems for r in reps) else 0


if __name__ == "__main__":
    sys.exit(main())
