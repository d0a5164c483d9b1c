"""Judge of the kexec-chain scenarios (tests/vm/scenarios/chain.sh, execfaults.sh).

The guest kexecs through `imakexec-trace exec` hop after hop (lib.sh's
stage N, scripts/vm/guest/chain.sh). Per hop k the log holds x<k> (the list
right before exec, PCRs), s<k+1> (the list the next kernel booted with,
PCRs) and, on kernels without CONFIG_IMA_KEXEC, c<k> (the carry exec wrote,
dumped by the last boot). Everything is judged with our own replay and
evmctl against the TPM, never with the tool's verdict:

  every hop   the next boot's PCR 10 (both banks) equals the replay of the
              carries so far followed by that boot's own list; where the
              kernel carries the list (reload or execute-time copy) there
              are no carries and the boot's own list replays alone. What
              was dumped before exec is a prefix of what was carried (the
              whole of it without a storm).
  last boot   `log --combined` replays against the PCRs read right after it
              was written (ours and evmctl), and begins with the carries
              and the boot's own list; verify ran with rc 0 in every boot.
  storm       (chain, hops 2..) exec runs under a storm: each run is a
              trial, executed at the first attempt, after retries, or
              refused (it returned; nothing happened). An executed trial
              whose next log does not replay is the failure this scenario
              exists to find.
"""
import re

from ikt import BANKS, IMA_PCR, LogError, evmctl_replay, key, parse_list, replay

# exec's pre-seal figures, in its refusal and its "executing" messages
PRESEAL_RE = re.compile(r"pre-seal[^:]*:_(\d+)_operations_of_other_processes_denied,_"
                        r"(\d+)_of_their_measurements_landed")


def pcr10(pcrs, bank):
    return pcrs.get(bank, {}).get(IMA_PCR)


def replays(entries, pcrs):
    """{bank: True/False} for the banks the TPM dump has"""
    out = {}
    for bank in BANKS:
        tpm = pcr10(pcrs, bank)
        if tpm is not None:
            zero = "0" * len(tpm)
            out[bank] = replay(entries, bank).get(IMA_PCR, zero) == tpm
    return out


def is_prefix(a, b):
    return len(a) <= len(b) and all(key(x) == key(y) for x, y in zip(a, b))


def lst(log, label):
    d = log["dumps"].get(label)
    if d is None:
        return None
    if not d["intact"]:
        raise LogError("dump %s damaged on the serial line" % label)
    return parse_list(d["data"])


def preseal_figures(log):
    """(denied, landed) summed over the exec runs under the storm, each run
    counted by the last figures it printed (its messages may be cut off by
    the kexec: a lower bound)"""
    last = {}
    for kv in log["lines"]:
        m = PRESEAL_RE.search(kv.get("exec_msg", ""))
        if m and kv.get("try") not in (None, "quiet"):
            last[(kv.get("hop"), kv.get("try"))] = (int(m.group(1)), int(m.group(2)))
    return sum(d for d, _ in last.values()), sum(n for _, n in last.values())


def race_trials(log):
    """per hop: [(try, outcome, refused attempts)] of the exec runs under the
    storm, outcome 'refused' (it returned) or 'executed' (the hop happened
    in it); the quiet run after the last refused one is not a trial"""
    refusals, returned = {}, set()
    for kv in log["lines"]:
        h, t = kv.get("hop"), kv.get("try")
        if h is None or t is None or t == "quiet":
            continue
        if "exec_msg" in kv and "refused_by_the_guard" in kv["exec_msg"]:
            refusals[(h, t)] = refusals.get((h, t), 0) + 1
        if kv.get("tool", "").startswith("exec_"):
            returned.add((h, t))
    out = {}
    for kv in log["lines"]:
        if kv.get("race") == "try":
            h, t = kv["hop"], kv["try"]
            out.setdefault(int(h), []).append(
                (t, "refused" if (h, t) in returned else "executed", refusals.get((h, t), 0)))
    return out


def check(log, args, facts, problems):
    race = args.scenario == "chain"   # hops 2.. run under a storm
    chains = [kv for kv in log["events"] if kv.get("event") == "chain"]
    if not chains:
        raise LogError("no chain event: the first boot did not run its hop")
    hops = int(chains[0]["hops"])
    stages = [int(s["stage"]) for s in log["stages"]]
    facts.add("hops", hops)
    facts.add("boots", len(stages))
    if stages != list(range(1, hops + 2)):
        problems.append("boots_%s_want_1..%d" % ("+".join(map(str, stages)) or "none", hops + 1))
    modes = set(kv.get("mode") for kv in log["events"] if kv.get("event") == "hop")
    facts.add("carry_mode", "+".join(sorted(m for m in modes if m)) or "?")
    want_mode = {"none": "none", "snapshot": "load-snapshot", "full": "execute-copy"}.get(args.expect)
    if want_mode and modes != {want_mode}:
        problems.append("carry_mode_%s_want_%s" % ("+".join(sorted(map(str, modes))), want_mode))
    carrying = "none" in modes
    carries, bad_hops = [], []
    trials = race_trials(log) if race else {}
    for k in range(1, hops + 1):
        x, s = lst(log, "x%d" % k), lst(log, "s%d" % (k + 1))
        if x is None or s is None:
            problems.append("hop_%d_missing_%s" % (k, "x" if x is None else "next_boot"))
            break
        # the TPM before exec: the carries of the earlier hops, then x
        if False in replays(carries + x, log["pcrs"].get("x%d" % k, {})).values():
            problems.append("x%d_does_not_replay(harness)" % k)
        if carrying:
            c = lst(log, "c%d" % k)
            if c is None:
                problems.append("carry_%d_not_dumped" % k)
                break
            # the carry is the list at the execute: what was dumped before
            # exec and, without a storm, nothing more
            stormy = race and k > 1
            if not is_prefix(x, c) or (not stormy and len(c) != len(x)):
                problems.append("carry_%d_(%d)_not_the_list_before_exec_(%d)" % (k, len(c), len(x)))
            carries += c
            front = carries
        else:
            # the kernel handed the list over: it starts the next boot's
            if not is_prefix(x, s):
                problems.append("hop_%d_next_list_lacks_the_%d_before_exec" % (k, len(x)))
            front = []
        r = replays(front + s, log["pcrs"].get("s%d" % (k + 1), {}))
        if not r:
            problems.append("no_tpm_pcrs_at_boot_%d" % (k + 1))
        elif False in r.values():
            bad_hops.append(k)
            problems.append("hop_%d_executed_but_does_not_replay(%s)" % (
                k, "+".join(b for b in r if not r[b])))
    facts.add("replay_failed_hops", len(bad_hops))
    if args.scenario == "execfaults":
        kills = [kv for kv in log["events"] if kv.get("event") == "kill"]
        facts.add("kills_survived", len(kills))
        if not kills:
            problems.append("no_kill_survived(exec_executed_before_the_first)")
        if "none" in modes:
            for tool in ("exec_notadir", "exec_full"):
                if log["tool_rc"].get(tool) != 2:
                    problems.append("%s_rc_%s_want_2" % (tool, log["tool_rc"].get(tool)))
    for k in range(1, hops + 1):
        for tool in ("attach_%d" % k, "verify_%d" % (k + 1)):
            if log["tool_rc"].get(tool) != 0:
                problems.append("%s_rc_%s" % (tool, log["tool_rc"].get(tool)))
    last = log.get("verify_%d_json" % (hops + 1))
    if isinstance(last, dict):
        facts.add("verify_last", last.get("verdict"))
        want = hops + 1 if carrying else 1
        if len(last.get("chain", [])) != want:
            problems.append("verify_chain_%d_boots_want_%d" % (len(last.get("chain", [])), want))
    else:
        problems.append("no_verify_json_in_the_last_boot")
    comb = lst(log, "comb_list")
    if log["tool_rc"].get("log_combined") != 0 or comb is None:
        problems.append("log_combined_rc_%s" % log["tool_rc"].get("log_combined"))
    else:
        facts.add("combined_entries", len(comb))
        final = lst(log, "s%d" % (hops + 1)) or []
        if not is_prefix(carries + final, comb):
            problems.append("combined_is_not_carries_plus_last_list")
        pc = log["pcrs"].get("comb", {})
        r = replays(comb, pc)
        if not r or False in r.values():
            problems.append("combined_does_not_replay(%s)" % r)
        ev = evmctl_replay(log["dumps"]["comb_list"]["data"], pc)
        facts.add("evmctl_combined", "na" if ev is None else ("match" if ev else "mismatch"))
        if ev is False:
            problems.append("evmctl_rejects_the_combined_list")
    if race:
        n = {"first": 0, "retried": 0, "refused": 0}
        for k in range(2, hops + 1):
            tr = trials.get(k, [])
            if not tr:
                problems.append("hop_%d_ran_no_trial" % k)
            for t, outcome, refused in tr:
                n["refused" if outcome == "refused" else ("retried" if refused else "first")] += 1
        facts.add("trials", sum(n.values()))
        facts.add("executed_first", n["first"])
        facts.add("executed_retried", n["retried"])
        facts.add("refused", n["refused"])
        # with the pre-seal (exec's default, ikt.preseal=0 turns it off) the
        # storm is held off: a run refused in every attempt means it is not
        preseal = not any(kv.get("preseal") == "0" for kv in log["events"]
                          if kv.get("event") == "storm")
        facts.add("preseal", "on" if preseal else "off")
        if preseal and n["refused"]:
            problems.append("%d_trials_refused_under_the_pre-seal" % n["refused"])
        denied, landed = preseal_figures(log)
        facts.add("preseal_denied_seen", denied)
        facts.add("preseal_landed_seen", landed)
        facts.add("executed_replay_fails", sum(
            1 for k in bad_hops if any(o == "executed" for _, o, _ in trials.get(k, []))))
