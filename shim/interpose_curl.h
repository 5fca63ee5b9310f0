/*
 * interpose_curl.h - fork hooks of the http layer (its wrappers are the
 * exported libcurl functions themselves).
 */
#ifndef H5SNOOP_INTERPOSE_CURL_H
#define H5SNOOP_INTERPOSE_CURL_H

/* pthread_atfork handlers: the handle table's lock is held across fork so
 * the child never inherits it locked. */
void interpose_curl_prepare_fork(void);
void interpose_curl_parent_after_fork(void);
void interpose_curl_child_after_fork(void);

/* Whether this thread is inside a libcurl call we forwarded (the net
 * layer leaves such I/O to this layer).  Thread-safe (thread-local). */
int interpose_curl_busy(void);

#endif
