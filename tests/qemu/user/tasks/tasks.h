/*
 * tasks: the program ktest spawns from the initrd to run tasks in address
 * spaces of their own (tests/qemu/user/ktest/tasks.c). Its role is its
 * first argument word; ktest reads the result in the exit status
 * (pith/startinfo.h) and, for the round robin, in the log page it shares
 * with every task.
 */
#ifndef TASKS_H
#define TASKS_H

#include <stdint.h>

#define TASKS_NAME "tasks"

enum tasks_role {
	/* One side of a ping-pong over the endpoint it is passed (its only
	 * extra capability, with the write right): call with the counter
	 * 1, 3, 5, ... (label TASKS_PING), expect the counter + 1 back
	 * (label TASKS_PONG), args[1] times; print the first args[2]
	 * exchanges and a summary; exit with TASKS_OK if every reply was
	 * right, TASKS_BAD_REPLY if not. */
	TASKS_PING = 1,
	/* The other side (the endpoint with the read right): receive, check
	 * that the counter is one more than the last reply and that the
	 * message came through a capability badged args[2], reply the
	 * counter + 1 (TASKS_PONG, or TASKS_WRONG if the check failed);
	 * print the first args[1] replies. It never exits unless its
	 * receive fails (TASKS_IPC_FAILED): the parent destroys it. */
	TASKS_PONG = 2,
	/* Task args[1] of args[2]: map the log page (its only extra
	 * capability, a frame with read and write rights) and, args[3]
	 * times, print its turn, log it and yield; exit with TASKS_OK. */
	TASKS_RR = 3,
};

/* Message labels of the ping-pong. */
#define TASKS_PING_LABEL  0x9149ULL
#define TASKS_PONG_LABEL  0x9049ULL
#define TASKS_WRONG_LABEL 0xbadULL

/* The round robin's log: a page the parent maps into every task. Each
 * entry is TASKS_RR_ENTRY(task, turn), in the order the turns ran;
 * `count` goes on past TASKS_RR_LOG_MAX (later entries are dropped). */
#define TASKS_RR_LOG_MAX	   256
#define TASKS_RR_ENTRY(task, turn) ((uint64_t)(task) << 32 | (uint64_t)(turn))
#define TASKS_RR_TASK(entry)	   ((entry) >> 32)
#define TASKS_RR_TURN(entry)	   ((entry)&0xffffffffULL)

struct tasks_rr_log {
	uint64_t count;
	uint64_t entry[TASKS_RR_LOG_MAX];
};

_Static_assert(sizeof(struct tasks_rr_log) <= 4096, "one page");

/* Untyped memory a round-robin task needs to map the log page: the
 * paging structures of its SDK region (pith/vm.h), three 4 KiB tables. */
#define TASKS_RR_UNTYPED_BITS 14

/* Exit statuses. */
enum tasks_status {
	TASKS_OK = 0,
	TASKS_BAD_STARTINFO = 100, /* no startinfo, or not as ktest made it */
	TASKS_BAD_ROLE,
	TASKS_BAD_ARGS,	  /* arguments or capabilities out of range */
	TASKS_NO_LOG,	  /* the log page could not be mapped */
	TASKS_BAD_REPLY,  /* ping: a reply was wrong, or a call failed */
	TASKS_IPC_FAILED, /* pong: its receive failed */
};

#endif
