# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""The evidence scenario's host side (issue 24): what a remote verifier gets
after the product's own kexec, checked off the machine with the guest's
evidence file, its AK public key and the nonce the harness chose.

- verify --evidence exits 0, verdict verified, one boot per list of the
  chain (a carry and the current list where exec carried, else one);
- tpm2_checkquote (tpm2-tools, when installed) accepts the quote, nonce and
  PCR values, and refuses another nonce;
- the judge's own replay of the chain (stage 1's dumped list as the carry,
  the evidence's current list) reaches the quoted PCR 10 in sha1 and sha256;
- resetCount equal in the stage-1 and stage-2 quotes (a kexec keeps it);
- a cold boot of the same disk and TPM: its evidence verifies as a one-boot
  chain (the carry left out) and its resetCount is above the kexec's;
- crafted from the real file, each fails for its own reason: another nonce,
  another AK, all-zero PCR values, a carry cut short (exit 2), a flipped
  byte of a logged file digest, a PCR value changed, the attest changed, a carry left
  out (where there is one), truncated, and stage 1's quote with stage 2's
  lists."""
import json
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tests", "evidence"))
import importlib.machinery  # noqa: E402
import importlib.util  # noqa: E402

_ldr = importlib.machinery.SourceFileLoader("evtool", os.path.join(ROOT, "tests", "evidence", "evtool"))
_spec = importlib.util.spec_from_loader("evtool", _ldr)
evtool = importlib.util.module_from_spec(_spec)
_ldr.exec_module(evtool)

TOOL = os.path.join(os.environ.get("OUTPUT", os.path.join(ROOT, ".output")), "imakexec-trace")
SEC_CARRY, SEC_CURRENT = 4, 5


def run(cmd):
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    return r.returncode, r.stdout


def lists_of(ev_bytes):
    """[(kind, boot id, list bytes)] of the evidence's chain, in file order"""
    out = []
    for t, v in evtool.sections(ev_bytes):
        if t in (SEC_CARRY, SEC_CURRENT):
            n = int.from_bytes(v[0:2], "little")
            out.append(("carry" if t == SEC_CARRY else "current", v[2:2 + n].decode(), bytes(v[2 + n:])))
    return out


def quoted(ev_bytes):
    """{bank name: PCR 10 value hex} of the evidence's PCR section"""
    v = next(v for t, v in evtool.sections(ev_bytes) if t == 3)
    return {evtool.NAMES.get(a, str(a)): val.hex() for a, n, _, val in evtool.pcrs(v) if n == 10}


def with_quote_of(ev_lists, ev_quote):
    """ev_lists' file with ev_quote's quote, signature and PCR values"""
    a = evtool.sections(ev_lists)
    q = {t: v for t, v in evtool.sections(ev_quote)}
    for s in a:
        if s[0] in (1, 2, 3) and s[0] in q:
            s[1] = q[s[0]]
    return evtool.join(a)


def flip_digest_byte(ev_bytes, out):
    """the current list's last record with one byte of its file digest
    flipped (not a terminator: the record still parses)"""
    secs = evtool.sections(ev_bytes)
    v = next(v for t, v in secs if t == SEC_CURRENT)
    n = int.from_bytes(v[0:2], "little")
    off, dlen = evtool.last_record_data(v[2 + n:])
    flen = int.from_bytes(v[2 + n + off:2 + n + off + 4], "little")
    field = bytes(v[2 + n + off + 4:2 + n + off + 4 + flen])
    colon = field.find(b":\0")
    v[2 + n + off + 4 + (colon + 2 if colon >= 0 else 0)] ^= 1
    open(out, "wb").write(evtool.join(secs))


def check(log, args, facts, problems, ikt):
    nonce = getattr(args, "nonce", None)
    if not nonce:
        problems.append("no_nonce_from_the_harness")
        return
    for tool in ("attach", "ak_create", "evidence"):
        if log["tool_rc"].get(tool) != 0:
            problems.append("%s_rc_%s" % (tool, log["tool_rc"].get(tool)))
    ev, ak, evs1 = (log["dumps"].get(k) for k in ("ev", "ak", "evs1"))
    if not ev or not ak or not ev["intact"] or not ak["intact"]:
        problems.append("no_intact_evidence_or_ak_dump")
        return
    if not os.access(TOOL, os.X_OK):
        problems.append("no_tool_at_%s" % TOOL)
        return
    with tempfile.TemporaryDirectory(prefix="ikt-ev.") as d:
        evp, akp = os.path.join(d, "ev.bin"), os.path.join(d, "ak.pem")
        open(evp, "wb").write(ev["data"])
        open(akp, "wb").write(ak["data"])
        verify = [TOOL, "verify", "--evidence", evp, "--ak", akp, "--nonce", nonce]
        rc, out = run(verify + ["--json"])
        facts.add("verify_evidence_rc", rc)
        try:
            js = json.loads(out)
        except ValueError:
            js = {}
        if rc != 0 or js.get("verdict") != "verified":
            problems.append("verify_evidence_rc_%d_%s" % (rc, js.get("failed_check")))
        chain = lists_of(ev["data"])
        facts.add("evidence_chain", "+".join(k for k, _, _ in chain))
        carried = args.expect == "none"
        want = ["carry", "current"] if carried else ["current"]
        if [k for k, _, _ in chain] != want:
            problems.append("evidence_chain_%s_want_%s" % ("+".join(k for k, _, _ in chain), "+".join(want)))
        q = quoted(ev["data"])
        s1 = log["dumps"].get("s1")
        # the judge's own replay of the chain: stage 1's list (what the
        # carry must be) then the current list the evidence holds
        entries = []
        if carried and s1 is not None:
            if chain and chain[0][0] == "carry" and chain[0][2] != s1["data"]:
                problems.append("evidence_carry_is_not_the_stage1_list")
            entries += ikt.parse_list(s1["data"])
        if chain:
            entries += ikt.parse_list(chain[-1][2])
        for bank in ikt.BANKS:
            mine = ikt.replay(entries, bank).get(10)
            facts.add("own_replay_%s" % bank, "match" if mine == q.get(bank) else "mismatch")
            if mine != q.get(bank):
                problems.append("own_replay_%s_not_the_quoted_value" % bank)
        rq = (js.get("quote") or {})
        facts.add("reset_restart", "%s/%s" % (rq.get("reset_count"), rq.get("restart_count")))
        # tpm2_checkquote: a verifier we did not write
        if shutil.which("tpm2_checkquote"):
            parts = os.path.join(d, "parts")
            os.mkdir(parts)
            evtool.split(evp, parts)
            base = ["tpm2_checkquote", "-u", akp, "-m", parts + "/attest.bin", "-s",
                    parts + "/sig.bin", "-f", parts + "/pcrs.bin", "-l",
                    open(parts + "/pcrlist").read(), "-g", "sha256", "-q"]
            rc1, _ = run(base + [nonce])
            rc2, _ = run(base + ["00" + nonce])
            facts.add("tpm2_checkquote", "%d/%d" % (rc1, rc2))
            if rc1 != 0 or rc2 == 0:
                problems.append("tpm2_checkquote_rc_%d_other_nonce_rc_%d" % (rc1, rc2))
        else:
            facts.add("tpm2_checkquote", "not_installed")
        # crafted from the real file: each must fail for its own reason
        cases = [("another_nonce", None, ["--nonce", "00" + nonce], 1, "nonce")]
        # another AK: a key of the verifier's that did not sign this
        other = os.path.join(d, "other.pem")
        if run(["openssl", "genrsa", "-out", other + ".key", "2048"])[0] == 0 and \
                run(["openssl", "rsa", "-in", other + ".key", "-pubout", "-out", other])[0] == 0:
            cases.append(("another_ak", evp, ["--ak", other], 1, "signature"))
        else:
            problems.append("openssl_cannot_make_a_key")
        # every quoted PCR value all zeros (what an unextended PCR reads)
        p = os.path.join(d, "t-zero.bin")
        secs = evtool.sections(ev["data"])
        v = next(v for t, v in secs if t == 3)
        for _a, _n, off, val in evtool.pcrs(v):
            v[off:off + len(val)] = bytes(len(val))
        open(p, "wb").write(evtool.join(secs))
        cases.append(("all_zero_pcrs", p, [], 1, "pcr_digest"))
        # the carry cut short (its last record torn): unusable input
        if carried:
            p = os.path.join(d, "t-carrycut.bin")
            secs = evtool.sections(ev["data"])
            i = next(i for i, (t, _) in enumerate(secs) if t == SEC_CARRY)
            secs[i][1] = secs[i][1][:-7]
            open(p, "wb").write(evtool.join(secs))
            cases.append(("carry_truncated", p, [], 2, None))
        p = os.path.join(d, "t-log.bin")
        flip_digest_byte(ev["data"], p)
        cases.append(("log_byte", p, [], 1, "replay"))
        for what, code, why in (("pcr", 1, "pcr_digest"),
                                ("attest", 1, "signature"), ("truncate", 2, None)) + \
                ((("drop-carry", 1, "replay"),) if carried else ()):
            p = os.path.join(d, "t-%s.bin" % what)
            evtool.tamper(evp, p, what)
            cases.append((what, p, [], code, why))
        if evs1 and evs1["intact"]:
            p = os.path.join(d, "t-s1quote.bin")
            open(p, "wb").write(with_quote_of(ev["data"], evs1["data"]))
            # stage 1's quote had another nonce only if the harness made
            # one per stage; the same nonce here: the PCRs must not match
            # stage 1's quote (same nonce) with stage 2's lists: where the
            # list was carried on disk its value is reached inside the carry
            # (a prior: not verified); where the kernel carried it, the
            # current list starts with stage 1's, so the quote verifies its
            # prefix and every stage-2 entry after it is extra (unverified)
            if carried:
                cases.append(("stage1_quote", p, [], 1, "replay"))
            else:
                rc, out = run([TOOL, "verify", "--evidence", p, "--ak", akp, "--nonce", nonce, "--json"])
                try:
                    pc = [x for b in (json.loads(out).get("replay") or {}).get("banks", [])
                          for x in b.get("pcrs", []) if x.get("pcr") == 10]
                except ValueError:
                    pc = []
                extra = [x.get("extra_entries") for x in pc]
                ex = "/".join(str(e) for e in extra)
                facts.add("crafted_stage1_quote", "%d:extra=%s" % (rc, ex))
                if rc != 0 or not extra or not all(isinstance(e, int) and e > 0 for e in extra):
                    problems.append("stage1_quote_rc_%d_extra_%s_want_0_and_all_above_0" % (rc, ex))
            open(os.path.join(d, "s1.bin"), "wb").write(evs1["data"])
            rc1, out1 = run([TOOL, "verify", "--evidence", os.path.join(d, "s1.bin"), "--ak", akp,
                             "--nonce", nonce, "--json"])
            try:
                r1 = (json.loads(out1).get("quote") or {})
            except ValueError:
                r1 = {}
            if r1.get("reset_count") is None or r1.get("reset_count") != rq.get("reset_count"):
                problems.append("reset_count_%s_before_%s_after_the_kexec" % (
                    r1.get("reset_count"), rq.get("reset_count")))
        else:
            problems.append("no_stage1_evidence_dump")
        # the cold boot of the same disk and TPM: its own one-boot chain
        evc = log["dumps"].get("evcold")
        if not evc or not evc["intact"] or log["tool_rc"].get("evidence_cold") != 0:
            problems.append("no_cold_boot_evidence(rc_%s)" % log["tool_rc"].get("evidence_cold"))
        else:
            p = os.path.join(d, "cold.bin")
            open(p, "wb").write(evc["data"])
            rc, out = run([TOOL, "verify", "--evidence", p, "--ak", akp, "--nonce", nonce, "--json"])
            try:
                jc = json.loads(out)
            except ValueError:
                jc = {}
            kinds = [k for k, _, _ in lists_of(evc["data"])]
            qc = jc.get("quote") or {}
            facts.add("cold_boot", "rc=%d,chain=%s,reset=%s" % (rc, "+".join(kinds), qc.get("reset_count")))
            if rc != 0 or kinds != ["current"]:
                problems.append("cold_boot_evidence_rc_%d_chain_%s" % (rc, "+".join(kinds)))
            if not isinstance(qc.get("reset_count"), int) or not isinstance(rq.get("reset_count"), int) \
                    or qc["reset_count"] <= rq["reset_count"]:
                problems.append("cold_boot_reset_count_%s_not_above_%s" % (qc.get("reset_count"),
                                                                         rq.get("reset_count")))
        for name, path, extra, code, why in cases:
            opts = {"--ak": akp, "--nonce": nonce}
            opts.update(dict(zip(extra[::2], extra[1::2])))
            cmd = [TOOL, "verify", "--evidence", path or evp, "--ak", opts["--ak"],
                   "--nonce", opts["--nonce"], "--json"]
            rc, out = run(cmd)
            try:
                got = json.loads(out).get("failed_check")
            except ValueError:
                got = None
            ok = rc == code and (why is None or got == why)
            facts.add("crafted_" + name, "%d:%s" % (rc, got))
            if not ok:
                problems.append("crafted_%s_rc_%d_failed_%s_want_%d_%s" % (name, rc, got, code, why))
