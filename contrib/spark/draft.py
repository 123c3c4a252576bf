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

Inputs are local paths (the same path on the driver and every executor: local mode, NFS, a
FUSE mount) or URIs Hadoop reads (hdfs://, s3a://, gs://, file://). For a URI the driver lists
the files through Hadoop's FileSystem and plans over local stand-ins holding each file's first
MiB and its modification time (what the plan's sniffing reads); the executors get each task's
files through Spark (`binaryFiles`) and point `partial --at` at local copies. Files under a
URI are read whole (no byte ranges), and should be log files, plain or compressed (not .tar
archives or binary journals). With --pipe the executors open local files themselves and pipe
each single-file task's bytes (a whole file or a byte range) into `postmortem partial -`.
"""

import argparse
import json
import os
import re
import shlex
import shutil
import stat
import subprocess
import sys
import tempfile

PIPE_BLOCK = 1 << 20
# What a stand-in of a remote file holds: enough for the sniffer's sample and head.
STAND_IN_BYTES = 1 << 20
REMOTE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")


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


def size_bytes(text):
    """`256M`, `1G`, `64K` or bytes, as `postmortem plan --split` reads them."""
    units = {"": 1, "K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40}
    m = re.fullmatch(r"(\d+)\s*([KMGT]?)(?:I?B)?", text.strip().upper())
    if not m or int(m.group(1)) == 0:
        raise SystemExit(f"--split {text!r}: a size such as 256M or 1G")
    return int(m.group(1)) * units[m.group(2)]


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


def stand_ins(sc, inputs, stage_dir):
    """Local inputs as they are; for each URI, local stand-ins of its files (first bytes and
    modification time) in the same layout. Returns (inputs for the plan, {stand-in: URI})."""
    jvm = sc._jvm
    conf = sc._jsc.hadoopConfiguration()
    planned, remote_of = [], {}
    for n, uri in enumerate(inputs):
        if not REMOTE.match(uri):
            planned.append(uri)
            continue
        root = jvm.org.apache.hadoop.fs.Path(uri)
        fs = root.getFileSystem(conf)
        base = os.path.join(stage_dir, str(n), root.getName() or f"input-{n}")
        planned.append(base)
        top = fs.getFileStatus(root)
        found = []
        if top.isFile():
            found.append((top, base))
        else:
            prefix = top.getPath().toUri().getPath().rstrip("/") + "/"
            listing = fs.listFiles(root, True)
            while listing.hasNext():
                st = listing.next()
                rel = st.getPath().toUri().getPath()[len(prefix):]
                found.append((st, os.path.join(base, rel)))
        for st, local in found:
            os.makedirs(os.path.dirname(local), exist_ok=True)
            stream = fs.open(st.getPath())
            try:
                head = bytes(stream.readNBytes(STAND_IN_BYTES))
            finally:
                stream.close()
            with open(local, "wb") as f:
                f.write(head)
            mtime = st.getModificationTime() / 1000.0
            os.utime(local, (mtime, mtime))
            remote_of[local] = st.getPath().toString()
    return planned, remote_of


def run_partial_fetched(binary_name, task_id, plan_text, earlier, fetched, stand_in_of):
    """On an executor: one task whose files Spark fetched, each written to a local copy."""
    with tempfile.TemporaryDirectory(prefix="postmortem-fetched-") as copies:
        at = []
        for n, (uri, data) in enumerate(sorted(fetched)):
            local = os.path.join(copies, str(n))
            with open(local, "wb") as f:
                f.write(data)
            at += ["--at", f"{stand_in_of[uri]}={local}"]
        return run_partial(binary_name, task_id, plan_text, earlier, None, at)


def run_partial(binary_name, task_id, plan_text, earlier, source, at=()):
    """On an executor: one task's partial summary, as bytes."""
    binary = resolve_binary(binary_name)
    with tempfile.TemporaryDirectory(prefix="postmortem-task-") as work:
        plan = os.path.join(work, "plan.json")
        with open(plan, "w", encoding="utf-8") as f:
            f.write(plan_text)
        cmd = [binary, "partial", "--plan", plan, "--task", str(task_id), "-q", *at]
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


def read_stage(sc, args, doc, tasks, shared, remote_of):
    """The partials of one stage's tasks: those of local files read where they lie, those
    holding a remote file from the bytes Spark fetched."""
    def remote(t):
        return any(doc["files"][f]["path"] in remote_of for f in t["files"])

    name = args.binary
    local = [(t["id"], pipe_source(doc, t) if args.pipe else None)
             for t in tasks if not remote(t)]
    made = []
    if local:
        made += (sc.parallelize(local, len(local))
                 .map(lambda item: run_partial(name, item[0], shared.value[0],
                                               shared.value[1], item[1]))
                 .collect())
    fetching = [t for t in tasks if remote(t)]
    if fetching:
        tasks_of = {}
        for t in fetching:
            for f in t["files"]:
                uri = remote_of.get(doc["files"][f]["path"])
                if uri is None:
                    raise RuntimeError(f"task {t['id']} mixes local and remote files")
                tasks_of.setdefault(uri, []).append(t["id"])
        stand_in_of = {uri: local for local, uri in remote_of.items()}
        by_uri = sc.broadcast((tasks_of, stand_in_of))
        made += (sc.binaryFiles(",".join(sorted(tasks_of)))
                 .flatMap(lambda kv: [(t, (kv[0], kv[1])) for t in by_uri.value[0].get(kv[0], [])])
                 .groupByKey(len(fetching))
                 .map(lambda tv: run_partial_fetched(name, tv[0], shared.value[0],
                                                     shared.value[1], list(tv[1]),
                                                     by_uri.value[1]))
                 .collect())
    return made


def main(argv):
    args = parse_args(argv)
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        sys.stderr.write(
            "draft.py: pyspark is not installed here: run it with spark-submit, or "
            "`pip install pyspark` (and Java 17) for local mode\n")
        return 2

    builder = SparkSession.builder.appName("postmortem draft")
    if args.master:
        builder = builder.master(args.master)
    spark = builder.getOrCreate()
    sc = spark.sparkContext
    binary = resolve_binary(args.binary)
    work = tempfile.mkdtemp(prefix="postmortem-driver-")
    try:
        plan = os.path.join(work, "plan.json")
        inputs, remote_of = stand_ins(sc, args.inputs, os.path.join(work, "remote"))
        split = size_bytes(args.split)
        if remote_of:
            # A stand-in is not the file: it must never be cut into ranges.
            split = max(split, STAND_IN_BYTES + 1)
        cmd = [binary, "plan", *inputs, "--split", str(split), "-o", plan, "-q"]
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
            made = read_stage(sc, args, doc, tasks, shared, remote_of)
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
