/*
 * interpose_net.h - set-up of the net layer's socket boundary (its
 * wrappers are the exported libc functions themselves).
 */
#ifndef H5SNOOP_INTERPOSE_NET_H
#define H5SNOOP_INTERPOSE_NET_H

/* Finds the real libc functions and turns on process-wide read
 * counting when the net layer is on.  Called by the constructor, before
 * threads exist. */
void interpose_net_init(void);

/* Fork child: the parent's sockets are not followed in the child (the
 * pool itself is emptied by net_conn_child_after_fork). */
void interpose_net_child_after_fork(void);

#endif
