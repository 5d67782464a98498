// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Ambit traffic steering: sends the TCP connections of enrolled pods to the
 * node tunnel's outbound listener and tells the tunnel where they were going.
 *
 *   cgroup/connect4|6   (pods subtree)  rewrite dst to the tunnel, remember the original by socket cookie
 *   sockops             (cgroup root)   on established, re-key the record by the client's ip:port;
 *                                       optionally put pod <-> tunnel socket pairs into a sockhash
 *   sk_msg              (sockhash)      short-circuit data between the two sockets of a pair, for
 *                                       the first AMBIT_FAST_PATH_BYTES a socket sends
 *   cgroup/getsockopt   (cgroup root)   answer SO_ORIGINAL_DST on the tunnel's accepted socket
 *   cgroup_skb/ingress  (pods subtree)  STRICT pods: drop new plaintext TCP connections not from the tunnel
 *   cgroup/sendmsg4|6, connect4|6 (pods subtree)  DNS capture: a pod's DNS (UDP or TCP, port 53, to any
 *                                       server) goes to the node tunnel's DNS proxy instead
 *   cgroup/recvmsg4|6, getpeername4|6 (pods subtree)  ... and its answers appear to come from the server
 *                                       the pod asked
 *
 * sockops and getsockopt run on the tunnel's sockets, which live in the tunnel's cgroup, not
 * under the pods subtree: they are attached to the cgroup v2 root (as Merbridge and Cilium do).
 *
 * Every struct shared with user space has explicit padding; the Java side mirrors these
 * layouts in dev.ambit.nodeagent.redirect (Endpoint, TunnelConfig, EnrolledPod codecs).
 * Addresses are 16 bytes in network order, IPv4 as IPv4-mapped IPv6 (::ffff:a.b.c.d), so one
 * key type serves both families and dual-stack sockets connecting to IPv4.
 */
#include <linux/bpf.h>
#include <linux/in.h>
#include <linux/in6.h>
#include <linux/types.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#define AF_INET  2
#define AF_INET6 10
#define ETH_P_IP 0x0800
#define SOCK_STREAM 1
#define SOL_IP   0
#define SOL_IPV6 41
/* SO_ORIGINAL_DST (linux/netfilter_ipv4.h) and IP6T_SO_ORIGINAL_DST share the value 80. */
#define SO_ORIGINAL_DST 80

#define AMBIT_MODE_PERMISSIVE 0
#define AMBIT_MODE_STRICT     1
/* struct ambit_pod's mode holds the L4 mode in its low byte and per-pod flags above it: the
 * pinned enrolled map keeps its value layout across agent versions. */
#define AMBIT_MODE_MASK       0xff
/* The pod's DNS is left alone (its namespace or the pod opted out of DNS capture). */
#define AMBIT_POD_NO_DNS_CAPTURE (1u << 8)

#define SOCK_DGRAM 2
#define DNS_PORT   53

#define AMBIT_FLAG_SOCKHASH   1

#define AMBIT_STAT_REDIRECTS    0
#define AMBIT_STAT_STRICT_DROPS 1
#define AMBIT_STAT_COUNT        2

/*
 * A redirect into the peer's ingress queue has no flow control: the kernel charges the
 * receiver's memory but never makes the sender wait, so a sender faster than its reader
 * queues without bound until sendmsg() fails with ENOMEM (cilium/cilium#6431, #6438). Each
 * socket therefore takes the fast path for its first AMBIT_FAST_PATH_BYTES only, about one
 * socket buffer: request/response traffic gains, a bulk transfer continues through TCP and
 * its windows. Order is kept because the receiver empties its ingress queue before it
 * reads its TCP receive queue (tcp_bpf_recvmsg).
 */
#define AMBIT_FAST_PATH_BYTES (1024 * 1024)
/* Set once a socket has sent anything through TCP: it never goes back to the fast path. */
#define AMBIT_FAST_PATH_SPENT (~0ULL)

#define AMBIT_POD_MAX_ADDRS  4
#define AMBIT_IDENTITY_LEN   256
/* Pods are found by walking up from the socket's cgroup, so container cgroups nested
 * below an enrolled pod cgroup are covered. */
#define AMBIT_MAX_CGROUP_DEPTH 12

/* 20 bytes. */
struct ambit_endpoint {
	__u8   addr[16];
	__be16 port;
	__u16  pad;
};

/* 44 bytes; array map with one entry, written by the agent. */
struct ambit_config {
	struct ambit_endpoint tunnel4; /* outbound listener for IPv4 destinations (addr v4-mapped) */
	struct ambit_endpoint tunnel6; /* outbound listener for IPv6 destinations */
	__u32 flags;                   /* AMBIT_FLAG_* */
};

/* 328 bytes. The kernel reads only mode; addresses and identity live here so that an
 * agent restart finds every enrollment complete in the pinned map. */
struct ambit_pod {
	__u32 mode;
	__u32 addr_count;
	__u8  addrs[AMBIT_POD_MAX_ADDRS][16];
	char  identity[AMBIT_IDENTITY_LEN]; /* SPIFFE ID, UTF-8, NUL padded */
};

/* 40 bytes; array map with one entry, written by the agent: the tunnel's DNS proxy, where an
 * enrolled pod's DNS goes. An unset endpoint (port 0) leaves that family's DNS alone. */
struct ambit_dns_config {
	struct ambit_endpoint proxy4; /* addr v4-mapped */
	struct ambit_endpoint proxy6;
};

/* 32 bytes; a plaintext connection attempt from src to dst (addresses as in ambit_endpoint). */
struct ambit_flow {
	__u8 src[16];
	__u8 dst[16];
};

/* 40 bytes; a socket in the sockhash is keyed by its own (local, remote). */
struct ambit_sock_pair {
	struct ambit_endpoint local;
	struct ambit_endpoint remote;
};

/* Managed by the agent only; an LRU would silently un-enroll pods. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __u64); /* cgroup v2 id */
	__type(value, struct ambit_pod);
} enrolled SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct ambit_config);
} config SEC(".maps");

/* Written at connect(), consumed when the connection is established: a connect() that
 * never completes leaves its entry behind, hence LRU. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 65536);
	__type(key, __u64); /* socket cookie */
	__type(value, struct ambit_endpoint);
} orig_by_cookie SEC(".maps");

/* Original destination by the client's ip:port, which the tunnel sees as the peer of the
 * accepted socket. Deleted when the tunnel's socket closes; LRU covers a lost close. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 65536);
	__type(key, struct ambit_endpoint);
	__type(value, struct ambit_endpoint);
} orig_by_peer SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_SOCKHASH);
	__uint(max_entries, 65536);
	__type(key, struct ambit_sock_pair);
	__type(value, __u64);
} sock_pairs SEC(".maps");

/* Bytes each sending socket (keyed like the sockhash) has passed through the fast path.
 * Closed sockets leave their entry behind, hence LRU; a socket evicted while open only
 * starts counting again, bounded as before. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 65536);
	__type(key, struct ambit_sock_pair);
	__type(value, __u64);
} fast_path_bytes SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct ambit_dns_config);
} dns_config SEC(".maps");

/* The DNS server a captured socket asked, by socket cookie: its answers and getpeername()
 * show that server, not the proxy. Sockets close without telling us, hence LRU; one entry per
 * socket, so a socket asking two servers sees its answers come from the last one asked. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 65536);
	__type(key, __u64); /* socket cookie */
	__type(value, struct ambit_endpoint);
} dns_server_by_cookie SEC(".maps");

/* STRICT drops by (source, destination address), so that a refusal shows on the edge it hit (the
 * service graph) and not only on its node. LRU: a flood from many sources evicts old pairs
 * instead of filling the map; the totals in stats stay exact. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16384);
	__type(key, struct ambit_flow);
	__type(value, __u64);
} strict_drops SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, AMBIT_STAT_COUNT);
	__type(key, __u32);
	__type(value, __u64);
} stats SEC(".maps");

static __always_inline void count(__u32 stat)
{
	__u64 *value = bpf_map_lookup_elem(&stats, &stat);

	if (value)
		*value += 1;
}

static __always_inline struct ambit_config *tunnel_config(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&config, &zero);
}

/*
 * The enrolled pod a cgroup belongs to, walking from the top down: container cgroups nested
 * below an enrolled pod cgroup are part of the pod. ancestor_id_at_level is a helper call using
 * the loop's `level`: the id of the socket's ancestor cgroup there, 0 past its own cgroup.
 */
#define FIND_POD(ancestor_id_at_level)                                        \
	({                                                                    \
		struct ambit_pod *found = NULL;                               \
		for (int level = 1; level <= AMBIT_MAX_CGROUP_DEPTH; level++) { \
			__u64 id = ancestor_id_at_level;                      \
			if (!id)                                              \
				break;                                        \
			found = bpf_map_lookup_elem(&enrolled, &id);          \
			if (found)                                            \
				break;                                        \
		}                                                             \
		found;                                                        \
	})

/* Context fields must be read 32 bits at a time; volatile keeps clang from merging loads. */
static __always_inline void load_ip6(__u32 *dst, const volatile __u32 *ctx_field)
{
	dst[0] = ctx_field[0];
	dst[1] = ctx_field[1];
	dst[2] = ctx_field[2];
	dst[3] = ctx_field[3];
}

static __always_inline void set_v4(struct ambit_endpoint *ep, __be32 addr, __be16 port)
{
	__builtin_memset(ep, 0, sizeof(*ep));
	ep->addr[10] = 0xff;
	ep->addr[11] = 0xff;
	__builtin_memcpy(&ep->addr[12], &addr, 4);
	ep->port = port;
}

static __always_inline void set_v6(struct ambit_endpoint *ep, const __u32 *addr, __be16 port)
{
	__builtin_memset(ep, 0, sizeof(*ep));
	__builtin_memcpy(ep->addr, addr, 16);
	ep->port = port;
}

static __always_inline int is_v4_mapped(const struct ambit_endpoint *ep)
{
	const __u32 *w = (const __u32 *)ep->addr;

	return w[0] == 0 && w[1] == 0 && w[2] == bpf_htonl(0x0000ffff);
}

static __always_inline int is_loopback(const struct ambit_endpoint *ep)
{
	const __u32 *w = (const __u32 *)ep->addr;

	if (is_v4_mapped(ep))
		return ep->addr[12] == 127;
	return w[0] == 0 && w[1] == 0 && w[2] == 0 && w[3] == bpf_htonl(1);
}

static __always_inline int same_addr(const struct ambit_endpoint *a, const struct ambit_endpoint *b)
{
	const __u32 *x = (const __u32 *)a->addr;
	const __u32 *y = (const __u32 *)b->addr;

	return x[0] == y[0] && x[1] == y[1] && x[2] == y[2] && x[3] == y[3];
}

static __always_inline int same_endpoint(const struct ambit_endpoint *a, const struct ambit_endpoint *b)
{
	return same_addr(a, b) && a->port == b->port;
}

static __always_inline int is_unset(const struct ambit_endpoint *ep)
{
	return ep->port == 0;
}

/*
 * Records the original destination and returns the tunnel endpoint to connect to instead,
 * or NULL to leave the connection alone. Loops are impossible by construction (the tunnel's
 * sockets are not in an enrolled cgroup); the checks on the destination are the guard.
 */
static __always_inline const struct ambit_endpoint *steer(struct bpf_sock_addr *ctx,
							  const struct ambit_endpoint *dst)
{
	struct ambit_config *cfg;
	const struct ambit_endpoint *tunnel;
	__u64 cookie;

	if (ctx->type != SOCK_STREAM || is_loopback(dst))
		return NULL;
	cfg = tunnel_config();
	if (!cfg)
		return NULL;
	tunnel = is_v4_mapped(dst) ? &cfg->tunnel4 : &cfg->tunnel6;
	if (is_unset(tunnel) || same_endpoint(dst, tunnel) || !FIND_POD(bpf_get_current_ancestor_cgroup_id(level)))
		return NULL;
	cookie = bpf_get_socket_cookie(ctx);
	if (bpf_map_update_elem(&orig_by_cookie, &cookie, dst, BPF_ANY))
		return NULL;
	count(AMBIT_STAT_REDIRECTS);
	return tunnel;
}

static __always_inline struct ambit_dns_config *dns_config_of(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&dns_config, &zero);
}

/*
 * DNS capture: the tunnel's DNS proxy, where a pod's DNS message or connection to dst goes
 * instead, with dst remembered for the answers; NULL to leave it alone (not port 53, not an
 * enrolled pod, a pod that opted out, capture off for the family). A resolver on the pod's own
 * loopback is the pod's business and is left alone, as steer() leaves loopback alone.
 */
static __always_inline const struct ambit_endpoint *capture_dns(struct bpf_sock_addr *ctx,
								const struct ambit_endpoint *dst)
{
	struct ambit_dns_config *cfg;
	const struct ambit_endpoint *proxy;
	struct ambit_pod *pod;
	__u64 cookie;

	if (dst->port != bpf_htons(DNS_PORT) || (ctx->type != SOCK_DGRAM && ctx->type != SOCK_STREAM) ||
	    is_loopback(dst))
		return NULL;
	cfg = dns_config_of();
	if (!cfg)
		return NULL;
	proxy = is_v4_mapped(dst) ? &cfg->proxy4 : &cfg->proxy6;
	if (is_unset(proxy))
		return NULL;
	pod = FIND_POD(bpf_get_current_ancestor_cgroup_id(level));
	if (!pod || (pod->mode & AMBIT_POD_NO_DNS_CAPTURE))
		return NULL;
	cookie = bpf_get_socket_cookie(ctx);
	if (bpf_map_update_elem(&dns_server_by_cookie, &cookie, dst, BPF_ANY))
		return NULL;
	return proxy;
}

/*
 * The server a captured socket asked, when from (an answer's source, or the connected peer)
 * is the proxy it was sent to instead; NULL otherwise. A resolver may drop answers from an
 * address it did not ask (musl's, on its unconnected socket), and getpeername() must show what
 * the application connected to, so the proxy must not show.
 */
static __always_inline const struct ambit_endpoint *asked_server(struct bpf_sock_addr *ctx,
								 const struct ambit_endpoint *from)
{
	struct ambit_dns_config *cfg = dns_config_of();
	__u64 cookie;

	if (!cfg || !((!is_unset(&cfg->proxy4) && same_endpoint(from, &cfg->proxy4)) ||
		      (!is_unset(&cfg->proxy6) && same_endpoint(from, &cfg->proxy6))))
		return NULL;
	cookie = bpf_get_socket_cookie(ctx);
	return bpf_map_lookup_elem(&dns_server_by_cookie, &cookie);
}

static __always_inline void ctx_endpoint4(struct bpf_sock_addr *ctx, struct ambit_endpoint *ep)
{
	set_v4(ep, ctx->user_ip4, (__be16)ctx->user_port);
}

static __always_inline void ctx_endpoint6(struct bpf_sock_addr *ctx, struct ambit_endpoint *ep)
{
	__u32 addr[4];

	load_ip6(addr, ctx->user_ip6);
	set_v6(ep, addr, (__be16)ctx->user_port);
}

/* Only a v4-mapped endpoint can be written into an IPv4 socket address. */
static __always_inline void set_ctx4(struct bpf_sock_addr *ctx, const struct ambit_endpoint *ep)
{
	__be32 addr;

	if (!is_v4_mapped(ep))
		return;
	__builtin_memcpy(&addr, &ep->addr[12], 4);
	ctx->user_ip4 = addr;
	ctx->user_port = ep->port;
}

/* A dual-stack socket reaching IPv4 gets the v4-mapped form. */
static __always_inline void set_ctx6(struct bpf_sock_addr *ctx, const struct ambit_endpoint *ep)
{
	const __u32 *w = (const __u32 *)ep->addr;

	ctx->user_ip6[0] = w[0];
	ctx->user_ip6[1] = w[1];
	ctx->user_ip6[2] = w[2];
	ctx->user_ip6[3] = w[3];
	ctx->user_port = ep->port;
}

SEC("cgroup/connect4")
int ambit_connect4(struct bpf_sock_addr *ctx)
{
	struct ambit_endpoint dst;
	const struct ambit_endpoint *target;

	ctx_endpoint4(ctx, &dst);
	target = capture_dns(ctx, &dst);
	if (!target)
		target = steer(ctx, &dst);
	if (target)
		set_ctx4(ctx, target);
	return 1;
}

SEC("cgroup/connect6")
int ambit_connect6(struct bpf_sock_addr *ctx)
{
	struct ambit_endpoint dst;
	const struct ambit_endpoint *target;

	ctx_endpoint6(ctx, &dst);
	target = capture_dns(ctx, &dst);
	if (!target)
		target = steer(ctx, &dst);
	if (target)
		set_ctx6(ctx, target);
	return 1;
}

/* Unconnected UDP: each datagram names its server (connected sockets were handled at connect). */
SEC("cgroup/sendmsg4")
int ambit_sendmsg4(struct bpf_sock_addr *ctx)
{
	struct ambit_endpoint dst;
	const struct ambit_endpoint *proxy;

	ctx_endpoint4(ctx, &dst);
	proxy = capture_dns(ctx, &dst);
	if (proxy)
		set_ctx4(ctx, proxy);
	return 1;
}

SEC("cgroup/sendmsg6")
int ambit_sendmsg6(struct bpf_sock_addr *ctx)
{
	struct ambit_endpoint dst;
	const struct ambit_endpoint *proxy;

	ctx_endpoint6(ctx, &dst);
	proxy = capture_dns(ctx, &dst);
	if (proxy)
		set_ctx6(ctx, proxy);
	return 1;
}

/* The address in ctx (an answer's source, or the connected peer) becomes the server asked, if it is the proxy. */
static __always_inline void show_asked_server4(struct bpf_sock_addr *ctx)
{
	struct ambit_endpoint from;
	const struct ambit_endpoint *server;

	ctx_endpoint4(ctx, &from);
	server = asked_server(ctx, &from);
	if (server)
		set_ctx4(ctx, server);
}

static __always_inline void show_asked_server6(struct bpf_sock_addr *ctx)
{
	struct ambit_endpoint from;
	const struct ambit_endpoint *server;

	ctx_endpoint6(ctx, &from);
	server = asked_server(ctx, &from);
	if (server)
		set_ctx6(ctx, server);
}

SEC("cgroup/recvmsg4")
int ambit_recvmsg4(struct bpf_sock_addr *ctx)
{
	show_asked_server4(ctx);
	return 1;
}

SEC("cgroup/recvmsg6")
int ambit_recvmsg6(struct bpf_sock_addr *ctx)
{
	show_asked_server6(ctx);
	return 1;
}

SEC("cgroup/getpeername4")
int ambit_getpeername4(struct bpf_sock_addr *ctx)
{
	show_asked_server4(ctx);
	return 1;
}

SEC("cgroup/getpeername6")
int ambit_getpeername6(struct bpf_sock_addr *ctx)
{
	show_asked_server6(ctx);
	return 1;
}

/* sock_ops and sk_msg hold the remote port in network order in the upper 16 bits. */
static __always_inline __be16 remote_port_of(__u32 remote_port)
{
	return (__be16)(remote_port >> 16);
}

/* bpf_sock_ops and sk_msg_md name their address fields alike: one extraction for both. */
#define LOAD_ENDPOINTS(ctx, local_ep, remote_ep)                                     \
	do {                                                                         \
		__be16 local_port = bpf_htons((__u16)(ctx)->local_port);             \
		__be16 remote_port = remote_port_of((ctx)->remote_port);             \
		if ((ctx)->family == AF_INET) {                                      \
			set_v4(local_ep, (ctx)->local_ip4, local_port);              \
			set_v4(remote_ep, (ctx)->remote_ip4, remote_port);           \
		} else {                                                             \
			__u32 local[4], remote[4];                                   \
			load_ip6(local, (ctx)->local_ip6);                           \
			load_ip6(remote, (ctx)->remote_ip6);                         \
			set_v6(local_ep, local, local_port);                         \
			set_v6(remote_ep, remote, remote_port);                      \
		}                                                                    \
	} while (0)

static __always_inline int is_tunnel_listener(const struct ambit_config *cfg, const struct ambit_endpoint *ep)
{
	return (!is_unset(&cfg->tunnel4) && same_endpoint(ep, &cfg->tunnel4)) ||
	       (!is_unset(&cfg->tunnel6) && same_endpoint(ep, &cfg->tunnel6));
}

static __always_inline void join_fast_path(struct bpf_sock_ops *skops, const struct ambit_config *cfg,
					   struct ambit_sock_pair *pair)
{
	if (cfg->flags & AMBIT_FLAG_SOCKHASH)
		bpf_sock_hash_update(skops, &sock_pairs, pair, BPF_ANY);
}

/* Client side of a steered connection: its cookie has a record from connect(). */
static __always_inline void on_active_established(struct bpf_sock_ops *skops, const struct ambit_config *cfg)
{
	struct ambit_sock_pair pair;
	struct ambit_endpoint *orig;
	__u64 cookie = bpf_get_socket_cookie(skops);

	orig = bpf_map_lookup_elem(&orig_by_cookie, &cookie);
	if (!orig)
		return;
	LOAD_ENDPOINTS(skops, &pair.local, &pair.remote);
	bpf_map_update_elem(&orig_by_peer, &pair.local, orig, BPF_ANY);
	bpf_map_delete_elem(&orig_by_cookie, &cookie);
	join_fast_path(skops, cfg, &pair);
}

/* Tunnel side: the record is dropped when the tunnel's socket closes, never earlier, so a
 * client that sends and closes before the tunnel accepts still has its destination found. */
static __always_inline void on_passive_established(struct bpf_sock_ops *skops, const struct ambit_config *cfg)
{
	struct ambit_sock_pair pair;

	LOAD_ENDPOINTS(skops, &pair.local, &pair.remote);
	if (!is_tunnel_listener(cfg, &pair.local))
		return;
	bpf_sock_ops_cb_flags_set(skops, BPF_SOCK_OPS_STATE_CB_FLAG);
	join_fast_path(skops, cfg, &pair);
}

static __always_inline void on_tunnel_socket_closed(struct bpf_sock_ops *skops)
{
	struct ambit_sock_pair pair;

	LOAD_ENDPOINTS(skops, &pair.local, &pair.remote);
	bpf_map_delete_elem(&orig_by_peer, &pair.remote);
}

SEC("sockops")
int ambit_sockops(struct bpf_sock_ops *skops)
{
	struct ambit_config *cfg;

	if (skops->family != AF_INET && skops->family != AF_INET6)
		return 1;
	cfg = tunnel_config();
	if (!cfg)
		return 1;
	switch (skops->op) {
	case BPF_SOCK_OPS_ACTIVE_ESTABLISHED_CB:
		on_active_established(skops, cfg);
		break;
	case BPF_SOCK_OPS_PASSIVE_ESTABLISHED_CB:
		on_passive_established(skops, cfg);
		break;
	case BPF_SOCK_OPS_STATE_CB:
		if (skops->args[1] == BPF_TCP_CLOSE)
			on_tunnel_socket_closed(skops);
		break;
	}
	return 1;
}

/* This socket's fast-path byte count, created at zero on its first message. */
static __always_inline __u64 *fast_path_sent(struct ambit_sock_pair *self)
{
	__u64 zero = 0;
	__u64 *sent = bpf_map_lookup_elem(&fast_path_bytes, self);

	if (sent)
		return sent;
	bpf_map_update_elem(&fast_path_bytes, self, &zero, BPF_NOEXIST);
	return bpf_map_lookup_elem(&fast_path_bytes, self);
}

/* Whether a message of size bytes may skip the stack; sk_msg runs under the sending socket's
 * lock, so the count of one socket is never updated concurrently. */
static __always_inline int fast_path_allows(__u64 *sent, __u32 size)
{
	if (*sent == AMBIT_FAST_PATH_SPENT || *sent + size > AMBIT_FAST_PATH_BYTES) {
		*sent = AMBIT_FAST_PATH_SPENT;
		return 0;
	}
	*sent += size;
	return 1;
}

SEC("sk_msg")
int ambit_sk_msg(struct sk_msg_md *msg)
{
	struct ambit_sock_pair self, peer;
	__u64 *sent;

	LOAD_ENDPOINTS(msg, &self.local, &self.remote);
	sent = fast_path_sent(&self);
	if (!sent || !fast_path_allows(sent, msg->size))
		return SK_PASS;
	/* The receiving socket is keyed by its own (local, remote): our (remote, local). */
	peer.local = self.remote;
	peer.remote = self.local;
	/* Without a peer in the map (the tunnel's side may not be established yet) the message
	 * takes the normal path, and so must every later one: the receiver would read data
	 * redirected later before this. */
	if (bpf_msg_redirect_hash(msg, &sock_pairs, &peer, BPF_F_INGRESS) != SK_PASS)
		*sent = AMBIT_FAST_PATH_SPENT;
	return SK_PASS;
}

SEC("cgroup/getsockopt")
int ambit_getsockopt(struct bpf_sockopt *ctx)
{
	struct bpf_sock *sk = ctx->sk;
	struct ambit_endpoint peer;
	struct ambit_endpoint *orig;

	if (ctx->optname != SO_ORIGINAL_DST || (ctx->level != SOL_IP && ctx->level != SOL_IPV6) || !sk)
		return 1;
	if (sk->family == AF_INET) {
		set_v4(&peer, sk->dst_ip4, sk->dst_port);
	} else {
		__u32 addr[4];

		load_ip6(addr, sk->dst_ip6);
		set_v6(&peer, addr, sk->dst_port);
	}
	orig = bpf_map_lookup_elem(&orig_by_peer, &peer);
	if (!orig)
		return 1;

	if (ctx->level == SOL_IP) {
		struct sockaddr_in *sa = ctx->optval;

		if ((void *)(sa + 1) > ctx->optval_end || !is_v4_mapped(orig))
			return 1;
		sa->sin_family = AF_INET;
		sa->sin_port = orig->port;
		__builtin_memcpy(&sa->sin_addr.s_addr, &orig->addr[12], 4);
		__builtin_memset(sa->__pad, 0, sizeof(sa->__pad));
		ctx->optlen = sizeof(*sa);
	} else {
		struct sockaddr_in6 *sa = ctx->optval;

		if ((void *)(sa + 1) > ctx->optval_end)
			return 1;
		sa->sin6_family = AF_INET6;
		sa->sin6_port = orig->port;
		sa->sin6_flowinfo = 0;
		__builtin_memcpy(&sa->sin6_addr, orig->addr, 16);
		sa->sin6_scope_id = 0;
		ctx->optlen = sizeof(*sa);
	}
	ctx->retval = 0;
	return 1;
}

/* Source and destination of an inbound IPv4 or IPv6 packet; cgroup_skb data starts at the IP header. */
static __always_inline int packet_addresses(struct __sk_buff *skb, struct ambit_endpoint *src,
					    struct ambit_endpoint *dst)
{
	if (skb->protocol == bpf_htons(ETH_P_IP)) {
		__be32 addrs[2];

		if (bpf_skb_load_bytes(skb, 12, addrs, sizeof(addrs)))
			return -1;
		set_v4(src, addrs[0], 0);
		set_v4(dst, addrs[1], 0);
	} else {
		__u32 addrs[8];

		if (bpf_skb_load_bytes(skb, 8, addrs, sizeof(addrs)))
			return -1;
		set_v6(src, &addrs[0], 0);
		set_v6(dst, &addrs[4], 0);
	}
	return 0;
}

static __always_inline void count_strict_drop(const struct ambit_endpoint *src, const struct ambit_endpoint *dst)
{
	struct ambit_flow flow;
	__u64 one = 1;
	__u64 *dropped;

	__builtin_memcpy(flow.src, src->addr, 16);
	__builtin_memcpy(flow.dst, dst->addr, 16);
	dropped = bpf_map_lookup_elem(&strict_drops, &flow);
	if (dropped) {
		__sync_fetch_and_add(dropped, 1);
		return;
	}
	/* Another CPU may have added the pair since the lookup: then count on its entry. */
	if (bpf_map_update_elem(&strict_drops, &flow, &one, BPF_NOEXIST)) {
		dropped = bpf_map_lookup_elem(&strict_drops, &flow);
		if (dropped)
			__sync_fetch_and_add(dropped, 1);
	}
}

/*
 * STRICT: a pod accepts new TCP connections only from the tunnel (or its own loopback).
 * Only packets for listening sockets (SYN, handshake ACK) are judged: replies on the pod's
 * own connections and connections established before enrollment keep flowing.
 */
SEC("cgroup_skb/ingress")
int ambit_ingress(struct __sk_buff *skb)
{
	struct bpf_sock *sk = skb->sk;
	struct ambit_pod *pod;
	struct ambit_config *cfg;
	struct ambit_endpoint src, dst;

	if (!sk)
		return 1;
	sk = bpf_sk_fullsock(sk);
	if (!sk || sk->protocol != IPPROTO_TCP || sk->state != BPF_TCP_LISTEN)
		return 1;
	pod = FIND_POD(bpf_skb_ancestor_cgroup_id(skb, level));
	if (!pod || (pod->mode & AMBIT_MODE_MASK) != AMBIT_MODE_STRICT)
		return 1;
	cfg = tunnel_config();
	if (!cfg || packet_addresses(skb, &src, &dst))
		return 1;
	if (is_loopback(&src) || same_addr(&src, &cfg->tunnel4) || same_addr(&src, &cfg->tunnel6))
		return 1;
	count(AMBIT_STAT_STRICT_DROPS);
	count_strict_drop(&src, &dst);
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
