/*
 * request_io.h - exports of libnl.wasm for the typed client's request
 * pipeline (see request_io.c)
 */
#ifndef NLWASM_REQUEST_IO_H
#define NLWASM_REQUEST_IO_H

struct nl_sock;

int nlwasm_socket_set_buffers(struct nl_sock *sk, int rcvbuf, int sndbuf);
int nlwasm_recv_datagram(struct nl_sock *sk, void *buf, int len, int wait);
int nlwasm_ack_error(int kernel_error);
void nlwasm_socket_answered(struct nl_sock *sk);

#endif
