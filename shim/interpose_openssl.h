/*
 * interpose_openssl.h - fork hook of the net layer's TLS boundary (its
 * wrappers are the exported OpenSSL functions themselves).
 */
#ifndef H5SNOOP_INTERPOSE_OPENSSL_H
#define H5SNOOP_INTERPOSE_OPENSSL_H

/* Fork child: SSL objects inherited from the parent are judged afresh
 * (the pool that followed them was emptied). */
void interpose_openssl_child_after_fork(void);

#endif
