/*
 * trace_reads.c - the state of trace_reads.h: each thread's read numbers,
 * the slots where threads publish the read they have in flight, and the
 * scan that finds the process's only one.
 *
 * Must never: block, allocate, or do more in the fork child's handler
 * than async-signal-safe stores.
 */
#include "trace_reads.h"

static struct trace_read_slot slots[TRACE_READ_SLOTS];
/* Slots ever claimed: the scan stops there. */
static unsigned slots_used;

/*
 * Threads past TRACE_READ_SLOTS count here instead, as every thread did
 * before there were slots: how many have a read in flight, and the word
 * of the last one begun (0 once it ended).
 */
static unsigned overflow_open;
static uint64_t overflow_solo;
static TRACE_TLS int tls_no_slot;        /* claiming failed: overflow */
static TRACE_TLS uint64_t tls_overflow_word; /* what it counted */

static struct trace_read_slot *claim_slot(void)
{
	for (unsigned i = 0; i < TRACE_READ_SLOTS; i++) {
		uint32_t free_owner = 0;
		unsigned used;

		if (__atomic_load_n(&slots[i].owner, __ATOMIC_RELAXED) ||
		    !__atomic_compare_exchange_n(&slots[i].owner, &free_owner,
						 1, 0, __ATOMIC_ACQ_REL,
						 __ATOMIC_RELAXED))
			continue;
		used = __atomic_load_n(&slots_used, __ATOMIC_RELAXED);
		while (used < i + 1 &&
		       !__atomic_compare_exchange_n(&slots_used, &used, i + 1,
						    0, __ATOMIC_RELEASE,
						    __ATOMIC_RELAXED))
			;
		return &slots[i];
	}
	return NULL;
}

static void overflow_publish(uint64_t word)
{
	uint64_t mine = tls_overflow_word;

	if (word && !mine)
		__atomic_add_fetch(&overflow_open, 1, __ATOMIC_RELAXED);
	if (word) {
		__atomic_store_n(&overflow_solo, word, __ATOMIC_RELAXED);
	} else if (mine) {
		__atomic_compare_exchange_n(&overflow_solo, &mine, 0, 0,
					    __ATOMIC_RELAXED,
					    __ATOMIC_RELAXED);
		__atomic_sub_fetch(&overflow_open, 1, __ATOMIC_RELAXED);
	}
	tls_overflow_word = word;
}

void trace_read_publish_slow(uint64_t word)
{
	if (!tls_no_slot) {
		struct trace_read_slot *s = claim_slot();

		trace_hot_tls.read_slot = s;
		if (s) {
			__atomic_store_n(&s->in_flight, word,
					 __ATOMIC_RELAXED);
			return;
		}
		tls_no_slot = 1;
	}
	overflow_publish(word);
}

uint64_t trace_read_solo(void)
{
	unsigned used = __atomic_load_n(&slots_used, __ATOMIC_ACQUIRE);
	unsigned open = __atomic_load_n(&overflow_open, __ATOMIC_RELAXED);
	uint64_t solo = open == 1 ? __atomic_load_n(&overflow_solo,
						    __ATOMIC_RELAXED)
				  : 0;

	if (open > 1)
		return 0;
	for (unsigned i = 0; i < used; i++) {
		uint64_t w = __atomic_load_n(&slots[i].in_flight,
					     __ATOMIC_RELAXED);

		if (!w)
			continue;
		if (open++ > 0)
			return 0; /* a second read in flight */
		solo = w;
	}
	return solo;
}

void trace_reads_thread_exit(void)
{
	struct trace_read_slot *s = trace_hot_tls.read_slot;

	if (tls_overflow_word)
		overflow_publish(0);
	if (!s)
		return;
	trace_hot_tls.read_slot = NULL;
	__atomic_store_n(&s->in_flight, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&s->owner, 0, __ATOMIC_RELEASE);
}

void trace_reads_child_after_fork(void)
{
	uint64_t word = trace_hot_tls.read_in_flight
				? (uint64_t)trace_thread_id() << 32 |
					  trace_hot_tls.read_in_flight
				: 0;

	for (unsigned i = 0; i < TRACE_READ_SLOTS; i++) {
		slots[i].in_flight = 0;
		slots[i].owner = &slots[i] == trace_hot_tls.read_slot;
	}
	if (trace_hot_tls.read_slot)
		trace_hot_tls.read_slot->in_flight = word;
	overflow_open = tls_no_slot && word;
	overflow_solo = tls_no_slot ? word : 0;
	tls_overflow_word = tls_no_slot ? word : 0;
}
