# IKT-CHECK-KERNELS: stock,baseline,patched,mainline
# reload: load -> measure -> unload -> measure -> load -> measure -> execute.
# With CONFIG_IMA_KEXEC (< 6.16) the snapshot is the one of the second load.
stage1() {
	ikt_track
	ikt_load first file || return
	ikt_measure 3 a
	ikt_unload
	ikt_measure 2 b
	ikt_load second file || return
	ikt_measure 2 c
	ikt_execute
}
