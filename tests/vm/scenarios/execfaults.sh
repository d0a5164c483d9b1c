# IKT-CHECK-KERNELS: stock,baseline,patched,mainline
# IKT-DISK: 64
# IKT-CMDLINE: ikt.hops=1
# IKT-COST: 150
# execfaults: what a failing or killed `imakexec-trace exec` leaves behind.
# attach --guard, load, N measurements (chain.sh's first hop), then:
#  - where exec carries (no CONFIG_IMA_KEXEC): a carry directory that is
#    not a directory, and one on a full file system: exit 2, nothing
#    executed, nothing held, a plain kexec -e still refused
#  - exec SIGKILLed at each delay of ikt.kills= (seconds after it started):
#    either the kexec happened (the next boot is judged as every hop:
#    its log, with the carry, replays) or nothing is held: status says not
#    sealed and not pre-sealed, another process opens a new file and it is
#    measured, and after that a plain kexec -e is refused (not tried on
#    execute-copy kernels, where it is allowed and safe)
#  - then (if no killed exec got through) a plain exec; the next boot verifies (tests/vm/chainjudge.py).
. /ikt/chain.sh
held() { # "sealed presealed" from status --json
	st=$("$TOOL" status --json 2>/dev/null)
	echo "$(printf '%s' "$st" | sed -n 's/.*"sealed":\([a-z]*\).*/\1/p')" \
		"$(printf '%s' "$st" | sed -n 's/.*"presealed":\([a-z]*\).*/\1/p')"
}
after_fault() { # after_fault NAME: nothing held, others measured, kexec -e refused
	h=$(held)
	chk ${1}_nothing_held $([ "$h" = "false false" ]; echo $?) "held=$(echo $h | tr ' ' '+')"
	before=$(ikt_count)
	echo "$1 $(cat /proc/sys/kernel/random/uuid)" >/tmp/f-$1
	cat /tmp/f-$1 >/dev/null
	rc=$?
	chk ${1}_others_measured $(( rc + ($(ikt_count) != before + 1) )) "rc=$rc before=$before count=$(ikt_count)"
	if [ "$CHAIN_MODE" != execute-copy ]; then
		kexec -e >/tmp/kexec.out 2>&1
		rc=$?
		chk ${1}_plain_kexec_refused $(( rc == 0 )) "rc=$rc"
	fi
}
stage1() {
	if [ ! -x "$TOOL" ]; then
		ikt "skip=imakexec-trace_not_in_initramfs(run_make_first)"
		ikt_finish
	fi
	chain_begin || return
	if [ "$CHAIN_MODE" = none ]; then
		: >$CHAIN_DIR/notadir
		"$TOOL" exec --carry-dir $CHAIN_DIR/notadir >/tmp/exec.out 2>&1
		ikt tool=exec_notadir rc=$?
		sed 's/^/IKT tool_msg=/; s/ /_/g' /tmp/exec.out | head -n 2
		after_fault notadir
		# fill it: big writes, then single blocks until none is left
		# (ext4 may still have room after the first ENOSPC)
		dd if=/dev/zero of=$CHAIN_DIR/fill bs=1M 2>/dev/null
		j=0
		while [ $j -lt 256 ] && dd if=/dev/zero of=$CHAIN_DIR/fill$j bs=4k count=1 2>/dev/null; do
			j=$((j + 1))
			sync
		done
		ikt event=fill blocks_after_enospc=$j
		ikt event=fill free_kb=$(df -k $CHAIN_DIR | awk 'NR==2 {print $4}')
		"$TOOL" exec >/tmp/exec.out 2>&1
		ikt tool=exec_full rc=$?
		sed 's/^/IKT tool_msg=/; s/ /_/g' /tmp/exec.out | head -n 2
		after_fault full
		rm -f $CHAIN_DIR/fill* $CHAIN_DIR/notadir
		sync
	fi
	# the kills sweep exec's whole run (it takes 0.1-0.3 s unloaded here);
	# the first exec that gets through ends the sweep with a kexec
	n=0
	for delay in $(ikt_arg kills 0,0.002,0.005,0.01,0.02,0.03,0.05,0.07,0.1,0.13,0.16,0.2,0.3,0.5,1,2 | tr ',' ' '); do
		n=$((n + 1))
		ikt_dump x1	# in case this exec gets through before the kill
		# (ikt_dump sets d, i, f: this loop's variables are others)
		"$TOOL" exec >/tmp/exec.out 2>&1 &
		pid=$!
		sleep "$delay"
		kill -9 $pid 2>/dev/null
		wait $pid
		ikt event=kill n=$n delay=$delay rc=$?
		after_fault kill$n
	done
	ikt_dump x1
	ikt event=execute hop=1 count=$(ikt_count)
	chain_exec 1 1
	ikt error=exec_returned hop=1
	ikt_finish
}
stage_next() {
	chain_begin && chain_end
}
