# IKT-EXPECT: full unknown
# IKT-CMDLINE: crashkernel=192M
# kdump (patched kernel only): kexec -s -p, measurements, then a panic
# (sysrq c). The crash kernel must receive no list (patch 0003, upstream's
# "ima: do not copy measurement list to kdump kernel": a crash kernel's list
# can never match the PCRs; the judge expects 0 carried), must boot, and
# purgatory must accept the image.
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
