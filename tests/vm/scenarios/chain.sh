# IKT-DISK: 64
# IKT-SET: light
# IKT-RUNVM: --smp 2 --timeout 900
# IKT-COST: 200
# chain: kexecs in a row (ikt.hops=, default 3; make bench runs 21), each
# through `imakexec-trace exec` with the guard armed: every boot attaches
# with --guard, loads, measures (a plain kexec -e is refused where the next
# log would not replay) and execs into the next; boots 2.. verify what they
# were handed (stock: verify --prior every carry so far). Hop 1 is quiet:
# its carry must be exactly the list dumped before exec. From hop 2 on,
# exec runs while a measurement storm runs on the other vCPU: up to
# ikt.tries= exec runs a hop (default 1, exec --retries 3 each); a run that
# returns was refused every attempt and changed nothing; after the last
# one the storm stops and a quiet exec makes the hop. exec holds the storm
# off with its pre-seal (ikt.preseal=0: --no-preseal). From hop
# ikt.tpmhog= on (default 3; 0: never) the TPM is kept busy as well
# (ikt_tpmhog: RSA primary keys, ~140 ms each here), so the storm's append
# in flight when exec pre-seals waits for the chip that long, as another
# TPM user at shutdown makes it on a real host; exec must wait it out
# rather than spend its retries (the previous exec was refused in 2 of 6
# such trials on the patched kernel).
# The host judge (tests/vm/chainjudge.py) replays, for every hop, the
# carries so far plus the next boot's own list against its TPM, both
# banks; the last boot's `log --combined` must replay with evmctl and our
# replayer. Under the storm it counts trials executed at the first
# attempt, after retries, refused, and executed whose next log does not
# replay (goal 0).
. /ikt/chain.sh
hop() {
	chain_begin || return
	k=$(ikt_arg stage 1)
	ikt_dump x$k	# what the next boot must at least get (before the storm)
	if [ "$k" = 1 ]; then	# quiet: the carry is exactly x1
		ikt event=execute hop=$k count=$(ikt_count)
		chain_exec "$k" 1
		ikt error=exec_returned hop=$k
		ikt_finish
	fi
	hog=$(ikt_arg tpmhog 3)
	[ "$hog" -gt 0 ] && [ "$k" -ge "$hog" ] && hog=1 || hog=0
	ikt event=storm hop=$k preseal=$(ikt_arg preseal 1) tpmhog=$hog
	ikt_storm "/tmp/st-$k-" "$k" 2>/dev/null &	# (its errors once sealed would garble the console)
	spid=$!
	hpid=""
	if [ $hog = 1 ]; then	# the storm's extends wait for the TPM
		ikt_tpmhog 2>/dev/null &
		hpid=$!
	fi
	sleep 1
	t=1
	while [ $t -le "$(ikt_arg tries 1)" ]; do
		ikt race=try hop=$k try=$t count=$(ikt_count)
		# ikt.preseal=0: exec --no-preseal (retries alone)
		if [ "$(ikt_arg preseal 1)" = 0 ]; then
			chain_exec "$k" "$t" --retries 3 --no-preseal
		else
			chain_exec "$k" "$t" --retries 3
		fi
		ikt race=refused hop=$k try=$t count=$(ikt_count)
		t=$((t + 1))
	done
	kill $spid $hpid
	wait $spid $hpid 2>/dev/null
	ikt race=quiet hop=$k count=$(ikt_count)
	chain_exec "$k" quiet
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
