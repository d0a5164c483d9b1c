#!/usr/bin/env python3
"""Host side of the imakexec-trace VM harness.

Reads a guest serial log, keeps only the machine-readable "IKT key=value"
lines, rebuilds the binary measurement lists dumped by the guest, replays
them against the TPM's PCR 10 (sha1 and sha256 banks) and judges a scenario.

  ikt.py check --scenario NAME --expect none|snapshot|full|unknown LOG
      prints "RESULT status=PASS|FAIL|SKIP ..." plus "FACT key=value" lines;
      exit 0 pass, 1 fail, 3 skip, 2 log unusable.
  ikt.py gap LOG [--junit FILE] [--name NAME]
      the verdict of scripts/gapcheck; exit 0 no loss, 1 loss, 2 could not run.

Expectation modes: none = nothing crosses kexec (no CONFIG_IMA_KEXEC, or
legacy kexec_load); snapshot = the list as of the last kexec_file_load
crosses (< 6.16 with CONFIG_IMA_KEXEC); full = the list as of kexec -e
crosses (>= 6.16 or the patched kernel); unknown = report, only check that
the harness' own accounting holds.
"""
import argparse
import base64
import functools
import hashlib
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import xml.sax.saxutils as sx

BANKS = ("sha1", "sha256")
ANSI_RE = re.compile(r"\x1b(\[[0-9;?]*[A-Za-z]|[A-Za-z])")
BIOS_RE = re.compile(r"^Booting from ROM\.*")
IMA_PCR = 10


class LogError(Exception):
    pass


def parse_kv(rest):
    out = {}
    for tok in rest.split():
        if "=" in tok:
            k, v = tok.split("=", 1)
            out[k] = v
    return out


def parse_log(path):
    with open(path, "rb") as f:
        raw = f.read().decode("utf-8", "replace")
    lines = []
    for line in raw.splitlines():
        line = line.strip("\r")
        # terminal resets/escapes (SeaBIOS, the kernel's console) may precede
        # the marker on the first line; anything else means not ours
        line = ANSI_RE.sub("", line)
        # SeaBIOS prints "Booting from ROM.." without a newline; with a quiet
        # kernel the guest's first line is glued to it
        line = BIOS_RE.sub("", line)
        if not line.startswith("IKT "):
            continue
        lines.append(parse_kv(line[4:]))
    log = {"lines": lines, "events": [], "chunks": {}, "dumps": {}, "pcrs": {},
           "info": {}, "errors": [], "skips": [], "done": 0, "stages": [],
           "status_json": None, "tool_rc": {}, "selfcheck": False}
    for kv in lines:
        if "dump" in kv and "seq" in kv:
            log["chunks"].setdefault(kv["dump"], {})[int(kv["seq"])] = kv.get("b64", "")
        elif "dumpend" in kv:
            label = kv["dumpend"]
            ch = log["chunks"].get(label, {})
            b64 = "".join(ch[i] for i in sorted(ch))
            data = base64.b64decode(b64) if b64 else b""
            d = {"data": data, "bytes": int(kv.get("bytes", -1)),
                 "sha256": kv.get("sha256", ""), "count": int(kv.get("count", -1)),
                 "count_after": int(kv.get("count_after", kv.get("count", -1)))}
            d["intact"] = (len(data) == d["bytes"] and
                           hashlib.sha256(data).hexdigest() == d["sha256"])
            log["dumps"][label] = d
            log["chunks"][label] = {}
        elif "pcrs" in kv:
            vals = kv.get("values", "none")
            if vals != "none":
                pcrs = {}
                for item in vals.split(","):
                    n, h = item.split(":", 1)
                    pcrs[int(n)] = h.lower()
                log["pcrs"].setdefault(kv["pcrs"], {})[kv["bank"]] = pcrs
        elif "event" in kv:
            log["events"].append(kv)
        elif "stage" in kv:
            log["stages"].append(kv)
        elif "error" in kv:
            log["errors"].append(kv)
        elif "skip" in kv:
            log["skips"].append(kv)
        elif "selfcheck" in kv:
            log["selfcheck"] = True
        elif "done" in kv:
            log["done"] += 1
        elif any(k.endswith("_json") for k in kv):
            k = [k for k in kv if k.endswith("_json")][0]
            try:
                log[k] = json.loads(base64.b64decode(kv[k]))
            except (ValueError, TypeError):
                log[k] = "unparsable"
        if "tool" in kv and "rc" in kv:
            log["tool_rc"][kv["tool"]] = int(kv["rc"])
        for k in ("lsm", "tpm", "btf", "policy", "count_at_start"):
            if k in kv:
                log["info"].setdefault(k, []).append(kv[k])
    return log


def parse_list(data):
    """binary_runtime_measurements -> list of dict(pcr, digest, name, tdata)."""
    out, off = [], 0
    while off < len(data):
        if off + 28 > len(data):
            raise LogError("truncated record header at %d" % off)
        pcr = struct.unpack_from("<I", data, off)[0]
        digest = data[off + 4:off + 24]
        nlen = struct.unpack_from("<I", data, off + 24)[0]
        off += 28
        name = data[off:off + nlen].decode("ascii", "replace")
        off += nlen
        if name == "ima":
            tdata = data[off:off + 20 + 256]  # digest + padded name (not emitted)
            raise LogError("template 'ima' is not supported by this replayer")
        dlen = struct.unpack_from("<I", data, off)[0]
        off += 4
        tdata = data[off:off + dlen]
        off += dlen
        fields, p = [], 0
        while p + 4 <= len(tdata):
            fl = struct.unpack_from("<I", tdata, p)[0]
            fields.append(tdata[p + 4:p + 4 + fl])
            p += 4 + fl
        fname = fields[1].rstrip(b"\0").decode("utf-8", "replace") if len(fields) > 1 else ""
        algo = ""
        if fields and b":\0" in fields[0]:
            algo = fields[0].split(b":\0", 1)[0].decode()
        out.append({"pcr": pcr, "digest": digest, "template": name, "tdata": tdata,
                    "file": fname, "algo": algo})
    return out


def replay(entries, bank):
    size = hashlib.new(bank).digest_size
    pcr = {}
    for e in entries:
        cur = pcr.get(e["pcr"], b"\0" * size)
        if e["digest"] == b"\0" * 20:
            ext = b"\xff" * size  # violation, as the kernel extends it
        else:
            ext = hashlib.new(bank, e["tdata"]).digest()
        pcr[e["pcr"]] = hashlib.new(bank, cur + ext).digest()
    return {k: v.hex() for k, v in pcr.items()}


def evmctl_replay(data, pcrs):
    """Second opinion from ima-evm-utils: True/False, or None if unavailable."""
    exe = shutil.which("evmctl")
    if not exe or not data or any(b not in pcrs for b in BANKS):
        return None
    with tempfile.TemporaryDirectory(prefix="ikt-evmctl.") as d:
        lst = os.path.join(d, "list.bin")
        with open(lst, "wb") as f:
            f.write(data)
        cmd = [exe, "ima_measurement", "--ignore-violations"]
        for b in BANKS:
            fn = os.path.join(d, "pcr-" + b)
            with open(fn, "w") as f:
                for i in range(24):
                    f.write("PCR-%02d: %s\n" % (i, pcrs[b].get(i, "")))
            cmd += ["--pcrs", "%s,%s" % (b, fn)]
        cmd.append(lst)
        p = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        return p.returncode == 0


def digest_ok(entries):
    bad = [i for i, e in enumerate(entries)
           if e["digest"] != b"\0" * 20 and hashlib.sha1(e["tdata"]).digest() != e["digest"]]
    return bad


def key(e):
    return (e["pcr"], e["digest"], e["template"], e["tdata"])


def common_prefix(a, b):
    n = 0
    while n < len(a) and n < len(b) and key(a[n]) == key(b[n]):
        n += 1
    return n


def expected_snapshot(events):
    """From the stage-1 events: (kind, count) of what should cross kexec.
    kind: 'file' (snapshot count of the last kexec_file_load), 'legacy',
    or None (nothing loaded)."""
    state = (None, 0)
    for ev in events:
        if ev.get("event") == "load" and ev.get("rc") == "0":
            if ev.get("mode") == "file":
                state = ("file", int(ev["count"]))
            elif ev.get("mode") == "legacy":
                state = ("legacy", 0)
        elif ev.get("event") == "unload" and ev.get("rc") == "0":
            state = (None, 0)
    return state


class Facts:
    def __init__(self):
        self.items = []

    def add(self, k, v):
        self.items.append((k, v))

    def get(self, k, default=None):
        for kk, v in self.items:
            if kk == k:
                return v
        return default

    def text(self):
        return " ".join("%s=%s" % (k, v) for k, v in self.items)


def analyse(log, facts, kernel="", sc="", kconfig=None, expect=None):
    """Common analysis of a two-stage (or one-stage) run. Returns dict."""
    r = {}
    s1d = log["dumps"].get("s1")
    if s1d is None:
        raise LogError("no stage-1 list dump in the log (guest crashed or timed out?)")
    for label, d in log["dumps"].items():
        if not d["intact"]:
            raise LogError("dump %s damaged on the serial line (bytes/sha256 mismatch)" % label)
    s1 = parse_list(s1d["data"])
    r["s1"] = s1
    # the guest's own count, read before the dump (and after, unchanged):
    # the list the host parsed must be exactly that long
    if s1d["count"] == s1d["count_after"] and s1d["count"] >= 0 and s1d["count"] != len(s1):
        raise LogError("stage-1 dump parsed to %d entries, the guest counted %d" % (len(s1), s1d["count"]))
    facts.add("s1_entries", len(s1))
    if digest_ok(s1):
        raise LogError("stage-1 template digests do not match their data: replayer bug")
    for bank in BANKS:
        tpm = log["pcrs"].get("s1", {}).get(bank, {}).get(IMA_PCR)
        rep = replay(s1, bank).get(IMA_PCR, "0" * (2 * hashlib.new(bank).digest_size))
        facts.add("s1_replay_%s" % bank, "na" if tpm is None else ("match" if tpm == rep else "mismatch"))
        r["s1_replay_%s" % bank] = None if tpm is None else tpm == rep
    ev1 = evmctl_replay(s1d["data"], log["pcrs"].get("s1", {}))
    facts.add("evmctl_s1", "na" if ev1 is None else ("match" if ev1 else "mismatch"))
    r["evmctl_s1"] = ev1
    s2d = log["dumps"].get("s2")
    r["s2"] = None
    if s2d is None:
        return r
    s2 = parse_list(s2d["data"])
    r["s2"] = s2
    if s2d["count"] == s2d["count_after"] and s2d["count"] >= 0 and s2d["count"] != len(s2):
        raise LogError("stage-2 dump parsed to %d entries, the guest counted %d" % (len(s2), s2d["count"]))
    facts.add("s2_entries", len(s2))
    prefix = common_prefix(s1, s2)
    carried = prefix
    # The second kernel measures its own boot_aggregate; with an unchanged
    # PCR 0-7 it is identical to stage 1's first entry, so the common prefix
    # can overstate what crossed kexec. The TPM decides: take the largest
    # prefix c with PCR 10 == replay(s1 + s2[c:]) in every bank we have.
    def union_ok(c, mid):
        ok = None
        for bank in BANKS:
            tpm = log["pcrs"].get("s2", {}).get(bank, {}).get(IMA_PCR)
            if tpm is None:
                continue
            zero = "0" * (2 * hashlib.new(bank).digest_size)
            ok = (ok is not False) and tpm == replay(s1 + mid + s2[c:], bank).get(IMA_PCR, zero)
        return ok
    # Upstream (>= 6.16, the mainline reference) measures kexec_execute at
    # every kexec reboot; an image that carries no list (legacy kexec_load)
    # leaves that record in the TPM only. It is rebuilt from s1 (payload:
    # the last load's segment size or 0, the list's size and count). Our
    # patch measures it too (same payload), and a next kernel that cannot
    # restore the list (restoremem, restorehdr) leaves it in the TPM only
    # as well. A 6.12.y backport measures no such record.
    mids = [[]]
    fam = kernel_traits(kernel, kconfig, expect)["family"]
    if fam == "upstream" or (fam == "ours" and sc in ("restoremem", "restorehdr")):
        loads = kexec_records(s1, "kexec_load")
        seg = loads[-1][1]["kexec_segment_size"] if loads and loads[-1][1] else 0
        payload = ("kexec_segment_size=%d;ima_binary_runtime_size=%d;"
                   "ima_runtime_measurements_count=%d;" % (
                       seg, KHDR_SIZE + sum(record_size(e) for e in s1), len(s1))).encode()
        mids.append([ima_buf_record("kexec_execute", payload)])
    # mapfail: the test module measures two records after IMA's notifier
    # failed to map the segment; both must be in the TPM (the list was not
    # suspended for the rebooting task nor for the others). Fewer is tried
    # too, to say which one is missing (mapfail_checks).
    if sc == "mapfail":
        recs = [ima_buf_record("ikt_mapfail", p.encode()) for p in MAPFAIL_PAYLOADS]
        mids = [recs, recs[:1], []]
    mid = []
    for m in mids:
        c = next((c for c in range(prefix, -1, -1) if union_ok(c, m)), None)
        if c is not None:
            carried, mid = c, m
            break
    r["uncarried_kexec_execute"] = bool(mid) and sc != "mapfail"
    r["mapfail_records_in_tpm"] = len(mid) if sc == "mapfail" else None
    facts.add("uncarried_kexec_execute", "yes" if r["uncarried_kexec_execute"] else "no")
    facts.add("common_prefix", prefix)
    lost = [e for e in s1[carried:]]
    r["carried"] = carried
    r["lost"] = lost
    facts.add("carried", carried)
    facts.add("lost", len(lost))
    for bank in BANKS:
        tpm = log["pcrs"].get("s2", {}).get(bank, {}).get(IMA_PCR)
        zero = "0" * (2 * hashlib.new(bank).digest_size)
        rep = replay(s2, bank).get(IMA_PCR, zero)
        union = replay(s1 + mid + s2[carried:], bank).get(IMA_PCR, zero)
        facts.add("s2_replay_%s" % bank, "na" if tpm is None else ("match" if tpm == rep else "mismatch"))
        facts.add("tpm_equals_s1_plus_new_%s" % bank, "na" if tpm is None else ("yes" if tpm == union else "no"))
        r["s2_replay_%s" % bank] = None if tpm is None else tpm == rep
        r["union_%s" % bank] = None if tpm is None else tpm == union
    ev2 = evmctl_replay(s2d["data"], log["pcrs"].get("s2", {}))
    facts.add("evmctl_s2", "na" if ev2 is None else ("match" if ev2 else "mismatch"))
    r["evmctl_s2"] = ev2
    kind, snap = expected_snapshot(log["events"])
    r["kind"], r["snap"] = kind, snap
    facts.add("load_kind", kind or "none")
    if kind == "file":
        facts.add("snapshot_count", snap)
        facts.add("made_after_load", len(s1) - snap)
    r["lost_files"] = [e["file"] for e in lost]
    return r


def expected_carried(expect, r):
    kind, snap, n1 = r["kind"], r["snap"], len(r["s1"])
    if kind != "file":
        return 0
    return {"none": 0, "snapshot": snap, "full": n1}.get(expect)


# --- patched-kernel checks (kernel/patches/6.1): ima_kexec critical data ---
PATCHED_ONLY = ("kexecevents", "overflow", "kdump", "execlast", "zeromargin", "execroom")
# scenarios that execute with `imakexec-trace exec`: the next log holds all
EXEC_SCENARIOS = ("guardexec", "stagedexec")
# kexec chains, judged by tests/vm/chainjudge.py
CHAIN_SCENARIOS = ("chain", "execfaults")
KEXEC_PAYLOAD_KEYS = ("kexec_segment_size", "ima_binary_runtime_size",
                      "ima_runtime_measurements_count")
KHDR_SIZE = 24  # struct ima_kexec_hdr


def record_size(e):
    return 4 + 20 + 4 + len(e["template"]) + 4 + len(e["tdata"])


def tfields(e):
    out, p, t = [], 0, e["tdata"]
    while p + 4 <= len(t):
        n = struct.unpack_from("<I", t, p)[0]
        out.append(t[p + 4:p + 4 + n])
        p += 4 + n
    return out


def kexec_records(entries, name):
    """[(index, payload dict or None)] of the ima-buf records named NAME."""
    out = []
    for i, e in enumerate(entries):
        if e["template"] != "ima-buf" or e["file"] != name:
            continue
        f = tfields(e)
        pay = None
        if len(f) >= 3:
            txt = f[2].decode("ascii", "replace")
            kv = dict(x.split("=", 1) for x in txt.split(";") if "=" in x)
            if (txt.endswith(";") and tuple(kv) == KEXEC_PAYLOAD_KEYS and
                    all(v.lstrip("-").isdigit() for v in kv.values())):
                pay = {k: int(v) for k, v in kv.items()}
        out.append((i, pay))
    return out


def payload_problems(what, entries, idx, pay, page):
    """The payload describes the list before the record itself: exactly
    for kexec_execute (our patch appends it with the list suspended for
    every other task), for kexec_load a prefix of it (other CPUs may
    append between reading the list and appending the record: its count
    is a lower bound of its position; size and count are read together,
    so the size is that prefix's)."""
    if pay is None:
        return ["%s_payload_malformed" % what]
    p = []
    n = pay["ima_runtime_measurements_count"]
    if what == "kexec_load" and n > idx:
        p.append("%s_count_%d_beyond_position_%d" % (what, n, idx))
    if what != "kexec_load" and n != idx:
        p.append("%s_count_%d_position_%d" % (what, n, idx))
    size = KHDR_SIZE + sum(record_size(e) for e in entries[:min(n, idx)])
    if pay["ima_binary_runtime_size"] != size:
        p.append("%s_binary_size_%d_expected_%d" % (what, pay["ima_binary_runtime_size"], size))
    if pay["kexec_segment_size"] % page:
        p.append("%s_segment_size_not_page_aligned" % what)
    return p


def ima_buf_record(name, payload, pcr=IMA_PCR):
    """Rebuild an ima-buf record (sha256 d-ng) as the kernel would log it."""
    def fld(b):
        return struct.pack("<I", len(b)) + b
    tdata = (fld(b"sha256:\0" + hashlib.sha256(payload).digest()) +
             fld(name.encode() + b"\0") + fld(payload))
    return {"pcr": pcr, "digest": hashlib.sha1(tdata).digest(), "template": "ima-buf",
            "tdata": tdata, "file": name, "algo": "sha256"}


def console_text(path):
    """The whole serial log as text (kernel messages included)."""
    with open(path, "rb") as f:
        return f.read().decode("utf-8", "replace")


def kconfig_value(path, name):
    """CONFIG_<name> of the kernel's config file (next to its bzImage), or None."""
    try:
        with open(path) as f:
            for line in f:
                if line.startswith("CONFIG_%s=" % name):
                    return line.split("=", 1)[1].strip().strip('"')
    except (OSError, TypeError):
        pass
    return None


def page_size(log, kconfig):
    """The guest kernel's page size: what the guest measured (an IKT line
    with page=, e.g. overflow's), else its config (CONFIG_PAGE_SHIFT, which
    7.x has; x86_64 has 4 KiB pages only), else None."""
    for kv in log["lines"]:
        if kv.get("page", "").isdigit() and int(kv["page"]) > 0:
            return int(kv["page"])
    shift = kconfig_value(kconfig, "PAGE_SHIFT")
    if shift is not None and shift.isdigit():
        return 1 << int(shift)
    if kconfig_value(kconfig, "X86_64") == "y":
        return 4096
    return None


def config_version(kconfig):
    """(major, minor, sublevel) from the first lines of a kernel config
    ("# Linux/x86 6.12.117 Kernel Configuration"), or None."""
    try:
        with open(kconfig) as f:
            for _ in range(5):
                m = re.match(r"# Linux/\S+ (\d+)\.(\d+)\.?(\d*)", f.readline())
                if m:
                    return (int(m.group(1)), int(m.group(2)), int(m.group(3) or 0))
    except (OSError, TypeError):
        pass
    return None


@functools.lru_cache(maxsize=None)
def system_map(kconfig):
    """The symbol names of the kernel's System.map (next to its config, as
    scripts/build-kernel caches it), or None when there is none."""
    if not kconfig:
        return None
    try:
        with open(os.path.join(os.path.dirname(kconfig), "System.map")) as f:
            return {ln.split()[2] for ln in f if len(ln.split()) >= 3}
    except OSError:
        return None


# what was read in a kernel source that the config and System.map cannot
# tell, by the version in the config's first line (the kernel family
# "backport" only: upstream's execute-time copy without its records)
SOURCE_READ = {
    # Debian 13's linux-source-6.12 6.12.117-1 (scripts/build-kernel deb13),
    # security/integrity/ima/ima_kexec.c, ima_template.c, arch/x86/kernel/
    # setup.c: ima_add_kexec_buffer() returns for KEXEC_TYPE_CRASH
    # (upstream's fe3aebf27dc1 is in); x86's ima_get_kexec_buffer() hands
    # out __va() of the buffer with no range check (ima_validate_range()
    # exists but only drivers/of uses it: c5489d04337b is not in);
    # ima_restore_measurement_list() parses up to buf + the header's
    # buffer_size without comparing it with the buffer's size; ima_queue.c
    # has no suspend (upstream's 254ef9541d68 is not in): the reboot
    # notifier copies while other tasks may still append, and what they
    # append after the copy reaches the TPM only
    (6, 12, 117): {"crash_list": False, "range_check": False, "header_check": False,
                   "suspend": False},
}


def kernel_traits(kernel, kconfig, expect=None):
    """What a kernel does with the IMA list of a kexec_file image, from its
    config (options, the version in its first line) and, when cached next
    to it, its System.map; the harness' kernel name only when there is no
    config to read (a crafted log). family:
      none      no CONFIG_IMA_KEXEC
      snapshot  the list as of kexec_file_load (< 6.16 without a backport)
      ours      kernel/patches/6.1 (CONFIG_IMA_KEXEC_MARGIN_KB)
      upstream  >= 6.16: the execute-time copy, CONFIG_IMA_KEXEC_EXTRA_MEMORY_KB
                (0 = half a page), the kexec_load/kexec_execute records
      backport  upstream's execute-time copy as backported to a stable
                line (6.12.y: kimage_map_segment, ima_update_kexec_buffer)
                without the records or the margin option: a fixed half page
    and per family: records (ima_kexec kexec_load/kexec_execute), margin
    (bytes; None = from the options), param (ima_kexec_margin_kb= taken),
    reserve (ours: 1 KiB for the records), cut ("whole": the copy stops at
    a whole record with a true header; "torn": upstream's seq_file copy
    writes the record that overflows field by field, counts it, and the
    next kernel's restore stops there), suspend (measurements refused once
    the copy starts), crash_list (a crash image gets a list), range_check
    (the next kernel refuses a buffer outside its memory), header_check
    (it refuses a header larger than the buffer); None = not known."""
    ver = config_version(kconfig)
    smap = system_map(kconfig)
    has = lambda sym: smap is not None and sym in smap
    ima_kexec = kconfig_value(kconfig, "IMA_KEXEC")
    ours = kconfig_value(kconfig, "IMA_KEXEC_MARGIN_KB") is not None
    upcfg = kconfig_value(kconfig, "IMA_KEXEC_EXTRA_MEMORY_KB") is not None
    if ours or (upcfg and ver is not None and ver < (6, 16)):
        # (our series named its option EXTRA_MEMORY_KB before the rename)
        family = "ours"
    elif upcfg or (ver is not None and ver >= (6, 16) and ima_kexec == "y"):
        family = "upstream"
    elif ima_kexec == "y":
        copy = has("kimage_map_segment") or has("ima_update_kexec_buffer")
        family = "backport" if copy or (smap is None and expect == "full") else "snapshot"
    elif ima_kexec is None and ver is None:
        # no config to read: the harness' name (crafted logs)
        family = {"mainline": "upstream", "patched": "ours", "baseline": "snapshot",
                  "deb13": "backport"}.get(kernel, "none")
    else:
        family = "none"
    t = {"family": family, "version": ".".join(map(str, ver)) if ver else "unknown",
         "records": family in ("ours", "upstream"), "margin": None,
         "param": family == "ours", "reserve": OURS_RECORDS_RESERVE if family == "ours" else 0,
         "cut": "whole" if family == "ours" else "torn",
         "suspend": family in ("ours", "upstream"),
         "crash_list": family == "snapshot", "range_check": None, "header_check": family == "ours"}
    if family == "ours":
        t["range_check"] = True        # 0011 (upstream's c5489d04337b)
    elif family == "upstream":
        t["range_check"] = True        # c5489d04337b (restoremem on 7.2.13)
        t["header_check"] = False
    elif family in ("backport", "snapshot"):
        # ima_add_kexec_buffer(): ALIGN(list + PAGE_SIZE / 2, PAGE_SIZE)
        t["margin"] = "half_page"
        if smap is not None:
            t["suspend"] = has("ima_measurements_suspend")
        if family == "backport":
            t.update({"crash_list": None, "header_check": None})
            t.update(SOURCE_READ.get(ver, {}))
    return t


def segment_margin(kernel, kconfig, page, cmdline_kb=None):
    """Bytes an execute-copy kernel reserves beyond the list at load (a
    normal image), by its family (kernel_traits). Upstream:
    CONFIG_IMA_KEXEC_EXTRA_MEMORY_KB, 0 = half a page, no boot parameter.
    Our 6.1 patch: CONFIG_IMA_KEXEC_MARGIN_KB taken as is (0 = none; before
    the rename it was CONFIG_IMA_KEXEC_EXTRA_MEMORY_KB with that meaning),
    and ima_kexec_margin_kb= on the command line (cmdline_kb, as the guest
    saw it) overrides it. A backport (6.12.y) or a load-snapshot kernel:
    a fixed half page. None when unknown."""
    t = kernel_traits(kernel, kconfig)
    if t["margin"] == "half_page":
        return None if page is None else page // 2
    if t["param"] and cmdline_kb is not None and cmdline_kb.isdigit():
        return int(cmdline_kb) * 1024
    ours = kconfig_value(kconfig, "IMA_KEXEC_MARGIN_KB")
    kb = ours if ours is not None else kconfig_value(kconfig, "IMA_KEXEC_EXTRA_MEMORY_KB")
    if kb is None or not kb.lstrip("-").isdigit() or page is None:
        return None
    kb = int(kb)
    if ours is None and t["family"] == "upstream":
        return page // 2 if kb <= 0 else kb * 1024
    return kb * 1024


# bytes our 6.1 patch (0010) reserves in a normal image's segment for the
# kexec_load and kexec_execute records, appended after the segment is sized:
# 2 * IMA_KEXEC_EVENT_MAX_SIZE (mirrored here; kexecevents and overflow fail
# when the kernel's sizes differ from the formula)
OURS_RECORDS_RESERVE = 2 * 512


def segment_want(lpay, kernel, kconfig, page, cmdline_kb=None):
    """(segment size, margin, reserve) an execute-copy kernel gives a normal
    image at kexec_file_load, from the kexec_load record's payload (the list
    before that record, header included): ALIGN(list + margin + reserve,
    page). The reserve is our patch's room for its two ima_kexec records
    (kconfig with CONFIG_IMA_KEXEC_MARGIN_KB); upstream has none beyond its
    margin. (None, None, None) when the margin is unknown."""
    margin = segment_margin(kernel, kconfig, page, cmdline_kb)
    if margin is None:
        return None, None, None
    reserve = kernel_traits(kernel, kconfig)["reserve"]
    want = (lpay["ima_binary_runtime_size"] + margin + reserve + page - 1) // page * page
    return want, margin, reserve


def segment_check(seg, lpay, kernel, kconfig, page, problems, cmdline_kb=None):
    """Append a problem when the kexec_load record's segment size is not
    the kernel's formula (segment_want) or the margin is unknown; returns
    (margin, reserve), None when unknown."""
    want, margin, reserve = segment_want(lpay, kernel, kconfig, page, cmdline_kb)
    if margin is None:
        problems.append("no_CONFIG_IMA_KEXEC_MARGIN_KB_or_EXTRA_MEMORY_KB_in_%s" % kconfig)
    elif seg != want:
        problems.append("segment_size_%d_expected_%d(margin_%d,reserve_%d)" % (seg, want, margin, reserve))
    return margin, reserve


def execute_right_after(s1, s2, page, problems):
    """kexec_execute must be s2[len(s1)], its payload describing s1; returns
    the record's payload (None if absent or malformed)."""
    ex = kexec_records(s2, "kexec_execute")
    if not ex or ex[0][0] != len(s1):
        problems.append("kexec_execute_not_right_after_the_%d_stage1_entries" % len(s1))
        return None
    problems.extend(payload_problems("kexec_execute", s2, len(s1), ex[0][1], page))
    return ex[0][1]


STORM_PREFIX = "/tmp/sl-"


def execlast_checks(log, log_path, r, kernel, kconfig, facts, problems):
    """kexec -e under a storm on the other vCPU (execlast.sh). The next
    kernel's own records start at its boot_aggregate (index j, after
    everything carried); the storm's files are /tmp/sl-N and stage 2 runs
    no storm. Patched: kexec_execute is s2[j - 1], its payload describes
    s2[:j - 1], storm entries before it, none after. Mainline (upstream)
    measures the record before suspending the list under another hold of
    the lock: its position is reported only. A 6.12.y backport measures no
    record and suspends nothing: what the storm measures after the copy is
    in the TPM only, so whether the next log replays is reported; the
    storm's records carried before the hand-over and no ima_kexec record
    are judged."""
    t = kernel_traits(kernel, kconfig, "full")
    s1, s2 = r["s1"], r["s2"]
    n1 = len(s1)
    j = next((i for i in range(n1, len(s2)) if s2[i]["file"] == "boot_aggregate"), None)
    if s2[:n1] != s1:
        problems.append("s1_not_a_prefix_of_the_next_log")
    if j is None:
        problems.append("no_boot_aggregate_of_the_next_kernel_after_the_%d_stage1_entries" % n1)
        return
    facts.add("carried_at_execute", j)
    storm_in = lambda es: sum(1 for e in es if e["file"].startswith(STORM_PREFIX))
    facts.add("storm_entries_carried", storm_in(s2[n1:j]))
    facts.add("storm_entries_after_hand_over", storm_in(s2[j:]))
    if storm_in(s2[n1:j]) == 0:
        problems.append("no_storm_entry_carried(the_storm_did_not_run_before_kexec_-e)")
    if storm_in(s2[j:]):
        problems.append("storm_entries_after_the_hand_over")
    ev = [e for e in log["events"] if e.get("event") == "execute"]
    if ev and ev[-1].get("storm_entries_before", "").isdigit():
        facts.add("storm_entries_seen_by_guest", ev[-1]["storm_entries_before"])
    ex = kexec_records(s2, "kexec_execute")
    facts.add("kexec_execute_records", len(ex))
    if not t["records"]:
        problems[:] = [p for p in problems if not p.startswith(("carried_", "tpm_pcr10_", "s2_replay_"))]
        if ex or kexec_records(s2, "kexec_load"):
            problems.append("ima_kexec_records_from_a_kernel_without_them(%s)" % t["family"])
        facts.add("measurements_suspended_at_copy", t["suspend"])
        facts.add("storm_outgrew_segment", "yes" if "Dump measurements failed" in
                  console_text(log_path) else "no")
        for bank in BANKS:
            m = r.get("s2_replay_%s" % bank)
            facts.add("next_log_replays_%s" % bank, "na" if m is None else ("yes" if m else "no"))
        return
    if t["family"] == "upstream":
        # the reference's own behaviour under the storm is reported, not
        # judged: where its kexec_execute record lands (if it is carried),
        # and whether what the storm measured around the copy was carried
        # (the generic checks assume s1 was the whole list at kexec -e)
        problems[:] = [p for p in problems if not p.startswith(("carried_", "tpm_pcr10_", "s2_replay_"))]
        facts.add("kexec_execute_position", "%d/%d" % (ex[0][0], j) if ex else "none")
        facts.add("records_after_kexec_execute", j - 1 - ex[-1][0] if ex else "na")
        for bank in BANKS:
            m = r.get("s2_replay_%s" % bank)
            facts.add("next_log_replays_%s" % bank, "na" if m is None else ("yes" if m else "no"))
        return
    if len(ex) != 1 or ex[0][0] != j - 1:
        problems.append("kexec_execute_not_the_last_carried_record(at_%s,next_boot_at_%d)" % (
            ",".join(str(i) for i, _ in ex) or "none", j))
        return
    page = page_size(log, kconfig)
    if page is None:
        problems.append("page_size_unknown")
    else:
        problems.extend(payload_problems("kexec_execute", s2, j - 1, ex[0][1], page))
    for bank in BANKS:
        if r.get("s2_replay_%s" % bank) is not True:
            problems.append("next_log_does_not_replay_%s" % bank)


def patched_checks(sc, expect, log_path, log, r, facts, problems, kernel="", kconfig=None):
    """Facts for every scenario; verdicts for PATCHED_ONLY scenarios."""
    s1, s2 = r["s1"], r.get("s2")
    loads1 = kexec_records(s1, "kexec_load")
    facts.add("ima_kexec_load_records", len(loads1))
    if s2 is not None:
        facts.add("kexec_execute_in_s2", "yes" if kexec_records(s2, "kexec_execute") else "no")
    if sc not in PATCHED_ONLY or s2 is None:
        return
    if sc == "execlast":
        execlast_checks(log, log_path, r, kernel, kconfig, facts, problems)
        return
    if sc == "kdump":
        # crash images keep the 6.1 behaviour: the list as of the crash load
        problems[:] = [p for p in problems if not p.startswith("carried_")]
        crash = [e for e in log["events"] if e.get("event") == "load"
                 and e.get("mode") == "crash" and e.get("rc") == "0"]
        want = int(crash[-1]["count"]) if crash else -1
        # upstream (mainline) gives crash images no list at all
        # (ima_add_kexec_buffer returns for KEXEC_TYPE_CRASH), and so does
        # our series since it took that change (patch 0003), and 6.12.117
        # (kernel_traits: crash_list)
        cl = kernel_traits(kernel, kconfig, expect)["crash_list"]
        facts.add("crash_image_gets_a_list", "unknown" if cl is None else ("yes" if cl else "no"))
        if cl is None:
            problems.append("crash_list_unknown_for_this_kernel(read_its_ima_add_kexec_buffer,add_it_to_SOURCE_READ)")
        if cl is False:
            want = 0
        facts.add("crash_load_count", want)
        if r["carried"] != want:
            problems.append("kdump_carried_%d_expected_crash_load_count_%d" % (r["carried"], want))
        if loads1:
            problems.append("crash_load_measured_%d_kexec_load_records" % len(loads1))
        return
    file_loads = [e for e in log["events"] if e.get("event") == "load"
                  and e.get("mode") == "file" and e.get("rc") == "0"]
    t = kernel_traits(kernel, kconfig, expect)
    if not t["records"]:
        norecords_checks(sc, log_path, log, r, t, file_loads, facts, problems, kernel, kconfig)
        return
    if len(loads1) != len(file_loads):
        problems.append("kexec_load_records_%d_file_loads_%d" % (len(loads1), len(file_loads)))
        return
    page = page_size(log, kconfig)
    facts.add("page_size", "unknown" if page is None else page)
    if page is None:
        problems.append("page_size_unknown(no_guest_page_line,no_CONFIG_PAGE_SHIFT_in_%s)" % kconfig)
        return
    li, lpay = loads1[-1]
    problems.extend(payload_problems("kexec_load", s1, li, lpay, page))
    if lpay is None:
        return
    seg = lpay["kexec_segment_size"]
    facts.add("segment_size", seg)
    n1 = len(s1)
    if sc == "kexecevents":
        # sized at load for the list then plus the configured margin
        margin, reserve = segment_check(seg, lpay, kernel, kconfig, page, problems)
        facts.add("segment_margin", "unknown" if margin is None else margin)
        facts.add("segment_records_reserve", "unknown" if reserve is None else reserve)
        epay = execute_right_after(s1, s2, page, problems)
        if epay and epay["kexec_segment_size"] != seg:
            problems.append("kexec_execute_segment_size_differs_from_load")
        # the copy at execute: ours (patched) or upstream's reboot notifier
        execute_copy_probe_checks(log, facts, problems)
    elif sc == "execroom":
        execroom_checks(log, s1, s2, li, lpay, seg, facts, problems)
    elif sc == "zeromargin":
        zeromargin_checks(log, log_path, s1, s2, li, lpay, seg, page, kernel, kconfig, facts, problems)
    elif sc == "overflow":
        # the generic expectations (full carry, TPM == s1 + stage-2 entries)
        # do not hold here: the tail, kexec_execute included, is cut on purpose
        problems[:] = [p for p in problems if not p.startswith(("carried_", "tpm_pcr10_"))]
        overflow_plan_checks(log, s1, li, lpay, seg, page, kernel, kconfig, facts, problems)
        # a record that would exactly fill the segment fits
        k = cut_list_checks(r, s1, s2, facts, problems, lambda used: used <= seg,
                            "(header_count_wrong?)", "exceed_the_segment", "dropped")
        size1 = KHDR_SIZE + sum(record_size(e) for e in s1)
        payload = ("kexec_segment_size=%d;ima_binary_runtime_size=%d;"
                   "ima_runtime_measurements_count=%d;" % (seg, size1, n1)).encode()
        full = s1 + [ima_buf_record("kexec_execute", payload)] + s2[k:]
        for bank in BANKS:
            tpm = log["pcrs"].get("s2", {}).get(bank, {}).get(IMA_PCR)
            zero = "0" * (2 * hashlib.new(bank).digest_size)
            ok = tpm is not None and tpm == replay(full, bank).get(IMA_PCR, zero)
            facts.add("tpm_equals_s1_exec_new_%s" % bank, "yes" if ok else "no")
            if not ok:
                problems.append("tpm_pcr10_%s_not_s1+kexec_execute+new" % bank)
        raw = console_text(log_path)
        if t["family"] == "upstream":
            # upstream's copy stops at the full segment and says only that
            # the dump failed; the record that did not fit is torn and the
            # next kernel's restore stops there (reported, not judged: the
            # reference's own behaviour)
            facts.add("upstream_dump_failed", "yes" if "Dump measurements failed" in raw else "no")
            facts.add("restore_error", "yes" if re.search(r"ima: .*(restor|invalid|Error)", raw, re.I) else "no")
        elif "kexec execute: measurement list does not fit" not in raw:
            problems.append("no_does_not_fit_error_on_console")


# the payloads kernel/test/ikt_mapfail.c measures (label and event name
# "ikt_mapfail"), in order: the rebooting task, then another task
MAPFAIL_PAYLOADS = ("measured after the failed copy by the rebooting task",
                    "measured after the failed copy by another task")


def mapfail_checks(log, log_path, r, facts, problems):
    """mapfail.sh: the module made kimage_map_segment() fail once, IMA said
    so and passed the load-time list (carried == the snapshot, checked with
    the generic expectations), no kexec_execute record was measured, and
    both records the module measured afterwards reached PCR 10."""
    raw = console_text(log_path)
    if "ikt_mapfail: armed" not in raw:
        problems.append("ikt_mapfail_module_not_armed")
    calls = re.findall(r"ikt_mapfail: kimage_map_segment call (\d+): returned (a mapping|NULL), made it return NULL", raw)
    facts.add("map_calls_failed", len(calls))
    if len(calls) != 1:
        problems.append("kimage_map_segment_failed_%d_times_want_1" % len(calls))
    if "kexec execute: cannot map the measurement list segment, passing the list as of kexec load" not in raw:
        problems.append("no_'cannot_map_the_measurement_list_segment'_error")
    for who in ("the rebooting task", "another task"):
        m = re.search(r"ikt_mapfail: measured by %s after IMA's notifier: (-?\d+)" % who, raw)
        if not m or m.group(1) != "0":
            problems.append("not_measured_by_%s(%s)" % (who.replace(" ", "_"), m.group(1) if m else "no_line"))
    n = r.get("mapfail_records_in_tpm")
    facts.add("after_failure_records_in_tpm", n)
    if n != len(MAPFAIL_PAYLOADS):
        problems.append("list_suspended_after_the_failed_map(%s_of_%d_later_records_in_pcr10)" % (n, len(MAPFAIL_PAYLOADS)))
    for st in ("s1", "s2"):
        if kexec_records(r.get(st) or [], "kexec_execute"):
            problems.append("kexec_execute_record_in_%s_after_a_failed_map" % st)
    if not [kv for kv in log["lines"] if "mapfail" in kv]:
        problems.append("next_kernel_did_not_report(booted?)")


def execute_copy_probe_checks(log, facts, problems):
    """The guest's probe of the execute-time copy function (ours or
    upstream's reboot notifier): it must be in ftrace and in BTF, where
    the tool attaches to it."""
    probe = next((kv for kv in log["lines"] if kv.get("probe") == "execute_copy"), {})
    for k in ("ftrace_hits", "btf_hits"):
        v = probe.get(k, "")
        facts.add("execute_copy_" + k, v or "none")
        if v in ("", "0"):
            problems.append("execute_copy_function_not_in_%s" % k.split("_")[0])


def norecords_checks(sc, log_path, log, r, t, file_loads, facts, problems, kernel, kconfig):
    """kexecevents and overflow on an execute-copy kernel without the
    ima_kexec records (a 6.12.y backport of upstream's copy: kernel_traits).
    kexecevents: no kexec_load / kexec_execute record in either list (the
    generic full checks: every stage-1 entry carried), the copy function in
    ftrace and BTF. overflow: the segment is the list at the load (the load
    event's count) + the header + half a page, page aligned; the guest's
    plan must be that (overflow_plan_checks); the copy writes records field
    by field into a seq_file that refuses a write reaching its end, counts
    the record it tears, says "Dump measurements failed" once more follow,
    and the next kernel restores the whole records before the torn one: the
    carried prefix k is the longest whose records end before the segment
    does, s2[k] the new boot_aggregate, and the TPM s1 + s2[k:] (no record
    of the copy)."""
    s1, s2 = r["s1"], r["s2"]
    n1 = len(s1)
    recs = len(kexec_records(s1, "kexec_load")) + len(kexec_records(s2, "kexec_execute"))
    facts.add("kernel_family", "%s(%s)" % (t["family"], t["version"]))
    if recs:
        problems.append("%d_ima_kexec_records_from_a_kernel_without_them" % recs)
    page = page_size(log, kconfig)
    facts.add("page_size", "unknown" if page is None else page)
    if page is None:
        problems.append("page_size_unknown(no_guest_page_line,no_CONFIG_PAGE_SHIFT_in_%s)" % kconfig)
        return
    if sc == "kexecevents":
        execute_copy_probe_checks(log, facts, problems)
        return
    if sc != "overflow":
        return
    problems[:] = [p for p in problems if not p.startswith(("carried_", "tpm_pcr10_"))]
    if len(file_loads) != 1:
        problems.append("overflow_expected_one_file_load_got_%d" % len(file_loads))
        return
    snap = int(file_loads[0]["count"])
    margin = segment_margin(kernel, kconfig, page)
    seg = (KHDR_SIZE + sum(record_size(e) for e in s1[:snap]) + margin + page - 1) // page * page
    facts.add("segment_size", "%d(list_at_load_%d_records+half_page)" % (seg, snap))
    overflow_plan_checks(log, s1, snap, None, seg, page, kernel, kconfig, facts, problems,
                         after=snap, fits=lambda used: used < seg)
    # seq_write() copies a field only while count + len < size: the last
    # byte of the segment is never written
    k = cut_list_checks(r, s1, s2, facts, problems, lambda used: used < seg,
                        "", "reach_the_segment_end", "not_restored")
    for bank in BANKS:
        tpm = log["pcrs"].get("s2", {}).get(bank, {}).get(IMA_PCR)
        zero = "0" * (2 * hashlib.new(bank).digest_size)
        ok = tpm is not None and tpm == replay(s1 + s2[k:], bank).get(IMA_PCR, zero)
        facts.add("tpm_equals_s1_new_%s" % bank, "yes" if ok else "no")
        if not ok:
            problems.append("tpm_pcr10_%s_not_s1+new" % bank)
    raw = console_text(log_path)
    failed = "Dump measurements failed" in raw
    facts.add("dump_failed_said", "yes" if failed else "no")
    # the torn record is followed by more (the guest's safety margin)
    if not failed:
        problems.append("no_'Dump_measurements_failed'_on_console")
    facts.add("next_restore_error", "yes" if "Failed to restore the measurement list" in raw else "no")


def restorehdr_checks(log, log_path, r, facts, problems):
    """restorehdr.sh: the test module rewrote the header after IMA's copy
    (its console line), the next kernel booted, refused the list with the
    series' message (and the generic "Failed to restore"), and started a
    fresh list (carried 0, checked with the generic expectations)."""
    raw = console_text(log_path)
    m = re.search(r"ikt_khdr: header version (\d+) count (\d+) buffer_size (\d+) -> (\d+) \(segment (\d+)\)", raw)
    if not m:
        problems.append("no_ikt_khdr_header_line(the_module_did_not_rewrite_the_header)")
    else:
        count, old, new, seg = (int(m.group(i)) for i in (2, 3, 4, 5))
        facts.add("khdr_count", count)
        facts.add("khdr_buffer_size", "%d->%d" % (old, new))
        facts.add("khdr_segment", seg)
        # the header IMA wrote at execute: every stage-1 record (and the
        # kexec_execute record) in a buffer that fits the segment
        if count != len(r["s1"]) + 1:
            problems.append("header_count_%d_not_s1_%d_plus_kexec_execute" % (count, len(r["s1"])))
        if not old <= seg < new:
            problems.append("header_not_corrupted_beyond_the_segment(%d,%d,%d)" % (old, seg, new))
    rh = [kv for kv in log["lines"] if "restorehdr" in kv]
    if not rh:
        problems.append("next_kernel_did_not_report(booted?)")
        return
    rh = rh[-1]
    for k in ("refused", "failed", "outside"):
        facts.add("next_" + k, rh.get(k))
    if rh.get("refused", "0") == "0":
        problems.append("no_'measurement_list_header_claims'_message_in_the_next_kernel")
    if rh.get("failed", "0") == "0":
        problems.append("no_'Failed_to_restore_the_measurement_list'_in_the_next_kernel")
    if rh.get("outside", "0") != "0":
        problems.append("buffer_outside_memory(the_range_check_fired_instead)")
    s2 = r.get("s2") or []
    if not s2 or s2[0]["file"] != "boot_aggregate":
        problems.append("next_list_does_not_start_with_its_own_boot_aggregate")


def digits(v):
    return len(str(v))


def execroom_checks(log, s1, s2, li, lpay, seg, facts, problems):
    """execroom.sh: when exec ran, the stage-1 list fitted the segment but
    the kexec_execute record the kernel appends before its copy (the
    kexec_load record with a 3-byte longer name and the payload of the list
    then) did not (else the run proves nothing); the guest's checks (audit
    OVERFLOW, plain kexec -e refused with overflow) are self checks. The next
    log holds every stage-1 record and then, after the reload's own
    kexec_load, kexec_execute, and replays (generic checks)."""
    size = KHDR_SIZE + sum(record_size(e) for e in s1)
    krec = record_size(s1[li])
    exe = (krec + 3 + digits(size) - digits(lpay["ima_binary_runtime_size"]) +
           digits(len(s1)) - digits(lpay["ima_runtime_measurements_count"]))
    facts.add("er_segment", seg)
    facts.add("er_list", size)
    facts.add("er_kexec_execute_record", exe)
    if not size <= seg < size + exe:
        problems.append("precondition_list_%d_plus_kexec_execute_%d_vs_segment_%d" % (size, exe, seg))
    ex = kexec_records(s2, "kexec_execute")
    facts.add("er_kexec_execute_at", ex[0][0] if ex else "none")
    if not ex or ex[0][0] < len(s1):
        problems.append("no_kexec_execute_after_the_%d_stage1_records" % len(s1))


def zeromargin_checks(log, log_path, s1, s2, li, lpay, seg, page, kernel, kconfig, facts, problems):
    """zeromargin.sh: margin 0, the list at the (second) load ends closer to
    a page boundary than the kexec_load record takes, nothing measured but
    kexec_load and kexec_execute after it. The precondition is checked from
    the dump (else the run proves nothing); then the segment size, every
    stage-1 record carried (the generic full checks) with kexec_execute
    right after them, and no "does not fit" error."""
    par = next((kv for kv in log["lines"] if "zm_params" in kv), {})
    plan = next((kv for kv in log["lines"] if "zm_plan" in kv), {})
    sizing = KHDR_SIZE + sum(record_size(e) for e in s1[:li])
    room = -sizing % page
    krec = record_size(s1[li])
    facts.add("zm_list_at_sizing", sizing)
    facts.add("zm_room_to_page", room)
    facts.add("zm_kexec_load_record", krec)
    facts.add("zm_after_load", len(s1) - li - 1)
    if plan.get("list_at_sizing") != str(sizing):
        problems.append("guest_list_at_sizing_%s_dumped_%d" % (plan.get("list_at_sizing"), sizing))
    if room >= krec:
        problems.append("precondition_room_%d_not_below_kexec_load_record_%d" % (room, krec))
    if li != len(s1) - 1:
        problems.append("%d_records_after_the_kexec_load_record" % (len(s1) - li - 1))
    margin, reserve = segment_check(seg, lpay, kernel, kconfig, page, problems,
                                    par.get("cmdline_kb"))
    facts.add("zm_margin", margin)
    facts.add("zm_records_reserve", reserve)
    execute_right_after(s1, s2, page, problems)
    if "measurement list does not fit" in console_text(log_path):
        problems.append("does_not_fit_error_on_console")


def cut_list_checks(r, s1, s2, facts, problems, fits, hint, beyond, not_there):
    """overflow: the next kernel got a cut list: k = r["carried"] of the
    stage-1 records, 0 < k < len(s1), its own boot_aggregate right after
    them, the k records fit the segment (fits(bytes with the header)) and
    record k would not have. The wording differs per kernel family (hint
    after the boot_aggregate problem, BEYOND and NOT_THERE). Returns k."""
    k, n1 = r["carried"], len(s1)
    facts.add("overflow_carried", "%d/%d" % (k, n1))
    if not 0 < k < n1:
        problems.append("overflow_expected_a_cut_list_got_%d_of_%d" % (k, n1))
    if k >= len(s2) or s2[k]["file"] != "boot_aggregate":
        problems.append("s2_entry_%d_is_not_the_new_boot_aggregate%s" % (k, hint))
    if not fits(KHDR_SIZE + sum(record_size(e) for e in s1[:k])):
        problems.append("carried_records_%s" % beyond)
    if k < n1 and fits(KHDR_SIZE + sum(record_size(e) for e in s1[:k + 1])):
        problems.append("record_%d_would_have_fit_but_was_%s" % (k, not_there))
    return k


def overflow_plan_checks(log, s1, li, lpay, seg, page, kernel, kconfig, facts, problems,
                         after=None, fits=None):
    """overflow sizes its measurements from the parameters in force (IKT
    ovf_params / ovf_plan): its page, margin and predicted segment must be
    the kernel's (as the judge derives them from the kconfig and the
    kexec_load record), its record size no more than any measured record,
    and what it measured must outgrow the segment by its safety number.
    li: the records at the segment's sizing (the kexec_load record's
    index); after: the records right after the load (li + 1: the
    kexec_load record; a kernel without records: li, lpay None, seg its
    own formula); fits(used): a list of used bytes fits the segment."""
    if after is None:
        after = li + 1
    if fits is None:
        fits = lambda used: used <= seg
    par = next((kv for kv in log["lines"] if "ovf_params" in kv), None)
    plan = next((kv for kv in log["lines"] if "ovf_plan" in kv), None)
    if par is None or plan is None:
        problems.append("no_ovf_params_or_ovf_plan_line")
        return
    def num(kv, k):
        v = kv.get(k, "")
        return int(v) if v.lstrip("-").isdigit() else None
    gpage, gmargin = num(par, "page"), num(par, "margin")
    cmdline_kb = par.get("cmdline_kb")
    # the segment as the kernel sized it: the list before the kexec_load
    # record (its payload's size, which payload_problems checked) + margin
    # + our patch's room for the two ima_kexec records
    if lpay is not None:
        margin, reserve = segment_check(seg, lpay, kernel, kconfig, page, problems, cmdline_kb)
    else:
        margin, reserve = segment_margin(kernel, kconfig, page, cmdline_kb), 0
    facts.add("ovf_margin", "%s(guest:%s,%s)" % (margin, gmargin, par.get("margin_source")))
    facts.add("ovf_records_reserve", "%s(guest:%s)" % (reserve, par.get("reserve")))
    if margin is None:
        return
    kpage = page_size({"lines": []}, kconfig)
    if kpage is not None and gpage != kpage:
        problems.append("guest_page_%s_kconfig_page_%d" % (gpage, kpage))
    if gmargin != margin:
        problems.append("guest_margin_%s_want_%d" % (gmargin, margin))
    if num(par, "reserve") != reserve:
        problems.append("guest_records_reserve_%s_want_%d" % (par.get("reserve"), reserve))
    if num(plan, "segment") != seg:
        problems.append("guest_predicted_segment_%s_kernel_%d" % (plan.get("segment"), seg))
    # the guest's list sizes are the dumped list's (without the header)
    size_to = lambda i: sum(record_size(e) for e in s1[:i])
    if num(plan, "list_at_sizing") != size_to(li):
        problems.append("guest_list_at_sizing_%s_dumped_%d" % (plan.get("list_at_sizing"), size_to(li)))
    if num(plan, "list_after_load") != size_to(after):
        problems.append("guest_list_after_load_%s_dumped_%d" % (plan.get("list_after_load"), size_to(after)))
    probe = [i for i, e in enumerate(s1) if e["file"] == "/tmp/m-p-0"]
    ovf = [e for e in s1 if e["file"].startswith("/tmp/m-ovf-")]
    n, need, rec = num(plan, "n"), num(plan, "need"), num(plan, "record")
    if len(probe) != 1 or not ovf or None in (n, need, rec):
        problems.append("overflow_probe_or_measurements_missing")
        return
    if num(plan, "list_now") != size_to(probe[0] + 1):
        problems.append("guest_list_now_%s_dumped_%d" % (plan.get("list_now"), size_to(probe[0] + 1)))
    smallest = min(record_size(e) for e in ovf)
    if rec > smallest:
        problems.append("guest_record_%d_larger_than_smallest_measured_%d" % (rec, smallest))
    if len(ovf) != n:
        problems.append("guest_measured_%d_planned_%d" % (len(ovf), n))
    # records after the probe that still fit the segment, from the dump
    used, fit = KHDR_SIZE + size_to(probe[0] + 1), 0
    for e in ovf:
        if not fits(used + record_size(e)):
            break
        used += record_size(e)
        fit += 1
    safety = n - need
    facts.add("ovf_plan", "segment=%d,free=%s,record=%d,need=%d,n=%d,fit=%d,beyond=%d" % (
        seg, plan.get("free"), rec, need, n, fit, len(ovf) - fit))
    if safety < 1 or need < fit + 1:
        problems.append("guest_need_%d_safety_%d_but_%d_fit(must_outgrow_by_the_safety)" % (need, safety, fit))


# two-stage scenarios that attach first (ikt_track) and audit right before
# kexec -e: the prediction is judged against what the next kernel lost
AUDITED = ("window", "reload", "twoloads", "legacy", "crash", "overflow", "attach", "auditverify")


def audit_checks(log, r, facts, problems):
    """audit's prediction before kexec == what the next kernel lost, entry
    for entry (seq and template digest), in count and exit code; on a
    load-snapshot kernel it read from the snapshot's end."""
    au = log.get("audit_json")
    if log["tool_rc"].get("attach") != 0:
        problems.append("attach_rc_%s" % log["tool_rc"].get("attach"))
    if not isinstance(au, dict):
        problems.append("audit_json_missing_or_unparsable")
        return
    lost = r.get("lost") or []
    facts.add("audit_verdict", au.get("verdict"))
    facts.add("audit_at_risk", au.get("at_risk"))
    # on a load-snapshot kernel audit reads only what follows the snapshot
    facts.add("audit_read_from", au.get("list_read_from"))
    if au.get("verdict") == "GAP" and au.get("list_read_from") != r.get("snap"):
        problems.append("audit_read_from_%s_want_snapshot_%s" % (au.get("list_read_from"), r.get("snap")))
    want_rc = 1 if lost else 0
    if log["tool_rc"].get("audit") != want_rc:
        problems.append("audit_rc_%s_want_%d" % (log["tool_rc"].get("audit"), want_rc))
    predicted = [(e["seq"], e["template_digest"]) for e in au.get("entries", [])]
    first = r.get("carried", 0)
    observed = [(first + i, e["digest"].hex()) for i, e in enumerate(lost)]
    if predicted != observed:
        problems.append("audit_predicted_%d_entries_observed_lost_%d" % (len(predicted), len(observed)))
    if au.get("at_risk") != len(lost):
        problems.append("audit_at_risk_%s_observed_lost_%d" % (au.get("at_risk"), len(lost)))
    if au.get("ima_count") != len(r["s1"]):
        problems.append("audit_ima_count_%s_dumped_%d" % (au.get("ima_count"), len(r["s1"])))


def auditverify_checks(log, r, facts, problems):
    """... and verify after kexec agrees with the loss."""
    ve = log.get("verify_json")
    lost = r.get("lost") or []
    if not isinstance(ve, dict):
        problems.append("verify_json_missing_or_unparsable")
        return
    facts.add("verify_verdict", ve.get("verdict"))
    if log["tool_rc"].get("verify") != (1 if lost else 0):
        problems.append("verify_rc_%s_with_%d_lost" % (log["tool_rc"].get("verify"), len(lost)))
    if ve.get("verdict") != ("mismatch" if lost else "match"):
        problems.append("verify_verdict_%s_with_%d_lost" % (ve.get("verdict"), len(lost)))
    record_checks(log, r, ve, facts, problems)


AUDIT_RECORD = "/var/lib/ikt/pre-kexec.record"


def record_checks(log, r, ve, facts, problems):
    """audit --save before the kexec, verify --record after it: the record
    is a root-owned 0600 file that survived the kexec on the disk; it holds
    exactly the entries the judge saw lost (from the s1/s2 dumps and the
    TPM), written in stage 1's boot; verify names absent exactly the lost
    entries that the list it read (dump s2v, cut at verify's own entry
    count) does not hold again, matched by template digest with duplicates
    counted, the earliest seq of a digest first (as verify matches)."""
    lost = r.get("lost") or []
    recl = {kv["record"]: kv for kv in log["lines"] if "record" in kv}
    s1l, s2l = recl.get("s1"), recl.get("s2")
    if s1l is None or s2l is None:
        problems.append("no_record_line_s1_or_s2")
        return
    for label, kv in (("s1", s1l), ("s2", s2l)):
        if (kv.get("exists"), kv.get("mode"), kv.get("uid"), kv.get("files")) != ("1", "600", "0", "1"):
            problems.append("record_%s_exists_%s_mode_%s_uid_%s_files_%s(want_one_root_0600_file)" % (
                label, kv.get("exists"), kv.get("mode"), kv.get("uid"), kv.get("files")))
    if s1l.get("bytes") != s2l.get("bytes"):
        problems.append("record_bytes_%s_before_kexec_%s_after" % (s1l.get("bytes"), s2l.get("bytes")))
    if s1l.get("boot_id") == s2l.get("boot_id"):
        problems.append("same_boot_id_in_both_stages(no_kexec?)")
    au = log.get("audit_json")
    if isinstance(au, dict) and au.get("saved") != AUDIT_RECORD:
        problems.append("audit_saved_%s" % au.get("saved"))
    rec = ve.get("record")
    if not isinstance(rec, dict):
        problems.append("verify_json_has_no_record")
        return
    facts.add("record_entries", rec.get("entries"))
    facts.add("record_absent", rec.get("absent_count"))
    if rec.get("path") != AUDIT_RECORD:
        problems.append("verify_record_path_%s" % rec.get("path"))
    if rec.get("entries") != len(lost):
        problems.append("record_entries_%s_observed_lost_%d" % (rec.get("entries"), len(lost)))
    if (rec.get("boot_id"), rec.get("current_boot_id"), rec.get("same_boot")) != (
            s1l.get("boot_id"), s2l.get("boot_id"), False):
        problems.append("record_boot_%s_current_%s_same_%s_want_%s_%s" % (
            rec.get("boot_id"), rec.get("current_boot_id"), rec.get("same_boot"),
            s1l.get("boot_id"), s2l.get("boot_id")))
    # the list verify read: the dump taken right after it, cut at its count
    s2vd = log["dumps"].get("s2v")
    nread = (ve.get("log") or {}).get("entries")
    if s2vd is None or not isinstance(nread, int):
        problems.append("no_s2v_dump_or_verify_log_entries")
        return
    s2v, s2 = parse_list(s2vd["data"]), r.get("s2") or []
    if not len(s2) <= nread <= len(s2v) or common_prefix(s2, s2v) != len(s2):
        problems.append("verify_read_%s_entries_s2_%d_s2v_%d(not_one_growing_list)" % (nread, len(s2), len(s2v)))
        return
    # only entries at or before PCR 10's match in every bank count as
    # present: those after it were appended after the TPM read
    idx = [p.get("match_index") for b in ve.get("banks", []) for p in b.get("pcrs", [])
           if p.get("pcr") == 10]
    limit = 0 if not idx or None in idx else min(nread, min(idx) + 1)
    facts.add("record_counted_up_to", limit)
    again = {}
    for e in s2v[:limit]:
        again[e["digest"]] = again.get(e["digest"], 0) + 1
    want = []
    first = r.get("carried", 0)
    for i, e in enumerate(lost):
        if again.get(e["digest"], 0):
            again[e["digest"]] -= 1
        else:
            want.append((first + i, e["digest"].hex()))
    got = [(a.get("seq"), a.get("template_digest")) for a in rec.get("absent", [])]
    facts.add("record_absent_expected", len(want))
    facts.add("lost_but_measured_again", len(lost) - len(want))
    if rec.get("absent_count") != len(want) or got != want:
        problems.append("record_absent_%s(%d_listed)_expected_%d" % (rec.get("absent_count"), len(got), len(want)))


def busyattach_checks(log, r, facts, problems):
    """attach under a storm on every vCPU: every round attaches at once while the
    list grows, and the tool's count is the kernel's (judged from the
    guest's own count and the dumped list, not from the tool)."""
    ev = log["events"]
    rounds = [e for e in ev if e.get("event") == "attach"]
    quiet = [e for e in ev if e.get("event") == "quietattach"]
    spin = [e for e in ev if e.get("event") == "spinattach"]
    if not rounds:
        problems.append("no_attach_rounds")
    if not quiet or not spin or any(q.get("rc") != "0" for q in quiet + spin):
        problems.append("reference_attach_failed")
        return
    # Under TCG the guest's clock runs on a shared, emulated CPU: a quiet
    # attach alone takes seconds there. With --smp 2 both vCPUs share one
    # host thread (thread=single), and attaching patches code on every CPU,
    # so a busy second vCPU alone makes an attach several times slower. The
    # reference is therefore the same attach while both vCPUs spin without
    # measuring (the slower of two): a loaded attach may take 2x that plus
    # 1 s. An attach that waited for a pause (the old alignment) never
    # succeeds while the storms run; the bound catches one that retries.
    ref = max(int(q["ms"]) for q in spin)
    # On KVM the vCPUs are real CPUs: there every attach under the storms
    # must succeed within 1 s (issue 17). Under TCG that is not a property
    # of the tool (a quiet attach alone takes seconds), so only the bound
    # above applies and the fact says so.
    acc = next((e for e in ev if e.get("event") == "accel"), {})
    kvm = acc.get("name") == "kvm"
    facts.add("accel", acc.get("name", "unknown"))
    facts.add("vcpus", acc.get("cpus", "?"))
    facts.add("within_1s", "judged" if kvm else "not_judged_under_%s" % acc.get("name", "unknown"))
    facts.add("quiet_attach_ms", quiet[0].get("ms"))
    facts.add("spin_attach_ms", "+".join(q.get("ms", "?") for q in spin))
    spun = [e for e in ev if e.get("event") == "spun"]
    if spun and int(spun[-1].get("grew", 0)) > 4:
        problems.append("spin_loops_measured_%s" % spun[-1].get("grew"))
    for e in rounds:
        rnd = e.get("round")
        if e.get("rc") != "0":
            problems.append("attach_round_%s_rc_%s" % (rnd, e.get("rc")))
        if int(e.get("ms", 10 ** 6)) > 2 * ref + 1000:
            problems.append("attach_round_%s_took_%sms_spinning_%dms" % (rnd, e.get("ms"), ref))
        if kvm and int(e.get("ms", 10 ** 6)) > 1000:
            problems.append("attach_round_%s_took_%sms_on_kvm(more_than_1s)" % (rnd, e.get("ms")))
        # the list must have grown across the attach: it ran under load
        if e.get("storms_running") != "1" or int(e["after"]) <= int(e["before"]):
            problems.append("attach_round_%s_not_under_load" % rnd)
    facts.add("attach_ms", "+".join(e.get("ms", "?") for e in rounds))
    facts.add("attach_grew", "+".join(str(int(e["after"]) - int(e["before"])) for e in rounds))
    for e in ev:
        if e.get("event") == "storm" and e.get("rc") != "0":
            problems.append("storm_%s_rc_%s" % (e.get("id"), e.get("rc")))
        if e.get("event") == "detach" and e.get("rc") != "0":
            problems.append("detach_round_%s_rc_%s" % (e.get("round"), e.get("rc")))
    settled = [e for e in ev if e.get("event") == "settled"]
    st = log["status_json"]
    if log["tool_rc"].get("status") != 0 or not isinstance(st, dict):
        problems.append("status_failed_or_unparsable")
        return
    guest = int(settled[-1]["count"]) if settled else -1
    dumped = len(r["s1"])
    facts.add("ima_count", st.get("ima_count"))
    facts.add("guest_count", guest)
    facts.add("dumped_entries", dumped)
    facts.add("kernel_count", st.get("kernel_count"))
    if not (st.get("ima_count") == guest == dumped):
        problems.append("ima_count_%s_guest_count_%s_dumped_%s" % (st.get("ima_count"), guest, dumped))
    # the BPF side's own read of ima_htable.len after the last append
    if st.get("kernel_count") != dumped:
        problems.append("kernel_count_%s_dumped_%s" % (st.get("kernel_count"), dumped))


def carry_checks(log, facts, problems):
    """exec on a kernel that loses the list: the carry on disk is exactly the
    list dumped before exec, and verify --prior replays the chain."""
    c = [kv for kv in log["lines"] if "carry" in kv]
    s1 = log["dumps"].get("s1")
    if not c or s1 is None:
        problems.append("no_carry_line_or_s1_dump")
        return
    c = c[-1]
    facts.add("carry_bytes", c.get("bytes"))
    if c.get("files") != "1" or c.get("mode") != "600":
        problems.append("carry_files_%s_mode_%s" % (c.get("files"), c.get("mode")))
    if c.get("sha256") != s1["sha256"] or int(c.get("bytes", -1)) != s1["bytes"]:
        problems.append("carry_differs_from_the_s1_list")
    for tool, want in (("attach", 0), ("exec_dry", 0), ("exec_ro", 2), ("verify", 0), ("verify_alone", 1),
                       ("log_combined", 0), ("verify_combined", 0)):
        if log["tool_rc"].get(tool) != want:
            problems.append("%s_rc_%s_want_%d" % (tool, log["tool_rc"].get(tool), want))
    ve = log.get("verify_json")
    if isinstance(ve, dict):
        facts.add("verify_prior", ve.get("verdict"))
        if len(ve.get("chain", [])) != 2:
            problems.append("verify_chain_not_two_boots")


def self_checks(log, facts, problems):
    """scenario self-checks: "IKT check=NAME ok=0|1 ..." lines; returns how many"""
    n = 0
    for kv in log["lines"]:
        if "check" in kv:
            n += 1
            facts.add("check_" + kv["check"], "ok" if kv.get("ok") == "1" else "FAILED")
            if kv.get("ok") != "1":
                problems.append("check_%s_failed" % kv["check"])
    return n


def audit_count_checks(log, expect, facts, problems):
    """burst's audit on a long list: at_risk from the guest's own counts and
    what the kernel carries (none: all; snapshot: what came after the load;
    full: nothing, the 200 entries fit the margin)."""
    for e in log["events"]:
        if e.get("event") != "auditcount":
            continue
        count, after = int(e.get("count", -1)), int(e.get("after_load", -1))
        risk = int(e.get("at_risk", -1))
        want = {"none": count, "snapshot": count - after}.get(expect)
        facts.add("audit_at_risk", "%s/%s" % (risk, "<=%d" % (count - after) if expect == "full" else want))
        if want is not None and risk != want:
            problems.append("audit_at_risk_%s_want_%d" % (risk, want))
        # execute-copy: nothing, or (the list outgrew the segment: OVERFLOW)
        # a tail of what came after the load
        if expect == "full" and not (0 <= risk <= count - after and
                                     (risk == 0) == (e.get("verdict") == "SAFE")):
            problems.append("audit_at_risk_%d_verdict_%s_after_load_%d" % (risk, e.get("verdict"), count - after))


def ringstall_checks(log, facts, problems, required):
    """burst's stalled monitor: the burst is sized from the ring in force
    and must exceed what the ring holds; the ring then holds exactly its
    capacity (a reserve fails once the producer would be a whole ring ahead
    of the consumer: (bytes - 1) // record_bytes events) and drops the rest.
    A ring larger than the figures say drops fewer, a smaller one delivers
    fewer: either fails."""
    for e in log["events"]:
        if e.get("event") != "ringstall":
            continue
        def num(k):
            v = e.get(k, "")
            return int(v) if v.isdigit() else None
        ring, fdring, rec = num("ring_bytes"), num("fdinfo_bytes"), num("record_bytes")
        n, stalled, got, drops = num("n"), num("stalled_appended"), num("received"), num("drops")
        if None in (ring, fdring, rec, n, stalled, got, drops) or not ring or not rec:
            problems.append("ringstall_figures_missing")
            return
        cap = (ring - 1) // rec
        facts.add("ring", "%d_bytes/%d_per_event=%d_events" % (ring, rec, cap))
        facts.add("ringstall", "n=%d,stalled_appended=%d,received=%d,drops=%d" % (n, stalled, got, drops))
        if fdring != ring:
            problems.append("ring_size_status_%d_kernel_fdinfo_%d" % (ring, fdring))
        if num("capacity") != cap:
            problems.append("guest_capacity_%s_want_%d" % (e.get("capacity"), cap))
        if n <= cap:
            problems.append("burst3_%d_does_not_exceed_ring_capacity_%d" % (n, cap))
        if stalled < n:
            problems.append("stalled_burst_appended_%d_of_%d" % (stalled, n))
        if got < min(cap, stalled):
            problems.append("stalled_ring_delivered_%d_capacity_%d" % (got, cap))
        if drops < stalled - cap:
            problems.append("stalled_ring_dropped_%d_want_at_least_%d" % (drops, stalled - cap))
        # an empty ring at the stall: exactly the burst beyond the capacity
        facts.add("ringstall_exact", "yes" if drops == stalled - cap else "no")
        return
    if required:
        problems.append("no_ringstall_line")


def required_checks(scenario):
    """the checks a scenario names in "# IKT-CHECKS: a b ..." header lines"""
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "scenarios",
                        scenario + ".sh")
    names = []
    try:
        with open(path) as f:
            for line in f:
                if line.startswith("# IKT-CHECKS:"):
                    names += line.split(":", 1)[1].split()
    except OSError:
        pass
    return names


def selfcheck(log, facts, problems, expect=None, scenario=""):
    """A scenario judged by its own checks only (no list dump, maybe no TPM)."""
    if self_checks(log, facts, problems) == 0:
        problems.append("selfcheck_scenario_reported_no_checks")
    seen = {kv["check"] for kv in log["lines"] if "check" in kv}
    for name in required_checks(scenario):
        if name not in seen:
            problems.append("check_%s_missing" % name)
    audit_count_checks(log, expect, facts, problems)
    ringstall_checks(log, facts, problems, scenario == "burst")
    if not log["done"]:
        problems.append("guest_did_not_finish(timeout_or_crash)")
    for kv in log["lines"]:
        if "burst" in kv:
            facts.add("burst_" + kv["burst"], "n=%s,per_s=%s" % (kv.get("n"), kv.get("per_s")))
    if problems:
        print("RESULT status=FAIL reason=%s %s" % (";".join(problems), facts.text()))
        return 1
    print("RESULT status=PASS %s" % facts.text())
    return 0


def not_applicable(sc, kernel, kconfig, expect):
    """Why scenario SC cannot test this kernel (kernel_traits), or None.
    Only for what the kernel lacks, read from its config, System.map and
    source: the scenarios whose premise is our patch's or upstream's
    ima_kexec records, the header check or the range check."""
    if expect not in ("full", "unknown"):
        return None
    t = kernel_traits(kernel, kconfig, expect)
    # the harness built "patched" with kernel/patches and kernel/test: if
    # its traits say another family, the traits are wrong; judge it (and
    # fail), never skip it
    if kernel == "patched" and t["family"] != "ours":
        return None
    what = "%s_%s" % (t["family"], t["version"])
    if t["family"] == "backport" and sc in ("zeromargin", "execroom"):
        # both fit a list against the room the kexec_load / kexec_execute
        # records need, with the margin set to 0 by ima_kexec_margin_kb=
        return ("no_ima_kexec_records_and_no_margin_parameter_in_this_kernel(%s:the_records_are_6.16+,"
                "the_margin_a_fixed_half_page):%s_has_nothing_to_test" % (what, sc))
    if sc == "restorehdr" and t["header_check"] is not True and t["family"] == "backport":
        return ("no_header_check_in_this_kernel(%s:ima_restore_measurement_list_parses_up_to_the_header's_"
                "buffer_size,our_0005_is_not_in)_and_no_ikt_khdr_test_module" % what)
    if sc == "mapfail" and t["family"] == "backport":
        # 6.12.y maps the segment at kexec_file_load (ima_kexec_post_load),
        # not at execute: the path mapfail fails does not exist there
        return ("no_map_at_execute_in_this_kernel(%s:ima_kexec_post_load_maps_the_segment_at_load)"
                "_and_no_ikt_mapfail_test_module" % what)
    # their test modules (kernel/test) are built with our series only, and
    # exercise its code paths (0005's header check, 0007's map at execute)
    if sc in ("restorehdr", "mapfail") and t["family"] != "ours":
        return ("no_%s_test_module_for_this_kernel(%s:kernel/test_is_built_with_kernel/patches_only)"
                % ("ikt_khdr" if sc == "restorehdr" else "ikt_mapfail", what))
    if sc == "restoremem" and t["range_check"] is False:
        return ("no_range_check_in_this_kernel(%s:x86_ima_get_kexec_buffer_hands_out___va()_unchecked,"
                "c5489d04337b_is_not_in):a_next_kernel_with_mem=_below_the_segment_faults_in_its_restore"
                % what)
    return None


def check(args):
    facts = Facts()
    try:
        log = parse_log(args.log)
    except OSError as e:
        print("RESULT status=FAIL reason=no_log:%s" % e)
        return 2
    problems = []
    # a scenario the kernel cannot take part in (its config and source say
    # so) is a skip whatever the guest said: what it said is kept
    why = not_applicable(args.scenario, args.kernel, args.kconfig, args.expect)
    if why:
        said = [e.get("error", "?") for e in log["errors"]] + [s.get("skip", "?") for s in log["skips"]]
        if args.scenario == "restoremem":
            # what the source says must be what the next kernel did: it
            # faulted reading the buffer and never reported
            m = re.search(r"RIP: [0-9a-f]+:(ima_restore_measurement_list\+\S+|ima_load_kexec_buffer\+\S+)",
                          console_text(args.log))
            if m is None or any("restoremem" in kv for kv in log["lines"]):
                print("RESULT status=FAIL reason=no_range_check_so_the_next_kernel_should_fault_in_its_restore,"
                      "it_did_not(%s)" % ("next_kernel_reported" if m else "no_fault_in_ima_restore"))
                return 1
            said.append("next_kernel_faulted_at_" + m.group(1))
        print("RESULT status=SKIP reason=%s%s" % (why, " guest_said=" + "+".join(said) if said else ""))
        return 3
    # errors come before skips: a skip line never hides a failure
    errs = ["guest_error:" + e.get("error", "?") for e in log["errors"]]
    if log["skips"] and errs:
        print("RESULT status=FAIL reason=%s;and_skipped:%s" % (
            ";".join(errs), log["skips"][0].get("skip", "?")))
        return 1
    if log["skips"]:
        why = log["skips"][0].get("skip", "skipped")
        print("RESULT status=SKIP reason=%s" % why)
        return 3
    if not log["stages"]:
        print("RESULT status=FAIL reason=guest_printed_nothing(kernel_did_not_boot_or_timeout)")
        return 2
    for err in log["errors"]:
        problems.append("guest_error:" + err.get("error", "?"))
    if "failed" in log["info"].get("policy", []):
        problems.append("policy_write_failed")
    if log["selfcheck"]:
        return selfcheck(log, facts, problems, args.expect, args.scenario)
    # the systemd guest (tests/vm/sdjudge.py), kexec chains (chainjudge.py)
    if args.scenario.startswith("sd") or args.scenario in CHAIN_SCENARIOS:
        import chainjudge
        import sdjudge
        try:
            if args.scenario in CHAIN_SCENARIOS:
                chainjudge.check(log, args, facts, problems)
                self_checks(log, facts, problems)
            else:
                sdjudge.check(log, args, facts, problems)
        except (LogError, struct.error, IndexError, ValueError) as e:
            problems.append("unparsable:%s" % str(e).replace(" ", "_"))
        status = "FAIL reason=%s" % ";".join(problems) if problems else "PASS"
        print("RESULT status=%s %s" % (status, facts.text()))
        return 1 if problems else 0
    try:
        r = analyse(log, facts, getattr(args, "kernel", ""), args.scenario,
                    getattr(args, "kconfig", None), args.expect)
    except (LogError, struct.error, IndexError) as e:
        print("RESULT status=FAIL reason=%s" % ";".join(problems + [str(e).replace(" ", "_")]))
        return 1
    for bank in BANKS:
        if r.get("s1_replay_%s" % bank) is False:
            problems.append("s1_replay_%s_mismatch" % bank)
        if r.get("s1_replay_%s" % bank) is None:
            problems.append("no_tpm_pcr_%s" % bank)
    # evmctl, when installed, must agree with our own replay (both banks)
    for st in ("s1", "s2"):
        ev = r.get("evmctl_" + st)
        mine = [r.get("%s_replay_%s" % (st, b)) for b in BANKS]
        if ev is not None and None not in mine and ev != all(mine):
            problems.append("evmctl_disagrees_with_replayer_on_" + st)
    sc = args.scenario
    two_stage = sc not in ("noexec", "features", "nobpflsm", "busyattach", "guard", "pintrust")
    if two_stage:
        if r["s2"] is None:
            problems.append("no_stage2_dump(kexec_failed_or_guest_hung)")
        else:
            for bank in BANKS:
                if r.get("union_%s" % bank) is False:
                    problems.append("tpm_pcr10_%s_not_s1_plus_new(harness_accounting_wrong)" % bank)
            exp = expected_carried(args.expect, r)
            # the next kernel cannot reach the segment (mem=), or refuses
            # its header (restorehdr): nothing crosses
            if sc in ("restoremem", "restorehdr") and exp is not None:
                exp = 0
            # the copy at execute could not map the segment: the list as of
            # kexec load crosses, as without the series
            if sc == "mapfail" and exp is not None and r.get("kind") == "file":
                exp = r["snap"]
            # exec re-snapshots (or carries) at the last moment: the whole list
            if (sc in EXEC_SCENARIOS or (sc == "evidence" and args.expect != "none")) and \
                    exp is not None and r.get("kind") == "file":
                exp = len(r["s1"])
            if exp is not None:
                facts.add("expected_carried", exp)
                if r["carried"] != exp:
                    problems.append("carried_%d_expected_%d" % (r["carried"], exp))
            # the stage-2 replay matches the TPM exactly when nothing was lost
            for bank in BANKS:
                m = r.get("s2_replay_%s" % bank)
                # a stage-2 list without the TPM's PCRs proves nothing
                if m is None:
                    problems.append("no_stage2_tpm_pcr_%s" % bank)
                if m is not None and m != (len(r["lost"]) == 0):
                    problems.append("s2_replay_%s_%s_with_%d_lost" % (
                        bank, "match" if m else "mismatch", len(r["lost"])))
    ev = log["events"]
    loads = [e for e in ev if e.get("event") == "load"]
    if sc == "window":
        m = [e for e in ev if e.get("event") == "measure"]
        n = int(m[0]["n"]) if m else 0
        if not m or int(m[0]["count"]) - int(m[0]["before"]) < n:
            problems.append("measure_step_added_fewer_than_%d_entries" % n)
        if r.get("kind") == "file":
            window = len(r["s1"]) - r["snap"]
            facts.add("window", window)
            # exactly the N files read after the load, nothing more or less
            if window != n:
                problems.append("window_%d_want_%d" % (window, n))
            if args.expect == "snapshot":
                want = ["/tmp/m-win-%d" % i for i in range(n)]
                if r["s2"] is not None and r["lost_files"] != want:
                    problems.append("lost_files_not_the_%d_measured_after_load" % n)
    if sc == "restoremem":
        rm = [kv for kv in log["lines"] if "restoremem" in kv]
        if not rm:
            problems.append("next_kernel_did_not_report(booted?)")
        else:
            rm = rm[-1]
            facts.add("next_mem_kb", rm.get("mem_kb"))
            facts.add("buffer_outside_reported", rm.get("outside"))
            if rm.get("cmdline_mem") != "1G":
                problems.append("next_kernel_not_booted_with_mem=1G")
            # the check must have fired: a segment below 1 GiB tests nothing
            if rm.get("outside", "0") == "0":
                problems.append("no_'lies_outside_available_memory'_(segment_inside_mem=_or_no_check)")
    if sc == "restorehdr":
        restorehdr_checks(log, args.log, r, facts, problems)
    if sc == "mapfail":
        mapfail_checks(log, args.log, r, facts, problems)
    if sc == "crash":
        crash = [e for e in loads if e.get("mode") == "crash"]
        # the scenario asks for crashkernel= itself: a failed load is a failure
        # both crash loads (before and after the normal one) must succeed
        if len(crash) != 2 or any(c.get("rc") != "0" for c in crash):
            problems.append("crash_load_failed(%s;crashkernel=_reservation_missing?)" %
                            "+".join(c.get("rc", "?") for c in crash))
    if sc == "legacy" and not any(e.get("mode") == "legacy" and e.get("rc") == "0" for e in loads):
        problems.append("legacy_load_failed")
    if sc == "attach":
        st = log["status_json"]
        if not isinstance(st, dict):
            problems.append("status_json_missing_or_unparsable")
        else:
            gap = st.get("gap")
            facts.add("tool_gap", "null" if gap is None else gap)
            # every program the kernel has must attach; record what it lacks
            hooks = st.get("hooks", [])
            attached = set(h["program"] for h in hooks if h.get("status") == "attached")
            for need in ("add_entry_enter", "add_entry_exit"):
                if need not in attached:
                    problems.append("required_hook_%s_not_attached" % need)
            failed = [h["program"] for h in hooks if h.get("status") == "failed"]
            missing = [h["program"] for h in hooks if h.get("status") == "missing"]
            facts.add("hooks_missing", "+".join(missing) or "none")
            if failed:
                problems.append("hooks_failed_" + "+".join(failed))
            want_mode = {"none": "none", "snapshot": "load-snapshot", "full": "execute-copy"}.get(args.expect)
            facts.add("carry_mode", st.get("carry_mode"))
            if want_mode and st.get("carry_mode") != want_mode:
                problems.append("carry_mode_%s_want_%s" % (st.get("carry_mode"), want_mode))
            facts.add("tool_ima_count", st.get("ima_count"))
            # status ran right after the last measurement and before the
            # dump, and nothing between is measured: the dumped list's length
            if st.get("ima_count") != len(r["s1"]):
                problems.append("tool_ima_count_%s_dumped_%d" % (st.get("ima_count"), len(r["s1"])))
            if r.get("s2") is not None:
                if gap is None or gap != len(r["lost"]):
                    problems.append("tool_gap_%s_observed_lost_%d" % (gap, len(r["lost"])))
    self_checks(log, facts, problems)
    if sc == "busyattach":
        busyattach_checks(log, r, facts, problems)
    if sc == "carry":
        carry_checks(log, facts, problems)
    if sc == "evidence":	# off the machine: tests/vm/evidencejudge.py
        import evidencejudge
        evidencejudge.check(log, args, facts, problems, sys.modules[__name__])
    if sc in EXEC_SCENARIOS:
        # our verify in the next boot agrees with the judge: the log replays
        for tool in ("attach", "exec_dry", "verify") + (("exec_stage",) if sc == "stagedexec" else ()):
            if log["tool_rc"].get(tool) != 0:
                problems.append("%s_rc_%s" % (tool, log["tool_rc"].get(tool)))
    if sc in AUDITED and r.get("s2") is not None:
        audit_checks(log, r, facts, problems)
    if sc == "auditverify":
        auditverify_checks(log, r, facts, problems)
    if sc in PATCHED_ONLY and args.expect in ("none", "snapshot") and not problems:
        print("RESULT status=SKIP reason=patched_kernel_only_scenario %s" % facts.text())
        return 3
    patched_checks(sc, args.expect, args.log, log, r, facts, problems, args.kernel, args.kconfig)
    if r.get("lost"):
        shown = ",".join(f.replace(" ", "_") or "?" for f in r["lost_files"][-6:])
        facts.add("lost_files_last6", ("...," if len(r["lost_files"]) > 6 else "") + shown)
    if problems:
        print("RESULT status=FAIL reason=%s %s" % (";".join(problems), facts.text()))
        return 1
    print("RESULT status=PASS %s" % facts.text())
    return 0


def gap(args):
    facts = Facts()
    name = args.name or "gapcheck"

    def junit(status, msg, text):
        if not args.junit:
            return
        body = ""
        if status == "failure":
            body = '<failure message=%s>%s</failure>' % (sx.quoteattr(msg), sx.escape(text))
        elif status == "error":
            body = '<error message=%s>%s</error>' % (sx.quoteattr(msg), sx.escape(text))
        with open(args.junit, "w") as f:
            f.write('<?xml version="1.0" encoding="UTF-8"?>\n')
            f.write('<testsuite name="imakexec-gapcheck" tests="1" failures="%d" errors="%d">\n'
                    % (status == "failure", status == "error"))
            f.write('  <testcase classname="gapcheck" name=%s>%s<system-out>%s</system-out></testcase>\n'
                    % (sx.quoteattr(name), body, sx.escape(text)))
            f.write("</testsuite>\n")

    try:
        log = parse_log(args.log)
        if not log["stages"]:
            raise LogError("the guest printed nothing (kernel did not boot, or timeout)")
        if any(e.get("event") == "load" and e.get("rc") != "0" for e in log["events"]):
            raise LogError("kexec -s -l failed in the guest (kernel without KEXEC_FILE?)")
        r = analyse(log, facts, getattr(args, "kernel", ""))
        if r["s2"] is None:
            raise LogError("no stage-2 list: kexec -e did not reach the second kernel")
    except (LogError, OSError, struct.error, IndexError) as e:
        text = "gapcheck: could not run: %s" % e
        print(text)
        junit("error", str(e), text)
        return 2
    s1, s2, lost = r["s1"], r["s2"], r["lost"]
    window = len(s1) - r["snap"] if r["kind"] == "file" else None
    lines = [
        "gapcheck: kernel %s" % (log["stages"][0].get("kernel", "?")),
        "  measurements made after kexec load (window): %s" % (window if window is not None else "?"),
        "  entries before kexec -e:                     %d" % len(s1),
        "  entries after kexec (second kernel):         %d (carried over: %d)" % (len(s2), r["carried"]),
        "  entries lost:                                %d" % len(lost),
    ]
    for bank in BANKS:
        m = r.get("s2_replay_%s" % bank)
        lines.append("  PCR 10 %-6s replay of the new list:       %s" % (
            bank, "n/a" if m is None else ("matches TPM" if m else "DOES NOT match TPM")))
    if lost:
        lines.append("verdict: LOSS - %d measurement(s) extended into PCR 10 are missing from the list" % len(lost))
        for f in r["lost_files"][:20]:
            lines.append("    lost: %s" % f)
    else:
        lines.append("verdict: OK - no measurement lost across kexec")
    text = "\n".join(lines)
    print(text)
    junit("failure" if lost else "ok", "%d measurement(s) lost across kexec" % len(lost), text)
    return 1 if lost else 0


def applies(args):
    """Whether a scenario can test the kernel, before booting it: exit 0,
    or print "SKIP reason=..." and exit 3 (for tests/vm/run)."""
    why = not_applicable(args.scenario, args.kernel, args.kconfig, args.expect)
    if why:
        print("SKIP reason=%s" % why)
        return 3
    return 0


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    ap_ = sub.add_parser("applies")
    ap_.add_argument("--scenario", required=True)
    ap_.add_argument("--expect", default="unknown", choices=["none", "snapshot", "full", "unknown"])
    ap_.add_argument("--kernel", default="")
    ap_.add_argument("--kconfig")
    c = sub.add_parser("check")
    c.add_argument("--scenario", required=True)
    c.add_argument("--expect", default="unknown", choices=["none", "snapshot", "full", "unknown"])
    # the harness's name for the kernel (stock, unstable, trixie, baseline,
    # patched, mainline, deb13): reported; what the kernel does comes from
    # --kconfig (kernel_traits), the name only when there is no config
    c.add_argument("--kernel", default="")
    # its config (CONFIG_IMA_KEXEC_MARGIN_KB, upstream's EXTRA_MEMORY_KB:
    # the segment's margin)
    c.add_argument("--kconfig")
    # the nonce tests/vm/run gave this boot (ikt.nonce=): evidence's quote
    c.add_argument("--nonce")
    c.add_argument("log")
    g = sub.add_parser("gap")
    g.add_argument("log")
    g.add_argument("--junit")
    g.add_argument("--name")
    a = ap.parse_args()
    return {"check": check, "gap": gap, "applies": applies}[a.cmd](a)


if __name__ == "__main__":
    sys.exit(main())
