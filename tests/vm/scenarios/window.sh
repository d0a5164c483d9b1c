# IKT-CHECK-KERNELS: stock,baseline,patched,mainline
# window: load -> N new measurements -> execute. The N files read after the
# load are measured (PCR 10 extended) but on < 6.16 never reach the next
# kernel's list. N comes from ikt.n= (default 5).
stage1() {
	ikt_track
	ikt_load first file || return
	ikt_measure "$(ikt_arg n 5)" win
	ikt_execute
}
