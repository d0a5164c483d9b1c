# bench/guest/ringsize.sh (sourced by the guest's /init, see bench/vm): one
# burst of ikt.n (default 100000) measurements through the ring buffer
# (ikt.ringkb KiB) with `monitor --json` consuming, in a fresh boot
# without a TPM. Reports the burst rate, events the monitor received,
# ring drops, and whether the counts stayed exact.
IKT_SELFCHECK=1
N=$(ikt_arg n 100000)
RINGKB=$(ikt_arg ringkb 256)

stage1() {
	[ -x "$TOOL" ] && command -v ikt-burst >/dev/null || { ikt error=tool_or_ikt-burst_missing; return; }
	$TOOL attach --ringbuf-kb "$RINGKB" >/dev/null 2>&1 || { ikt error=attach_failed; return; }
	$TOOL monitor --json >/tmp/mon.json 2>/dev/null &
	mon=$!
	sleep 1
	out=$(ikt-burst write "$N" /tmp/w)
	kill -INT $mon; wait $mon
	sum=$(grep '"type":"summary"' /tmp/mon.json)
	st=$($TOOL status --json 2>/dev/null)
	c=$(printf '%s' "$st" | jfield ima_count)
	s=$(printf '%s' "$st" | jfield securityfs_count)
	ikt bench=burst ringkb=$RINGKB $(echo "$out" | cut -d' ' -f3-) \
		received=$(printf '%s' "$sum" | jfield measurements) \
		drops=$(printf '%s' "$sum" | jfield ringbuf_drops) \
		drop_records=$(grep -c '"type":"drops"' /tmp/mon.json) \
		tracker_count=$c securityfs_count=$s
	[ -n "$c" ] && [ "$c" = "$s" ]; chk count_exact $? "tracker=$c securityfs=$s"
}
