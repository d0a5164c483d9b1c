# IKT-EXPECT: full
# IKT-RUNVM: --smp 2
# execlast (execute-copy kernels): kexec -e while a measurement storm runs
# on the other vCPU. Patched 6.1 measures kexec_execute and suspends the
# list in one hold of IMA's list mutex, so the record is the last one the
# next kernel receives: the host finds it right before the next kernel's
# own boot_aggregate, with its payload matching its position, storm entries
# before it and none after it; the next log replays the TPM. On upstream
# (mainline) the host only reports where its kexec_execute record landed,
# how many records follow it and whether the next log replays (the
# reference's own behaviour, not judged). The list is dumped before the storm starts (a dump
# while the list grows is refused by the host); the storm then makes at
# least ikt.storm_min= (default 50) entries before kexec -e.
stage1() {
	ikt_load first file || return
	ikt_measure 8 el
	ikt_dump s1
	c0=$(ikt_count)
	ikt_storm /tmp/sl- execlast &
	min=$(ikt_arg storm_min 50)
	t=0
	while [ $(($(ikt_count) - c0)) -lt "$min" ] && [ $t -lt 600 ]; do
		sleep 0.1
		t=$((t + 1))
	done
	ikt event=execute storm_entries_before=$(($(ikt_count) - c0)) count=$(ikt_count)
	kexec -e >/tmp/kexec.out 2>&1
	ikt error=kexec_e_returned rc=$?
	sed 's/^/IKT kexec_msg=/; s/ /_/g' /tmp/kexec.out | head -n 5
	ikt_finish
}
