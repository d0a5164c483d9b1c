# IKT-EXPECT: full unknown
# IKT-CMDLINE: crashkernel=192M
# kdump (patched kernel only): kexec -s -p, measurements, then a panic
# (sysrq c). The crash kernel must receive the list as of the crash load,
# exactly as on an unpatched 6.1 (the patches leave crash images alone: no
# margin, no execute-time copy, segment still covered by the purgatory
# digest, no ima_kexec events), and purgatory must accept the image.
stage1() {
	if ! ikt_load crash1 crash; then
		ikt "skip=crash_load_failed(crashkernel_reservation?)"
		ikt_finish
	fi
	ikt_measure 3 kd
	ikt_dump s1
	ikt event=panic count=$(ikt_count)
	sync
	echo c >/proc/sysrq-trigger
	ikt error=panic_returned
	ikt_finish
}
