# Guest helpers for the kexec-chain scenarios (chain, execfaults), sourced by
# them after lib.sh. Every boot of a chain but the last is a hop: attach
# --guard, load the next kernel, measure, then kexec through
# `imakexec-trace exec` into the next stage (ikt.hops= hops, default 3).
# Boot k > 1 first verifies what it was handed; the last boot also writes
# the chain as one list (log --combined) for evmctl and dumps the carries.
# On kernels without CONFIG_IMA_KEXEC the carries live on the scenario's
# disk (IKT-DISK), their order in $CHAIN_DIR/order (one file name a line).
CHAIN_DIR=/var/lib/imakexec

chain_mode() { "$TOOL" status --json 2>/dev/null | sed -n 's/.*"carry_mode":"\([^"]*\)".*/\1/p'; }

chain_priors() { # " --prior FILE" for every carry so far, oldest first
	[ -f $CHAIN_DIR/order ] || return 0
	while read -r f; do printf ' --prior %s' "$CHAIN_DIR/carry/$f"; done <$CHAIN_DIR/order
}

# chain_exec HOP TRY [EXEC ARGS]: exec, its messages as "IKT exec_msg=" lines
# (as they come: after an allowed execute nothing returns), then its exit
# code as "IKT tool=exec_HOP_TRY rc=N" if it returned
chain_exec() {
	h=$1 t=$2
	shift 2
	{ "$TOOL" exec "$@" 2>&1; echo "ikt-exec-rc=$?"; } | while read -r l; do
		case "$l" in
		ikt-exec-rc=*) echo "IKT tool=exec_${h}_$t rc=${l#ikt-exec-rc=} hop=$h try=$t" ;;
		# shell builtins only: under exec's pre-seal, running tr or
		# cut would be refused and the message lost
		*) l=${l// /_}; echo "IKT exec_msg=${l:0:200} hop=$h try=$t" ;;
		esac
	done
}

# chain_begin: the disk, this boot's policy, verify (boot > 1), attach --guard
chain_begin() {
	k=$(ikt_arg stage 1)
	ikt event=chain stage=$k hops=$(ikt_arg hops 3)
	ikt_disk $CHAIN_DIR || return 1
	# the next kernel's initramfs leaves /boot out: the kernel image that
	# every hop loads lives on the disk from the first boot on
	if [ "$k" = 1 ]; then
		cp /boot/bzImage $CHAIN_DIR/bzImage
	else
		mkdir -p /boot
		ln -sf $CHAIN_DIR/bzImage /boot/bzImage
	fi
	if [ "$k" -gt 1 ]; then
		ikt_policy	# a policy lasts one boot
		out=$("$TOOL" verify $(chain_priors) --json 2>/tmp/v.err)
		ikt tool=verify_$k rc=$?
		ikt verify_${k}_json=$(printf '%s' "$out" | base64 | tr -d '\n')
	fi
	[ "$k" -gt "$(ikt_arg hops 3)" ] && return 0
	"$TOOL" attach --guard >/tmp/attach.out 2>&1
	ikt tool=attach_$k rc=$?
	sed 's/^/IKT tool_msg=/; s/ /_/g' /tmp/attach.out | grep -v "_keeping_it" | head -n 3
	ikt_load hop$k file || return 1
	ikt_measure "$(ikt_arg n 4)" h$k
	CHAIN_MODE=$(chain_mode)
	ikt event=hop hop=$k mode=$CHAIN_MODE count=$(ikt_count)
	# kernels whose next log would not replay: a plain kexec -e is refused
	if [ "$CHAIN_MODE" != execute-copy ]; then
		kexec -e >/tmp/kexec.out 2>&1
		rc=$?
		chk plain_kexec_refused_$k $(( rc == 0 )) "rc=$rc"
	fi
	# where exec carries, the carry is named by this boot's id
	[ "$CHAIN_MODE" = none ] && echo "$(cat /proc/sys/kernel/random/boot_id).bin" >>$CHAIN_DIR/order
	sync
	return 0
}

# chain_end: the last boot: the chain as one list, the PCRs right after it
# was written (reading it measures it), then the list and every carry
chain_end() {
	k=$(ikt_arg stage 1)
	"$TOOL" log $(chain_priors) --combined /tmp/comb.bin >/tmp/log.out 2>&1
	ikt tool=log_combined rc=$?
	ikt_pcrs comb
	ikt_dump comb_list /tmp/comb.bin
	cn=0	# (ikt_dump uses i)
	if [ -f $CHAIN_DIR/order ]; then
		while read -r f; do
			cn=$((cn + 1))
			ikt_dump c$cn "$CHAIN_DIR/carry/$f"
		done <$CHAIN_DIR/order
	fi
	ikt chain_end=$k carries=$cn
}
