# IKT-CHECK-KERNELS: stock,baseline,patched,mainline
# IKT-CMDLINE: crashkernel=192M
# crash: a crash kernel load (kexec -s -p) before and after the normal load
# must not disturb the normal image: the snapshot stays the normal load's.
stage1() {
	ikt_track
	if ! ikt_load crash1 crash; then
		ikt "skip=crash_load_failed(crashkernel_reservation?)"
		ikt_finish
	fi
	ikt_load normal file || return
	ikt_measure 2 a
	ikt_load crash2 crash || true
	ikt_measure 2 b
	ikt_execute
}
