# IKT-DISK: 64
# IKT-RUNVM: --smp 2 --timeout 900
# IKT-COST: 200
# racexec: `imakexec-trace exec` while a measurement storm runs on the other
# vCPU, ikt.hops= hops (default 3; make bench runs 20), each hop up to
# ikt.tries= exec runs (default 1, exec --retries 3 each) under the storm;
# exec holds the storm off with its pre-seal (ikt.preseal=0: --no-preseal).
# A run that returns was refused every attempt and changed nothing; after
# the last one the storm stops and a quiet exec makes the hop. The host
# judge (tests/vm/chainjudge.py) counts per kernel: trials executed at the
# first attempt, executed after retries, refused, and executed whose next
# log does not replay (goal 0): the carries so far plus the next boot's own
# list against its TPM, both banks.
. /ikt/chain.sh
storm() { # new files read one after another until killed
	i=0
	while :; do
		echo "storm $1 $i" >/tmp/st-$1-$i
		cat /tmp/st-$1-$i >/dev/null
		rm -f /tmp/st-$1-$i
		i=$((i + 1))
	done
}
hop() {
	chain_begin || return
	k=$(ikt_arg stage 1)
	ikt_dump x$k	# what the next boot must at least get (before the storm)
	storm "$k" &
	spid=$!
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
	kill $spid
	wait $spid 2>/dev/null
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
