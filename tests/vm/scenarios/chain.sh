# IKT-DISK: 64
# IKT-COST: 120
# chain: three kexecs in a row (ikt.hops=), each through `imakexec-trace
# exec` with the guard armed: every boot attaches with --guard, loads,
# measures (a plain kexec -e is refused where the next log would not
# replay) and execs into the next. Boots 2.. verify what they were handed
# (stock: verify --prior every carry so far). The host judge
# (tests/vm/chainjudge.py) replays, for every hop, the carries so far plus
# the boot's own list against its TPM, both banks; the last boot's
# `log --combined` must replay with evmctl and with our replayer.
. /ikt/chain.sh
hop() {
	chain_begin || return
	k=$(ikt_arg stage 1)
	ikt_dump x$k
	ikt event=execute hop=$k count=$(ikt_count)
	chain_exec "$k" 1
	ikt error=exec_returned hop=$k
	ikt_finish
}
stage1() {
	if [ ! -x "$TOOL" ]; then
		ikt "skip=imakexec-trace_not_in_initramfs(run_make_first)"
		ikt_finish
	fi
	hop
}
stage_next() {
	if [ "$(ikt_arg stage 1)" -le "$(ikt_arg hops 3)" ]; then
		hop
	else
		chain_begin && chain_end
	fi
}
