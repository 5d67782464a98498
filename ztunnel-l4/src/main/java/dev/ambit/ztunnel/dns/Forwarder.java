package dev.ambit.ztunnel.dns;

import io.netty.handler.codec.dns.DnsQuestion;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;

/** Where the proxy sends the questions that are not the mesh's: the node's resolver ({@link Upstream}). */
interface Forwarder {

    /** Asks {@code question}; {@code answered} completes with the answer or fails with an upstream failure. */
    Future<Answer> query(DnsQuestion question, Promise<Answer> answered);
}
