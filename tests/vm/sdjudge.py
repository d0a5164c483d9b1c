"""Judge of the systemd guest scenarios (tests/vm/scenarios/sd*.sh).

The guest (scripts/vm/sdguest/sd-main) is a Debian 12 host with systemd as
PID 1 that runs `systemctl kexec`. What the next boot presents is judged
here from the serial log alone, with our own replay of the dumped lists
against the TPM's PCRs (never with the tool's own verdict):

  kexec     the next kernel booted (stage 2): its log, with the carry in
            front where one was made, must replay PCR 10 in both banks;
            for the plain runs (no imakexec-trace) the lost entries are
            named instead: the probe's dump (the list at systemd-shutdown's
            kexec -e) followed by the next boot's own entries must replay,
            which proves that exactly probe[carried:] was lost.
  reboot    kexec -e failed and systemd fell back to a full reboot: the
            boot after it must show a reset PCR 10, i.e. its log replays
            from zero.

Which of the two is expected follows from the kernel (expectation mode),
the tool (enabled or not) and how the image was loaded (file or legacy).
"""
import re

from ikt import BANKS, IMA_PCR, LogError, common_prefix, evmctl_replay, kconfig_value, parse_list, replay

EXEC_RE = re.compile(r"(?:\[\s*([0-9.]+)\] )?imakexec-trace exec: (\w+) done in ([0-9.]+) ms")
EXEC_MSG_RE = re.compile(r"imakexec-trace exec: (.*)")
# the harness' own files, measured by the probe or the driver
HARNESS = ("/ikt/", "/usr/lib/systemd/system-shutdown/ikt-probe")


def first(lines, key):
    for kv in lines:
        if key in kv:
            return kv
    return {}


def effective_load(load, debian, kconfig):
    """The syscall `kexec -l` (SD_LOAD=legacy) makes in the guest: Debian
    13's kexec-tools (1:2.0.27-1 and later: "Make kexec -a the default")
    tries kexec_file_load first and falls back to kexec_load only when the
    kernel has no CONFIG_KEXEC_FILE or does not understand the image;
    Debian 12's (2.0.25) makes kexec_load. Returns (load, why)."""
    if load != "legacy":
        return load, ""
    try:
        major = int(debian.split(".")[0])
    except (AttributeError, ValueError):
        return load, ""
    if major >= 13 and kconfig_value(kconfig, "KEXEC_FILE") in ("y", None):
        return "file", "kexec-tools_of_debian_%d_tries_kexec_file_load_first" % major
    return load, ""


def expected_outcome(expect, tool, load, named):
    """'kexec' or 'reboot' (None: either, for an unknown kernel)"""
    if not tool:
        return "kexec"          # nothing refuses a kexec on a plain host
    if expect == "none":
        return "kexec"          # the list is carried, whatever the load
    if expect in ("snapshot", "full"):
        # a legacy image cannot be reloaded unless its files are named
        # (IMAKEXEC_EXEC_ARGS), and on these kernels it loses what a file
        # load would have handed over: the guard refuses
        return "kexec" if load == "file" or named else "reboot"
    return None


def expected_carried(expect, load, load_count, final):
    """entries of the final list the next kernel's log keeps (plain runs)"""
    if load == "legacy" or expect == "none":
        return 0
    if expect == "snapshot":
        return load_count
    if expect == "full":
        return final
    return None


def pcr_match(entries, pcrs):
    """per bank: does replaying entries give PCR 10? None without a TPM"""
    out = {}
    for bank in BANKS:
        want = pcrs.get(bank, {}).get(IMA_PCR)
        if want is None:
            out[bank] = None
            continue
        got = replay(entries, bank).get(IMA_PCR, "00" * (len(want) // 2))
        out[bank] = got == want
    return out


def raw_messages(path):
    with open(path, "rb") as f:
        text = f.read().decode("utf-8", "replace")
    return text


def check(log, args, facts, problems):
    lines = log["lines"]
    info = first(lines, "pid1")
    tool = info.get("tool") == "1"
    load, why = effective_load(info.get("load", "?"), first(lines, "debian").get("debian"),
                               getattr(args, "kconfig", None))
    facts.add("pid1", info.get("pid1"))
    facts.add("tool", int(tool))
    facts.add("load", "%s(asked_%s:%s)" % (load, info.get("load"), why) if why else load)
    if info.get("pid1") != "systemd":
        problems.append("pid1_is_%s_not_systemd" % info.get("pid1"))
    stages = [s.get("stage") for s in log["stages"]]
    facts.add("boots", "+".join(stages))
    # the first boot reaches multi-user without a failed unit; a later one
    # must not fail ours (others are recorded: Debian's stock 6.1 boots
    # several times slower after a kexec under TCG, and units time out)
    boots = [kv for kv in lines if "boot" in kv and "failed_units" in kv]
    facts.add("boot_states", "+".join(b.get("boot", "?") for b in boots))
    for i, b in enumerate(boots):
        failed = b.get("failed_units", "")
        if b.get("boot") != "running":
            facts.add("boot%d_failed_units" % (i + 1), failed)
        if (i == 0 and b.get("boot") != "running") or "imakexec" in failed:
            problems.append("boot%d_%s_failed_units_%s" % (i + 1, b.get("boot"), failed))
    if not log["done"]:
        problems.append("guest_did_not_finish(timeout_or_crash)")
    ld = [e for e in log["events"] if e.get("event") == "load"]
    if not ld or ld[0].get("rc") != "0":
        problems.append("load_failed")
        return
    load_count = int(ld[0]["count"])
    facts.add("count_after_load", load_count)

    text = raw_messages(args.log)
    # shutdown time, on the guest's own clock: `systemctl kexec` -> the
    # last step before the kernel switch (our hook executing, or the probe)
    t0 = first([e for e in log["events"] if e.get("event") == "systemctl_kexec"], "uptime")
    m = EXEC_RE.search(text)
    t1 = None
    if m:
        facts.add("exec_plan", m.group(2))
        facts.add("exec_ms", m.group(3))
        t1 = m.group(1)
    pr = [e for e in log["events"] if e.get("event") == "probe"]
    if pr:
        t1 = pr[0].get("uptime")
    if t0.get("uptime") and t1:
        facts.add("shutdown_to_last_step_s", "%.1f" % (float(t1) - float(t0["uptime"])))
    msgs = [x.strip().replace(" ", "_")[:120] for x in EXEC_MSG_RE.findall(text)]
    if msgs:
        facts.add("exec_said", "|".join(msgs[-2:]))

    if tool:
        svc = [kv for kv in lines if kv.get("service") == "imakexec-trace"]
        if not svc:
            problems.append("no_service_facts")
        else:
            s = svc[0]
            us = int(s.get("ExecMainExitMonotonic", 0)) - int(s.get("ExecMainStartMonotonic", 0))
            facts.add("service_attach_ms", us // 1000)
            facts.add("service_restarts", s.get("NRestarts"))
            # attached on the first try, during a normal boot
            if (s.get("ActiveState"), s.get("Result"), s.get("NRestarts"),
                    s.get("ExecMainStatus")) != ("active", "success", "0", "0"):
                problems.append("service_not_attached_first_try(%s)" % ",".join(
                    "%s=%s" % kv for kv in sorted(s.items())))
        # systemd's own exposure score of the units (issue: below 3.0)
        for kv in lines:
            if "security" in kv and "exposure" in kv:
                u = kv["security"].split(".")[0].replace("imakexec-trace", "svc")
                facts.add("exposure_" + u, kv["exposure"] or "none")
                try:
                    if float(kv["exposure"]) >= 3.0:
                        problems.append("%s_exposure_%s_not_below_3.0" % (kv["security"], kv["exposure"]))
                except ValueError:
                    problems.append("no_exposure_score_for_" + kv["security"])
        st = log.get("status_json")
        if not isinstance(st, dict) or not st.get("attached"):
            problems.append("status_not_attached")
        else:
            g = st.get("guard") or {}
            facts.add("guard", g.get("armed"))
            if not g.get("armed"):
                problems.append("guard_not_armed_by_the_service")
            if st.get("ima_count") != st.get("securityfs_count"):
                problems.append("status_count_%s_securityfs_%s" % (
                    st.get("ima_count"), st.get("securityfs_count")))
        au = log.get("audit_json")
        if isinstance(au, dict):
            facts.add("audit_before", au.get("verdict"))
            # what the tool saw loaded must be the syscall derived above
            ks = au.get("kexec_state")
            if ks in ("loaded-file", "loaded-legacy") and ks != "loaded-" + load:
                problems.append("load_%s_but_the_tool_saw_%s" % (load, ks))
        else:
            problems.append("no_audit_json_before_the_kexec")

    named = info.get("execargs") == "1"
    facts.add("exec_args_configured", int(named))
    want = expected_outcome(args.expect, tool, load, named)
    # kexec or firmware reboot: SeaBIOS prints its banner on every boot it
    # runs, a kexec skips it (the TPM confirms below: a reboot resets PCR 10)
    k = text.find("IKT event=systemctl_kexec ")
    if not any(s in ("2", "rebooted") for s in stages) or k < 0:
        got = "none"
    else:
        got = "reboot" if "SeaBIOS" in text[k:] else "kexec"
    facts.add("outcome", got)
    facts.add("expected_outcome", want)
    if got == "none":
        problems.append("no_boot_after_systemctl_kexec")
        return
    if want is not None and got != want:
        problems.append("outcome_%s_expected_%s" % (got, want))
    s2 = log["dumps"].get("s2")
    if s2 is None or not s2["intact"]:
        problems.append("no_intact_dump_of_the_next_boot")
        return
    try:
        s2e = parse_list(s2["data"])
    except LogError as e:
        problems.append("s2_list_unparsable:%s" % e)
        return
    pcrs = log["pcrs"].get("s2", {})
    facts.add("next_boot_entries", len(s2e))

    if got == "reboot":
        # a full reboot resets PCR 10: the new log replays from zero
        for bank, ok in pcr_match(s2e, pcrs).items():
            facts.add("reboot_replay_" + bank, ok)
            if ok is not True:
                problems.append("after_reboot_%s_log_does_not_replay" % bank)
        return

    carry = log["dumps"].get("carry")
    prior = []
    if carry is not None:
        if not carry["intact"]:
            problems.append("carry_dump_not_intact")
            return
        prior = parse_list(carry["data"])
        facts.add("carried_entries", len(prior))
    chain = prior + s2e
    res = pcr_match(chain, pcrs)
    for bank, ok in res.items():
        facts.add("next_log_replays_" + bank, ok)
    ev = evmctl_replay(carry["data"] + s2["data"] if carry else s2["data"], pcrs)
    if ev is not None:
        facts.add("evmctl_next_log", ev)
        if ev != all(res.values()):
            problems.append("evmctl_disagrees_with_replayer")

    if not tool:
        # name what was lost: the list at the last moment (probe) + the
        # next boot's own entries must be what the TPM holds
        sd = log["dumps"].get("sd")
        if sd is None or not sd["intact"]:
            problems.append("no_intact_probe_dump")
            return
        fin = parse_list(sd["data"])
        exp = expected_carried(args.expect, load, load_count, len(fin))
        # How many of the final entries the next log kept: the TPM decides.
        # A common prefix alone is not proof (a fresh boot measures the
        # same first files, boot_aggregate included, as the one before),
        # so each candidate k is tried: exactly one, the true one, makes
        # final + next_boot[k:] replay to the PCRs.
        top = common_prefix(fin, s2e)
        kept = None
        for k in sorted({0, top} | ({exp} if exp is not None and exp <= top else set())):
            if all(v is True for v in pcr_match(fin + s2e[k:], pcrs).values()):
                kept = k
        if kept is None:
            problems.append("tpm_is_not_final_list_plus_next_boot(accounting)")
            kept = top
        lost = fin[kept:]
        facts.add("final_entries", len(fin))
        facts.add("carried", kept)
        facts.add("expected_carried", exp)
        if exp is not None and kept != exp:
            problems.append("carried_%d_expected_%d" % (kept, exp))
        own = [e for e in lost if e["file"].startswith(HARNESS)]
        facts.add("lost", len(lost))
        facts.add("lost_harness", len(own))
        # what the shutdown itself measured: after `systemctl kexec`, not ours
        k0 = int(first([e for e in log["events"] if e.get("event") == "systemctl_kexec"],
                       "count").get("count", len(fin)))
        sd_own = [e for e in fin[max(k0, kept):] if not e["file"].startswith(HARNESS)]
        facts.add("lost_to_the_shutdown", len(sd_own))
        facts.add("shutdown_files", ",".join(e["file"].replace(" ", "_") or e["template"]
                                             for e in sd_own[:12]))
        if len(lost) <= 12:
            facts.add("lost_files", ",".join(e["file"].replace(" ", "_") or e["template"]
                                             for e in lost))
        if all(res.values()) != (len(lost) == 0):
            problems.append("next_log_replay_%s_with_%d_lost" % (all(res.values()), len(lost)))
        return

    if args.scenario == "sdboot":
        # the proof that /boot was gone and the staged copy served
        staged = "reloading from its copy" in text
        facts.add("reloaded_from_staged_copy", staged)
        if not staged:
            problems.append("exec_did_not_reload_from_the_staged_copy")
    # with the tool: every kexec must boot into a log that replays
    for bank, ok in res.items():
        if ok is not True:
            problems.append("next_log_does_not_replay_%s" % bank)
    if log["tool_rc"].get("verify") != 0:
        problems.append("verify_rc_%s" % log["tool_rc"].get("verify"))
    if args.expect == "none" and carry is None:
        problems.append("no_carry_on_a_kernel_without_IMA_KEXEC")
