# IKT-CHECK-KERNELS: stock,baseline,patched,mainline
# legacy: kexec -c (kexec_load syscall) -> measurements -> execute. The
# legacy syscall never carries the IMA list, on any kernel version.
stage1() {
	ikt_track
	ikt_load first legacy || return
	ikt_measure 3 leg
	ikt_execute
}
