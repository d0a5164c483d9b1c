# IKT-CHECK-KERNELS: stock,baseline,patched,mainline
# twoloads: load -> measure -> load again (replaces the image) -> measure ->
# execute. The snapshot moves to the second load.
stage1() {
	ikt_track
	ikt_load first file || return
	ikt_measure 3 a
	ikt_load second file || return
	ikt_measure 2 b
	ikt_execute
}
