# bench/guest/drain.sh (sourced by the guest's /init, see bench/vm): the
# two sides of the ring buffer apart, in a fresh boot without a TPM.
# Producer: a burst of ikt.n measurements with tracking attached and no
# consumer, into a ring (ikt.ringkb, default 64 MiB) big enough to hold
# every event. Consumer: `monitor --json --count N` then drains those N
# events (output to /dev/null): the monitor's own events per second.
IKT_SELFCHECK=1
N=$(ikt_arg n 100000)
RINGKB=$(ikt_arg ringkb 65536)

stage1() {
	[ -x "$TOOL" ] && command -v ikt-burst >/dev/null || { ikt error=tool_or_ikt-burst_missing; return; }
	$TOOL attach --ringbuf-kb "$RINGKB" >/dev/null 2>&1 || { ikt error=attach_failed; return; }
	out=$(ikt-burst write "$N" /tmp/w)
	drops=$($TOOL status --json 2>/dev/null | jfield ringbuf_drops)
	ikt bench=drain ringkb=$RINGKB $(echo "$out" | cut -d' ' -f3-) drops=$drops \
		$(ikt-burst time 1 $TOOL monitor --json --count "$N" | cut -d' ' -f3- | sed 's/^/drain_/; s/ / drain_/g')
	[ "$drops" = 0 ]; chk ring_held_burst $? "drops=$drops"
}
