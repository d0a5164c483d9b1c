// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* monitor: stream IMA appends and kexec events live. Uses the pinned
 * tracker when attached, else attaches for the lifetime of the process. */
#include <argp.h>
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/time.h>
#include <bpf/libbpf.h>
#include "errors.h"
#include "commands.h"
#include "env.h"
#include "event_fmt.h"
#include "exitcodes.h"
#include "metrics.h"
#include "sysfs.h"
#include "tracker.h"

struct monitor_args {
	struct ikt_load_opts load;
	bool json;
	uint64_t duration_s;	/* 0: until interrupted */
	uint64_t count;		/* 0: unlimited */
	const char *prom;	/* --prometheus FILE */
};

struct monitor {
	const struct monitor_args *a;
	struct ikt_tracker *t;
	const struct ikt_env *env;
	struct ikt_view view;
	struct ikt_config cfg;
	struct ikt_state st;	/* as of the last refresh */
	uint64_t events, measures;
	uint64_t drops_seen;	/* state.drops when last reported */
	uint64_t drops0;	/* state.drops when this monitor started */
	uint64_t short_records;	/* ring records shorter than an event */
	struct ikt_state metrics_st;	/* state the metrics file was written with */
	time_t metrics_t;	/* when it was written */
	struct json_writer w;
	int err;
};

static volatile sig_atomic_t stop;

/* After SIGINT/SIGTERM a write may block for good (a reader that stopped
 * reading leaves a full pipe, and the signal is spent): SIGALRM, every this
 * many ms until exit, interrupts it (no SA_RESTART), the write fails and
 * the monitor ends with exit 2, within a second of the signal. */
#define STOP_WRITE_MS 200

static void on_signal(int sig)
{
	static const struct itimerval every = {
		.it_interval = { 0, STOP_WRITE_MS * 1000 },
		.it_value = { 0, STOP_WRITE_MS * 1000 },
	};

	stop = 1;
	/* armed once, by the first stop signal (setitimer is a plain syscall) */
	if (sig != SIGALRM)
		setitimer(ITIMER_REAL, &every, NULL);
}

static const struct argp_option monitor_opts[] = {
	{ "json", 'j', NULL, 0, "JSON lines (schema in README)", 0 },
	{ "duration", 'd', "SEC", 0, "stop after SEC seconds", 0 },
	{ "count", 'c', "N", 0, "stop after N events", 0 },
	{ "ringbuf-kb", 'r', "KIB", 0, "ring size when not attached (default 256)", 0 },
	{ "prometheus", 'p', "FILE", 0, "keep node_exporter textfile metrics in FILE (rewritten at most once a second)", 0 },
	{ "verbose", 'v', NULL, 0, "show libbpf messages and the verifier log", 0 },
	{},
};

static error_t monitor_parse(int key, char *arg, struct argp_state *state)
{
	struct monitor_args *a = state->input;

	switch (key) {
	case 'j': a->json = true; break;
	case 'v': a->load.verbose = true; break;
	case 'p': a->prom = arg; break;
	case 'd':
		if (ikt_parse_u64(arg, &a->duration_s) || !a->duration_s)
			argp_error(state, "invalid --duration '%s': need whole seconds > 0", arg);
		break;
	case 'c':
		if (ikt_parse_u64(arg, &a->count) || !a->count)
			argp_error(state, "invalid --count '%s': need an integer > 0", arg);
		break;
	case 'r':
		if (ikt_parse_ringbuf_kb(arg, &a->load.ringbuf_kb))
			argp_error(state, "invalid --ringbuf-kb '%s': need a power of two from 4 to 1048576", arg);
		break;
	case ARGP_KEY_ARG: argp_error(state, "unexpected argument '%s'", arg); break;
	default: return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static int refresh(struct monitor *m)
{
	int ret = ikt_tracker_read(m->t, &m->st, &m->cfg);

	if (ret)
		return ret;
	ikt_view_compute(&m->view, &m->st, &m->cfg, m->t->hooks.mode,
			 ikt_ima_count(m->env));
	return 0;
}

/* rewrite the metrics file when something changed, at most once a second */
static int update_metrics(struct monitor *m, bool force)
{
	time_t now = time(NULL);

	if (!m->a->prom || (!force && now == m->metrics_t))
		return 0;
	if (refresh(m))
		return -EIO;
	if (!force && !memcmp(&m->metrics_st, &m->st, sizeof(m->st)))
		return 0;
	m->metrics_st = m->st;
	m->metrics_t = now;
	return ikt_metrics_write_file(m->a->prom, &m->st, &m->view);
}

/* on_event's return once --count events were written: libbpf stops right
 * after that event and leaves the rest of the batch in the ring */
#define COUNT_REACHED (-ECANCELED)

static int on_event(void *ctx, void *data, size_t size)
{
	struct monitor *m = ctx;
	const struct ikt_event *e = data;

	if (m->err)		/* the output failed: nothing more is written */
		return m->err;
	if (size < sizeof(*e)) {	/* not from our programs: counted, said at the end */
		m->short_records++;
		return 0;
	}
	if (e->type != IKT_EV_MEASURE)
		refresh(m);
	if (m->a->json) {
		ikt_event_json(&m->w, e, &m->view, m->cfg.base);
		if (jw_end_line(&m->w)) {
			m->err = -EIO;
			return -EIO;
		}
	} else {
		ikt_event_human(stdout, e, &m->view, m->cfg.base);
	}
	m->events++;
	m->measures += e->type == IKT_EV_MEASURE;
	if (m->a->count && m->events >= m->a->count) {
		stop = 1;
		return COUNT_REACHED;
	}
	return 0;
}

/* Lost events are said in the stream, where they were lost, as soon as
 * the monitor sees the drop counter move. */
static int report_drops(struct monitor *m)
{
	struct ikt_state s;
	struct timespec ts;
	uint64_t n, ts_ns;

	if (ikt_tracker_read(m->t, &s, NULL))
		return -EIO;
	if (s.drops == m->drops_seen)
		return 0;
	n = s.drops - m->drops_seen;
	m->drops_seen = s.drops;
	clock_gettime(CLOCK_BOOTTIME, &ts);
	ts_ns = (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
	if (m->a->json) {
		jw_object_start(&m->w);
		jw_kv_string(&m->w, "type", "drops");
		jw_kv_u64(&m->w, "ts_ns", ts_ns);
		jw_kv_u64(&m->w, "count", n);
		jw_kv_u64(&m->w, "total", s.drops);
		jw_object_end(&m->w);
		return jw_end_line(&m->w) ? -EIO : 0;
	}
	printf("[%5" PRIu64 ".%06" PRIu64 "] DROPPED  %" PRIu64 " events: ring buffer full "
	       "(counts stay exact; attach --ringbuf-kb to enlarge)\n",
	       ts_ns / 1000000000, (ts_ns % 1000000000) / 1000, n);
	return 0;
}

static void summary(struct monitor *m)
{
	uint64_t drops = m->drops_seen - m->drops0;

	if (m->a->json) {
		jw_object_start(&m->w);
		jw_kv_string(&m->w, "type", "summary");
		jw_kv_u64(&m->w, "events", m->events);
		jw_kv_u64(&m->w, "measurements", m->measures);
		jw_kv_u64(&m->w, "ringbuf_drops", drops);
		jw_kv_u64(&m->w, "short_records", m->short_records);
		jw_kv_u64(&m->w, "ima_count", m->view.count);
		jw_kv_string(&m->w, "kexec_state", ikt_kexec_state_str(m->view.normal));
		jw_kv_string(&m->w, "verdict", ikt_verdict_str(m->view.verdict));
		jw_kv_u64_or_null(&m->w, "gap", m->view.gap_known, m->view.gap);
		jw_object_end(&m->w);
		jw_finish(&m->w);
		return;
	}
	printf("summary: %" PRIu64 " events (%" PRIu64 " measurements), %" PRIu64
	       " dropped, IMA list %" PRIu64 " entries, kexec %s, verdict %s",
	       m->events, m->measures, drops, m->view.count,
	       ikt_kexec_state_str(m->view.normal), ikt_verdict_str(m->view.verdict));
	if (m->view.gap_known && m->view.verdict != IKT_V_NOT_LOADED)
		printf(", gap %" PRIu64, m->view.gap);
	if (m->short_records)
		printf(", %" PRIu64 " ring records too short to be events (skipped)",
		       m->short_records);
	printf("\n");
}

static void print_hooks(const struct ikt_tracker *t)
{
	for (int i = 0; i < IKT_HOOK_COUNT; i++) {
		const struct ikt_hook *h = &t->hooks.h[i];

		if (h->status != IKT_HOOK_ATTACHED)
			p_info("not traced: %s (%s)", h->what, h->reason);
	}
}

/* open (or, not attached, load) the tracker and the ring; 0 or an exit code */
static int start(struct monitor *m, struct ikt_tracker *t, struct ikt_env *env,
		 struct ring_buffer **rb)
{
	int ret;

	m->t = t;
	m->env = env;
	jw_init(&m->w, stdout);
	ret = ikt_tracker_open_cmd(t, env, IKT_NEED_PRIV | IKT_NEED_BTF | IKT_NEED_IMA |
				   IKT_NEED_KEXEC);
	if (ret == IKT_EXIT_NOTATTACHED) {
		p_info("not attached; tracking for this process only");
		ret = ikt_tracker_load(t, env, &m->a->load);
	}
	if (ret)
		return ret;
	print_hooks(t);
	if ((ret = refresh(m))) {
		p_err("cannot read tracker state: %s", strerror(-ret));
		return IKT_EXIT_ERROR;
	}
	m->drops0 = m->drops_seen = m->st.drops;
	*rb = ring_buffer__new(t->events_fd, on_event, m, NULL);
	if (!*rb) {
		p_err("cannot open the event ring buffer: %s", strerror(errno));
		return IKT_EXIT_ERROR;
	}
	return 0;
}

/* until a signal, --duration or --count: 0 or an exit code */
static int run(struct monitor *m, struct ring_buffer *rb)
{
	struct timespec start_ts, now;

	clock_gettime(CLOCK_MONOTONIC, &start_ts);
	while (!stop) {
		/* measure events wake us only in batches: drain on timeout too */
		int n = ring_buffer__poll(rb, 100);

		if (n == 0)
			n = ring_buffer__consume(rb);
		if (n == COUNT_REACHED)
			n = 0;
		if (m->err)	/* a write failed inside the callback */
			n = 0;
		if (n < 0 && n != -EINTR) {
			p_err("reading events failed: %s", strerror(-n));
			return IKT_EXIT_ERROR;
		}
		/* fflush returns 0 with nothing buffered: ferror keeps a failed
		 * line-buffered write of the human output */
		if (!m->err && (report_drops(m) || fflush(stdout) || ferror(stdout)))
			m->err = -EIO;
		if (m->err) {
			p_err("writing events failed: %s", strerror(-m->err));
			return IKT_EXIT_ERROR;
		}
		if (update_metrics(m, false))
			return IKT_EXIT_ERROR;
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (m->a->duration_s && (uint64_t)(now.tv_sec - start_ts.tv_sec) >= m->a->duration_s)
			break;
	}
	return 0;
}

int cmd_monitor(int argc, char **argv)
{
	static const char doc[] = "Stream IMA measurements and kexec events as they "
		"happen. While a kexec image is loaded, each measurement that the next "
		"kernel would miss is marked with its position in the gap window. "
		"SIGINT/SIGTERM stop with a summary.\v"
		"Examples:\n"
		"  imakexec-trace monitor\n"
		"  imakexec-trace monitor --json --duration 60 > events.jsonl\n"
		"  imakexec-trace monitor --count 100\n"
		"  imakexec-trace monitor --prometheus /var/lib/node_exporter/imakexec.prom\n";
	struct monitor_args a = { .load = { .ringbuf_kb = IKT_RINGBUF_KB_DEFAULT } };
	struct argp argp = { monitor_opts, monitor_parse, NULL, doc, NULL, NULL, NULL };
	struct monitor m = { .a = &a };
	struct ring_buffer *rb = NULL;
	struct sigaction sa = { .sa_handler = on_signal };
	struct ikt_tracker t;
	struct ikt_env env;
	int ret;

	if (argp_parse(&argp, argc, argv, 0, NULL, &a))
		return IKT_EXIT_USAGE;
	ikt_msg_json(a.json);
	if ((ret = start(&m, &t, &env, &rb)))
		goto cleanup;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGALRM, &sa, NULL);
	p_info("monitoring (IMA list %" PRIu64 " entries, kexec %s); Ctrl-C to stop",
	       m.view.count, ikt_kexec_state_str(m.view.normal));
	ret = run(&m, rb);
	/* drain what is already queued unless a count limit was reached */
	if (!m.err && !(a.count && m.events >= a.count))
		ring_buffer__consume(rb);
	/* once the output failed, write nothing more (each write could block) */
	if (!m.err && !report_drops(&m)) {
		refresh(&m);
		summary(&m);
	}
	if (update_metrics(&m, true))
		ret = IKT_EXIT_ERROR;
	/* the alarm stays armed after a stop signal: main's last writes (the
	 * --json error document, the flush) must not block for good either */
cleanup:
	ring_buffer__free(rb);
	ikt_tracker_close(&t);
	return ret;
}
