# IKT-EXPECT: full
# IKT-RUNVM: --mem 4096
# IKT-CMDLINE: ima_kexec_margin_kb=1024
# restoremem: the next kernel booted with a mem= that does not cover the
# previous kernel's IMA segment (a 4 GiB guest, the next kernel gets
# mem=1G). kexec_file_load puts the segment top-down: 7.2 in the highest
# RAM (above 4 GiB on q35), 6.1 at the top of the first RAM range it fits
# in, which for a small segment is below 640 KiB; a 1 MiB margin
# (ima_kexec_margin_kb=, our patch; mainline ignores it) makes it too big
# for that, so it lands near 2 GiB.
# Without a range check, x86's restore reads __va() of an unmapped address
# and the next kernel faults at boot (baseline 6.1, unpatched); with it
# (our patch 0011, upstream's own check on mainline) the next kernel says
# the buffer "lies outside available memory", restores nothing and boots
# with a fresh list. The host checks: the next kernel booted, said so,
# kept none of stage 1's entries, and its TPM is stage 1 + its own list.
stage1() {
	IKT_NEXT_EXTRA=mem=1G
	ikt_load first file || return
	ikt_measure 4 rm
	ikt_dump s1
	ikt event=execute count=$(ikt_count)
	sync
	kexec -e >/tmp/kexec.out 2>&1
	ikt error=kexec_e_returned rc=$?
	ikt_finish
}
stage2() {
	ikt restoremem=1 mem_kb=$(awk '/^MemTotal:/ { print $2 }' /proc/meminfo) \
		outside=$(dmesg | grep -c 'lies outside available memory') \
		restored=$(dmesg | grep -c 'restore') \
		cmdline_mem=$(tr ' ' '\n' </proc/cmdline | sed -n 's/^mem=//p')
	dmesg | grep -i 'ima.*\(buffer\|restor\|outside\)' | head -n 3 | sed 's/^/IKT kmsg=/; s/ /_/g'
}
