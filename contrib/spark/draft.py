#!/usr/bin/env python3
"""Draft a postmortem with a Spark cluster doing the reading.

    spark-submit --files target/release/postmortem contrib/spark/draft.py INPUT... --json
    python3 contrib/spark/draft.py INPUT... --master 'local[2]' --json

The driver runs `postmortem plan` (discovery, formats, zones, years: the decisions `draft`
takes, and the tasks), the executors run `postmortem partial` on the plan's tasks, stage by
stage, and the driver runs `postmortem merge` on the partials it collected. The draft is the
one `postmortem draft INPUT...` prints, byte for byte. Only partial summaries cross the
network: from the executors to the driver, and from the driver to the executors of a later
stage (zone-less and year-less files are placed by the files with full dates).

The inputs must be readable at the same path on the driver and on every executor (local mode,
NFS, an object store mounted with a FUSE file system). With --pipe the executors open the
files themselves and pipe each single-file task's bytes (a whole file or a byte range) into
`postmortem partial -`, so the binary reads nothing but its standard input.
"""

import argparse
import json
import os
import shlex
import shutil
import stat
import subprocess
import sys
import tempfile

PIPE_BLOCK = 1 << 20


def parse_args(argv):
    p = argparse.ArgumentParser(
        description="Draft a postmortem from logs, reading them on a Spark cluster.")
    p.add_argument("inputs", nargs="+", help="log files or folders")
    p.add_argument("--binary", default="postmortem",
                   help="the postmortem binary: a path, a name on PATH, or the name of a "
                        "file shipped with spark-submit --files [default: postmortem]")
    p.add_argument("--json", action="store_true", help="print the draft as JSON")
    p.add_argument("--html", metavar="FILE", help="also write the HTML report to FILE")
    p.add_argument("-o", "--output", metavar="FILE", help="write the draft to FILE")
    p.add_argument("--master", help="Spark master URL, e.g. 'local[2]' (spark-submit sets it)")
    p.add_argument("--split", default="256M",
                   help="cut plain files larger than this into byte ranges [default: 256M]")
    p.add_argument("--plan-args", default="",
                   help="more flags for `postmortem plan`, e.g. \"--tz Europe/Berlin --bin 5m\"")
    p.add_argument("--pipe", action="store_true",
                   help="executors pipe each single-file task's bytes into `partial -`")
    return p.parse_args(argv)


def resolve_binary(name):
    """The binary here: a path, a file shipped with --files, or a name on PATH."""
    if os.path.sep in name and os.path.exists(name):
        return os.path.abspath(name)
    try:
        from pyspark import SparkFiles
        shipped = SparkFiles.get(os.path.basename(name))
        if os.path.exists(shipped):
            mode = os.stat(shipped).st_mode
            os.chmod(shipped, mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
            return shipped
    except Exception:  # no SparkContext here, or nothing shipped under that name
        pass
    found = shutil.which(name)
    if found is None:
        raise RuntimeError(f"postmortem binary {name!r} not found (give --binary PATH)")
    return found


def pipe_source(doc, task):
    """(path, start, end) of a single-file task whose bytes can be piped, else None."""
    if len(task["files"]) != 1:
        return None
    f = doc["files"][task["files"][0]]
    if f["source"] != "file":
        return None
    r = task.get("range")
    if r is not None:
        return (f["path"], r["start"], r["end"])
    return (f["path"], 0, None)


def run_partial(binary_name, task_id, plan_text, earlier, source):
    """On an executor: one task's partial summary, as bytes."""
    binary = resolve_binary(binary_name)
    with tempfile.TemporaryDirectory(prefix="postmortem-task-") as work:
        plan = os.path.join(work, "plan.json")
        with open(plan, "w", encoding="utf-8") as f:
            f.write(plan_text)
        cmd = [binary, "partial", "--plan", plan, "--task", str(task_id), "-q"]
        for n, part in enumerate(earlier):
            path = os.path.join(work, f"after-{n}.part")
            with open(path, "wb") as f:
                f.write(part)
            cmd += ["--after", path]
        out = os.path.join(work, "out.part")
        cmd += ["-o", out]
        if source is None:
            done = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            stderr = done.stderr
        else:
            done, stderr = pipe_into(cmd + ["-"], source)
        if done.returncode not in (0, 2) or not os.path.exists(out):
            raise RuntimeError(
                f"postmortem partial --task {task_id} exited {done.returncode}: "
                + stderr.decode("utf-8", "replace"))
        with open(out, "rb") as f:
            return (task_id, f.read(), stderr.decode("utf-8", "replace"))


def pipe_into(cmd, source):
    """Runs `cmd`, writing bytes [start, end) of a file to its standard input."""
    path, start, end = source
    err = tempfile.TemporaryFile()
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=err)
    left = None if end is None else end - start
    with open(path, "rb") as f:
        f.seek(start)
        while left is None or left > 0:
            block = f.read(PIPE_BLOCK if left is None else min(PIPE_BLOCK, left))
            if not block:
                break
            proc.stdin.write(block)
            if left is not None:
                left -= len(block)
    proc.stdin.close()
    proc.wait()
    err.seek(0)
    return proc, err.read()


def main(argv):
    args = parse_args(argv)
    from pyspark.sql import SparkSession

    builder = SparkSession.builder.appName("postmortem draft")
    if args.master:
        builder = builder.master(args.master)
    spark = builder.getOrCreate()
    sc = spark.sparkContext
    binary = resolve_binary(args.binary)
    work = tempfile.mkdtemp(prefix="postmortem-driver-")
    try:
        plan = os.path.join(work, "plan.json")
        cmd = [binary, "plan", *args.inputs, "--split", args.split, "-o", plan, "-q"]
        cmd += shlex.split(args.plan_args)
        planned = subprocess.run(cmd, stderr=subprocess.PIPE)
        sys.stderr.write(planned.stderr.decode("utf-8", "replace"))
        if planned.returncode not in (0, 2) or not os.path.exists(plan):
            return planned.returncode or 2
        with open(plan, encoding="utf-8") as f:
            plan_text = f.read()
        doc = json.loads(plan_text)
        parts = []
        for stage in (0, 1, 2):
            tasks = [t for t in doc["tasks"] if t["stage"] == stage]
            if not tasks:
                continue
            shared = sc.broadcast((plan_text, [p for _, p in parts]))
            work_items = [(t["id"], pipe_source(doc, t) if args.pipe else None) for t in tasks]
            name = args.binary
            made = (sc.parallelize(work_items, len(work_items))
                    .map(lambda item: run_partial(name, item[0], shared.value[0],
                                                  shared.value[1], item[1]))
                    .collect())
            for task_id, part, stderr in sorted(made):
                sys.stderr.write(stderr)
                parts.append((task_id, part))
        paths = []
        for task_id, part in parts:
            path = os.path.join(work, f"{task_id}.part")
            with open(path, "wb") as f:
                f.write(part)
            paths.append(path)
        cmd = [binary, "merge", "--plan", plan, *paths]
        if args.json:
            cmd.append("--json")
        if args.html:
            cmd += ["--html", args.html]
        if args.output:
            cmd += ["-o", args.output]
        return subprocess.run(cmd).returncode
    finally:
        shutil.rmtree(work, ignore_errors=True)
        spark.stop()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
